/* fuzz_manifest.c - the fleet check's manifest parser (manifest.h): JSON
 * lines and CSV, a line at a time, with the state (format, CSV header)
 * carried from line to line as `check --manifest` does.
 *
 * Input: the manifest text; it is cut into lines at '\n' and every line
 * fed in order.  Every entry handed out must have a bucket and must be
 * released.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct manifest *m = manifest_new();
	const char *p = (const char *)data, *end = p + size;
	size_t lineno = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		struct manifest_entry e;
		struct s3p_error err;

		if (manifest_feed(m, ++lineno, p, len, &e, &err) == 1) {
			if (!e.bucket || e.line != lineno)
				abort();
			for (size_t i = 0; i < e.nprefixes; i++)
				if (!e.prefixes[i])
					abort();
			manifest_entry_release(&e);
		}
		p += len + (nl != NULL);
	}
	manifest_free(m);
	return 0;
}
