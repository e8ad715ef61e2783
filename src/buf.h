/* buf.h - a growable byte buffer, always NUL-terminated.
 *
 * struct buf b = BUF_INIT; ... buf_release(&b);
 * Allocation failure aborts the process (out of memory is not a condition
 * this tool can report usefully); every other function cannot fail.
 */
#ifndef S3P_BUF_H
#define S3P_BUF_H

#include <stddef.h>

struct buf {
	char *data;   /* NUL-terminated; NULL until the first append */
	size_t len;
	size_t cap;
};

#define BUF_INIT { NULL, 0, 0 }

void buf_append(struct buf *b, const void *data, size_t len);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* s single-quoted for a POSIX shell: it's -> 'it'\''s' */
void buf_put_shell_quoted(struct buf *b, const char *s);
void buf_reset(struct buf *b);          /* len = 0, keeps memory */
const char *buf_str(const struct buf *b); /* "" when empty, never NULL */
char *buf_detach(struct buf *b);        /* caller frees with free() */
void buf_release(struct buf *b);        /* frees memory, b is BUF_INIT again */
void buf_release_secret(struct buf *b); /* zeroes, then frees */

/* Allocation helpers that abort on failure. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* Zero memory in a way the compiler cannot drop. */
void secure_zero(void *p, size_t n);

#endif
