/* xml.c - streaming XML reading over expat.  See xml.h. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <expat.h>

#include "buf.h"
#include "xml.h"

struct xml_state {
	XML_Parser parser;
	const struct xml_handler *h;
	struct s3p_error *err;
	char path[XML_MAX_PATH + 1];
	size_t plen;
	size_t stack[XML_MAX_DEPTH + 1]; /* path length before each element */
	int depth;
	struct buf text;
	int stopped;    /* callback's value */
	int failed;     /* our own limit error (err set) */
	int ctl_refs;   /* control characters were stood for (see below) */
};

/* radosgw writes the keys in its markers and continuation tokens raw,
 * a control character as a character reference XML 1.0 forbids
 * ("&#1;"), which expat refuses.  Such a reference (1..31 but tab, LF
 * and CR) is rewritten, in a copy of the document, to one of the private
 * use characters U+E001..U+E01F, and the text read maps those back to the
 * byte (only in a document that had such references).  Returns the copy,
 * or NULL when there is none to rewrite. */
#define CTL_BASE 0xE000u

static int ctl_ref(const char *p, const char *end, unsigned *value,
		   size_t *reflen)
{
	const char *q = p + 2;
	unsigned v = 0;
	int hex = 0, digits = 0;

	if (end - p < 4 || p[0] != '&' || p[1] != '#')
		return 0;
	if (*q == 'x') {
		hex = 1;
		q++;
	}
	for (; q < end && digits < 8; q++, digits++) {
		unsigned d;

		if (*q >= '0' && *q <= '9')
			d = (unsigned)(*q - '0');
		else if (hex && *q >= 'a' && *q <= 'f')
			d = (unsigned)(*q - 'a' + 10);
		else if (hex && *q >= 'A' && *q <= 'F')
			d = (unsigned)(*q - 'A' + 10);
		else
			break;
		v = v * (hex ? 16u : 10u) + d;
	}
	if (!digits || q >= end || *q != ';' || v < 1 || v > 31 || v == 9 ||
	    v == 10 || v == 13)
		return 0;
	*value = v;
	*reflen = (size_t)(q + 1 - p);
	return 1;
}

static char *rewrite_ctl_refs(const char *data, size_t len, size_t *outlen)
{
	const char *end = data + len;
	struct buf b = BUF_INIT;
	int any = 0;

	for (const char *p = data; p < end;) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		unsigned v;
		size_t n;

		if (!amp) {
			buf_append(&b, p, (size_t)(end - p));
			break;
		}
		buf_append(&b, p, (size_t)(amp - p));
		if (ctl_ref(amp, end, &v, &n)) {
			buf_printf(&b, "&#x%X;", CTL_BASE + v);
			any = 1;
			p = amp + n;
		} else {
			buf_putc(&b, '&');
			p = amp + 1;
		}
	}
	if (!any) {
		buf_release(&b);
		return NULL;
	}
	*outlen = b.len;
	return buf_detach(&b);
}

static void stop(struct xml_state *st)
{
	XML_StopParser(st->parser, XML_FALSE);
}

/* Local name: drop an expat namespace prefix "uri|name" or "p:name". */
static const char *local_name(const char *name)
{
	const char *p = strrchr(name, '|');

	if (p)
		return p + 1;
	p = strchr(name, ':');
	return p ? p + 1 : name;
}

static void XMLCALL on_start(void *ud, const XML_Char *name,
			     const XML_Char **attrs)
{
	struct xml_state *st = ud;
	const char *ln = local_name(name);
	size_t n = strlen(ln);
	size_t need = st->plen + (st->plen ? 1 : 0) + n;

	(void)attrs;
	if (st->stopped || st->failed)
		return;
	if (st->depth >= XML_MAX_DEPTH) {
		s3p_error_set(st->err, S3P_E_S3,
			      "malformed xml: elements nested deeper than %d",
			      XML_MAX_DEPTH);
		st->failed = 1;
		stop(st);
		return;
	}
	if (need > XML_MAX_PATH) {
		s3p_error_set(st->err, S3P_E_S3,
			      "malformed xml: element path longer than %d bytes",
			      XML_MAX_PATH);
		st->failed = 1;
		stop(st);
		return;
	}
	st->stack[st->depth++] = st->plen;
	if (st->plen)
		st->path[st->plen++] = '/';
	memcpy(st->path + st->plen, ln, n);
	st->plen += n;
	st->path[st->plen] = '\0';
	buf_reset(&st->text);
	if (st->h->on_start) {
		int rc = st->h->on_start(st->h->ctx, st->path);
		if (rc) {
			st->stopped = rc;
			stop(st);
		}
	}
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
	struct xml_state *st = ud;

	(void)name;
	if (st->stopped || st->failed || st->depth == 0)
		return;
	if (st->h->on_end) {
		int rc = st->h->on_end(st->h->ctx, st->path,
				       buf_str(&st->text), st->text.len);
		if (rc) {
			st->stopped = rc;
			stop(st);
			return;
		}
	}
	buf_reset(&st->text);
	st->plen = st->stack[--st->depth];
	st->path[st->plen] = '\0';
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
	struct xml_state *st = ud;

	if (st->stopped || st->failed || len <= 0)
		return;
	if (st->text.len + (size_t)len > XML_MAX_TEXT) {
		s3p_error_set(st->err, S3P_E_S3,
			      "malformed xml: text of '%s' longer than %u bytes",
			      st->path, XML_MAX_TEXT);
		st->failed = 1;
		stop(st);
		return;
	}
	if (!st->ctl_refs) {
		buf_append(&st->text, s, (size_t)len);
		return;
	}
	/* U+E001..U+E01F (EE 80 81..EE 80 9F) back to the control byte */
	for (int i = 0; i < len; i++) {
		const unsigned char *u = (const unsigned char *)s + i;

		if (i + 2 < len && u[0] == 0xEE && u[1] == 0x80 &&
		    u[2] >= 0x81 && u[2] <= 0x9F) {
			buf_putc(&st->text, (char)(u[2] - 0x80));
			i += 2;
		} else {
			buf_putc(&st->text, (char)u[0]);
		}
	}
}

/* Refuse DTDs: S3 never sends one, and entity expansion is an attack. */
static void XMLCALL on_doctype(void *ud, const XML_Char *name,
			       const XML_Char *sysid, const XML_Char *pubid,
			       int has_internal)
{
	struct xml_state *st = ud;

	(void)name;
	(void)sysid;
	(void)pubid;
	(void)has_internal;
	if (st->failed || st->stopped)
		return;
	s3p_error_set(st->err, S3P_E_S3,
		      "malformed xml: document type declarations are not accepted");
	st->failed = 1;
	stop(st);
}

int xml_parse(const char *data, size_t len, const struct xml_handler *h,
	      struct s3p_error *err)
{
	struct xml_state st;
	char *copy = NULL;
	size_t copylen = 0;
	int rc = 0;

	memset(&st, 0, sizeof(st));
	st.h = h;
	st.err = err;
	if (len > (size_t)INT_MAX)
		return s3p_error_set(err, S3P_E_S3,
				     "malformed xml: document too large");
	st.parser = XML_ParserCreateNS(NULL, '|');
	if (!st.parser)
		return s3p_error_set(err, S3P_E_NOMEM,
				     "cannot create xml parser");
	XML_SetUserData(st.parser, &st);
	XML_SetElementHandler(st.parser, on_start, on_end);
	XML_SetCharacterDataHandler(st.parser, on_text);
	XML_SetStartDoctypeDeclHandler(st.parser, on_doctype);
	if (data && (copy = rewrite_ctl_refs(data, len, &copylen))) {
		if (copylen > (size_t)INT_MAX) {
			free(copy);
			XML_ParserFree(st.parser);
			return s3p_error_set(err, S3P_E_S3,
					     "malformed xml: document too large");
		}
		st.ctl_refs = 1;
		data = copy;
		len = copylen;
	}
	if (XML_Parse(st.parser, data ? data : "", (int)len, XML_TRUE) ==
	    XML_STATUS_ERROR) {
		if (st.stopped) {
			rc = st.stopped;
		} else if (st.failed) {
			rc = -1;
		} else {
			enum XML_Error e = XML_GetErrorCode(st.parser);
			rc = s3p_error_set(
				err, S3P_E_S3,
				"malformed xml: %s at line %lu",
				XML_ErrorString(e),
				(unsigned long)XML_GetCurrentLineNumber(st.parser));
		}
	} else if (st.stopped) {
		rc = st.stopped;
	} else if (st.failed) {
		rc = -1;
	}
	XML_ParserFree(st.parser);
	buf_release(&st.text);
	free(copy);
	return rc;
}
