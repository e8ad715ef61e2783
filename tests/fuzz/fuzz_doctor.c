/* fuzz_doctor.c - `s3perm doctor`'s judgement of a bucket's configuration
 * answers (doctor.h: GetBucketLocation, GetBucketPolicy,
 * GetBucketEncryption, GetBucketOwnershipControls,
 * GetObjectLockConfiguration, GetBucketRequestPayment,
 * GetBucketVersioning, GetBucketLifecycleConfiguration), then both
 * renderers (doctor_report.h).  A hostile or odd server writes these.
 *
 * Input: up to eight NUL-separated answers, in that order; the first byte
 * of each picks its status and S3 error code (200 most often), the rest is
 * the body.  A missing answer is a 200 with an empty body.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "buf.h"
#include "doctor.h"
#include "doctor_report.h"
#include "error.h"
#include "names.h"
#include "s3.h"
#include "verify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct {
		long status;
		const char *code;
	} kinds[8] = {
		{ 200, "" }, { 200, "" }, { 200, "" }, { 200, "" },
		{ 403, "AccessDenied" }, { 404, "NoSuchBucketPolicy" },
		{ 404, "ServerSideEncryptionConfigurationNotFoundError" },
		{ 501, "NotImplemented" }
	};
	struct fuzz_fields ff;
	struct s3_response ans[DOCTOR_NQUERIES];
	struct doctor_report rep;
	struct verify_request rq;
	struct principal p;
	struct s3p_error err;
	struct buf text = BUF_INIT;
	size_t i;

	fuzz_split(&ff, data, size, DOCTOR_NQUERIES);
	if (names_parse_principal("arn:aws:iam::111122223333:user/statsig-abc",
				  &p, &err) < 0)
		abort();
	for (i = 0; i < DOCTOR_NQUERIES; i++) {
		struct s3_response init = S3_RESPONSE_INIT;
		unsigned k = ff.len[i] ? (unsigned char)ff.f[i][0] : 0;

		ans[i] = init;
		ans[i].status = kinds[k & 7].status;
		strcpy(ans[i].code, kinds[k & 7].code);
		ans[i].error_class = s3_classify(ans[i].status, ans[i].code, "");
		if (ff.len[i] > 1)
			buf_append(&ans[i].body, ff.f[i] + 1, ff.len[i] - 1);
	}
	memset(&rq, 0, sizeof rq);
	rq.bucket = "my-data";
	rq.mode = (size && (data[0] & 8)) ? "export" : "read";
	rq.principal = &p;
	memset(&rep, 0, sizeof rep);
	if (doctor_evaluate(&rq, "eu-west-1", ans, &rep, &err) == 0) {
		char *json = doctor_report_json(&rep);

		free(json);
		doctor_report_text(&rep, &text);
		(void)doctor_worst(&rep);
	}
	doctor_report_release(&rep);
	for (i = 0; i < DOCTOR_NQUERIES; i++)
		s3_response_release(&ans[i]);
	buf_release(&text);
	fuzz_fields_free(&ff);
	return 0;
}
