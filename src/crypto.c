/* crypto.c - SHA-256, HMAC-SHA256, MD5, hex, base64, random bytes.
 * The only module that includes OpenSSL. */
#include "crypto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

static void die(const char *what)
{
	fprintf(stderr, "s3perm: fatal: OpenSSL %s failed\n", what);
	abort();
}

static void digest(const EVP_MD *type, const void *data, size_t len,
		   unsigned char *out)
{
	unsigned int outlen = 0;

	if (EVP_Digest(data, len, out, &outlen, type, NULL) != 1)
		die("digest");
}

void crypto_sha256(const void *data, size_t len, uint8_t out[CRYPTO_SHA256_LEN])
{
	digest(EVP_sha256(), data, len, out);
}

void crypto_sha256_hex(const void *data, size_t len,
		       char out[CRYPTO_SHA256_HEX_LEN + 1])
{
	uint8_t h[CRYPTO_SHA256_LEN];

	crypto_sha256(data, len, h);
	crypto_hex(h, sizeof h, out);
}

void crypto_sha1_hex(const void *data, size_t len,
		     char out[CRYPTO_SHA1_HEX_LEN + 1])
{
	uint8_t h[20];

	digest(EVP_sha1(), data, len, h);
	crypto_hex(h, sizeof h, out);
}

void crypto_hmac_sha256(const void *key, size_t keylen,
			const void *data, size_t len,
			uint8_t out[CRYPTO_SHA256_LEN])
{
	unsigned int outlen = 0;
	static const unsigned char nothing[1];

	if (keylen > (size_t)0x7fffffff)
		die("hmac key length");
	/* HMAC() treats a NULL data pointer as "use a static buffer". */
	if (!HMAC(EVP_sha256(), key ? key : nothing, (int)keylen,
		  data ? data : nothing, len, out, &outlen) ||
	    outlen != CRYPTO_SHA256_LEN)
		die("hmac-sha256");
}

void crypto_md5_base64(const void *data, size_t len,
		       char out[CRYPTO_MD5_BASE64_LEN + 1])
{
	unsigned char h[CRYPTO_MD5_LEN];
	struct buf b = BUF_INIT;

	digest(EVP_md5(), data, len, h);
	crypto_base64(h, sizeof h, &b);
	memcpy(out, b.data, CRYPTO_MD5_BASE64_LEN);
	out[CRYPTO_MD5_BASE64_LEN] = '\0';
	buf_release(&b);
}

void crypto_hex(const void *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	const unsigned char *p = in;
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = '\0';
}

void crypto_base64(const void *in, size_t n, struct buf *out)
{
	static const char tab[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *p = in;
	size_t i;
	char q[4];

	for (i = 0; i + 3 <= n; i += 3) {
		unsigned long v = ((unsigned long)p[i] << 16) |
				  ((unsigned long)p[i + 1] << 8) | p[i + 2];
		q[0] = tab[(v >> 18) & 63];
		q[1] = tab[(v >> 12) & 63];
		q[2] = tab[(v >> 6) & 63];
		q[3] = tab[v & 63];
		buf_append(out, q, 4);
	}
	if (n - i == 1) {
		unsigned long v = (unsigned long)p[i] << 16;
		q[0] = tab[(v >> 18) & 63];
		q[1] = tab[(v >> 12) & 63];
		q[2] = '=';
		q[3] = '=';
		buf_append(out, q, 4);
	} else if (n - i == 2) {
		unsigned long v = ((unsigned long)p[i] << 16) |
				  ((unsigned long)p[i + 1] << 8);
		q[0] = tab[(v >> 18) & 63];
		q[1] = tab[(v >> 12) & 63];
		q[2] = tab[(v >> 6) & 63];
		q[3] = '=';
		buf_append(out, q, 4);
	} else if (out->data == NULL) {
		buf_append(out, "", 0);
	}
}

int crypto_random_bytes(void *out, size_t n, struct s3p_error *err)
{
	unsigned char *p = out;

	while (n > 0) {
		int chunk = n > 65536 ? 65536 : (int)n;

		if (RAND_bytes(p, chunk) != 1) {
			unsigned long e = ERR_get_error();
			char msg[256];

			ERR_error_string_n(e, msg, sizeof msg);
			return s3p_error_set(err, S3P_E_INTERNAL,
					     "cannot get random bytes: %s", msg);
		}
		p += chunk;
		n -= (size_t)chunk;
	}
	return 0;
}

int crypto_random_hex(char *out, size_t n, struct s3p_error *err)
{
	unsigned char *tmp = xmalloc(n ? n : 1);
	int rc = crypto_random_bytes(tmp, n, err);

	if (rc == 0)
		crypto_hex(tmp, n, out);
	else if (out)
		out[0] = '\0';
	secure_zero(tmp, n);
	free(tmp);
	return rc;
}
