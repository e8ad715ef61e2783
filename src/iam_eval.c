/* iam_eval.c - IAM evaluation of a bucket policy.  See iam_eval.h for the
 * semantics; this file follows AWS's IAM JSON policy element reference
 * (Action, Resource, Principal, NotPrincipal, Condition, condition
 * operators, policy variables) and its policy evaluation logic for a
 * resource-based policy. */
#include "iam_eval.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "buf.h"
#include "template.h"

/* ---- three-valued logic -------------------------------------------------- */

enum tri { T_FALSE = 0, T_TRUE = 1, T_UNKNOWN = 2 };

static enum tri tri_and(enum tri a, enum tri b)
{
	if (a == T_FALSE || b == T_FALSE)
		return T_FALSE;
	if (a == T_UNKNOWN || b == T_UNKNOWN)
		return T_UNKNOWN;
	return T_TRUE;
}

static enum tri tri_or(enum tri a, enum tri b)
{
	if (a == T_TRUE || b == T_TRUE)
		return T_TRUE;
	if (a == T_UNKNOWN || b == T_UNKNOWN)
		return T_UNKNOWN;
	return T_FALSE;
}

static enum tri tri_not(enum tri a)
{
	return a == T_UNKNOWN ? T_UNKNOWN : a == T_TRUE ? T_FALSE : T_TRUE;
}

/* ---- string sets (case-insensitive, sorted) ------------------------------- */

struct strset {
	char **v;
	size_t n, cap;
};

static void strset_add_n(struct strset *s, const char *str, size_t len,
			 int ci)
{
	size_t i, pos = s->n;

	for (i = 0; i < s->n; i++) {
		int c = ci ? strncasecmp(s->v[i], str, len)
			   : strncmp(s->v[i], str, len);

		if (c == 0 && s->v[i][len] == '\0')
			return;
		if (c == 0)
			c = 1; /* s->v[i] is longer: it sorts after */
		if (c > 0) {
			pos = i;
			break;
		}
	}
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 4;
		s->v = xrealloc(s->v, s->cap * sizeof(*s->v));
	}
	memmove(s->v + pos + 1, s->v + pos, (s->n - pos) * sizeof(*s->v));
	s->v[pos] = xstrndup(str, len);
	s->n++;
}

static void strset_add(struct strset *s, const char *str, int ci)
{
	strset_add_n(s, str, strlen(str), ci);
}

static void strset_merge(struct strset *dst, const struct strset *src,
			 int ci)
{
	for (size_t i = 0; i < src->n; i++)
		strset_add(dst, src->v[i], ci);
}

static void strset_release(struct strset *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

/* Appends str to a plain string list (no dedupe, keeps order). */
static void strv_push(char ***v, size_t *n, const char *str)
{
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = xstrdup(str);
}

static void strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* ---- globs ----------------------------------------------------------------
 * A pattern is an array of symbols: a byte value 0..255 is that literal
 * character, G_STAR any run of characters, G_ANY exactly one.  Keeping the
 * wildcards apart from the characters lets ${*} and substituted values be
 * literal '*' characters. */

enum { G_STAR = -1, G_ANY = -2, G_BOT = -3 /* a character no pattern names */ };

struct glob {
	int *s;
	size_t n, cap;
};

static int fold(int c)
{
	return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

static void glob_push(struct glob *g, int sym)
{
	/* a run of stars is one star */
	if (sym == G_STAR && g->n && g->s[g->n - 1] == G_STAR)
		return;
	if (g->n == g->cap) {
		g->cap = g->cap ? 2 * g->cap : 32;
		g->s = xrealloc(g->s, g->cap * sizeof(*g->s));
	}
	g->s[g->n++] = sym;
}

static void glob_push_text(struct glob *g, const char *t, size_t len,
			   int wild, int ci)
{
	if (g->n + len > g->cap) {
		g->cap = g->n + len + 8;
		g->s = xrealloc(g->s, g->cap * sizeof(*g->s));
	}
	for (size_t i = 0; i < len; i++) {
		int c = (unsigned char)t[i];

		if (wild && c == '*')
			glob_push(g, G_STAR);
		else if (wild && c == '?')
			glob_push(g, G_ANY);
		else
			glob_push(g, ci ? fold(c) : c);
	}
}

static void glob_release(struct glob *g)
{
	free(g->s);
	memset(g, 0, sizeof(*g));
}

static int glob_has_wild(const struct glob *g)
{
	for (size_t i = 0; i < g->n; i++)
		if (g->s[i] < 0)
			return 1;
	return 0;
}

static int sym_eq(int p, int c, int ci)
{
	return ci ? fold(p) == fold(c) : p == c;
}

/* Does pattern p match the string s[0..len)? */
static int glob_match_str(const struct glob *p, const char *s, size_t len,
			  int ci)
{
	size_t i = 0, j = 0, star_j = SIZE_MAX, star_i = 0;

	while (i < len) {
		int c = (unsigned char)s[i];

		if (j < p->n && (p->s[j] == G_ANY ||
				 (p->s[j] >= 0 && sym_eq(p->s[j], c, ci)))) {
			i++;
			j++;
		} else if (j < p->n && p->s[j] == G_STAR) {
			star_j = j++;
			star_i = i;
		} else if (star_j != SIZE_MAX) {
			j = star_j + 1;
			i = ++star_i;
		} else {
			return 0;
		}
	}
	while (j < p->n && p->s[j] == G_STAR)
		j++;
	return j == p->n;
}

/* Is there a string both a and b match?  Exact over an unbounded alphabet:
 * a dynamic programme over pairs of positions (i, j), each step consuming
 * one symbol of a, of b, or one character from both. */
static int glob_overlaps_g(const struct glob *a, const struct glob *b, int ci)
{
	size_t n = a->n, m = b->n, i, j;
	unsigned char *r;
	int res;

	/* literal prefixes and suffixes settle most cases in linear time */
	for (i = 0; i < n && i < m && a->s[i] >= 0 && b->s[i] >= 0; i++)
		if (!sym_eq(a->s[i], b->s[i], ci))
			return 0;
	if ((i == n || i == m) && !(i < n && a->s[i] == G_STAR) &&
	    !(i < m && b->s[i] == G_STAR)) {
		/* one ended while the other still needs characters */
		if (i == n && i == m)
			return 1;
		return 0;
	}
	for (i = 0; i < n && i < m && a->s[n - 1 - i] >= 0 &&
		    b->s[m - 1 - i] >= 0; i++)
		if (!sym_eq(a->s[n - 1 - i], b->s[m - 1 - i], ci))
			return 0;

	r = xcalloc((n + 1) * (m + 1), 1);
#define R(x, y) r[(x) * (m + 1) + (y)]
	R(0, 0) = 1;
	for (i = 0; i <= n; i++) {
		for (j = 0; j <= m; j++) {
			int sa, sb;

			if (!R(i, j))
				continue;
			sa = i < n ? a->s[i] : 0;
			sb = j < m ? b->s[j] : 0;
			if (i < n && sa == G_STAR)
				R(i + 1, j) = 1;
			if (j < m && sb == G_STAR)
				R(i, j + 1) = 1;
			if (i < n && j < m) {
				if (sa == G_STAR && sb == G_STAR)
					continue;
				if (sa >= 0 && sb >= 0 && !sym_eq(sa, sb, ci))
					continue;
				R(sa == G_STAR ? i : i + 1,
				  sb == G_STAR ? j : j + 1) = 1;
			}
		}
	}
	res = R(n, m);
#undef R
	free(r);
	return res;
}

/* Subset construction for "every string b matches, some a[k] matches".
 * States of the union of the a[k] NFAs are bits (k, position); the search
 * walks pairs (position in b, set of a-states) looking for a string b
 * accepts and no a[k] does.  Characters that b's wildcards produce are the
 * literals of the a[k] plus one character none of them names (G_BOT), which
 * is exact over an unbounded alphabet.  Returns 1 covered, 0 not covered,
 * -1 when the search exceeds its budget (callers treat it as not covered). */

/* At most this many states, and about COVER_WORK bit operations in all
 * (states x alphabet x bits), so that no policy makes evaluation slow. */
#define COVER_BUDGET 20000
#define COVER_WORK 20000000.0

struct cover {
	const struct glob *const *a;
	size_t na;
	size_t *off;        /* first bit of a[k] */
	size_t nbits, words;
	int ci;
	/* visited states: j and the bit set, in one array */
	size_t nstates, capstates, budget;
	size_t *sj;
	uint64_t *sbits;
	size_t *hash;       /* open addressing, index + 1, 0 = empty */
	size_t hcap;
	size_t *queue;
	size_t qhead;
};

static int bit_get(const uint64_t *b, size_t i)
{
	return (int)((b[i / 64] >> (i % 64)) & 1u);
}

static void bit_set(uint64_t *b, size_t i)
{
	b[i / 64] |= (uint64_t)1 << (i % 64);
}

static void cover_closure(const struct cover *c, uint64_t *bits)
{
	for (size_t k = 0; k < c->na; k++) {
		const struct glob *g = c->a[k];

		for (size_t p = 0; p < g->n; p++)
			if (g->s[p] == G_STAR && bit_get(bits, c->off[k] + p))
				bit_set(bits, c->off[k] + p + 1);
	}
}

static void cover_step(const struct cover *c, const uint64_t *in,
		       uint64_t *out, int ch)
{
	memset(out, 0, c->words * sizeof(*out));
	for (size_t k = 0; k < c->na; k++) {
		const struct glob *g = c->a[k];

		for (size_t p = 0; p < g->n; p++) {
			int s = g->s[p];

			if (!bit_get(in, c->off[k] + p))
				continue;
			if (s == G_STAR)
				bit_set(out, c->off[k] + p);
			else if (s == G_ANY ||
				 (ch >= 0 && sym_eq(s, ch, c->ci)))
				bit_set(out, c->off[k] + p + 1);
		}
	}
	cover_closure(c, out);
}

static int cover_accepts(const struct cover *c, const uint64_t *bits)
{
	for (size_t k = 0; k < c->na; k++)
		if (bit_get(bits, c->off[k] + c->a[k]->n))
			return 1;
	return 0;
}

static int bits_empty(const struct cover *c, const uint64_t *bits)
{
	for (size_t w = 0; w < c->words; w++)
		if (bits[w])
			return 0;
	return 1;
}

static size_t cover_hash(const struct cover *c, size_t j, const uint64_t *b)
{
	uint64_t h = 1469598103934665603ull ^ j;

	for (size_t w = 0; w < c->words; w++) {
		h ^= b[w];
		h *= 1099511628211ull;
		h ^= h >> 29;
	}
	return (size_t)h;
}

/* Adds (j, bits) unless visited; returns -1 over budget. */
static int cover_push(struct cover *c, size_t j, const uint64_t *bits)
{
	size_t h, idx;

	if (c->nstates * 2 >= c->hcap) {
		size_t ncap = c->hcap ? 2 * c->hcap : 256;
		size_t *nh = xcalloc(ncap, sizeof(*nh));

		for (size_t s = 0; s < c->nstates; s++) {
			h = cover_hash(c, c->sj[s], c->sbits + s * c->words);
			for (idx = h % ncap; nh[idx]; idx = (idx + 1) % ncap)
				;
			nh[idx] = s + 1;
		}
		free(c->hash);
		c->hash = nh;
		c->hcap = ncap;
	}
	h = cover_hash(c, j, bits);
	for (idx = h % c->hcap; c->hash[idx]; idx = (idx + 1) % c->hcap) {
		size_t s = c->hash[idx] - 1;

		if (c->sj[s] == j &&
		    !memcmp(c->sbits + s * c->words, bits,
			    c->words * sizeof(*bits)))
			return 0;
	}
	if (c->nstates >= c->budget)
		return -1;
	if (c->nstates == c->capstates) {
		c->capstates = c->capstates ? 2 * c->capstates : 64;
		c->sj = xrealloc(c->sj, c->capstates * sizeof(*c->sj));
		c->sbits = xrealloc(c->sbits, c->capstates * c->words *
				    sizeof(*c->sbits));
		c->queue = xrealloc(c->queue,
				    c->capstates * sizeof(*c->queue));
	}
	c->sj[c->nstates] = j;
	memcpy(c->sbits + c->nstates * c->words, bits,
	       c->words * sizeof(*bits));
	c->hash[idx] = c->nstates + 1;
	c->queue[c->nstates] = c->nstates;
	c->nstates++;
	return 0;
}

static int glob_covers_union(const struct glob *const *a, size_t na,
			     const struct glob *b, int ci)
{
	struct cover c;
	int alpha[258];
	size_t nalpha = 0, k, i;
	uint64_t *cur = NULL, *nxt = NULL;
	int res = 1;
	unsigned char seen[256];

	if (!na)
		return 0;
	/* b without wildcards: a plain match of one string */
	if (!glob_has_wild(b)) {
		char *s = xmalloc(b->n + 1);

		for (i = 0; i < b->n; i++)
			s[i] = (char)b->s[i];
		for (k = 0; k < na; k++)
			if (glob_match_str(a[k], s, b->n, ci))
				break;
		free(s);
		return k < na;
	}
	/* Some a[k] must be able to follow b past its fixed prefix and
	 * suffix (a wildcard of b can produce a character no literal of a[k]
	 * accepts); when none can, b is not covered. */
	{
		size_t pb = 0, sb = 0, cand = 0;

		while (pb < b->n && b->s[pb] >= 0)
			pb++;
		while (sb < b->n && b->s[b->n - 1 - sb] >= 0)
			sb++;
		for (k = 0; k < na && !cand; k++) {
			const struct glob *g = a[k];
			size_t pa = 0, sa = 0;

			while (pa < g->n && g->s[pa] >= 0)
				pa++;
			while (sa < g->n && g->s[g->n - 1 - sa] >= 0)
				sa++;
			if (pa == g->n || pa > pb || sa > sb)
				continue;
			for (i = 0; i < pa; i++)
				if (!sym_eq(g->s[i], b->s[i], ci))
					break;
			if (i < pa)
				continue;
			for (i = 0; i < sa; i++)
				if (!sym_eq(g->s[g->n - 1 - i],
					    b->s[b->n - 1 - i], ci))
					break;
			cand = i == sa;
		}
		if (!cand)
			return 0;
	}
	memset(&c, 0, sizeof(c));
	c.a = a;
	c.na = na;
	c.ci = ci;
	c.off = xmalloc(na * sizeof(*c.off));
	memset(seen, 0, sizeof(seen));
	for (k = 0; k < na; k++) {
		c.off[k] = c.nbits;
		c.nbits += a[k]->n + 1;
		for (i = 0; i < a[k]->n; i++) {
			int s = a[k]->s[i];

			if (s >= 0) {
				s = ci ? fold(s) : s;
				if (!seen[s]) {
					seen[s] = 1;
					alpha[nalpha++] = s;
				}
			}
		}
	}
	alpha[nalpha++] = G_BOT;
	c.words = (c.nbits + 63) / 64;
	{
		double states = COVER_WORK / ((double)nalpha * (double)c.nbits);

		c.budget = states < COVER_BUDGET ? (size_t)states : COVER_BUDGET;
		if (c.budget < 64)
			c.budget = 64;
	}
	cur = xcalloc(c.words, sizeof(*cur));
	nxt = xcalloc(c.words, sizeof(*nxt));
	for (k = 0; k < na; k++)
		bit_set(cur, c.off[k]);
	cover_closure(&c, cur);
	if (cover_push(&c, 0, cur) < 0)
		res = -1;
	while (res == 1 && c.qhead < c.nstates) {
		size_t s = c.queue[c.qhead++];
		size_t j = c.sj[s];
		int sym;

		memcpy(cur, c.sbits + s * c.words, c.words * sizeof(*cur));
		if (bits_empty(&c, cur)) {
			res = 0; /* b can still finish; no a can */
			break;
		}
		if (j == b->n) {
			if (!cover_accepts(&c, cur))
				res = 0;
			continue;
		}
		sym = b->s[j];
		if (sym == G_STAR) {
			if (cover_push(&c, j + 1, cur) < 0) {
				res = -1;
				break;
			}
		}
		if (sym >= 0) {
			cover_step(&c, cur, nxt, ci ? fold(sym) : sym);
			if (cover_push(&c, j + 1, nxt) < 0)
				res = -1;
			continue;
		}
		for (i = 0; i < nalpha && res == 1; i++) {
			cover_step(&c, cur, nxt, alpha[i]);
			if (cover_push(&c, sym == G_STAR ? j : j + 1, nxt) < 0)
				res = -1;
		}
	}
	free(cur);
	free(nxt);
	free(c.off);
	free(c.sj);
	free(c.sbits);
	free(c.hash);
	free(c.queue);
	return res;
}

/* Sound but incomplete fast test of "a covers b": a maps onto b symbol by
 * symbol (a's '*' takes any run of b's symbols, a's '?' one literal or '?'
 * of b, a's literal the same literal).  When it says yes, a covers b. */
static int glob_covers_syntactic(const struct glob *a, const struct glob *b,
				 int ci)
{
	size_t n = a->n, m = b->n, i, j;
	unsigned char *r;
	int res;

	r = xcalloc((n + 1) * (m + 1), 1);
#define R(x, y) r[(x) * (m + 1) + (y)]
	R(0, 0) = 1;
	for (i = 0; i <= n; i++) {
		for (j = 0; j <= m; j++) {
			int sa, sb;

			if (!R(i, j) || i == n)
				continue;
			sa = a->s[i];
			if (sa == G_STAR) {
				R(i + 1, j) = 1;        /* takes nothing */
				if (j < m)
					R(i, j + 1) = 1; /* takes b[j] */
				continue;
			}
			if (j == m)
				continue;
			sb = b->s[j];
			if ((sa == G_ANY && sb != G_STAR) ||
			    (sa >= 0 && sb >= 0 && sym_eq(sa, sb, ci)))
				R(i + 1, j + 1) = 1;
		}
	}
	res = R(n, m);
#undef R
	free(r);
	return res;
}

static size_t lit_prefix(const struct glob *g)
{
	size_t i = 0;

	while (i < g->n && g->s[i] >= 0)
		i++;
	return i;
}

static size_t lit_suffix(const struct glob *g)
{
	size_t i = 0;

	while (i < g->n && g->s[g->n - 1 - i] >= 0)
		i++;
	return i;
}

static int glob_covers_g(const struct glob *a, const struct glob *b, int ci)
{
	struct glob va, vb;
	const struct glob *v[1] = { &va };
	size_t pa, pb, sa, sb, i;

	if (!glob_has_wild(a))
		/* one string covers only itself */
		return !glob_has_wild(b) && a->n == b->n &&
		       glob_covers_syntactic(a, b, ci);
	if (!glob_has_wild(b)) {
		/* one string: does a match it? */
		const struct glob *one[1] = { a };

		return glob_covers_union(one, 1, b, ci) == 1;
	}
	/* Both have wildcards.  Where b's fixed prefix is shorter than a's,
	 * b's first wildcard can produce a character a's literal refuses;
	 * likewise at the end.  Otherwise the fixed parts must agree and can
	 * be cut off both. */
	pa = lit_prefix(a);
	pb = lit_prefix(b);
	sa = lit_suffix(a);
	sb = lit_suffix(b);
	if (pb < pa || sb < sa)
		return 0;
	for (i = 0; i < pa; i++)
		if (!sym_eq(a->s[i], b->s[i], ci))
			return 0;
	for (i = 0; i < sa; i++)
		if (!sym_eq(a->s[a->n - 1 - i], b->s[b->n - 1 - i], ci))
			return 0;
	va.s = a->s + pa;
	va.n = a->n - pa - sa;
	va.cap = 0;
	vb.s = b->s + pa;
	vb.n = b->n - pa - sa;
	vb.cap = 0;
	if (glob_covers_syntactic(&va, &vb, ci))
		return 1;
	return glob_covers_union(v, 1, &vb, ci) == 1;
}

int iam_glob_match(const char *pattern, const char *s, int ci)
{
	struct glob g = { 0 };
	int r;

	glob_push_text(&g, pattern, strlen(pattern), 1, ci);
	r = glob_match_str(&g, s, strlen(s), ci);
	glob_release(&g);
	return r;
}

/* rel (covers or overlaps) of the patterns a and b. */
static int glob_pair(const char *a, const char *b, int ci,
		     int (*rel)(const struct glob *, const struct glob *, int))
{
	struct glob ga = { 0 }, gb = { 0 };
	int r;

	glob_push_text(&ga, a, strlen(a), 1, ci);
	glob_push_text(&gb, b, strlen(b), 1, ci);
	r = rel(&ga, &gb, ci);
	glob_release(&ga);
	glob_release(&gb);
	return r;
}

int iam_glob_covers(const char *a, const char *b, int ci)
{
	return glob_pair(a, b, ci, glob_covers_g);
}

int iam_glob_overlaps(const char *a, const char *b, int ci)
{
	return glob_pair(a, b, ci, glob_overlaps_g);
}

/* ---- decisions ------------------------------------------------------------ */

const char *iam_decision_str(enum iam_decision d)
{
	switch (d) {
	case IAM_ALLOWED: return "allowed";
	case IAM_EXPLICIT_DENY: return "explicit-deny";
	case IAM_IMPLICIT_DENY: return "implicit-deny";
	case IAM_CONDITIONAL: return "conditional";
	}
	return "unknown";
}

/* ---- context -------------------------------------------------------------- */

static struct eval_key *ctx_find(const struct eval_context *ctx,
				 const char *name, size_t len)
{
	for (size_t i = 0; i < ctx->nkeys; i++)
		if (!strncasecmp(ctx->keys[i].name, name, len) &&
		    ctx->keys[i].name[len] == '\0')
			return &ctx->keys[i];
	return NULL;
}

static struct eval_key *ctx_get_or_add(struct eval_context *ctx,
				       const char *name)
{
	struct eval_key *k = ctx_find(ctx, name, strlen(name));

	if (k)
		return k;
	if (ctx->nkeys == ctx->cap) {
		ctx->cap = ctx->cap ? 2 * ctx->cap : 8;
		ctx->keys = xrealloc(ctx->keys, ctx->cap * sizeof(*ctx->keys));
	}
	k = &ctx->keys[ctx->nkeys++];
	memset(k, 0, sizeof(*k));
	k->name = xstrdup(name);
	return k;
}

static void key_clear_values(struct eval_key *k)
{
	strv_free(k->values, k->nvalues);
	k->values = NULL;
	k->nvalues = 0;
}

int eval_context_add(struct eval_context *ctx, const char *key,
		     const char *value, struct s3p_error *err)
{
	struct eval_key *k;

	if (!key || !*key || !value)
		return s3p_error_set(err, S3P_E_USAGE,
				     "invalid condition key '%s'",
				     key ? key : "");
	k = ctx_get_or_add(ctx, key);
	k->absent = 0;
	strv_push(&k->values, &k->nvalues, value);
	return 0;
}

int eval_context_set_absent(struct eval_context *ctx, const char *key,
			    struct s3p_error *err)
{
	struct eval_key *k;

	if (!key || !*key)
		return s3p_error_set(err, S3P_E_USAGE,
				     "invalid condition key ''");
	k = ctx_get_or_add(ctx, key);
	key_clear_values(k);
	k->absent = 1;
	return 0;
}

void eval_context_unset(struct eval_context *ctx, const char *key)
{
	struct eval_key *k = ctx_find(ctx, key, strlen(key));
	size_t i;

	if (!k)
		return;
	i = (size_t)(k - ctx->keys);
	free(k->name);
	key_clear_values(k);
	memmove(ctx->keys + i, ctx->keys + i + 1,
		(ctx->nkeys - i - 1) * sizeof(*ctx->keys));
	ctx->nkeys--;
}

const struct eval_key *eval_context_get(const struct eval_context *ctx,
					const char *key)
{
	return ctx_find(ctx, key, strlen(key));
}

int eval_context_assign(struct eval_context *ctx, const char *assignment,
			struct s3p_error *err)
{
	const char *eq = strchr(assignment, '=');
	struct eval_key *k;
	char *name;

	if (!eq || eq == assignment)
		return s3p_error_set(err, S3P_E_USAGE,
			"invalid context '%s': expected KEY=VALUE, e.g. "
			"aws:SourceIp=203.0.113.7", assignment);
	name = xstrndup(assignment, (size_t)(eq - assignment));
	if (strchr(name, ' ') || strchr(name, '$') || strchr(name, '{')) {
		s3p_error_set(err, S3P_E_USAGE,
			"invalid context '%s': bad key name '%s'", assignment,
			name);
		free(name);
		return -1;
	}
	k = ctx_get_or_add(ctx, name);
	free(name);
	if (!k->explicit_) {
		key_clear_values(k);
		k->explicit_ = 1;
	}
	k->absent = 0;
	strv_push(&k->values, &k->nvalues, eq + 1);
	return 0;
}

int eval_context_init(struct eval_context *ctx, const struct principal *p,
		      struct s3p_error *err)
{
	char arn[1200];
	const char *type = "User";

	memset(ctx, 0, sizeof(*ctx));
	ctx->principal = *p;
	ctx->others_unknown = 1;
	switch (p->type) {
	case PRINCIPAL_USER:
		type = "User";
		snprintf(arn, sizeof(arn), "%s", p->arn);
		break;
	case PRINCIPAL_ROLE:
		type = "AssumedRole";
		snprintf(arn, sizeof(arn), "%s", p->arn);
		break;
	case PRINCIPAL_ASSUMED_ROLE:
		type = "AssumedRole";
		snprintf(arn, sizeof(arn), "arn:%s:iam::%s:role/%s",
			 p->partition, p->account, p->name);
		break;
	case PRINCIPAL_ACCOUNT:
		type = "Account";
		snprintf(arn, sizeof(arn), "arn:%s:iam::%s:root",
			 p->partition, p->account);
		break;
	}
	if (eval_context_add(ctx, "aws:PrincipalArn", arn, err) < 0 ||
	    eval_context_add(ctx, "aws:PrincipalAccount", p->account, err) < 0 ||
	    eval_context_add(ctx, "aws:PrincipalType", type, err) < 0 ||
	    (p->type == PRINCIPAL_USER
		 ? eval_context_add(ctx, "aws:username", p->name, err)
		 : eval_context_set_absent(ctx, "aws:username", err)) < 0 ||
	    eval_context_add(ctx, "aws:SecureTransport", "true", err) < 0) {
		eval_context_release(ctx);
		return -1;
	}
	return 0;
}

int eval_context_copy(struct eval_context *dst, const struct eval_context *src,
		      struct s3p_error *err)
{
	(void)err;
	memset(dst, 0, sizeof(*dst));
	dst->principal = src->principal;
	dst->others_unknown = src->others_unknown;
	for (size_t i = 0; i < src->nkeys; i++) {
		const struct eval_key *s = &src->keys[i];
		struct eval_key *d = ctx_get_or_add(dst, s->name);

		d->absent = s->absent;
		d->explicit_ = s->explicit_;
		for (size_t v = 0; v < s->nvalues; v++)
			strv_push(&d->values, &d->nvalues, s->values[v]);
	}
	return 0;
}

void eval_context_release(struct eval_context *ctx)
{
	for (size_t i = 0; i < ctx->nkeys; i++) {
		free(ctx->keys[i].name);
		key_clear_values(&ctx->keys[i]);
	}
	free(ctx->keys);
	ctx->keys = NULL;
	ctx->nkeys = ctx->cap = 0;
}

int eval_context_for_grant(const struct eval_context *base,
			   const struct grant *g, size_t prefix_index,
			   struct eval_context *out, struct s3p_error *err)
{
	const struct eval_key *k;

	if (eval_context_copy(out, base, err) < 0)
		return -1;
	k = eval_context_get(out, "s3:prefix");
	if (k && k->explicit_)
		return 0;
	if (g->bucket_level && g->nprefixes) {
		if (prefix_index >= g->nprefixes)
			prefix_index = 0;
		eval_context_unset(out, "s3:prefix");
		if (eval_context_add(out, "s3:prefix", g->prefixes[prefix_index],
				     err) < 0)
			goto fail;
	} else if (eval_context_set_absent(out, "s3:prefix", err) < 0) {
		goto fail;
	}
	return 0;
fail:
	eval_context_release(out);
	return -1;
}

enum kstate { K_UNKNOWN, K_ABSENT, K_PRESENT };

static enum kstate ctx_lookup(const struct eval_context *ctx, const char *name,
			      size_t len, const struct eval_key **out)
{
	const struct eval_key *k = ctx_find(ctx, name, len);

	*out = k;
	if (!k)
		return ctx->others_unknown ? K_UNKNOWN : K_ABSENT;
	return k->absent || !k->nvalues ? K_ABSENT : K_PRESENT;
}

/* ---- compiled policy ------------------------------------------------------ */

/* A string of the policy that may hold policy variables. */
struct pstr {
	char *raw;
	struct glob g;      /* compiled when !dyn */
	int dyn;            /* holds ${...} under Version 2012-10-17 */
};

enum pr_kind { PR_ANY, PR_ACCOUNT, PR_USER, PR_ROLE, PR_SESSION, PR_OTHER };

struct prin {
	enum pr_kind kind;
	char *raw;
	char *partition;    /* NULL: any (bare account id) */
	char *account;
	char *rolename;     /* PR_ROLE, PR_SESSION */
};

enum fam { F_STRING, F_NUM, F_DATE, F_BOOL, F_BIN, F_IP, F_ARN, F_NULL };
enum cmpop { C_EQ, C_EQ_CI, C_LIKE, C_LT, C_LE, C_GT, C_GE };
enum setop { SET_NONE, SET_ANY, SET_ALL };

struct cond {
	char *op;           /* as written */
	char *key;
	int valid;
	enum fam fam;
	enum cmpop cmp;
	int neg, ifexists;
	enum setop set;
	struct pstr *vals;
	size_t nvals;
};

struct stmt {
	size_t index;
	char *sid;
	int deny;
	char *invalid;      /* why it never applies, or NULL */
	int not_principal;
	struct prin *pr;
	size_t npr;
	int not_action;
	struct glob *act;
	size_t nact;
	int not_resource;
	struct pstr *res;
	size_t nres;
	struct cond *cond;
	size_t ncond;
};

struct iam_policy {
	int vars;           /* Version 2012-10-17: policy variables */
	struct stmt *st;
	size_t n;
};

static void pstr_init(struct pstr *p, const char *raw, int vars, int wild,
		      int ci)
{
	memset(p, 0, sizeof(*p));
	p->raw = xstrdup(raw);
	if (vars && strstr(raw, "${")) {
		p->dyn = 1;
		return;
	}
	glob_push_text(&p->g, raw, strlen(raw), wild, ci);
}

static void pstr_release(struct pstr *p)
{
	free(p->raw);
	glob_release(&p->g);
}

static void prin_release(struct prin *p)
{
	free(p->raw);
	free(p->partition);
	free(p->account);
	free(p->rolename);
}

static void stmt_release(struct stmt *s)
{
	size_t i, j;

	free(s->sid);
	free(s->invalid);
	for (i = 0; i < s->npr; i++)
		prin_release(&s->pr[i]);
	free(s->pr);
	for (i = 0; i < s->nact; i++)
		glob_release(&s->act[i]);
	free(s->act);
	for (i = 0; i < s->nres; i++)
		pstr_release(&s->res[i]);
	free(s->res);
	for (i = 0; i < s->ncond; i++) {
		free(s->cond[i].op);
		free(s->cond[i].key);
		for (j = 0; j < s->cond[i].nvals; j++)
			pstr_release(&s->cond[i].vals[j]);
		free(s->cond[i].vals);
	}
	free(s->cond);
}

void iam_policy_free(struct iam_policy *pol)
{
	if (!pol)
		return;
	for (size_t i = 0; i < pol->n; i++)
		stmt_release(&pol->st[i]);
	free(pol->st);
	free(pol);
}

size_t iam_policy_count(const struct iam_policy *pol)
{
	return pol ? pol->n : 0;
}

static void stmt_invalid(struct stmt *s, const char *why)
{
	if (!s->invalid)
		s->invalid = xstrdup(why);
}

/* Calls fn for a string or each string of a list; 0 if the value is
 * neither (or a list holds a non-string). */
static int for_strings(const json_t *v, void (*fn)(struct stmt *, const char *,
						  void *),
		       struct stmt *s, void *arg)
{
	size_t i;
	const json_t *e;

	if (json_is_string(v)) {
		fn(s, json_string_value(v), arg);
		return 1;
	}
	if (!json_is_array(v) || json_array_size(v) == 0)
		return 0;
	json_array_foreach(v, i, e)
		if (!json_is_string(e))
			return 0;
	json_array_foreach(v, i, e)
		fn(s, json_string_value(e), arg);
	return 1;
}

static void add_action(struct stmt *s, const char *a, void *arg)
{
	(void)arg;
	s->act = xrealloc(s->act, (s->nact + 1) * sizeof(*s->act));
	memset(&s->act[s->nact], 0, sizeof(s->act[0]));
	glob_push_text(&s->act[s->nact], a, strlen(a), 1, 1);
	s->nact++;
}

static void add_resource(struct stmt *s, const char *r, void *arg)
{
	const int *vars = arg;

	s->res = xrealloc(s->res, (s->nres + 1) * sizeof(*s->res));
	pstr_init(&s->res[s->nres], r, *vars, 1, 0);
	s->nres++;
}

static int is_account_id(const char *s)
{
	return strlen(s) == 12 && strspn(s, "0123456789") == 12;
}

static void parse_prin(struct prin *p, const char *v)
{
	char *copy, *f[6], *q;
	size_t i;

	memset(p, 0, sizeof(*p));
	p->raw = xstrdup(v);
	p->kind = PR_OTHER;
	if (!strcmp(v, "*")) {
		p->kind = PR_ANY;
		return;
	}
	if (is_account_id(v)) {
		p->kind = PR_ACCOUNT;
		p->account = xstrdup(v);
		return;
	}
	if (strncmp(v, "arn:", 4) || strchr(v, '*') || strchr(v, '?'))
		return;
	copy = xstrdup(v);
	f[0] = copy;
	for (i = 1, q = copy; i < 6; i++) {
		q = strchr(q, ':');
		if (!q)
			break;
		*q++ = '\0';
		f[i] = q;
	}
	if (i < 6 || f[3][0] || !f[1][0] || !f[4][0])
		goto out;
	if (!strcmp(f[2], "iam") && !strcmp(f[5], "root")) {
		p->kind = PR_ACCOUNT;
	} else if (!strcmp(f[2], "iam") && !strncmp(f[5], "user/", 5) &&
		   f[5][strlen(f[5]) - 1] != '/') {
		p->kind = PR_USER;
	} else if (!strcmp(f[2], "iam") && !strncmp(f[5], "role/", 5) &&
		   f[5][strlen(f[5]) - 1] != '/') {
		p->kind = PR_ROLE;
		p->rolename = xstrdup(strrchr(f[5], '/') + 1);
	} else if (!strcmp(f[2], "sts") &&
		   !strncmp(f[5], "assumed-role/", 13)) {
		char *slash = strchr(f[5] + 13, '/');

		if (!slash || slash == f[5] + 13 || !slash[1] ||
		    strchr(slash + 1, '/'))
			goto out;
		p->kind = PR_SESSION;
		p->rolename = xstrndup(f[5] + 13, (size_t)(slash - (f[5] + 13)));
	} else {
		goto out;
	}
	p->partition = xstrdup(f[1]);
	p->account = xstrdup(f[4]);
out:
	free(copy);
}

static void add_prin(struct stmt *s, const char *v, void *arg)
{
	(void)arg;
	s->pr = xrealloc(s->pr, (s->npr + 1) * sizeof(*s->pr));
	parse_prin(&s->pr[s->npr], v);
	s->npr++;
}

static void add_prin_other(struct stmt *s, const char *v, void *arg)
{
	(void)arg;
	s->pr = xrealloc(s->pr, (s->npr + 1) * sizeof(*s->pr));
	memset(&s->pr[s->npr], 0, sizeof(s->pr[0]));
	s->pr[s->npr].kind = PR_OTHER;
	s->pr[s->npr].raw = xstrdup(v);
	s->npr++;
}

static void compile_principal(struct stmt *s, const json_t *v)
{
	const char *type;
	const json_t *val;

	if (json_is_string(v)) {
		if (!strcmp(json_string_value(v), "*"))
			add_prin(s, "*", NULL);
		else
			stmt_invalid(s, "Principal must be \"*\" or an object");
		return;
	}
	if (!json_is_object(v) || json_object_size(v) == 0) {
		stmt_invalid(s, "Principal must be \"*\" or an object");
		return;
	}
	json_object_foreach((json_t *)v, type, val) {
		int ok = !strcmp(type, "AWS")
			     ? for_strings(val, add_prin, s, NULL)
			     : for_strings(val, add_prin_other, s, NULL);

		if (!ok)
			stmt_invalid(s, "Principal values must be strings");
	}
}

/* ---- conditions ---- */

static const struct opdef {
	const char *name;
	enum fam fam;
	enum cmpop cmp;
	int neg;
} opdefs[] = {
	{ "StringEquals", F_STRING, C_EQ, 0 },
	{ "StringNotEquals", F_STRING, C_EQ, 1 },
	{ "StringEqualsIgnoreCase", F_STRING, C_EQ_CI, 0 },
	{ "StringNotEqualsIgnoreCase", F_STRING, C_EQ_CI, 1 },
	{ "StringLike", F_STRING, C_LIKE, 0 },
	{ "StringNotLike", F_STRING, C_LIKE, 1 },
	{ "NumericEquals", F_NUM, C_EQ, 0 },
	{ "NumericNotEquals", F_NUM, C_EQ, 1 },
	{ "NumericLessThan", F_NUM, C_LT, 0 },
	{ "NumericLessThanEquals", F_NUM, C_LE, 0 },
	{ "NumericGreaterThan", F_NUM, C_GT, 0 },
	{ "NumericGreaterThanEquals", F_NUM, C_GE, 0 },
	{ "DateEquals", F_DATE, C_EQ, 0 },
	{ "DateNotEquals", F_DATE, C_EQ, 1 },
	{ "DateLessThan", F_DATE, C_LT, 0 },
	{ "DateLessThanEquals", F_DATE, C_LE, 0 },
	{ "DateGreaterThan", F_DATE, C_GT, 0 },
	{ "DateGreaterThanEquals", F_DATE, C_GE, 0 },
	{ "Bool", F_BOOL, C_EQ, 0 },
	{ "BinaryEquals", F_BIN, C_EQ, 0 },
	{ "IpAddress", F_IP, C_EQ, 0 },
	{ "NotIpAddress", F_IP, C_EQ, 1 },
	{ "ArnEquals", F_ARN, C_LIKE, 0 },
	{ "ArnLike", F_ARN, C_LIKE, 0 },
	{ "ArnNotEquals", F_ARN, C_LIKE, 1 },
	{ "ArnNotLike", F_ARN, C_LIKE, 1 },
	{ "Null", F_NULL, C_EQ, 0 },
};

static int parse_operator(const char *name, struct cond *c)
{
	size_t len;
	const char *p = name;

	c->set = SET_NONE;
	if (!strncmp(p, "ForAnyValue:", 12)) {
		c->set = SET_ANY;
		p += 12;
	} else if (!strncmp(p, "ForAllValues:", 13)) {
		c->set = SET_ALL;
		p += 13;
	}
	len = strlen(p);
	c->ifexists = 0;
	if (len > 8 && !strcmp(p + len - 8, "IfExists")) {
		c->ifexists = 1;
		len -= 8;
	}
	for (size_t i = 0; i < sizeof(opdefs) / sizeof(opdefs[0]); i++) {
		if (strlen(opdefs[i].name) == len &&
		    !strncmp(opdefs[i].name, p, len)) {
			if (opdefs[i].fam == F_NULL &&
			    (c->ifexists || c->set != SET_NONE))
				return 0;
			c->fam = opdefs[i].fam;
			c->cmp = opdefs[i].cmp;
			c->neg = opdefs[i].neg;
			return 1;
		}
	}
	return 0;
}

static char *json_scalar_text(const json_t *v)
{
	char tmp[64];

	if (json_is_string(v))
		return xstrdup(json_string_value(v));
	if (json_is_true(v))
		return xstrdup("true");
	if (json_is_false(v))
		return xstrdup("false");
	if (json_is_integer(v)) {
		snprintf(tmp, sizeof(tmp), "%" JSON_INTEGER_FORMAT,
			 json_integer_value(v));
		return xstrdup(tmp);
	}
	if (json_is_real(v)) {
		snprintf(tmp, sizeof(tmp), "%.17g", json_real_value(v));
		return xstrdup(tmp);
	}
	return NULL;
}

static int cond_add_value(struct cond *c, const json_t *v, int vars)
{
	char *t = json_scalar_text(v);
	int var_ok = c->fam == F_STRING || c->fam == F_ARN ||
		     c->fam == F_BOOL;
	int wild = c->cmp == C_LIKE;

	if (!t)
		return 0;
	c->vals = xrealloc(c->vals, (c->nvals + 1) * sizeof(*c->vals));
	pstr_init(&c->vals[c->nvals], t, vars && var_ok, wild,
		  c->cmp == C_EQ_CI);
	c->nvals++;
	free(t);
	return 1;
}

static void compile_condition(struct stmt *s, const json_t *cv, int vars)
{
	const char *opname, *key;
	const json_t *keys, *val;

	if (!json_is_object(cv)) {
		stmt_invalid(s, "Condition must be an object");
		return;
	}
	json_object_foreach((json_t *)cv, opname, keys) {
		if (!json_is_object(keys)) {
			stmt_invalid(s, "a condition operator must map keys "
					"to values");
			continue;
		}
		json_object_foreach((json_t *)keys, key, val) {
			struct cond *c;
			size_t i;
			const json_t *e;

			s->cond = xrealloc(s->cond,
					   (s->ncond + 1) * sizeof(*s->cond));
			c = &s->cond[s->ncond++];
			memset(c, 0, sizeof(*c));
			c->op = xstrdup(opname);
			c->key = xstrdup(key);
			c->valid = parse_operator(opname, c);
			if (json_is_array(val)) {
				json_array_foreach(val, i, e)
					if (!cond_add_value(c, e, vars))
						c->valid = 0;
				if (!json_array_size(val))
					c->valid = 0;
			} else if (!cond_add_value(c, val, vars)) {
				c->valid = 0;
			}
		}
	}
}

static void compile_statement(struct stmt *s, const json_t *j, int vars)
{
	const json_t *v, *effect, *pr, *npr, *act, *nact, *res, *nres;

	if (!json_is_object(j)) {
		stmt_invalid(s, "the statement is not an object");
		return;
	}
	v = json_object_get(j, "Sid");
	if (json_is_string(v))
		s->sid = xstrdup(json_string_value(v));
	effect = json_object_get(j, "Effect");
	if (json_is_string(effect) &&
	    !strcmp(json_string_value(effect), "Deny"))
		s->deny = 1;
	else if (!json_is_string(effect) ||
		 strcmp(json_string_value(effect), "Allow"))
		stmt_invalid(s, "Effect is not \"Allow\" or \"Deny\"");

	pr = json_object_get(j, "Principal");
	npr = json_object_get(j, "NotPrincipal");
	if (pr && npr)
		stmt_invalid(s, "both Principal and NotPrincipal");
	else if (!pr && !npr)
		stmt_invalid(s, "no Principal (a bucket policy needs one)");
	else {
		s->not_principal = npr != NULL;
		compile_principal(s, pr ? pr : npr);
	}

	act = json_object_get(j, "Action");
	nact = json_object_get(j, "NotAction");
	if (act && nact)
		stmt_invalid(s, "both Action and NotAction");
	else if (!act && !nact)
		stmt_invalid(s, "no Action or NotAction");
	else {
		s->not_action = nact != NULL;
		if (!for_strings(act ? act : nact, add_action, s, NULL))
			stmt_invalid(s, "Action must be a string or a list "
					"of strings");
	}

	res = json_object_get(j, "Resource");
	nres = json_object_get(j, "NotResource");
	if (res && nres)
		stmt_invalid(s, "both Resource and NotResource");
	else if (!res && !nres)
		stmt_invalid(s, "no Resource or NotResource");
	else {
		s->not_resource = nres != NULL;
		if (!for_strings(res ? res : nres, add_resource, s, &vars))
			stmt_invalid(s, "Resource must be a string or a list "
					"of strings");
	}

	v = json_object_get(j, "Condition");
	if (v)
		compile_condition(s, v, vars);
}

int iam_policy_compile(const struct json_t *doc, struct iam_policy **out,
		       struct s3p_error *err)
{
	const json_t *ver, *st;
	struct iam_policy *pol;

	*out = NULL;
	if (!json_is_object(doc))
		return s3p_error_set(err, S3P_E_INPUT,
				     "the policy is not a JSON object");
	pol = xcalloc(1, sizeof(*pol));
	ver = json_object_get(doc, "Version");
	pol->vars = json_is_string(ver) &&
		    !strcmp(json_string_value(ver), "2012-10-17");
	st = json_object_get(doc, "Statement");
	if (json_is_object(st)) {
		pol->st = xcalloc(1, sizeof(*pol->st));
		pol->n = 1;
		compile_statement(&pol->st[0], st, pol->vars);
	} else if (json_is_array(st) && json_array_size(st)) {
		size_t i;
		const json_t *e;

		pol->n = json_array_size(st);
		pol->st = xcalloc(pol->n, sizeof(*pol->st));
		json_array_foreach(st, i, e) {
			pol->st[i].index = i;
			compile_statement(&pol->st[i], e, pol->vars);
		}
	}
	*out = pol;
	return 0;
}

/* ---- policy variables ---------------------------------------------------- */

enum subst { SUB_OK, SUB_FAIL, SUB_UNKNOWN };

/* Substitute ${...} in raw into g (wildcards '*' '?' of raw are wildcards
 * when wild).  SUB_FAIL: a variable has no value (the string matches
 * nothing); SUB_UNKNOWN: a variable's key is unknown (its name is added to
 * keys) and g holds '*' in its place, an over-approximation. */
static enum subst substitute(const char *raw, const struct eval_context *ctx,
			     int wild, int ci, struct glob *g,
			     struct strset *keys)
{
	enum subst res = SUB_OK;
	const char *p = raw;

	while (*p) {
		const char *open = strstr(p, "${"), *close, *kb, *ke, *comma;
		const struct eval_key *k;
		struct buf def = BUF_INIT;
		int has_def = 0;

		if (!open) {
			glob_push_text(g, p, strlen(p), wild, ci);
			break;
		}
		close = strchr(open + 2, '}');
		if (!close) {
			glob_push_text(g, p, strlen(p), wild, ci);
			break;
		}
		glob_push_text(g, p, (size_t)(open - p), wild, ci);
		p = close + 1;
		kb = open + 2;
		ke = close;
		if (ke - kb == 1 && (*kb == '*' || *kb == '?' || *kb == '$')) {
			glob_push(g, (unsigned char)*kb);
			continue;
		}
		comma = memchr(kb, ',', (size_t)(ke - kb));
		if (comma) {
			const char *d = comma + 1, *de = ke;

			while (d < de && *d == ' ')
				d++;
			while (de > d && de[-1] == ' ')
				de--;
			if (de - d >= 2 && *d == '\'' && de[-1] == '\'') {
				has_def = 1;
				for (const char *q = d + 1; q < de - 1; q++) {
					buf_putc(&def, *q);
					if (*q == '\'' && q + 1 < de - 1 &&
					    q[1] == '\'')
						q++;
				}
			}
			ke = comma;
		}
		while (kb < ke && *kb == ' ')
			kb++;
		while (ke > kb && ke[-1] == ' ')
			ke--;
		switch (ctx_lookup(ctx, kb, (size_t)(ke - kb), &k)) {
		case K_UNKNOWN:
			strset_add_n(keys, kb, (size_t)(ke - kb), 1);
			glob_push(g, G_STAR);
			if (res == SUB_OK)
				res = SUB_UNKNOWN;
			break;
		case K_PRESENT:
		case K_ABSENT:
			/* a multi-valued key is no variable: like absent */
			if (k && !k->absent && k->nvalues == 1)
				glob_push_text(g, k->values[0],
					       strlen(k->values[0]), 0, ci);
			else if (has_def)
				glob_push_text(g, buf_str(&def), def.len, 0, ci);
			else
				res = SUB_FAIL;
			break;
		}
		buf_release(&def);
		if (res == SUB_FAIL)
			break;
	}
	return res;
}

/* The glob of a policy string, substituted.  *tmp receives an allocation
 * to release when dynamic. */
static enum subst pstr_glob(const struct pstr *p, const struct eval_context *ctx,
			    int wild, int ci, struct glob *tmp,
			    const struct glob **out, struct strset *keys)
{
	enum subst r;

	memset(tmp, 0, sizeof(*tmp));
	if (!p->dyn) {
		*out = &p->g;
		return SUB_OK;
	}
	r = substitute(p->raw, ctx, wild, ci, tmp, keys);
	*out = tmp;
	return r;
}

/* ---- condition evaluation -------------------------------------------------- */

static int parse_number(const char *s, double *out)
{
	const char *p = s;
	char *end;
	int digits = 0;

	if (*p == '+' || *p == '-')
		p++;
	while (isdigit((unsigned char)*p)) {
		p++;
		digits++;
	}
	if (*p == '.') {
		p++;
		while (isdigit((unsigned char)*p)) {
			p++;
			digits++;
		}
	}
	if (!digits)
		return 0;
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!isdigit((unsigned char)*p))
			return 0;
		while (isdigit((unsigned char)*p))
			p++;
	}
	if (*p)
		return 0;
	*out = strtod(s, &end);
	return *end == '\0' && isfinite(*out);
}

static int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int take_digits(const char **p, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return 0;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return 1;
}

/* ISO 8601 (YYYY-MM-DD[THH:MM[:SS[.fff]]][Z|+HH:MM|-HHMM]) or epoch
 * seconds, to seconds since the epoch. */
static int parse_date(const char *s, double *out)
{
	const char *p = s;
	int y, mo, d, h = 0, mi = 0, se = 0, zh = 0, zm = 0, sign = 1;
	double frac = 0;
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
				     30, 31 };

	if (strspn(s, "0123456789") == strlen(s) && *s) {
		*out = strtod(s, NULL);
		return 1;
	}
	if (!take_digits(&p, 4, &y) || *p++ != '-' ||
	    !take_digits(&p, 2, &mo) || *p++ != '-' ||
	    !take_digits(&p, 2, &d))
		return 0;
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1])
		return 0;
	if (*p == 'T' || *p == 't' || *p == ' ') {
		p++;
		if (!take_digits(&p, 2, &h) || *p++ != ':' ||
		    !take_digits(&p, 2, &mi))
			return 0;
		if (*p == ':') {
			p++;
			if (!take_digits(&p, 2, &se))
				return 0;
			if (*p == '.') {
				double scale = 0.1;

				p++;
				if (!isdigit((unsigned char)*p))
					return 0;
				while (isdigit((unsigned char)*p)) {
					frac += (*p - '0') * scale;
					scale /= 10;
					p++;
				}
			}
		}
		if (h > 24 || mi > 59 || se > 60)
			return 0;
		if (*p == 'Z' || *p == 'z') {
			p++;
		} else if (*p == '+' || *p == '-') {
			sign = *p == '-' ? -1 : 1;
			p++;
			if (!take_digits(&p, 2, &zh))
				return 0;
			if (*p == ':')
				p++;
			if (!take_digits(&p, 2, &zm))
				return 0;
		}
	}
	if (*p)
		return 0;
	*out = (double)(days_from_civil(y, mo, d) * 86400 + h * 3600 +
			mi * 60 + se) + frac - sign * (zh * 3600 + zm * 60);
	return 1;
}

struct ipnet {
	int af;
	unsigned char a[16];
	int bits;
};

static int parse_ip(const char *s, struct ipnet *n)
{
	char tmp[64];
	const char *slash = strchr(s, '/');
	size_t len = slash ? (size_t)(slash - s) : strlen(s);
	int max;

	if (len >= sizeof(tmp))
		return 0;
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	memset(n, 0, sizeof(*n));
	if (inet_pton(AF_INET, tmp, n->a) == 1) {
		n->af = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, tmp, n->a) == 1) {
		n->af = AF_INET6;
		max = 128;
	} else {
		return 0;
	}
	n->bits = max;
	if (slash) {
		char *end;
		long b = strtol(slash + 1, &end, 10);

		if (!slash[1] || *end || b < 0 || b > max)
			return 0;
		n->bits = (int)b;
	}
	return 1;
}

static int ip_in(const struct ipnet *ip, const struct ipnet *net)
{
	int b = net->bits, i;

	if (ip->af != net->af)
		return 0;
	for (i = 0; b >= 8; i++, b -= 8)
		if (ip->a[i] != net->a[i])
			return 0;
	if (b) {
		unsigned mask = (0xffu << (8 - b)) & 0xffu;

		if ((ip->a[i] & mask) != (net->a[i] & mask))
			return 0;
	}
	return 1;
}

static int b64val(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

/* Decoded bytes into out (caller frees); -1 when not base64. */
static long b64_decode(const char *s, unsigned char **out)
{
	size_t len = strlen(s), n = 0;
	unsigned acc = 0;
	int bits = 0;
	unsigned char *o = xmalloc(len + 1);

	for (size_t i = 0; i < len; i++) {
		int v;

		if (s[i] == '=')
			break;
		v = b64val((unsigned char)s[i]);
		if (v < 0) {
			free(o);
			return -1;
		}
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			o[n++] = (unsigned char)((acc >> bits) & 0xff);
		}
	}
	*out = o;
	return (long)n;
}

/* Six colon-separated components, each a pattern (ArnLike/ArnEquals). */
static int arn_match(const struct glob *p, const char *v)
{
	size_t ps = 0, vs = 0;
	int part;

	for (part = 0; part < 6; part++) {
		size_t pe = ps, ve = vs;
		struct glob sub;

		if (part < 5) {
			while (pe < p->n && p->s[pe] != ':')
				pe++;
			while (v[ve] && v[ve] != ':')
				ve++;
			if (pe == p->n || !v[ve])
				return 0;
		} else {
			pe = p->n;
			ve = strlen(v);
		}
		sub.s = p->s + ps;
		sub.n = pe - ps;
		sub.cap = 0;
		if (!glob_match_str(&sub, v + vs, ve - vs, 0))
			return 0;
		ps = pe + 1;
		vs = ve + 1;
	}
	return 1;
}

/* Does request value v match policy value p (the operator's positive
 * sense)? */
static enum tri value_match(const struct cond *c, const struct pstr *p,
			    const char *v, const struct eval_context *ctx,
			    struct strset *keys)
{
	struct glob tmp;
	const struct glob *g;
	enum subst sr;
	enum tri r = T_FALSE;
	double a, b;
	struct ipnet ip, net;

	switch (c->fam) {
	case F_NUM:
		if (!parse_number(v, &a) || !parse_number(p->raw, &b))
			return T_FALSE;
		goto compare;
	case F_DATE:
		if (!parse_date(v, &a) || !parse_date(p->raw, &b))
			return T_FALSE;
		goto compare;
	case F_IP:
		return parse_ip(v, &ip) && parse_ip(p->raw, &net) &&
			       ip_in(&ip, &net) ? T_TRUE : T_FALSE;
	case F_BIN: {
		unsigned char *x = NULL, *y = NULL;
		long nx = b64_decode(v, &x), ny = b64_decode(p->raw, &y);

		if (nx >= 0 && ny >= 0)
			r = nx == ny && !memcmp(x, y, (size_t)nx) ? T_TRUE
								 : T_FALSE;
		else
			r = strcmp(v, p->raw) ? T_FALSE : T_TRUE;
		free(x);
		free(y);
		return r;
	}
	case F_NULL:
		return T_FALSE; /* not used */
	case F_STRING:
	case F_BOOL:
	case F_ARN:
		break;
	}
	sr = pstr_glob(p, ctx, c->cmp == C_LIKE, c->cmp == C_EQ_CI, &tmp, &g,
		       keys);
	if (sr == SUB_FAIL) {
		r = T_FALSE;
	} else if (c->fam == F_ARN) {
		r = arn_match(g, v) ? T_TRUE : T_FALSE;
	} else if (c->fam == F_BOOL) {
		r = glob_match_str(g, v, strlen(v), 1) ? T_TRUE : T_FALSE;
	} else {
		r = glob_match_str(g, v, strlen(v), c->cmp == C_EQ_CI)
			    ? T_TRUE : T_FALSE;
	}
	if (sr == SUB_UNKNOWN) {
		/* '*' stood for the unknown value: no match is certain, a
		 * match only possible (ARN components may shift) */
		r = r == T_TRUE || c->fam == F_ARN ? T_UNKNOWN : T_FALSE;
	}
	glob_release(&tmp);
	return r;
compare:
	switch (c->cmp) {
	case C_EQ: case C_EQ_CI: case C_LIKE: return a == b ? T_TRUE : T_FALSE;
	case C_LT: return a < b ? T_TRUE : T_FALSE;
	case C_LE: return a <= b ? T_TRUE : T_FALSE;
	case C_GT: return a > b ? T_TRUE : T_FALSE;
	case C_GE: return a >= b ? T_TRUE : T_FALSE;
	}
	return T_FALSE;
}

/* One request value against all policy values: OR of matches, negated for
 * the negated operators (NOR). */
static enum tri one_value(const struct cond *c, const char *v,
			  const struct eval_context *ctx, struct strset *keys)
{
	enum tri any = T_FALSE;

	for (size_t i = 0; i < c->nvals && any != T_TRUE; i++)
		any = tri_or(any, value_match(c, &c->vals[i], v, ctx, keys));
	return c->neg ? tri_not(any) : any;
}

static enum tri eval_cond(const struct cond *c, const struct eval_context *ctx,
			  struct strset *keys)
{
	const struct eval_key *k;
	enum kstate st;
	enum tri r;
	size_t i;

	if (!c->valid) {
		strset_add(keys, c->key, 1);
		return T_UNKNOWN;
	}
	st = ctx_lookup(ctx, c->key, strlen(c->key), &k);
	if (st == K_UNKNOWN) {
		strset_add(keys, c->key, 1);
		return T_UNKNOWN;
	}
	if (c->fam == F_NULL) {
		/* "true": the key is absent; "false": present */
		r = T_FALSE;
		for (i = 0; i < c->nvals; i++) {
			int want_absent = !strcasecmp(c->vals[i].raw, "true");

			if (!want_absent && strcasecmp(c->vals[i].raw, "false"))
				continue;
			if (want_absent == (st == K_ABSENT))
				r = T_TRUE;
		}
		return r;
	}
	if (st == K_ABSENT) {
		if (c->ifexists)
			return T_TRUE;
		if (c->set == SET_ALL)
			return T_TRUE;
		if (c->set == SET_ANY)
			return T_FALSE;
		return c->neg ? T_TRUE : T_FALSE;
	}
	switch (c->set) {
	case SET_ANY:
		r = T_FALSE;
		for (i = 0; i < k->nvalues && r != T_TRUE; i++)
			r = tri_or(r, one_value(c, k->values[i], ctx, keys));
		return r;
	case SET_ALL:
		r = T_TRUE;
		for (i = 0; i < k->nvalues && r != T_FALSE; i++)
			r = tri_and(r, one_value(c, k->values[i], ctx, keys));
		return r;
	case SET_NONE:
		break;
	}
	/* a single-valued operator: matches when any request value matches
	 * any policy value; the negated ones when none does */
	r = T_FALSE;
	for (i = 0; i < k->nvalues && r != T_TRUE; i++) {
		enum tri any = T_FALSE;

		for (size_t j = 0; j < c->nvals && any != T_TRUE; j++)
			any = tri_or(any, value_match(c, &c->vals[j],
						      k->values[i], ctx, keys));
		r = tri_or(r, any);
	}
	return c->neg ? tri_not(r) : r;
}

/* ---- principal ------------------------------------------------------------ */

static int same_partition(const struct prin *e, const struct principal *p)
{
	return !e->partition || !strcmp(e->partition, p->partition);
}

/* Does entry e name (a layer of) principal p, as Principal does? */
static int prin_matches(const struct prin *e, const struct principal *p)
{
	switch (e->kind) {
	case PR_ANY:
		return 1;
	case PR_ACCOUNT:
		return same_partition(e, p) && !strcmp(e->account, p->account);
	case PR_USER:
		return p->type == PRINCIPAL_USER && !strcmp(e->raw, p->arn);
	case PR_ROLE:
		if (p->type == PRINCIPAL_ROLE)
			return !strcmp(e->raw, p->arn);
		return p->type == PRINCIPAL_ASSUMED_ROLE &&
		       same_partition(e, p) &&
		       !strcmp(e->account, p->account) &&
		       !strcmp(e->rolename, p->name);
	case PR_SESSION:
		return p->type == PRINCIPAL_ASSUMED_ROLE &&
		       !strcmp(e->raw, p->arn);
	case PR_OTHER:
		return 0;
	}
	return 0;
}

/* NotPrincipal with Deny: is p exempt?  Every identity of p must be
 * listed: the account, and the user / role / session itself. */
static int notprincipal_exempt(const struct stmt *s, const struct principal *p,
			       struct strset *notes)
{
	int account = 0, self = 0, role = 0, session = 0;
	char note[1400];

	for (size_t i = 0; i < s->npr; i++) {
		const struct prin *e = &s->pr[i];

		if (e->kind == PR_ANY) {
			account = self = role = session = 1;
		} else if (e->kind == PR_ACCOUNT) {
			account |= prin_matches(e, p);
		} else if (e->kind == PR_USER) {
			self |= prin_matches(e, p);
		} else if (e->kind == PR_ROLE) {
			role |= prin_matches(e, p);
		} else if (e->kind == PR_SESSION) {
			session |= prin_matches(e, p);
		}
	}
	switch (p->type) {
	case PRINCIPAL_ACCOUNT:
		return account;
	case PRINCIPAL_USER:
	case PRINCIPAL_ROLE: {
		int is_user = p->type == PRINCIPAL_USER;
		int listed = is_user ? self : role;

		if (listed && !account) {
			snprintf(note, sizeof(note),
				 "statement %zu: NotPrincipal lists %s but "
				 "not its account (arn:%s:iam::%s:root): "
				 "AWS denies the whole account, this %s "
				 "included",
				 s->index, p->arn, p->partition, p->account,
				 is_user ? "user" : "role");
			strset_add(notes, note, 0);
		}
		return listed && account;
	}
	case PRINCIPAL_ASSUMED_ROLE:
		if ((session || role) && !(session && role && account)) {
			snprintf(note, sizeof(note),
				 "statement %zu: NotPrincipal must list the "
				 "session %s, its role and its account "
				 "(arn:%s:iam::%s:root) to exempt it",
				 s->index, p->arn, p->partition, p->account);
			strset_add(notes, note, 0);
		}
		return session && role && account;
	}
	return 0;
}

static int principal_applies(const struct stmt *s, const struct principal *p,
			     struct strset *notes)
{
	size_t i;

	if (s->not_principal) {
		if (s->deny)
			return !notprincipal_exempt(s, p, notes);
		for (i = 0; i < s->npr; i++)
			if (prin_matches(&s->pr[i], p))
				return 0;
		return 1;
	}
	for (i = 0; i < s->npr; i++)
		if (prin_matches(&s->pr[i], p))
			return 1;
	return 0;
}

static int action_applies(const struct stmt *s, const char *action_lc,
			  size_t len)
{
	int hit = 0;

	for (size_t i = 0; i < s->nact && !hit; i++)
		hit = glob_match_str(&s->act[i], action_lc, len, 1);
	return s->not_action ? !hit : hit;
}

/* ---- evaluation ------------------------------------------------------------ */

struct st_eval {
	const struct stmt *s;
	enum tri base;          /* principal, action and condition */
	enum tri full;          /* the resources cover all of R */
	enum tri any;           /* they overlap R */
	struct strset keys;     /* unknown keys met */
	/* the statement's patterns overlapping R (borrowed from the policy);
	 * for NotResource, its patterns (what it does NOT cover) */
	const char **cov;
	size_t ncov;
	/* for union coverage by several Allow statements: the overlapping
	 * patterns, substituted (compiled ones borrowed, others owned) */
	const struct glob **pool;
	size_t npool;
	struct glob *owned;
	size_t nowned;
	int pool_definite;      /* no pattern depended on unknown keys */
	char *cond_false;       /* first condition found false (for notes) */
};

static void st_eval_release(struct st_eval *e)
{
	strset_release(&e->keys);
	free(e->cov);
	free(e->pool);
	for (size_t i = 0; i < e->nowned; i++)
		glob_release(&e->owned[i]);
	free(e->owned);
	free(e->cond_false);
}

/* Resource / NotResource of s against the resource pattern R. */
static void eval_resource(struct st_eval *e, const struct glob *R,
			  const struct eval_context *ctx)
{
	const struct stmt *s = e->s;
	const struct glob *defin_s[16], *maybe_s[16];
	int heap = s->nres >= 16;
	const struct glob **defin = heap ? xcalloc(s->nres + 1, sizeof(*defin))
					 : defin_s;
	const struct glob **maybe = heap ? xcalloc(s->nres + 1, sizeof(*maybe))
					 : maybe_s;
	size_t nd = 0, nm = 0, i;
	int cover_def = 0, cover_maybe = 0, ov_def = 0, ov_maybe = 0;

	e->pool_definite = 1;
	for (i = 0; i < s->nres; i++) {
		const struct glob *g;
		struct glob tmp;
		enum subst sr;
		int ov;

		if (s->res[i].dyn) {
			if (!e->owned)
				e->owned = xcalloc(s->nres, sizeof(*e->owned));
			sr = pstr_glob(&s->res[i], ctx, 1, 0,
				       &e->owned[e->nowned], &g, &e->keys);
			e->nowned++;
		} else {
			sr = pstr_glob(&s->res[i], ctx, 1, 0, &tmp, &g,
				       &e->keys);
		}
		if (sr == SUB_FAIL)
			continue;
		ov = glob_overlaps_g(g, R, 0);
		if (!ov)
			continue;
		if (!e->cov) {
			e->cov = xmalloc(s->nres * sizeof(*e->cov));
			e->pool = xmalloc(s->nres * sizeof(*e->pool));
		}
		e->cov[e->ncov++] = s->res[i].raw;
		e->pool[e->npool++] = g;
		if (sr == SUB_OK) {
			defin[nd++] = g;
			ov_def = 1;
			if (!cover_def && glob_covers_g(g, R, 0))
				cover_def = 1;
		} else {
			maybe[nm++] = g;
			ov_maybe = 1;
			e->pool_definite = 0;
			if (!cover_maybe && glob_covers_g(g, R, 0))
				cover_maybe = 1;
		}
	}
	if (!s->not_resource) {
		e->any = ov_def ? T_TRUE : ov_maybe ? T_UNKNOWN : T_FALSE;
		e->full = cover_def ? T_TRUE
			  : cover_maybe ? T_UNKNOWN : T_FALSE;
		if (e->full == T_FALSE && nd + nm > 1) {
			/* several patterns of one statement together */
			if (glob_covers_union(defin, nd, R, 0) == 1) {
				e->full = T_TRUE;
			} else if (nm) {
				for (i = 0; i < nm; i++)
					defin[nd + i] = maybe[i];
				if (glob_covers_union(defin, nd + nm, R, 0) == 1)
					e->full = T_UNKNOWN;
			}
		}
	} else {
		/* applies to r iff r matches no NotResource pattern */
		e->full = ov_def ? T_FALSE : ov_maybe ? T_UNKNOWN : T_TRUE;
		if (nd && glob_covers_union(defin, nd, R, 0) == 1) {
			e->any = T_FALSE;
		} else {
			for (i = 0; i < nm; i++)
				defin[nd + i] = maybe[i];
			e->any = nd + nm &&
					 glob_covers_union(defin, nd + nm, R,
							   0) == 1
				 ? T_UNKNOWN : T_TRUE;
		}
		/* a NotResource statement is never pooled */
		e->npool = 0;
	}
	if (heap) {
		free(defin);
		free(maybe);
	}
}

static void result_add_stmt(struct eval_result *r, const struct st_eval *e,
			    int conditional, int partial, int with_covered)
{
	struct iam_stmt_ref *ref;

	for (size_t i = 0; i < r->nstatements; i++)
		if (r->statements[i].index == e->s->index)
			return;
	r->statements = xrealloc(r->statements,
				 (r->nstatements + 1) * sizeof(*r->statements));
	ref = &r->statements[r->nstatements++];
	memset(ref, 0, sizeof(*ref));
	ref->index = e->s->index;
	ref->sid = e->s->sid ? xstrdup(e->s->sid) : NULL;
	ref->deny = e->s->deny;
	ref->conditional = conditional;
	ref->partial = partial;
	if (with_covered && e->s->not_resource) {
		/* what it covers: everything but the NotResource patterns */
		struct buf b = BUF_INIT;

		buf_puts(&b, "every resource except");
		for (size_t i = 0; i < e->s->nres; i++)
			buf_printf(&b, "%s %s", i ? "," : "",
				   e->s->res[i].raw);
		strv_push(&ref->covered, &ref->ncovered, buf_str(&b));
		buf_release(&b);
	} else if (with_covered) {
		for (size_t i = 0; i < e->ncov; i++)
			strv_push(&ref->covered, &ref->ncovered, e->cov[i]);
	}
}

static void sort_refs(struct eval_result *r)
{
	/* insertion sort by index: few entries */
	for (size_t i = 1; i < r->nstatements; i++) {
		struct iam_stmt_ref t = r->statements[i];
		size_t j = i;

		while (j && r->statements[j - 1].index > t.index) {
			r->statements[j] = r->statements[j - 1];
			j--;
		}
		r->statements[j] = t;
	}
}

static void stmt_label(const struct stmt *s, char *out, size_t n)
{
	if (s->sid && *s->sid)
		snprintf(out, n, "statement %zu (%s)", s->index, s->sid);
	else
		snprintf(out, n, "statement %zu", s->index);
}

static void set_to_vec(const struct strset *s, char ***v, size_t *n)
{
	for (size_t i = 0; i < s->n; i++)
		strv_push(v, n, s->v[i]);
}

int iam_eval(const struct iam_policy *pol, const struct eval_context *ctx,
	     const char *action, const char *resource,
	     struct eval_result *out, struct s3p_error *err)
{
	struct st_eval *ev;
	size_t nev = 0, i, k, alen = strlen(action);
	char *act = xstrdup(action);
	struct glob R = { 0 };
	struct strset notes = { 0 }, keys = { 0 };
	enum tri allow = T_FALSE;
	int deny_true = 0, deny_maybe = 0, allow_full_true = 0;
	int via_pool = 0;
	char label[600], line[2400];

	memset(out, 0, sizeof(*out));
	if (!pol || !ctx)
		return s3p_error_set(err, S3P_E_INTERNAL,
				     "iam_eval: no policy or context");
	for (i = 0; i < alen; i++)
		act[i] = (char)fold((unsigned char)act[i]);
	glob_push_text(&R, resource, strlen(resource), 1, 0);
	ev = xcalloc(pol->n + 1, sizeof(*ev));

	for (i = 0; i < pol->n; i++) {
		const struct stmt *s = &pol->st[i];
		struct st_eval *e = &ev[nev];
		enum tri c = T_TRUE;

		if (s->invalid)
			continue;
		if (!action_applies(s, act, alen) ||
		    !principal_applies(s, &ctx->principal, &notes))
			continue;
		memset(e, 0, sizeof(*e));
		e->s = s;
		for (k = 0; k < s->ncond; k++) {
			if (!s->cond[k].valid) {
				stmt_label(s, label, sizeof(label));
				snprintf(line, sizeof(line),
					 "%s: condition operator '%s' is not "
					 "valid IAM (AWS rejects the policy); "
					 "its outcome is unknown", label,
					 s->cond[k].op);
				strset_add(&notes, line, 0);
			}
		}
		for (k = 0; k < s->ncond && c != T_FALSE; k++) {
			c = tri_and(c, eval_cond(&s->cond[k], ctx, &e->keys));
			if (c == T_FALSE) {
				snprintf(line, sizeof(line), "%s on %s",
					 s->cond[k].op, s->cond[k].key);
				e->cond_false = xstrdup(line);
			}
		}
		e->base = c;
		eval_resource(e, &R, ctx);
		if (e->any == T_FALSE) {
			st_eval_release(e);
			continue;
		}
		if (c == T_FALSE && s->deny) {
			st_eval_release(e);
			continue;
		}
		nev++;
	}

	/* Deny */
	for (i = 0; i < nev; i++) {
		enum tri d;

		if (!ev[i].s->deny)
			continue;
		d = tri_and(ev[i].base, ev[i].any);
		if (d == T_TRUE)
			deny_true = 1;
		else if (d == T_UNKNOWN)
			deny_maybe = 1;
	}
	/* Allow: one statement covering all of R, or several together */
	for (i = 0; i < nev; i++) {
		enum tri a;

		if (ev[i].s->deny)
			continue;
		a = tri_and(ev[i].base, ev[i].full);
		if (a == T_TRUE)
			allow_full_true = 1;
		allow = tri_or(allow, a);
	}
	if (allow != T_TRUE) {
		const struct glob **pt = NULL, **pm = NULL;
		size_t nt = 0, nm = 0;

		for (i = 0; i < nev; i++) {
			if (ev[i].s->deny || ev[i].base == T_FALSE)
				continue;
			for (k = 0; k < ev[i].npool; k++) {
				pm = xrealloc(pm, (nm + 1) * sizeof(*pm));
				pm[nm++] = ev[i].pool[k];
				if (ev[i].base == T_TRUE &&
				    ev[i].pool_definite) {
					pt = xrealloc(pt, (nt + 1) *
						      sizeof(*pt));
					pt[nt++] = ev[i].pool[k];
				}
			}
		}
		if (nt && glob_covers_union(pt, nt, &R, 0) == 1) {
			allow = T_TRUE;
			via_pool = 1;
		} else if (allow == T_FALSE && nm &&
			   glob_covers_union(pm, nm, &R, 0) == 1) {
			allow = T_UNKNOWN;
			via_pool = 1;
		}
		free(pt);
		free(pm);
	}

	if (deny_true) {
		out->decision = IAM_EXPLICIT_DENY;
		for (i = 0; i < nev; i++)
			if (ev[i].s->deny &&
			    tri_and(ev[i].base, ev[i].any) == T_TRUE)
				result_add_stmt(out, &ev[i], 0,
						ev[i].full != T_TRUE, 1);
	} else if (allow == T_FALSE) {
		out->decision = IAM_IMPLICIT_DENY;
		for (i = 0; i < nev; i++) {
			const struct st_eval *e = &ev[i];

			if (e->s->deny)
				continue;
			stmt_label(e->s, label, sizeof(label));
			if (e->base == T_FALSE && e->cond_false) {
				snprintf(line, sizeof(line),
					 "%s would allow %s but its condition "
					 "%s does not hold",
					 label, action, e->cond_false);
				strset_add(&notes, line, 0);
			} else if (e->full == T_FALSE && e->any != T_FALSE) {
				struct buf b = BUF_INIT;

				for (k = 0; k < e->ncov; k++)
					buf_printf(&b, "%s%s", k ? ", " : "",
						   e->cov[k]);
				snprintf(line, sizeof(line),
					 "%s allows %s only on part of %s: %s",
					 label, action, resource, buf_str(&b));
				buf_release(&b);
				strset_add(&notes, line, 0);
			}
		}
	} else {
		int conditional = allow == T_UNKNOWN || deny_maybe;

		out->decision = conditional ? IAM_CONDITIONAL : IAM_ALLOWED;
		for (i = 0; i < nev; i++) {
			const struct st_eval *e = &ev[i];
			enum tri a = tri_and(e->base, e->full);

			if (e->s->deny) {
				if (tri_and(e->base, e->any) != T_UNKNOWN)
					continue;
				result_add_stmt(out, e, 1, e->full != T_TRUE,
						1);
				strset_merge(&keys, &e->keys, 1);
				continue;
			}
			if (allow == T_TRUE) {
				/* the definite Allows */
				if (allow_full_true ? a == T_TRUE
				    : (via_pool && e->base == T_TRUE &&
				       e->pool_definite && e->npool))
					result_add_stmt(out, e, 0,
							a != T_TRUE,
							a != T_TRUE);
				continue;
			}
			/* allow unknown: every Allow that may contribute */
			if (a == T_UNKNOWN || (via_pool && e->base != T_FALSE &&
					       e->npool)) {
				int part = e->full != T_TRUE;

				result_add_stmt(out, e, e->base != T_TRUE ||
						!e->pool_definite ||
						e->full == T_UNKNOWN, part, part);
				strset_merge(&keys, &e->keys, 1);
			}
		}
		if (!conditional)
			strset_release(&keys);
	}
	sort_refs(out);
	set_to_vec(&keys, &out->condition_keys, &out->ncondition_keys);
	set_to_vec(&notes, &out->notes, &out->nnotes);
	for (i = 0; i < nev; i++)
		st_eval_release(&ev[i]);
	free(ev);
	strset_release(&keys);
	strset_release(&notes);
	glob_release(&R);
	free(act);
	return 0;
}

void eval_result_release(struct eval_result *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nstatements; i++) {
		free(r->statements[i].sid);
		strv_free(r->statements[i].covered, r->statements[i].ncovered);
	}
	free(r->statements);
	strv_free(r->condition_keys, r->ncondition_keys);
	strv_free(r->notes, r->nnotes);
	memset(r, 0, sizeof(*r));
}

int iam_eval_json(const struct json_t *doc, const struct eval_context *ctx,
		  const char *action, const char *resource,
		  struct eval_result *out, struct s3p_error *err)
{
	struct iam_policy *pol;
	int rc;

	memset(out, 0, sizeof(*out));
	if (iam_policy_compile(doc, &pol, err) < 0)
		return -1;
	rc = iam_eval(pol, ctx, action, resource, out, err);
	iam_policy_free(pol);
	return rc;
}

static int decision_rank(enum iam_decision d)
{
	switch (d) {
	case IAM_EXPLICIT_DENY: return 3;
	case IAM_IMPLICIT_DENY: return 2;
	case IAM_CONDITIONAL: return 1;
	case IAM_ALLOWED: return 0;
	}
	return 0;
}

static void merge_result(struct eval_result *dst, struct eval_result *src)
{
	struct strset keys = { 0 }, notes = { 0 };
	size_t i, j;

	if (decision_rank(src->decision) > decision_rank(dst->decision)) {
		/* the worse decision's explanation replaces the other's */
		for (i = 0; i < dst->nstatements; i++) {
			free(dst->statements[i].sid);
			strv_free(dst->statements[i].covered,
				  dst->statements[i].ncovered);
		}
		free(dst->statements);
		dst->statements = NULL;
		dst->nstatements = 0;
		strv_free(dst->condition_keys, dst->ncondition_keys);
		dst->condition_keys = NULL;
		dst->ncondition_keys = 0;
		dst->decision = src->decision;
	}
	if (src->decision == dst->decision) {
		for (i = 0; i < src->nstatements; i++) {
			for (j = 0; j < dst->nstatements; j++)
				if (dst->statements[j].index ==
				    src->statements[i].index)
					break;
			if (j < dst->nstatements)
				continue;
			dst->statements = xrealloc(dst->statements,
				(dst->nstatements + 1) *
				sizeof(*dst->statements));
			dst->statements[dst->nstatements++] =
				src->statements[i];
			memset(&src->statements[i], 0,
			       sizeof(src->statements[i]));
		}
		for (i = 0; i < dst->ncondition_keys; i++)
			strset_add(&keys, dst->condition_keys[i], 1);
		for (i = 0; i < src->ncondition_keys; i++)
			strset_add(&keys, src->condition_keys[i], 1);
		strv_free(dst->condition_keys, dst->ncondition_keys);
		dst->condition_keys = NULL;
		dst->ncondition_keys = 0;
		set_to_vec(&keys, &dst->condition_keys, &dst->ncondition_keys);
	}
	for (i = 0; i < dst->nnotes; i++)
		strset_add(&notes, dst->notes[i], 0);
	for (i = 0; i < src->nnotes; i++)
		strset_add(&notes, src->notes[i], 0);
	strv_free(dst->notes, dst->nnotes);
	dst->notes = NULL;
	dst->nnotes = 0;
	set_to_vec(&notes, &dst->notes, &dst->nnotes);
	sort_refs(dst);
	strset_release(&keys);
	strset_release(&notes);
}

int iam_eval_grant(const struct iam_policy *pol,
		   const struct eval_context *base, const struct grant *g,
		   struct eval_result *out, struct s3p_error *err)
{
	size_t n = g->bucket_level && g->nprefixes ? g->nprefixes : 1;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < n; i++) {
		struct eval_context ctx;
		struct eval_result one;
		int rc;

		if (eval_context_for_grant(base, g, i, &ctx, err) < 0)
			goto fail;
		rc = iam_eval(pol, &ctx, g->action, g->resource, &one, err);
		eval_context_release(&ctx);
		if (rc < 0)
			goto fail;
		if (i == 0) {
			*out = one;
		} else {
			merge_result(out, &one);
			eval_result_release(&one);
		}
	}
	return 0;
fail:
	eval_result_release(out);
	return -1;
}
