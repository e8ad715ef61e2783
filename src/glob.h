/* glob.h - the wildcard algebra of IAM patterns: match a string, decide
 * whether two patterns overlap (some string matches both) and whether one
 * covers another (every string the second matches, the first matches too),
 * exactly, over an unbounded alphabet.
 *
 * A pattern is an array of symbols: a value 0..255 is that literal
 * character (bytes, not UTF-8 code points), GLOB_STAR any run of
 * characters (also '/' and ':'), GLOB_ANY exactly one character.  Keeping
 * the wildcards apart from the characters lets a caller put a literal '*'
 * in a pattern (IAM's ${*}, or a substituted policy-variable value).
 *
 * Two more symbols describe ARN formats (lint asks which resource types a
 * Resource pattern can name): GLOB_SEG_ANY one character other than ':'
 * and '/', GLOB_SEG_STAR a run of such characters.  Every operation below
 * accepts them.
 *
 * ci (case-insensitive, ASCII): literals and characters compare folded;
 * callers that pass ci = 1 usually also built the pattern folded.
 *
 * Usage:
 *   struct glob g = GLOB_INIT;
 *   glob_push_text(&g, arn, strlen(arn), 1, 0);
 *   if (glob_match(&g, key, strlen(key), 0)) ...
 *   glob_release(&g);
 * or, for one question on two strings: glob_covers_text("a*", "ab*", 0).
 *
 * Cost: match is linear for patterns of '*' and '?' (quadratic with the
 * segment symbols); overlap and single-pattern coverage are O(n * m) after
 * linear short cuts; coverage by a union searches a subset construction
 * bounded by about 20,000 states and 2e7 bit operations, past which it
 * answers -1 (callers take it as not covered).
 *
 * Ownership: a struct glob owns its symbol array; glob_release() frees it.
 * A glob whose cap is 0 may be a view into another glob's array (never
 * released, never pushed to). */
#ifndef S3P_GLOB_H
#define S3P_GLOB_H

#include <stddef.h>

enum {
	GLOB_STAR = -1,     /* any run of characters */
	GLOB_ANY = -2,      /* exactly one character */
	GLOB_SEG_ANY = -4,  /* one character other than ':' and '/' */
	GLOB_SEG_STAR = -5  /* a run of characters other than ':' and '/' */
};

struct glob {
	int *s;
	size_t n, cap;
};

#define GLOB_INIT { NULL, 0, 0 }

/* ASCII lower case of c (other values unchanged). */
int glob_fold(int c);

/* Append one symbol (a character 0..255 or a GLOB_ symbol); a star after
 * a star of the same kind is dropped. */
void glob_push(struct glob *g, int sym);

/* Append the bytes t[0..len): with wild, '*' is GLOB_STAR and '?' is
 * GLOB_ANY, otherwise every byte is literal; with ci, letters are folded. */
void glob_push_text(struct glob *g, const char *t, size_t len, int wild,
		    int ci);

void glob_release(struct glob *g);

/* 1 when g holds a wildcard symbol (anything but a literal). */
int glob_has_wild(const struct glob *g);

/* 1 when pattern p matches the string s[0..len) (which may hold NUL). */
int glob_match(const struct glob *p, const char *s, size_t len, int ci);

/* 1 when some string is matched by both a and b. */
int glob_overlaps(const struct glob *a, const struct glob *b, int ci);

/* 1 when every string matched by b is matched by a. */
int glob_covers(const struct glob *a, const struct glob *b, int ci);

/* 1 when every string matched by b is matched by some a[k] (na == 0: 0);
 * 0 when not; -1 when the search exceeded its budget. */
int glob_covers_union(const struct glob *const *a, size_t na,
		      const struct glob *b, int ci);

/* The same on NUL-terminated pattern text ('*' and '?' are wildcards). */
int glob_match_text(const char *pattern, const char *s, int ci);
int glob_overlaps_text(const char *a, const char *b, int ci);
int glob_covers_text(const char *a, const char *b, int ci);

#endif
