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
/* The length of the valid UTF-8 sequence at s (n bytes available): 1 to 4,
 * or 0 when the bytes there are not UTF-8 (overlong forms, surrogates and
 * code points above U+10FFFF are not). */
size_t utf8_seq_len(const char *s, size_t n);

/* s as valid UTF-8: every byte that is not part of a valid sequence is
 * written as the four characters \xNN (hexadecimal).  Returns how many
 * bytes were so replaced (0: s was copied unchanged). */
size_t buf_put_utf8_escaped(struct buf *b, const char *s, size_t n);

/* s for a terminal, where it cannot move the cursor, clear the screen or
 * start a line of its own: control characters (C0, DEL, and C1 raw or as
 * UTF-8) become \n \r \t \e \xNN or \u0085, and bytes that are not
 * UTF-8 become \xNN; printable text, UTF-8 included, is copied.  Returns
 * how many characters were escaped.  The one escaping of human-readable
 * output: every report and message with bytes from a server, a key or a
 * file name goes through it. */
size_t buf_put_term(struct buf *b, const char *s);
size_t buf_put_term_n(struct buf *b, const char *s, size_t n);
/* s escaped as buf_put_term() does, in a new string (free with free()). */
char *term_escape(const char *s);

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
/* Wipe a string (a secret: a key, a token, a signed header) and free it;
 * NULL does nothing. */
void free_secret(char *s);

#endif
