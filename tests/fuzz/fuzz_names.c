/* fuzz_names.c - name validation (names.h): bucket, user, account,
 * partition, region, prefix, principal ARNs and the --user/--account/
 * --principal/--partition resolution every command does.
 *
 * Input: "A\0B\0C\0D": each field is tried as every kind of name; then
 * names_resolve_principal(A, B, C, D) with empty fields as NULL.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "error.h"
#include "names.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t sink;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_fields ff;
	struct principal p;
	struct s3p_error err;
	const char *part = NULL, *ph;
	size_t i;

	fuzz_split(&ff, data, size, 4);
	for (i = 0; i < 4; i++) {
		const char *s = ff.f[i];

		(void)names_check_bucket(s, &err);
		(void)names_check_user(s, &err);
		(void)names_check_account(s, &err);
		(void)names_check_partition(s, &err);
		(void)names_check_region(s, &err);
		(void)names_check_prefix(s, &err);
		ph = names_find_placeholder(s);
		if (ph)
			sink += strlen(ph);
		if (names_parse_principal(s, &p, &err) == 0)
			sink += strlen(p.arn);
	}
	if (names_user_principal(ff.f[3], ff.f[1], ff.f[0], &p, &err) == 0)
		sink += strlen(p.arn);
	if (names_resolve_principal(ff.len[0] ? ff.f[0] : NULL,
				    ff.len[1] ? ff.f[1] : NULL,
				    ff.len[2] ? ff.f[2] : NULL,
				    ff.len[3] ? ff.f[3] : NULL, &p, &part,
				    &err) == 0)
		sink += strlen(p.arn) + strlen(part ? part : "");
	fuzz_fields_free(&ff);
	return 0;
}
