/* libFuzzer harness: parquet.c, the footer decoder.
 *
 * The input is both a bare FileMetaData (parquet_decode) and the tail of a
 * file whose size is the input's (parquet_read_tail, the path layout
 * takes).  Any successful decode must be self-consistent; the sanitizers
 * catch the rest.  Seed corpus: tests/fuzz/corpus/fuzz_parquet/ (the footers
 * and whole files of small fixtures from tests/fixtures/parquet/).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "parquet.h"

static void check(const struct parquet_meta *m)
{
	if (m->ncols < 1 || !m->cols || m->cols[0].depth != 0 ||
	    m->num_rows < 0)
		abort();
	for (size_t i = 0; i < m->ncols; i++) {
		if (!m->cols[i].name)
			abort();
		if (i && (m->cols[i].depth < 1 ||
			  m->cols[i].depth > PARQUET_MAX_DEPTH))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct parquet_meta m;
	struct s3p_error err = { 0 };
	size_t need = 0;

	if (parquet_decode(data, size, &m, &err) == PARQUET_OK)
		check(&m);
	parquet_meta_release(&m);

	if (parquet_read_tail(data, size, size, &m, &need, &err) ==
	    PARQUET_OK && !need)
		check(&m);
	/* The whole file was given: the footer can never need more. */
	if (need)
		abort();
	parquet_meta_release(&m);
	return 0;
}
