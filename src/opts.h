/* opts.h - command-line options as data that point at their storage.
 *
 * Each option is a struct opt_spec naming its type and the offset of the
 * field it fills, in the struct of its group (as git's parse-options
 * does).  A group binds a table to that struct (and, optionally, to a
 * "given" flag), so option sets shared by several commands (the
 * principal, the grants, the S3 options, see cmd.h and cmd_s3.h) are
 * defined once and every command accepts them the same way.
 *
 * opts_parse() walks argv, converts each value with the option's checked
 * converter and stores it; there is no per-command handler.  --help is
 * handled by the caller (opts_parse returns OPTS_HELP).  The same tables
 * print --help, and tests compare that text against the man page.
 *
 *   struct my_args { const char *bucket; int json; struct cmd_s3_opts s3; };
 *   static const struct opt_spec my_opts[] = {
 *       OPT_STRING(struct my_args, bucket, "bucket", 'b', "NAME",
 *                  "the bucket", NULL),
 *       OPT_FLAG(struct my_args, json, "json", 0, "print JSON"),
 *   };
 *   struct opt_group g[] = { OPT_GROUP(my_opts, &a), CMD_S3_GROUP(&a.s3) };
 *   opts_parse(argc, argv, g, OPTS_COUNT(g), &err);
 */
#ifndef S3P_OPTS_H
#define S3P_OPTS_H

#include <stddef.h>
#include <stdio.h>
#include "error.h"

enum opt_type {
	OPT_T_STRING,   /* const char *: the value, borrowed from argv */
	OPT_T_FLAG,     /* int: set to 1; takes no value */
	OPT_T_LIST,     /* struct opt_list: the value appended (repeatable) */
	OPT_T_LONG      /* long: a whole number within [min, max] */
};

/* The values of a repeatable option, in the order given.  Free items
 * (not the strings, which are argv's) with opts_release(). */
struct opt_list {
	const char **items;
	size_t n;
};

/* A converter's check of a value (e.g. names_check_region): 0, or -1
 * with err set (kind S3P_E_USAGE). */
typedef int (*opt_check)(const char *value, struct s3p_error *err);

enum {
	OPT_F_UNCOUNTED = 1   /* giving it does not set the group's given */
};

struct opt_spec {
	const char *long_name;   /* without the leading "--" */
	char short_name;         /* 0 for none; one long option everywhere */
	enum opt_type type;
	size_t offset;           /* of the field in the group's struct */
	const char *arg_name;    /* NULL for OPT_T_FLAG */
	const char *help;        /* one line */
	opt_check check;         /* NULL: any value (STRING, LIST) */
	long min, max;           /* OPT_T_LONG */
	unsigned flags;          /* OPT_F_* */
};

#define OPT_STRING(type, field, lname, sname, arg, help, check) \
	{ lname, sname, OPT_T_STRING, offsetof(type, field), arg, help, \
	  check, 0, 0, 0 }
#define OPT_FLAG(type, field, lname, sname, help) \
	{ lname, sname, OPT_T_FLAG, offsetof(type, field), NULL, help, \
	  NULL, 0, 0, 0 }
#define OPT_LIST(type, field, lname, sname, arg, help, check) \
	{ lname, sname, OPT_T_LIST, offsetof(type, field), arg, help, \
	  check, 0, 0, 0 }
#define OPT_LONG(type, field, lname, sname, arg, help, lo, hi) \
	{ lname, sname, OPT_T_LONG, offsetof(type, field), arg, help, \
	  NULL, lo, hi, 0 }

/* A table bound to the struct its offsets are into. */
struct opt_group {
	const struct opt_spec *specs;
	size_t nspecs;
	void *base;
	int *given;   /* NULL, or set to 1 when one of the group's options
	                 (not OPT_F_UNCOUNTED) is given */
};

#define OPTS_COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define OPT_GROUP(table, base) \
	{ (table), OPTS_COUNT(table), (base), NULL }

enum { OPTS_OK = 0, OPTS_HELP = 1 };

/* Returns OPTS_OK, OPTS_HELP when --help/-h was given, or -1 with err set
 * (kind S3P_E_USAGE) for an unknown option (with a did-you-mean when a
 * known one is close), a missing value, a value a converter refuses, a
 * positional argument ("unexpected argument"), or an option that is not
 * repeatable given twice.  Accepts "--name value", "--name=value",
 * "-x value", "-xvalue" and "--" to end options.  Lists already filled
 * stay owned by the caller's structs (opts_release). */
int opts_parse(int argc, char **argv, const struct opt_group *groups,
	       size_t ngroups, struct s3p_error *err);

/* Free the lists the groups' OPT_T_LIST options filled. */
void opts_release(const struct opt_group *groups, size_t ngroups);

void opts_print_help(FILE *out, const char *usage, const char *summary,
		     const struct opt_group *groups, size_t ngroups);

/* Checked numeric conversion: whole string, within [min, max]. */
int opts_parse_long(const char *opt, const char *value, long min, long max,
		    long *out, struct s3p_error *err);

#endif
