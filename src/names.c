#include "names.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

static int is_ipv4(const char *s)
{
	int parts = 0;

	while (*s) {
		int digits = 0;
		long v = 0;

		while (isdigit((unsigned char)*s)) {
			v = v * 10 + (*s++ - '0');
			if (++digits > 3)
				return 0;
		}
		if (!digits || v > 255)
			return 0;
		parts++;
		if (*s == '.')
			s++;
		else if (*s)
			return 0;
	}
	return parts == 4;
}

/* What people give instead of a bucket name (a URL, an ARN) and the
 * kinds of bucket s3perm does not handle: said as such, not as a
 * character error.  Returns 0 for anything else. */
static int bucket_not_a_name(const char *b, struct s3p_error *err)
{
	static const struct {
		const char *suffix, *what;
	} kinds[] = {
		{ "--x-s3", "an S3 Express One Zone directory bucket" },
		{ "-s3alias", "an access point alias" },
		{ "--ol-s3", "an Object Lambda access point alias" },
		{ ".mrap", "a Multi-Region Access Point alias" },
		{ "--table-s3", "a table bucket" },
	};
	const char *url = strstr(b, "://");

	if (url) {
		const char *name = url + 3;
		size_t n = strcspn(name, "/");

		if (!strncmp(b, "s3://", 5) && n)
			return s3p_error_set(err, S3P_E_USAGE,
				"invalid bucket name '%s': use the bare bucket "
				"name ('%.*s')", b, (int)n, name);
		return s3p_error_set(err, S3P_E_USAGE,
			"invalid bucket name '%s': a URL; use the bare bucket "
			"name", b);
	}
	if (!strncmp(b, "arn:", 4)) {
		const char *res = b;

		for (int i = 0; i < 5 && res; i++) {
			res = strchr(res, ':');
			if (res)
				res++;
		}
		if (strstr(b, ":accesspoint/") || strstr(b, ":accesspoint:"))
			return s3p_error_set(err, S3P_E_USAGE,
				"unsupported bucket '%s': access points are not "
				"supported; give the bucket's own name", b);
		if (strstr(b, ":s3express:"))
			return s3p_error_set(err, S3P_E_USAGE,
				"unsupported bucket '%s': S3 Express One Zone "
				"directory buckets are not supported", b);
		if (strstr(b, ":s3-outposts:") || strstr(b, ":s3tables:") ||
		    strstr(b, ":s3-object-lambda:"))
			return s3p_error_set(err, S3P_E_USAGE,
				"unsupported bucket '%s': only general purpose "
				"S3 buckets are supported", b);
		if (!strncmp(b, "arn:", 4) && strstr(b, ":s3:::") && res &&
		    *res && !strchr(res, '/'))
			return s3p_error_set(err, S3P_E_USAGE,
				"invalid bucket name '%s': an ARN; use the bare "
				"bucket name ('%s')", b, res);
		return s3p_error_set(err, S3P_E_USAGE,
			"invalid bucket name '%s': an ARN; use the bare bucket "
			"name", b);
	}
	for (size_t i = 0; i < sizeof(kinds) / sizeof(*kinds); i++)
		if (ends_with(b, kinds[i].suffix))
			return s3p_error_set(err, S3P_E_USAGE,
				"unsupported bucket '%s': it is %s ('%s'), "
				"which s3perm does not support; give a general "
				"purpose bucket's name", b, kinds[i].what,
				kinds[i].suffix);
	return 0;
}

int names_check_bucket(const char *b, struct s3p_error *err)
{
	static const char *const bad_prefix[] = {
		"xn--", "sthree-", "amzn-s3-demo-",
	};
	size_t len = strlen(b);
	const char *ph = names_find_placeholder(b);

	if (ph)
		return s3p_error_set(err, S3P_E_USAGE,
			"invalid bucket name '%s': '%s' is a placeholder from "
			"the documentation; use your bucket's name", b, ph);
	if (bucket_not_a_name(b, err))
		return -1;
	if (len < 3 || len > 63)
		return s3p_error_set(err, S3P_E_USAGE,
			"invalid bucket name '%s': must be 3 to 63 characters "
			"long (has %zu)", b, len);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)b[i];

		if (!(islower(c) || isdigit(c) || c == '.' || c == '-'))
			return s3p_error_set(err, S3P_E_USAGE,
				"invalid bucket name '%s': only lowercase "
				"letters, digits, '.' and '-' are allowed", b);
	}
	if (!isalnum((unsigned char)b[0]) || !isalnum((unsigned char)b[len - 1]))
		return s3p_error_set(err, S3P_E_USAGE,
			"invalid bucket name '%s': must start and end with a "
			"letter or digit", b);
	if (strstr(b, ".."))
		return s3p_error_set(err, S3P_E_USAGE,
			"invalid bucket name '%s': must not contain '..'", b);
	if (is_ipv4(b))
		return s3p_error_set(err, S3P_E_USAGE,
			"invalid bucket name '%s': must not be an IP address", b);
	for (size_t i = 0; i < sizeof(bad_prefix) / sizeof(*bad_prefix); i++)
		if (!strncmp(b, bad_prefix[i], strlen(bad_prefix[i])))
			return s3p_error_set(err, S3P_E_USAGE,
				"invalid bucket name '%s': must not start with "
				"'%s'", b, bad_prefix[i]);
	return 0;
}

int names_check_user(const char *u, struct s3p_error *err)
{
	size_t len = strlen(u);
	const char *ph = names_find_placeholder(u);

	if (ph)
		return s3p_error_set(err, S3P_E_USAGE,
			"invalid IAM user name '%s': '%s' is a placeholder from "
			"the documentation; use the user name the vendor gave "
			"you", u, ph);
	if (!strncmp(u, "arn:", 4))
		return s3p_error_set(err, S3P_E_USAGE,
			"invalid IAM user name '%s': an ARN; use --principal "
			"'%s' (or --user with the bare name)", u, u);
	if (len < 1 || len > 64)
		return s3p_error_set(err, S3P_E_USAGE,
			"invalid IAM user name '%s': must be 1 to 64 characters "
			"long (has %zu)", u, len);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)u[i];

		if (!(isalnum(c) || strchr("+=,.@_-", c)))
			return s3p_error_set(err, S3P_E_USAGE,
				"invalid IAM user name '%s': only letters, "
				"digits and '+=,.@_-' are allowed", u);
	}
	return 0;
}

int names_check_account(const char *a, struct s3p_error *err)
{
	size_t len = strlen(a);

	if (len != 12 || strspn(a, "0123456789") != 12)
		return s3p_error_set(err, S3P_E_USAGE,
			"invalid AWS account id '%s': must be exactly 12 "
			"digits", a);
	return 0;
}

int names_check_partition(const char *p, struct s3p_error *err)
{
	if (!strcmp(p, "aws") || !strcmp(p, "aws-cn") ||
	    !strcmp(p, "aws-us-gov"))
		return 0;
	return s3p_error_set(err, S3P_E_USAGE,
		"invalid partition '%s': expected aws, aws-cn or aws-us-gov", p);
}

int names_check_region(const char *r, struct s3p_error *err)
{
	size_t len = strlen(r);

	if (len < 1 || len > 32)
		goto bad;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)r[i];

		if (!(islower(c) || isdigit(c) || c == '-'))
			goto bad;
	}
	if (r[0] == '-' || r[len - 1] == '-')
		goto bad;
	return 0;
bad:
	return s3p_error_set(err, S3P_E_USAGE,
		"invalid region '%s': expected a name such as us-east-1", r);
}

const char *names_find_placeholder(const char *s)
{
	static const char *const placeholders[] = {
		"STATSIG_IAM_USER", "YOUR_S3_BUCKET", "YOUR_BUCKET",
		"BUCKET_NAME", "YOUR-BUCKET", "your-bucket-name",
		"STATSIG_USER", "ACCOUNT_ID", "{{",
	};

	for (size_t i = 0; i < sizeof(placeholders) / sizeof(*placeholders); i++)
		if (strstr(s, placeholders[i]))
			return placeholders[i];
	return NULL;
}

/* Split "arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE" in place. */
static int split_arn(char *s, char *f[6])
{
	for (int i = 0; i < 5; i++) {
		char *c = strchr(s, ':');

		if (!c)
			return -1;
		*c = '\0';
		f[i] = s;
		s = c + 1;
	}
	f[5] = s;
	return 0;
}

static int valid_path_name(const char *name, size_t maxlen)
{
	size_t len = strlen(name);

	if (len < 1 || len > maxlen)
		return 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];

		if (!(isalnum(c) || strchr("+=,.@_-", c)))
			return 0;
	}
	return 1;
}

/* An account part: 12 digits on AWS; S3-compatible servers use tenant
 * names here (letters, digits, '_' and '-'). */
static int valid_account_part(const char *a)
{
	size_t len = strlen(a);

	if (len < 1 || len > 63)
		return 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)a[i];

		if (!(isalnum(c) || c == '_' || c == '-'))
			return 0;
	}
	return 1;
}

int names_parse_principal(const char *s, struct principal *out,
			  struct s3p_error *err)
{
	char copy[1024];
	char *f[6];
	const char *ph = names_find_placeholder(s);

	memset(out, 0, sizeof(*out));
	if (ph)
		return s3p_error_set(err, S3P_E_USAGE,
			"invalid principal '%s': '%s' is a placeholder from the "
			"documentation", s, ph);
	if (strlen(s) == 12 && strspn(s, "0123456789") == 12) {
		out->type = PRINCIPAL_ACCOUNT;
		snprintf(out->partition, sizeof(out->partition), "aws");
		snprintf(out->account, sizeof(out->account), "%s", s);
		snprintf(out->arn, sizeof(out->arn), "arn:aws:iam::%s:root", s);
		return 0;
	}
	if (strlen(s) >= sizeof(copy) || strncmp(s, "arn:", 4))
		goto bad;
	memcpy(copy, s, strlen(s) + 1);
	if (split_arn(copy, f) || names_check_partition(f[1], NULL) ||
	    f[3][0] || !valid_account_part(f[4]))
		goto bad;
	snprintf(out->partition, sizeof(out->partition), "%s", f[1]);
	snprintf(out->account, sizeof(out->account), "%s", f[4]);
	if (!strcmp(f[2], "iam")) {
		const char *res = f[5];
		const char *name;

		if (!strcmp(res, "root")) {
			out->type = PRINCIPAL_ACCOUNT;
		} else if (!strncmp(res, "user/", 5) ||
			   !strncmp(res, "role/", 5)) {
			out->type = res[0] == 'u' ? PRINCIPAL_USER
						  : PRINCIPAL_ROLE;
			name = strrchr(res, '/') + 1;
			if (!valid_path_name(name, 64))
				goto bad;
			snprintf(out->name, sizeof(out->name), "%s", name);
		} else {
			goto bad;
		}
	} else if (!strcmp(f[2], "sts")) {
		const char *res = f[5];
		const char *slash;

		if (strncmp(res, "assumed-role/", 13))
			goto bad;
		slash = strchr(res + 13, '/');
		if (!slash || slash == res + 13 || !slash[1])
			goto bad;
		out->type = PRINCIPAL_ASSUMED_ROLE;
		snprintf(out->name, sizeof(out->name), "%.*s",
			 (int)(slash - (res + 13)), res + 13);
	} else {
		goto bad;
	}
	snprintf(out->arn, sizeof(out->arn), "%s", s);
	return 0;
bad:
	return s3p_error_set(err, S3P_E_USAGE,
		"invalid principal '%s': expected an IAM ARN such as "
		"arn:aws:iam::123456789012:user/NAME, :role/NAME or :root, "
		"or a 12-digit account id", s);
}

int names_user_principal(const char *partition, const char *account,
			 const char *user, struct principal *out,
			 struct s3p_error *err)
{
	char arn[1024];

	if (names_check_partition(partition, err) ||
	    names_check_account(account, err) || names_check_user(user, err))
		return -1;
	snprintf(arn, sizeof(arn), "arn:%s:iam::%s:user/%s", partition,
		 account, user);
	return names_parse_principal(arn, out, err);
}

int names_check_prefix(const char *p, struct s3p_error *err)
{
	const char *ph = names_find_placeholder(p);

	if (!*p)
		return s3p_error_set(err, S3P_E_USAGE,
			"invalid prefix '': give a key prefix such as "
			"'events/', or no --prefix for the whole bucket");
	if (ph)
		return s3p_error_set(err, S3P_E_USAGE,
			"invalid prefix '%s': '%s' is a placeholder", p, ph);
	if (p[0] == '/')
		return s3p_error_set(err, S3P_E_USAGE,
			"invalid prefix '%s': S3 keys do not start with '/'", p);
	if (strpbrk(p, "*?"))
		return s3p_error_set(err, S3P_E_USAGE,
			"invalid prefix '%s': '*' and '?' would be wildcards "
			"in the policy", p);
	if (strstr(p, "${"))
		return s3p_error_set(err, S3P_E_USAGE,
			"invalid prefix '%s': '${' would be a policy variable",
			p);
	if (strlen(p) > 1024)
		return s3p_error_set(err, S3P_E_USAGE,
			"invalid prefix: longer than 1024 bytes");
	for (const unsigned char *c = (const unsigned char *)p; *c; c++)
		if (*c < 0x20 || *c == 0x7f)
			return s3p_error_set(err, S3P_E_USAGE,
				"invalid prefix: control characters are not "
				"allowed");
	return 0;
}

int names_resolve_principal(const char *user, const char *account,
			  const char *principal_arn, const char *partition,
			  struct principal *out, const char **partition_out,
			  struct s3p_error *err)
{
	if (partition && names_check_partition(partition, err))
		return -1;
	if (user && principal_arn)
		return s3p_error_set(err, S3P_E_USAGE,
			"'--user' and '--principal' cannot be used together: "
			"give one");
	if (account && !user)
		return s3p_error_set(err, S3P_E_USAGE,
			"'--account' needs '--user' (a '--principal' ARN "
			"holds its account)");
	if (!user && !principal_arn)
		return s3p_error_set(err, S3P_E_USAGE,
			"missing '--user NAME' (the vendor's IAM user) or "
			"'--principal ARN'");
	if (user) {
		if (names_user_principal(partition ? partition : "aws",
					 account ? account : NAMES_VENDOR_ACCOUNT,
					 user, out, err))
			return -1;
	} else {
		if (names_parse_principal(principal_arn, out, err))
			return -1;
		/* A bare account id has no partition of its own. */
		if (partition && out->type == PRINCIPAL_ACCOUNT &&
		    strncmp(principal_arn, "arn:", 4)) {
			snprintf(out->partition, sizeof(out->partition), "%s",
				 partition);
			snprintf(out->arn, sizeof(out->arn),
				 "arn:%s:iam::%s:root", partition, out->account);
		}
		if (partition && strcmp(partition, out->partition))
			return s3p_error_set(err, S3P_E_USAGE,
				"'--partition %s' does not match the "
				"principal's partition '%s'", partition,
				out->partition);
	}
	*partition_out = partition ? partition : out->partition;
	return 0;
}
