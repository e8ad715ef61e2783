/* layout_s3.h - feed a bucket to the layout check, through the S3 layer.
 *
 * The top level is listed with the delimiter '/' (its common prefixes are
 * the datasets, its objects the top-level objects); with a --dataset
 * filter only the named prefixes are listed (the root is not: a grant
 * scoped to the prefixes denies it).  The datasets are then listed with
 * the delimiter too (their folders: the days; their objects: loose
 * files), and the folders after that in about LAYOUT_S3_RANGES ranges of
 * consecutive folders, each listed from its first folder (start-after)
 * in full pages until it runs past its last: one ListObjectsV2 page per
 * range per round (s3_send_batch), so wall time grows with objects over
 * the ranges, and requests with objects, not with folders (a day of ten
 * files costs no request of its own).  Each page is streamed into
 * layout_add() and dropped;
 * only the folder names are kept, so memory grows with the days, not the
 * objects.  Content checks (one ranged GET per file: the last
 * LAYOUT_TAIL_READ bytes, the whole of a smaller file; then one exact GET
 * of a longer footer) run between rounds, at most `concurrency` files at
 * a time.
 */
#ifndef S3P_LAYOUT_S3_H
#define S3P_LAYOUT_S3_H

#include "error.h"
#include "layout.h"
#include "s3.h"

#define LAYOUT_S3_CONCURRENCY 64
/* The folders are listed in about this many ranges at once: 8 pages of
 * 1,000 keys in flight keep the peak memory of a 100,000-object listing
 * at 14 MiB (16 ranges: 16 MiB) and a server busy. */
#define LAYOUT_S3_RANGES 8

/* List the bucket into l (layout_finish() is left to the caller).
 * concurrency 0: LAYOUT_S3_CONCURRENCY.  Fails (S3P_E_S3) when a listing
 * is refused or cannot be sent; a content read that fails is a finding. */
int layout_s3_scan(struct layout *l, struct s3_client *c, const char *bucket,
		   size_t concurrency, struct s3p_error *err);

#endif
