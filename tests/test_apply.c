/* Unit tests: apply.c - the diff of two pretty-printed policies (hunks,
 * context, colour), the default backup name, the backup file (content,
 * mode 0600, never overwritten, nothing when there is no policy). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "apply.h"

static void test_diff_equal_is_empty(void **state)
{
	struct buf b = BUF_INIT;

	(void)state;
	apply_diff("a\nb\n", "a\nb\n", "x", "y", 0, &b);
	assert_int_equal(b.len, 0);
	buf_release(&b);
}

static void test_diff_hunk(void **state)
{
	struct buf b = BUF_INIT;
	const char *a = "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n";
	const char *c = "1\n2\n3\n4\n5\nsix\n7\n8\n9\n10\n";

	(void)state;
	apply_diff(a, c, "before", "after", 0, &b);
	assert_string_equal(buf_str(&b),
		"--- before\n+++ after\n@@ -3,7 +3,7 @@\n 3\n 4\n 5\n-6\n+six\n"
		" 7\n 8\n 9\n");
	buf_release(&b);
}

static void test_diff_two_hunks_and_insertions(void **state)
{
	struct buf b = BUF_INIT;
	const char *a = "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\nm\n";
	const char *c = "A\na\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\n";

	(void)state;
	apply_diff(a, c, "x", "y", 0, &b);
	assert_string_equal(buf_str(&b),
		"--- x\n+++ y\n@@ -1,3 +1,4 @@\n+A\n a\n b\n c\n"
		"@@ -10,4 +11,3 @@\n j\n k\n l\n-m\n");
	buf_release(&b);
}

static void test_diff_from_nothing_and_colour(void **state)
{
	struct buf b = BUF_INIT;

	(void)state;
	apply_diff("", "{\n}\n", "none", "new", 1, &b);
	assert_non_null(strstr(buf_str(&b), "\033[32m+{\033[0m\n"));
	assert_non_null(strstr(buf_str(&b), "@@ -0,0 +1,2 @@"));
	buf_release(&b);
}

static void test_backup_name(void **state)
{
	char name[256];

	(void)state;
	apply_backup_name("my-data", (time_t)1764911696, name, sizeof(name));
	assert_string_equal(name, "my-data.policy.20251205T051456Z.json");
}

static void test_backup_file(void **state)
{
	struct apply_state st;
	struct s3p_error err;
	char dir[] = "/tmp/s3perm-test-apply-XXXXXX";
	char path[512];
	struct stat sb;
	FILE *f;
	char got[64] = "";

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/b.json", dir);
	memset(&st, 0, sizeof(st));
	/* no policy: nothing written */
	assert_int_equal(apply_backup(&st, path, &err), 0);
	assert_null(st.backup_path);
	assert_int_equal(access(path, F_OK), -1);
	st.before_text = strdup("{\"Statement\":[]}");
	assert_int_equal(apply_backup(&st, path, &err), 0);
	assert_string_equal(st.backup_path, path);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(got, sizeof(got), f));
	fclose(f);
	assert_string_equal(got, "{\"Statement\":[]}");
	/* never overwritten */
	free(st.backup_path);
	st.backup_path = NULL;
	assert_int_equal(apply_backup(&st, path, &err), -1);
	assert_int_equal(err.kind, S3P_E_IO);
	assert_non_null(strstr(err.msg, "File exists"));
	apply_state_release(&st);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_diff_equal_is_empty),
		cmocka_unit_test(test_diff_hunk),
		cmocka_unit_test(test_diff_two_hunks_and_insertions),
		cmocka_unit_test(test_diff_from_nothing_and_colour),
		cmocka_unit_test(test_backup_name),
		cmocka_unit_test(test_backup_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
