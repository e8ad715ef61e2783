/* fuzz_sigv4.c - SigV4 canonicalisation and signing (sigv4.h) on hostile
 * request parts: method, path, query parameters, headers, payload hash.
 * Besides the sanitizers it checks what the signer promises: the canonical
 * query string holds only unreserved characters, '%XX' with uppercase hex,
 * '=' and '&'; a signature is 64 lowercase hex digits.
 *
 * Input: "METHOD\0PATH\0QNAME\0QVALUE\0QNAME\0QVALUE\0HNAME\0HVALUE\0
 * HNAME\0HVALUE\0PAYLOAD_HASH\0TOKEN" (missing fields are empty; an empty
 * QVALUE is a parameter without '=').
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "buf.h"
#include "error.h"
#include "sigv4.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int hexdig(char c, int upper)
{
	return (c >= '0' && c <= '9') ||
	       (upper ? (c >= 'A' && c <= 'F') : (c >= 'a' && c <= 'f'));
}

static void check_query(const struct buf *q)
{
	size_t i;

	for (i = 0; i < q->len; i++) {
		char c = q->data[i];

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || strchr("-._~=&", c))
			continue;
		if (c == '%' && i + 2 < q->len && hexdig(q->data[i + 1], 1) &&
		    hexdig(q->data[i + 2], 1)) {
			i += 2;
			continue;
		}
		abort();   /* not a canonical query string */
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_fields ff;
	struct sigv4_query_param q[2];
	struct sigv4_header h[3];
	struct sigv4_request rq;
	struct sigv4_params pa = { "us-east-1", "s3", "20150830T123600Z",
				   SIGV4_S3 };
	struct sigv4_credentials cr = { "AKIDEXAMPLE",
					"wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
					NULL };
	struct sigv4_signed out;
	struct sigv4_trace tr = SIGV4_TRACE_INIT;
	struct buf b = BUF_INIT, sh = BUF_INIT;
	struct s3p_error err;
	size_t i;

	fuzz_split(&ff, data, size, 12);
	q[0].name = ff.f[2];
	q[0].value = ff.len[3] ? ff.f[3] : NULL;
	q[1].name = ff.f[4];
	q[1].value = ff.len[5] ? ff.f[5] : NULL;
	h[0].name = "Host";
	h[0].value = "bucket.s3.us-east-1.amazonaws.com";
	h[1].name = ff.f[6];
	h[1].value = ff.f[7];
	h[2].name = ff.f[8];
	h[2].value = ff.f[9];
	memset(&rq, 0, sizeof rq);
	rq.method = ff.f[0];
	rq.path = ff.f[1];
	rq.query = q;
	rq.query_count = ff.len[2] ? (ff.len[4] ? 2 : 1) : 0;
	rq.headers = h;
	rq.header_count = 1 + (ff.len[6] ? 1 : 0) + (ff.len[8] ? 1 : 0);
	if (rq.header_count == 2 && !ff.len[6])
		h[1] = h[2];
	rq.payload_hash = ff.len[10] ? ff.f[10] : SIGV4_UNSIGNED_PAYLOAD;
	cr.session_token = ff.f[11];

	sigv4_uri_encode(&b, ff.f[1], ff.len[1], 1);
	buf_reset(&b);
	sigv4_canonical_query(&b, q, rq.query_count);
	check_query(&b);
	buf_reset(&b);
	(void)sigv4_canonical_request(&rq, &b, &sh, &err);
	if (sigv4_sign_headers(&rq, &pa, &cr, &out, &tr, &err) == 0) {
		if (strlen(out.signature) != SIGV4_SIG_HEX_LEN)
			abort();
		for (i = 0; i < SIGV4_SIG_HEX_LEN; i++)
			if (!hexdig(out.signature[i], 0))
				abort();
		if (!out.authorization ||
		    strncmp(out.authorization, SIGV4_ALGORITHM " ", 17) != 0)
			abort();
	}
	sigv4_signed_free(&out);
	sigv4_trace_free(&tr);
	buf_release(&b);
	buf_release(&sh);
	fuzz_fields_free(&ff);
	return 0;
}
