/* cmd_s3.h - what the S3 commands (check, verify --fetch, layout --bucket)
 * share at the command layer: the S3 options, their parsing and checks,
 * and building a client from them (credentials, configuration, the
 * --verbose trace on standard error).
 *
 * Use:
 *   static const struct opt_spec my_opts[] = { ..., CMD_S3_OPTIONS };
 *   struct my_args { ...; struct cmd_s3_opts s3; };  // zeroed
 *   on_opt(): ... default: return cmd_s3_option(&a->s3, id, v, err);
 *   if (a.s3.given && !uses_s3) "S3 options (" CMD_S3_OPTION_NAMES ")
 *             need '--x'";
 *   struct s3_client *c;
 *   if (cmd_s3_client(&a.s3, 0, &c, &err)) return cmd_fail(&err);
 *   ... s3_client_free(c);
 */
#ifndef S3P_CMD_S3_H
#define S3P_CMD_S3_H

#include "error.h"
#include "opts.h"

struct s3_client;

/* Option ids, above any command's own. */
enum {
	CMD_S3_O_ENDPOINT = 1000,
	CMD_S3_O_REGION,
	CMD_S3_O_PROFILE,
	CMD_S3_O_PATH_STYLE,
	CMD_S3_O_TIMEOUT,
	CMD_S3_O_VERBOSE
};

/* The opt_spec entries, for the end of a command's option table. */
#define CMD_S3_OPTIONS \
	{ CMD_S3_O_ENDPOINT, "endpoint", 0, "URL", \
	  "S3-compatible endpoint instead of AWS", 0 }, \
	{ CMD_S3_O_REGION, "region", 0, "REGION", \
	  "starting region (default: environment, profile, discovered)", 0 }, \
	{ CMD_S3_O_PROFILE, "profile", 0, "NAME", \
	  "AWS CLI profile whose credentials sign the requests", 0 }, \
	{ CMD_S3_O_PATH_STYLE, "path-style", 0, NULL, \
	  "path-style addressing (http://host/bucket/key)", 0 }, \
	{ CMD_S3_O_TIMEOUT, "timeout", 0, "SECONDS", \
	  "per-request timeout (default 30)", 0 }, \
	{ CMD_S3_O_VERBOSE, "verbose", 'v', NULL, \
	  "show each S3 request on standard error (never a secret)", 0 }

/* The options `given` counts, for "... need '--bucket'" messages. */
#define CMD_S3_OPTION_NAMES \
	"--endpoint, --region, --profile, --path-style, --timeout"

/* The S3 options' part of a usage line. */
#define CMD_S3_USAGE \
	"[--endpoint URL] [--region R] [--profile NAME] [--path-style]\n" \
	"                     [--timeout SECONDS] [-v]"

/* The values (borrowed from argv); zero-initialise. */
struct cmd_s3_opts {
	const char *endpoint;   /* NULL: environment, profile, AWS */
	const char *region;     /* NULL: environment, profile, discovered */
	const char *profile;    /* NULL: environment, AWS_PROFILE, default */
	int path_style;         /* 1: --path-style */
	long timeout;           /* seconds, 0: the client's default */
	int verbose;            /* 1: trace each attempt on stderr */
	int given;              /* 1: any option of CMD_S3_OPTION_NAMES was
				   given (--verbose is not counted: it only
				   shows requests, if any are made) */
};

/* Take one S3 option (id from CMD_S3_OPTIONS, value as opts_parse passes
 * it).  Returns 0, or -1 with err (S3P_E_USAGE) for a --timeout outside
 * 1..3600 or an invalid --region; any other id (a positional argument,
 * OPT_POSITIONAL, included) is "unexpected argument 'VALUE'", so a
 * command's handler can pass on every id it does not know itself. */
int cmd_s3_option(struct cmd_s3_opts *o, int id, const char *value,
		  struct s3p_error *err);

/* Load the credentials (--profile, see creds.h), configure and create a
 * client; max_concurrency 0: the client's default.  With --verbose each
 * attempt is printed on stderr (method, host and path, status and S3
 * code or the transport error, request id, elapsed ms, region, attempt,
 * backoff; never a header or a secret).  The credentials are wiped before
 * returning.  On success *out is the client (free with s3_client_free);
 * on failure *out is NULL and err says why. */
int cmd_s3_client(const struct cmd_s3_opts *o, int max_concurrency,
		  struct s3_client **out, struct s3p_error *err);

#endif
