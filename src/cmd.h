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

/* The one colour rule of every human output: colour when fd is a
 * terminal and NO_COLOR is unset or empty; never when piped. */
int cmd_color(int fd);

/* Print "s3perm: error: MSG" on stderr and return the exit code for the
 * error's kind. */
int cmd_fail(const struct s3p_error *err);

/* Print "s3perm: warning: MSG" on stderr. */
void cmd_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
