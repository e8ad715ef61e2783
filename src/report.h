/* report.h - the result of `s3perm check` for people (a table) and for
 * scripts (JSON), with the remediation: the bucket-policy statements that
 * add exactly the missing grants, rendered from the same templates and
 * with the same Sids as `s3perm gen`, and the commands that merge them.
 *
 * Nothing here prints: the text is appended to a buffer the command
 * writes out. */
#ifndef S3P_REPORT_H
#define S3P_REPORT_H

#include "buf.h"
#include "error.h"
#include "probe.h"

struct report_opts {
	/* How the principal was named (for the remediation and the gen
	 * command): user (+ account), or principal, or neither (then the
	 * ARN an AccessDenied message named, else a placeholder). */
	const char *user;
	const char *account;
	const char *principal;
	const char *caller_arn;     /* learnt from STS GetCallerIdentity, or
				       NULL */
	const char *partition;      /* NULL: from the region */
	const char *templates_dir;
	const char *endpoint;       /* for the AWS CLI commands, NULL */
	int color;                  /* ANSI colours in the table */
	/* JSON: one line (the fleet check's JSON lines), and the manifest's
	 * customer id as "id" first when not NULL. */
	int compact;
	const char *id;
	int verbose;                /* the table shows the evidence of
				       granted grants too */
};

/* The remediation policy document as pretty JSON text (statements of the
 * mode's template restricted to the missing actions), or *text = NULL
 * when nothing is missing.  *text: free(). */
int report_remediation(const struct probe_report *r,
		       const struct report_opts *o, char **text,
		       struct s3p_error *err);

/* The JSON document (see the man page), appended to out. */
int report_json(const struct probe_report *r, const struct report_opts *o,
		struct buf *out, struct s3p_error *err);

/* A bucket that could not be checked, as one JSON line for the fleet
 * check: {"id", "bucket", "mode", "prefix", "error": {"kind", "message",
 * "exit_status"}, "left_behind": [...]}.  r may be NULL (nothing probed);
 * kind is the stable error kind ("input", "s3", ...). */
int report_json_error(const struct probe_report *r,
		      const struct report_opts *o, const char *bucket,
		      const char *mode, const char *prefix, const char *kind,
		      const char *message, int exit_status, struct buf *out,
		      struct s3p_error *err);

/* The human table, remediation and notes, appended to out. */
int report_table(const struct probe_report *r, const struct report_opts *o,
		 struct buf *out, struct s3p_error *err);

/* The leftovers, one per line with the command that removes each (for
 * stderr when the check stopped early).  Appends nothing if none. */
void report_leftovers(const struct probe_report *r, struct buf *out);

#endif
