/* output.h - write a command's result: to standard output, or to -o FILE.
 *
 * A regular file is replaced atomically (a temporary file in the same
 * directory, renamed into place, so a reader never sees half a policy),
 * keeping the existing file's mode (and owner, where allowed); a new file
 * gets 0666 less the umask.  A symbolic link is followed: the file it
 * points to is replaced and the link stays; a link to nothing is refused.
 * Anything that is not a regular file (a terminal, a pipe or FIFO, a
 * device such as /dev/stdout or /dev/null) is written directly, never
 * replaced; a directory is refused. */
#ifndef S3P_OUTPUT_H
#define S3P_OUTPUT_H

#include <stddef.h>
#include "error.h"

/* path NULL or "-": standard output (flushed and checked).  Errors are
 * S3P_E_IO (exit 2): nothing was replaced. */
int output_write(const char *path, const char *data, size_t len,
		 struct s3p_error *err);

#endif
