/* jsonstr.h - JSON strings from bytes that may not be UTF-8.
 *
 * Jansson refuses a string that is not valid UTF-8 (json_string() returns
 * NULL), which used to make a whole document fail or lose a member.  Every
 * JSON writer builds its strings from keys, file names, server answers and
 * messages with jsonstr_new(): the bytes that are not UTF-8 are written as
 * the four characters \xNN, and the caller learns how many, to say so.
 */
#ifndef S3P_JSONSTR_H
#define S3P_JSONSTR_H

#include <stddef.h>

struct json_t;

/* A new JSON string holding s (NULL: JSON null); each byte that is not part
 * of valid UTF-8 becomes \xNN and adds one to *replaced (replaced may be
 * NULL).  Returns NULL only when out of memory. */
struct json_t *jsonstr_new(const char *s, size_t *replaced);

/* The note a writer appends to a message whose strings were changed so. */
#define JSONSTR_NOTE " (bytes that are not UTF-8 are shown as \\xNN)"

#endif
