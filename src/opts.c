#include "opts.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const struct opt_spec *find_long(const struct opt_spec *specs,
					size_t n, const char *name,
					size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(specs[i].long_name) == len &&
		    !strncmp(specs[i].long_name, name, len))
			return &specs[i];
	return NULL;
}

static const struct opt_spec *find_short(const struct opt_spec *specs,
					 size_t n, char c)
{
	for (size_t i = 0; i < n; i++)
		if (specs[i].short_name && specs[i].short_name == c)
			return &specs[i];
	return NULL;
}

int opts_parse(int argc, char **argv, const struct opt_spec *specs,
	       size_t nspecs, opt_handler handler, void *ctx,
	       struct s3p_error *err)
{
	int only_positional = 0;
	unsigned char seen[128] = { 0 };

	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		const struct opt_spec *spec = NULL;
		const char *value = NULL;

		if (only_positional || arg[0] != '-' || !arg[1]) {
			if (handler(ctx, OPT_POSITIONAL, arg, err))
				return -1;
			continue;
		}
		if (!strcmp(arg, "--")) {
			only_positional = 1;
			continue;
		}
		if (!strcmp(arg, "--help") || !strcmp(arg, "-h"))
			return OPTS_HELP;
		if (arg[1] == '-') {
			const char *name = arg + 2;
			const char *eq = strchr(name, '=');
			size_t len = eq ? (size_t)(eq - name) : strlen(name);

			spec = find_long(specs, nspecs, name, len);
			if (!spec)
				return s3p_error_set(err, S3P_E_USAGE,
					"unknown option '--%.*s'", (int)len, name);
			if (eq) {
				if (!spec->arg_name)
					return s3p_error_set(err, S3P_E_USAGE,
						"option '--%s' takes no value",
						spec->long_name);
				value = eq + 1;
			}
		} else {
			spec = find_short(specs, nspecs, arg[1]);
			if (!spec)
				return s3p_error_set(err, S3P_E_USAGE,
					"unknown option '-%c'", arg[1]);
			if (arg[2]) {
				if (!spec->arg_name)
					return s3p_error_set(err, S3P_E_USAGE,
						"option '-%c' takes no value",
						arg[1]);
				value = arg + 2;
			}
		}
		if (spec->arg_name && !spec->repeatable &&
		    (size_t)(spec - specs) < sizeof(seen)) {
			if (seen[spec - specs]++)
				return s3p_error_set(err, S3P_E_USAGE,
					"option '--%s' given twice",
					spec->long_name);
		}
		if (spec->arg_name && !value) {
			if (i + 1 >= argc)
				return s3p_error_set(err, S3P_E_USAGE,
					"option '--%s' needs a value (%s)",
					spec->long_name, spec->arg_name);
			value = argv[++i];
		}
		if (handler(ctx, spec->id, value, err))
			return -1;
	}
	return OPTS_OK;
}

void opts_print_help(FILE *out, const char *usage, const char *summary,
		     const struct opt_spec *specs, size_t nspecs)
{
	fprintf(out, "usage: %s\n\n%s\n\noptions:\n", usage, summary);
	for (size_t i = 0; i < nspecs; i++) {
		char left[64];

		if (specs[i].short_name)
			snprintf(left, sizeof(left), "-%c, --%s%s%s",
				 specs[i].short_name, specs[i].long_name,
				 specs[i].arg_name ? " " : "",
				 specs[i].arg_name ? specs[i].arg_name : "");
		else
			snprintf(left, sizeof(left), "    --%s%s%s",
				 specs[i].long_name,
				 specs[i].arg_name ? " " : "",
				 specs[i].arg_name ? specs[i].arg_name : "");
		fprintf(out, "  %-28s %s\n", left, specs[i].help);
	}
	fprintf(out, "  %-28s %s\n", "-h, --help", "show this help and exit");
}

int opts_parse_long(const char *opt, const char *value, long min, long max,
		    long *out, struct s3p_error *err)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(value, &end, 10);
	if (errno || end == value || *end || v < min || v > max)
		return s3p_error_set(err, S3P_E_USAGE,
			"invalid value '%s' for '--%s': expected a whole number "
			"from %ld to %ld", value, opt, min, max);
	*out = v;
	return 0;
}
