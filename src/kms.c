/* kms.c - KMS GetKeyPolicy: the JSON request (Jansson), the SigV4 signer
 * (sigv4.c), the HTTP module (http.c), the JSON answer.  See kms.h. */
#include "kms.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "creds.h"
#include "crypto.h"
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

/* "http://host:port/path" -> host and path ("/" when none). */
static int split_url(const char *url, char **host, char **path,
		     struct s3p_error *err)
{
	const char *h = strstr(url, "://"), *slash;

	if (!h || !h[3] || (strncmp(url, "http://", 7) &&
			    strncmp(url, "https://", 8)))
		return s3p_error_set(err, S3P_E_USAGE,
				     "invalid KMS endpoint URL '%s'", url);
	h += 3;
	slash = strchr(h, '/');
	*host = slash ? xstrndup(h, (size_t)(slash - h)) : xstrdup(h);
	*path = xstrdup(slash ? slash : "/");
	return 0;
}

int kms_get_key_policy(const char *endpoint, const char *region,
		       const struct sigv4_credentials *creds, const char *key,
		       long timeout_ms, struct kms_answer *out,
		       struct s3p_error *err)
{
	static const char target[] = "TrentService.GetKeyPolicy";
	static const char ctype[] = "application/x-amz-json-1.1";
	struct sigv4_header sh[3] = { { "Host", NULL },
		{ "Content-Type", ctype }, { "X-Amz-Target", target } };
	struct sigv4_request rq;
	struct sigv4_params pa;
	struct sigv4_signed sig;
	struct http_options ho;
	struct http_client *hc = NULL;
	struct http_exchange ex;
	char *host = NULL, *path = NULL, *body = NULL, *store[4] = { NULL };
	const char *headers[8];
	char amz_date[32], hash[CRYPTO_SHA256_HEX_LEN + 1];
	size_t nh = 0;
	time_t now = time(NULL);
	struct tm tm;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	memset(&sig, 0, sizeof(sig));
	memset(&ex, 0, sizeof(ex));
	if (split_url(endpoint, &host, &path, err))
		goto out;
	body = kms_get_key_policy_body(key);
	if (!body) {
		s3p_error_set(err, S3P_E_NOMEM, "out of memory");
		goto out;
	}
	sh[0].value = host;
	gmtime_r(&now, &tm);
	strftime(amz_date, sizeof(amz_date), "%Y%m%dT%H%M%SZ", &tm);
	crypto_sha256_hex(body, strlen(body), hash);
	memset(&rq, 0, sizeof(rq));
	rq.method = "POST";
	rq.path = path;
	rq.headers = sh;
	rq.header_count = 3;
	rq.payload_hash = hash;
	memset(&pa, 0, sizeof(pa));
	pa.region = region;
	pa.service = "kms";
	pa.amz_date = amz_date;
	if (sigv4_sign_headers(&rq, &pa, creds, &sig, NULL, err) < 0)
		goto out;
	headers[nh++] = "Content-Type: application/x-amz-json-1.1";
	headers[nh++] = "X-Amz-Target: TrentService.GetKeyPolicy";
	for (size_t i = 0; i < sig.count; i++) {
		struct buf h = BUF_INIT;

		buf_printf(&h, "%s: %s", sig.headers[i].name,
			   sig.headers[i].value);
		store[i] = buf_detach(&h);
		headers[nh++] = store[i];
	}
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
	sigv4_signed_free(&sig);
	for (size_t i = 0; i < 4; i++) {
		if (store[i])
			memset(store[i], 0, strlen(store[i]));
		free(store[i]);
	}
	free(body);
	free(host);
	free(path);
	return rc;
}
