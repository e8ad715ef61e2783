/* finding.c - the one vocabulary of findings (see finding.h). */
#include "finding.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "jsonstr.h"

const char *severity_name(enum severity s)
{
	switch (s) {
	case SEVERITY_ERROR:
		return "error";
	case SEVERITY_WARNING:
		return "warning";
	case SEVERITY_INFO:
	default:
		return "info";
	}
}

void finding_add(struct finding_list *l, enum severity sev, const char *code,
		 char *path, long statement, const char *fmt, ...)
{
	struct finding *f;
	char tmp[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->items = xrealloc(l->items, l->cap * sizeof(*l->items));
	}
	f = &l->items[l->n++];
	f->severity = sev;
	f->code = code;
	f->path = path;
	f->statement = statement;
	f->message = xstrdup(tmp);
}

static int cmp_finding(const void *a, const void *b)
{
	const struct finding *x = a, *y = b;
	int c = strcmp(x->path ? x->path : "", y->path ? y->path : "");

	if (c)
		return c;
	c = strcmp(x->code, y->code);
	if (c)
		return c;
	return strcmp(x->message, y->message);
}

void finding_list_sort(struct finding_list *l)
{
	if (l->n)
		qsort(l->items, l->n, sizeof(*l->items), cmp_finding);
}

size_t finding_count(const struct finding_list *l, enum severity sev)
{
	size_t n = 0;

	for (size_t i = 0; i < l->n; i++)
		n += l->items[i].severity == sev;
	return n;
}

int finding_max_severity(const struct finding_list *l)
{
	int max = -1;

	for (size_t i = 0; i < l->n; i++)
		if ((int)l->items[i].severity > max)
			max = (int)l->items[i].severity;
	return max;
}

void finding_list_release(struct finding_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->items[i].path);
		free(l->items[i].message);
	}
	free(l->items);
	l->items = NULL;
	l->n = l->cap = 0;
}

void finding_format(const struct finding *f, struct buf *out)
{
	if (f->path)
		buf_put_term(out, *f->path ? f->path : "(root)");
	else if (f->statement != FINDING_NO_STATEMENT)
		buf_printf(out, "statement %ld", f->statement);
	else
		buf_puts(out, "policy");
	buf_printf(out, ": %s: ", severity_name(f->severity));
	buf_put_term(out, f->message);
	buf_printf(out, " [%s]\n", f->code);
}

json_t *finding_json(const struct finding *f, int with_path,
		     int with_statement)
{
	json_t *o = json_object();
	size_t replaced = 0;
	json_t *path = NULL, *msg = NULL;
	int bad = !o;

	if (with_path)
		path = jsonstr_new(f->path ? f->path : "", &replaced);
	msg = jsonstr_new(f->message, &replaced);
	if (replaced && msg) {
		struct buf m = BUF_INIT;

		json_decref(msg);
		buf_puts(&m, f->message);
		buf_puts(&m, JSONSTR_NOTE);
		msg = jsonstr_new(buf_str(&m), NULL);
		buf_release(&m);
	}
	bad |= !msg || (with_path && !path);
	if (!bad) {
		bad |= json_object_set_new(o, "severity",
			json_string(severity_name(f->severity)));
		bad |= json_object_set_new(o, "code", json_string(f->code));
		if (with_path) {
			bad |= json_object_set_new(o, "path", path);
			path = NULL;
		}
		bad |= json_object_set_new(o, "message", msg);
		msg = NULL;
		if (with_statement)
			bad |= json_object_set_new(o, "statement",
				f->statement == FINDING_NO_STATEMENT ?
				json_null() : json_integer(f->statement));
	}
	json_decref(path);
	json_decref(msg);
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}
