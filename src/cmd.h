/* cmd.h - the subcommands and what they share: exit codes, error printing.
 * Only cmd_*.c and main.c print or decide the exit code. */
#ifndef S3P_CMD_H
#define S3P_CMD_H

#include "error.h"

enum {
	EXIT_ALL_GOOD = 0,  /* every grant present, nothing found */
	EXIT_FINDING = 1,   /* a grant is missing, or a finding */
	EXIT_USAGE = 2,     /* usage or input error */
	EXIT_S3 = 3         /* could not reach or authenticate to S3 */
};

int cmd_gen(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_layout(int argc, char **argv);

/* Print "s3perm: error: MSG" on stderr and return the exit code for the
 * error's kind. */
int cmd_fail(const struct s3p_error *err);

/* Print "s3perm: warning: MSG" on stderr. */
void cmd_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
