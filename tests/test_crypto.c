/* test_crypto.c - known-answer tests for SHA-256 (FIPS 180-2 examples),
 * HMAC-SHA256 (RFC 4231), MD5 as Content-MD5 (RFC 1321 inputs), base64
 * (RFC 4648 section 10), hex, and the random helpers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "crypto.h"
#include "error.h"

static void test_sha256(void **state)
{
	char hex[CRYPTO_SHA256_HEX_LEN + 1];
	uint8_t raw[CRYPTO_SHA256_LEN];

	(void)state;
	crypto_sha256_hex("", 0, hex);
	assert_string_equal(hex,
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	crypto_sha256_hex(NULL, 0, hex);
	assert_string_equal(hex,
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	crypto_sha256_hex("abc", 3, hex);
	assert_string_equal(hex,
		"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	crypto_sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
			  56, hex);
	assert_string_equal(hex,
		"248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	crypto_sha256("abc", 3, raw);
	assert_int_equal(raw[0], 0xba);
	assert_int_equal(raw[31], 0xad);
}

static void hmac_hex(const void *key, size_t kl, const char *data, size_t dl,
		     char *hex)
{
	uint8_t mac[CRYPTO_SHA256_LEN];

	crypto_hmac_sha256(key, kl, data, dl, mac);
	crypto_hex(mac, sizeof mac, hex);
}

static void test_hmac_rfc4231(void **state)
{
	char hex[65];
	unsigned char k1[20], k6[131];
	const char *d6 = "Test Using Larger Than Block-Size Key - Hash Key First";

	(void)state;
	memset(k1, 0x0b, sizeof k1);
	hmac_hex(k1, sizeof k1, "Hi There", 8, hex);
	assert_string_equal(hex,
		"b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
	hmac_hex("Jefe", 4, "what do ya want for nothing?", 28, hex);
	assert_string_equal(hex,
		"5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
	memset(k6, 0xaa, sizeof k6);
	hmac_hex(k6, sizeof k6, d6, strlen(d6), hex);
	assert_string_equal(hex,
		"60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

static void test_md5_base64(void **state)
{
	char b64[CRYPTO_MD5_BASE64_LEN + 1];
	const char *fox = "The quick brown fox jumps over the lazy dog";

	(void)state;
	crypto_md5_base64("", 0, b64);
	assert_string_equal(b64, "1B2M2Y8AsgTpgAmY7PhCfg==");
	crypto_md5_base64("abc", 3, b64);
	assert_string_equal(b64, "kAFQmDzST7DWlj99KOF/cg==");
	crypto_md5_base64(fox, strlen(fox), b64);
	assert_string_equal(b64, "nhB9nTcrtoJr2B01QqQZ1g==");
}

static void test_base64_rfc4648(void **state)
{
	static const char *const in[] = { "", "f", "fo", "foo", "foob", "fooba",
					  "foobar" };
	static const char *const out[] = { "", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==",
					   "Zm9vYmE=", "Zm9vYmFy" };
	struct buf b = BUF_INIT;
	const unsigned char bin[] = { 0xfb, 0xff, 0xbf, 0x00 };
	size_t i;

	(void)state;
	for (i = 0; i < 7; i++) {
		buf_reset(&b);
		crypto_base64(in[i], strlen(in[i]), &b);
		assert_string_equal(buf_str(&b), out[i]);
	}
	buf_reset(&b);
	crypto_base64(bin, sizeof bin, &b);
	assert_string_equal(buf_str(&b), "+/+/AA==");
	/* appends */
	crypto_base64("f", 1, &b);
	assert_string_equal(buf_str(&b), "+/+/AA==Zg==");
	buf_release(&b);
}

static void test_hex(void **state)
{
	const unsigned char in[] = { 0x00, 0x0f, 0xa5, 0xff };
	char out[9];

	(void)state;
	crypto_hex(in, sizeof in, out);
	assert_string_equal(out, "000fa5ff");
	crypto_hex(in, 0, out);
	assert_string_equal(out, "");
}

static void test_random(void **state)
{
	char a[33], b[33];
	unsigned char raw[64], zero[64];
	struct s3p_error err;
	size_t i;

	(void)state;
	assert_int_equal(crypto_random_hex(a, 16, &err), 0);
	assert_int_equal(crypto_random_hex(b, 16, &err), 0);
	assert_int_equal(strlen(a), 32);
	assert_string_not_equal(a, b);
	for (i = 0; i < 32; i++)
		assert_non_null(strchr("0123456789abcdef", a[i]));
	memset(raw, 0, sizeof raw);
	memset(zero, 0, sizeof zero);
	assert_int_equal(crypto_random_bytes(raw, sizeof raw, &err), 0);
	assert_memory_not_equal(raw, zero, sizeof raw);
	assert_int_equal(crypto_random_bytes(raw, 0, &err), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sha256),
		cmocka_unit_test(test_hmac_rfc4231),
		cmocka_unit_test(test_md5_base64),
		cmocka_unit_test(test_base64_rfc4648),
		cmocka_unit_test(test_hex),
		cmocka_unit_test(test_random),
	};

	return cmocka_run_group_tests_name("crypto", tests, NULL, NULL);
}
