/* doctor_report.c - the doctor report: text and JSON (see
 * doctor_report.h). */
#include "doctor_report.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "jsonstr.h"
#include "verify_report.h"

char *doctor_report_json(const struct doctor_report *r)
{
	json_t *root = json_object(), *items = json_array(), *policy = NULL;
	struct buf b = BUF_INIT;
	char *text;

	json_object_set_new(root, "bucket", jsonstr_new(r->bucket, NULL));
	json_object_set_new(root, "region", jsonstr_new(r->region, NULL));
	json_object_set_new(root, "mode", jsonstr_new(r->mode, NULL));
	json_object_set_new(root, "principal",
			    jsonstr_new(r->principal, NULL));
	for (size_t i = 0; i < r->nitems; i++) {
		const struct doctor_item *it = &r->items[i];
		json_t *o = json_object();

		json_object_set_new(o, "id", json_string(it->id));
		json_object_set_new(o, "status", json_string(
			doctor_status_name(it->status)));
		json_object_set_new(o, "message",
				    jsonstr_new(it->message, NULL));
		json_object_set_new(o, "fix", jsonstr_new(it->fix, NULL));
		json_array_append_new(items, o);
	}
	json_object_set_new(root, "items", items);
	if (r->have_policy) {
		char *vj = verify_result_json(&r->policy);

		policy = vj ? json_loads(vj, 0, NULL) : NULL;
		free(vj);
	}
	json_object_set_new(root, "policy", policy ? policy : json_null());
	text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (!text)
		return NULL;
	buf_puts(&b, text);
	buf_putc(&b, '\n');
	free(text);
	return buf_detach(&b);
}

void doctor_report_text(const struct doctor_report *r, struct buf *out)
{
	size_t counts[4] = { 0, 0, 0, 0 };

	buf_puts(out, "bucket ");
	buf_put_term(out, r->bucket);
	buf_puts(out, "  region ");
	buf_put_term(out, r->region && *r->region ? r->region : "?");
	buf_printf(out, "  mode %s\nvendor %s\n\n", r->mode, r->principal);
	for (size_t i = 0; i < r->nitems; i++) {
		const struct doctor_item *it = &r->items[i];

		counts[it->status]++;
		buf_printf(out, "%-15s %-8s ", it->id,
			   doctor_status_name(it->status));
		buf_put_term(out, it->message ? it->message : "");
		buf_putc(out, '\n');
		if (it->fix) {
			buf_printf(out, "%-15s %-8s fix: ", "", "");
			buf_put_term(out, it->fix);
			buf_putc(out, '\n');
		}
	}
	buf_printf(out, "\n%zu ok, %zu error%s, %zu warning%s, %zu unknown\n",
		   counts[DOCTOR_OK], counts[DOCTOR_ERROR],
		   counts[DOCTOR_ERROR] == 1 ? "" : "s", counts[DOCTOR_WARNING],
		   counts[DOCTOR_WARNING] == 1 ? "" : "s",
		   counts[DOCTOR_UNKNOWN]);
}
