/* manifest.h - the fleet check's list of buckets (`check --manifest`), one
 * bucket a line, as JSON lines or CSV.
 *
 * JSON lines: each line an object
 *   {"bucket": "b", "mode": "export", "region": "eu-west-1",
 *    "prefix": ["events/", "metrics/"], "user": "statsig-abc",
 *    "account": "999689269917", "principal": "arn:...", "id": "cust-42",
 *    "object": "events/a.parquet", "upload_key": "events/b.parquet",
 *    "upload_id": "..."}
 * ("prefix" may also be one string; "id" may be a number).
 * CSV (RFC 4180, one record a line): a header naming the same columns, in
 * any order; the column "prefix" may be repeated, each non-empty cell
 * being one prefix.  The format is chosen by the first line that is not
 * blank or a comment: '{' starts JSON lines, anything else is the CSV
 * header.  Blank lines and lines starting with '#' carry no entry.
 * Unknown keys and columns are ignored (a manifest may carry the vendor's
 * own fields); "bucket" is required.  Values are not validated here (the
 * command checks them like its options); a field that is absent is NULL
 * and takes the command line's value.
 *
 * Streaming: the caller reads a line at a time and feeds it here, so
 * memory does not grow with the manifest.
 */
#ifndef S3P_MANIFEST_H
#define S3P_MANIFEST_H

#include <stddef.h>

#include "error.h"

/* The longest line accepted (longer lines are bad lines). */
#define MANIFEST_MAX_LINE 65536
/* The most prefixes one line may name. */
#define MANIFEST_MAX_PREFIXES 64

struct manifest_entry {
	size_t line;            /* 1-based line number */
	char *id;               /* NULL when absent (every string below too) */
	char *bucket;           /* never NULL in an entry handed out */
	char *mode;
	char *region;
	char *user;
	char *account;
	char *principal;
	char *object;
	char *upload_key;
	char *upload_id;
	char **prefixes;        /* nprefixes strings */
	size_t nprefixes;
};

struct manifest;

/* A parser; free with manifest_free(). */
struct manifest *manifest_new(void);
void manifest_free(struct manifest *m);

/* Feed line number `lineno` (len bytes, no newline; a trailing CR is
 * dropped).  Returns 1 with *e filled (release it with
 * manifest_entry_release()), 0 for a line that carries no entry (blank,
 * comment, the CSV header), or -1 with err (kind S3P_E_INPUT, the message
 * starting "line N: ") for a bad line, which the caller reports and skips.
 * A bad CSV header makes every later line bad as well. */
int manifest_feed(struct manifest *m, size_t lineno, const char *line,
		  size_t len, struct manifest_entry *e,
		  struct s3p_error *err);

void manifest_entry_release(struct manifest_entry *e);

/* "json" or "csv" once known, else NULL. */
const char *manifest_format(const struct manifest *m);

#endif
