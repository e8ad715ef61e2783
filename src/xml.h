/* xml.h - streaming XML reading (the only expat user).
 *
 * The document is delivered as a stream of (element path, text) events,
 * never as a tree: on_start(path) when an element opens, on_end(path,
 * text) when it closes, with the element's own character data (at most
 * XML_MAX_TEXT bytes; more is an error).  Paths are element local names
 * joined by '/', namespaces stripped: "ListBucketResult/Contents/Key".
 * Elements deeper than XML_MAX_DEPTH, a path longer than XML_MAX_PATH,
 * DTDs / entity declarations, and input over INT_MAX bytes are refused.
 * A reference to a control character XML 1.0 forbids ("&#1;": radosgw
 * writes a key raw in its continuation tokens) is read as that byte.
 */
#ifndef S3P_XML_H
#define S3P_XML_H

#include <stddef.h>

#include "error.h"

#define XML_MAX_DEPTH 32
#define XML_MAX_PATH 512
#define XML_MAX_TEXT (64u * 1024u)

struct xml_handler {
	void *ctx;
	/* Both may be NULL.  A nonzero return stops the parse; xml_parse then
	 * returns that value (and err is left as the callback set it). */
	int (*on_start)(void *ctx, const char *path);
	int (*on_end)(void *ctx, const char *path, const char *text,
		      size_t len);
};

/* Parse data[0..len).  Returns 0, the callback's nonzero value, or -1 on
 * malformed / truncated / over-limit XML with err set (S3P_E_S3,
 * "malformed xml: ..."). */
int xml_parse(const char *data, size_t len, const struct xml_handler *h,
	      struct s3p_error *err);

#endif
