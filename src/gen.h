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
	const char *merge_text;    /* or the current policy's text (apply);
				      NULL with merge_path NULL: no merge */
	size_t merge_len;
	const char *merge_name;    /* names merge_text in messages */
	int merge_none;            /* with merge_text: the bucket has no
				      policy (text ignored) */
	int remove;                /* with merge_path: remove the vendor's */
	const char *format;        /* "json" | "terraform" | "cloudformation" */
	const char *tf_name;       /* Terraform resource name; NULL: from the
				      bucket */
	const char *templates_dir;
};

struct json_t;

struct gen_result {
	char *text;                /* what to print ("" when --remove found
				      no policy at all) */
	char **warnings;           /* for stderr */
	size_t nwarnings;
	char **errors;             /* findings that make the run fail (exit
				      1): what the vendor can still do after
				      --remove */
	size_t nerrors;
	struct json_t *doc;        /* the resulting policy (NULL when there
				      is none: --remove on no policy) */
	int no_policy;             /* the current policy was "none" */
	int empty;                 /* --remove left no statement: the bucket
				      policy is to be deleted */
	int changed_mode;          /* merge replaced the other mode's grants */
};

/* Validate every parameter (usage errors name the rule broken), render,
 * merge or remove, prove a removal with the evaluator, lint the result
 * (an error AWS would reject: S3P_E_INPUT naming the statement), check the
 * size limit, format. */
int gen_run(const struct gen_request *req, struct gen_result *res,
	    struct s3p_error *err);
void gen_result_release(struct gen_result *res);

#endif
