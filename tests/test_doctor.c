/* Unit tests: doctor.c and doctor_report.c, offline.
 *
 * The answers are recorded AWS answers, each shaped as the Amazon S3 API
 * reference documents it (GetBucketEncryption, GetBucketOwnershipControls,
 * GetObjectLockConfiguration, GetBucketRequestPayment, GetBucketVersioning,
 * GetBucketLifecycleConfiguration, GetBucketLocation, and the error codes
 * ServerSideEncryptionConfigurationNotFoundError,
 * OwnershipControlsNotFoundError, ObjectLockConfigurationNotFoundError,
 * NoSuchLifecycleConfiguration, NoSuchBucketPolicy): radosgw 16 has no
 * default encryption, no Object Ownership and no AWS-managed keys, so these
 * items are tested here; the end-to-end test (tests/e2e/test_doctor_rgw.py)
 * covers what radosgw implements. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>

#include "buf.h"
#include "doctor.h"
#include "doctor_report.h"
#include "names.h"
#include "s3.h"
#include "verify.h"

#define XMLNS " xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\""
#define VENDOR "arn:aws:iam::999689269917:user/statsig-abc"

static const char *const ok_bodies[DOCTOR_NQUERIES] = {
	[DQ_LOCATION] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<LocationConstraint" XMLNS ">eu-west-1</LocationConstraint>",
	[DQ_POLICY] = NULL,  /* NoSuchBucketPolicy unless a test sets one */
	[DQ_ENCRYPTION] = "<ServerSideEncryptionConfiguration" XMLNS ">"
		"<Rule><ApplyServerSideEncryptionByDefault>"
		"<SSEAlgorithm>AES256</SSEAlgorithm>"
		"</ApplyServerSideEncryptionByDefault>"
		"<BucketKeyEnabled>false</BucketKeyEnabled></Rule>"
		"</ServerSideEncryptionConfiguration>",
	[DQ_OWNERSHIP] = "<OwnershipControls" XMLNS "><Rule>"
		"<ObjectOwnership>BucketOwnerEnforced</ObjectOwnership>"
		"</Rule></OwnershipControls>",
	[DQ_OBJECT_LOCK] = NULL,
	[DQ_REQUEST_PAYMENT] = "<RequestPaymentConfiguration" XMLNS ">"
		"<Payer>BucketOwner</Payer></RequestPaymentConfiguration>",
	[DQ_VERSIONING] = "<VersioningConfiguration" XMLNS "/>",
	[DQ_LIFECYCLE] = NULL,
	[DQ_PUBLIC_ACCESS] = "<PublicAccessBlockConfiguration" XMLNS ">"
		"<BlockPublicAcls>true</BlockPublicAcls>"
		"<IgnorePublicAcls>true</IgnorePublicAcls>"
		"<BlockPublicPolicy>true</BlockPublicPolicy>"
		"<RestrictPublicBuckets>true</RestrictPublicBuckets>"
		"</PublicAccessBlockConfiguration>",
};

struct env {
	struct s3_response ans[DOCTOR_NQUERIES];
	struct principal pr;
	struct verify_request rq;
	struct doctor_report rep;
	struct s3p_error err;
};

static void answer(struct s3_response *r, long status,
		   enum s3_error_class cls, const char *code, const char *body)
{
	struct s3_response init = S3_RESPONSE_INIT;

	s3_response_release(r);
	*r = init;
	r->status = status;
	r->error_class = cls;
	snprintf(r->code, sizeof(r->code), "%s", code ? code : "");
	if (body)
		buf_puts(&r->body, body);
}

static void not_found(struct s3_response *r, const char *code)
{
	struct buf b = BUF_INIT;

	buf_printf(&b, "<Error><Code>%s</Code><Message>not found</Message>"
		   "</Error>", code);
	answer(r, 404, S3_ERR_NOT_FOUND, code, b.data);
	buf_release(&b);
}

/* A bucket with nothing set: every answer as AWS gives it then. */
static void setup_env(struct env *e, const char *mode)
{
	memset(e, 0, sizeof(*e));
	for (size_t i = 0; i < DOCTOR_NQUERIES; i++) {
		struct s3_response init = S3_RESPONSE_INIT;

		e->ans[i] = init;
		if (ok_bodies[i])
			answer(&e->ans[i], 200, S3_OK, NULL, ok_bodies[i]);
	}
	not_found(&e->ans[DQ_POLICY], "NoSuchBucketPolicy");
	not_found(&e->ans[DQ_OBJECT_LOCK],
		  "ObjectLockConfigurationNotFoundError");
	not_found(&e->ans[DQ_LIFECYCLE], "NoSuchLifecycleConfiguration");
	assert_int_equal(names_parse_principal(VENDOR, &e->pr, &e->err), 0);
	e->rq.bucket = "my-data";
	e->rq.mode = mode;
	e->rq.principal = &e->pr;
}

static void run(struct env *e)
{
	doctor_report_release(&e->rep);
	if (doctor_evaluate(&e->rq, "eu-west-1", e->ans, &e->rep, &e->err))
		fail_msg("doctor_evaluate: %s", e->err.msg);
}

static const struct doctor_item *get(const struct env *e, const char *id)
{
	for (size_t i = 0; i < e->rep.nitems; i++)
		if (!strcmp(e->rep.items[i].id, id))
			return &e->rep.items[i];
	fail_msg("no item %s", id);
	return NULL;
}

static void expect(const struct env *e, const char *id,
		   enum doctor_status st, const char *in_message,
		   const char *in_fix)
{
	const struct doctor_item *it = get(e, id);

	if (it->status != st)
		fail_msg("%s: status %s, expected %s: %s", id,
			 doctor_status_name(it->status),
			 doctor_status_name(st), it->message);
	if (in_message && !strstr(it->message, in_message))
		fail_msg("%s: message lacks '%s': %s", id, in_message,
			 it->message);
	if (in_fix && (!it->fix || !strstr(it->fix, in_fix)))
		fail_msg("%s: fix lacks '%s': %s", id, in_fix,
			 it->fix ? it->fix : "(none)");
	if (!in_fix && it->fix && st == DOCTOR_OK)
		fail_msg("%s: ok with a fix: %s", id, it->fix);
}

static void release_env(struct env *e)
{
	doctor_report_release(&e->rep);
	for (size_t i = 0; i < DOCTOR_NQUERIES; i++)
		s3_response_release(&e->ans[i]);
}

static void test_clean_bucket(void **state)
{
	struct env e;

	(void)state;
	setup_env(&e, "export");
	run(&e);
	expect(&e, "region", DOCTOR_OK, "region eu-west-1", NULL);
	expect(&e, "bucket-policy", DOCTOR_ERROR, "the bucket has no policy",
	       "s3perm gen --mode export --principal " VENDOR);
	expect(&e, "encryption", DOCTOR_OK, "SSE-S3", NULL);
	expect(&e, "ownership", DOCTOR_OK, "BucketOwnerEnforced", NULL);
	expect(&e, "object-lock", DOCTOR_OK, "no Object Lock", NULL);
	expect(&e, "requester-pays", DOCTOR_OK, NULL, NULL);
	expect(&e, "versioning", DOCTOR_OK, "versioning is off", NULL);
	expect(&e, "public-access", DOCTOR_OK, "4 of 4 settings on", NULL);
	assert_int_equal(doctor_worst(&e.rep), DOCTOR_ERROR);
	not_found(&e.ans[DQ_PUBLIC_ACCESS],
		  "NoSuchPublicAccessBlockConfiguration");
	run(&e);
	expect(&e, "public-access", DOCTOR_OK, "does not affect a grant to a "
	       "named principal", NULL);
	/* radosgw's answer, recorded: another root element, the same fields */
	answer(&e.ans[DQ_PUBLIC_ACCESS], 200, S3_OK, NULL,
	       "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
	       "<BlockPublicAccessBlockConfiguration><BlockPublicAcls>true"
	       "</BlockPublicAcls><IgnorePublicAcls>false</IgnorePublicAcls>"
	       "<BlockPublicPolicy>false</BlockPublicPolicy>"
	       "<RestrictPublicBuckets>false</RestrictPublicBuckets>"
	       "</BlockPublicAccessBlockConfiguration>");
	run(&e);
	expect(&e, "public-access", DOCTOR_OK, "1 of 4 settings on", NULL);
	release_env(&e);
}

static void test_encryption(void **state)
{
	struct env e;

	(void)state;
	setup_env(&e, "export");
	not_found(&e.ans[DQ_ENCRYPTION],
		  "ServerSideEncryptionConfigurationNotFoundError");
	run(&e);
	expect(&e, "encryption", DOCTOR_OK, "no default encryption", NULL);

	/* SSE-KMS without a key id: the AWS-managed key aws/s3 */
	answer(&e.ans[DQ_ENCRYPTION], 200, S3_OK, NULL,
	       "<ServerSideEncryptionConfiguration" XMLNS "><Rule>"
	       "<ApplyServerSideEncryptionByDefault><SSEAlgorithm>aws:kms"
	       "</SSEAlgorithm></ApplyServerSideEncryptionByDefault>"
	       "<BucketKeyEnabled>true</BucketKeyEnabled></Rule>"
	       "</ServerSideEncryptionConfiguration>");
	run(&e);
	expect(&e, "encryption", DOCTOR_ERROR, "AWS-managed key aws/s3",
	       "put-bucket-encryption --bucket my-data");
	answer(&e.ans[DQ_ENCRYPTION], 200, S3_OK, NULL,
	       "<ServerSideEncryptionConfiguration" XMLNS "><Rule>"
	       "<ApplyServerSideEncryptionByDefault><SSEAlgorithm>aws:kms"
	       "</SSEAlgorithm><KMSMasterKeyID>arn:aws:kms:eu-west-1:"
	       "111122223333:alias/aws/s3</KMSMasterKeyID>"
	       "</ApplyServerSideEncryptionByDefault></Rule>"
	       "</ServerSideEncryptionConfiguration>");
	run(&e);
	expect(&e, "encryption", DOCTOR_ERROR, "AWS-managed key", NULL);

	/* a customer-managed key: the statement, scoped */
	answer(&e.ans[DQ_ENCRYPTION], 200, S3_OK, NULL,
	       "<ServerSideEncryptionConfiguration" XMLNS "><Rule>"
	       "<ApplyServerSideEncryptionByDefault><SSEAlgorithm>aws:kms:dsse"
	       "</SSEAlgorithm><KMSMasterKeyID>arn:aws:kms:eu-west-1:"
	       "111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	       "</KMSMasterKeyID></ApplyServerSideEncryptionByDefault>"
	       "<BucketKeyEnabled>true</BucketKeyEnabled></Rule>"
	       "</ServerSideEncryptionConfiguration>");
	run(&e);
	expect(&e, "encryption", DOCTOR_WARNING, "DSSE-KMS with key "
	       "arn:aws:kms:eu-west-1:111122223333:key/1234abcd",
	       "\"Action\":[\"kms:Decrypt\",\"kms:GenerateDataKey\"]");
	expect(&e, "encryption", DOCTOR_WARNING, "Bucket Keys are on",
	       "\"kms:ViaService\":\"s3.eu-west-1.amazonaws.com\"");
	expect(&e, "encryption", DOCTOR_WARNING, NULL,
	       "\"kms:EncryptionContext:aws:s3:arn\":"
	       "\"arn:aws:s3:::my-data/*\"");
	e.rq.mode = "read";
	run(&e);
	expect(&e, "encryption", DOCTOR_WARNING, "allow the vendor "
	       "kms:Decrypt,", "\"Action\":[\"kms:Decrypt\"]");
	release_env(&e);
}

/* radosgw answers GET ?encryption and ?ownershipControls with a listing:
 * not a setting, "this server does not support it". */
static void test_not_a_document(void **state)
{
	struct env e;
	static const char listing[] =
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListBucketResult"
		XMLNS "><Name>my-data</Name><Prefix></Prefix><MaxKeys>1000"
		"</MaxKeys><IsTruncated>false</IsTruncated></ListBucketResult>";

	(void)state;
	setup_env(&e, "export");
	answer(&e.ans[DQ_ENCRYPTION], 200, S3_OK, NULL, listing);
	answer(&e.ans[DQ_OWNERSHIP], 200, S3_OK, NULL, listing);
	answer(&e.ans[DQ_REQUEST_PAYMENT], 200, S3_OK, NULL, "not xml");
	run(&e);
	expect(&e, "encryption", DOCTOR_UNKNOWN,
	       "this server does not support it: it answered "
	       "GetBucketEncryption with a <ListBucketResult> document", NULL);
	expect(&e, "ownership", DOCTOR_UNKNOWN,
	       "this server does not support it", NULL);
	expect(&e, "requester-pays", DOCTOR_UNKNOWN,
	       "something that is not XML", NULL);
	answer(&e.ans[DQ_OWNERSHIP], 501, S3_ERR_OTHER, "NotImplemented",
	       "<Error><Code>NotImplemented</Code></Error>");
	run(&e);
	expect(&e, "ownership", DOCTOR_UNKNOWN,
	       "this server does not support it (501 NotImplemented", NULL);
	release_env(&e);
}

/* A read the customer may not make is unknown, naming the permission; the
 * rest of the report is there. */
static void test_permission_unknown(void **state)
{
	struct env e;
	const char *perm[DOCTOR_NQUERIES] = {
		"s3:GetBucketLocation", "s3:GetBucketPolicy",
		"s3:GetEncryptionConfiguration",
		"s3:GetBucketOwnershipControls",
		"s3:GetBucketObjectLockConfiguration",
		"s3:GetBucketRequestPayment", "s3:GetBucketVersioning",
		"s3:GetLifecycleConfiguration",
		"s3:GetBucketPublicAccessBlock"
	};
	const char *ids[DOCTOR_NQUERIES] = {
		"region", "bucket-policy", "encryption", "ownership",
		"object-lock", "requester-pays", "versioning", "versioning",
		"public-access"
	};

	(void)state;
	for (size_t q = 0; q < DOCTOR_NQUERIES; q++) {
		setup_env(&e, "export");
		if (q == DQ_LIFECYCLE)
			answer(&e.ans[DQ_VERSIONING], 200, S3_OK, NULL,
			       "<VersioningConfiguration" XMLNS "><Status>"
			       "Enabled</Status></VersioningConfiguration>");
		answer(&e.ans[q], 403, S3_ERR_PERMISSION, "AccessDenied",
		       "<Error><Code>AccessDenied</Code><Message>Access Denied"
		       "</Message></Error>");
		run(&e);
		if (q == DQ_LOCATION) {
			/* the region the client found stands in */
			expect(&e, "region", DOCTOR_OK, "region eu-west-1 ("
			       "your credentials may not read it", NULL);
		} else {
			expect(&e, ids[q], DOCTOR_UNKNOWN, perm[q], NULL);
		}
		assert_int_equal(e.rep.nitems, DOCTOR_NITEMS);
		expect(&e, q == DQ_OWNERSHIP ? "encryption" : "ownership",
		       DOCTOR_OK, NULL, NULL);
		release_env(&e);
	}
}

static void test_ownership(void **state)
{
	struct env e;

	(void)state;
	setup_env(&e, "export");
	answer(&e.ans[DQ_OWNERSHIP], 200, S3_OK, NULL,
	       "<OwnershipControls" XMLNS "><Rule><ObjectOwnership>"
	       "BucketOwnerPreferred</ObjectOwnership></Rule>"
	       "</OwnershipControls>");
	run(&e);
	expect(&e, "ownership", DOCTOR_ERROR, "BucketOwnerPreferred",
	       "put-bucket-ownership-controls --bucket my-data "
	       "--ownership-controls "
	       "'Rules=[{ObjectOwnership=BucketOwnerEnforced}]'");
	not_found(&e.ans[DQ_OWNERSHIP], "OwnershipControlsNotFoundError");
	run(&e);
	expect(&e, "ownership", DOCTOR_ERROR, "ObjectWriter", NULL);
	e.rq.mode = "read";
	run(&e);
	expect(&e, "ownership", DOCTOR_WARNING, "ACLs on",
	       "BucketOwnerEnforced");
	release_env(&e);
}

static void test_lock_payer_versioning(void **state)
{
	struct env e;

	(void)state;
	setup_env(&e, "export");
	answer(&e.ans[DQ_OBJECT_LOCK], 200, S3_OK, NULL,
	       "<ObjectLockConfiguration" XMLNS "><ObjectLockEnabled>Enabled"
	       "</ObjectLockEnabled><Rule><DefaultRetention><Mode>GOVERNANCE"
	       "</Mode><Days>30</Days></DefaultRetention></Rule>"
	       "</ObjectLockConfiguration>");
	answer(&e.ans[DQ_REQUEST_PAYMENT], 200, S3_OK, NULL,
	       "<RequestPaymentConfiguration" XMLNS "><Payer>Requester"
	       "</Payer></RequestPaymentConfiguration>");
	answer(&e.ans[DQ_VERSIONING], 200, S3_OK, NULL,
	       "<VersioningConfiguration" XMLNS "><Status>Enabled</Status>"
	       "</VersioningConfiguration>");
	e.rq.prefixes = (const char *const[]){ "exports/" };
	e.rq.nprefixes = 1;
	run(&e);
	expect(&e, "object-lock", DOCTOR_ERROR, "GOVERNANCE for 30 days",
	       "put-object-lock-configuration --bucket my-data");
	expect(&e, "requester-pays", DOCTOR_ERROR, "Requester Pays is on",
	       "Payer=BucketOwner");
	expect(&e, "versioning", DOCTOR_WARNING, "without a lifecycle rule",
	       "\"Filter\":{\"Prefix\":\"exports/\"},"
	       "\"NoncurrentVersionExpiration\":{\"NoncurrentDays\":7}");
	/* a rule for another prefix does not count; one above it does */
	answer(&e.ans[DQ_LIFECYCLE], 200, S3_OK, NULL,
	       "<LifecycleConfiguration" XMLNS "><Rule><ID>logs</ID>"
	       "<Filter><Prefix>logs/</Prefix></Filter><Status>Enabled"
	       "</Status><NoncurrentVersionExpiration><NoncurrentDays>1"
	       "</NoncurrentDays></NoncurrentVersionExpiration></Rule>"
	       "</LifecycleConfiguration>");
	run(&e);
	expect(&e, "versioning", DOCTOR_WARNING, NULL,
	       "add this rule to the bucket's existing rules");
	answer(&e.ans[DQ_LIFECYCLE], 200, S3_OK, NULL,
	       "<LifecycleConfiguration" XMLNS "><Rule><ID>all</ID>"
	       "<Filter><Prefix></Prefix></Filter><Status>Enabled"
	       "</Status><NoncurrentVersionExpiration><NoncurrentDays>30"
	       "</NoncurrentDays></NoncurrentVersionExpiration></Rule>"
	       "</LifecycleConfiguration>");
	run(&e);
	expect(&e, "versioning", DOCTOR_OK, "expires noncurrent versions",
	       NULL);
	/* an expiry of the vendor's objects within days */
	answer(&e.ans[DQ_LIFECYCLE], 200, S3_OK, NULL,
	       "<LifecycleConfiguration" XMLNS "><Rule><ID>tmp</ID>"
	       "<Filter><Prefix>exports/tmp/</Prefix></Filter><Status>Enabled"
	       "</Status><Expiration><Days>1</Days></Expiration></Rule>"
	       "</LifecycleConfiguration>");
	run(&e);
	expect(&e, "versioning", DOCTOR_WARNING, "after 1 day", NULL);
	/* read mode: lock and versioning do not matter, the payer does */
	e.rq.mode = "read";
	not_found(&e.ans[DQ_LIFECYCLE], "NoSuchLifecycleConfiguration");
	run(&e);
	expect(&e, "object-lock", DOCTOR_OK, "reads are not affected", NULL);
	expect(&e, "requester-pays", DOCTOR_ERROR, NULL, NULL);
	expect(&e, "versioning", DOCTOR_OK, NULL, NULL);
	release_env(&e);
}

/* The policy item is verify's evaluation of the fetched policy. */
static void test_policy_and_reports(void **state)
{
	struct env e;
	struct buf text = BUF_INIT;
	json_t *doc;
	char *json;

	(void)state;
	setup_env(&e, "read");
	answer(&e.ans[DQ_POLICY], 200, S3_OK, NULL,
	       "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"R\","
	       "\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" VENDOR "\"},"
	       "\"Action\":[\"s3:ListBucket\",\"s3:GetBucketLocation\"],"
	       "\"Resource\":\"arn:aws:s3:::my-data\"},{\"Sid\":\"O\","
	       "\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" VENDOR "\"},"
	       "\"Action\":\"s3:GetObject\",\"Resource\":"
	       "\"arn:aws:s3:::my-data/*\"}]}");
	run(&e);
	expect(&e, "bucket-policy", DOCTOR_OK, "3 of 3 grants", NULL);
	assert_int_equal(doctor_worst(&e.rep), DOCTOR_OK);
	/* a Deny outside the customer's VPC endpoint: named */
	answer(&e.ans[DQ_POLICY], 200, S3_OK, NULL,
	       "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"R\","
	       "\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" VENDOR "\"},"
	       "\"Action\":[\"s3:ListBucket\",\"s3:GetBucketLocation\"],"
	       "\"Resource\":\"arn:aws:s3:::my-data\"},{\"Sid\":\"O\","
	       "\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" VENDOR "\"},"
	       "\"Action\":\"s3:GetObject\",\"Resource\":"
	       "\"arn:aws:s3:::my-data/*\"},{\"Sid\":\"Vpce\",\"Effect\":"
	       "\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:*\","
	       "\"Resource\":[\"arn:aws:s3:::my-data\","
	       "\"arn:aws:s3:::my-data/*\"],\"Condition\":{\"StringNotEquals\":"
	       "{\"aws:SourceVpce\":\"vpce-1a2b3c4d\"}}}]}");
	run(&e);
	expect(&e, "bucket-policy", DOCTOR_ERROR, "depend on aws:SourceVpce",
	       NULL);
	/* a server byte in a message: escaped on the terminal, \xNN in JSON */
	answer(&e.ans[DQ_REQUEST_PAYMENT], 200, S3_OK, NULL,
	       "<\x1b[2JX\xff/>");
	run(&e);
	doctor_report_text(&e.rep, &text);
	assert_null(strchr(text.data, '\x1b'));
	assert_non_null(strstr(text.data, "requester-pays  unknown  "));
	assert_non_null(strstr(text.data, "\nbucket-policy   error    "));
	json = doctor_report_json(&e.rep);
	assert_non_null(json);
	doc = json_loads(json, 0, NULL);
	assert_non_null(doc);
	assert_string_equal(json_string_value(json_object_get(doc, "region")),
			    "eu-west-1");
	assert_int_equal(json_array_size(json_object_get(doc, "items")),
			 DOCTOR_NITEMS);
	assert_string_equal(json_string_value(json_object_get(
		json_object_get(doc, "policy"), "mode")), "read");
	assert_true(json_is_null(json_object_get(json_array_get(
		json_object_get(doc, "items"), 0), "fix")));
	json_decref(doc);
	free(json);
	buf_release(&text);
	release_env(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clean_bucket),
		cmocka_unit_test(test_encryption),
		cmocka_unit_test(test_not_a_document),
		cmocka_unit_test(test_permission_unknown),
		cmocka_unit_test(test_ownership),
		cmocka_unit_test(test_lock_payer_versioning),
		cmocka_unit_test(test_policy_and_reports),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
