/* jsonstr.c - JSON strings from bytes that may not be UTF-8 (see
 * jsonstr.h). */
#include "jsonstr.h"

#include <string.h>

#include <jansson.h>

#include "buf.h"

json_t *jsonstr_new(const char *s, size_t *replaced)
{
	struct buf b = BUF_INIT;
	size_t n, bad;
	json_t *v;

	if (!s)
		return json_null();
	n = strlen(s);
	bad = buf_put_utf8_escaped(&b, s, n);
	if (!bad) {
		buf_release(&b);
		return json_stringn(s, n);
	}
	if (replaced)
		*replaced += bad;
	v = json_stringn(buf_str(&b), b.len);
	buf_release(&b);
	return v;
}
