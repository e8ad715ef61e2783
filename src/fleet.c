/* fleet.c - the worker pool of the fleet check (see fleet.h). */
#include <errno.h>
#include <pthread.h>
#include <string.h>

#include "fleet.h"

struct pool {
	const struct fleet_ops *ops;
	pthread_mutex_t lock;
	int finished;       /* next() said no job is left */
};

struct worker {
	struct pool *pool;
	int index;
};

static void *work(void *arg)
{
	struct worker *w = arg;
	struct pool *p = w->pool;
	const struct fleet_ops *ops = p->ops;

	for (;;) {
		void *job = NULL;
		int more;

		pthread_mutex_lock(&p->lock);
		more = !p->finished && ops->next(ops->ctx, &job) == 1;
		if (!more)
			p->finished = 1;
		pthread_mutex_unlock(&p->lock);
		if (!more)
			break;
		ops->run(ops->ctx, w->index, job);
		pthread_mutex_lock(&p->lock);
		ops->done(ops->ctx, job);
		pthread_mutex_unlock(&p->lock);
	}
	return NULL;
}

int fleet_run(int workers, const struct fleet_ops *ops,
	      struct s3p_error *err)
{
	pthread_t tids[FLEET_MAX_JOBS];
	struct worker ws[FLEET_MAX_JOBS];
	struct pool p;
	int started = 0, rc = 0;

	if (workers < 1 || workers > FLEET_MAX_JOBS)
		return s3p_error_set(err, S3P_E_INTERNAL,
				     "fleet_run: %d workers", workers);
	memset(&p, 0, sizeof(p));
	p.ops = ops;
	if ((rc = pthread_mutex_init(&p.lock, NULL)) != 0)
		return s3p_error_set(err, S3P_E_NOMEM,
				     "cannot create a lock: %s", strerror(rc));
	for (int i = 0; i < workers; i++) {
		ws[i].pool = &p;
		ws[i].index = i;
		rc = pthread_create(&tids[started], NULL, work, &ws[i]);
		if (rc != 0)
			break;
		started++;
	}
	if (started == 0) {
		pthread_mutex_destroy(&p.lock);
		return s3p_error_set(err, S3P_E_NOMEM,
				     "cannot start a worker thread: %s",
				     strerror(rc));
	}
	for (int i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
	pthread_mutex_destroy(&p.lock);
	return 0;
}
