/* cmd_check.h - what `s3perm check` shares between its single-bucket run
 * (cmd_check.c) and its fleet run over a manifest (cmd_check_fleet.c). */
#ifndef S3P_CMD_CHECK_H
#define S3P_CMD_CHECK_H

#include <signal.h>

#include "cmd.h"
#include "cmd_s3.h"
#include "probe.h"

/* The command line's values: the single check's, and the defaults of
 * every manifest line. */
struct check_defaults {
	const struct cmd_grants *grants;     /* --mode, --prefix, --templates */
	const struct cmd_principal *id;      /* --user, --account, ... */
	const char *object;
	int no_write;
	int json;
	int strict;
	int summary;              /* --summary: the summary also when stderr
				     is not a terminal */
	long jobs;                /* --jobs, buckets in flight */
	long per_endpoint;        /* --per-endpoint, requests in flight to
				     one S3 endpoint */
	const char *manifest;     /* --manifest FILE or "-" */
	const struct cmd_s3_opts *s3;
};

/* The exit status of one finished check by the shared rule (strict:
 * --strict, every unknown is something to fix). */
int check_exit_status(const struct probe_report *rep, int strict);

/* `check --manifest`: every bucket of the manifest, --jobs at a time;
 * prints one result per bucket (a JSON line with --json), the summary,
 * and returns the worst exit status of the buckets (2 when a line was
 * bad, 3 when interrupted). */
int cmd_check_fleet(const struct check_defaults *d,
		    volatile sig_atomic_t *stop);

#endif
