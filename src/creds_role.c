/* creds_role.c - the assume-role provider: a profile's role_arn with
 * source_profile (itself possibly a role profile: chains, loops refused)
 * or credential_source (Environment, Ec2InstanceMetadata, EcsContainer);
 * external_id, role_session_name, duration_seconds, mfa_serial.  The
 * source credentials sign an STS AssumeRole call (creds_sts.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "creds_int.h"

/* Credentials of source profile `src` that is not itself a role profile
 * (or is the role profile itself): its static keys, its
 * credential_process, or its IAM Identity Center settings. */
static int source_static(struct creds_ctx *cx, const char *src,
			 struct creds *out, struct s3p_error *err)
{
	int rc;

	if ((rc = creds_shared_load(cx, src, 0, out, err)) !=
	    CREDS_NOT_APPLICABLE)
		return rc;
	if ((rc = creds_shared_load(cx, src, 1, out, err)) !=
	    CREDS_NOT_APPLICABLE)
		return rc;
	if ((rc = creds_process_load(cx, src, out, err)) !=
	    CREDS_NOT_APPLICABLE)
		return rc;
	if ((rc = creds_webid_load(cx, src, out, err)) != CREDS_NOT_APPLICABLE)
		return rc;
	return creds_sso_load(cx, src, out, err);
}

static void chain_text(const struct creds_ctx *cx, const char *last,
		       char *out, size_t size)
{
	size_t n = 0;

	out[0] = '\0';
	for (size_t i = 0; i < cx->nvisited && n < size; i++)
		n += (size_t)snprintf(out + n, size - n, "'%s' -> ",
				      cx->visited[i]);
	if (n < size)
		snprintf(out + n, size - n, "'%s'", last);
}

static int source_creds(struct creds_ctx *cx, const char *profile,
			struct creds *src_out, struct s3p_error *err)
{
	const char *src = creds_profile_get(&cx->files, profile,
					    "source_profile");
	const char *cs = creds_profile_get(&cx->files, profile,
					   "credential_source");
	int rc;

	if (src && cs)
		return s3p_error_set(err, S3P_E_S3, "profile '%s' has both "
				     "source_profile and credential_source",
				     profile);
	if (cs) {
		if (strcmp(cs, "Environment") == 0)
			rc = creds_env_load(cx, profile, src_out, err);
		else if (strcmp(cs, "Ec2InstanceMetadata") == 0)
			rc = creds_imds_load(cx, profile, src_out, err);
		else if (strcmp(cs, "EcsContainer") == 0)
			rc = creds_ecs_load(cx, profile, src_out, err);
		else
			return s3p_error_set(err, S3P_E_S3, "credential_source "
					     "'%s' of profile '%s' is not "
					     "Environment, Ec2InstanceMetadata "
					     "or EcsContainer", cs, profile);
		if (rc == CREDS_NOT_APPLICABLE)
			return s3p_error_set(err, S3P_E_S3, "credential_source "
					     "%s of profile '%s' gave no "
					     "credentials", cs, profile);
		return rc;
	}
	if (!src)
		return s3p_error_set(err, S3P_E_S3, "profile '%s' has role_arn "
				     "but neither source_profile nor "
				     "credential_source", profile);
	for (size_t i = 0; i < cx->nvisited; i++) {
		/* A profile may name itself when it has its own keys. */
		if (strcmp(cx->visited[i], src) == 0 &&
		    !(i + 1 == cx->nvisited && creds_profile_get(
			      &cx->files, src, "aws_access_key_id"))) {
			char chain[300];

			chain_text(cx, src, chain, sizeof(chain));
			return s3p_error_set(err, S3P_E_S3,
					     "source_profile loop: %s", chain);
		}
	}
	if (!creds_files_has_profile(&cx->files, src))
		return s3p_error_set(err, S3P_E_S3, "source_profile '%s' of "
				     "profile '%s' not found in '%s' nor in "
				     "'%s'", src, profile, cx->files.cred_path,
				     cx->files.conf_path);
	if (strcmp(src, profile) != 0 &&
	    creds_profile_get(&cx->files, src, "role_arn") &&
	    !creds_profile_get(&cx->files, src, "web_identity_token_file"))
		rc = creds_role_load(cx, src, src_out, err);
	else
		rc = source_static(cx, src, src_out, err);
	if (rc == CREDS_NOT_APPLICABLE)
		return s3p_error_set(err, S3P_E_S3, "source_profile '%s' has no "
				     "credentials", src);
	return rc;
}

int creds_role_load(struct creds_ctx *cx, const char *profile,
		    struct creds *out, struct s3p_error *err)
{
	const char *arn = creds_profile_get(&cx->files, profile, "role_arn");
	const char *ext, *sess, *dur, *mfa;
	struct creds src;
	struct creds_sts_param p[6];
	struct creds_sts_call call;
	struct buf b = BUF_INIT;
	char session[64], code[64] = "";
	char *assumed = NULL;
	size_t np = 0, tried_len = cx->tried.len;
	int rc = -1;

	memset(&src, 0, sizeof(src));
	if (!arn) {
		creds_tried(cx, "assume role", "no role_arn");
		return CREDS_NOT_APPLICABLE;
	}
	if (creds_profile_get(&cx->files, profile, "web_identity_token_file")) {
		creds_tried(cx, "assume role", "web_identity_token_file set");
		return CREDS_NOT_APPLICABLE;
	}
	if (cx->nvisited >= CREDS_MAX_CHAIN) {
		s3p_error_set(err, S3P_E_S3, "more than %d profiles in the "
			      "source_profile chain", CREDS_MAX_CHAIN);
		goto out;
	}
	cx->visited[cx->nvisited++] = profile;
	rc = source_creds(cx, profile, &src, err);
	cx->nvisited--;
	cx->tried.len = tried_len;   /* the source's own attempts */
	if (cx->tried.data)
		cx->tried.data[tried_len] = '\0';
	if (rc < 0)
		goto out;
	rc = -1;
	sess = creds_profile_get(&cx->files, profile, "role_session_name");
	if (!sess) {
		snprintf(session, sizeof(session), "s3perm-session-%lld",
			 (long long)creds_now(cx));
		sess = session;
	}
	p[np].name = "RoleArn";
	p[np++].value = arn;
	p[np].name = "RoleSessionName";
	p[np++].value = sess;
	if ((ext = creds_profile_get(&cx->files, profile, "external_id"))) {
		p[np].name = "ExternalId";
		p[np++].value = ext;
	}
	if ((dur = creds_profile_get(&cx->files, profile,
				     "duration_seconds"))) {
		char *end;
		long d = strtol(dur, &end, 10);

		if (*end || d < 900 || d > 43200) {
			s3p_error_set(err, S3P_E_S3, "duration_seconds '%s' of "
				      "profile '%s' is not a number of seconds "
				      "from 900 to 43200", dur, profile);
			goto out;
		}
		p[np].name = "DurationSeconds";
		p[np++].value = dur;
	}
	if ((mfa = creds_profile_get(&cx->files, profile, "mfa_serial"))) {
		const struct creds_options *o = cx->opt;

		if (!o->mfa_prompt ||
		    o->mfa_prompt(o->mfa_ctx, mfa, code, sizeof(code)) < 0 ||
		    !*code) {
			s3p_error_set(err, S3P_E_S3, "profile '%s' needs an MFA "
				      "code for mfa_serial '%s' and there is no "
				      "terminal to ask for it", profile, mfa);
			goto out;
		}
		p[np].name = "SerialNumber";
		p[np++].value = mfa;
		p[np].name = "TokenCode";
		p[np++].value = code;
	}
	memset(&call, 0, sizeof(call));
	call.action = "AssumeRole";
	call.params = p;
	call.param_count = np;
	call.signer = &src;
	call.profile = profile;
	if (creds_sts_call(cx, &call, out, &assumed, err) < 0)
		goto out;
	out->provider = xstrdup("assume role");
	buf_printf(&b, "role %s from profile '%s' (source: %s)", arn, profile,
		   src.source ? src.source : "?");
	out->source = buf_detach(&b);
	rc = CREDS_FOUND;
out:
	if (rc < 0)
		s3p_error_prefix(err, "assume role %s from profile '%s'", arn,
				 profile);
	secure_zero(code, sizeof(code));
	free(assumed);
	creds_free(&src);
	return rc;
}
