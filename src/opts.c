/* opts.c - command-line options as data (opts.h). */
#include "opts.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

/* One option found in the groups, with its global index (for "given
 * twice") and its storage. */
struct found {
	const struct opt_spec *spec;
	const struct opt_group *group;
	size_t index;
};

static int find(const struct opt_group *groups, size_t ngroups,
		const char *name, size_t len, char c, struct found *f)
{
	size_t index = 0;

	for (size_t g = 0; g < ngroups; g++)
		for (size_t i = 0; i < groups[g].nspecs; i++, index++) {
			const struct opt_spec *s = &groups[g].specs[i];

			if (name ? strlen(s->long_name) == len &&
				   !strncmp(s->long_name, name, len)
				 : s->short_name && s->short_name == c) {
				f->spec = s;
				f->group = &groups[g];
				f->index = index;
				return 1;
			}
		}
	return 0;
}

static size_t count_specs(const struct opt_group *groups, size_t ngroups)
{
	size_t n = 0;

	for (size_t g = 0; g < ngroups; g++)
		n += groups[g].nspecs;
	return n;
}

/* Edit distance (insert, delete, substitute, swap of neighbours) between
 * a and b[0..blen), or a large number when it is clearly far. */
static size_t distance(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t d[40][40];

	if (alen >= 40 || blen >= 40)
		return 99;
	for (size_t i = 0; i <= alen; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= blen; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= alen; i++)
		for (size_t j = 1; j <= blen; j++) {
			size_t cost = a[i - 1] != b[j - 1];
			size_t v = d[i - 1][j] + 1;

			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (d[i - 1][j - 1] + cost < v)
				v = d[i - 1][j - 1] + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	return d[alen][blen];
}

/* "unknown option '--NAME'", with "; did you mean '--X'?" when one long
 * option is close (a prefix of it, or an edit or two away). */
static int unknown_long(const struct opt_group *groups, size_t ngroups,
			const char *name, size_t len, struct s3p_error *err)
{
	const char *best = NULL;
	size_t best_d = 99, limit = len < 5 ? 1 : 2;

	for (size_t g = 0; g < ngroups; g++)
		for (size_t i = 0; i < groups[g].nspecs; i++) {
			const char *l = groups[g].specs[i].long_name;
			size_t d = distance(name, len, l, strlen(l));

			if (len >= 3 && !strncmp(l, name, len))
				d = 1;   /* an abbreviation */
			if (d < best_d) {
				best_d = d;
				best = l;
			}
		}
	if (len >= 3 && len < 4 && !strncmp(name, "help", len)) {
		best = "help";   /* --hel */
		best_d = 1;
	}
	if (best && best_d <= limit)
		return s3p_error_set(err, S3P_E_USAGE,
			"unknown option '--%.*s'; did you mean '--%s'?",
			(int)len, name, best);
	return s3p_error_set(err, S3P_E_USAGE, "unknown option '--%.*s'",
			     (int)len, name);
}

static int store(const struct found *f, const char *value,
		 struct s3p_error *err)
{
	const struct opt_spec *s = f->spec;
	char *field = (char *)f->group->base + s->offset;

	if (s->check && s->check(value, err))
		return -1;
	switch (s->type) {
	case OPT_T_STRING:
		*(const char **)(void *)field = value;
		break;
	case OPT_T_FLAG:
		*(int *)(void *)field = 1;
		break;
	case OPT_T_LIST: {
		struct opt_list *l = (struct opt_list *)(void *)field;

		l->items = xrealloc(l->items, (l->n + 1) * sizeof(*l->items));
		l->items[l->n++] = value;
		break;
	}
	case OPT_T_LONG:
		if (opts_parse_long(s->long_name, value, s->min, s->max,
				    (long *)(void *)field, err))
			return -1;
		break;
	}
	if (f->group->given && !(s->flags & OPT_F_UNCOUNTED))
		*f->group->given = 1;
	return 0;
}

int opts_parse(int argc, char **argv, const struct opt_group *groups,
	       size_t ngroups, struct s3p_error *err)
{
	int only_positional = 0, rc = OPTS_OK;
	size_t nspecs = count_specs(groups, ngroups);
	unsigned char *seen = xcalloc(nspecs ? nspecs : 1, 1);

	for (int i = 1; i < argc && rc == OPTS_OK; i++) {
		const char *arg = argv[i];
		const char *value = NULL;
		struct found f;

		if (only_positional || arg[0] != '-' || !arg[1]) {
			rc = s3p_error_set(err, S3P_E_USAGE,
				"unexpected argument '%s'", arg);
			break;
		}
		if (!strcmp(arg, "--")) {
			only_positional = 1;
			continue;
		}
		if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
			rc = OPTS_HELP;
			break;
		}
		if (arg[1] == '-') {
			const char *name = arg + 2;
			const char *eq = strchr(name, '=');
			size_t len = eq ? (size_t)(eq - name) : strlen(name);

			if (!find(groups, ngroups, name, len, 0, &f)) {
				rc = unknown_long(groups, ngroups, name, len,
						  err);
				break;
			}
			if (eq) {
				if (f.spec->type == OPT_T_FLAG) {
					rc = s3p_error_set(err, S3P_E_USAGE,
						"option '--%s' takes no value",
						f.spec->long_name);
					break;
				}
				value = eq + 1;
			}
		} else {
			if (!find(groups, ngroups, NULL, 0, arg[1], &f)) {
				rc = s3p_error_set(err, S3P_E_USAGE,
					"unknown option '-%c'", arg[1]);
				break;
			}
			if (arg[2]) {
				if (f.spec->type == OPT_T_FLAG) {
					rc = s3p_error_set(err, S3P_E_USAGE,
						"option '-%c' takes no value",
						arg[1]);
					break;
				}
				value = arg + 2;
			}
		}
		if (f.spec->type != OPT_T_FLAG &&
		    f.spec->type != OPT_T_LIST && seen[f.index]++) {
			rc = s3p_error_set(err, S3P_E_USAGE,
				"option '--%s' given twice",
				f.spec->long_name);
			break;
		}
		if (f.spec->type != OPT_T_FLAG && !value) {
			if (i + 1 >= argc) {
				rc = s3p_error_set(err, S3P_E_USAGE,
					"option '--%s' needs a value (%s)",
					f.spec->long_name, f.spec->arg_name);
				break;
			}
			value = argv[++i];
		}
		rc = store(&f, value, err);
	}
	free(seen);
	return rc;
}

void opts_release(const struct opt_group *groups, size_t ngroups)
{
	for (size_t g = 0; g < ngroups; g++)
		for (size_t i = 0; i < groups[g].nspecs; i++) {
			const struct opt_spec *s = &groups[g].specs[i];
			struct opt_list *l;

			if (s->type != OPT_T_LIST)
				continue;
			l = (struct opt_list *)(void *)
				((char *)groups[g].base + s->offset);
			free(l->items);
			l->items = NULL;
			l->n = 0;
		}
}

void opts_print_help(FILE *out, const char *usage, const char *summary,
		     const struct opt_group *groups, size_t ngroups)
{
	fprintf(out, "usage: %s\n\n%s\n\noptions:\n", usage, summary);
	for (size_t g = 0; g < ngroups; g++)
		for (size_t i = 0; i < groups[g].nspecs; i++) {
			const struct opt_spec *s = &groups[g].specs[i];
			char left[64];

			if (s->short_name)
				snprintf(left, sizeof(left), "-%c, --%s%s%s",
					 s->short_name, s->long_name,
					 s->arg_name ? " " : "",
					 s->arg_name ? s->arg_name : "");
			else
				snprintf(left, sizeof(left), "    --%s%s%s",
					 s->long_name, s->arg_name ? " " : "",
					 s->arg_name ? s->arg_name : "");
			fprintf(out, "  %-28s %s\n", left, s->help);
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
