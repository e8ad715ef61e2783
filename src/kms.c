/* kms.c - KMS GetKeyPolicy: the JSON request (Jansson), the SigV4 signer
 * (sigv4.c), the HTTP module (http.c), the JSON answer.  See kms.h. */
#include "kms.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "creds.h"
#include "http.h"
#include "sigv4.h"

void kms_answer_release(struct kms_answer *a)
{
	free(a->policy);
	a->policy = NULL;
}

static const char *env(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

char *kms_endpoint(const char *region)
{
	const char *ep = env("AWS_ENDPOINT_URL_KMS");
	struct buf b = BUF_INIT;

	if (!ep)
		ep = env("AWS_ENDPOINT_URL");
	if (ep)
		return xstrdup(ep);
	buf_printf(&b, "https://kms.%s.%s", region,
		   strncmp(region, "cn-", 3) == 0 ? "amazonaws.com.cn"
						  : "amazonaws.com");
	return buf_detach(&b);
}

char *kms_get_key_policy_body(const char *key)
{
	json_t *o = json_pack("{s:s, s:s}", "KeyId", key, "PolicyName",
			      "default");
	char *s;

	if (!o)
		return NULL;
	s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return s;
}

void kms_parse_key_policy(long status, const char *body, size_t len,
			  struct kms_answer *out)
{
	json_t *doc;
	json_error_t je;
	const char *type, *msg, *pol, *hash;

	memset(out, 0, sizeof(*out));
	out->outcome = KMS_NOT_KMS;
	doc = len ? json_loadb(body, len, JSON_REJECT_DUPLICATES, &je) : NULL;
	if (!json_is_object(doc)) {
		snprintf(out->detail, sizeof(out->detail), "HTTP %ld with %s",
			 status, len ? "an answer that is not a JSON object"
			 : "an empty answer");
		json_decref(doc);
		return;
	}
	type = json_string_value(json_object_get(doc, "__type"));
	msg = json_string_value(json_object_get(doc, "message"));
	if (!msg)
		msg = json_string_value(json_object_get(doc, "Message"));
	pol = json_string_value(json_object_get(doc, "Policy"));
	if (status >= 200 && status < 300 && pol) {
		out->outcome = KMS_POLICY;
		out->policy = xstrdup(pol);
	} else if (type && (status < 200 || status >= 300)) {
		/* "com.amazonaws.kms#AccessDeniedException" or bare */
		hash = strrchr(type, '#');
		type = hash ? hash + 1 : type;
		out->outcome = strcmp(type, "AccessDeniedException")
			       ? KMS_FAILED : KMS_DENIED;
		snprintf(out->detail, sizeof(out->detail), "%.80s%s%.160s",
			 type, msg ? ": " : "", msg ? msg : "");
	} else {
		snprintf(out->detail, sizeof(out->detail), "HTTP %ld with a "
			 "JSON answer that is not GetKeyPolicy's", status);
	}
	json_decref(doc);
}

int kms_get_key_policy(const char *endpoint, const char *region,
		       const struct sigv4_credentials *creds, const char *key,
		       long timeout_ms, struct kms_answer *out,
		       struct s3p_error *err)
{
	static const char target[] = "TrentService.GetKeyPolicy";
	static const char ctype[] = "application/x-amz-json-1.1";
	const struct sigv4_header sh[2] = { { "Content-Type", ctype },
		{ "X-Amz-Target", target } };
	struct http_options ho;
	struct http_client *hc = NULL;
	struct http_exchange ex;
	char *host = NULL, *path = NULL, *body = NULL;
	char *signed_lines[SIGV4_POST_LINES] = { NULL };
	const char *headers[2 + SIGV4_POST_LINES];
	size_t nh = 0, ns = 0;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	memset(&ex, 0, sizeof(ex));
	if ((strncmp(endpoint, "http://", 7) &&
	     strncmp(endpoint, "https://", 8)) ||
	    sigv4_split_url(endpoint, &host, &path) < 0) {
		s3p_error_set(err, S3P_E_USAGE,
			      "invalid KMS endpoint URL '%s'", endpoint);
		goto out;
	}
	body = kms_get_key_policy_body(key);
	if (!body) {
		s3p_error_set(err, S3P_E_NOMEM, "out of memory");
		goto out;
	}
	if (sigv4_sign_post(host, path, region, "kms", time(NULL), sh, 2,
			    body, strlen(body), creds, signed_lines, &ns,
			    err) < 0)
		goto out;
	headers[nh++] = "Content-Type: application/x-amz-json-1.1";
	headers[nh++] = "X-Amz-Target: TrentService.GetKeyPolicy";
	for (size_t i = 0; i < ns; i++)
		headers[nh++] = signed_lines[i];
	memset(&ho, 0, sizeof(ho));
	ho.timeout_ms = timeout_ms;
	ho.ca_bundle = creds_env_ca_bundle();
	ho.max_concurrency = 1;
	if (http_client_new(&ho, &hc, err))
		goto out;
	ex.method = "POST";
	ex.url = endpoint;
	ex.headers = headers;
	ex.header_count = nh;
	ex.body = body;
	ex.body_len = strlen(body);
	ex.max_body = KMS_MAX_ANSWER;
	if (http_perform(hc, &ex, 1, err))
		goto out;
	if (ex.result != HTTP_OK) {
		out->outcome = KMS_FAILED;
		snprintf(out->detail, sizeof(out->detail), "%s%s%.200s",
			 http_result_name(ex.result), *ex.error ? ": " : "",
			 ex.error);
	} else {
		kms_parse_key_policy(ex.status, ex.resp_body.data,
				     ex.resp_body.len, out);
	}
	rc = 0;
out:
	http_exchange_release(&ex);
	http_client_free(hc);
	sigv4_post_lines_free(signed_lines);
	free(body);
	free(host);
	free(path);
	return rc;
}
