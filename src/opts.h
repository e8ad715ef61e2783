/* opts.h - table-driven command-line options, shared by every subcommand.
 *
 * Each command declares a table of struct opt_spec; opts_parse() walks argv
 * and calls the command's handler once per option (with its id and value)
 * and once per positional argument (id OPT_POSITIONAL).  --help is handled
 * by the caller (opts_parse returns OPTS_HELP).  The same table prints
 * --help, and tests compare that text against the man page.
 */
#ifndef S3P_OPTS_H
#define S3P_OPTS_H

#include <stdio.h>
#include "error.h"

#define OPT_POSITIONAL (-1)

struct opt_spec {
	int id;                  /* passed to the handler */
	const char *long_name;   /* without the leading "--" */
	char short_name;         /* 0 for none */
	const char *arg_name;    /* NULL: a flag without a value */
	const char *help;        /* one line */
	int repeatable;          /* 1: may be given more than once; else a
	                            second value is a usage error */
};

/* Return 0 to go on, -1 (with err set) to stop. */
typedef int (*opt_handler)(void *ctx, int id, const char *value,
			   struct s3p_error *err);

enum { OPTS_OK = 0, OPTS_HELP = 1 };

/* Returns OPTS_OK, OPTS_HELP when --help/-h was given, or -1 with err set
 * (kind S3P_E_USAGE) for an unknown option, a missing value or a handler
 * failure.  Accepts "--name value", "--name=value", "-x value", "-xvalue"
 * and "--" to end options.  An option with a value that is not
 * repeatable may be given once. */
int opts_parse(int argc, char **argv, const struct opt_spec *specs,
	       size_t nspecs, opt_handler handler, void *ctx,
	       struct s3p_error *err);

void opts_print_help(FILE *out, const char *usage, const char *summary,
		     const struct opt_spec *specs, size_t nspecs);

/* Checked numeric conversion: whole string, within [min, max]. */
int opts_parse_long(const char *opt, const char *value, long min, long max,
		    long *out, struct s3p_error *err);

#define OPTS_COUNT(a) (sizeof(a) / sizeof((a)[0]))

#endif
