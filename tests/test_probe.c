/* Unit tests: probe.c (the probe plan and its verdicts) and report.c (table,
 * JSON, remediation), offline: every S3 answer is a recorded response given
 * through the S3 layer's transport seam (struct s3_transport).  Each test
 * says which AWS behaviour its recorded answers stand for. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "buf.h"
#include "creds.h"
#include "http.h"
#include "probe.h"
#include "report.h"
#include "s3.h"

#define EP "http://127.0.0.1:9"
#define B "bkt"
#define TOKEN "t0k"

/* One recorded answer: the first rule whose method matches and whose
 * `has` is in the URL (and `lacks` is not) answers. */
/* Most rules leave `times` out (0: every match). */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

struct rule {
	const char *method;
	const char *has;
	const char *lacks;
	long status;              /* 0: a network failure */
	const char *headers;      /* "Name: value\n" lines */
	const char *body;
	int times;                /* 0: every match; N: the first N only */
};

#define ERR(code, msg) "<?xml version=\"1.0\"?><Error><Code>" code \
	"</Code><Message>" msg "</Message><RequestId>rid-" code \
	"</RequestId></Error>"

static const char list_body[] =
	"<?xml version=\"1.0\"?><ListBucketResult>"
	"<Name>bkt</Name><KeyCount>3</KeyCount><IsTruncated>false</IsTruncated>"
	"<Contents><Key>.s3perm-probe/old-object</Key><Size>40</Size></Contents>"
	"<Contents><Key>events/</Key><Size>0</Size></Contents>"
	"<Contents><Key>events/a.parquet</Key><Size>10</Size></Contents>"
	"</ListBucketResult>";

static const char empty_list_body[] =
	"<?xml version=\"1.0\"?><ListBucketResult><Name>bkt</Name>"
	"<KeyCount>0</KeyCount><IsTruncated>false</IsTruncated>"
	"</ListBucketResult>";

static const char uploads_body[] =
	"<?xml version=\"1.0\"?><ListMultipartUploadsResult><Bucket>bkt</Bucket>"
	"<IsTruncated>false</IsTruncated>"
	"<Upload><Key>events/b.parquet</Key><UploadId>UP1</UploadId>"
	"<Initiator><ID>arn:aws:iam::111122223333:user/loader</ID></Initiator>"
	"</Upload></ListMultipartUploadsResult>";

static const char empty_uploads_body[] =
	"<?xml version=\"1.0\"?><ListMultipartUploadsResult><Bucket>bkt</Bucket>"
	"<IsTruncated>false</IsTruncated></ListMultipartUploadsResult>";

/* An export-policy bucket on AWS where everything is granted and
 * versioning is off. */
static const struct rule base_rules[] = {
	{ "HEAD", "/bkt", NULL, 200, "x-amz-bucket-region: us-east-1\n", "" },
	{ "GET", "location", NULL, 200, "",
	  "<?xml version=\"1.0\"?><LocationConstraint/>" },
	/* earlier checks' probe objects: none */
	{ "GET", ".s3perm-probe%2F", "uploadId", 200, "", empty_list_body },
	{ "GET", "list-type=2", NULL, 200, "", list_body },
	{ "GET", "uploads", NULL, 200, "", uploads_body },
	{ "PUT", "-digest", NULL, 400, "", ERR("BadDigest", "bad") },
	{ "DELETE", "-version?versionId=null", NULL, 204, "", "" },
	{ "DELETE", "uploadId=s3perm-made-up", NULL, 404, "",
	  ERR("NoSuchUpload", "") },
	{ "GET", "/bkt/events/a.parquet", NULL, 206,
	  "Content-Range: bytes 0-0/10\n", "P" },
	{ "GET", "uploadId=UP1", NULL, 200, "",
	  "<?xml version=\"1.0\"?><ListPartsResult><Bucket>bkt</Bucket>"
	  "<IsTruncated>false</IsTruncated></ListPartsResult>" },
	{ "DELETE", "-delete", "versionId", 204, "", "" },
	{ "PUT", "-object", NULL, 200, "ETag: \"x\"\n", "" },
	{ "DELETE", "-object?versionId=null", NULL, 204, "", "" },
};

struct fake {
	const struct rule *over;     /* checked first */
	size_t nover;
	struct buf log;              /* "METHOD url\n" per exchange */
	struct buf hosts;            /* full URLs */
	int unmatched;
	int used[32];                /* matches per over rule */
	struct buf cond;             /* "METHOD path\n" of requests sent
					with If-Match */
};

static const struct rule *find_rule(const struct rule *r, size_t n,
				    const char *method, const char *url)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(r[i].method, method) && strstr(url, r[i].has) &&
		    !(r[i].lacks && strstr(url, r[i].lacks)))
			return &r[i];
	return NULL;
}

static int fake_perform(void *ctx, struct http_exchange *ex, size_t n,
			struct s3p_error *err)
{
	struct fake *f = ctx;

	(void)err;
	for (size_t i = 0; i < n; i++) {
		const struct rule *r = NULL;
		char line[512];

		for (size_t k = 0; k < f->nover && k < 32 && !r; k++) {
			const struct rule *o = &f->over[k];

			if (o->times && f->used[k] >= o->times)
				continue;
			if (find_rule(o, 1, ex[i].method, ex[i].url)) {
				r = o;
				f->used[k]++;
			}
		}

		if (!r)
			r = find_rule(base_rules, sizeof(base_rules) /
				      sizeof(*base_rules), ex[i].method,
				      ex[i].url);
		{
			/* "METHOD /path?query" (the host left out). */
			const char *path = strstr(ex[i].url, "://");

			path = path ? strchr(path + 3, '/') : NULL;
			buf_printf(&f->log, "%s %s\n", ex[i].method,
				   path ? path : ex[i].url);
			for (size_t h = 0; h < ex[i].header_count; h++)
				if (!strncasecmp(ex[i].headers[h],
						 "If-Match: *", 11))
					buf_printf(&f->cond, "%s %s\n",
						   ex[i].method,
						   path ? path : ex[i].url);
			buf_printf(&f->hosts, "%s\n", ex[i].url);
		}
		http_exchange_release(&ex[i]);
		if (!r) {
			f->unmatched++;
			ex[i].status = 501;
			ex[i].result = HTTP_OK;
			continue;
		}
		if (!r->status) {
			/* sent, answer lost: not known whether S3 acted */
			ex[i].result = HTTP_E_RESET;
			snprintf(ex[i].error, sizeof(ex[i].error),
				 "connection reset");
			continue;
		}
		ex[i].result = HTTP_OK;
		ex[i].status = r->status;
		http_exchange_add_header(&ex[i], "x-amz-request-id", "req-1");
		for (const char *h = r->headers; h && *h;) {
			const char *nl = strchr(h, '\n');
			size_t len = nl ? (size_t)(nl - h) : strlen(h);
			const char *colon;

			snprintf(line, sizeof(line), "%.*s", (int)len, h);
			colon = strchr(line, ':');
			if (colon) {
				line[colon - line] = 0;
				http_exchange_add_header(&ex[i], line,
							 colon + 2);
			}
			h += len + (nl ? 1 : 0);
		}
		buf_append(&ex[i].resp_body, r->body, strlen(r->body));
	}
	return 0;
}

static void no_sleep(void *ctx, unsigned ms)
{
	(void)ctx;
	(void)ms;
}

struct env {
	struct fake fake;
	struct s3_transport tr;
	struct s3_client *c;
	struct probe_params pp;
	struct probe_report rep;
	struct s3p_error err;
	int rc;
	int aws;                     /* AWS endpoints instead of EP */
};

static volatile sig_atomic_t stop_now;

/* Run a check with the base answers, overridden by `over`. */
static void run(struct env *e, const char *mode, const struct rule *over,
		size_t nover)
{
	struct creds cr;
	struct s3_config cfg = S3_CONFIG_INIT;

	memset(&cr, 0, sizeof(cr));
	cr.access_key_id = "AKIDEXAMPLE";
	cr.secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
	e->fake.over = over;
	e->fake.nover = nover;
	e->tr.ctx = &e->fake;
	e->tr.perform = fake_perform;
	cfg.endpoint = e->aws ? NULL : EP;
	cfg.region = "us-east-1";
	cfg.transport = &e->tr;
	cfg.sleep_ms = no_sleep;
	cfg.max_attempts = 2;
	assert_int_equal(s3_client_new(&cfg, &cr, &e->c, &e->err), 0);
	if (!e->pp.bucket)
		e->pp.bucket = B;
	e->pp.mode = mode;
	e->pp.token = TOKEN;
	e->pp.stop = &stop_now;
	e->pp.endpoint = EP;
	e->rc = probe_run(e->c, &e->pp, &e->rep, &e->err);
	assert_int_equal(e->fake.unmatched, 0);
}

static void done(struct env *e)
{
	probe_report_release(&e->rep);
	s3_client_free(e->c);
	buf_release(&e->fake.log);
	buf_release(&e->fake.hosts);
	buf_release(&e->fake.cond);
}

static const struct probe_result *res(const struct env *e, const char *a)
{
	for (size_t i = 0; i < e->rep.nresults; i++)
		if (!strcmp(e->rep.results[i].action, a))
			return &e->rep.results[i];
	fail_msg("no result for %s", a);
	return NULL;
}

static int sent(const struct env *e, const char *line_part)
{
	return strstr(buf_str(&e->fake.log), line_part) != NULL;
}

static int count_method(const struct env *e, const char *method)
{
	int n = 0;
	size_t len = strlen(method);

	for (const char *p = buf_str(&e->fake.log); *p;) {
		if (!strncmp(p, method, len) && p[len] == ' ')
			n++;
		p = strchr(p, '\n');
		p = p ? p + 1 : "";
	}
	return n;
}

#define STATUS(e, a) (res(e, a)->status)

/* AWS, export policy fully granted, unversioned bucket: every grant
 * granted; PutObject rests on the real write, removed by versionId=null;
 * three rounds after the region. */
static void test_export_all_granted(void **state)
{
	struct env e;

	(void)state;
	memset(&e, 0, sizeof(e));
	run(&e, "export", NULL, 0);
	assert_int_equal(e.rc, 0);
	assert_int_equal(e.rep.nresults, 9);
	for (size_t i = 0; i < e.rep.nresults; i++)
		assert_int_equal(e.rep.results[i].status, PROBE_GRANTED);
	assert_int_equal(res(&e, "s3:PutObject")->basis,
			 PROBE_BASIS_REAL_WRITE);
	assert_int_equal(res(&e, "s3:DeleteObjectVersion")->basis,
			 PROBE_BASIS_NO_WRITE);
	assert_int_equal(res(&e, "s3:GetObject")->basis, PROBE_BASIS_READ);
	/* The probe's own old object is never read: the customer's is. */
	assert_true(sent(&e, "GET /bkt/events/a.parquet"));
	assert_false(sent(&e, "GET /bkt/.s3perm-probe/old-object"));
	assert_true(sent(&e, "DELETE /bkt/.s3perm-probe/t0k-object?versionId=null"));
	assert_int_equal(e.rep.nleft, 0);
	assert_int_equal(e.rep.rounds, 3);
	assert_int_equal(e.rep.wrote, 1);
	assert_string_equal(e.rep.region, "us-east-1");
	done(&e);
}

/* AWS, versioned bucket: a DELETE of a missing key answers
 * x-amz-delete-marker: true with the marker's version id, and a PUT
 * answers x-amz-version-id.  Both are removed by version id. */
static void test_versioned_bucket_cleanup(void **state)
{
	static const struct rule over[] = {
		{ "DELETE", "-delete", "versionId", 204,
		  "x-amz-delete-marker: true\nx-amz-version-id: DM1\n", "" },
		{ "PUT", "-object", NULL, 200, "x-amz-version-id: V1\n", "" },
		{ "DELETE", "-delete?versionId=DM1", NULL, 204,
		  "x-amz-delete-marker: true\n", "" },
		{ "DELETE", "-object?versionId=V1", NULL, 204, "", "" },
	};
	struct env e;

	(void)state;
	memset(&e, 0, sizeof(e));
	run(&e, "export", over, 4);
	assert_int_equal(e.rc, 0);
	assert_int_equal(e.rep.versioned, 1);
	assert_true(sent(&e, "DELETE /bkt/.s3perm-probe/t0k-delete?versionId=DM1"));
	assert_true(sent(&e, "DELETE /bkt/.s3perm-probe/t0k-object?versionId=V1"));
	assert_int_equal(e.rep.nleft, 0);
	assert_int_equal(STATUS(&e, "s3:DeleteObject"), PROBE_GRANTED);
	assert_non_null(strstr(res(&e, "s3:DeleteObject")->evidence,
			       "the delete marker was removed by version id "
			       "DM1"));
	assert_non_null(strstr(res(&e, "s3:PutObject")->evidence,
			       "the probe object was removed by version id "
			       "V1"));
	done(&e);
}

/* AWS, s3:DeleteObjectVersion missing: the DELETE that could leave a
 * delete marker is not sent, nor the real write (neither could be
 * removed): DeleteObject is unknown, PutObject granted on the no-write
 * probe alone. */
static void test_no_version_delete_no_marker(void **state)
{
	static const struct rule over[] = {
		{ "DELETE", "-version?versionId=null", NULL, 403, "",
		  ERR("AccessDenied", "Access Denied") },
	};
	struct env e;

	(void)state;
	memset(&e, 0, sizeof(e));
	run(&e, "export", over, 1);
	assert_int_equal(e.rc, 0);
	assert_int_equal(STATUS(&e, "s3:DeleteObjectVersion"), PROBE_MISSING);
	assert_int_equal(STATUS(&e, "s3:DeleteObject"), PROBE_UNKNOWN);
	assert_non_null(strstr(res(&e, "s3:DeleteObject")->detail,
			       "s3:DeleteObjectVersion"));
	assert_int_equal(STATUS(&e, "s3:PutObject"), PROBE_GRANTED);
	assert_int_equal(res(&e, "s3:PutObject")->basis, PROBE_BASIS_NO_WRITE);
	assert_false(sent(&e, "-delete"));
	assert_false(sent(&e, "PUT /bkt/.s3perm-probe/t0k-object"));
	assert_int_equal(e.rep.wrote, 0);
	assert_int_equal(e.rep.nleft, 0);
	done(&e);
}

/* --no-write: nothing that could store anything is sent (only the
 * wrong-digest PUT and the version DELETE / abort of things that do not
 * exist, and the conditional DELETE of a missing key). */
static void test_no_write(void **state)
{
	struct env e;

	(void)state;
	memset(&e, 0, sizeof(e));
	e.pp.no_write = 1;
	run(&e, "export", NULL, 0);
	assert_int_equal(e.rc, 0);
	assert_int_equal(count_method(&e, "PUT"), 1);
	assert_true(sent(&e, "PUT /bkt/.s3perm-probe/t0k-digest"));
	assert_int_equal(count_method(&e, "POST"), 0);
	assert_non_null(strstr(buf_str(&e.fake.cond),
			       "DELETE /bkt/.s3perm-probe/t0k-delete\n"));
	assert_int_equal(STATUS(&e, "s3:DeleteObject"), PROBE_GRANTED);
	assert_int_equal(e.rep.wrote, 0);
	assert_int_equal(e.rep.rounds, 2);
	done(&e);
}

/* Read mode sends only reads (GET/HEAD). */
static void test_read_mode_reads_only(void **state)
{
	struct env e;

	(void)state;
	memset(&e, 0, sizeof(e));
	run(&e, "read", NULL, 0);
	assert_int_equal(e.rc, 0);
	assert_int_equal(e.rep.nresults, 3);
	assert_int_equal(count_method(&e, "PUT"), 0);
	assert_int_equal(count_method(&e, "DELETE"), 0);
	assert_int_equal(count_method(&e, "POST"), 0);
	for (size_t i = 0; i < e.rep.nresults; i++)
		assert_int_equal(e.rep.results[i].status, PROBE_GRANTED);
	done(&e);
}

/* AWS's 403-vs-404 rule: without s3:ListBucket a GET of any key answers
 * 403, so a 403 on the --object key is not proof that s3:GetObject is
 * missing (unknown); with s3:ListBucket the same 403 is. */
static void test_403_vs_404(void **state)
{
	static const struct rule no_list[] = {
		{ "GET", "list-type=2", NULL, 403, "",
		  ERR("AccessDenied", "Access Denied") },
		{ "GET", "/bkt/events/x.parquet", NULL, 403, "",
		  ERR("AccessDenied", "Access Denied") },
	};
	struct env e;

	(void)state;
	memset(&e, 0, sizeof(e));
	e.pp.object = "events/x.parquet";
	run(&e, "read", no_list, 2);
	assert_int_equal(STATUS(&e, "s3:ListBucket"), PROBE_MISSING);
	assert_int_equal(STATUS(&e, "s3:GetObject"), PROBE_UNKNOWN);
	assert_non_null(strstr(res(&e, "s3:GetObject")->detail, "403"));
	done(&e);

	memset(&e, 0, sizeof(e));
	e.pp.object = "events/x.parquet";
	run(&e, "read", no_list + 1, 1);
	assert_int_equal(STATUS(&e, "s3:ListBucket"), PROBE_GRANTED);
	assert_int_equal(STATUS(&e, "s3:GetObject"), PROBE_MISSING);
	/* Named object: read in round 1, two rounds in all. */
	assert_int_equal(e.rep.rounds, 1);
	done(&e);
}

/* An empty bucket: no customer object nor upload to prove GetObject and
 * ListMultipartUploadParts on: unknown, never granted on the probe's own. */
static void test_empty_bucket(void **state)
{
	static const struct rule over[] = {
		{ "GET", "list-type=2", NULL, 200, "", empty_list_body },
		{ "GET", "uploads", NULL, 200, "", empty_uploads_body },
	};
	struct env e;

	(void)state;
	memset(&e, 0, sizeof(e));
	run(&e, "export", over, 2);
	assert_int_equal(e.rc, 0);
	assert_int_equal(STATUS(&e, "s3:GetObject"), PROBE_UNKNOWN);
	assert_int_equal(STATUS(&e, "s3:ListMultipartUploadParts"),
			 PROBE_UNKNOWN);
	assert_non_null(strstr(res(&e, "s3:GetObject")->detail, "--object"));
	assert_non_null(strstr(res(&e, "s3:ListMultipartUploadParts")->detail,
			       "initiator"));
	assert_non_null(strstr(res(&e, "s3:GetObject")->detail,
			       "no customer object in the bucket to read"));
	assert_non_null(strstr(res(&e, "s3:ListMultipartUploadParts")->detail,
			       "in progress in the bucket,"));
	done(&e);
}

/* AWS SSE-KMS: a GET on an object encrypted with a key whose policy lacks
 * kms:Decrypt for the caller answers 403 AccessDenied naming the key
 * (same-account message); the grant is reported unknown with the key, and
 * the key is listed with the key-policy statement. */
static void test_kms_denied(void **state)
{
	static const struct rule over[] = {
		{ "GET", "/bkt/events/a.parquet", NULL, 403, "",
		  ERR("AccessDenied", "User: arn:aws:iam::999689269917:user/"
		      "statsig-abc is not authorized to perform: kms:Decrypt on "
		      "resource: arn:aws:kms:us-east-1:111122223333:key/k-1 "
		      "because no resource-based policy allows the kms:Decrypt "
		      "action") },
	};
	struct env e;
	struct report_opts ro;
	struct buf out = BUF_INIT;

	(void)state;
	memset(&e, 0, sizeof(e));
	run(&e, "read", over, 1);
	assert_int_equal(e.rc, 0);
	assert_int_equal(STATUS(&e, "s3:GetObject"), PROBE_UNKNOWN);
	assert_int_equal(e.rep.nkms, 1);
	assert_string_equal(e.rep.kms[0].key_id,
			    "arn:aws:kms:us-east-1:111122223333:key/k-1");
	assert_true(e.rep.kms[0].denied);
	assert_non_null(strstr(res(&e, "s3:GetObject")->detail, "kms:Decrypt"));
	memset(&ro, 0, sizeof(ro));
	ro.user = "statsig-abc";
	assert_int_equal(report_table(&e.rep, &ro, &out, &e.err), 0);
	assert_non_null(strstr(buf_str(&out), "\"kms:Decrypt\""));
	assert_non_null(strstr(buf_str(&out), "StatsigKmsAccess"));
	buf_release(&out);
	done(&e);
}

/* AWS SSE-KMS bucket default encryption: the real write answers
 * x-amz-server-side-encryption: aws:kms with the key id; the export
 * report names the key and kms:GenerateDataKey. */
static void test_kms_seen_on_write(void **state)
{
	static const struct rule over[] = {
		{ "PUT", "-object", NULL, 200,
		  "x-amz-server-side-encryption: aws:kms\n"
		  "x-amz-server-side-encryption-aws-kms-key-id: "
		  "arn:aws:kms:us-east-1:111122223333:key/k-2\n", "" },
	};
	struct env e;
	struct report_opts ro;
	struct buf out = BUF_INIT;

	(void)state;
	memset(&e, 0, sizeof(e));
	run(&e, "export", over, 1);
	assert_int_equal(e.rc, 0);
	assert_int_equal(e.rep.nkms, 1);
	assert_false(e.rep.kms[0].denied);
	memset(&ro, 0, sizeof(ro));
	assert_int_equal(report_table(&e.rep, &ro, &out, &e.err), 0);
	assert_non_null(strstr(buf_str(&out), "kms:GenerateDataKey"));
	assert_non_null(strstr(buf_str(&out), "key/k-2"));
	buf_release(&out);
	done(&e);
}

/* Cleanup denied (e.g. a Deny on s3:DeleteObjectVersion added by a
 * condition the no-write probe did not meet): the report names exactly
 * what was left, with the command that removes it. */
static void test_cleanup_denied(void **state)
{
	static const struct rule over[] = {
		{ "PUT", "-object", NULL, 200, "x-amz-version-id: V9\n", "" },
		{ "DELETE", "-object?versionId=V9", NULL, 403, "",
		  ERR("AccessDenied", "Access Denied") },
	};
	struct env e;
	struct buf out = BUF_INIT;
	struct report_opts ro;
	json_t *doc, *left;

	(void)state;
	memset(&e, 0, sizeof(e));
	run(&e, "export", over, 2);
	assert_int_equal(e.rc, 0);
	assert_int_equal(e.rep.nleft, 1);
	assert_string_equal(e.rep.left[0].key, ".s3perm-probe/t0k-object");
	assert_string_equal(e.rep.left[0].version_id, "V9");
	assert_string_equal(e.rep.left[0].command,
		"aws s3api delete-object --bucket 'bkt' --key "
		"'.s3perm-probe/t0k-object' --version-id 'V9' "
		"--endpoint-url '" EP "'");
	memset(&ro, 0, sizeof(ro));
	assert_int_equal(report_json(&e.rep, &ro, &out, &e.err), 0);
	doc = json_loads(buf_str(&out), 0, NULL);
	assert_non_null(doc);
	left = json_object_get(doc, "left_behind");
	assert_int_equal(json_array_size(left), 1);
	assert_string_equal(json_string_value(json_object_get(
		json_array_get(left, 0), "version_id")), "V9");
	json_decref(doc);
	/* Nothing claims the object was removed. */
	assert_null(strstr(res(&e, "s3:PutObject")->evidence, "removed by"));
	assert_non_null(strstr(res(&e, "s3:PutObject")->evidence,
			       "could not be removed"));
	buf_release(&out);
	e.rep.versioned = 1;
	assert_int_equal(report_table(&e.rep, &ro, &out, &e.err), 0);
	assert_null(strstr(buf_str(&out), "written and removed"));
	assert_null(strstr(buf_str(&out), "was removed by version id"));
	assert_non_null(strstr(buf_str(&out), "one probe object written, "
			       "not removed"));
	buf_release(&out);
	done(&e);
}

/* Classes that are not permission gaps stop the check (exit 3), never
 * "missing": authentication, no such bucket, throttling and server errors
 * that outlast the retries, network failures, a bucket or account S3 has
 * switched off (AllAccessDisabled, AccountProblem). */
static void test_exit3_classes(void **state)
{
	static const struct rule cases[][1] = {
		{ { "GET", "list-type=2", NULL, 403, "",
		    ERR("SignatureDoesNotMatch", "") } },
		{ { "GET", "list-type=2", NULL, 403, "",
		    ERR("InvalidAccessKeyId", "") } },
		{ { "GET", "list-type=2", NULL, 404, "",
		    ERR("NoSuchBucket", "") } },
		{ { "GET", "list-type=2", NULL, 503, "",
		    ERR("SlowDown", "") } },
		{ { "GET", "list-type=2", NULL, 500, "",
		    ERR("InternalError", "") } },
		{ { "GET", "list-type=2", NULL, 0, "", "" } },
		{ { "GET", "list-type=2", NULL, 403, "",
		    ERR("RequestTimeTooSkewed", "") } },
		{ { "GET", "list-type=2", NULL, 200, "", "<ListBucketResult>" } },
		{ { "GET", "list-type=2", NULL, 403, "",
		    ERR("AllAccessDisabled", "All access to this object has "
			"been disabled") } },
		{ { "GET", "list-type=2", NULL, 403, "",
		    ERR("AccountProblem", "There is a problem with your AWS "
			"account") } },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct env e;

		memset(&e, 0, sizeof(e));
		run(&e, "export", cases[i], 1);
		assert_int_equal(e.rc, -1);
		assert_int_equal(e.err.kind, S3P_E_S3);
		/* NoSuchBucket: the one phrasing every command uses */
		assert_true(strstr(e.err.msg, "cannot check bucket 'bkt'") ||
			    strstr(e.err.msg, "no such bucket 'bkt'"));
		assert_int_equal(e.rep.nleft, 0);
		done(&e);
	}
}

/* A failure after the real write (GET answers 500 every time): the check
 * stops with exit 3, and the probe object is still removed. */
static void test_cleanup_after_failure(void **state)
{
	static const struct rule over[] = {
		{ "GET", "/bkt/events/a.parquet", NULL, 500, "",
		  ERR("InternalError", "") },
	};
	struct env e;

	(void)state;
	memset(&e, 0, sizeof(e));
	run(&e, "export", over, 1);
	assert_int_equal(e.rc, -1);
	assert_int_equal(e.err.kind, S3P_E_S3);
	assert_true(sent(&e, "PUT /bkt/.s3perm-probe/t0k-object"));
	assert_true(sent(&e, "DELETE /bkt/.s3perm-probe/t0k-object?versionId=null"));
	assert_int_equal(e.rep.nleft, 0);
	done(&e);
}

/* A server that ignores Content-MD5 stores the wrong-digest PUT (200, a
 * version id) in a round that also fails (the listing answers 500 every
 * time): the check stops with exit 3 and the stored object is still
 * removed by its version id. */
static void test_digest_ignored_then_failure(void **state)
{
	static const struct rule over[] = {
		{ "PUT", "-digest", NULL, 200, "x-amz-version-id: V3\n", "" },
		{ "GET", "list-type=2", NULL, 500, "",
		  ERR("InternalError", "") },
		{ "DELETE", "-digest?versionId=V3", NULL, 204, "", "" },
	};
	struct env e;

	(void)state;
	memset(&e, 0, sizeof(e));
	run(&e, "export", over, 3);
	assert_int_equal(e.rc, -1);
	assert_int_equal(e.err.kind, S3P_E_S3);
	assert_true(sent(&e, "DELETE /bkt/.s3perm-probe/t0k-digest?versionId=V3"));
	assert_int_equal(e.rep.nleft, 0);
	done(&e);
}

/* The real write's answer is lost (connection reset after sending): the
 * key is looked up with HEAD and removed by the version it has. */
static void test_lost_answer_lookup(void **state)
{
	static const struct rule over[] = {
		{ "PUT", "-object", NULL, 0, "", "" },
		{ "HEAD", "-object", NULL, 200, "x-amz-version-id: V5\n", "" },
		{ "DELETE", "-object?versionId=V5", NULL, 204, "", "" },
	};
	struct env e;

	(void)state;
	memset(&e, 0, sizeof(e));
	run(&e, "export", over, 3);
	assert_int_equal(e.rc, -1);
	assert_true(sent(&e, "HEAD /bkt/.s3perm-probe/t0k-object"));
	assert_true(sent(&e, "DELETE /bkt/.s3perm-probe/t0k-object?versionId=V5"));
	assert_int_equal(e.rep.nleft, 0);
	done(&e);
}

/* The DELETE of a missing key on a versioned bucket loses its answer
 * (connection reset): it is not retried (a retry would add a second delete
 * marker); HEAD finds the marker (404, x-amz-delete-marker, its version
 * id) and it is removed by that version id. */
static void test_lost_delete_marker_lookup(void **state)
{
	static const struct rule over[] = {
		{ "DELETE", "-delete", "versionId", 0, "", "" },
		{ "HEAD", "-delete", NULL, 404,
		  "x-amz-delete-marker: true\nx-amz-version-id: DM7\n", "" },
		{ "DELETE", "-delete?versionId=DM7", NULL, 204, "", "" },
	};
	struct env e;
	int deletes = 0;

	(void)state;
	memset(&e, 0, sizeof(e));
	run(&e, "export", over, 3);
	assert_int_equal(e.rc, -1);
	for (const char *p = buf_str(&e.fake.log); (p = strstr(p,
	     "DELETE /bkt/.s3perm-probe/t0k-delete\n")); p++)
		deletes++;
	assert_int_equal(deletes, 1);
	assert_true(sent(&e, "DELETE /bkt/.s3perm-probe/t0k-delete?versionId=DM7"));
	assert_int_equal(e.rep.nleft, 0);
	done(&e);
}

/* AWS archived objects (GLACIER) answer GetObject with 403
 * InvalidObjectState: a readable object is preferred when listing. */
static void test_prefers_readable_object(void **state)
{
	static const struct rule over[] = {
		{ "GET", "list-type=2", NULL, 200, "",
		  "<?xml version=\"1.0\"?><ListBucketResult><Name>bkt</Name>"
		  "<IsTruncated>false</IsTruncated>"
		  "<Contents><Key>events/old.parquet</Key><Size>99</Size>"
		  "<StorageClass>GLACIER</StorageClass></Contents>"
		  "<Contents><Key>events/a.parquet</Key><Size>10</Size>"
		  "<StorageClass>STANDARD</StorageClass></Contents>"
		  "</ListBucketResult>" },
	};
	struct env e;

	(void)state;
	memset(&e, 0, sizeof(e));
	run(&e, "read", over, 1);
	assert_int_equal(e.rc, 0);
	assert_false(sent(&e, "GET /bkt/events/old.parquet"));
	assert_int_equal(STATUS(&e, "s3:GetObject"), PROBE_GRANTED);
	done(&e);
}

/* Interrupted (SIGINT before probing): nothing sent after the region,
 * nothing left, an error saying so. */
static void test_interrupted(void **state)
{
	struct env e;

	(void)state;
	memset(&e, 0, sizeof(e));
	stop_now = 1;
	run(&e, "export", NULL, 0);
	stop_now = 0;
	assert_int_equal(e.rc, -1);
	assert_true(e.rep.interrupted);
	assert_non_null(strstr(e.err.msg, "interrupted"));
	assert_int_equal(count_method(&e, "PUT"), 0);
	done(&e);
}

/* The vendor doc's export policy on AWS: ListMultipartUploads on the object ARN
 * grants nothing, so it answers 403 (same-account message with the
 * reason); the remediation holds exactly that action, under the
 * template's Sid, and ListParts stays unknown (no upload could be
 * listed). JSON has exactly the documented keys. */
static void test_one_missing_json_and_remediation(void **state)
{
	static const struct rule over[] = {
		{ "GET", "uploads", NULL, 403, "",
		  ERR("AccessDenied", "User: arn:aws:iam::999689269917:user/"
		      "statsig-abc is not authorized to perform: "
		      "s3:ListBucketMultipartUploads on resource: "
		      "\"arn:aws:s3:::bkt\" because no resource-based policy "
		      "allows the s3:ListBucketMultipartUploads action") },
	};
	static const char *const keys[] = { "bucket", "region", "mode",
		"principal", "summary", "results", "missing", "left_behind",
		"findings", "probe_scope", "remediation" };
	static const char *const rkeys[] = { "action", "resource", "status",
		"http_status", "code", "request_id", "evidence", "detail",
		"no_data", "evidence_basis" };
	struct env e;
	struct buf out = BUF_INIT;
	struct report_opts ro;
	json_t *doc, *st, *r0;
	const char *k;
	json_t *v;
	size_t i = 0;

	(void)state;
	memset(&e, 0, sizeof(e));
	run(&e, "export", over, 1);
	assert_int_equal(e.rc, 0);
	assert_int_equal(STATUS(&e, "s3:ListBucketMultipartUploads"),
			 PROBE_MISSING);
	assert_non_null(res(&e, "s3:ListBucketMultipartUploads")->reason);
	assert_string_equal(e.rep.principal_hint,
			    "arn:aws:iam::999689269917:user/statsig-abc");
	assert_int_equal(STATUS(&e, "s3:ListMultipartUploadParts"),
			 PROBE_UNKNOWN);
	memset(&ro, 0, sizeof(ro));
	assert_int_equal(report_json(&e.rep, &ro, &out, &e.err), 0);
	doc = json_loads(buf_str(&out), JSON_PRESERVE_ORDER, NULL);
	assert_non_null(doc);
	assert_int_equal(json_object_size(doc), 11);
	json_object_foreach(doc, k, v)
		assert_string_equal(k, keys[i++]);
	r0 = json_array_get(json_object_get(doc, "results"), 0);
	i = 0;
	json_object_foreach(r0, k, v)
		assert_string_equal(k, rkeys[i++]);
	assert_int_equal(json_array_size(json_object_get(doc, "missing")), 1);
	assert_string_equal(json_string_value(json_array_get(
		json_object_get(doc, "missing"), 0)),
		"s3:ListBucketMultipartUploads");
	/* who, learnt how; counts; what each verdict rests on */
	assert_string_equal(json_string_value(json_object_get(json_object_get(
		doc, "principal"), "arn")),
		"arn:aws:iam::999689269917:user/statsig-abc");
	assert_string_equal(json_string_value(json_object_get(json_object_get(
		doc, "principal"), "source")), "access-denied-message");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(
		doc, "summary"), "missing")), 1);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(
		doc, "summary"), "unknown")), 1);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(
		doc, "summary"), "granted")), 7);
	assert_string_equal(json_string_value(json_object_get(r0,
		"evidence_basis")), "read");
	st = json_object_get(json_object_get(doc, "remediation"), "Statement");
	assert_int_equal(json_array_size(st), 1);
	st = json_array_get(st, 0);
	assert_string_equal(json_string_value(json_object_get(st, "Sid")),
			    "StatsigExportBucket");
	assert_int_equal(json_array_size(json_object_get(st, "Action")), 1);
	assert_string_equal(json_string_value(json_object_get(st, "Resource")),
			    "arn:aws:s3:::bkt");
	assert_string_equal(json_string_value(json_object_get(json_object_get(
		st, "Principal"), "AWS")),
		"arn:aws:iam::999689269917:user/statsig-abc");
	json_decref(doc);
	buf_reset(&out);
	assert_int_equal(report_table(&e.rep, &ro, &out, &e.err), 0);
	assert_non_null(strstr(buf_str(&out), "--merge current.json"));
	assert_null(strstr(buf_str(&out), "\033["));
	/* On a terminal (the command decides, honouring NO_COLOR): the
	 * missing row in red. */
	buf_reset(&out);
	ro.color = 1;
	assert_int_equal(report_table(&e.rep, &ro, &out, &e.err), 0);
	assert_non_null(strstr(buf_str(&out), "\033[31mmissing"));
	buf_release(&out);
	done(&e);
}

/* Nothing missing: remediation null, no merge command. */
static void test_no_remediation_when_all_granted(void **state)
{
	struct env e;
	struct buf out = BUF_INIT;
	struct report_opts ro;
	json_t *doc;

	(void)state;
	memset(&e, 0, sizeof(e));
	run(&e, "read", NULL, 0);
	memset(&ro, 0, sizeof(ro));
	assert_int_equal(report_json(&e.rep, &ro, &out, &e.err), 0);
	doc = json_loads(buf_str(&out), 0, NULL);
	assert_true(json_is_null(json_object_get(doc, "remediation")));
	assert_int_equal(json_array_size(json_object_get(doc, "missing")), 0);
	json_decref(doc);
	buf_release(&out);
	done(&e);
}

/* An explicit deny (same-account message): missing, with the reason. */
static void test_explicit_deny_reason(void **state)
{
	static const struct rule over[] = {
		{ "PUT", "-digest", NULL, 403, "",
		  ERR("AccessDenied", "User: arn:aws:iam::1:user/x is not "
		      "authorized to perform: s3:PutObject on resource: "
		      "\"arn:aws:s3:::bkt/k\" with an explicit deny in a "
		      "resource-based policy") },
	};
	struct env e;

	(void)state;
	memset(&e, 0, sizeof(e));
	run(&e, "export", over, 1);
	assert_int_equal(STATUS(&e, "s3:PutObject"), PROBE_MISSING);
	assert_string_equal(res(&e, "s3:PutObject")->reason,
			    "an explicit deny in a resource-based policy");
	assert_false(sent(&e, "t0k-object"));
	done(&e);
}

/* A prefix scopes every probe key and listing, and the resources. */
static void test_prefix_scoping(void **state)
{
	struct env e;

	(void)state;
	memset(&e, 0, sizeof(e));
	e.pp.prefix = "events/";
	run(&e, "export", NULL, 0);
	assert_true(sent(&e, "prefix=events%2F"));
	assert_true(sent(&e, "PUT /bkt/events/.s3perm-probe/t0k-digest"));
	assert_string_equal(res(&e, "s3:GetObject")->resource,
			    "arn:aws:s3:::bkt/events/*");
	done(&e);
}

/* AWS: HeadBucket names the bucket's region (x-amz-bucket-region,
 * whatever the permissions): one round trip, then every probe is signed for
 * and sent to that region's endpoint (GetBucketLocation is only authorized
 * cross-account in the home region).  Virtual-hosted addressing. */
static void test_aws_region_lookup(void **state)
{
	static const struct rule over[] = {
		{ "HEAD", "/", NULL, 403, "x-amz-bucket-region: eu-west-1\n", "" },
		{ "GET", "/events/a.parquet", NULL, 206, "", "P" },
		{ "GET", "uploadId=UP1", NULL, 200, "",
		  "<?xml version=\"1.0\"?><ListPartsResult><Bucket>bkt</Bucket>"
		  "<IsTruncated>false</IsTruncated></ListPartsResult>" },
	};
	struct env e;

	(void)state;
	memset(&e, 0, sizeof(e));
	e.aws = 1;
	run(&e, "read", over, 3);
	assert_int_equal(e.rc, 0);
	assert_string_equal(e.rep.region, "eu-west-1");
	assert_non_null(strstr(buf_str(&e.fake.hosts),
		"https://bkt.s3.eu-west-1.amazonaws.com/?location"));
	/* Only the HeadBucket went to the configured region. */
	{
		const char *first = strstr(buf_str(&e.fake.hosts), "us-east-1");

		assert_non_null(first);
		assert_null(strstr(first + 1, "us-east-1"));
		assert_true(count_method(&e, "HEAD") == 1);
	}
	assert_string_equal(res(&e, "s3:ListBucket")->resource,
			    "arn:aws:s3:::bkt");
	done(&e);
}

/* The plan: every template action has a rule; rounds 1-2 only. */
static void test_plan_table(void **state)
{
	(void)state;
	assert_non_null(probe_rule_find("s3:ListBucketMultipartUploads"));
	assert_null(probe_rule_find("s3:PutBucketPolicy"));
	for (const struct probe_rule *r = probe_rules; r->action; r++)
		assert_true(r->round == 1 || r->round == 2);
	assert_string_equal(probe_partition_of_region("cn-north-1"), "aws-cn");
	assert_string_equal(probe_partition_of_region("us-gov-west-1"),
			    "aws-us-gov");
	assert_string_equal(probe_partition_of_region("eu-west-1"), "aws");
}


/* Every listing the check sends (ListObjectsV2, ListMultipartUploads) is
 * built by the S3 layer's one builder per operation: encoding-type=url. */
static void test_listings_url_encoded(void **state)
{
	struct env e;
	const char *p;
	int lists = 0;

	(void)state;
	memset(&e, 0, sizeof(e));
	run(&e, "export", NULL, 0);
	assert_int_equal(e.rc, 0);
	for (p = buf_str(&e.fake.log); *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char line[1024];

		snprintf(line, sizeof(line), "%.*s", (int)len, p);
		if (strstr(line, "list-type=2") || strstr(line, "?uploads") ||
		    strstr(line, "&uploads")) {
			lists++;
			assert_non_null(strstr(line, "encoding-type=url"));
		}
		p = nl ? nl + 1 : "";
	}
	/* objects, uploads, and earlier checks' probe objects */
	assert_int_equal(lists, 3);
	done(&e);
}

/* AWS: "503 Slow Down" means the request was not executed: the probe
 * DELETE and the real PUT are retried, not fatal. */
static void test_slowdown_on_writes_retried(void **state)
{
	static const struct rule over[] = {
		{ "DELETE", "-delete", "versionId", 503, "",
		  ERR("SlowDown", "Please reduce your request rate."), 1 },
		{ "PUT", "-object", NULL, 503, "",
		  ERR("SlowDown", "Please reduce your request rate."), 1 },
	};
	struct env e;

	(void)state;
	memset(&e, 0, sizeof(e));
	run(&e, "export", over, 2);
	assert_int_equal(e.rc, 0);
	assert_int_equal(STATUS(&e, "s3:DeleteObject"), PROBE_GRANTED);
	assert_int_equal(STATUS(&e, "s3:PutObject"), PROBE_GRANTED);
	assert_int_equal(res(&e, "s3:PutObject")->basis,
			 PROBE_BASIS_REAL_WRITE);
	assert_int_equal(e.rep.nleft, 0);
	done(&e);
}

/* A 500 on the probe DELETE may have created a delete marker: it is not
 * retried (a second marker), not fatal either; the marker is looked up
 * and removed, and DeleteObject stays unknown. */
static void test_500_on_delete_looked_up(void **state)
{
	static const struct rule over[] = {
		{ "DELETE", "-delete", "versionId", 500, "",
		  ERR("InternalError", "We encountered an internal error."), 0 },
		{ "HEAD", "-delete", NULL, 404,
		  "x-amz-delete-marker: true\nx-amz-version-id: DM9\n", "", 0 },
		{ "DELETE", "-delete?versionId=DM9", NULL, 204, "", "", 0 },
	};
	struct env e;
	int deletes = 0;

	(void)state;
	memset(&e, 0, sizeof(e));
	run(&e, "export", over, 3);
	assert_int_equal(e.rc, 0);
	for (const char *p = buf_str(&e.fake.log); (p = strstr(p,
	     "DELETE /bkt/.s3perm-probe/t0k-delete\n")); p++)
		deletes++;
	assert_int_equal(deletes, 1);
	assert_int_equal(STATUS(&e, "s3:DeleteObject"), PROBE_UNKNOWN);
	assert_non_null(strstr(res(&e, "s3:DeleteObject")->detail,
			       "may or may not have taken effect"));
	assert_true(sent(&e, "DELETE /bkt/.s3perm-probe/t0k-delete?versionId=DM9"));
	assert_int_equal(e.rep.nleft, 0);
	done(&e);
}

/* A 500 on the real write, then 412 on the retry (If-None-Match: *): the
 * first attempt stored the object; it is looked up and removed. */
static void test_500_then_412_real_put(void **state)
{
	static const struct rule over[] = {
		{ "PUT", "-object", NULL, 500, "",
		  ERR("InternalError", "We encountered an internal error."), 1 },
		{ "PUT", "-object", NULL, 412, "",
		  ERR("PreconditionFailed", "At least one of the pre-conditions "
		      "you specified did not hold"), 0 },
		{ "HEAD", "-object", NULL, 200, "x-amz-version-id: V8\n", "", 0 },
		{ "DELETE", "-object?versionId=V8", NULL, 204, "", "", 0 },
	};
	struct env e;

	(void)state;
	memset(&e, 0, sizeof(e));
	run(&e, "export", over, 4);
	assert_int_equal(e.rc, 0);
	assert_int_equal(STATUS(&e, "s3:PutObject"), PROBE_GRANTED);
	assert_int_equal(res(&e, "s3:PutObject")->basis,
			 PROBE_BASIS_REAL_WRITE);
	assert_true(sent(&e, "DELETE /bkt/.s3perm-probe/t0k-object?versionId=V8"));
	assert_int_equal(e.rep.nleft, 0);
	done(&e);
}

/* A listed key holding %00 is skipped as a customer object (no request can
 * name it), never cut at the NUL. */
static void test_nul_key_not_probed(void **state)
{
	static const struct rule over[] = {
		{ "GET", "list-type=2", NULL, 200, "",
		  "<?xml version=\"1.0\"?><ListBucketResult><Name>bkt</Name>"
		  "<EncodingType>url</EncodingType>"
		  "<IsTruncated>false</IsTruncated>"
		  "<Contents><Key>events/a.parquet%00.csv</Key><Size>99</Size>"
		  "</Contents></ListBucketResult>", 0 },
	};
	struct env e;

	(void)state;
	memset(&e, 0, sizeof(e));
	run(&e, "read", over, 1);
	assert_int_equal(e.rc, 0);
	assert_false(sent(&e, "GET /bkt/events/a.parquet"));
	assert_int_equal(STATUS(&e, "s3:GetObject"), PROBE_UNKNOWN);
	done(&e);
}


/* ---- a check that automation can trust ----------------------------------- */

/* No upload in progress (most buckets): ListMultipartUploadParts is
 * unknown for lack of data, which is nothing to fix (exit 0), except with
 * --strict. */
static void test_no_upload_is_no_data(void **state)
{
	static const struct rule over[] = {
		{ "GET", "uploads", NULL, 200, "", empty_uploads_body },
		{ "DELETE", "-delete", "versionId", 404, "",
		  ERR("NoSuchKey", "The specified key does not exist.") },
	};
	struct env e;

	(void)state;
	memset(&e, 0, sizeof(e));
	run(&e, "export", over, 2);
	assert_int_equal(e.rc, 0);
	assert_int_equal(STATUS(&e, "s3:ListMultipartUploadParts"),
			 PROBE_UNKNOWN);
	assert_true(res(&e, "s3:ListMultipartUploadParts")->no_data);
	assert_int_equal(probe_report_needs_fix(&e.rep, 0), 0);
	assert_int_equal(probe_report_needs_fix(&e.rep, 1), 1);
	done(&e);
}

/* An unknown for another reason (the listing that finds an upload was
 * denied) is something to fix. */
static void test_unknown_other_reason_needs_fix(void **state)
{
	static const struct rule over[] = {
		{ "GET", "uploads", NULL, 403, "", ERR("AccessDenied", "") },
	};
	struct env e;

	(void)state;
	memset(&e, 0, sizeof(e));
	run(&e, "export", over, 1);
	assert_int_equal(e.rc, 0);
	assert_int_equal(STATUS(&e, "s3:ListMultipartUploadParts"),
			 PROBE_UNKNOWN);
	assert_false(res(&e, "s3:ListMultipartUploadParts")->no_data);
	assert_int_equal(probe_report_needs_fix(&e.rep, 0), 1);
	done(&e);
}

/* --upload-key/--upload-id: ListParts of the named upload, in round 1,
 * even when the listing shows no upload. */
static void test_named_upload(void **state)
{
	static const struct rule over[] = {
		{ "GET", "uploads", NULL, 200, "", empty_uploads_body },
		{ "GET", "uploadId=MYUPLOAD", NULL, 200, "",
		  "<?xml version=\"1.0\"?><ListPartsResult><Bucket>bkt</Bucket>"
		  "<IsTruncated>false</IsTruncated></ListPartsResult>" },
	};
	struct env e;

	(void)state;
	memset(&e, 0, sizeof(e));
	e.pp.upload_key = "events/c.parquet";
	e.pp.upload_id = "MYUPLOAD";
	run(&e, "export", over, 2);
	assert_int_equal(e.rc, 0);
	assert_true(sent(&e, "GET /bkt/events/c.parquet?max-parts=1&uploadId=MYUPLOAD"));
	assert_int_equal(STATUS(&e, "s3:ListMultipartUploadParts"),
			 PROBE_GRANTED);
	done(&e);
}

/* AWS conditional delete (recorded answers shaped as the S3 User Guide's
 * "How to perform conditional deletes"): DELETE with If-Match: * of a key
 * that does not exist fails after the permission check, 404 NoSuchKey,
 * deleting nothing and creating no delete marker: s3:DeleteObject is
 * proven, also with --no-write, with nothing to clean up. */
static void test_conditional_delete_aws_missing_key(void **state)
{
	static const struct rule over[] = {
		{ "DELETE", "-delete", "versionId", 404, "",
		  ERR("NoSuchKey", "The specified key does not exist.") },
	};
	struct env e;

	(void)state;
	memset(&e, 0, sizeof(e));
	e.pp.no_write = 1;
	run(&e, "export", over, 1);
	assert_int_equal(e.rc, 0);
	assert_non_null(strstr(buf_str(&e.fake.cond),
			       "DELETE /bkt/.s3perm-probe/t0k-delete\n"));
	assert_int_equal(STATUS(&e, "s3:DeleteObject"), PROBE_GRANTED);
	assert_int_equal(res(&e, "s3:DeleteObject")->basis,
			 PROBE_BASIS_NO_WRITE);
	assert_int_equal(e.rep.conditional_delete_ignored, 0);
	assert_false(sent(&e, "t0k-delete?versionId"));
	assert_int_equal(e.rep.wrote, 0);
	done(&e);
}

/* The same as a 412 PreconditionFailed (the answer when the current
 * version is a delete marker), and a 403 when the policy denies it. */
static void test_conditional_delete_aws_412_and_denied(void **state)
{
	static const struct rule r412[] = {
		{ "DELETE", "-delete", "versionId", 412, "",
		  ERR("PreconditionFailed", "At least one of the pre-conditions "
		      "you specified did not hold") },
	};
	static const struct rule r403[] = {
		{ "DELETE", "-delete", "versionId", 403, "",
		  ERR("AccessDenied", "User: arn:aws:iam::111122223333:user/x "
		      "is not authorized to perform: s3:DeleteObject because "
		      "no resource-based policy allows the s3:DeleteObject "
		      "action") },
	};
	struct env e;

	(void)state;
	memset(&e, 0, sizeof(e));
	run(&e, "export", r412, 1);
	assert_int_equal(e.rc, 0);
	assert_int_equal(STATUS(&e, "s3:DeleteObject"), PROBE_GRANTED);
	done(&e);
	memset(&e, 0, sizeof(e));
	run(&e, "export", r403, 1);
	assert_int_equal(e.rc, 0);
	assert_int_equal(STATUS(&e, "s3:DeleteObject"), PROBE_MISSING);
	assert_int_equal(probe_report_needs_fix(&e.rep, 0), 1);
	done(&e);
}

/* A server that ignores If-Match on DELETE (radosgw 16) answers 204 with a
 * delete marker on a versioned bucket: noted, and the marker is removed by
 * its version id (s3:DeleteObjectVersion was proven first). */
static void test_conditional_delete_ignored(void **state)
{
	static const struct rule over[] = {
		{ "DELETE", "-delete", "versionId", 204,
		  "x-amz-delete-marker: true\nx-amz-version-id: DM3\n", "" },
		{ "DELETE", "-delete?versionId=DM3", NULL, 204, "", "" },
	};
	struct env e;

	(void)state;
	memset(&e, 0, sizeof(e));
	e.pp.no_write = 1;
	run(&e, "export", over, 2);
	assert_int_equal(e.rc, 0);
	assert_int_equal(STATUS(&e, "s3:DeleteObject"), PROBE_GRANTED);
	assert_int_equal(e.rep.conditional_delete_ignored, 1);
	assert_true(sent(&e, "DELETE /bkt/.s3perm-probe/t0k-delete?versionId=DM3"));
	assert_int_equal(e.rep.nleft, 0);
	assert_non_null(strstr(res(&e, "s3:DeleteObject")->evidence,
			       "ignores If-Match"));
	done(&e);
}


/* AWS on a bucket with default Object Lock retention (recorded answer of
 * the S3 API reference): a PutObject without Content-MD5 or a checksum
 * header is refused, 400 InvalidRequest, nothing stored.  The real write is
 * sent without them: that answer is the Object Lock finding, PutObject
 * stays proven by the no-write probe, nothing is left behind. */
static void test_object_lock_default_retention(void **state)
{
	static const struct rule over[] = {
		{ "PUT", "-object", NULL, 400, "",
		  ERR("InvalidRequest", "Content-MD5 OR x-amz-checksum- HTTP "
		      "header is required for Put Object requests with Object "
		      "Lock parameters") },
	};
	struct env e;

	(void)state;
	memset(&e, 0, sizeof(e));
	run(&e, "export", over, 1);
	assert_int_equal(e.rc, 0);
	assert_int_equal(e.rep.object_lock_default, 1);
	assert_int_equal(STATUS(&e, "s3:PutObject"), PROBE_GRANTED);
	assert_int_equal(res(&e, "s3:PutObject")->basis, PROBE_BASIS_NO_WRITE);
	assert_non_null(strstr(res(&e, "s3:PutObject")->detail,
			       "Object Lock"));
	assert_int_equal(e.rep.nleft, 0);
	assert_int_equal(e.rep.wrote, 0);
	done(&e);
}

/* AWS refuses the removal of a locked version (403 AccessDenied "Access
 * Denied because object protected by object lock."); HEAD ?versionId says
 * the mode and the retain-until date: the leftover says exactly that. */
static void test_object_lock_cleanup_refused(void **state)
{
	static const struct rule over[] = {
		{ "PUT", "-object", NULL, 200, "x-amz-version-id: VL1\n", "" },
		{ "DELETE", "-object?versionId=VL1", NULL, 403, "",
		  ERR("AccessDenied", "Access Denied because object protected "
		      "by object lock.") },
		{ "HEAD", "-object?versionId=VL1", NULL, 200,
		  "x-amz-object-lock-mode: COMPLIANCE\n"
		  "x-amz-object-lock-retain-until-date: 2031-01-01T00:00:00.000Z\n",
		  "" },
	};
	struct env e;

	(void)state;
	memset(&e, 0, sizeof(e));
	run(&e, "export", over, 3);
	assert_int_equal(e.rc, 0);
	assert_int_equal(e.rep.nleft, 1);
	assert_string_equal(e.rep.left[0].version_id, "VL1");
	assert_non_null(e.rep.left[0].reason);
	assert_non_null(strstr(e.rep.left[0].reason, "COMPLIANCE until "
			       "2031-01-01T00:00:00.000Z"));
	assert_int_equal(probe_report_needs_fix(&e.rep, 0), 1);
	done(&e);
}

/* A probe object an earlier check left behind (Object Lock): no other is
 * written; it is reported with the command that removes it. */
static void test_earlier_probe_object_no_new_write(void **state)
{
	static const struct rule over[] = {
		{ "GET", ".s3perm-probe%2F", "uploadId", 200, "",
		  "<?xml version=\"1.0\"?><ListBucketResult><Name>bkt</Name>"
		  "<IsTruncated>false</IsTruncated><Contents><Key>"
		  ".s3perm-probe/0123abcd-object</Key><Size>40</Size>"
		  "</Contents></ListBucketResult>" },
	};
	struct env e;

	(void)state;
	memset(&e, 0, sizeof(e));
	run(&e, "export", over, 1);
	assert_int_equal(e.rc, 0);
	assert_false(sent(&e, "PUT /bkt/.s3perm-probe/t0k-object"));
	assert_int_equal(e.rep.wrote, 0);
	assert_int_equal(e.rep.earlier_probes, 1);
	assert_int_equal(e.rep.nleft, 1);
	assert_string_equal(e.rep.left[0].key, ".s3perm-probe/0123abcd-object");
	assert_non_null(strstr(e.rep.left[0].command, "delete-object"));
	assert_int_equal(STATUS(&e, "s3:PutObject"), PROBE_GRANTED);
	done(&e);
}


/* Requester Pays (recorded AWS answers): every request without
 * x-amz-request-payer is 403 AccessDenied; the listing that agrees to pay
 * is allowed.  The refusals are not missing grants: the finding says why. */
static void test_requester_pays(void **state)
{
	static const struct rule over[] = {
		{ "GET", "max-keys=1", "max-keys=100", 200, "", empty_list_body },
		{ "GET", "", NULL, 403, "", ERR("AccessDenied", "Access Denied") },
		{ "PUT", "", NULL, 403, "", ERR("AccessDenied", "Access Denied") },
		{ "DELETE", "", NULL, 403, "", ERR("AccessDenied", "Access Denied") },
	};
	struct env e;

	(void)state;
	memset(&e, 0, sizeof(e));
	run(&e, "export", over, 4);
	assert_int_equal(e.rc, 0);
	assert_int_equal(e.rep.requester_pays, 1);
	for (size_t i = 0; i < e.rep.nresults; i++)
		assert_int_not_equal(e.rep.results[i].status, PROBE_MISSING);
	assert_non_null(strstr(res(&e, "s3:ListBucket")->detail,
			       "Requester Pays"));
	assert_int_equal(probe_report_needs_fix(&e.rep, 0), 1);
	done(&e);
}

/* A plain refusal (no Requester Pays): the listing agreeing to pay is
 * refused too, and the grants are missing as before. */
static void test_not_requester_pays(void **state)
{
	static const struct rule over[] = {
		{ "GET", "list-type=2", NULL, 403, "", ERR("AccessDenied", "") },
	};
	struct env e;

	(void)state;
	memset(&e, 0, sizeof(e));
	run(&e, "read", over, 1);
	assert_int_equal(e.rc, 0);
	assert_int_equal(e.rep.requester_pays, 0);
	assert_int_equal(STATUS(&e, "s3:ListBucket"), PROBE_MISSING);
	done(&e);
}


/* GetObject of the listed object, virtual-hosted (AWS addressing). */
#define AWS_GET { "GET", "amazonaws.com/events/a.parquet", NULL, 206, \
	"Content-Range: bytes 0-0/10\n", "P" }

#define STS_ANSWER(arn) "<GetCallerIdentityResponse xmlns=\"https://sts." \
	"amazonaws.com/doc/2011-06-15/\"><GetCallerIdentityResult><Arn>" arn \
	"</Arn><UserId>AIDAEXAMPLE</UserId><Account>999689269917</Account>" \
	"</GetCallerIdentityResult></GetCallerIdentityResponse>"

/* AWS: the identity goes with the region lookup; the named principal is
 * the caller: the check goes on. */
static void test_identity_matches(void **state)
{
	static const struct rule over[] = {
		{ "GET", "Action=GetCallerIdentity", NULL, 200, "",
		  STS_ANSWER("arn:aws:iam::999689269917:user/statsig-abc") },
		AWS_GET,
	};
	struct env e;

	(void)state;
	memset(&e, 0, sizeof(e));
	e.aws = 1;
	e.pp.identity = 1;
	e.pp.principal = "arn:aws:iam::999689269917:user/statsig-abc";
	run(&e, "read", over, 2);
	assert_int_equal(e.rc, 0);
	assert_string_equal(e.rep.caller_arn,
			    "arn:aws:iam::999689269917:user/statsig-abc");
	assert_non_null(strstr(buf_str(&e.fake.hosts),
		"https://sts.us-east-1.amazonaws.com/?Action=GetCallerIdentity"));
	done(&e);
}

/* Credentials of someone else: exit 2 before any probe, naming both;
 * only the identity and region requests were sent. */
static void test_identity_mismatch_stops(void **state)
{
	static const struct rule over[] = {
		{ "GET", "Action=GetCallerIdentity", NULL, 200, "",
		  STS_ANSWER("arn:aws:iam::999689269917:user/other") },
	};
	struct env e;

	(void)state;
	memset(&e, 0, sizeof(e));
	e.aws = 1;
	e.pp.identity = 1;
	e.pp.principal = "arn:aws:iam::999689269917:user/statsig-abc";
	run(&e, "export", over, 1);
	assert_int_equal(e.rc, -1);
	assert_int_equal(e.err.kind, S3P_E_USAGE);
	assert_non_null(strstr(e.err.msg, "user/other"));
	assert_non_null(strstr(e.err.msg, "user/statsig-abc"));
	assert_int_equal(count_method(&e, "PUT"), 0);
	assert_int_equal(count_method(&e, "DELETE"), 0);
	assert_int_equal(count_method(&e, "GET"), 1);   /* the identity */
	assert_int_equal(count_method(&e, "HEAD"), 1);  /* the region */
	done(&e);
}

/* No principal named: an assumed-role session's role ARN (what a bucket
 * policy names) is the report's principal, learnt from STS. */
static void test_identity_assumed_role(void **state)
{
	static const struct rule over[] = {
		{ "GET", "Action=GetCallerIdentity", NULL, 200, "",
		  STS_ANSWER("arn:aws:sts::999689269917:assumed-role/vendor-role/"
			     "s3perm") },
		AWS_GET,
	};
	struct env e;
	struct report_opts ro;
	struct buf out = BUF_INIT;
	json_t *doc, *pr;

	(void)state;
	memset(&e, 0, sizeof(e));
	e.aws = 1;
	e.pp.identity = 1;
	run(&e, "read", over, 2);
	assert_int_equal(e.rc, 0);
	memset(&ro, 0, sizeof(ro));
	ro.caller_arn = e.rep.caller_arn;
	assert_int_equal(report_json(&e.rep, &ro, &out, &e.err), 0);
	doc = json_loads(buf_str(&out), 0, NULL);
	pr = json_object_get(doc, "principal");
	assert_string_equal(json_string_value(json_object_get(pr, "arn")),
			    "arn:aws:iam::999689269917:role/vendor-role");
	assert_string_equal(json_string_value(json_object_get(pr, "source")),
			    "sts:GetCallerIdentity");
	json_decref(doc);
	buf_release(&out);
	done(&e);
}

/* An S3-compatible endpoint without STS (radosgw 16 answers the request
 * as something else): the identity could not be confirmed, the check goes
 * on; asked in round 1, so no round is added. */
static void test_identity_not_confirmed(void **state)
{
	static const struct rule over[] = {
		{ "GET", "Action=GetCallerIdentity", NULL, 200, "",
		  "<?xml version=\"1.0\"?><ListAllMyBucketsResult><Buckets/>"
		  "</ListAllMyBucketsResult>" },
	};
	struct env e;

	(void)state;
	memset(&e, 0, sizeof(e));
	e.pp.identity = 1;
	run(&e, "read", over, 1);
	assert_int_equal(e.rc, 0);
	assert_null(e.rep.caller_arn);
	assert_non_null(e.rep.identity_note);
	assert_non_null(strstr(e.rep.identity_note, "could not be confirmed"));
	assert_int_equal(e.rep.rounds, 2);
	done(&e);
}


/* An S3-compatible endpoint with STS: the identity is asked in round 1
 * (no round added); other credentials stop the check before round 2, exit
 * 2, having created nothing. */
static void test_identity_mismatch_custom_endpoint(void **state)
{
	static const struct rule over[] = {
		{ "GET", "Action=GetCallerIdentity", NULL, 200, "",
		  STS_ANSWER("arn:aws:iam::999689269917:user/other") },
	};
	struct env e;

	(void)state;
	memset(&e, 0, sizeof(e));
	e.pp.identity = 1;
	e.pp.principal = "arn:aws:iam::999689269917:user/statsig-abc";
	run(&e, "export", over, 1);
	assert_int_equal(e.rc, -1);
	assert_int_equal(e.err.kind, S3P_E_USAGE);
	assert_false(sent(&e, "-object"));
	assert_false(sent(&e, "-delete"));
	assert_int_equal(e.rep.rounds, 1);
	done(&e);
}


/* The fleet asks the identity once and gives the answer to every bucket:
 * no GetCallerIdentity is sent, the report carries the known answer, and
 * other credentials than the principal named stop before any request. */
static void test_identity_known(void **state)
{
	struct probe_identity other = {
		"arn:aws:iam::999689269917:user/other", NULL };
	struct probe_identity unknown = { NULL, "could not be confirmed" };
	struct env e;

	(void)state;
	memset(&e, 0, sizeof(e));
	e.aws = 1;
	e.pp.identity = 1;
	e.pp.known_identity = &other;
	e.pp.principal = "arn:aws:iam::999689269917:user/statsig-abc";
	run(&e, "export", NULL, 0);
	assert_int_equal(e.rc, -1);
	assert_int_equal(e.err.kind, S3P_E_USAGE);
	assert_non_null(strstr(e.err.msg, "user/other"));
	assert_string_equal(buf_str(&e.fake.log), "");
	done(&e);

	memset(&e, 0, sizeof(e));
	e.pp.identity = 1;
	e.pp.known_identity = &unknown;
	run(&e, "read", NULL, 0);
	assert_int_equal(e.rc, 0);
	assert_null(e.rep.caller_arn);
	assert_string_equal(e.rep.identity_note, "could not be confirmed");
	assert_false(sent(&e, "GetCallerIdentity"));
	done(&e);
}


/* The table: one line per granted grant; the evidence and request ids of
 * a grant not granted, or of every grant with --verbose. */
static void test_table_one_line_per_grant(void **state)
{
	static const struct rule over[] = {
		{ "GET", "uploads", NULL, 403, "", ERR("AccessDenied", "") },
	};
	struct env e;
	struct report_opts ro;
	struct buf out = BUF_INIT;

	(void)state;
	memset(&e, 0, sizeof(e));
	run(&e, "export", over, 1);
	memset(&ro, 0, sizeof(ro));
	assert_int_equal(report_table(&e.rep, &ro, &out, &e.err), 0);
	assert_null(strstr(buf_str(&out), "ListObjectsV2 (whole bucket) "
			   "answered"));
	assert_non_null(strstr(buf_str(&out), "ListMultipartUploads (whole "
			       "bucket) answered 403"));
	/* check and verify agree or explain */
	assert_non_null(strstr(buf_str(&out), "proves a grant for the keys "
			       "it touched"));
	buf_release(&out);
	ro.verbose = 1;
	assert_int_equal(report_table(&e.rep, &ro, &out, &e.err), 0);
	assert_non_null(strstr(buf_str(&out), "ListObjectsV2 (whole bucket) "
			       "answered"));
	buf_release(&out);
	done(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_one_line_per_grant),
		cmocka_unit_test(test_identity_mismatch_custom_endpoint),
		cmocka_unit_test(test_identity_matches),
		cmocka_unit_test(test_identity_known),
		cmocka_unit_test(test_identity_mismatch_stops),
		cmocka_unit_test(test_identity_assumed_role),
		cmocka_unit_test(test_identity_not_confirmed),
		cmocka_unit_test(test_requester_pays),
		cmocka_unit_test(test_not_requester_pays),
		cmocka_unit_test(test_object_lock_default_retention),
		cmocka_unit_test(test_object_lock_cleanup_refused),
		cmocka_unit_test(test_earlier_probe_object_no_new_write),
		cmocka_unit_test(test_no_upload_is_no_data),
		cmocka_unit_test(test_unknown_other_reason_needs_fix),
		cmocka_unit_test(test_named_upload),
		cmocka_unit_test(test_conditional_delete_aws_missing_key),
		cmocka_unit_test(test_conditional_delete_aws_412_and_denied),
		cmocka_unit_test(test_conditional_delete_ignored),
		cmocka_unit_test(test_listings_url_encoded),
		cmocka_unit_test(test_slowdown_on_writes_retried),
		cmocka_unit_test(test_500_on_delete_looked_up),
		cmocka_unit_test(test_500_then_412_real_put),
		cmocka_unit_test(test_nul_key_not_probed),
		cmocka_unit_test(test_plan_table),
		cmocka_unit_test(test_export_all_granted),
		cmocka_unit_test(test_versioned_bucket_cleanup),
		cmocka_unit_test(test_no_version_delete_no_marker),
		cmocka_unit_test(test_no_write),
		cmocka_unit_test(test_read_mode_reads_only),
		cmocka_unit_test(test_403_vs_404),
		cmocka_unit_test(test_empty_bucket),
		cmocka_unit_test(test_kms_denied),
		cmocka_unit_test(test_kms_seen_on_write),
		cmocka_unit_test(test_cleanup_denied),
		cmocka_unit_test(test_exit3_classes),
		cmocka_unit_test(test_cleanup_after_failure),
		cmocka_unit_test(test_digest_ignored_then_failure),
		cmocka_unit_test(test_lost_answer_lookup),
		cmocka_unit_test(test_lost_delete_marker_lookup),
		cmocka_unit_test(test_prefers_readable_object),
		cmocka_unit_test(test_interrupted),
		cmocka_unit_test(test_one_missing_json_and_remediation),
		cmocka_unit_test(test_no_remediation_when_all_granted),
		cmocka_unit_test(test_explicit_deny_reason),
		cmocka_unit_test(test_prefix_scoping),
		cmocka_unit_test(test_aws_region_lookup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
