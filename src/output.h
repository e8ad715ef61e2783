/* output.h - write a command's result: to standard output, or to a file
 * atomically (a temporary file in the same directory, renamed into place,
 * so a reader never sees half a policy). */
#ifndef S3P_OUTPUT_H
#define S3P_OUTPUT_H

#include <stddef.h>
#include "error.h"

/* path NULL or "-": standard output (flushed and checked). */
int output_write(const char *path, const char *data, size_t len,
		 struct s3p_error *err);

#endif
