/* glob.c - the wildcard algebra of IAM patterns.  See glob.h. */
#include "glob.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

/* a character no pattern names (the search's stand-in for all others) */
#define G_BOT (-3)

static int fold(int c)
{
	return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

int glob_fold(int c)
{
	return fold(c);
}

static int is_star(int sym)
{
	return sym == GLOB_STAR || sym == GLOB_SEG_STAR;
}

static int is_class(int sym)
{
	return sym == GLOB_SEG_ANY || sym == GLOB_SEG_STAR;
}

/* Can an ARN segment hold character c (G_BOT included)? */
static int seg_ok(int c)
{
	return c != ':' && c != '/';
}

void glob_push(struct glob *g, int sym)
{
	/* a run of stars is one star */
	if (is_star(sym) && g->n && g->s[g->n - 1] == sym)
		return;
	if (g->n == g->cap) {
		g->cap = g->cap ? 2 * g->cap : 32;
		g->s = xrealloc(g->s, g->cap * sizeof(*g->s));
	}
	g->s[g->n++] = sym;
}

void glob_push_text(struct glob *g, const char *t, size_t len,
		    int wild, int ci)
{
	if (g->n + len > g->cap) {
		g->cap = g->n + len + 8;
		g->s = xrealloc(g->s, g->cap * sizeof(*g->s));
	}
	for (size_t i = 0; i < len; i++) {
		int c = (unsigned char)t[i];

		if (wild && c == '*')
			glob_push(g, GLOB_STAR);
		else if (wild && c == '?')
			glob_push(g, GLOB_ANY);
		else
			glob_push(g, ci ? fold(c) : c);
	}
}

void glob_release(struct glob *g)
{
	free(g->s);
	memset(g, 0, sizeof(*g));
}

int glob_has_wild(const struct glob *g)
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

static int has_class(const struct glob *g)
{
	for (size_t i = 0; i < g->n; i++)
		if (is_class(g->s[i]))
			return 1;
	return 0;
}

/* Can pattern symbol sym consume character c (0..255 or G_BOT)? */
static int sym_takes(int sym, int c, int ci)
{
	if (sym >= 0)
		return c >= 0 && sym_eq(sym, c, ci);
	if (is_class(sym))
		return seg_ok(c);
	return 1;
}

/* Can both symbols consume one same character? */
static int sym_pair(int a, int b, int ci)
{
	if (a >= 0)
		return sym_takes(b, a, ci);
	if (b >= 0)
		return sym_takes(a, b, ci);
	return 1; /* G_BOT */
}

/* glob_match() for patterns with segment symbols: a set of positions. */
static int match_nfa(const struct glob *p, const char *s, size_t len, int ci)
{
	unsigned char *mem = xcalloc(2 * (p->n + 1), 1);
	unsigned char *cur = mem, *nxt = mem + p->n + 1, *t;
	size_t i, j;
	int r;

	cur[0] = 1;
	for (i = 0;; i++) {
		for (j = 0; j < p->n; j++)
			if (cur[j] && is_star(p->s[j]))
				cur[j + 1] = 1;
		if (i == len)
			break;
		memset(nxt, 0, p->n + 1);
		for (j = 0; j < p->n; j++)
			if (cur[j] &&
			    sym_takes(p->s[j], (unsigned char)s[i], ci))
				nxt[is_star(p->s[j]) ? j : j + 1] = 1;
		t = cur;
		cur = nxt;
		nxt = t;
	}
	r = cur[p->n];
	free(mem);
	return r;
}

int glob_match(const struct glob *p, const char *s, size_t len, int ci)
{
	size_t i = 0, j = 0, star_j = SIZE_MAX, star_i = 0;

	if (has_class(p))
		return match_nfa(p, s, len, ci);
	while (i < len) {
		int c = (unsigned char)s[i];

		if (j < p->n && (p->s[j] == GLOB_ANY ||
				 (p->s[j] >= 0 && sym_eq(p->s[j], c, ci)))) {
			i++;
			j++;
		} else if (j < p->n && p->s[j] == GLOB_STAR) {
			star_j = j++;
			star_i = i;
		} else if (star_j != SIZE_MAX) {
			j = star_j + 1;
			i = ++star_i;
		} else {
			return 0;
		}
	}
	while (j < p->n && p->s[j] == GLOB_STAR)
		j++;
	return j == p->n;
}

/* Is there a string both a and b match?  Exact over an unbounded alphabet:
 * a dynamic programme over pairs of positions (i, j), each step consuming
 * one symbol of a, of b, or one character from both. */
int glob_overlaps(const struct glob *a, const struct glob *b, int ci)
{
	size_t n = a->n, m = b->n, i, j;
	unsigned char *r;
	int res;

	/* literal prefixes and suffixes settle most cases in linear time */
	for (i = 0; i < n && i < m && a->s[i] >= 0 && b->s[i] >= 0; i++)
		if (!sym_eq(a->s[i], b->s[i], ci))
			return 0;
	if ((i == n || i == m) && !(i < n && is_star(a->s[i])) &&
	    !(i < m && is_star(b->s[i]))) {
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
			if (i < n && is_star(sa))
				R(i + 1, j) = 1;
			if (j < m && is_star(sb))
				R(i, j + 1) = 1;
			if (i < n && j < m) {
				if (is_star(sa) && is_star(sb))
					continue;
				if (!sym_pair(sa, sb, ci))
					continue;
				R(is_star(sa) ? i : i + 1,
				  is_star(sb) ? j : j + 1) = 1;
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
			if (is_star(g->s[p]) && bit_get(bits, c->off[k] + p))
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
			if (!sym_takes(s, ch, c->ci))
				continue;
			bit_set(out, c->off[k] + p + (is_star(s) ? 0 : 1));
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

int glob_covers_union(const struct glob *const *a, size_t na,
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
			if (glob_match(a[k], s, b->n, ci))
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
	/* segment symbols tell ':' and '/' from the other characters */
	for (k = 0; k <= na; k++)
		if (has_class(k < na ? a[k] : b))
			break;
	for (i = 0; k <= na && i < 2; i++) {
		int s = ":/"[i];

		if (!seen[s]) {
			seen[s] = 1;
			alpha[nalpha++] = s;
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
		if (is_star(sym)) {
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
			if (!sym_takes(sym, alpha[i], ci))
				continue;
			cover_step(&c, cur, nxt, alpha[i]);
			if (cover_push(&c, is_star(sym) ? j : j + 1, nxt) < 0)
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

/* Does a's symbol sa stand for everything b's symbol sb does (as one
 * symbol of b, a star of a: any number of them)? */
static int sym_includes(int sa, int sb, int ci)
{
	if (sa == GLOB_STAR)
		return 1;
	if (sa == GLOB_SEG_STAR)
		return (sb >= 0 && seg_ok(sb)) || is_class(sb);
	if (sa == GLOB_ANY)
		return !is_star(sb);
	if (sa == GLOB_SEG_ANY)
		return (sb >= 0 && seg_ok(sb)) || sb == GLOB_SEG_ANY;
	return sb >= 0 && sym_eq(sa, sb, ci);
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
			if (is_star(sa)) {
				R(i + 1, j) = 1;        /* takes nothing */
				if (j < m && sym_includes(sa, b->s[j], ci))
					R(i, j + 1) = 1; /* takes b[j] */
				continue;
			}
			if (j == m)
				continue;
			sb = b->s[j];
			if (sym_includes(sa, sb, ci))
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

int glob_covers(const struct glob *a, const struct glob *b, int ci)
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

int glob_match_text(const char *pattern, const char *s, int ci)
{
	struct glob g = GLOB_INIT;
	int r;

	glob_push_text(&g, pattern, strlen(pattern), 1, ci);
	r = glob_match(&g, s, strlen(s), ci);
	glob_release(&g);
	return r;
}

/* rel (covers or overlaps) of the patterns a and b. */
static int glob_pair(const char *a, const char *b, int ci,
		     int (*rel)(const struct glob *, const struct glob *, int))
{
	struct glob ga = GLOB_INIT, gb = GLOB_INIT;
	int r;

	glob_push_text(&ga, a, strlen(a), 1, ci);
	glob_push_text(&gb, b, strlen(b), 1, ci);
	r = rel(&ga, &gb, ci);
	glob_release(&ga);
	glob_release(&gb);
	return r;
}

int glob_covers_text(const char *a, const char *b, int ci)
{
	return glob_pair(a, b, ci, glob_covers);
}

int glob_overlaps_text(const char *a, const char *b, int ci)
{
	return glob_pair(a, b, ci, glob_overlaps);
}
