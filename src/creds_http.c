/* creds_http.c - one HTTP exchange for a credential provider, through the
 * HTTP module (creds_int.h). */
#include <string.h>

#include "creds_int.h"
#include "http.h"

int creds_http(const struct creds_http_req *rq, long *status, struct buf *body,
	       struct s3p_error *err)
{
	struct http_options ho;
	struct http_client *c = NULL;
	struct http_exchange ex;
	int rc = -1;

	memset(&ho, 0, sizeof(ho));
	ho.timeout_ms = rq->timeout_ms ? rq->timeout_ms : 10000;
	ho.connect_timeout_ms = ho.timeout_ms;
	ho.ca_bundle = rq->ca_bundle;
	ho.max_concurrency = 1;
	*status = 0;
	if (http_client_new(&ho, &c, err) < 0)
		return -1;
	memset(&ex, 0, sizeof(ex));
	ex.method = rq->method;
	ex.url = rq->url;
	ex.headers = rq->headers;
	ex.header_count = rq->header_count;
	ex.body = rq->body;
	ex.body_len = rq->body_len;
	ex.max_body = 1024 * 1024;
	if (http_perform(c, &ex, 1, err) < 0)
		goto out;
	if (ex.result != HTTP_OK) {
		s3p_error_set(err, S3P_E_S3, "no answer from '%s': %s%s%s",
			      rq->url, http_result_name(ex.result),
			      ex.error[0] ? ": " : "", ex.error);
		goto out;
	}
	*status = ex.status;
	buf_append(body, ex.resp_body.data ? ex.resp_body.data : "",
		   ex.resp_body.len);
	rc = 0;
out:
	if (ex.resp_body.data)
		secure_zero(ex.resp_body.data, ex.resp_body.len);
	http_exchange_release(&ex);
	http_client_free(c);
	return rc;
}
