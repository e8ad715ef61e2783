/* layout_local.h - feed a local directory tree to the layout check.
 *
 * The directory is the root: its sub-directories are the datasets, and
 * every file and directory below is handed to layout_add() with its path
 * relative to the root ('/'-separated, directories with a trailing '/'),
 * as the same tree uploaded to a bucket would be.  Content checks read the
 * first 4 bytes and the footer with pread(), as layout_s3.c reads them
 * from a bucket (the last 64 KiB, then exactly the footer if longer).  Symbolic links are followed (as
 * an upload would follow them), to a depth of 64 directories.
 */
#ifndef S3P_LAYOUT_LOCAL_H
#define S3P_LAYOUT_LOCAL_H

#include "error.h"
#include "layout.h"

/* Walk DIR into l (layout_finish() is left to the caller).  Fails with
 * S3P_E_INPUT when DIR or a directory below it cannot be read. */
int layout_local_scan(struct layout *l, const char *dir,
		      struct s3p_error *err);

#endif
