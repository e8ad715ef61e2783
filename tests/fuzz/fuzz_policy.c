/* fuzz_policy.c - the policy parser, evaluator and lint, as `s3perm verify`
 * runs them: verify_policy_text() on the input, then both renderers.
 *
 * Input: "CONTEXT\0POLICY".  CONTEXT is a --context value (KEY=VALUE; empty
 * for none); its first byte also picks read or export mode.  POLICY is the
 * rest of the input, NULs included (a policy file's bytes).
 */
#include <stdint.h>
#include <stdlib.h>

#include "fuzz.h"
#include "buf.h"
#include "error.h"
#include "names.h"
#include "verify.h"
#include "verify_report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const prefixes[] = { "events/", "exports/2024/" };
	struct fuzz_fields ff;
	struct principal p;
	struct s3p_error err;
	struct verify_request rq;
	struct verify_result res;
	struct buf table = BUF_INIT;
	const char *ctx[1];
	char *json;

	fuzz_split(&ff, data, size, 2);
	if (names_parse_principal("arn:aws:iam::111122223333:user/statsig-abc",
				  &p, &err) < 0)
		abort();
	memset(&rq, 0, sizeof rq);
	rq.bucket = "my-data";
	rq.mode = (ff.len[0] && (ff.f[0][0] & 1)) ? "export" : "read";
	rq.principal = &p;
	rq.prefixes = prefixes;
	rq.nprefixes = (ff.len[0] && (ff.f[0][0] & 2)) ? 2 : 0;
	ctx[0] = ff.f[0];
	rq.contexts = ctx;
	rq.ncontexts = ff.len[0] ? 1 : 0;
	if (verify_policy_text(&rq, ff.f[1], ff.len[1], "fuzz.json", &res,
			       &err) == 0) {
		(void)verify_result_failed(&res);
		json = verify_result_json(&res);
		free(json);
		verify_result_table(&res, &table);
	}
	verify_result_release(&res);
	buf_release(&table);
	fuzz_fields_free(&ff);
	return 0;
}
