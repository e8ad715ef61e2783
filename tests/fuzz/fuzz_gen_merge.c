/* fuzz_gen_merge.c - `s3perm gen --merge FILE` (and --remove) with FILE
 * holding the input: gen_run() parses the current policy, merges or
 * removes the vendor's statements, checks the size limit and formats.
 *
 * Input: the first byte picks --remove, the mode, the format and the
 * prefixes; the rest is the file's content.  The file is a temporary one,
 * rewritten for each input.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "gen.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[64];

static void cleanup(void)
{
	if (path[0])
		unlink(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *formats[] = { "json", "terraform", "cloudformation",
					 "json" };
	static const char *prefixes[] = { "events/", "a/b/" };
	struct gen_request rq;
	struct gen_result res;
	struct s3p_error err;
	unsigned sel = size ? data[0] : 0;
	FILE *f;

	if (!path[0]) {
		int fd;

		snprintf(path, sizeof path, "/tmp/s3perm-fuzz-merge.XXXXXX");
		fd = mkstemp(path);
		if (fd < 0)
			abort();
		close(fd);
		atexit(cleanup);
	}
	f = fopen(path, "wb");
	if (!f)
		abort();
	if (size > 1 && fwrite(data + 1, 1, size - 1, f) != size - 1)
		abort();
	fclose(f);

	memset(&rq, 0, sizeof rq);
	rq.mode = (sel & 1) ? "export" : "read";
	rq.bucket = "my-data";
	rq.user = "statsig-abc";
	rq.prefixes = prefixes;
	rq.nprefixes = (sel & 2) ? 2 : 0;
	rq.merge_path = path;
	rq.remove = (sel & 4) != 0;
	rq.format = formats[(sel >> 3) & 3];
	memset(&res, 0, sizeof res);
	if (gen_run(&rq, &res, &err) == 0)
		gen_result_release(&res);
	return 0;
}
