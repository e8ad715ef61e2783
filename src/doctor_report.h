/* doctor_report.h - the doctor report (doctor.h): readable text and JSON.
 *
 * JSON, keys in this order:
 *   {"bucket", "region", "mode", "principal",
 *    "items": [{"id", "status", "message", "fix"}],
 *    "policy": verify's JSON (verify_report.h) or null}
 * fix is null when there is nothing to do.  Strings that are not UTF-8
 * have those bytes as \xNN (jsonstr.h); the text escapes control
 * characters (buf_put_term()): messages carry server bytes.
 */
#ifndef S3P_DOCTOR_REPORT_H
#define S3P_DOCTOR_REPORT_H

#include "buf.h"
#include "doctor.h"

/* The JSON document, ending in a newline; free with free().  NULL only
 * when out of memory. */
char *doctor_report_json(const struct doctor_report *r);

/* The readable report, appended to out: a heading, one block per item
 * ("ITEM  STATUS  message", then "fix: ..."), a tally. */
void doctor_report_text(const struct doctor_report *r, struct buf *out);

#endif
