/* template.h - the vendor's grants, from templates/ (the single source of
 * truth).  `gen` renders them into a policy; `check` and `verify` ask which
 * (action, resource) pairs a mode requires.  No list of actions lives in C.
 *
 * A template is a bucket-policy document (templates/<mode>.json) with these
 * placeholders inside strings:
 *   {{PRINCIPAL}}  the principal ARN (or account id)
 *   {{PARTITION}}  aws | aws-cn | aws-us-gov
 *   {{BUCKET}}     the bucket name
 *   {{PREFIX}}     each --prefix value: a string holding it is repeated once
 *                  per prefix (an array of strings results).  Without
 *                  prefixes it is replaced by "" in Resource strings, and a
 *                  Condition operator whose values hold it is dropped.
 *
 * Templates are searched in: the directory given (--templates DIR), then
 * $S3PERM_TEMPLATES, then the installed S3PERM_DATADIR/templates, then the
 * copy built into the binary.
 */
#ifndef S3P_TEMPLATE_H
#define S3P_TEMPLATE_H

#include <stddef.h>
#include "error.h"
#include "grant.h"

struct json_t;

/* The copy built into the binary (generated from templates/ at build
 * time), terminated by an entry with name == NULL. */
struct template_file {
	const char *name;   /* "read.json" */
	const char *data;
	size_t len;
};
extern const struct template_file template_builtin[];

struct tpl_params {
	const char *mode;          /* "read" or "export" */
	const char *principal;     /* principal ARN, e.g. arn:aws:iam::1:user/x */
	const char *partition;     /* "aws" when NULL */
	const char *bucket;
	const char *const *prefixes;
	size_t nprefixes;
	const char *templates_dir; /* NULL: default search */
};

/* Is `mode` a known mode ("read", "export")?  Sets a usage error if not. */
int template_check_mode(const char *mode, struct s3p_error *err);

/* Render the policy for p.  *policy is a new JSON object, free with
 * json_decref(). */
int template_render(const struct tpl_params *p, struct json_t **policy,
		    struct s3p_error *err);

/* The grants the mode requires, in template order.  Release with
 * grant_list_release(). */
int template_grants(const struct tpl_params *p, struct grant_list *out,
		    struct s3p_error *err);
void grant_list_release(struct grant_list *list);

/* Every Sid used by any mode's template (the vendor's statements, for
 * merge and remove).  Free with template_free_sids(). */
int template_all_sids(const char *templates_dir, char ***sids, size_t *n,
		      struct s3p_error *err);
void template_free_sids(char **sids, size_t n);

#endif
