/* layout_report.h - the layout check's report: readable text and JSON.
 *
 * Both take a finished check (layout_finish()).  The JSON has the keys in
 * this order, and nothing else:
 *   {"bucket"|"directory": ROOT,
 *    "datasets": [{"name", "first_day", "last_day", "days", "files",
 *                  "bytes", "missing_days": [{"from": "YYYY-MM-DD",
 *                  "to": "YYYY-MM-DD", "days": N}, ...],
 *                  "missing_day_count": N,
 *                  "markers", "footers", "rows", "schemas",
 *                  "schema": [{"path", "depth", "type", "type_length",
 *                              "repetition", "converted_type",
 *                              "logical_type", "num_children"}],
 *                  "rows_per_day": [{"day", "rows", "files", "complete",
 *                                    "outlier"}]}],
 *    "findings": [{"severity", "code", "path", "message"}]}
 * first_day and last_day are null for a dataset without days (signals/).
 * schema is the dataset's dominant schema (most files), every element
 * below the root in file order (a group: type null, num_children set);
 * schemas counts the distinct schemas seen; rows_per_day has every day
 * with parquet files (complete: every footer of the day was read).
 * missing_days are the runs of days without files between first_day and
 * last_day (empty day folders included), so a gap of any length is one
 * entry.  Strings that are not UTF-8 have those bytes as \xNN (jsonstr.h);
 * the findings about them say so.  The text report escapes control
 * characters (buf_put_term()).
 */
#ifndef S3P_LAYOUT_REPORT_H
#define S3P_LAYOUT_REPORT_H

#include "error.h"
#include "layout.h"

enum layout_root {
	LAYOUT_ROOT_BUCKET,
	LAYOUT_ROOT_DIRECTORY
};

/* The JSON document, pretty-printed, ending in a newline; free with
 * free().  NULL (err set) only when Jansson runs out of memory. */
char *layout_report_json(const struct layout *l, enum layout_root kind,
			 const char *root, struct s3p_error *err);

/* The readable report: a table of datasets, then the findings as
 * "PATH: SEVERITY: MESSAGE [CODE]" lines, then a one-line tally.
 * Free with free(). */
char *layout_report_text(const struct layout *l, enum layout_root kind,
			 const char *root);

/* Only the schemas (--schema): per dataset whose footers were read, its
 * name and one line per column.  Free with free(). */
char *layout_report_schema(const struct layout *l);

#endif
