#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int s3p_error_set(struct s3p_error *err, enum s3p_err_kind kind,
		  const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return -1;
	err->kind = kind;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

int s3p_error_prefix(struct s3p_error *err, const char *fmt, ...)
{
	char head[256];
	char old[sizeof(err->msg)];
	va_list ap;

	if (!err)
		return -1;
	va_start(ap, fmt);
	vsnprintf(head, sizeof(head), fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	snprintf(err->msg, sizeof(err->msg), "%s: %s", head, old);
	return -1;
}

void s3p_error_clear(struct s3p_error *err)
{
	if (!err)
		return;
	err->kind = S3P_OK;
	err->msg[0] = '\0';
}
