/* verify_report.h - the verify report: JSON and the readable table, of a
 * struct verify_result (verify.h), as report.h renders check and
 * layout_report.h renders layout.
 *
 * Strings from the policy, the templates and the options that are not
 * UTF-8 are written with those bytes as \\xNN in the JSON (jsonstr.h); the
 * table escapes control characters (buf_put_term()).
 */
#ifndef S3P_VERIFY_REPORT_H
#define S3P_VERIFY_REPORT_H

#include "buf.h"
#include "verify.h"

/* The JSON report (keys in a stable order, 2-space indent, final newline):
 *   {"principal", "bucket", "mode",
 *    "results": [{"action", "resource", "decision",
 *                 "statements": [{"index", "sid"}], "condition_keys"}],
 *    "findings": [{"severity", "code", "message", "statement"}]}
 * Returns a new string: free(); NULL only when out of memory. */
char *verify_result_json(const struct verify_result *res);

/* The human-readable table, appended to out. */
void verify_result_table(const struct verify_result *res, struct buf *out);

#endif
