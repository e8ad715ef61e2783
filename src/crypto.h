/* crypto.h - hashes, HMAC, encodings and random bytes (the only OpenSSL user).
 *
 * Everything here is pure except the random functions.  Allocation or
 * library failures inside OpenSSL abort the process like xmalloc does
 * (they only happen when out of memory); the random functions can fail
 * and report it through err.
 */
#ifndef S3P_CRYPTO_H
#define S3P_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "error.h"

#define CRYPTO_SHA256_LEN 32
#define CRYPTO_SHA256_HEX_LEN 64     /* plus NUL: char hex[65] */
#define CRYPTO_MD5_LEN 16
#define CRYPTO_MD5_BASE64_LEN 24     /* plus NUL: char b64[25] */

/* SHA-256 of a buffer, raw or as 64 lowercase hex digits + NUL. */
void crypto_sha256(const void *data, size_t len, uint8_t out[CRYPTO_SHA256_LEN]);
void crypto_sha256_hex(const void *data, size_t len,
		       char out[CRYPTO_SHA256_HEX_LEN + 1]);

/* SHA-1 as 40 lowercase hex digits + NUL: only to name the files of the
 * IAM Identity Center token cache, as the AWS CLI names them (not for
 * security). */
#define CRYPTO_SHA1_HEX_LEN 40
void crypto_sha1_hex(const void *data, size_t len,
		     char out[CRYPTO_SHA1_HEX_LEN + 1]);

/* HMAC-SHA256(key, data). */
void crypto_hmac_sha256(const void *key, size_t keylen,
			const void *data, size_t len,
			uint8_t out[CRYPTO_SHA256_LEN]);

/* MD5 of a buffer, base64-encoded (the Content-MD5 header value): 24 chars
 * + NUL. */
void crypto_md5_base64(const void *data, size_t len,
		       char out[CRYPTO_MD5_BASE64_LEN + 1]);

/* Lowercase hex of n bytes into out (2n chars + NUL). */
void crypto_hex(const void *in, size_t n, char *out);

/* Standard base64 (RFC 4648, with '=' padding, no newlines), appended to
 * out. */
void crypto_base64(const void *in, size_t n, struct buf *out);

/* n cryptographically random bytes (OpenSSL RAND_bytes). */
int crypto_random_bytes(void *out, size_t n, struct s3p_error *err);

/* n random bytes as 2n lowercase hex chars + NUL into out (size 2n+1). */
int crypto_random_hex(char *out, size_t n, struct s3p_error *err);

#endif
