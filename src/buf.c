#include "buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void oom(void)
{
	fputs("s3perm: error: out of memory\n", stderr);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		oom();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		oom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q)
		oom();
	return q;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void secure_zero(void *p, size_t n)
{
	volatile unsigned char *v = p;

	while (n--)
		*v++ = 0;
}

void free_secret(char *s)
{
	if (s) {
		secure_zero(s, strlen(s));
		free(s);
	}
}

static void grow(struct buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;

	if (need <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap *= 2;
	b->data = xrealloc(b->data, cap);
	b->cap = cap;
}

void buf_append(struct buf *b, const void *data, size_t len)
{
	grow(b, len);
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
}

void buf_puts(struct buf *b, const char *s)
{
	buf_append(b, s, strlen(s));
}

void buf_putc(struct buf *b, char c)
{
	buf_append(b, &c, 1);
}

void buf_put_shell_quoted(struct buf *b, const char *s)
{
	buf_putc(b, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			buf_puts(b, "'\\''");
		else
			buf_putc(b, *s);
	}
	buf_putc(b, '\'');
}

size_t utf8_seq_len(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t len, i;
	unsigned long cp;

	if (!n)
		return 0;
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

static const char hexdigits[] = "0123456789abcdef";

static void put_hex_byte(struct buf *b, unsigned char c)
{
	char e[4] = { '\\', 'x', hexdigits[c >> 4], hexdigits[c & 15] };

	buf_append(b, e, sizeof(e));
}

size_t buf_put_utf8_escaped(struct buf *b, const char *s, size_t n)
{
	size_t bad = 0, i = 0;

	while (i < n) {
		size_t k = utf8_seq_len(s + i, n - i);

		if (k) {
			buf_append(b, s + i, k);
			i += k;
		} else {
			put_hex_byte(b, (unsigned char)s[i++]);
			bad++;
		}
	}
	return bad;
}

size_t buf_put_term_n(struct buf *b, const char *s, size_t n)
{
	size_t esc = 0, i = 0;

	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		size_t k = utf8_seq_len(s + i, n - i);

		if (k == 2 && c == 0xc2 && (unsigned char)s[i + 1] < 0xa0) {
			/* C1 control, U+0080..U+009F */
			buf_printf(b, "\\u%04x", (unsigned)(unsigned char)
				   s[i + 1]);
			esc++;
		} else if (k > 1 || (k == 1 && c >= 0x20 && c != 0x7f)) {
			buf_append(b, s + i, k);
		} else if (k == 0) {
			put_hex_byte(b, c);
			esc++;
			k = 1;
		} else {
			esc++;
			if (c == '\n')
				buf_puts(b, "\\n");
			else if (c == '\r')
				buf_puts(b, "\\r");
			else if (c == '\t')
				buf_puts(b, "\\t");
			else if (c == 0x1b)
				buf_puts(b, "\\e");
			else
				put_hex_byte(b, c);
		}
		i += k;
	}
	return esc;
}

size_t buf_put_term(struct buf *b, const char *s)
{
	return buf_put_term_n(b, s, strlen(s));
}

char *term_escape(const char *s)
{
	struct buf b = BUF_INIT;

	buf_put_term(&b, s);
	return buf_detach(&b);
}

void buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	grow(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

const char *buf_str(const struct buf *b)
{
	return b->data ? b->data : "";
}

char *buf_detach(struct buf *b)
{
	char *p = b->data ? b->data : xstrdup("");

	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}

void buf_release(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

void buf_release_secret(struct buf *b)
{
	if (b->data)
		secure_zero(b->data, b->cap);
	buf_release(b);
}
