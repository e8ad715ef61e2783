// Regenerates tests/fixtures/parquet/: parquet files written by two
// independent writers (DuckDB's bundled engine and arrow-rs through
// parquet-wasm) and expected.txt, what DuckDB's parquet_schema() and
// parquet_file_metadata() report about each file.  The C tests compare
// s3perm's footer decoder against expected.txt; they never need node.
//
//   cd tools/parquet-fixtures && npm ci && node gen.mjs
import fs from 'fs';
import path from 'path';
import { DuckDBInstance } from '@duckdb/node-api';
import * as arrow from 'apache-arrow';
import * as pw from 'parquet-wasm/esm';

const here = path.dirname(new URL(import.meta.url).pathname);
const out = path.resolve(here, '../../tests/fixtures/parquet');
fs.mkdirSync(out, { recursive: true });
pw.initSync({ module: fs.readFileSync(path.join(here,
	'node_modules/parquet-wasm/esm/parquet_wasm_bg.wasm')) });

const db = await DuckDBInstance.create(':memory:');
const con = await db.connect();
const q = async (sql) => (await con.runAndReadAll(sql)).getRowObjectsJS();
// The key of the encrypted fixture (16 bytes: AES-128).  A test key.
const KEY = '0123456789112345';
await q(`PRAGMA add_parquet_key('k1', '${KEY}')`);
// Writing encrypted files needs OpenSSL from the httpfs extension, a
// download; the bundled mbedtls is enough for a fixture of the format.
await q(`SET force_mbedtls_unsafe = 'true'`);

const files = [];
async function duck(name, select, opts = '') {
	const f = path.join(out, name);
	await q(`COPY (${select}) TO '${f}' (FORMAT parquet${opts ? ', ' + opts : ''})`);
	files.push({ name, encrypted: /ENCRYPTION_CONFIG/.test(opts) });
}
async function duckTable(name, ddl, insert, opts = '') {
	await q(`CREATE OR REPLACE TABLE t ${ddl}`);
	await q(`INSERT INTO t ${insert}`);
	await duck(name, 'SELECT * FROM t', opts);
}
function rs(name, table, props) {
	const wt = pw.Table.fromIPCStream(arrow.tableToIPC(table, 'stream'));
	fs.writeFileSync(path.join(out, name), pw.writeParquet(wt, props));
	files.push({ name, encrypted: false });
}

// Every physical type DuckDB writes (BOOLEAN INT32 INT64 FLOAT DOUBLE
// BYTE_ARRAY FIXED_LEN_BYTE_ARRAY), required and optional.  INT96 is
// written by neither writer (deprecated; Spark's legacy timestamps).
await duckTable('duckdb_physical.parquet',
	`(b BOOLEAN NOT NULL, i32 INTEGER NOT NULL, i64 BIGINT, f FLOAT,
	  d DOUBLE, ba BLOB, flba DECIMAL(38,4))`,
	`SELECT i % 2 = 0, i, i * 1000000000, i / 3, i / 7, ('x' || i)::BLOB,
	        i * 1.25 FROM range(3) r(i)`);
// Logical and converted types.
await duck('duckdb_logical.parquet', `SELECT
	i::TINYINT i8, i::SMALLINT i16, i::UTINYINT u8, i::USMALLINT u16,
	i::UINTEGER u32, i::UBIGINT u64,
	TIMESTAMP '2024-01-02 03:04:05' + INTERVAL (i) SECOND ts_us,
	(TIMESTAMP '2024-01-02 03:04:05')::TIMESTAMP_MS ts_ms,
	(TIMESTAMP '2024-01-02 03:04:05')::TIMESTAMP_NS ts_ns,
	(TIMESTAMP '2024-01-02 03:04:05')::TIMESTAMPTZ ts_tz,
	DATE '2024-01-02' + i::INTEGER dt, TIME '10:11:12' tm,
	(i * 1.5)::DECIMAL(4,2) dec4, (i * 1.5)::DECIMAL(18,3) dec18,
	(i * 1.5)::DECIMAL(38,10) dec38,
	'text ' || i s, 'e' || (i % 2) ::VARCHAR str2,
	('00000000-0000-0000-0000-00000000000' || i::VARCHAR)::UUID uid,
	('{"a":' || i || '}')::JSON js, INTERVAL (i) DAY iv
	FROM range(5) r(i)`);
// Nested: struct, list, map, list of structs, struct of list, 3 levels.
await duck('duckdb_nested.parquet', `SELECT i id,
	{'x': i, 'y': 'v' || i} st,
	[i, i + 1] li,
	MAP {'k' || i: i} mp,
	[{'a': i, 'b': [i::VARCHAR]}] los,
	{'inner': {'deep': [i]}} deep
	FROM range(4) r(i)`);
// Several row groups.
await duck('duckdb_row_groups.parquet',
	`SELECT i id, 'row ' || i AS label FROM range(10000) r(i)`,
	'ROW_GROUP_SIZE 1000');
// A footer over 64 KiB: many columns.
{
	const cols = [];
	for (let c = 0; c < 1000; c++)
		cols.push(`i + ${c} AS column_with_a_long_name_${String(c).padStart(4, '0')}`);
	await duck('duckdb_wide.parquet', `SELECT ${cols.join(', ')} FROM range(2) r(i)`);
}
// Codecs.
for (const codec of ['uncompressed', 'snappy', 'gzip', 'zstd', 'lz4', 'brotli'])
	await duck(`duckdb_codec_${codec}.parquet`,
		`SELECT i id, 'value ' || (i % 10) v FROM range(100) r(i)`,
		`COMPRESSION ${codec}`);
// No rows at all.
await duck('duckdb_empty.parquet', `SELECT i id, 'x' v FROM range(0) r(i)`);
// Encrypted footer (PARE magic).
await duck('duckdb_encrypted.parquet',
	`SELECT i id, 'secret ' || i v FROM range(10) r(i)`,
	`ENCRYPTION_CONFIG {footer_key: 'k1'}`);

// arrow-rs: its own idea of a footer (logical types everywhere, no
// repetition on the root, list/struct/dictionary columns, row groups).
{
	const n = 1200;
	const ids = BigInt64Array.from({ length: n }, (_, i) => BigInt(i));
	const ts = arrow.vectorFromArray(
		Array.from({ length: n }, (_, i) => new Date(Date.UTC(2024, 0, 2) + i * 1000)),
		new arrow.TimestampMillisecond('UTC'));
	const names = arrow.vectorFromArray(Array.from({ length: n }, (_, i) => `name ${i % 17}`),
		new arrow.Utf8());
	const dict = arrow.vectorFromArray(Array.from({ length: n }, (_, i) => ['a', 'b', 'c'][i % 3]),
		new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32()));
	const lists = arrow.vectorFromArray(Array.from({ length: n }, (_, i) => [i, i + 1]),
		new arrow.List(new arrow.Field('item', new arrow.Int32(), true)));
	const structs = arrow.vectorFromArray(
		Array.from({ length: n }, (_, i) => ({ lat: i / 10, lon: -i / 10 })),
		new arrow.Struct([new arrow.Field('lat', new arrow.Float64(), true),
			new arrow.Field('lon', new arrow.Float64(), true)]));
	const t = new arrow.Table({ id: arrow.makeVector(ids), ts, name: names,
		kind: dict, pair: lists, pos: structs,
		flag: arrow.vectorFromArray(Array.from({ length: n }, (_, i) => i % 2 === 0), new arrow.Bool()),
		small: arrow.makeVector(Int16Array.from({ length: n }, (_, i) => i % 300)),
		f32: arrow.makeVector(Float32Array.from({ length: n }, (_, i) => i / 4)) });
	rs('arrowrs_mixed.parquet', t, new pw.WriterPropertiesBuilder()
		.setCompression(pw.Compression.SNAPPY).setMaxRowGroupSize(500).build());
}

// The planted layout of the end-to-end test: one dataset schema and its
// variations (a changed type, a dropped column, an added column, 5% of
// the rows, no rows).  1000 rows is the normal day.
const base = (n) => `SELECT i::BIGINT user_id, 'click' AS event,
	TIMESTAMP '2024-01-01 00:00:00' + INTERVAL (i) SECOND ts FROM range(${n}) r(i)`;
await duck('layout_base.parquet', base(1000));
await duck('layout_type_change.parquet', `SELECT user_id::VARCHAR user_id, event, ts FROM (${base(1000)})`);
await duck('layout_drop_column.parquet', `SELECT user_id, event FROM (${base(1000)})`);
await duck('layout_add_column.parquet', `SELECT *, 1.5::DOUBLE price FROM (${base(1000)})`);
await duck('layout_small.parquet', base(50));
await duck('layout_empty.parquet', base(0));
await duck('layout_half.parquet', base(500));

// expected.txt: one block per file, what DuckDB reports about it.
//   file NAME
//   encrypted 0|1
//   size BYTES
//   footer_len N                 (the 4-byte length before the magic)
//   num_rows N / row_groups N / created_by TEXT      (not when encrypted)
//   col NAME|TYPE|TYPE_LENGTH|REPETITION|NUM_CHILDREN|CONVERTED|SCALE|PRECISION|LOGICAL
//   end
// '-' stands for "not set".  LOGICAL is normalised from DuckDB's text to
// s3perm's spelling (see logical() below).
function logical(s) {
	if (s === null || s === undefined) return '-';
	let m;
	const unit = (u) => /MILLIS=Milli/.test(u) ? 'MILLIS' : /MICROS=Micro/.test(u) ? 'MICROS' : 'NANOS';
	if ((m = /^TimestampType\(isAdjustedToUTC=(\d), unit=(.*)\)$/.exec(s)))
		return `TIMESTAMP(${unit(m[2])},${m[1] === '1' ? 'UTC' : 'local'})`;
	if ((m = /^TimeType\(isAdjustedToUTC=(\d), unit=(.*)\)$/.exec(s)))
		return `TIME(${unit(m[2])},${m[1] === '1' ? 'UTC' : 'local'})`;
	if ((m = /^DecimalType\(scale=(\d+), precision=(\d+)\)$/.exec(s)))
		return `DECIMAL(${m[2]},${m[1]})`;
	// DuckDB 1.5 prints bitWidth, an int8_t, as a character: width 8
	// comes out as "\b", 16 as "\x10".  Take the character's code.
	if ((m = /^IntType\(bitWidth=([^]*), isSigned=(\d)\)$/.exec(s))) {
		const w = /^\d+$/.test(m[1]) ? Number(m[1]) : m[1].charCodeAt(0);
		return `INT(${w},${m[2] === '1' ? 'signed' : 'unsigned'})`;
	}
	if ((m = /^(\w+)Type\(\)$/.exec(s))) return m[1].toUpperCase();
	throw new Error(`unknown logical type text: ${s}`);
}
const dash = (v) => (v === null || v === undefined) ? '-' : String(v);
let text = '# Generated by tools/parquet-fixtures/gen.mjs from what DuckDB ' +
	'reports (parquet_schema, parquet_file_metadata).  Do not edit.\n';
for (const f of files) {
	const p = path.join(out, f.name);
	const bytes = fs.readFileSync(p);
	const flen = bytes.readUInt32LE(bytes.length - 8);
	text += `file ${f.name}\nencrypted ${f.encrypted ? 1 : 0}\nsize ${bytes.length}\nfooter_len ${flen}\n`;
	text += `magic ${bytes.subarray(bytes.length - 4).toString('latin1')}\n`;
	if (f.encrypted) {
		// The footer is encrypted: only the key holder sees the schema.
		// What the test can check is the magic and the row count that
		// DuckDB reads with the key.
		const n = (await q(`SELECT count(*) n FROM read_parquet('${p}', encryption_config={footer_key: 'k1'})`))[0].n;
		text += `key_rows ${n}\nend\n`;
		console.log(`${f.name}: ${bytes.length} bytes, footer ${flen}, encrypted, ${n} rows with the key`);
		continue;
	}
	const meta = (await q(`SELECT * FROM parquet_file_metadata('${p}')`))[0];
	text += `num_rows ${meta.num_rows}\nrow_groups ${meta.num_row_groups}\ncreated_by ${meta.created_by}\n`;
	const rows = await q(`SELECT * FROM parquet_schema('${p}')`);
	for (const r of rows)
		text += 'col ' + [r.name, dash(r.type), dash(r.type_length), dash(r.repetition_type),
			dash(r.num_children), dash(r.converted_type), dash(r.scale),
			dash(r.precision), logical(r.logical_type)].join('|') + '\n';
	text += 'end\n';
	console.log(`${f.name}: ${bytes.length} bytes, footer ${flen}, ${meta.num_rows} rows, ${meta.num_row_groups} row groups, ${rows.length} schema elements`);
}
fs.writeFileSync(path.join(out, 'expected.txt'), text);
