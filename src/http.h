/* http.h - HTTP exchanges over libcurl (the only libcurl user).
 *
 * http_perform() runs n independent exchanges concurrently over reused
 * (keep-alive) connections and returns when all are done.  TLS
 * verification is always on.  No retries here: the S3 layer decides
 * (src/s3.h).  Two ways to run them:
 *
 *   - a client alone owns one curl multi handle and drives it in the
 *     calling thread (every single-bucket command, credentials, KMS);
 *   - clients made with a hub (http_options.hub) own none: a hub is one
 *     I/O thread driving one multi handle, so one keep-alive connection
 *     pool, for any number of clients whose http_perform() is called from
 *     other threads at the same time (the fleet check's workers).  The
 *     caller prepares its transfers, queues them to the hub and sleeps
 *     until the last one is done; every write and header callback runs in
 *     the I/O thread, one transfer's handle in one thread at a time.  The
 *     hub admits at most per_host exchanges of one pool key (an endpoint,
 *     see http_exchange.pool_key) at once; the rest wait in the hub's
 *     queue in the order they came, so a transfer's timeouts start when
 *     it is admitted.
 *
 * struct http_exchange is also the seam of the S3 layer's transport: a fake
 * transport in the tests fills the output fields with recorded answers
 * through http_exchange_add_header() and buf_append(&ex->resp_body, ...).
 */
#ifndef S3P_HTTP_H
#define S3P_HTTP_H

#include <stddef.h>

#include "buf.h"
#include "error.h"

/* What went wrong below HTTP (the exchange got no complete answer). */
enum http_result {
	HTTP_OK = 0,        /* a complete HTTP answer (any status) */
	HTTP_E_DNS,         /* host name did not resolve */
	HTTP_E_CONNECT,     /* connection refused / unreachable */
	HTTP_E_TIMEOUT,     /* connect or total timeout */
	HTTP_E_RESET,       /* connection reset / closed / send or recv error */
	HTTP_E_TLS,         /* TLS handshake or certificate verification */
	HTTP_E_TRUNCATED,   /* body shorter than Content-Length, bad chunking */
	HTTP_E_TOO_LARGE,   /* body larger than max_body, or headers larger
			       than HTTP_MAX_HEADER_BYTES */
	HTTP_E_OVER_BUDGET, /* the exchanges of one perform together held more
			       than *budget bytes of body: this one gave up
			       (not an answer; send it again later) */
	HTTP_E_OTHER
};

struct http_header {
	char *name;          /* as received (case kept) */
	char *value;         /* trimmed */
};

struct http_exchange {
	/* ---- request (borrowed, set by the caller) ---- */
	const char *method;             /* "GET", "HEAD", "PUT", "POST", "DELETE" */
	const char *url;                /* complete, already encoded */
	const char *const *headers;     /* "Name: value" lines, sent as given */
	size_t header_count;
	const void *body;               /* may be NULL */
	size_t body_len;
	size_t max_body;                /* 0: HTTP_DEFAULT_MAX_BODY */
	int stop_at_max;                /* a body longer than max_body is no
					   error: keep its first max_body
					   bytes, stop reading, set body_cut */
	size_t *budget;                 /* NULL, or bytes of body the
					   exchanges of one perform may still
					   hold together (shared, updated) */
	const char *pool_key;           /* with a hub: the endpoint whose
					   in-flight exchanges are capped
					   together (the S3 layer gives the
					   host without a bucket label); NULL:
					   scheme://host:port of url */

	/* ---- response (owned, freed by http_exchange_release) ---- */
	long status;                    /* 0 when result != HTTP_OK */
	struct http_header *resp_headers;
	size_t resp_header_count;
	struct buf resp_body;
	enum http_result result;
	int body_cut;                   /* stop_at_max: the body was longer */
	char error[256];                /* transport error text, "" if none */
	long elapsed_ms;
};

#define HTTP_DEFAULT_MAX_BODY (1024u * 1024u)
/* All header lines of one answer together (a server sending more is
 * hostile or broken: HTTP_E_TOO_LARGE, never an allocation failure). */
#define HTTP_MAX_HEADER_BYTES (64u * 1024u)

/* Free the response fields and reset them (request fields are kept), so an
 * exchange can be performed again. */
void http_exchange_release(struct http_exchange *ex);

/* Append a response header (copies). For transports and fakes. */
void http_exchange_add_header(struct http_exchange *ex, const char *name,
			      const char *value);

/* Short lowercase name of a result: "dns", "connection refused", ... */
const char *http_result_name(enum http_result r);

struct http_options {
	long timeout_ms;            /* whole exchange; 0: 30000 */
	long connect_timeout_ms;    /* 0: min(10000, timeout_ms) */
	const char *ca_bundle;      /* NULL: system default (borrowed) */
	const char *user_agent;     /* NULL: "s3perm/" S3PERM_VERSION */
	int max_concurrency;        /* 0: 16 (ignored with a hub) */
	struct http_hub *hub;       /* NULL: the client's own multi handle;
				       else (borrowed) run every exchange in
				       that hub, which must outlive the
				       client */
};

struct http_hub;

/* Bounds of http_hub_options.per_host. */
#define HTTP_HUB_PER_HOST_DEFAULT 64
#define HTTP_HUB_PER_HOST_MAX 1024

struct http_hub_options {
	int per_host;               /* exchanges of one pool key in flight at
				       once (also the most connections to
				       one host); 0: HTTP_HUB_PER_HOST_DEFAULT */
	int max_connections;        /* connections kept open for reuse; 0:
				       2 * per_host, at least 16 */
};

/* Start a hub: its I/O thread and its multi handle (initializes libcurl
 * once per process).  Free with http_hub_free() after every client made
 * with it: it stops the thread and closes the connections. */
int http_hub_new(const struct http_hub_options *opts, struct http_hub **out,
		 struct s3p_error *err);
void http_hub_free(struct http_hub *h);

struct http_client;

/* Create a client (initializes libcurl once per process).  Free with
 * http_client_free(). */
int http_client_new(const struct http_options *opts, struct http_client **out,
		    struct s3p_error *err);
void http_client_free(struct http_client *c);

/* Run n exchanges concurrently; each one's outcome is in its output fields
 * (previous outputs are released first).  Returns -1 only when the
 * exchanges could not be started at all (err set).  With a hub it may be
 * called from several threads at once, one call per client at a time. */
int http_perform(struct http_client *c, struct http_exchange *ex, size_t n,
		 struct s3p_error *err);

#endif
