/* cmd.h - the subcommands and what they share: exit codes, error printing.
 * Only cmd_*.c and main.c print or decide the exit code. */
#ifndef S3P_CMD_H
#define S3P_CMD_H

#include "error.h"
#include "opts.h"

enum {
	EXIT_ALL_GOOD = 0,  /* every grant present, nothing found */
	EXIT_FINDING = 1,   /* a grant is missing, or a finding */
	EXIT_USAGE = 2,     /* usage or input error */
	EXIT_S3 = 3         /* could not reach or authenticate to S3 */
};

int cmd_gen(int argc, char **argv);
int cmd_apply(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_layout(int argc, char **argv);
int cmd_doctor(int argc, char **argv);

/* The option groups the commands share, defined once (cmd.c) so every
 * command accepts them the same way.  Zero-initialise the structs. */

/* --user/-u, --account, --principal, --partition. */
struct cmd_principal {
	const char *user, *account, *principal, *partition;
};
#define CMD_PRINCIPAL_NOPTS 4
extern const struct opt_spec cmd_principal_opts[CMD_PRINCIPAL_NOPTS];
#define CMD_PRINCIPAL_GROUP(p) \
	{ cmd_principal_opts, CMD_PRINCIPAL_NOPTS, (p), NULL }

struct principal;

/* --bucket, which COMMAND requires: given and a valid bucket name. */
int cmd_need_bucket(const char *bucket, const char *command,
		    struct s3p_error *err);
/* The principal named by --user (and --account) or --principal, one of
 * which is required; *resource_partition as names_resolve_principal(). */
int cmd_need_principal(const struct cmd_principal *id, struct principal *pr,
		       const char **resource_partition,
		       struct s3p_error *err);

/* --mode/-m (checked: read or export), --prefix (repeatable),
 * --templates: which grants. */
struct cmd_grants {
	const char *mode;            /* NULL: read */
	struct opt_list prefixes;
	const char *templates;
};
#define CMD_GRANTS_NOPTS 3
extern const struct opt_spec cmd_grants_opts[CMD_GRANTS_NOPTS];
#define CMD_GRANTS_GROUP(g) { cmd_grants_opts, CMD_GRANTS_NOPTS, (g), NULL }

struct timespec;
/* Seconds since t (CLOCK_MONOTONIC), for progress lines and rates. */
double cmd_seconds_since(const struct timespec *t);

/* The one colour rule of every human output: colour when fd is a
 * terminal and NO_COLOR is unset or empty; never when piped. */
int cmd_color(int fd);

/* The exit status of an error of this kind (the one rule: 2 usage, input
 * or local I/O; 3 could not run: S3, memory, internal). */
int cmd_exit_status(enum s3p_err_kind kind);
/* The stable name of an error kind in JSON: "usage", "input", "io",
 * "memory", "s3", "internal". */
const char *cmd_error_kind(enum s3p_err_kind kind);

/* With --json among argv's options, cmd_fail() also prints the error as
 * the one JSON document of the run on stdout.  Call before parsing (so a
 * usage error is JSON too). */
void cmd_json_errors(int argc, char **argv);

struct buf;
/* {"error": {"kind", "message", "exit_status"}} and a newline, to out. */
void cmd_error_json(const struct s3p_error *err, int status,
		    struct buf *out);

/* Print "s3perm: error: MSG" on stderr (and, after cmd_json_errors() saw
 * --json, the error's JSON document on stdout) and return the exit status
 * for the error's kind. */
int cmd_fail(const struct s3p_error *err);

/* --strict, the same in every command that has findings: warnings (and
 * check's unknown grants) exit 1. */
#define CMD_OPT_STRICT(type, field) \
	OPT_FLAG(type, field, "strict", 0, \
		 "exit 1 on warnings too (see EXIT STATUS)")

/* Print "s3perm: warning: MSG" on stderr. */
void cmd_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print "s3perm: LEVEL: TEXT" on stderr, LEVEL "warning" or "error" in its
 * colour, TEXT of any length escaped for the terminal. */
void cmd_say(const char *level, const char *text);

#endif
