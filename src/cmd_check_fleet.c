/* cmd_check_fleet.c - `s3perm check --manifest`: the vendor checks every
 * customer's bucket in one run.
 *
 * Data flow: manifest lines (read here, parsed by manifest.c) -> one job
 * per bucket -> a worker thread (fleet.c) runs the same probe_run() as a
 * single check, on that worker's own S3 client -> the same report (one
 * JSON line with --json) -> printed here in completion order, with the
 * tallies for the summary.  The workers' clients send their requests
 * through one HTTP hub (http.h): one I/O thread, one keep-alive pool for
 * all buckets, at most --per-endpoint requests in flight to one S3
 * endpoint.  Memory is bounded by --jobs: one manifest line is read when
 * a worker is free, and a result is printed and freed as soon as it is
 * done. */
#define _DEFAULT_SOURCE 1
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "cmd.h"
#include "cmd_check.h"
#include "fleet.h"
#include "http.h"
#include "manifest.h"
#include "names.h"
#include "probe.h"
#include "report.h"
#include "s3.h"
#include "template.h"

/* Buckets listed in the summary's "need attention" table at the most. */
#define ATTENTION_MAX 200

enum outcome { OUT_GRANTED, OUT_MISSING, OUT_UNKNOWN, OUT_ERROR, OUT_BAD,
	       OUT_COUNT };
static const char *const outcome_names[OUT_COUNT] = {
	"granted", "missing", "unknown", "error", "bad-line"
};

struct job {
	struct manifest_entry e;   /* e.bucket NULL: a bad line */
	char *bad;                 /* the bad line's message */
	struct buf out;            /* what to print on stdout */
	struct buf why;            /* for the summary: missing grants, or
				      the error */
	enum outcome outcome;
	int rc;
};

struct attention {
	char *id;
	char *bucket;
	enum outcome outcome;
	char *why;
};

struct fleet_ctx {
	const struct check_defaults *d;
	volatile sig_atomic_t *stop;
	FILE *in;
	const char *in_name;
	struct manifest *m;
	size_t lineno;
	char *line;
	size_t linecap;
	int read_error;            /* errno of a failed read, 0 */
	struct s3_client **clients;
	struct s3_throttle *throttle;  /* shared by the clients */
	struct http_hub *hub;          /* the clients' one connection pool */
	struct probe_identity identity; /* of the credentials: asked once */
	/* tallies */
	size_t total;              /* entries in a regular-file manifest, 0 */
	size_t done;
	size_t counts[OUT_COUNT];
	int worst;
	struct attention att[ATTENTION_MAX];
	size_t natt, att_more;
	int progress;              /* a progress line on stderr */
	struct timespec t0, last_progress;
	int write_failed;
};

/* ---- next: one manifest line at a time (under the pool's lock) ------- */

static int next_job(void *vctx, void **out)
{
	struct fleet_ctx *x = vctx;

	while (!*x->stop) {
		ssize_t n = getline(&x->line, &x->linecap, x->in);
		struct job *j;
		struct s3p_error err = { S3P_OK, "" };
		int rc;

		if (n < 0) {
			if (ferror(x->in))
				x->read_error = errno ? errno : EIO;
			return 0;
		}
		x->lineno++;
		if (n && x->line[n - 1] == '\n')
			n--;
		j = xcalloc(1, sizeof(*j));
		rc = manifest_feed(x->m, x->lineno, x->line, (size_t)n, &j->e,
				   &err);
		if (rc == 0) {
			free(j);
			continue;
		}
		if (rc < 0) {
			j->bad = xstrdup(err.msg);
			j->e.line = x->lineno;
		}
		*out = j;
		return 1;
	}
	return 0;
}

/* ---- run: one bucket, in a worker ----------------------------------- */

/* The entry's values over the command line's; checked like the options
 * of a single check.  Returns 0 or -1 with err (usage/input). */
static int job_params(const struct check_defaults *d, struct job *j,
		      struct probe_params *pp, struct report_opts *ro,
		      struct principal *pr, struct s3p_error *err)
{
	const struct manifest_entry *e = &j->e;
	const char *user = d->id->user, *account = d->id->account;
	const char *principal = d->id->principal;

	memset(pp, 0, sizeof(*pp));
	memset(ro, 0, sizeof(*ro));
	if (e->user || e->principal || e->account) {
		user = e->user;
		account = e->account;
		principal = e->principal;
	}
	pp->bucket = e->bucket;
	pp->mode = e->mode ? e->mode : d->grants->mode;
	pp->object = e->object ? e->object : d->object;
	pp->templates_dir = d->grants->templates;
	pp->no_write = d->no_write && !strcmp(pp->mode, "export");
	if (names_check_bucket(pp->bucket, err) ||
	    template_check_mode(pp->mode, err))
		return -1;
	if (e->region && names_check_region(e->region, err))
		return -1;
	for (size_t i = 0; i < e->nprefixes; i++)
		if (names_check_prefix(e->prefixes[i], err))
			return -1;
	if (pp->object && !*pp->object)
		return s3p_error_set(err, S3P_E_INPUT, "invalid object key "
				     "'': give an existing key");
	if (!e->upload_key != !e->upload_id)
		return s3p_error_set(err, S3P_E_INPUT, "'upload_key' and "
				     "'upload_id' go together: ListParts names "
				     "the upload by both");
	pp->upload_key = e->upload_key;
	pp->upload_id = e->upload_id;
	for (size_t k = 0; k < 2; k++) {
		const char *key = k ? pp->upload_key : pp->object;
		const struct opt_list *dl = &d->grants->prefixes;
		size_t np = e->nprefixes ? e->nprefixes : dl->n, i;

		for (i = 0; key && i < np; i++) {
			const char *p = e->nprefixes ? e->prefixes[i] :
				dl->items[i];

			if (!strncmp(key, p, strlen(p)))
				break;
		}
		if (key && np && i == np)
			return s3p_error_set(err, S3P_E_INPUT, "'%s' is "
				"outside every prefix: the check would prove "
				"a grant on a key the policy does not cover",
				key);
	}
	if (user || principal || account) {
		const char *part;

		if (names_resolve_principal(user, account, principal,
					    d->id->partition, pr, &part, err))
			return -1;
		pp->principal = pr->arn;
	}
	ro->user = user;
	ro->account = account;
	ro->principal = principal;
	ro->templates_dir = d->grants->templates;
	ro->compact = 1;
	ro->id = e->id;
	return 0;
}

static void summary_why(struct job *j, const struct probe_report *rep)
{
	for (size_t i = 0; i < rep->nresults; i++) {
		const struct probe_result *x = &rep->results[i];

		if (x->status != PROBE_MISSING && x->status != PROBE_UNKNOWN)
			continue;
		buf_printf(&j->why, "%s%s%s", j->why.len ? ", " : "",
			   x->action, x->status == PROBE_UNKNOWN ?
			   " (unknown)" : "");
	}
	if (rep->nleft)
		buf_printf(&j->why, "%s%zu probe object(s) left behind",
			   j->why.len ? "; " : "", rep->nleft);
}

static void text_line(struct buf *b, const char *status,
		      const struct manifest_entry *e, const char *mode,
		      const char *prefix, const char *detail)
{
	buf_printf(b, "%-8s ", status);
	buf_put_term(b, e->id ? e->id : "-");
	buf_putc(b, ' ');
	buf_put_term(b, e->bucket);
	if (prefix) {
		buf_putc(b, '/');
		buf_put_term(b, prefix);
	}
	buf_printf(b, " %s: ", mode);
	buf_put_term(b, detail);
	buf_putc(b, '\n');
}

/* One probe run: bucket with one prefix (or none). */
static void run_one(struct fleet_ctx *x, struct s3_client *c, struct job *j,
		    struct probe_params *pp, struct report_opts *ro,
		    const char *prefix)
{
	struct probe_report rep;
	struct s3p_error err = { S3P_OK, "" };
	enum outcome oc;
	int rc;

	pp->prefix = prefix;
	pp->endpoint = s3_client_is_aws(c) ? NULL : s3_client_endpoint(c);
	pp->stop = x->stop;
	pp->identity = 1;
	pp->known_identity = &x->identity;
	ro->endpoint = pp->endpoint;
	if (j->e.region)   /* checked by job_params() */
		s3_client_set_region(c, j->e.bucket, j->e.region);
	rc = probe_run(c, pp, &rep, &err);
	ro->caller_arn = rep.caller_arn;
	s3_client_forget_regions(c);
	if (rc < 0) {
		int status = rep.interrupted ? EXIT_S3 : cmd_exit_status(err.kind);
		struct s3p_error rerr;

		oc = OUT_ERROR;
		if (x->d->json) {
			if (report_json_error(&rep, ro, j->e.bucket, pp->mode,
					      prefix, cmd_error_kind(err.kind),
					      err.msg, status, &j->out,
					      &rerr) < 0)
				buf_printf(&j->out, "{\"error\": \"%s\"}\n",
					   cmd_error_kind(rerr.kind));
		} else {
			struct buf left = BUF_INIT;

			text_line(&j->out, "error", &j->e, pp->mode, prefix,
				  err.msg);
			report_leftovers(&rep, &left);
			buf_puts(&j->out, buf_str(&left));   /* escaped by report.c */
			buf_release(&left);
		}
		buf_printf(&j->why, "%s%s", j->why.len ? "; " : "", err.msg);
		if (status > j->rc)
			j->rc = status;
	} else {
		int status = check_exit_status(&rep, x->d->strict);
		struct s3p_error rerr = { S3P_OK, "" };
		size_t ng = 0, nm = 0;

		for (size_t i = 0; i < rep.nresults; i++) {
			ng += rep.results[i].status == PROBE_GRANTED;
			nm += rep.results[i].status == PROBE_MISSING;
		}
		oc = status == EXIT_ALL_GOOD ? OUT_GRANTED :
			nm ? OUT_MISSING : OUT_UNKNOWN;
		summary_why(j, &rep);
		if (x->d->json) {
			if (report_json(&rep, ro, &j->out, &rerr) < 0) {
				oc = OUT_ERROR;
				status = EXIT_S3;
				buf_printf(&j->why, "; %s", rerr.msg);
			}
		} else {
			struct buf d = BUF_INIT;

			if (oc == OUT_GRANTED)
				buf_printf(&d, "%zu of %zu granted", ng,
					   rep.nresults);
			else
				buf_puts(&d, buf_str(&j->why));
			text_line(&j->out, outcome_names[oc], &j->e, pp->mode,
				  prefix, buf_str(&d));
			buf_release(&d);
		}
		if (status > j->rc)
			j->rc = status;
	}
	if (oc > j->outcome)
		j->outcome = oc;
	probe_report_release(&rep);
}

static void run_job(void *vctx, int worker, void *vjob)
{
	struct fleet_ctx *x = vctx;
	struct job *j = vjob;
	struct probe_params pp;
	struct report_opts ro;
	struct principal pr;
	struct s3p_error err = { S3P_OK, "" };
	const char *const *prefixes = NULL;
	size_t n = 1;

	if (j->bad || job_params(x->d, j, &pp, &ro, &pr, &err) < 0) {
		char msg[sizeof(err.msg) + 32];

		if (!j->bad)
			snprintf(msg, sizeof(msg), "line %zu: %s", j->e.line,
				 err.msg);
		else
			snprintf(msg, sizeof(msg), "%s", j->bad);
		j->outcome = OUT_BAD;
		j->rc = EXIT_USAGE;
		buf_puts(&j->why, msg);
		if (x->d->json) {
			struct report_opts bro;
			struct s3p_error rerr;

			memset(&bro, 0, sizeof(bro));
			bro.compact = 1;
			bro.id = j->e.id;
			if (report_json_error(NULL, &bro, j->e.bucket, j->e.mode,
					      NULL, "input", msg, EXIT_USAGE,
					      &j->out, &rerr) < 0)
				buf_puts(&j->out, "{\"error\": null}\n");
		}
		return;
	}
	/* The line's prefixes, else the command line's, else the whole
	 * bucket.  A bucket that cannot be checked under one prefix (no such
	 * bucket, credentials) cannot be under the next one either. */
	if (j->e.nprefixes) {
		prefixes = (const char *const *)j->e.prefixes;
		n = j->e.nprefixes;
	} else if (x->d->grants->prefixes.n) {
		prefixes = x->d->grants->prefixes.items;
		n = x->d->grants->prefixes.n;
	}
	for (size_t i = 0; i < n && !*x->stop && j->outcome != OUT_ERROR; i++)
		run_one(x, x->clients[worker], j, &pp, &ro,
			prefixes ? prefixes[i] : NULL);
}

/* ---- done: print and tally (under the pool's lock) ------------------- */

static void progress(struct fleet_ctx *x, int final)
{
	double el = cmd_seconds_since(&x->t0);
	size_t failing = x->done - x->counts[OUT_GRANTED];

	if (!x->progress)
		return;
	if (!final && cmd_seconds_since(&x->last_progress) < 0.2)
		return;
	clock_gettime(CLOCK_MONOTONIC, &x->last_progress);
	if (final) {
		fputs("\r\033[K", stderr);
		return;
	}
	if (x->total)
		fprintf(stderr, "\r\033[Ks3perm: %zu/%zu buckets checked, %zu "
			"need attention, %.1f/s", x->done, x->total, failing,
			el > 0 ? (double)x->done / el : 0.0);
	else
		fprintf(stderr, "\r\033[Ks3perm: %zu buckets checked, %zu need "
			"attention, %.1f/s", x->done, failing,
			el > 0 ? (double)x->done / el : 0.0);
}

static void done_job(void *vctx, void *vjob)
{
	struct fleet_ctx *x = vctx;
	struct job *j = vjob;

	if (x->progress)
		fputs("\r\033[K", stderr);
	if (j->out.len) {
		FILE *to = j->outcome == OUT_BAD && !x->d->json ? stderr :
			stdout;

		if (fwrite(j->out.data, 1, j->out.len, to) != j->out.len ||
		    fflush(to) != 0)
			x->write_failed = 1;
	} else if (j->outcome == OUT_BAD) {
		fprintf(stderr, "s3perm: error: manifest '%s': %s\n",
			x->in_name, buf_str(&j->why));
	}
	x->done++;
	x->counts[j->outcome]++;
	if (j->rc > x->worst)
		x->worst = j->rc;
	if (j->outcome != OUT_GRANTED) {
		if (x->natt < ATTENTION_MAX) {
			struct attention *a = &x->att[x->natt++];

			a->id = j->e.id ? xstrdup(j->e.id) : NULL;
			a->bucket = j->e.bucket ? xstrdup(j->e.bucket) : NULL;
			a->outcome = j->outcome;
			a->why = buf_detach(&j->why);
		} else {
			x->att_more++;
		}
	}
	progress(x, 0);
	manifest_entry_release(&j->e);
	free(j->bad);
	buf_release(&j->out);
	buf_release(&j->why);
	free(j);
}

static void print_summary(struct fleet_ctx *x, double seconds)
{
	struct buf b = BUF_INIT;

	buf_printf(&b, "\nfleet: %zu bucket(s) in %.1f s: %zu all granted, "
		   "%zu missing a grant, %zu unknown, %zu could not be "
		   "checked, %zu bad manifest line(s)\n", x->done, seconds,
		   x->counts[OUT_GRANTED], x->counts[OUT_MISSING],
		   x->counts[OUT_UNKNOWN], x->counts[OUT_ERROR],
		   x->counts[OUT_BAD]);
	if (s3_throttle_count(x->throttle))
		buf_printf(&b, "S3 throttled %lu request(s); every worker paused "
			   "with it\n", s3_throttle_count(x->throttle));
	if (x->natt) {
		buf_puts(&b, "need attention:\n");
		for (size_t i = 0; i < x->natt; i++) {
			const struct attention *a = &x->att[i];

			buf_printf(&b, "  %-8s ", outcome_names[a->outcome]);
			buf_put_term(&b, a->id ? a->id : "-");
			buf_putc(&b, ' ');
			buf_put_term(&b, a->bucket ? a->bucket : "-");
			buf_puts(&b, "  ");
			buf_put_term(&b, a->why ? a->why : "");
			buf_putc(&b, '\n');
		}
		if (x->att_more)
			buf_printf(&b, "  ... and %zu more\n", x->att_more);
	}
	fputs(buf_str(&b), stderr);
	buf_release(&b);
}

/* Lines of a regular-file manifest, for the progress line; 0 when it
 * cannot be known without reading a stream. */
static size_t count_entries(FILE *f)
{
	struct stat st;
	size_t n = 0;
	int ch, prev = '\n';

	if (fstat(fileno(f), &st) < 0 || !S_ISREG(st.st_mode))
		return 0;
	while ((ch = getc(f)) != EOF) {
		if (prev == '\n' && ch != '\n' && ch != '#')
			n++;
		prev = ch;
	}
	rewind(f);
	/* one line is the CSV header (or the count is one too high for a
	 * JSON manifest with a comment-free first line: harmless) */
	return n;
}

int cmd_check_fleet(const struct check_defaults *d,
		    volatile sig_atomic_t *stop)
{
	struct fleet_ctx x;
	struct fleet_ops ops = { NULL, next_job, run_job, done_job };
	struct http_hub_options ho = { 0, 0 };
	struct s3p_error err = { S3P_OK, "" };
	long jobs = d->jobs;
	int rc = EXIT_ALL_GOOD, nclients = 0;

	memset(&x, 0, sizeof(x));
	x.d = d;
	x.stop = stop;
	x.in_name = strcmp(d->manifest, "-") ? d->manifest : "standard input";
	if (!strcmp(d->manifest, "-")) {
		x.in = stdin;
	} else if (!(x.in = fopen(d->manifest, "r"))) {
		s3p_error_set(&err, S3P_E_INPUT, "cannot open manifest '%s': "
			      "%s", d->manifest, strerror(errno));
		return cmd_fail(&err);
	}
	x.m = manifest_new();
	/* One pause for all workers: SlowDown anywhere slows the fleet. */
	x.throttle = s3_throttle_new();
	x.clients = xcalloc((size_t)jobs, sizeof(*x.clients));
	/* One connection pool for all workers, capped per S3 endpoint. */
	ho.per_host = (int)d->per_endpoint;
	if (http_hub_new(&ho, &x.hub, &err) < 0) {
		rc = cmd_fail(&err);
		goto done;
	}
	/* one credential lookup for all workers (cmd_s3_clients) */
	if (cmd_s3_clients(d->s3, 0, x.hub, x.clients, (size_t)jobs, &err)) {
		rc = cmd_fail(&err);
		goto done;
	}
	for (nclients = 0; nclients < jobs; nclients++)
		s3_client_set_throttle(x.clients[nclients], x.throttle);
	/* The same credentials are the same principal for every bucket: one
	 * GetCallerIdentity for the fleet (STS limits its rate per account),
	 * its answer in every bucket's result as a single check gives it. */
	if (probe_identity_lookup(x.clients[0], &x.identity, &err) < 0) {
		rc = cmd_fail(&err);
		goto done;
	}
	x.progress = isatty(STDERR_FILENO);
	if (x.progress)
		x.total = count_entries(x.in);
	clock_gettime(CLOCK_MONOTONIC, &x.t0);
	x.last_progress = x.t0;
	ops.ctx = &x;
	if (fleet_run((int)jobs, &ops, &err) < 0) {
		rc = cmd_fail(&err);
		goto done;
	}
	progress(&x, 1);
	rc = x.worst;
	if (x.read_error) {
		s3p_error_set(&err, S3P_E_INPUT, "cannot read manifest '%s': "
			      "%s", x.in_name, strerror(x.read_error));
		rc = cmd_fail(&err);
	}
	if (x.write_failed) {
		s3p_error_set(&err, S3P_E_IO, "cannot write the results: %s",
			      strerror(errno));
		rc = cmd_fail(&err);
	}
	if (d->summary || isatty(STDERR_FILENO))
		print_summary(&x, cmd_seconds_since(&x.t0));
	if (*stop) {
		fputs("s3perm: interrupted: the buckets in flight were cleaned "
		      "up; the rest were not checked\n", stderr);
		rc = EXIT_S3;
	}
done:
	for (int i = 0; i < nclients; i++)
		s3_client_free(x.clients[i]);
	free(x.clients);
	http_hub_free(x.hub);   /* after its clients */
	probe_identity_release(&x.identity);
	s3_throttle_free(x.throttle);
	for (size_t i = 0; i < x.natt; i++) {
		free(x.att[i].id);
		free(x.att[i].bucket);
		free(x.att[i].why);
	}
	manifest_free(x.m);
	free(x.line);
	if (x.in && x.in != stdin)
		fclose(x.in);
	return rc;
}
