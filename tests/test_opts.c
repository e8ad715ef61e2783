/* test_opts.c - options as data (opts.h): each type stores into its field
 * through the group's base, checked converters, lists, given flags,
 * "given twice", unknown options with a did-you-mean, positional
 * arguments, --help, and the shared groups of cmd.h: one option is the
 * same option (and short name) in every command that takes it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cmd.h"
#include "cmd_s3.h"
#include "error.h"
#include "opts.h"

struct args {
	const char *name;
	int flag;
	struct opt_list list;
	long num;
	int given;
	struct cmd_principal pr;
	struct cmd_grants grants;
};

static int no_x(const char *v, struct s3p_error *err)
{
	if (strchr(v, 'x'))
		return s3p_error_set(err, S3P_E_USAGE, "no x in '%s'", v);
	return 0;
}

static const struct opt_spec specs[] = {
	OPT_STRING(struct args, name, "name", 'n', "N", "a name", no_x),
	OPT_FLAG(struct args, flag, "flag", 'f', "a flag"),
	OPT_LIST(struct args, list, "item", 'i', "I", "an item", no_x),
	OPT_LONG(struct args, num, "number", 0, "N", "a number", 1, 10),
};

static int parse(struct args *a, struct s3p_error *err, ...)
{
	char *argv[32];
	int argc = 0, rc;
	va_list ap;
	struct opt_group groups[] = {
		OPT_GROUP(specs, a), CMD_PRINCIPAL_GROUP(&a->pr),
		CMD_GRANTS_GROUP(&a->grants),
	};

	groups[0].given = &a->given;
	opts_release(groups, OPTS_COUNT(groups));
	memset(a, 0, sizeof(*a));
	argv[argc++] = (char *)"cmd";
	va_start(ap, err);
	for (char *s; (s = va_arg(ap, char *)) != NULL;)
		argv[argc++] = s;
	va_end(ap);
	rc = opts_parse(argc, argv, groups, OPTS_COUNT(groups), err);
	return rc;
}

static void release(struct args *a)
{
	free(a->list.items);
	free(a->grants.prefixes.items);
	memset(a, 0, sizeof(*a));
}

static void test_types(void **state)
{
	struct args a = { 0 };
	struct s3p_error err = { S3P_OK, "" };

	(void)state;
	assert_int_equal(parse(&a, &err, "--name", "a", "-f", "-ib",
			       "--item=c", "--number", "7", (char *)NULL),
			 OPTS_OK);
	assert_string_equal(a.name, "a");
	assert_int_equal(a.flag, 1);
	assert_int_equal(a.list.n, 2);
	assert_string_equal(a.list.items[0], "b");
	assert_string_equal(a.list.items[1], "c");
	assert_int_equal(a.num, 7);
	assert_int_equal(a.given, 1);
	release(&a);
	assert_int_equal(parse(&a, &err, (char *)NULL), OPTS_OK);
	assert_int_equal(a.given, 0);
	assert_null(a.name);
	release(&a);
}

static void test_refused(void **state)
{
	struct args a = { 0 };
	struct s3p_error err = { S3P_OK, "" };
	static const struct {
		const char *args[3];
		const char *msg;
	} cases[] = {
		{ { "--name", "x" }, "no x in 'x'" },
		{ { "-ix" }, "no x in 'x'" },
		{ { "--number", "11" }, "invalid value '11' for '--number': "
		  "expected a whole number from 1 to 10" },
		{ { "--number", "2a" }, "invalid value '2a'" },
		{ { "--flag=1" }, "option '--flag' takes no value" },
		{ { "-f1" }, "option '-f' takes no value" },
		{ { "--name" }, "option '--name' needs a value (N)" },
		{ { "--name", "a", "-nb" }, "option '--name' given twice" },
		{ { "stray" }, "unexpected argument 'stray'" },
		{ { "--", "-f" }, "unexpected argument '-f'" },
		{ { "-z" }, "unknown option '-z'" },
		{ { "--bogus" }, "unknown option '--bogus'" },
		{ { "--nmae", "a" },
		  "unknown option '--nmae'; did you mean '--name'?" },
		{ { "--prefx", "a" },
		  "unknown option '--prefx'; did you mean '--prefix'?" },
		{ { "--princpal", "a" },
		  "unknown option '--princpal'; did you mean '--principal'?" },
		{ { "--templ", "a" },
		  "unknown option '--templ'; did you mean '--templates'?" },
		{ { "--hel" },
		  "unknown option '--hel'; did you mean '--help'?" },
		{ { "--mode", "write" },
		  "invalid mode 'write': expected read or export" },
		{ { "--prefix", "a*" }, "invalid prefix" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		err.kind = S3P_OK;
		err.msg[0] = '\0';
		assert_int_equal(parse(&a, &err, cases[i].args[0],
				       cases[i].args[1], cases[i].args[2],
				       (char *)NULL), -1);
		assert_int_equal(err.kind, S3P_E_USAGE);
		if (!strstr(err.msg, cases[i].msg))
			fail_msg("case %zu: '%s' lacks '%s'", i, err.msg,
				 cases[i].msg);
		release(&a);
	}
}

static void test_help(void **state)
{
	struct args a = { 0 };
	struct s3p_error err = { S3P_OK, "" };

	(void)state;
	assert_int_equal(parse(&a, &err, "--name", "a", "-h", "--bogus",
			       (char *)NULL), OPTS_HELP);
	release(&a);
	assert_int_equal(parse(&a, &err, "--help", (char *)NULL), OPTS_HELP);
	release(&a);
}

/* The shared groups: -m is --mode, -u is --user, --prefix repeats. */
static void test_shared_groups(void **state)
{
	struct args a = { 0 };
	struct s3p_error err = { S3P_OK, "" };

	(void)state;
	assert_int_equal(parse(&a, &err, "-m", "export", "-u", "bob",
			       "--account", "123456789012", "--partition",
			       "aws-cn", "--prefix", "a/", "--prefix", "b/",
			       "--templates", "t", (char *)NULL), OPTS_OK);
	assert_string_equal(a.grants.mode, "export");
	assert_string_equal(a.pr.user, "bob");
	assert_string_equal(a.pr.account, "123456789012");
	assert_string_equal(a.pr.partition, "aws-cn");
	assert_int_equal(a.grants.prefixes.n, 2);
	assert_string_equal(a.grants.prefixes.items[1], "b/");
	assert_string_equal(a.grants.templates, "t");
	assert_int_equal(a.given, 0);   /* other groups' options */
	release(&a);
	assert_int_equal(parse(&a, &err, "--principal", "arn:aws:iam::1:root",
			       "--mode", "read", (char *)NULL), OPTS_OK);
	assert_string_equal(a.pr.principal, "arn:aws:iam::1:root");
	release(&a);
}

/* Across every shared table, a short name belongs to one long name and a
 * long name is defined once. */
static void test_names_unique(void **state)
{
	const struct opt_spec *tables[] = { cmd_principal_opts,
					    cmd_grants_opts,
					    cmd_s3_opts_table };
	const size_t sizes[] = { CMD_PRINCIPAL_NOPTS, CMD_GRANTS_NOPTS,
				 CMD_S3_NOPTS };

	(void)state;
	for (size_t t = 0; t < 3; t++)
		for (size_t i = 0; i < sizes[t]; i++)
			for (size_t u = 0; u < 3; u++)
				for (size_t j = 0; j < sizes[u]; j++) {
					const struct opt_spec *x =
						&tables[t][i];
					const struct opt_spec *y =
						&tables[u][j];

					if (x == y)
						continue;
					assert_true(strcmp(x->long_name,
							   y->long_name));
					assert_true(!x->short_name ||
						    x->short_name !=
						    y->short_name);
				}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_types),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_help),
		cmocka_unit_test(test_shared_groups),
		cmocka_unit_test(test_names_unique),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
