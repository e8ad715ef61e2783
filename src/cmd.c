/* cmd.c - what the subcommands share: printing errors and warnings. */
#include "cmd.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "buf.h"

int cmd_fail(const struct s3p_error *err)
{
	/* messages carry server bytes and key names: escaped */
	char *msg = term_escape(err->msg);

	fprintf(stderr, "s3perm: error: %s\n", msg);
	free(msg);
	switch (err->kind) {
	case S3P_E_S3:
		return EXIT_S3;
	case S3P_E_USAGE:
	case S3P_E_INPUT:
	case S3P_E_IO:
	default:
		return EXIT_USAGE;
	}
}

void cmd_warn(const char *fmt, ...)
{
	va_list ap;
	char tmp[1024], *msg;

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	msg = term_escape(tmp);
	fprintf(stderr, "s3perm: warning: %s\n", msg);
	free(msg);
}
