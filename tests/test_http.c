/* test_http.c - the HTTP module's hub: many threads' http_perform() calls
 * through one I/O thread and one connection pool, against small HTTP
 * servers on 127.0.0.1 started by the test.  Each server answers every GET
 * with its path as the body after a short delay and counts the requests it
 * is serving at once (between reading a request and answering it) and the
 * connections it accepted, so the tests see what the hub's cap and its
 * shared pool do on the wire. */
#define _DEFAULT_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "buf.h"
#include "http.h"

/* ---- the servers --------------------------------------------------------- */

#define MAX_CONNS 128

/* Requests in service at once over every server of a test. */
static pthread_mutex_t all_lock = PTHREAD_MUTEX_INITIALIZER;
static int all_now, all_max;

struct server {
	int fd;
	int port;
	int delay_ms;
	pthread_t acceptor;
	pthread_mutex_t lock;
	int now, max;           /* requests in service: now, at most */
	int requests;
	int conns;              /* connections accepted */
	pthread_t threads[MAX_CONNS];
	int fds[MAX_CONNS];
};

struct conn {
	struct server *s;
	int fd;
};

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* The end of the request head in buf[len], or NULL. */
static char *head_end(char *buf, size_t len)
{
	for (size_t i = 0; i + 4 <= len; i++)
		if (!memcmp(buf + i, "\r\n\r\n", 4))
			return buf + i;
	return NULL;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* One connection: requests one after another (keep-alive), until the
 * client closes it. */
static void *serve_conn(void *arg)
{
	struct conn *c = arg;
	struct server *s = c->s;
	char buf[8192];
	size_t len = 0;

	for (;;) {
		char *end, path[1024], head[1400];
		ssize_t r;
		size_t used;

		while (!(end = head_end(buf, len))) {
			if (len == sizeof(buf))
				goto out;
			r = recv(c->fd, buf + len, sizeof(buf) - len, 0);
			if (r <= 0)
				goto out;
			len += (size_t)r;
		}
		used = (size_t)(end - buf) + 4;
		if (sscanf(buf, "GET %1023s HTTP/1.1", path) != 1)
			goto out;
		pthread_mutex_lock(&s->lock);
		s->requests++;
		if (++s->now > s->max)
			s->max = s->now;
		pthread_mutex_unlock(&s->lock);
		pthread_mutex_lock(&all_lock);
		if (++all_now > all_max)
			all_max = all_now;
		pthread_mutex_unlock(&all_lock);
		sleep_ms(s->delay_ms);
		/* out of service before answering: the client can only start
		 * the next request once it has the answer */
		pthread_mutex_lock(&all_lock);
		all_now--;
		pthread_mutex_unlock(&all_lock);
		pthread_mutex_lock(&s->lock);
		s->now--;
		pthread_mutex_unlock(&s->lock);
		/* one write: no Nagle wait for a second small segment */
		snprintf(head, sizeof(head), "HTTP/1.1 200 OK\r\nContent-Type: "
			 "text/plain\r\nContent-Length: %zu\r\n\r\n%.1023s",
			 strlen(path), path);
		if (write_all(c->fd, head, strlen(head)) < 0)
			goto out;
		memmove(buf, buf + used, len - used);
		len -= used;
	}
out:
	free(c);
	return NULL;
}

static void *accept_loop(void *arg)
{
	struct server *s = arg;

	for (;;) {
		int fd = accept(s->fd, NULL, NULL);
		struct conn *c;

		if (fd < 0)
			return NULL;   /* the listening socket was shut down */
		pthread_mutex_lock(&s->lock);
		if (s->conns == MAX_CONNS) {
			pthread_mutex_unlock(&s->lock);
			close(fd);
			continue;
		}
		c = xcalloc(1, sizeof(*c));
		c->s = s;
		c->fd = fd;
		s->fds[s->conns] = fd;
		if (pthread_create(&s->threads[s->conns], NULL, serve_conn,
				   c) != 0) {
			free(c);
			close(fd);
		} else {
			s->conns++;
		}
		pthread_mutex_unlock(&s->lock);
	}
}

static void server_start(struct server *s, int delay_ms)
{
	struct sockaddr_in a;
	socklen_t alen = sizeof(a);
	int one = 1;

	memset(s, 0, sizeof(s[0]));
	s->delay_ms = delay_ms;
	pthread_mutex_init(&s->lock, NULL);
	s->fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(s->fd >= 0);
	setsockopt(s->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(s->fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(s->fd, 128), 0);
	assert_int_equal(getsockname(s->fd, (struct sockaddr *)&a, &alen), 0);
	s->port = ntohs(a.sin_port);
	assert_int_equal(pthread_create(&s->acceptor, NULL, accept_loop, s),
			 0);
}

/* After the hub is freed (its connections closed). */
static void server_stop(struct server *s)
{
	shutdown(s->fd, SHUT_RDWR);
	pthread_join(s->acceptor, NULL);
	close(s->fd);
	for (int i = 0; i < s->conns; i++) {
		pthread_join(s->threads[i], NULL);
		close(s->fds[i]);
	}
	pthread_mutex_destroy(&s->lock);
}

/* ---- the callers -------------------------------------------------------- */

#define PER_CALL 4

/* One caller thread: its own client on the shared hub, `rounds` calls of
 * PER_CALL exchanges; what went wrong is kept for the main thread (cmocka
 * asserts only there). */
struct caller {
	struct http_hub *hub;
	struct server *servers[2];  /* exchange i goes to servers[i % 2] */
	const char *pool_key;       /* NULL: from the URL */
	long timeout_ms;
	int id, rounds;
	int ok;                     /* exchanges answered with their path */
	char problem[1024];
};

static void *call_loop(void *arg)
{
	struct caller *k = arg;
	struct http_options ho;
	struct http_client *c = NULL;
	struct s3p_error err;

	memset(&ho, 0, sizeof(ho));
	ho.hub = k->hub;
	ho.timeout_ms = k->timeout_ms;
	if (http_client_new(&ho, &c, &err) < 0) {
		snprintf(k->problem, sizeof(k->problem), "client: %.200s", err.msg);
		return NULL;
	}
	for (int r = 0; r < k->rounds; r++) {
		struct http_exchange ex[PER_CALL];
		char urls[PER_CALL][160], paths[PER_CALL][64];

		memset(ex, 0, sizeof(ex));
		for (int i = 0; i < PER_CALL; i++) {
			snprintf(paths[i], sizeof(paths[i]), "/t%d/r%d/x%d",
				 k->id, r, i);
			snprintf(urls[i], sizeof(urls[i]),
				 "http://127.0.0.1:%d%.63s",
				 k->servers[i % 2]->port, paths[i]);
			ex[i].method = "GET";
			ex[i].url = urls[i];
			ex[i].pool_key = k->pool_key;
		}
		if (http_perform(c, ex, PER_CALL, &err) < 0)
			snprintf(k->problem, sizeof(k->problem),
				 "perform: %.200s", err.msg);
		for (int i = 0; i < PER_CALL; i++) {
			if (ex[i].result != HTTP_OK || ex[i].status != 200)
				snprintf(k->problem, sizeof(k->problem),
					 "%.60s: %s %ld %.200s", paths[i],
					 http_result_name(ex[i].result),
					 ex[i].status, ex[i].error);
			else if (strcmp(buf_str(&ex[i].resp_body), paths[i]))
				snprintf(k->problem, sizeof(k->problem),
					 "%.60s answered with '%.200s'", paths[i],
					 buf_str(&ex[i].resp_body));
			else
				k->ok++;
			http_exchange_release(&ex[i]);
		}
	}
	http_client_free(c);
	return NULL;
}

/* n caller threads on one hub with cap `cap`; returns the exchanges
 * answered right. */
static int run_callers(int cap, int n, int rounds, struct server *a,
		       struct server *b, const char *pool_key, long timeout_ms)
{
	struct http_hub_options o = { cap, 0 };
	struct http_hub *hub = NULL;
	struct caller k[16];
	pthread_t t[16];
	struct s3p_error err;
	int ok = 0;

	assert_true(n <= 16);
	assert_int_equal(http_hub_new(&o, &hub, &err), 0);
	all_now = all_max = 0;
	for (int i = 0; i < n; i++) {
		memset(&k[i], 0, sizeof(k[i]));
		k[i].hub = hub;
		k[i].servers[0] = a;
		k[i].servers[1] = b;
		k[i].pool_key = pool_key;
		k[i].timeout_ms = timeout_ms;
		k[i].id = i;
		k[i].rounds = rounds;
		assert_int_equal(pthread_create(&t[i], NULL, call_loop, &k[i]),
				 0);
	}
	for (int i = 0; i < n; i++) {
		pthread_join(t[i], NULL);
		if (k[i].problem[0])
			fail_msg("caller %d: %s", i, k[i].problem);
		ok += k[i].ok;
	}
	http_hub_free(hub);
	return ok;
}

/* ---- tests ---------------------------------------------------------------- */

/* 8 threads, each with its own client on one hub capped at 3 per
 * endpoint, each sending 3 rounds of 4 exchanges at once to one server:
 * every exchange gets its own answer, the server never serves more than 3
 * at once (and does serve 3: the cap, not a lack of concurrency, is the
 * bound), and it accepted no more than 3 connections: one pool, reused by
 * all threads (8 private pools would open at least 8). */
static void test_hub_caps_one_endpoint(void **state)
{
	struct server s;

	(void)state;
	server_start(&s, 25);
	assert_int_equal(run_callers(3, 8, 3, &s, &s, NULL, 0), 8 * 3 * 4);
	server_stop(&s);
	assert_int_equal(s.requests, 8 * 3 * 4);
	assert_int_equal(s.max, 3);
	assert_true(s.conns >= 1 && s.conns <= 3);
}

/* Two servers (two endpoints by URL) with a cap of 2: each serves at most
 * 2 at once, and both together more than 2 (the cap is per endpoint, not
 * one for the hub). */
static void test_hub_caps_each_endpoint_apart(void **state)
{
	struct server a, b;

	(void)state;
	server_start(&a, 25);
	server_start(&b, 25);
	assert_int_equal(run_callers(2, 6, 3, &a, &b, NULL, 0), 6 * 3 * 4);
	server_stop(&a);
	server_stop(&b);
	assert_int_equal(a.requests + b.requests, 6 * 3 * 4);
	assert_true(a.max <= 2 && b.max <= 2);
	assert_true(all_max > 2);
	assert_true(a.conns <= 2 && b.conns <= 2);
}

/* The same two servers under one pool key (as S3 buckets addressed
 * virtual-hosted style are: each its own host name, one endpoint): at
 * most 2 at once over both. */
static void test_hub_pool_key_groups_hosts(void **state)
{
	struct server a, b;

	(void)state;
	server_start(&a, 25);
	server_start(&b, 25);
	assert_int_equal(run_callers(2, 6, 2, &a, &b, "https://s3.example",
				     0), 6 * 2 * 4);
	server_stop(&a);
	server_stop(&b);
	assert_true(all_max <= 2);
	assert_true(all_max >= 1);
}

/* Cap 1, answers taking 120 ms, a 500 ms timeout, one call of 4 and
 * another thread's call of 4 queued behind: 8 x 120 ms is longer than the
 * timeout, yet none times out, because a transfer's clock starts when the
 * hub admits it, not when it is queued. */
static void test_hub_timeout_starts_at_admission(void **state)
{
	struct server s;

	(void)state;
	server_start(&s, 120);
	assert_int_equal(run_callers(1, 2, 1, &s, &s, NULL, 500), 2 * 4);
	server_stop(&s);
	assert_int_equal(s.max, 1);
	assert_int_equal(s.conns, 1);
}

/* A refused connection is that exchange's result; the others of the call
 * are answered; a hub with no caller left stops at once. */
static void test_hub_failure_is_per_exchange(void **state)
{
	struct server s;
	struct http_hub_options o = { 2, 0 };
	struct http_hub *hub = NULL;
	struct http_options ho;
	struct http_client *c = NULL;
	struct http_exchange ex[3];
	struct s3p_error err;
	char ok_url[64], bad_url[64];
	int fd, port;
	struct sockaddr_in a;
	socklen_t alen = sizeof(a);

	(void)state;
	/* a port nobody listens on: bound, then closed */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &alen), 0);
	port = ntohs(a.sin_port);
	close(fd);
	server_start(&s, 1);
	snprintf(ok_url, sizeof(ok_url), "http://127.0.0.1:%d/fine", s.port);
	snprintf(bad_url, sizeof(bad_url), "http://127.0.0.1:%d/none", port);
	assert_int_equal(http_hub_new(&o, &hub, &err), 0);
	memset(&ho, 0, sizeof(ho));
	ho.hub = hub;
	assert_int_equal(http_client_new(&ho, &c, &err), 0);
	memset(ex, 0, sizeof(ex));
	for (int i = 0; i < 3; i++) {
		ex[i].method = "GET";
		ex[i].url = i == 1 ? bad_url : ok_url;
	}
	assert_int_equal(http_perform(c, ex, 3, &err), 0);
	assert_int_equal(ex[0].status, 200);
	assert_string_equal(buf_str(&ex[0].resp_body), "/fine");
	assert_int_equal(ex[1].result, HTTP_E_CONNECT);
	assert_int_equal(ex[1].status, 0);
	assert_int_equal(ex[2].status, 200);
	for (int i = 0; i < 3; i++)
		http_exchange_release(&ex[i]);
	/* zero exchanges: nothing queued, nothing to wait for */
	assert_int_equal(http_perform(c, ex, 0, &err), 0);
	http_client_free(c);
	http_hub_free(hub);
	server_stop(&s);
	assert_int_equal(s.requests, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hub_caps_one_endpoint),
		cmocka_unit_test(test_hub_caps_each_endpoint_apart),
		cmocka_unit_test(test_hub_pool_key_groups_hosts),
		cmocka_unit_test(test_hub_timeout_starts_at_admission),
		cmocka_unit_test(test_hub_failure_is_per_exchange),
	};

	unsetenv("http_proxy");
	unsetenv("HTTP_PROXY");
	unsetenv("all_proxy");
	unsetenv("ALL_PROXY");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
