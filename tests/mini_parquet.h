/* mini_parquet.h - the smallest valid parquet file, for tests of layout:
 * "PAR1", a FileMetaData (version 1, schema: root "schema" with one
 * REQUIRED INT64 column "id", num_rows 10, no row group), its length (29)
 * and "PAR1".  41 bytes.  Hand-built from parquet.thrift; decoded by
 * tests/test_parquet.c's fixtures' decoder like any file. */
#ifndef S3P_TEST_MINI_PARQUET_H
#define S3P_TEST_MINI_PARQUET_H

#define MINI_PQ "PAR1\x15\x02\x19\x2c\x48\x06schema\x15\x02\x00\x15\x04" \
	"\x25\x00\x18\x02id\x00\x16\x14\x19\x0c\x00\x1d\x00\x00\x00PAR1"
#define MINI_PQ_LEN 41
/* Its footer and tail: the last MINI_PQ_TAIL_LEN bytes. */
#define MINI_PQ_TAIL (MINI_PQ + 4)
#define MINI_PQ_TAIL_LEN 37
#define MINI_PQ_ROWS 10

#endif
