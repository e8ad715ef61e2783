/* cmd_s3.c - the S3 options and client of the S3 commands (cmd_s3.h). */
#include "cmd_s3.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "creds.h"
#include "names.h"
#include "s3.h"

int cmd_s3_option(struct cmd_s3_opts *o, int id, const char *value,
		  struct s3p_error *err)
{
	switch (id) {
	case CMD_S3_O_ENDPOINT:
		o->endpoint = value;
		break;
	case CMD_S3_O_REGION:
		if (names_check_region(value, err))
			return -1;
		o->region = value;
		break;
	case CMD_S3_O_PROFILE:
		o->profile = value;
		break;
	case CMD_S3_O_PATH_STYLE:
		o->path_style = 1;
		break;
	case CMD_S3_O_TIMEOUT:
		if (opts_parse_long("timeout", value, 1, 3600, &o->timeout,
				    err))
			return -1;
		break;
	case CMD_S3_O_VERBOSE:
		o->verbose = 1;
		return 0;   /* not counted in `given` */
	default:
		return s3p_error_set(err, S3P_E_USAGE,
			"unexpected argument '%s'", value ? value : "");
	}
	o->given = 1;
	return 0;
}

/* One line per attempt; the event holds no header and no secret.  What
 * the server sent (code, request id, region) is escaped for the
 * terminal. */
static void trace(void *ctx, const struct s3_trace_event *ev)
{
	struct buf b = BUF_INIT;
	char *line;

	(void)ctx;
	buf_printf(&b, "%s %s%s -> ", ev->method, ev->host, ev->path_query);
	if (ev->status)
		buf_printf(&b, "%ld%s%s", ev->status, ev->code[0] ? " " : "",
			   ev->code);
	else
		buf_printf(&b, "no answer (%s)", ev->transport_error);
	if (ev->request_id[0])
		buf_printf(&b, ", request id %s", ev->request_id);
	buf_printf(&b, ", %ld ms, region %s, attempt %d", ev->elapsed_ms,
		   ev->region, ev->attempt);
	if (ev->backoff_ms)
		buf_printf(&b, ", retry in %u ms", ev->backoff_ms);
	line = term_escape(buf_str(&b));
	fprintf(stderr, "s3perm: %s\n", line);
	free(line);
	buf_release(&b);
}

int cmd_s3_client(const struct cmd_s3_opts *o, int max_concurrency,
		  struct s3_client **out, struct s3p_error *err)
{
	struct creds cr;
	struct s3_config cfg = S3_CONFIG_INIT;
	int rc;

	*out = NULL;
	if (creds_load(o->profile, &cr, err))
		return -1;
	cfg.endpoint = o->endpoint;
	cfg.region = o->region;
	cfg.path_style = o->path_style ? 1 : -1;
	cfg.timeout_seconds = (int)o->timeout;
	cfg.max_concurrency = max_concurrency;
	if (o->verbose)
		cfg.verbose = trace;
	rc = s3_client_new(&cfg, &cr, out, err);   /* *out NULL if it fails */
	creds_free(&cr);
	return rc ? -1 : 0;
}
