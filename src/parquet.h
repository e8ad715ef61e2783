/* parquet.h - a parquet file's footer: the trailing magic, the footer
 * length and the FileMetaData (Thrift compact protocol), decoded without a
 * parquet library.
 *
 * A parquet file ends with the FileMetaData, its length as a little-endian
 * 32-bit number, and the magic "PAR1" ("PARE" when the footer is
 * encrypted).  Reading a file's footer takes the last bytes of the file:
 * parquet_tail() checks the last 8 and says how long the footer is, then
 * parquet_decode() decodes exactly that many bytes.  The decoder is built
 * for hostile input: every length and count is checked against the bytes
 * present before anything is allocated, nesting is limited, and anything
 * that does not fit the format is an error, never a crash.  It allocates
 * at most a few times the size of the footer it is given.
 *
 * What is kept: the schema (every element, in file order, with its nesting
 * depth), num_rows, the number of row groups, created_by and whether the
 * footer announces column encryption.  Statistics, offsets and key-value
 * metadata are skipped.
 *
 * Format references: apache/parquet-format src/main/thrift/parquet.thrift,
 * and the Thrift compact protocol (apache/thrift doc/specs/
 * thrift-compact-protocol.md).
 */
#ifndef S3P_PARQUET_H
#define S3P_PARQUET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define PARQUET_TAIL_LEN 8
/* The largest footer s3perm reads; real footers are kilobytes to a few
 * megabytes (one ColumnChunk per column per row group). */
#define PARQUET_MAX_FOOTER (64u * 1024 * 1024)
/* Schema nesting deeper than this is refused. */
#define PARQUET_MAX_DEPTH 64

enum parquet_status {
	PARQUET_OK = 0,
	PARQUET_TRUNCATED,   /* no trailing magic, or a length that cannot be */
	PARQUET_ENCRYPTED,   /* "PARE": the footer is encrypted */
	PARQUET_CORRUPT      /* the footer does not decode */
};

/* Physical types (parquet.thrift enum Type); PARQUET_NONE when unset. */
#define PARQUET_NONE (-1)

enum parquet_logical_kind {
	PARQUET_LT_NONE = 0,
	PARQUET_LT_STRING, PARQUET_LT_MAP, PARQUET_LT_LIST, PARQUET_LT_ENUM,
	PARQUET_LT_DECIMAL, PARQUET_LT_DATE, PARQUET_LT_TIME,
	PARQUET_LT_TIMESTAMP, PARQUET_LT_INTEGER, PARQUET_LT_UNKNOWN,
	PARQUET_LT_JSON, PARQUET_LT_BSON, PARQUET_LT_UUID, PARQUET_LT_FLOAT16,
	PARQUET_LT_VARIANT, PARQUET_LT_GEOMETRY, PARQUET_LT_GEOGRAPHY,
	PARQUET_LT_OTHER     /* a union member this decoder does not know */
};

enum parquet_time_unit {
	PARQUET_UNIT_NONE = 0, PARQUET_UNIT_MILLIS, PARQUET_UNIT_MICROS,
	PARQUET_UNIT_NANOS
};

struct parquet_logical {
	enum parquet_logical_kind kind;
	int32_t scale, precision;      /* DECIMAL */
	bool utc;                      /* TIME, TIMESTAMP: isAdjustedToUTC */
	enum parquet_time_unit unit;   /* TIME, TIMESTAMP */
	int bit_width;                 /* INTEGER */
	bool is_signed;                /* INTEGER */
	int16_t other_id;              /* OTHER: the union's field id */
};

/* One SchemaElement.  Optional fields not present are PARQUET_NONE. */
struct parquet_column {
	char *name;
	int depth;                     /* 0: the root, 1: a top-level column */
	int type;                      /* physical type */
	int32_t type_length;
	int repetition;                /* 0 REQUIRED, 1 OPTIONAL, 2 REPEATED */
	int32_t num_children;
	int converted;                 /* ConvertedType */
	int32_t scale, precision, field_id;
	struct parquet_logical logical;
};

struct parquet_meta {
	int32_t version;
	int64_t num_rows;
	uint64_t row_groups;
	char *created_by;              /* NULL when absent */
	bool column_encryption;        /* encryption_algorithm in a plain footer */
	struct parquet_column *cols;   /* cols[0] is the root */
	size_t ncols;
};

/* Check the last 8 bytes of a file of FILE_SIZE bytes.  PARQUET_OK with
 * *footer_len set, PARQUET_ENCRYPTED (*footer_len set too), or
 * PARQUET_TRUNCATED with a reason in err (S3P_E_INPUT). */
enum parquet_status parquet_tail(const unsigned char tail[PARQUET_TAIL_LEN],
				 uint64_t file_size, uint32_t *footer_len,
				 struct s3p_error *err);

/* Decode a FileMetaData of exactly LEN bytes into *meta (zeroed first).
 * PARQUET_OK, or PARQUET_CORRUPT with the reason and byte offset in err
 * (S3P_E_INPUT; S3P_E_NOMEM when memory ran out, *meta then empty).
 * Release *meta with parquet_meta_release() either way. */
enum parquet_status parquet_decode(const unsigned char *buf, size_t len,
				   struct parquet_meta *meta,
				   struct s3p_error *err);

/* Everything at once, from the last BUF_LEN bytes of a file of FILE_SIZE
 * bytes (the whole file when BUF_LEN == FILE_SIZE).  When the footer is
 * longer than what BUF holds, returns PARQUET_OK with *need set to the
 * number of trailing bytes to read instead (and *meta empty); else *need
 * is 0 and the result is that of parquet_tail()/parquet_decode().  *meta
 * is zeroed first: release it with parquet_meta_release() either way. */
enum parquet_status parquet_read_tail(const unsigned char *buf, size_t buf_len,
				      uint64_t file_size,
				      struct parquet_meta *meta, size_t *need,
				      struct s3p_error *err);

void parquet_meta_release(struct parquet_meta *meta);

/* Names as parquet.thrift spells them; "-" for PARQUET_NONE, "?" for a
 * value outside the enum. */
const char *parquet_type_name(int type);
const char *parquet_repetition_name(int repetition);
const char *parquet_converted_name(int converted);
/* The logical type as one word with its parameters: "STRING",
 * "DECIMAL(38,10)", "TIMESTAMP(MICROS,UTC)", "INT(16,signed)"; "-" when
 * none.  Writes at most size bytes (NUL included), returns out. */
char *parquet_logical_format(const struct parquet_logical *lt, char *out,
			     size_t size);

#endif
