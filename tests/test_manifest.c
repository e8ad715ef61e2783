/* Unit tests: manifest.c - the fleet check's manifest, JSON lines and CSV,
 * line by line: fields, defaults left NULL, prefixes, ids, missing and
 * extra columns, bad lines that do not stop the next ones. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "manifest.h"

/* Feed each line of text (split at '\n'); collect the results. */
struct fed {
	int rc[16];
	struct manifest_entry e[16];
	char msg[16][512];
	size_t n;
};

static void feed_all(const char *text, struct fed *f)
{
	struct manifest *m = manifest_new();
	size_t lineno = 0;

	memset(f, 0, sizeof(*f));
	while (*text && f->n < 16) {
		const char *nl = strchr(text, '\n');
		size_t len = nl ? (size_t)(nl - text) : strlen(text);
		struct s3p_error err = { S3P_OK, "" };

		f->rc[f->n] = manifest_feed(m, ++lineno, text, len,
					    &f->e[f->n], &err);
		memcpy(f->msg[f->n], err.msg, sizeof(err.msg));
		f->n++;
		text += len + (nl != NULL);
	}
	manifest_free(m);
}

static void release_all(struct fed *f)
{
	for (size_t i = 0; i < f->n; i++)
		if (f->rc[i] == 1)
			manifest_entry_release(&f->e[i]);
}

static void test_json_lines(void **state)
{
	struct fed f;

	(void)state;
	feed_all("{\"bucket\": \"b1\", \"mode\": \"export\", \"id\": 42,"
		 " \"prefix\": [\"events/\", \"metrics/\"], \"user\": \"u\","
		 " \"extra\": {\"x\": 1}}\n"
		 "\n"
		 "# comment\n"
		 "{\"bucket\": \"b2\", \"prefix\": \"p/\", \"region\":"
		 " \"eu-west-1\", \"object\": \"k\", \"upload_id\": \"U\","
		 " \"principal\": \"arn:aws:iam::1:role/r\", \"account\": null}\r\n"
		 "{\"mode\": \"read\"}\n"
		 "[1]\n"
		 "{\"bucket\": 7}\n"
		 "{\"bucket\": \"a\\u0000b\"}\n"
		 "{\"bucket\": \"b3\", \"bucket\": \"b4\"}\n"
		 "{\"bucket\": \"b5\"}\n", &f);
	assert_int_equal(f.n, 10);
	assert_int_equal(f.rc[0], 1);
	assert_string_equal(f.e[0].bucket, "b1");
	assert_string_equal(f.e[0].mode, "export");
	assert_string_equal(f.e[0].id, "42");
	assert_string_equal(f.e[0].user, "u");
	assert_int_equal(f.e[0].nprefixes, 2);
	assert_string_equal(f.e[0].prefixes[1], "metrics/");
	assert_null(f.e[0].region);
	assert_int_equal(f.e[0].line, 1);
	assert_int_equal(f.rc[1], 0);
	assert_int_equal(f.rc[2], 0);
	assert_int_equal(f.rc[3], 1);
	assert_int_equal(f.e[3].line, 4);
	assert_string_equal(f.e[3].region, "eu-west-1");
	assert_string_equal(f.e[3].object, "k");
	assert_string_equal(f.e[3].upload_id, "U");
	assert_string_equal(f.e[3].principal, "arn:aws:iam::1:role/r");
	assert_null(f.e[3].account);
	assert_null(f.e[3].mode);
	assert_int_equal(f.e[3].nprefixes, 1);
	assert_int_equal(f.rc[4], -1);
	assert_non_null(strstr(f.msg[4], "line 5: no bucket"));
	assert_int_equal(f.rc[5], -1);
	assert_non_null(strstr(f.msg[5], "not a JSON object"));
	assert_int_equal(f.rc[6], -1);
	assert_non_null(strstr(f.msg[6], "'bucket' must be a string"));
	assert_int_equal(f.rc[7], -1);   /* \u0000 is rejected by Jansson */
	assert_int_equal(f.rc[8], -1);   /* a key given twice */
	assert_int_equal(f.rc[9], 1);    /* bad lines do not stop the rest */
	assert_string_equal(f.e[9].bucket, "b5");
	release_all(&f);
}

static void test_csv(void **state)
{
	struct fed f;

	(void)state;
	feed_all(" id , bucket,mode,prefix,notes,prefix\n"
		 "c1,b1,export,events/,anything,metrics/\n"
		 "\"c,2\",b2\n"
		 "\"say \"\"hi\"\"\",b3,,,,\n"
		 "c4,b4,read,a,b,c,d\n"
		 "c5,\"b5\n"
		 "c6,,read\n"
		 "c7,b7,read,x\"y\n", &f);
	assert_int_equal(f.rc[0], 0);        /* the header */
	assert_int_equal(f.rc[1], 1);
	assert_string_equal(f.e[1].id, "c1");
	assert_string_equal(f.e[1].bucket, "b1");
	assert_string_equal(f.e[1].mode, "export");
	assert_int_equal(f.e[1].nprefixes, 2);
	assert_string_equal(f.e[1].prefixes[0], "events/");
	assert_string_equal(f.e[1].prefixes[1], "metrics/");
	assert_int_equal(f.rc[2], 1);        /* missing cells: defaults */
	assert_string_equal(f.e[2].id, "c,2");
	assert_null(f.e[2].mode);
	assert_int_equal(f.e[2].nprefixes, 0);
	assert_int_equal(f.rc[3], 1);
	assert_string_equal(f.e[3].id, "say \"hi\"");
	assert_int_equal(f.rc[4], -1);       /* more cells than columns */
	assert_non_null(strstr(f.msg[4], "line 5: 7 cells"));
	assert_int_equal(f.rc[5], -1);       /* quote left open */
	assert_int_equal(f.rc[6], -1);       /* no bucket */
	assert_int_equal(f.rc[7], -1);       /* quote inside a cell */
	release_all(&f);
}

static void test_csv_bad_header(void **state)
{
	struct fed f;

	(void)state;
	feed_all("name,mode\nb1,read\n", &f);
	assert_int_equal(f.rc[0], -1);
	assert_non_null(strstr(f.msg[0], "no 'bucket' column"));
	assert_int_equal(f.rc[1], -1);
	assert_non_null(strstr(f.msg[1], "CSV header is not usable"));
	feed_all("bucket,mode,bucket\nb1,read,b2\n", &f);
	assert_int_equal(f.rc[0], -1);
	assert_non_null(strstr(f.msg[0], "names 'bucket' twice"));
}

static void test_limits(void **state)
{
	struct manifest *m = manifest_new();
	struct manifest_entry e;
	struct s3p_error err;
	char line[MANIFEST_MAX_LINE + 64];
	size_t n;

	(void)state;
	/* 65 prefixes */
	n = (size_t)snprintf(line, sizeof(line), "{\"bucket\": \"b\", "
			     "\"prefix\": [");
	for (int i = 0; i < MANIFEST_MAX_PREFIXES + 1; i++)
		n += (size_t)snprintf(line + n, sizeof(line) - n, "%s\"p%d/\"",
				      i ? "," : "", i);
	n += (size_t)snprintf(line + n, sizeof(line) - n, "]}");
	assert_int_equal(manifest_feed(m, 1, line, n, &e, &err), -1);
	assert_non_null(strstr(err.msg, "more than 64 prefixes"));
	assert_string_equal(manifest_format(m), "json");
	/* a line over the limit */
	memset(line, ' ', sizeof(line));
	memcpy(line, "{\"bucket\": \"b\"}", 15);
	assert_int_equal(manifest_feed(m, 2, line, sizeof(line), &e, &err),
			 -1);
	assert_non_null(strstr(err.msg, "longer than 65536"));
	manifest_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_lines),
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_csv_bad_header),
		cmocka_unit_test(test_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
