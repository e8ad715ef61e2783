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
