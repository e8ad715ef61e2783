/* apply.h - what `s3perm apply` does, without printing: gen's merge (or
 * remove) done on the live bucket with the customer's credentials.
 *
 *   struct apply_state st;
 *   apply_prepare(c, &rq, &st, err)    GetBucketPolicy, merge/remove, the
 *                                      pretty-printed before and after,
 *                                      st.changed
 *   apply_diff(before, after, ...)     the diff to show
 *   apply_backup(...)                  the current policy saved (0600)
 *   apply_commit(c, &rq, &st, err)     re-read (changed since: 1, nothing
 *                                      written), then PutBucketPolicy, or
 *                                      DeleteBucketPolicy when --remove
 *                                      leaves no statement
 *   apply_check(c, &rq, &st, err)      re-read and evaluate: st.problems
 *   apply_json(&rq, &st)               the --json document
 *   apply_state_release(&st)
 *
 * Errors (err): S3P_E_S3 for S3 answers (a permission error names the
 * action the credentials lack: s3:GetBucketPolicy, s3:PutBucketPolicy,
 * s3:DeleteBucketPolicy), S3P_E_INPUT for a policy S3 rejects
 * (MalformedPolicy, with S3's message) or cannot be read, S3P_E_IO for the
 * backup file.
 */
#ifndef S3P_APPLY_H
#define S3P_APPLY_H

#include <stddef.h>
#include <time.h>

#include "buf.h"
#include "error.h"
#include "gen.h"
#include "verify.h"

struct s3_client;

struct apply_request {
	struct gen_request gen;   /* bucket, mode, principal, prefixes,
				     remove, templates_dir (format: json) */
};

struct apply_state {
	char *before_text;        /* as fetched; NULL: the bucket has none */
	struct gen_result gen;    /* the merge or removal */
	char *before_pretty;      /* "" when none */
	char *after_pretty;       /* "" when the policy is to be deleted */
	int changed;              /* 0: nothing to change (no write) */
	int delete_policy;        /* --remove leaves no statement */
	char *backup_path;        /* after apply_backup() */
	int written;              /* PutBucketPolicy / DeleteBucketPolicy
				     done */
	/* apply_check() */
	struct verify_result verify;
	int have_verify;
	char **problems;          /* what the re-read policy gets wrong */
	size_t nproblems;
};

/* GetBucketPolicy (NoSuchBucketPolicy = none), then gen_run() on it. */
int apply_prepare(struct s3_client *c, const struct apply_request *rq,
		  struct apply_state *st, struct s3p_error *err);

/* A unified diff (3 lines of context) of two texts, line by line, with
 * "--- label_a" / "+++ label_b" headers; coloured with ANSI escapes when
 * color is 1.  Appended to out; nothing when the texts are equal. */
void apply_diff(const char *a, const char *b, const char *label_a,
		const char *label_b, int color, struct buf *out);

/* The default backup name: B.policy.YYYYMMDDTHHMMSSZ.json (UTC), into
 * out[size]. */
void apply_backup_name(const char *bucket, time_t now, char *out,
		       size_t size);

/* Save st->before_text to path (created, never overwritten, mode 0600);
 * st->backup_path is set.  Nothing is written when the bucket has no
 * policy (st->backup_path stays NULL). */
int apply_backup(struct apply_state *st, const char *path,
		 struct s3p_error *err);

enum { APPLY_COMMITTED = 0, APPLY_RACE = 1 };

/* Re-read the policy: when it differs from st->before_text, return
 * APPLY_RACE and write nothing; else PutBucketPolicy (or
 * DeleteBucketPolicy). */
int apply_commit(struct s3_client *c, const struct apply_request *rq,
		 struct apply_state *st, struct s3p_error *err);

/* Re-read the policy and evaluate it for the vendor: every grant of the
 * mode allowed (for --remove: none of either mode, and no policy left
 * when it was deleted); each failure is one line in st->problems. */
int apply_check(struct s3_client *c, const struct apply_request *rq,
		struct apply_state *st, struct s3p_error *err);

/* {bucket, mode, changed, backup, before, after, results, findings}
 * (2-space indent, final newline); new string, free(). */
char *apply_json(const struct apply_request *rq,
		 const struct apply_state *st);

void apply_state_release(struct apply_state *st);

#endif
