/* unwrap.h - the policy document inside what `s3perm gen --format
 * terraform` and `--format cloudformation` print, so that `verify` reads
 * gen's own outputs as they are kept in a repository.
 *
 *   Terraform       resource "aws_s3_bucket_policy" "NAME" {
 *                     bucket = "B"
 *                     policy = jsonencode({ Version = "2012-10-17" ... })
 *                   }
 *                   (the HCL constants gen writes: objects, lists, quoted
 *                   strings, numbers, booleans) or, as earlier versions
 *                   wrote it, a heredoc:
 *                     policy = <<-POLICY     (or <<ID: any identifier)
 *                   { ...policy JSON... }
 *                     POLICY
 *                   In both, $${ and %%{ are Terraform's escapes of ${
 *                   and %{.
 *   CloudFormation  a template (JSON) whose Resources hold one
 *                   AWS::S3::BucketPolicy (or several: the one whose
 *                   Bucket is the bucket); its PolicyDocument, an object
 *                   or a JSON string.
 *
 * Anything else is left alone (0): a plain policy, the answer of `aws
 * s3api get-bucket-policy`, or text that is no JSON (whose error the
 * policy parser reports).
 */
#ifndef S3P_UNWRAP_H
#define S3P_UNWRAP_H

#include <stddef.h>

#include "error.h"

/* 1 with *policy (new, free()) and *plen, and *format ("Terraform",
 * "CloudFormation", static) when text is one of the forms above; 0 when it
 * is none; -1 (S3P_E_INPUT, naming `name`) when it is one but holds no
 * policy (an unterminated heredoc, a template without a bucket policy, or
 * none for `bucket` among several). */
int unwrap_generated(const char *text, size_t len, const char *name,
		     const char *bucket, char **policy, size_t *plen,
		     const char **format, struct s3p_error *err);

#endif
