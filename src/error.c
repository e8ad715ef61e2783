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
	size_t hlen, olen;
	va_list ap;

	if (!err)
		return -1;
	va_start(ap, fmt);
	vsnprintf(head, sizeof(head) - 2, fmt, ap);
	va_end(ap);
	strcat(head, ": ");
	hlen = strlen(head);
	olen = strlen(err->msg);
	if (hlen + olen >= sizeof(err->msg))
		olen = sizeof(err->msg) - hlen - 1;
	memmove(err->msg + hlen, err->msg, olen);
	memcpy(err->msg, head, hlen);
	err->msg[hlen + olen] = '\0';
	return -1;
}

void s3p_error_clear(struct s3p_error *err)
{
	if (!err)
		return;
	err->kind = S3P_OK;
	err->msg[0] = '\0';
}
