/* http.c - concurrent HTTP exchanges over one libcurl multi handle: the
 * client's own, driven in the caller's thread, or a hub's, driven by the
 * hub's I/O thread for clients in other threads.  See http.h.  This is the
 * only file that includes libcurl. */
#include <errno.h>
#include <pthread.h>
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
	CURLM *multi;           /* NULL with a hub */
	struct http_hub *hub;   /* borrowed, or NULL */
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
	/* with a hub (fields under the hub's lock) */
	struct hub_call *call;
	struct hub_host *host;
	struct transfer *qnext;             /* the host's queue */
	struct transfer *rprev, *rnext;     /* the hub's running list */
};

/* One http_perform() call waiting on a hub (on the caller's stack). */
struct hub_call {
	pthread_cond_t done;
	size_t left;            /* exchanges not finished yet */
	int failed;             /* one could not be started: msg says why */
	char msg[128];
};

/* One pool key: its exchanges in flight and those waiting (FIFO).  Freed
 * when it has neither. */
struct hub_host {
	struct hub_host *next;
	char *key;
	int inflight;
	struct transfer *head, *tail;
};

struct http_hub {
	pthread_mutex_t lock;
	pthread_t thread;
	CURLM *multi;
	int per_host;
	int stop;               /* http_hub_free() was called */
	size_t queued;          /* transfers waiting in the hosts' queues */
	struct transfer *running;   /* admitted into the multi */
	struct hub_host *hosts;
};

/* curl_global_init() / curl_global_cleanup() are not thread-safe: clients
 * may be made in a hub's worker threads (credential refreshes). */
static pthread_mutex_t global_lock = PTHREAD_MUTEX_INITIALIZER;
static int global_refs;

static int global_ref(struct s3p_error *err)
{
	int rc = 0;

	pthread_mutex_lock(&global_lock);
	if (global_refs == 0 && curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
		rc = s3p_error_set(err, S3P_E_INTERNAL,
				   "cannot initialize libcurl");
	else
		global_refs++;
	pthread_mutex_unlock(&global_lock);
	return rc;
}

static void global_unref(void)
{
	pthread_mutex_lock(&global_lock);
	if (global_refs > 0 && --global_refs == 0)
		curl_global_cleanup();
	pthread_mutex_unlock(&global_lock);
}

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
	if (global_ref(err) < 0)
		return -1;
	c = xcalloc(1, sizeof(*c));
	c->hub = opts ? opts->hub : NULL;
	if (!c->hub) {
		c->multi = curl_multi_init();
		if (!c->multi) {
			free(c);
			global_unref();
			return s3p_error_set(err, S3P_E_INTERNAL,
				"cannot create a libcurl multi handle");
		}
		curl_multi_setopt(c->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS,
				  (long)maxc);
		curl_multi_setopt(c->multi, CURLMOPT_MAX_HOST_CONNECTIONS,
				  (long)maxc);
	}
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
	if (c->multi)
		curl_multi_cleanup(c->multi);
	free(c->ca_bundle);
	free(c->user_agent);
	free(c);
	global_unref();
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

/* ---- The hub ---------------------------------------------------------- */

/* scheme://host[:port] of a URL: the pool key when the caller gave none. */
static char *url_pool_key(const char *url)
{
	const char *p = strstr(url, "://");
	size_t n;

	if (!p)
		return xstrdup(url);
	p += 3;
	n = strcspn(p, "/?#");
	return xstrndup(url, (size_t)(p - url) + n);
}

/* Under the lock: the host of key, made if it has none. */
static struct hub_host *hub_host_get(struct http_hub *h, const char *key)
{
	struct hub_host *k;

	for (k = h->hosts; k; k = k->next)
		if (!strcmp(k->key, key))
			return k;
	k = xcalloc(1, sizeof(*k));
	k->key = xstrdup(key);
	k->next = h->hosts;
	h->hosts = k;
	return k;
}

/* Under the lock: a transfer is over (done, or never admitted); wake its
 * caller after the last one of its call. */
static void hub_complete(struct http_hub *h, struct transfer *t)
{
	struct hub_call *call = t->call;
	struct hub_host *k = t->host;

	if (--call->left == 0)
		pthread_cond_signal(&call->done);
	if (k->inflight == 0 && !k->head) {
		struct hub_host **pp = &h->hosts;

		while (*pp != k)
			pp = &(*pp)->next;
		*pp = k->next;
		free(k->key);
		free(k);
	}
}

/* Under the lock: a transfer that cannot run (its handle is freed here). */
static void hub_refuse(struct http_hub *h, struct transfer *t,
		       const char *why)
{
	curl_easy_cleanup(t->easy);
	t->easy = NULL;
	t->ex->result = HTTP_E_OTHER;
	snprintf(t->ex->error, sizeof(t->ex->error), "%s", why);
	if (!t->call->failed) {
		t->call->failed = 1;
		snprintf(t->call->msg, sizeof(t->call->msg), "%s", why);
	}
	hub_complete(h, t);
}

/* Under the lock: move waiting transfers into the multi while their
 * host's cap allows, in the order they came. */
static void hub_admit(struct http_hub *h)
{
	struct hub_host *k, *next;

	for (k = h->hosts; k && h->queued; k = next) {
		next = k->next;   /* k may be freed by hub_refuse() */
		while (k->head && k->inflight < h->per_host) {
			struct transfer *t = k->head;

			k->head = t->qnext;
			if (!k->head)
				k->tail = NULL;
			t->qnext = NULL;
			h->queued--;
			if (curl_multi_add_handle(h->multi, t->easy) != CURLM_OK) {
				int last = !k->head && k->inflight == 0;

				hub_refuse(h, t, "cannot start a transfer");
				if (last)
					break;   /* k is freed */
				continue;
			}
			k->inflight++;
			t->rprev = NULL;
			t->rnext = h->running;
			if (h->running)
				h->running->rprev = t;
			h->running = t;
		}
	}
}

/* In the I/O thread: a running transfer ended (fail: the multi handle
 * failed, the transfer with it). */
static void hub_done(struct http_hub *h, struct transfer *t, CURLcode rc,
		     const char *fail)
{
	curl_multi_remove_handle(h->multi, t->easy);
	if (fail) {
		t->ex->result = HTTP_E_OTHER;
		snprintf(t->ex->error, sizeof(t->ex->error), "%s", fail);
	} else {
		finish(t, rc);
	}
	curl_easy_cleanup(t->easy);
	pthread_mutex_lock(&h->lock);
	t->easy = NULL;
	if (fail && !t->call->failed) {
		t->call->failed = 1;
		snprintf(t->call->msg, sizeof(t->call->msg), "%s", fail);
	}
	if (t->rprev)
		t->rprev->rnext = t->rnext;
	else
		h->running = t->rnext;
	if (t->rnext)
		t->rnext->rprev = t->rprev;
	t->host->inflight--;
	hub_complete(h, t);
	pthread_mutex_unlock(&h->lock);
}

static void *hub_main(void *arg)
{
	struct http_hub *h = arg;

	pthread_mutex_lock(&h->lock);
	for (;;) {
		CURLMcode mc;
		CURLMsg *msg;
		int still = 0, left, ended = 0;

		hub_admit(h);
		if (h->stop && !h->queued && !h->running)
			break;
		pthread_mutex_unlock(&h->lock);
		mc = curl_multi_perform(h->multi, &still);
		while (mc == CURLM_OK &&
		       (msg = curl_multi_info_read(h->multi, &left))) {
			struct transfer *t = NULL;

			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE,
					  (char **)&t);
			if (t) {
				hub_done(h, t, msg->data.result, NULL);
				ended = 1;
			}
		}
		/* A transfer that ended made room: admit the next ones before
		 * waiting for the sockets. */
		if (mc == CURLM_OK && !ended)
			mc = curl_multi_poll(h->multi, NULL, 0, 1000, NULL);
		if (mc != CURLM_OK) {
			/* The multi handle itself failed: every transfer in it
			 * ends with the reason (a caller sees its exchanges
			 * failed, never a hang). */
			char why[128];

			snprintf(why, sizeof(why), "libcurl: %s",
				 curl_multi_strerror(mc));
			for (;;) {
				struct transfer *t;

				pthread_mutex_lock(&h->lock);
				t = h->running;
				pthread_mutex_unlock(&h->lock);
				if (!t)
					break;
				hub_done(h, t, CURLE_OK, why);
			}
		}
		pthread_mutex_lock(&h->lock);
	}
	pthread_mutex_unlock(&h->lock);
	return NULL;
}

int http_hub_new(const struct http_hub_options *opts, struct http_hub **out,
		 struct s3p_error *err)
{
	struct http_hub *h;
	int per_host = opts && opts->per_host > 0 ? opts->per_host
						  : HTTP_HUB_PER_HOST_DEFAULT;
	int keep = opts && opts->max_connections > 0 ? opts->max_connections
						     : 2 * per_host;
	int rc;

	*out = NULL;
	if (per_host > HTTP_HUB_PER_HOST_MAX)
		per_host = HTTP_HUB_PER_HOST_MAX;
	if (keep < 16)
		keep = 16;
	if (global_ref(err) < 0)
		return -1;
	h = xcalloc(1, sizeof(*h));
	h->per_host = per_host;
	if ((rc = pthread_mutex_init(&h->lock, NULL)) != 0) {
		free(h);
		global_unref();
		return s3p_error_set(err, S3P_E_NOMEM, "cannot create a lock: %s",
				     strerror(rc));
	}
	h->multi = curl_multi_init();
	if (!h->multi) {
		rc = s3p_error_set(err, S3P_E_INTERNAL,
				   "cannot create a libcurl multi handle");
		goto fail;
	}
	/* The hub's cap bounds the transfers of one endpoint; libcurl's keeps
	 * the connections to one host name within it too, and enough of them
	 * stay open to be reused by the next exchanges. */
	curl_multi_setopt(h->multi, CURLMOPT_MAX_HOST_CONNECTIONS,
			  (long)per_host);
	curl_multi_setopt(h->multi, CURLMOPT_MAXCONNECTS, (long)keep);
	if ((rc = pthread_create(&h->thread, NULL, hub_main, h)) != 0) {
		rc = s3p_error_set(err, S3P_E_NOMEM,
				   "cannot start the HTTP thread: %s",
				   strerror(rc));
		goto fail;
	}
	*out = h;
	return 0;
fail:
	if (h->multi)
		curl_multi_cleanup(h->multi);
	pthread_mutex_destroy(&h->lock);
	free(h);
	global_unref();
	return rc;
}

void http_hub_free(struct http_hub *h)
{
	if (!h)
		return;
	pthread_mutex_lock(&h->lock);
	h->stop = 1;
	pthread_mutex_unlock(&h->lock);
	curl_multi_wakeup(h->multi);
	pthread_join(h->thread, NULL);
	curl_multi_cleanup(h->multi);
	pthread_mutex_destroy(&h->lock);
	free(h);
	global_unref();
}

/* Queue the prepared transfers to the hub and wait until all are over. */
static int hub_perform(struct http_hub *h, struct transfer *ts, size_t n,
		       struct s3p_error *err)
{
	struct hub_call call;
	char **keys = xcalloc(n, sizeof(*keys));
	int rc;

	for (size_t i = 0; i < n; i++)
		keys[i] = ts[i].ex->pool_key ? xstrdup(ts[i].ex->pool_key)
					     : url_pool_key(ts[i].ex->url);
	memset(&call, 0, sizeof(call));
	if ((rc = pthread_cond_init(&call.done, NULL)) != 0) {
		for (size_t i = 0; i < n; i++)
			free(keys[i]);
		free(keys);
		return s3p_error_set(err, S3P_E_NOMEM,
				     "cannot create a condition: %s",
				     strerror(rc));
	}
	call.left = n;
	pthread_mutex_lock(&h->lock);
	for (size_t i = 0; i < n; i++) {
		struct transfer *t = &ts[i];
		struct hub_host *k = hub_host_get(h, keys[i]);

		t->call = &call;
		t->host = k;
		t->qnext = NULL;
		if (k->tail)
			k->tail->qnext = t;
		else
			k->head = t;
		k->tail = t;
		h->queued++;
	}
	pthread_mutex_unlock(&h->lock);
	curl_multi_wakeup(h->multi);
	pthread_mutex_lock(&h->lock);
	while (call.left)
		pthread_cond_wait(&call.done, &h->lock);
	pthread_mutex_unlock(&h->lock);
	pthread_cond_destroy(&call.done);
	for (size_t i = 0; i < n; i++)
		free(keys[i]);
	free(keys);
	if (call.failed)
		return s3p_error_set(err, S3P_E_INTERNAL, "%s", call.msg);
	return 0;
}

/* ---- Performing ----------------------------------------------------------- */

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
		if (c->hub)
			continue;   /* the hub's thread adds it */
		if (curl_multi_add_handle(c->multi, ts[i].easy) != CURLM_OK) {
			rc = s3p_error_set(err, S3P_E_INTERNAL,
					   "cannot start a transfer");
			goto out;
		}
		added = i + 1;
	}
	if (c->hub) {
		/* every handle is cleaned up by the hub's thread */
		rc = hub_perform(c->hub, ts, n, err);
		goto out;
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
