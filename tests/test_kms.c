/* Unit tests: kms.c, offline.  The answers are recorded KMS answers shaped
 * as the AWS KMS API reference documents GetKeyPolicy ({"Policy": ...,
 * "PolicyName": "default"}) and its errors (HTTP 400 with {"__type",
 * "message"}); the exchange with a stand-in KMS server is tested end to end
 * in tests/e2e/test_doctor_rgw.py (radosgw has no KMS). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "kms.h"
#include "sigv4.h"

static void parse(struct kms_answer *a, long status, const char *body)
{
	kms_parse_key_policy(status, body, strlen(body), a);
}

static void test_body_and_endpoint(void **state)
{
	char *s;

	(void)state;
	s = kms_get_key_policy_body("alias/my \"key\"");
	assert_string_equal(s, "{\"KeyId\":\"alias/my \\\"key\\\"\","
			    "\"PolicyName\":\"default\"}");
	free(s);
	unsetenv("AWS_ENDPOINT_URL_KMS");
	unsetenv("AWS_ENDPOINT_URL");
	s = kms_endpoint("eu-west-1");
	assert_string_equal(s, "https://kms.eu-west-1.amazonaws.com");
	free(s);
	s = kms_endpoint("cn-north-1");
	assert_string_equal(s, "https://kms.cn-north-1.amazonaws.com.cn");
	free(s);
	setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:1", 1);
	s = kms_endpoint("eu-west-1");
	assert_string_equal(s, "http://127.0.0.1:1");
	free(s);
	setenv("AWS_ENDPOINT_URL_KMS", "http://127.0.0.1:2/kms", 1);
	s = kms_endpoint("eu-west-1");
	assert_string_equal(s, "http://127.0.0.1:2/kms");
	free(s);
	unsetenv("AWS_ENDPOINT_URL_KMS");
	unsetenv("AWS_ENDPOINT_URL");
}

static void test_answers(void **state)
{
	struct kms_answer a;

	(void)state;
	parse(&a, 200, "{\"Policy\":\"{\\n  \\\"Version\\\" : \\\"2012-10-17\\\""
	      ",\\n  \\\"Statement\\\" : [ ]\\n}\",\"PolicyName\":\"default\"}");
	assert_int_equal(a.outcome, KMS_POLICY);
	assert_string_equal(a.policy, "{\n  \"Version\" : \"2012-10-17\",\n"
			    "  \"Statement\" : [ ]\n}");
	kms_answer_release(&a);
	parse(&a, 400, "{\"__type\":\"AccessDeniedException\",\"message\":"
	      "\"User: arn:aws:iam::111122223333:user/a is not authorized to "
	      "perform: kms:GetKeyPolicy\"}");
	assert_int_equal(a.outcome, KMS_DENIED);
	assert_null(a.policy);
	assert_non_null(strstr(a.detail, "AccessDeniedException: User:"));
	kms_answer_release(&a);
	parse(&a, 400, "{\"__type\":\"com.amazonaws.kms#AccessDenied"
	      "Exception\",\"Message\":\"no\"}");
	assert_int_equal(a.outcome, KMS_DENIED);
	assert_string_equal(a.detail, "AccessDeniedException: no");
	kms_answer_release(&a);
	parse(&a, 400, "{\"__type\":\"NotFoundException\",\"message\":"
	      "\"Invalid keyId\"}");
	assert_int_equal(a.outcome, KMS_FAILED);
	kms_answer_release(&a);
	/* not KMS: XML, HTML, empty, JSON of something else, a 200 error */
	parse(&a, 200, "<ListBucketResult><Name>b</Name></ListBucketResult>");
	assert_int_equal(a.outcome, KMS_NOT_KMS);
	assert_string_equal(a.detail, "HTTP 200 with an answer that is not a "
			    "JSON object");
	kms_answer_release(&a);
	parse(&a, 404, "");
	assert_int_equal(a.outcome, KMS_NOT_KMS);
	kms_answer_release(&a);
	parse(&a, 200, "{\"Policy\":7}");
	assert_int_equal(a.outcome, KMS_NOT_KMS);
	kms_answer_release(&a);
	parse(&a, 200, "{\"__type\":\"AccessDeniedException\"}");
	assert_int_equal(a.outcome, KMS_NOT_KMS);
	kms_answer_release(&a);
	parse(&a, 200, "[\"Policy\"]");
	assert_int_equal(a.outcome, KMS_NOT_KMS);
	kms_answer_release(&a);
}

static void test_send_failures(void **state)
{
	struct sigv4_credentials cr = { "AKIDEXAMPLE", "secret", NULL };
	struct kms_answer a;
	struct s3p_error err = { 0 };

	(void)state;
	assert_int_equal(kms_get_key_policy("ftp://x", "eu-west-1", &cr, "k",
					    1000, &a, &err), -1);
	assert_non_null(strstr(err.msg, "invalid KMS endpoint URL 'ftp://x'"));
	kms_answer_release(&a);
	/* nothing listens on port 1: no answer, not a failure */
	assert_int_equal(kms_get_key_policy("http://127.0.0.1:1", "eu-west-1",
					    &cr, "k", 2000, &a, &err), 0);
	assert_int_equal(a.outcome, KMS_FAILED);
	assert_null(a.policy);
	assert_non_null(strstr(a.detail, "connection refused"));
	kms_answer_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_body_and_endpoint),
		cmocka_unit_test(test_answers),
		cmocka_unit_test(test_send_failures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
