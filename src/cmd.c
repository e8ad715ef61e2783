/* cmd.c - what the subcommands share: printing errors and warnings. */
#include "cmd.h"

#include <stdarg.h>
#include <stdio.h>

int cmd_fail(const struct s3p_error *err)
{
	fprintf(stderr, "s3perm: error: %s\n", err->msg);
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

	fputs("s3perm: warning: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
