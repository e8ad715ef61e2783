/* cmd_s3.h - what the S3 commands (check, verify --fetch, layout --bucket)
 * share at the command layer: the S3 options, their parsing and checks,
 * and building a client from them (credentials, configuration, the
 * --verbose trace on standard error).
 *
 * Use:
 *   struct my_args { ...; struct cmd_s3_opts s3; };  // zeroed
 *   struct opt_group g[] = { OPT_GROUP(my_opts, &a), CMD_S3_GROUP(&a.s3) };
 *   opts_parse(argc, argv, g, OPTS_COUNT(g), &err);
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
struct http_hub;

/* The S3 options, bound to a struct cmd_s3_opts: for a command's group
 * list.  --region and --timeout are checked as they are parsed. */
#define CMD_S3_NOPTS 6
extern const struct opt_spec cmd_s3_opts_table[CMD_S3_NOPTS];
#define CMD_S3_GROUP(o) \
	{ cmd_s3_opts_table, CMD_S3_NOPTS, (o), &(o)->given }

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

/* Load the credentials (--profile, see creds.h), configure and create a
 * client; max_concurrency 0: the client's default.  With --verbose each
 * attempt is printed on stderr (method, host and path, status and S3
 * code or the transport error, request id, elapsed ms, region, attempt,
 * backoff; never a header or a secret).  The credentials are wiped before
 * returning.  On success *out is the client (free with s3_client_free);
 * on failure *out is NULL and err says why. */
int cmd_s3_client(const struct cmd_s3_opts *o, int max_concurrency,
		  struct s3_client **out, struct s3p_error *err);

/* n clients with one credential lookup (one AssumeRole, one
 * credential_process run, one --verbose line), for workers in threads:
 * temporary credentials are refreshed once for all of them, by the first
 * that needs it (the clients of an earlier call share the same store).
 * hub (NULL: none): every client sends its requests through it, sharing
 * one connection pool (see http.h); free it after the clients.  On
 * failure every out[i] is NULL. */
int cmd_s3_clients(const struct cmd_s3_opts *o, int max_concurrency,
		   struct http_hub *hub, struct s3_client **out, size_t n,
		   struct s3p_error *err);

#endif
