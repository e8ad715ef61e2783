/* layout_report.c - the layout check's report: readable text and JSON. */
#include "layout_report.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

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

static json_t *dataset_json(const struct layout_dataset *d)
{
	json_t *o = json_object(), *missing = json_array();
	int bad = !o || !missing;

	for (size_t i = 0; !bad && i < d->nmissing; i++)
		bad |= json_array_append_new(missing,
					     day_or_null(d->missing[i]));
	if (bad) {
		json_decref(o);
		json_decref(missing);
		return NULL;
	}
	bad |= set(o, "name", json_string(d->name));
	bad |= set(o, "first_day", day_or_null(d->first_day));
	bad |= set(o, "last_day", day_or_null(d->last_day));
	bad |= set(o, "days", json_integer((json_int_t)d->days));
	bad |= set(o, "files", json_integer((json_int_t)d->files));
	bad |= set(o, "bytes", json_integer((json_int_t)d->bytes));
	bad |= set(o, "missing_days", missing);
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *finding_json(const struct layout_finding *f)
{
	json_t *o = json_object();
	int bad = !o;

	if (bad)
		return NULL;
	bad |= set(o, "severity", json_string(layout_severity_name(
						   f->severity)));
	bad |= set(o, "code", json_string(f->code));
	bad |= set(o, "path", json_string(f->path));
	bad |= set(o, "message", json_string(f->message));
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
			finding_json(layout_finding_at(l, i)));
	if (!bad) {
		bad |= set(doc, kind == LAYOUT_ROOT_BUCKET ? "bucket" :
			   "directory", json_string(root));
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
	size_t nerr = layout_count_severity(l, LAYOUT_ERROR);
	size_t nwarn = layout_count_severity(l, LAYOUT_WARNING);
	size_t ninfo = layout_count_severity(l, LAYOUT_INFO);

	buf_printf(&b, "%s: %s\n\n", kind == LAYOUT_ROOT_BUCKET ?
		   "bucket" : "directory", root);
	for (size_t i = 0; i < nds; i++) {
		size_t n = strlen(layout_dataset_at(l, i)->name);

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
		buf_printf(&b, "%-*s  %-10s  %-10s  ", (int)w, d->name, first,
			   last);
		if (d->by_day)
			buf_printf(&b, "%6zu", d->days);
		else
			buf_printf(&b, "%6s", "-");
		buf_printf(&b, "  %8llu  %14llu  ",
			   (unsigned long long)d->files,
			   (unsigned long long)d->bytes);
		if (d->by_day)
			buf_printf(&b, "%zu", d->nmissing);
		else
			buf_puts(&b, "-");
		buf_puts(&b, d->by_day ? "\n" : "  (not by day: parquet "
			 "files only)\n");
	}
	if (layout_finding_count(l))
		buf_puts(&b, "\n");
	for (size_t i = 0; i < layout_finding_count(l); i++) {
		const struct layout_finding *f = layout_finding_at(l, i);

		buf_printf(&b, "%s: %s: %s [%s]\n",
			   *f->path ? f->path : "(root)",
			   layout_severity_name(f->severity), f->message,
			   f->code);
	}
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
