/* iam_cond.c - condition operators (String*, Numeric*, Date*, Bool,
 * BinaryEquals, IpAddress, Arn*, Null, ...IfExists, ForAnyValue: and
 * ForAllValues:) and the parsers of the values they compare.  See
 * iam_eval.h for the semantics. */
#include "iam_internal.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "buf.h"
#include "days.h"

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

int iam_cond_parse_operator(const char *name, struct cond *c)
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
		if (!glob_match(&sub, v + vs, ve - vs, 0))
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
	sr = iam_pstr_glob(p, ctx, c->cmp == C_LIKE, c->cmp == C_EQ_CI, &tmp, &g,
			   keys);
	if (sr == SUB_FAIL) {
		r = T_FALSE;
	} else if (c->fam == F_ARN) {
		r = arn_match(g, v) ? T_TRUE : T_FALSE;
	} else if (c->fam == F_BOOL) {
		r = glob_match(g, v, strlen(v), 1) ? T_TRUE : T_FALSE;
	} else {
		r = glob_match(g, v, strlen(v), c->cmp == C_EQ_CI)
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

enum tri iam_cond_eval(const struct cond *c, const struct eval_context *ctx,
		       struct strset *keys)
{
	const struct eval_key *k;
	enum kstate st;
	enum tri r;
	size_t i;

	if (!c->valid) {
		iam_strset_add(keys, c->key, 1);
		return T_UNKNOWN;
	}
	st = iam_ctx_lookup(ctx, c->key, strlen(c->key), &k);
	if (st == K_UNKNOWN) {
		iam_strset_add(keys, c->key, 1);
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
