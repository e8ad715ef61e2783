/* test_xml.c - the streaming XML reader: (path, text) events, namespaces,
 * entities, and every way a document can be refused (truncated, garbage,
 * DTD / entity expansion, depth, text size). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "xml.h"

struct rec {
	struct buf log;
	int stop_at_end;   /* stop with this value at the first on_end */
};

static int rec_start(void *ctx, const char *path)
{
	struct rec *r = ctx;

	buf_printf(&r->log, "<%s>", path);
	return 0;
}

static int rec_end(void *ctx, const char *path, const char *text, size_t len)
{
	struct rec *r = ctx;

	assert_int_equal(strlen(text), len);
	buf_printf(&r->log, "[%s=%s]", path, text);
	return r->stop_at_end;
}

static int run(const char *doc, struct rec *r, struct s3p_error *err)
{
	struct xml_handler h = { r, rec_start, rec_end };

	return xml_parse(doc, strlen(doc), &h, err);
}

/* An S3 answer carries a default namespace: paths use local names. */
static void test_paths_and_namespaces(void **state)
{
	struct rec r = { BUF_INIT, 0 };
	struct s3p_error err;
	const char *doc =
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
		"<Name>b</Name><Contents><Key>a &amp; b &lt;c&gt; &#x263A;</Key>"
		"</Contents><x:Y xmlns:x=\"urn:x\">t</x:Y></ListBucketResult>";

	(void)state;
	assert_int_equal(run(doc, &r, &err), 0);
	assert_string_equal(
		buf_str(&r.log),
		"<ListBucketResult><ListBucketResult/Name>"
		"[ListBucketResult/Name=b]<ListBucketResult/Contents>"
		"<ListBucketResult/Contents/Key>"
		"[ListBucketResult/Contents/Key=a & b <c> \xe2\x98\xba]"
		"[ListBucketResult/Contents=]<ListBucketResult/Y>"
		"[ListBucketResult/Y=t][ListBucketResult=]");
	buf_release(&r.log);
}

/* Text split by CDATA and entities arrives as one value. */
static void test_text_joined(void **state)
{
	struct rec r = { BUF_INIT, 0 };
	struct s3p_error err;

	(void)state;
	assert_int_equal(run("<A>x<![CDATA[<y>]]>&amp;z</A>", &r, &err), 0);
	assert_string_equal(buf_str(&r.log), "<A>[A=x<y>&z]");
	buf_release(&r.log);
}

static void expect_malformed(const char *doc, const char *needle)
{
	struct rec r = { BUF_INIT, 0 };
	struct s3p_error err;

	memset(&err, 0, sizeof(err));
	assert_int_equal(run(doc, &r, &err), -1);
	assert_int_equal(err.kind, S3P_E_S3);
	if (!strstr(err.msg, needle))
		fail_msg("error '%s' lacks '%s'", err.msg, needle);
	buf_release(&r.log);
}

/* A body cut short by the network, an HTML error page, nothing at all. */
static void test_truncated_and_garbage(void **state)
{
	(void)state;
	expect_malformed("<ListBucketResult><Contents><Key>a</Key>",
			 "malformed xml");
	expect_malformed("<html><body>502 Bad Gateway</body>", "malformed xml");
	expect_malformed("not xml at all", "malformed xml");
	expect_malformed("", "malformed xml");
	expect_malformed("<A></B>", "malformed xml");
}

/* Entity expansion ("billion laughs") never reaches the callbacks. */
static void test_dtd_refused(void **state)
{
	(void)state;
	expect_malformed("<!DOCTYPE A [<!ENTITY x \"xxxxxxxx\">"
			 "<!ENTITY y \"&x;&x;&x;&x;&x;&x;&x;&x;\">]><A>&y;</A>",
			 "document type");
}

static void test_depth_limit(void **state)
{
	struct buf b = BUF_INIT;

	(void)state;
	for (int i = 0; i < XML_MAX_DEPTH + 1; i++)
		buf_puts(&b, "<a>");
	for (int i = 0; i < XML_MAX_DEPTH + 1; i++)
		buf_puts(&b, "</a>");
	expect_malformed(buf_str(&b), "deeper");
	buf_release(&b);
}

static void test_text_limit(void **state)
{
	struct buf b = BUF_INIT;

	(void)state;
	buf_puts(&b, "<a>");
	for (size_t i = 0; i < XML_MAX_TEXT + 1; i++)
		buf_putc(&b, 'x');
	buf_puts(&b, "</a>");
	expect_malformed(buf_str(&b), "longer than");
	buf_release(&b);
}

/* A callback's nonzero value stops the parse and is returned as is. */
static void test_callback_stops(void **state)
{
	struct rec r = { BUF_INIT, 7 };
	struct s3p_error err;

	(void)state;
	assert_int_equal(run("<A><B>1</B><C>2</C></A>", &r, &err), 7);
	assert_string_equal(buf_str(&r.log), "<A><A/B>[A/B=1]");
	buf_release(&r.log);
}

/* radosgw writes a key with control characters raw in its continuation
 * token, as references XML 1.0 forbids: they are read as the bytes they
 * stand for; a document without them keeps its private-use characters;
 * &#0; and unterminated references are still refused. */
static void test_control_character_references(void **state)
{
	struct rec r = { BUF_INIT, 0 };
	struct s3p_error err;

	(void)state;
	assert_int_equal(run("<R><NextContinuationToken>ctl&#1;char&#x1F;/"
			     "&#9;&amp;#2;</NextContinuationToken><K>&#x1f;"
			     "\xee\x80\x81</K></R>", &r, &err), 0);
	assert_string_equal(buf_str(&r.log),
			    "<R><R/NextContinuationToken>"
			    "[R/NextContinuationToken=ctl\x01" "char\x1f/\t&#2;]"
			    "<R/K>[R/K=\x1f\x01][R=]");
	buf_reset(&r.log);
	assert_int_equal(run("<R><K>\xee\x80\x81</K></R>", &r, &err), 0);
	assert_string_equal(buf_str(&r.log),
			    "<R><R/K>[R/K=\xee\x80\x81][R=]");
	assert_int_equal(run("<R><K>&#0;</K></R>", &r, &err), -1);
	assert_int_equal(run("<R><K>&#1</K></R>", &r, &err), -1);
	buf_release(&r.log);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_paths_and_namespaces),
		cmocka_unit_test(test_text_joined),
		cmocka_unit_test(test_truncated_and_garbage),
		cmocka_unit_test(test_dtd_refused),
		cmocka_unit_test(test_depth_limit),
		cmocka_unit_test(test_text_limit),
		cmocka_unit_test(test_callback_stops),
		cmocka_unit_test(test_control_character_references),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
