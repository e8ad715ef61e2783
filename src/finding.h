/* finding.h - the one vocabulary of findings: lint (verify) and layout
 * report the same struct, with the same severities, printed by the same
 * formatters.
 *
 * A finding has a severity, a stable code (scripts and tests rely on it), a
 * message, and where it is: a path (layout: relative to the root) or a
 * statement index (lint), or neither (the whole document).
 *
 *   struct finding_list fl = FINDING_LIST_INIT;
 *   finding_add(&fl, SEVERITY_WARNING, "missing_days", xstrdup(path),
 *               FINDING_NO_STATEMENT, "%d days are missing", n);
 *   finding_format(&fl.items[0], &out);     (one line, for a terminal)
 *   finding_list_release(&fl);
 */
#ifndef S3P_FINDING_H
#define S3P_FINDING_H

#include <stddef.h>

#include "buf.h"

struct json_t;

enum severity { SEVERITY_INFO = 0, SEVERITY_WARNING, SEVERITY_ERROR };

#define FINDING_NO_STATEMENT ((long)-1)

struct finding {
	enum severity severity;
	const char *code;       /* static: "duplicate-sid", "missing_days" */
	char *path;             /* owned; NULL when it has none */
	long statement;         /* 0-based index in Statement, or
				   FINDING_NO_STATEMENT */
	char *message;          /* owned */
};

struct finding_list {
	struct finding *items;
	size_t n, cap;
};

#define FINDING_LIST_INIT { NULL, 0, 0 }

/* "error", "warning", "info" (static). */
const char *severity_name(enum severity s);

/* Append a finding; takes ownership of path (may be NULL).  The message is
 * printf-style, cut at 1023 bytes. */
void finding_add(struct finding_list *l, enum severity sev, const char *code,
		 char *path, long statement, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/* Sort by path, then code, then message (layout's stable order). */
void finding_list_sort(struct finding_list *l);

size_t finding_count(const struct finding_list *l, enum severity sev);

/* Highest severity in the list; -1 when empty. */
int finding_max_severity(const struct finding_list *l);

void finding_list_release(struct finding_list *l);

/* One line "WHERE: SEVERITY: MESSAGE [CODE]\n" for a human, appended to
 * out; WHERE is the path ("(root)" when empty), "statement N" or "policy".
 * Path and message go through buf_put_term(): a control character from a
 * key or a server cannot reach the terminal. */
void finding_format(const struct finding *f, struct buf *out);

/* The JSON object {"severity", "code", ["path"], "message",
 * ["statement"]} (a new reference; NULL only when out of memory).  with_path /
 * with_statement choose the members of the command's documented shape.
 * Strings go through jsonstr_new(); when bytes had to be replaced, the
 * message says so (JSONSTR_NOTE). */
struct json_t *finding_json(const struct finding *f, int with_path,
			    int with_statement);

#endif
