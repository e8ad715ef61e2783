/* fuzz.h - helpers shared by the libFuzzer harnesses (tests/fuzz/README.md).
 *
 * A harness gets arbitrary bytes.  Most entry points take C strings, so the
 * input is cut into fields at NUL bytes: fuzz_fields() copies the input
 * into one allocation with a NUL after it and returns up to max pointers
 * into it (missing fields are ""; the last field takes the rest).  The seed corpora are written the same
 * way (printf 'a\0b\0c').
 */
#ifndef S3P_FUZZ_H
#define S3P_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct fuzz_fields {
	char *mem;
	size_t n;
	const char *f[16];
	size_t len[16];
};

static inline void fuzz_split(struct fuzz_fields *ff, const uint8_t *data,
			      size_t size, size_t max)
{
	size_t i, start = 0;

	if (max > 16)
		max = 16;
	ff->mem = malloc(size + 1);
	if (!ff->mem)
		abort();
	if (size)
		memcpy(ff->mem, data, size);
	ff->mem[size] = '\0';
	ff->n = 0;
	/* fields end at NUL bytes; the last one takes the rest, NULs included */
	for (i = 0; i < size && ff->n + 1 < max; i++) {
		if (ff->mem[i] == '\0') {
			ff->f[ff->n] = ff->mem + start;
			ff->len[ff->n] = i - start;
			ff->n++;
			start = i + 1;
		}
	}
	ff->f[ff->n] = ff->mem + start;
	ff->len[ff->n] = size - start;
	ff->n++;
	for (i = ff->n; i < max; i++) {
		ff->f[i] = "";
		ff->len[i] = 0;
	}
}

static inline void fuzz_fields_free(struct fuzz_fields *ff)
{
	free(ff->mem);
	ff->mem = NULL;
}

#endif
