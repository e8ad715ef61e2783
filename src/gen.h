/* gen.h - what `s3perm gen` does, as a function: validated parameters in,
 * the text to print (and warnings) out. */
#ifndef S3P_GEN_H
#define S3P_GEN_H

#include <stddef.h>
#include "error.h"

struct gen_request {
	const char *mode;          /* "read" | "export" */
	const char *bucket;
	const char *user;          /* with account, or ... */
	const char *account;       /* NULL: the vendor's account */
	const char *principal;     /* ... any principal ARN */
	const char *partition;     /* NULL: from the principal, else aws */
	const char **prefixes;
	size_t nprefixes;
	const char *merge_path;    /* current policy file, "-" = stdin */
	int remove;                /* with merge_path: remove the vendor's */
	const char *format;        /* "json" | "terraform" | "cloudformation" */
	const char *templates_dir;
};

struct gen_result {
	char *text;                /* what to print */
	char **warnings;           /* for stderr */
	size_t nwarnings;
};

/* Validate every parameter (usage errors name the rule broken), render,
 * merge or remove, check the size limit, format. */
int gen_run(const struct gen_request *req, struct gen_result *res,
	    struct s3p_error *err);
void gen_result_release(struct gen_result *res);

#endif
