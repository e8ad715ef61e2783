/* layout.h - the ingestion layout check, as pure code.
 *
 * The vendor ingests a bucket laid out as one top-level folder per dataset
 * (events/, metrics/, ...), a folder per day inside it (ISO YYYY-MM-DD is
 * the recommended name) and parquet files inside each day.  signals/ is not
 * day-partitioned: it holds the vendor's finished_date marker data, so only
 * its files are checked (parquet by name, not empty, parquet by content).
 *
 * A feeder (layout_local.c for a directory, layout_s3.c for a bucket) hands
 * every entry below the root to layout_add() in any order: a file as its key
 * relative to the root ("events/2024-01-02/part-0.parquet") and its size, a
 * folder as its key with a trailing '/' ("events/2024-01-03/", size 0: a
 * directory, or S3's zero-byte folder marker object).  The core keeps only
 * per-folder aggregates and the findings, never the keys, so memory grows
 * with the number of day folders, not the number of objects.
 *
 * When layout_add() answers LAYOUT_READ_CONTENT the feeder reads the last
 * LAYOUT_TAIL_READ bytes of that file (the whole file when smaller, and
 * then its first 4 bytes too) whenever it likes, concurrently if it likes,
 * and hands them to layout_content(), or reports a failed read with
 * layout_content_failed().  layout_content() decodes the parquet footer
 * (parquet.h); when the footer is longer than the tail it was given it
 * answers how many trailing bytes to read, and the feeder calls it again
 * with those (a second, exact read).  layout_finish() then computes the
 * per-dataset figures (schemas, rows per day) and sorts the findings (by
 * path, then code), so the same tree gives the same findings whatever the
 * order of the entries.
 *
 * Spark/Hadoop job markers (_SUCCESS, _committed_*, _started_*, *.crc) are
 * counted per dataset, not checked as data files.
 *
 * Days are day numbers: days since 1970-01-01 (layout_day_from_ymd()).
 * Nothing here reads the clock: "today" comes in with the options.
 */
#ifndef S3P_LAYOUT_H
#define S3P_LAYOUT_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "error.h"
#include "finding.h"

#define LAYOUT_NO_DAY INT_MIN

/* The dataset that is not day-partitioned. */
#define LAYOUT_SIGNALS "signals"

struct layout_options {
	const char *const *datasets; /* only these (borrowed); NULL: all */
	size_t ndatasets;
	int since;                   /* first day to look at, or LAYOUT_NO_DAY */
	int until;                   /* last day to look at, or LAYOUT_NO_DAY */
	int today;                   /* days after it are in the future */
	bool content;                /* ask the feeder for content reads */
	/* row_count_outlier: a day with fewer rows than this percentage of
	 * the dataset's median day (0: LAYOUT_OUTLIER_PCT). */
	unsigned outlier_pct;
	/* Called after each object listed and each file's content read, with
	 * the counts so far (a progress line); NULL: none. */
	void (*progress)(void *ctx, uint64_t listed, uint64_t read);
	void *progress_ctx;
};

/* The first read of a file's end: one request for almost every footer. */
#define LAYOUT_TAIL_READ (64u * 1024)
#define LAYOUT_OUTLIER_PCT 25

/* One column (schema element) of a dataset's schema. */
struct layout_column {
	char *path;                  /* "pos.lat": names below the root */
	int depth;                   /* 1: top level */
	const char *type;            /* physical ("-" for a group) */
	const char *repetition;
	const char *converted;       /* "-" when none */
	char logical[48];            /* "TIMESTAMP(MICROS,UTC)", "-" */
	int32_t type_length;         /* -1 when unset */
	int32_t num_children;        /* -1 for a leaf */
};

/* Append a column's description, as drift findings and the text report
 * show it: "INT64 OPTIONAL TIMESTAMP(MICROS,local)". */
void layout_column_desc(const struct layout_column *c, struct buf *b);

/* A day's rows, from the footers of its files. */
struct layout_day_rows {
	int day;
	const char *folder;          /* the folder's name */
	uint64_t rows;
	uint64_t files;              /* footers read */
	bool complete;               /* every parquet file's footer read */
	bool outlier;                /* row_count_outlier */
};

/* Days from..to (from <= to) are missing. */
struct layout_gap {
	int from;
	int to;
};

/* Days spanned by a dataset beyond which its first or last day is taken
 * for a wrong date (the implausible_days finding): 100 years. */
#define LAYOUT_MAX_SPAN_DAYS 36525

struct layout_dataset {
	char *name;
	bool by_day;                 /* false for signals/ */
	int first_day;               /* LAYOUT_NO_DAY when there is no day */
	int last_day;
	size_t days;                 /* days with files, in range, not future */
	uint64_t files;              /* in those days (signals/: all files) */
	uint64_t bytes;
	struct layout_gap *gaps;     /* the days between first and last
					without files (empty day folders
					included), as runs, sorted */
	size_t ngaps;
	uint64_t nmissing;           /* days in the gaps */
	uint64_t markers;            /* Spark/Hadoop markers, not counted */
	/* From the footers (content reads on): */
	uint64_t footers;            /* footers decoded */
	uint64_t rows;
	const struct layout_column *schema;  /* the dominant schema */
	size_t nschema;
	size_t nschemas;             /* distinct schemas seen */
	struct layout_day_rows *day_rows;    /* sorted by day */
	size_t nday_rows;
	uint64_t rows_min, rows_median, rows_max;  /* over complete days */
};


enum layout_add_result {
	LAYOUT_DONE = 0,             /* nothing more to do for this entry */
	LAYOUT_READ_CONTENT = 1      /* read head and tail, see above */
};

struct layout;

/* A new, empty check; the options are copied (the dataset names are
 * borrowed and must outlive it).  Free with layout_free(). */
struct layout *layout_new(const struct layout_options *opt);
void layout_free(struct layout *l);

/* Is this top-level folder name to be looked at (the --dataset filter)? */
bool layout_wants_dataset(const struct layout *l, const char *name);
/* The --dataset filter (borrowed), *n = 0 and NULL when there is none. */
const char *const *layout_dataset_filter(const struct layout *l, size_t *n);

/* One entry (see above).  Keys are relative to the root, without a leading
 * '/'.  Never fails: anything odd is a finding. */
enum layout_add_result layout_add(struct layout *l, const char *key,
				  uint64_t size);

/* The last TAIL_LEN bytes (8 <= TAIL_LEN <= SIZE) of KEY, a file of SIZE
 * bytes (>= 12) for which layout_add() answered LAYOUT_READ_CONTENT, and
 * its first 4 bytes (HEAD; NULL when not read: then the leading magic is
 * not checked).  Returns 0 when done, or the number of trailing bytes to
 * read and hand over again (> TAIL_LEN) when the footer is longer than
 * the tail given. */
size_t layout_content(struct layout *l, const char *key, uint64_t size,
		      const unsigned char *head, const unsigned char *tail,
		      size_t tail_len);

/* The content of KEY could not be read; REASON is one short phrase. */
void layout_content_failed(struct layout *l, const char *key,
			   const char *reason);

/* Compute the dataset figures, add the dataset-level findings and sort.
 * Call once, after the last entry. */
void layout_finish(struct layout *l);

/* After layout_finish(): the datasets (sorted by name) and the findings.
 * The results are borrowed from l. */
size_t layout_dataset_count(const struct layout *l);
const struct layout_dataset *layout_dataset_at(const struct layout *l,
					       size_t i);
size_t layout_finding_count(const struct layout *l);
/* The findings are struct finding (finding.h): path relative to the root
 * (never NULL, "" for the root itself), statement FINDING_NO_STATEMENT. */
const struct finding *layout_finding_at(const struct layout *l, size_t i);
const struct finding_list *layout_findings(const struct layout *l);

/* Is this the content of a parquet file: "PAR1" at both ends and a footer
 * length (the little-endian 32-bit number before the trailing magic) that
 * fits in the file?  NULL when it is, else the reason (a static string). */
const char *layout_parquet_problem(uint64_t size, const unsigned char head[4],
				   const unsigned char tail[8]);

/* Is this file name (the last part of a key) a Spark/Hadoop job marker:
 * _SUCCESS, _committed_*, _started_*, *.crc? */
bool layout_is_marker(const char *name);

/* Dates.  layout_day_from_ymd() returns LAYOUT_NO_DAY for an invalid date
 * (month 13, 30 February, year outside 1..9999). */
int layout_day_from_ymd(int y, int m, int d);
void layout_day_to_ymd(int day, int *y, int *m, int *d);
/* "YYYY-MM-DD" into out (11 bytes). */
void layout_day_format(int day, char out[11]);
/* A strict ISO YYYY-MM-DD date, as --since and --until take it. */
int layout_parse_iso_day(const char *s, int *day, struct s3p_error *err);

enum layout_day_kind {
	LAYOUT_DAY_ISO,              /* 2024-01-18 */
	LAYOUT_DAY_OTHER,            /* 20240118, 2024_01_18, dt=2024-01-18 */
	LAYOUT_DAY_INVALID,          /* looks like a date, is not: 2024-13-01 */
	LAYOUT_DAY_NONE              /* not a date at all */
};

/* Classify a day folder's name; *day is set for ISO and OTHER. */
enum layout_day_kind layout_parse_day_name(const char *name, int *day);

#endif
