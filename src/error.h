/* error.h - the error struct every module fills and only commands print.
 *
 * Functions that can fail take a caller-allocated `struct s3p_error *` as
 * their last argument, return 0 on success and a negative value on failure,
 * and on failure set err->kind and err->msg.  The message is a fixed-size
 * buffer, so reporting an error never allocates and never fails.  Messages
 * are lowercase, without a final period, with the subject quoted:
 * "cannot open 'x.json': No such file or directory".
 */
#ifndef S3P_ERROR_H
#define S3P_ERROR_H

enum s3p_err_kind {
	S3P_OK = 0,
	S3P_E_USAGE,     /* bad option or option value (exit 2) */
	S3P_E_INPUT,     /* unreadable or invalid input file (exit 2) */
	S3P_E_IO,        /* local I/O failure: write, rename, read (exit 2) */
	S3P_E_NOMEM,     /* allocation failed */
	S3P_E_S3,        /* could not reach or authenticate to S3 (exit 3) */
	S3P_E_INTERNAL   /* a bug */
};

struct s3p_error {
	enum s3p_err_kind kind;
	char msg[1024];   /* room for the credential chain's "tried" list */
};

/* Set kind and a printf-style message; returns -1 so callers can write
 * `return s3p_error_set(err, ...)`.  err may be NULL. */
int s3p_error_set(struct s3p_error *err, enum s3p_err_kind kind,
		  const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Prefix the existing message: "context: old message". */
int s3p_error_prefix(struct s3p_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

void s3p_error_clear(struct s3p_error *err);

#endif
