/* fuzz_layout.c - the layout classifier (layout.h) and its two reports
 * (layout_report.h): every key a bucket or a directory can hold, in any
 * order, then layout_finish(), layout_report_json() and
 * layout_report_text().  Also the day parsers on each key's parts.
 *
 * Input: one option byte (bit 0: content reads; bit 1: --since
 * 2024-01-01; bit 2: --until 2024-03-31; bit 3: --dataset events; bit 4:
 * a bucket rather than a directory), then entries separated by '\n': the
 * first byte of an entry picks its size (and, for a content read, whether
 * the read fails, what the head and tail bytes are, and with bit 7 a real
 * footer whose column name the low bits vary), the rest is the key
 * (a trailing '/' is a folder).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "layout.h"
#include "layout_report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t sink;

/* mini_parquet.h's footer and tail: a root and one INT64 column "id",
 * 10 rows. */
static const char mini[] = "\x15\x02\x19\x2c\x48\x06schema\x15\x02\x00"
	"\x15\x04\x25\x00\x18\x02id\x00\x16\x14\x19\x0c\x00"
	"\x1d\x00\x00\x00PAR1";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const only[] = { "events" };
	static const uint64_t sizes[8] = { 0, 4, 11, 12, 1000, 1u << 20,
					   UINT64_MAX, 13 };
	struct layout_options opt;
	struct layout *l;
	struct s3p_error err;
	unsigned o = size ? data[0] : 0;
	char *copy, *line, *next, *s;
	int day;

	memset(&opt, 0, sizeof opt);
	opt.content = (o & 1) != 0;
	opt.since = (o & 2) ? layout_day_from_ymd(2024, 1, 1) : LAYOUT_NO_DAY;
	opt.until = (o & 4) ? layout_day_from_ymd(2024, 3, 31) : LAYOUT_NO_DAY;
	opt.today = layout_day_from_ymd(2024, 6, 1);
	if (o & 8) {
		opt.datasets = only;
		opt.ndatasets = 1;
	}
	l = layout_new(&opt);

	copy = malloc(size + 1);
	if (!copy)
		abort();
	if (size > 1)
		memcpy(copy, data + 1, size - 1);
	copy[size ? size - 1 : 0] = '\0';
	for (line = copy; line; line = next) {
		unsigned char sel;
		uint64_t sz;
		const char *key;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (!*line)
			continue;
		sel = (unsigned char)line[0];
		key = line + 1;
		sz = sizes[sel & 7];
		(void)layout_wants_dataset(l, key);
		(void)layout_parse_day_name(key, &day);
		if (layout_parse_iso_day(key, &day, &err) == 0) {
			char d[11];

			layout_day_format(day, d);
			sink += strlen(d);
		}
		if (layout_add(l, key, sz) == LAYOUT_READ_CONTENT) {
			unsigned char head[4] = { 'P', 'A', 'R', '1' };
			unsigned char tail[8] = { 0, 0, 0, 0, 'P', 'A', 'R', '1' };

			if (sel & 8) {
				layout_content_failed(l, key, "fuzzed failure");
				continue;
			}
			if (sel & 16)
				head[0] = sel;
			if (sel & 32)
				tail[7] = sel;
			if (sel & 64)
				memset(tail, sel, 4);
			if ((sel & 128) && sz >= sizeof(mini) - 1) {
				/* A real footer (tests/mini_parquet.h), its
				 * column name varied: schemas, rows, drift. */
				unsigned char foot[sizeof(mini) - 1];

				memcpy(foot, mini, sizeof(foot));
				foot[21] = (unsigned char)('a' + (sel & 7));
				(void)layout_content(l, key, sz, head, foot,
						     sizeof(foot));
				continue;
			}
			(void)layout_content(l, key, sz, head, tail,
					     sizeof(tail));
		}
	}
	layout_finish(l);
	s = layout_report_json(l, (o & 16) ? LAYOUT_ROOT_BUCKET
					   : LAYOUT_ROOT_DIRECTORY,
			       "root", &err);
	free(s);
	s = layout_report_text(l, (o & 16) ? LAYOUT_ROOT_BUCKET
					   : LAYOUT_ROOT_DIRECTORY, "root");
	free(s);
	layout_free(l);
	free(copy);
	return 0;
}
