/* layout_report.c - the layout check's report: readable text and JSON. */
#include "layout_report.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "jsonstr.h"

static json_t *day_or_null(int day)
{
	char iso[11];

	if (day == LAYOUT_NO_DAY)
		return json_null();
	layout_day_format(day, iso);
	return json_string(iso);
}

/* json_object_set_new() and json_array_append_new() fail only when out of
 * memory, which the whole document then reports once (see below). */
static int set(json_t *obj, const char *key, json_t *value)
{
	return value ? json_object_set_new(obj, key, value) : -1;
}

static json_t *gap_json(const struct layout_gap *g)
{
	json_t *o = json_object();
	int bad = !o;

	if (bad)
		return NULL;
	bad |= set(o, "from", day_or_null(g->from));
	bad |= set(o, "to", day_or_null(g->to));
	bad |= set(o, "days", json_integer((json_int_t)g->to - g->from + 1));
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *int_or_null(int32_t v)
{
	return v < 0 ? json_null() : json_integer(v);
}

/* The dominant schema, every field of every element. */
static json_t *schema_json(const struct layout_dataset *d)
{
	json_t *a = json_array();
	int bad = !a;

	for (size_t i = 0; !bad && i < d->nschema; i++) {
		const struct layout_column *c = &d->schema[i];
		json_t *o = json_object();

		bad |= !o;
		if (bad)
			break;
		bad |= set(o, "path", jsonstr_new(c->path, NULL));
		bad |= set(o, "depth", json_integer(c->depth));
		bad |= set(o, "type", c->num_children >= 0 ? json_null() :
			   json_string(c->type));
		bad |= set(o, "type_length", int_or_null(c->type_length));
		bad |= set(o, "repetition", json_string(c->repetition));
		bad |= set(o, "converted_type", strcmp(c->converted, "-") ?
			   json_string(c->converted) : json_null());
		bad |= set(o, "logical_type", strcmp(c->logical, "-") ?
			   json_string(c->logical) : json_null());
		bad |= set(o, "num_children", int_or_null(c->num_children));
		bad |= json_array_append_new(a, o);
	}
	if (bad) {
		json_decref(a);
		return NULL;
	}
	return a;
}

static json_t *rows_json(const struct layout_dataset *d)
{
	json_t *a = json_array();
	int bad = !a;

	for (size_t i = 0; !bad && i < d->nday_rows; i++) {
		const struct layout_day_rows *r = &d->day_rows[i];
		json_t *o = json_object();

		bad |= !o;
		if (bad)
			break;
		bad |= set(o, "day", day_or_null(r->day));
		bad |= set(o, "rows", json_integer((json_int_t)r->rows));
		bad |= set(o, "files", json_integer((json_int_t)r->files));
		bad |= set(o, "complete", json_boolean(r->complete));
		bad |= set(o, "outlier", json_boolean(r->outlier));
		bad |= json_array_append_new(a, o);
	}
	if (bad) {
		json_decref(a);
		return NULL;
	}
	return a;
}

static json_t *dataset_json(const struct layout_dataset *d)
{
	json_t *o = json_object(), *missing = json_array();
	int bad = !o || !missing;

	for (size_t i = 0; !bad && i < d->ngaps; i++)
		bad |= json_array_append_new(missing, gap_json(&d->gaps[i]));
	if (bad) {
		json_decref(o);
		json_decref(missing);
		return NULL;
	}
	bad |= set(o, "name", jsonstr_new(d->name, NULL));
	bad |= set(o, "first_day", day_or_null(d->first_day));
	bad |= set(o, "last_day", day_or_null(d->last_day));
	bad |= set(o, "days", json_integer((json_int_t)d->days));
	bad |= set(o, "files", json_integer((json_int_t)d->files));
	bad |= set(o, "bytes", json_integer((json_int_t)d->bytes));
	bad |= set(o, "missing_days", missing);
	bad |= set(o, "missing_day_count",
		   json_integer((json_int_t)d->nmissing));
	bad |= set(o, "markers", json_integer((json_int_t)d->markers));
	bad |= set(o, "footers", json_integer((json_int_t)d->footers));
	bad |= set(o, "rows", json_integer((json_int_t)d->rows));
	bad |= set(o, "schemas", json_integer((json_int_t)d->nschemas));
	bad |= set(o, "schema", schema_json(d));
	bad |= set(o, "rows_per_day", rows_json(d));
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

char *layout_report_json(const struct layout *l, enum layout_root kind,
			 const char *root, struct s3p_error *err)
{
	json_t *doc = json_object(), *datasets = json_array(),
	       *findings = json_array();
	char *text = NULL;
	int bad = !doc || !datasets || !findings;

	for (size_t i = 0; !bad && i < layout_dataset_count(l); i++)
		bad |= json_array_append_new(datasets,
			dataset_json(layout_dataset_at(l, i)));
	for (size_t i = 0; !bad && i < layout_finding_count(l); i++)
		bad |= json_array_append_new(findings,
			finding_json(layout_finding_at(l, i), 1, 0));
	if (!bad) {
		bad |= set(doc, kind == LAYOUT_ROOT_BUCKET ? "bucket" :
			   "directory", jsonstr_new(root, NULL));
		bad |= set(doc, "datasets", datasets);
		datasets = NULL;
		bad |= set(doc, "findings", findings);
		findings = NULL;
	}
	if (!bad)
		text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(datasets);
	json_decref(findings);
	json_decref(doc);
	if (!text) {
		s3p_error_set(err, S3P_E_NOMEM, "out of memory writing JSON");
		return NULL;
	} else {
		struct buf b = BUF_INIT;

		buf_puts(&b, text);
		buf_putc(&b, '\n');
		free(text);
		return buf_detach(&b);
	}
}

static void plural(struct buf *b, size_t n, const char *what)
{
	buf_printf(b, "%zu %s%s", n, what, n == 1 ? "" : "s");
}

/* Columns of a schema the text report shows; --schema shows every one. */
#define REPORT_SCHEMA_LINES 40

/* One line per column, indented by depth: the first `max`, then how many
 * more there are. */
static void schema_text(struct buf *b, const struct layout_dataset *d,
			size_t max)
{
	size_t w = 0, shown = d->nschema < max ? d->nschema : max;

	for (size_t i = 0; i < shown; i++) {
		const char *dot = strrchr(d->schema[i].path, '.');
		size_t n = strlen(dot ? dot + 1 : d->schema[i].path) +
			   2 * (size_t)(d->schema[i].depth - 1);

		if (n > w)
			w = n;
	}
	for (size_t i = 0; i < shown; i++) {
		const struct layout_column *c = &d->schema[i];
		const char *dot = strrchr(c->path, '.');
		int indent = 2 * (c->depth - 1);

		size_t n;

		buf_printf(b, "    %*s", indent, "");
		/* Names are free of control bytes (parquet.c): the width
		 * is their length. */
		buf_put_term(b, dot ? dot + 1 : c->path);
		n = strlen(dot ? dot + 1 : c->path);
		buf_printf(b, "%*s  ", (int)(w - (size_t)indent > n ?
					     w - (size_t)indent - n : 0), "");
		layout_column_desc(c, b);
		buf_putc(b, '\n');
	}
	if (shown < d->nschema)
		buf_printf(b, "    ... and %zu more columns ('s3perm layout "
			   "--schema' prints them all)\n", d->nschema - shown);
}

/* Schema and rows per day of a dataset whose footers were read. */
static void dataset_footers_text(struct buf *b,
				 const struct layout_dataset *d)
{
	size_t outliers = 0;

	if (!d->footers)
		return;
	buf_putc(b, '\n');
	buf_put_term(b, d->name);
	buf_printf(b, ": %llu rows in %llu footer%s",
		   (unsigned long long)d->rows,
		   (unsigned long long)d->footers, d->footers == 1 ? "" : "s");
	if (d->nday_rows && d->rows_max) {
		const struct layout_day_rows *first = &d->day_rows[0],
					     *last = &d->day_rows[d->nday_rows - 1];
		char a[11], z[11];

		layout_day_format(first->day, a);
		layout_day_format(last->day, z);
		buf_printf(b, "; rows per day: first %s %llu, last %s %llu, "
			   "min %llu, median %llu, max %llu", a,
			   (unsigned long long)first->rows, z,
			   (unsigned long long)last->rows,
			   (unsigned long long)d->rows_min,
			   (unsigned long long)d->rows_median,
			   (unsigned long long)d->rows_max);
		for (size_t i = 0; i < d->nday_rows; i++) {
			char iso[11];

			if (!d->day_rows[i].outlier)
				continue;
			layout_day_format(d->day_rows[i].day, iso);
			buf_printf(b, "%s%s %llu", outliers++ ? ", " :
				   "; outliers: ", iso, (unsigned long long)
				   d->day_rows[i].rows);
		}
	}
	buf_puts(b, "\n");
	buf_printf(b, "  schema (%zu column%s", d->nschema,
		   d->nschema == 1 ? "" : "s");
	if (d->nschemas > 1)
		buf_printf(b, "; %zu other schema%s seen, see schema_drift",
			   d->nschemas - 1, d->nschemas == 2 ? "" : "s");
	buf_puts(b, "):\n");
	schema_text(b, d, REPORT_SCHEMA_LINES);
}

char *layout_report_schema(const struct layout *l)
{
	struct buf b = BUF_INIT;
	size_t shown = 0;

	for (size_t i = 0; i < layout_dataset_count(l); i++) {
		const struct layout_dataset *d = layout_dataset_at(l, i);

		if (!d->footers)
			continue;
		buf_puts(&b, shown++ ? "\n" : "");
		buf_put_term(&b, d->name);
		buf_puts(&b, ":\n");
		schema_text(&b, d, (size_t)-1);
	}
	if (!shown)
		buf_puts(&b, "no parquet footer read: no schema\n");
	return buf_detach(&b);
}

char *layout_report_text(const struct layout *l, enum layout_root kind,
			 const char *root)
{
	struct buf b = BUF_INIT;
	size_t w = strlen("dataset"), nds = layout_dataset_count(l);
	size_t nerr = finding_count(layout_findings(l), SEVERITY_ERROR);
	size_t nwarn = finding_count(layout_findings(l), SEVERITY_WARNING);
	size_t ninfo = finding_count(layout_findings(l), SEVERITY_INFO);
	char **names = xcalloc(nds + 1, sizeof(*names));

	buf_printf(&b, "%s: ", kind == LAYOUT_ROOT_BUCKET ?
		   "bucket" : "directory");
	buf_put_term(&b, root);
	buf_puts(&b, "\n\n");
	for (size_t i = 0; i < nds; i++) {
		size_t n;

		names[i] = term_escape(layout_dataset_at(l, i)->name);
		n = strlen(names[i]);

		if (n > w)
			w = n;
	}
	if (nds) {
		buf_printf(&b, "%-*s  %-10s  %-10s  %6s  %8s  %14s  %s\n",
			   (int)w, "dataset", "first day", "last day", "days",
			   "files", "bytes", "missing days");
	} else {
		buf_puts(&b, "no dataset\n");
	}
	for (size_t i = 0; i < nds; i++) {
		const struct layout_dataset *d = layout_dataset_at(l, i);
		char first[11] = "-", last[11] = "-";

		if (d->first_day != LAYOUT_NO_DAY) {
			layout_day_format(d->first_day, first);
			layout_day_format(d->last_day, last);
		}
		buf_printf(&b, "%-*s  %-10s  %-10s  ", (int)w, names[i], first,
			   last);
		if (d->by_day)
			buf_printf(&b, "%6zu", d->days);
		else
			buf_printf(&b, "%6s", "-");
		buf_printf(&b, "  %8llu  %14llu  ",
			   (unsigned long long)d->files,
			   (unsigned long long)d->bytes);
		if (d->by_day)
			buf_printf(&b, "%llu", (unsigned long long)d->nmissing);
		else
			buf_puts(&b, "-");
		buf_puts(&b, d->by_day ? "\n" : "  (not by day: parquet "
			 "files only)\n");
	}
	for (size_t i = 0; i < nds; i++)
		dataset_footers_text(&b, layout_dataset_at(l, i));
	if (layout_finding_count(l))
		buf_puts(&b, "\n");
	for (size_t i = 0; i < layout_finding_count(l); i++)
		finding_format(layout_finding_at(l, i), &b);
	for (size_t i = 0; i < nds; i++)
		free(names[i]);
	free(names);
	buf_puts(&b, "\n");
	if (!nerr && !nwarn && !ninfo) {
		buf_puts(&b, "layout ok: no finding\n");
	} else {
		plural(&b, nerr, "error");
		buf_puts(&b, ", ");
		plural(&b, nwarn, "warning");
		if (ninfo) {
			buf_puts(&b, ", ");
			plural(&b, ninfo, "note");
		}
		buf_puts(&b, "\n");
	}
	return buf_detach(&b);
}
