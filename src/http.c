/* http.c - concurrent HTTP exchanges over one libcurl multi handle.
 * See http.h.  This is the only file that includes libcurl. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "buf.h"
#include "http.h"

#ifndef S3PERM_VERSION
#define S3PERM_VERSION "0"
#endif

struct http_client {
	CURLM *multi;
	long timeout_ms;
	long connect_timeout_ms;
	char *ca_bundle;
	char *user_agent;
};

/* Per-transfer state while an exchange runs. */
struct transfer {
	struct http_exchange *ex;
	CURL *easy;
	struct curl_slist *hdrs;
	size_t sent;            /* upload offset */
	size_t max_body;
	size_t header_bytes;
	int too_large;          /* body over max_body */
	int headers_too_large;  /* headers over HTTP_MAX_HEADER_BYTES */
	int over_budget;
	int cut;                /* stop_at_max: stopped on purpose */
	char errbuf[CURL_ERROR_SIZE];
};

static int global_refs;

void http_exchange_release(struct http_exchange *ex)
{
	for (size_t i = 0; i < ex->resp_header_count; i++) {
		free(ex->resp_headers[i].name);
		free(ex->resp_headers[i].value);
	}
	free(ex->resp_headers);
	ex->resp_headers = NULL;
	ex->resp_header_count = 0;
	buf_release(&ex->resp_body);
	ex->status = 0;
	ex->result = HTTP_OK;
	ex->body_cut = 0;
	ex->error[0] = '\0';
	ex->elapsed_ms = 0;
}

void http_exchange_add_header(struct http_exchange *ex, const char *name,
			      const char *value)
{
	ex->resp_headers = xrealloc(ex->resp_headers,
				    (ex->resp_header_count + 1) *
					    sizeof(*ex->resp_headers));
	ex->resp_headers[ex->resp_header_count].name = xstrdup(name);
	ex->resp_headers[ex->resp_header_count].value = xstrdup(value);
	ex->resp_header_count++;
}

const char *http_result_name(enum http_result r)
{
	switch (r) {
	case HTTP_OK: return "ok";
	case HTTP_E_DNS: return "host name not resolved";
	case HTTP_E_CONNECT: return "connection refused";
	case HTTP_E_TIMEOUT: return "timeout";
	case HTTP_E_RESET: return "connection reset";
	case HTTP_E_TLS: return "tls error";
	case HTTP_E_TRUNCATED: return "truncated or malformed answer";
	case HTTP_E_TOO_LARGE: return "answer too large";
	case HTTP_E_OVER_BUDGET: return "answers too large to hold at once";
	case HTTP_E_OTHER: break;
	}
	return "transfer failed";
}

int http_client_new(const struct http_options *opts, struct http_client **out,
		    struct s3p_error *err)
{
	struct http_client *c;
	long timeout = opts && opts->timeout_ms > 0 ? opts->timeout_ms : 30000;
	long conn = opts && opts->connect_timeout_ms > 0
			    ? opts->connect_timeout_ms
			    : (timeout < 10000 ? timeout : 10000);
	int maxc = opts && opts->max_concurrency > 0 ? opts->max_concurrency : 16;

	*out = NULL;
	if (global_refs == 0 && curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
		return s3p_error_set(err, S3P_E_INTERNAL,
				     "cannot initialize libcurl");
	global_refs++;
	c = xcalloc(1, sizeof(*c));
	c->multi = curl_multi_init();
	if (!c->multi) {
		free(c);
		if (--global_refs == 0)
			curl_global_cleanup();
		return s3p_error_set(err, S3P_E_INTERNAL,
				     "cannot create a libcurl multi handle");
	}
	curl_multi_setopt(c->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)maxc);
	curl_multi_setopt(c->multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)maxc);
	c->timeout_ms = timeout;
	c->connect_timeout_ms = conn;
	c->ca_bundle = opts && opts->ca_bundle ? xstrdup(opts->ca_bundle) : NULL;
	c->user_agent = xstrdup(opts && opts->user_agent
					? opts->user_agent
					: "s3perm/" S3PERM_VERSION);
	*out = c;
	return 0;
}

void http_client_free(struct http_client *c)
{
	if (!c)
		return;
	curl_multi_cleanup(c->multi);
	free(c->ca_bundle);
	free(c->user_agent);
	free(c);
	if (global_refs > 0 && --global_refs == 0)
		curl_global_cleanup();
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *ud)
{
	struct transfer *t = ud;
	size_t n = size * nmemb;

	if (t->ex->resp_body.len + n > t->max_body) {
		if (t->ex->stop_at_max) {
			size_t keep = t->max_body - t->ex->resp_body.len;

			n = keep;
			t->cut = 1;
		} else {
			t->too_large = 1;
			return 0;
		}
	}
	if (t->ex->budget) {
		if (n > *t->ex->budget) {
			t->over_budget = 1;
			return 0;
		}
		*t->ex->budget -= n;
	}
	buf_append(&t->ex->resp_body, data, n);
	/* 0 (less than given) ends the transfer: enough was read. */
	return t->cut ? 0 : size * nmemb;
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *ud)
{
	struct transfer *t = ud;
	size_t n = size * nmemb;
	char *line, *colon, *v, *e;

	t->header_bytes += n;
	if (t->header_bytes > HTTP_MAX_HEADER_BYTES) {
		t->headers_too_large = 1;
		return 0;
	}
	if (n >= 5 && memcmp(data, "HTTP/", 5) == 0) {
		/* A new status line (after 100 Continue): start over. */
		struct http_exchange *ex = t->ex;
		for (size_t i = 0; i < ex->resp_header_count; i++) {
			free(ex->resp_headers[i].name);
			free(ex->resp_headers[i].value);
		}
		ex->resp_header_count = 0;
		return n;
	}
	line = xstrndup(data, n);
	colon = strchr(line, ':');
	if (colon) {
		*colon = '\0';
		v = colon + 1;
		while (*v == ' ' || *v == '\t')
			v++;
		e = v + strlen(v);
		while (e > v && (e[-1] == '\r' || e[-1] == '\n' ||
				 e[-1] == ' ' || e[-1] == '\t'))
			*--e = '\0';
		http_exchange_add_header(t->ex, line, v);
	}
	free(line);
	return n;
}

static size_t on_read(char *dst, size_t size, size_t nmemb, void *ud)
{
	struct transfer *t = ud;
	size_t room = size * nmemb;
	size_t left = t->ex->body_len - t->sent;
	size_t n = left < room ? left : room;

	if (n)
		memcpy(dst, (const char *)t->ex->body + t->sent, n);
	t->sent += n;
	return n;
}

static int on_seek(void *ud, curl_off_t offset, int origin)
{
	struct transfer *t = ud;

	if (origin != SEEK_SET || offset < 0 ||
	    (size_t)offset > t->ex->body_len)
		return CURL_SEEKFUNC_CANTSEEK;
	t->sent = (size_t)offset;
	return CURL_SEEKFUNC_OK;
}

static enum http_result map_code(CURLcode rc, const struct transfer *t)
{
	if (rc != CURLE_OK && (t->too_large || t->headers_too_large))
		return HTTP_E_TOO_LARGE;
	if (rc != CURLE_OK && t->over_budget)
		return HTTP_E_OVER_BUDGET;
	switch (rc) {
	case CURLE_OK:
		return HTTP_OK;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		return HTTP_E_DNS;
	case CURLE_COULDNT_CONNECT:
		return HTTP_E_CONNECT;
	case CURLE_OPERATION_TIMEDOUT:
		return HTTP_E_TIMEOUT;
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
		return HTTP_E_RESET;
	case CURLE_PARTIAL_FILE:
	case CURLE_WEIRD_SERVER_REPLY:
	case CURLE_BAD_CONTENT_ENCODING:
		return HTTP_E_TRUNCATED;
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_SSL_ENGINE_INITFAILED:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_SHUTDOWN_FAILED:
	case CURLE_USE_SSL_FAILED:
		return HTTP_E_TLS;
	case CURLE_OUT_OF_MEMORY:
		/* libcurl's own limit on one header line (100 KB): the
		 * server sent it, this process did not run out of memory. */
		return HTTP_E_TOO_LARGE;
	case CURLE_WRITE_ERROR:
		return HTTP_E_OTHER;
	default:
		return HTTP_E_OTHER;
	}
}

static int setup(struct http_client *c, struct transfer *t,
		 struct s3p_error *err)
{
	struct http_exchange *ex = t->ex;
	CURL *e = curl_easy_init();

	if (!e)
		return s3p_error_set(err, S3P_E_INTERNAL,
				     "cannot create a libcurl handle");
	t->easy = e;
	t->max_body = ex->max_body ? ex->max_body : HTTP_DEFAULT_MAX_BODY;
	curl_easy_setopt(e, CURLOPT_PRIVATE, t);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->errbuf);
	curl_easy_setopt(e, CURLOPT_URL, ex->url);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_PATH_AS_IS, 1L);  /* S3 keys: never squash */
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	if (c->ca_bundle)
		curl_easy_setopt(e, CURLOPT_CAINFO, c->ca_bundle);
	{
		/* HTTP_PROXY in upper case, as the AWS CLI honours it (libcurl
		 * reads only http_proxy for http:// URLs; HTTPS_PROXY and
		 * NO_PROXY it reads in either case, and NO_PROXY still
		 * applies to this proxy). */
		const char *lp = getenv("http_proxy"), *up = getenv("HTTP_PROXY");

		if (strncasecmp(ex->url, "http://", 7) == 0 && !(lp && *lp) &&
		    up && *up)
			curl_easy_setopt(e, CURLOPT_PROXY, up);
	}
	curl_easy_setopt(e, CURLOPT_USERAGENT, c->user_agent);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, c->timeout_ms);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, c->connect_timeout_ms);
	curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, t);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, t);

	if (strcmp(ex->method, "HEAD") == 0) {
		curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
	} else if (strcmp(ex->method, "PUT") == 0) {
		curl_easy_setopt(e, CURLOPT_UPLOAD, 1L);
		curl_easy_setopt(e, CURLOPT_READFUNCTION, on_read);
		curl_easy_setopt(e, CURLOPT_READDATA, t);
		curl_easy_setopt(e, CURLOPT_SEEKFUNCTION, on_seek);
		curl_easy_setopt(e, CURLOPT_SEEKDATA, t);
		curl_easy_setopt(e, CURLOPT_INFILESIZE_LARGE,
				 (curl_off_t)ex->body_len);
	} else if (strcmp(ex->method, "POST") == 0) {
		curl_easy_setopt(e, CURLOPT_POST, 1L);
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
				 (curl_off_t)ex->body_len);
		curl_easy_setopt(e, CURLOPT_POSTFIELDS,
				 ex->body ? (const char *)ex->body : "");
	} else if (strcmp(ex->method, "GET") != 0) {
		curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, ex->method);
		if (ex->body_len) {
			curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
					 (curl_off_t)ex->body_len);
			curl_easy_setopt(e, CURLOPT_POSTFIELDS,
					 (const char *)ex->body);
		}
	}
	for (size_t i = 0; i < ex->header_count; i++)
		t->hdrs = curl_slist_append(t->hdrs, ex->headers[i]);
	/* No "Expect: 100-continue" round trip, no default Content-Type. */
	t->hdrs = curl_slist_append(t->hdrs, "Expect:");
	if (strcmp(ex->method, "POST") == 0 || ex->body_len) {
		int has_ct = 0;
		for (size_t i = 0; i < ex->header_count; i++)
			if (strncasecmp(ex->headers[i], "content-type:", 13) == 0)
				has_ct = 1;
		if (!has_ct)
			t->hdrs = curl_slist_append(t->hdrs, "Content-Type:");
	}
	if (!t->hdrs) {
		curl_easy_cleanup(e);
		t->easy = NULL;
		return s3p_error_set(err, S3P_E_NOMEM, "out of memory");
	}
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->hdrs);
	return 0;
}

static void finish(struct transfer *t, CURLcode rc)
{
	struct http_exchange *ex = t->ex;
	curl_off_t us = 0;
	long status = 0;

	curl_easy_getinfo(t->easy, CURLINFO_TOTAL_TIME_T, &us);
	ex->elapsed_ms = (long)(us / 1000);
	if (t->cut && rc == CURLE_WRITE_ERROR)
		rc = CURLE_OK;     /* stopped on purpose (stop_at_max) */
	ex->result = map_code(rc, t);
	ex->body_cut = t->cut;
	if (ex->result == HTTP_OK) {
		curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &status);
		ex->status = status;
		return;
	}
	ex->status = 0;
	if (ex->result == HTTP_E_TOO_LARGE && t->too_large)
		snprintf(ex->error, sizeof(ex->error),
			 "answer body larger than %zu bytes", t->max_body);
	else if (ex->result == HTTP_E_TOO_LARGE && t->headers_too_large)
		snprintf(ex->error, sizeof(ex->error),
			 "answer headers larger than %u bytes",
			 HTTP_MAX_HEADER_BYTES);
	else if (ex->result == HTTP_E_TOO_LARGE)
		snprintf(ex->error, sizeof(ex->error),
			 "an answer header line larger than libcurl accepts "
			 "(100 KB)");
	else if (ex->result == HTTP_E_OVER_BUDGET)
		snprintf(ex->error, sizeof(ex->error),
			 "answers too large to hold at once");
	else
		snprintf(ex->error, sizeof(ex->error), "%s",
			 t->errbuf[0] ? t->errbuf : curl_easy_strerror(rc));
	/* Drop a partial body: it must not be mistaken for an answer. */
	if (ex->budget)
		*ex->budget += ex->resp_body.len;
	buf_release(&ex->resp_body);
}

/* The request header lines carry Authorization and the session token:
 * libcurl's copies are wiped before they are freed. */
static void free_header_list(struct curl_slist *l)
{
	for (struct curl_slist *p = l; p; p = p->next)
		secure_zero(p->data, strlen(p->data));
	curl_slist_free_all(l);
}

int http_perform(struct http_client *c, struct http_exchange *ex, size_t n,
		 struct s3p_error *err)
{
	struct transfer *ts;
	int running = 0, rc = 0;
	size_t added = 0;

	if (n == 0)
		return 0;
	ts = xcalloc(n, sizeof(*ts));
	for (size_t i = 0; i < n; i++) {
		http_exchange_release(&ex[i]);
		ts[i].ex = &ex[i];
		if (setup(c, &ts[i], err) < 0) {
			rc = -1;
			goto out;
		}
		if (curl_multi_add_handle(c->multi, ts[i].easy) != CURLM_OK) {
			rc = s3p_error_set(err, S3P_E_INTERNAL,
					   "cannot start a transfer");
			goto out;
		}
		added = i + 1;
	}
	do {
		CURLMcode mc = curl_multi_perform(c->multi, &running);
		CURLMsg *msg;
		int left;

		if (mc == CURLM_OK && running)
			mc = curl_multi_poll(c->multi, NULL, 0, 1000, NULL);
		if (mc != CURLM_OK) {
			rc = s3p_error_set(err, S3P_E_INTERNAL,
					   "libcurl: %s", curl_multi_strerror(mc));
			goto out;
		}
		while ((msg = curl_multi_info_read(c->multi, &left))) {
			struct transfer *t = NULL;

			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE,
					  (char **)&t);
			if (t)
				finish(t, msg->data.result);
		}
	} while (running);
out:
	for (size_t i = 0; i < n; i++) {
		if (ts[i].easy) {
			if (i < added)
				curl_multi_remove_handle(c->multi, ts[i].easy);
			curl_easy_cleanup(ts[i].easy);
		}
		free_header_list(ts[i].hdrs);
	}
	free(ts);
	return rc;
}
