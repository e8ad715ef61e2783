/* grant.h - one access the vendor needs: an action on a resource.  The
 * templates produce them (template.h), the evaluator answers for them
 * (iam_eval.h), check probes them. */
#ifndef S3P_GRANT_H
#define S3P_GRANT_H

#include <stddef.h>

/* One required grant: an action on a resource, as the rendered policy
 * grants it. */
struct grant {
	char *action;       /* "s3:GetObject" */
	char *resource;     /* "arn:aws:s3:::b", or "arn:aws:s3:::b/" then "*",
	                       or "arn:aws:s3:::b/events/" then "*" */
	char *sid;          /* Sid of the template statement granting it */
	int bucket_level;   /* 1: resource is the bucket ARN, 0: objects */
	char **prefixes;    /* the s3:prefix values the grant is limited to */
	size_t nprefixes;   /* (list grant under --prefix), else 0 */
};

struct grant_list {
	struct grant *items;
	size_t n;
};

#endif
