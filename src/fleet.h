/* fleet.h - a small pool of worker threads for the fleet check: jobs are
 * taken and handed back one at a time under one lock, and done outside it.
 *
 *   next(ctx, &job)      under the lock: 1 with the next job, 0 when none
 *                        is left (the pool then drains and ends)
 *   run(ctx, worker, job) in worker `worker` (0..jobs-1), without the lock
 *   done(ctx, job)       under the lock, in completion order
 *
 * The caller keeps per-worker state (an S3 client each) indexed by
 * `worker`, and everything next() and done() share needs no lock of its
 * own.  The workers are the only threads of the fleet check besides the
 * HTTP hub's I/O thread (http.h), which the workers' S3 clients share. */
#ifndef S3P_FLEET_H
#define S3P_FLEET_H

#include "error.h"

/* The most workers fleet_run() starts. */
#define FLEET_MAX_JOBS 256

struct fleet_ops {
	void *ctx;
	int (*next)(void *ctx, void **job);
	void (*run)(void *ctx, int worker, void *job);
	void (*done)(void *ctx, void *job);
};

/* Run jobs with `workers` threads (1..FLEET_MAX_JOBS) until next() says
 * there is none left.  Returns 0, or -1 with err when no thread could be
 * started (with some started, the pool goes on with those). */
int fleet_run(int workers, const struct fleet_ops *ops,
	      struct s3p_error *err);

#endif
