/* creds_process.c - credential_process: run the profile's command (split
 * like a POSIX shell splits words, but no shell is run), read the JSON it
 * prints on standard output:
 *   {"Version": 1, "AccessKeyId": "...", "SecretAccessKey": "...",
 *    "SessionToken": "...", "Expiration": "2026-12-05T04:00:00Z"}
 * A non-zero exit, a signal, bad JSON, a wrong Version, missing keys or
 * an Expiration already past is an error that shows the command's
 * standard error (never its standard output: it holds the secret). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "creds_int.h"

#define MAX_OUTPUT (1024 * 1024)

void creds_argv_free(char **argv)
{
	if (!argv)
		return;
	for (size_t i = 0; argv[i]; i++)
		free(argv[i]);
	free(argv);
}

int creds_split_command(const char *line, char ***argv_out, size_t *argc_out,
			struct s3p_error *err)
{
	char **argv = xcalloc(1, sizeof(*argv));
	size_t argc = 0;
	const char *p = line;
	struct buf w = BUF_INIT;

	for (;;) {
		int have = 0;

		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (!*p)
			break;
		buf_reset(&w);
		while (*p && *p != ' ' && *p != '\t' && *p != '\n') {
			have = 1;
			if (*p == '\'') {
				const char *e = strchr(p + 1, '\'');
				if (!e)
					goto unterminated;
				buf_append(&w, p + 1, (size_t)(e - p - 1));
				p = e + 1;
			} else if (*p == '"') {
				p++;
				while (*p && *p != '"') {
					if (*p == '\\' && p[1] &&
					    strchr("\\\"$`\n", p[1]))
						p++;
					buf_putc(&w, *p++);
				}
				if (*p != '"')
					goto unterminated;
				p++;
			} else if (*p == '\\' && p[1]) {
				buf_putc(&w, p[1]);
				p += 2;
			} else {
				buf_putc(&w, *p++);
			}
		}
		if (have) {
			argv = xrealloc(argv, (argc + 2) * sizeof(*argv));
			argv[argc++] = xstrdup(buf_str(&w));
			argv[argc] = NULL;
		}
	}
	buf_release(&w);
	if (argc == 0) {
		creds_argv_free(argv);
		return s3p_error_set(err, S3P_E_S3, "the command is empty");
	}
	*argv_out = argv;
	if (argc_out)
		*argc_out = argc;
	return 0;
unterminated:
	buf_release(&w);
	creds_argv_free(argv);
	return s3p_error_set(err, S3P_E_S3, "unterminated quote in the command");
}

/* The first line-ish part of the process's stderr, for a message. */
static void stderr_excerpt(const struct buf *e, char *out, size_t size)
{
	size_t n = e->len, j = 0;

	while (n && (e->data[n - 1] == '\n' || e->data[n - 1] == '\r' ||
		     e->data[n - 1] == ' '))
		n--;
	for (size_t i = 0; i < n && j + 1 < size; i++) {
		char c = e->data[i];
		out[j++] = (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
	}
	out[j] = '\0';
}

/* Run argv; collect stdout and stderr; *status as waitpid gives it. */
static int run(char **argv, struct buf *out, struct buf *errout, int *status,
	       struct s3p_error *err)
{
	int op[2], ep[2];
	pid_t pid;
	struct pollfd pf[2];
	int open_fds = 2;
	char chunk[4096];

	if (pipe(op) < 0)
		return s3p_error_set(err, S3P_E_S3, "cannot make a pipe: %s",
				     strerror(errno));
	if (pipe(ep) < 0) {
		close(op[0]);
		close(op[1]);
		return s3p_error_set(err, S3P_E_S3, "cannot make a pipe: %s",
				     strerror(errno));
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(op[0]); close(op[1]); close(ep[0]); close(ep[1]);
		return s3p_error_set(err, S3P_E_S3, "cannot fork: %s",
				     strerror(errno));
	}
	if (pid == 0) {
		dup2(op[1], STDOUT_FILENO);
		dup2(ep[1], STDERR_FILENO);
		close(op[0]); close(op[1]); close(ep[0]); close(ep[1]);
		execvp(argv[0], argv);
		dprintf(STDERR_FILENO, "cannot run '%s': %s", argv[0],
			strerror(errno));
		_exit(127);
	}
	close(op[1]);
	close(ep[1]);
	pf[0].fd = op[0];
	pf[1].fd = ep[0];
	pf[0].events = pf[1].events = POLLIN;
	while (open_fds > 0) {
		if (poll(pf, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (int i = 0; i < 2; i++) {
			ssize_t r;
			struct buf *b = i == 0 ? out : errout;

			if (pf[i].fd < 0 || !pf[i].revents)
				continue;
			r = read(pf[i].fd, chunk, sizeof(chunk));
			if (r <= 0) {
				close(pf[i].fd);
				pf[i].fd = -1;
				open_fds--;
				continue;
			}
			if (b->len < MAX_OUTPUT)
				buf_append(b, chunk, (size_t)r);
		}
	}
	secure_zero(chunk, sizeof(chunk));
	for (int i = 0; i < 2; i++)
		if (pf[i].fd >= 0)
			close(pf[i].fd);
	while (waitpid(pid, status, 0) < 0) {
		if (errno != EINTR)
			return s3p_error_set(err, S3P_E_S3,
					     "cannot wait for the command: %s",
					     strerror(errno));
	}
	return 0;
}

int creds_process_load(struct creds_ctx *cx, const char *profile,
		       struct creds *out, struct s3p_error *err)
{
	static const char *const names[] = { "Version", "AccessKeyId",
		"SecretAccessKey", "SessionToken", "Expiration" };
	const char *cmd = creds_profile_get(&cx->files, profile,
					    "credential_process");
	char **argv = NULL;
	struct buf o = BUF_INIT, e = BUF_INIT, src = BUF_INIT;
	char *v[5] = { NULL };
	char excerpt[200];
	int status = 0, rc = -1;
	time_t exp = 0;

	if (!cmd) {
		creds_tried(cx, "credential_process", "not set");
		return CREDS_NOT_APPLICABLE;
	}
	if (creds_split_command(cmd, &argv, NULL, err) < 0 ||
	    run(argv, &o, &e, &status, err) < 0)
		goto fail;
	stderr_excerpt(&e, excerpt, sizeof(excerpt));
	if (WIFSIGNALED(status)) {
		s3p_error_set(err, S3P_E_S3, "'%s' was killed by signal %d%s%s",
			      argv[0], WTERMSIG(status), *excerpt ? ": " : "",
			      excerpt);
		goto fail;
	}
	if (WEXITSTATUS(status) != 0) {
		s3p_error_set(err, S3P_E_S3, "'%s' exited with status %d%s%s",
			      argv[0], WEXITSTATUS(status),
			      *excerpt ? ": " : "", excerpt);
		goto fail;
	}
	if (creds_json_fields(o.data ? o.data : "", o.len, names, v, 5,
			      err) < 0) {
		char why[100];

		memcpy(why, err->msg, sizeof(why) - 1);
		why[sizeof(why) - 1] = '\0';
		s3p_error_set(err, S3P_E_S3, "'%s' did not print credentials "
			      "JSON: %s%s%s", argv[0], why,
			      *excerpt ? "; its standard error: " : "",
			      excerpt);
		goto fail;
	}
	if (!v[0] || strcmp(v[0], "1") != 0) {
		s3p_error_set(err, S3P_E_S3, "'%s' printed JSON with Version "
			      "%s%s%s, expected 1", argv[0], v[0] ? "'" : "",
			      v[0] ? v[0] : "missing", v[0] ? "'" : "");
		goto fail;
	}
	if (!v[1] || !v[2]) {
		s3p_error_set(err, S3P_E_S3, "'%s' printed JSON without %s",
			      argv[0], !v[1] ? "AccessKeyId" : "SecretAccessKey");
		goto fail;
	}
	if (v[4]) {
		char when[32];

		if (creds_parse_time(v[4], &exp) < 0) {
			s3p_error_set(err, S3P_E_S3, "'%s' printed an "
				      "Expiration that is not an ISO 8601 "
				      "time: '%.40s'", argv[0], v[4]);
			goto fail;
		}
		if (exp <= creds_now(cx)) {
			creds_format_time(exp, when);
			s3p_error_set(err, S3P_E_S3, "'%s' printed credentials "
				      "that expired at %s", argv[0], when);
			goto fail;
		}
	}
	creds_set(out, v[1], v[2], v[3], exp);
	out->provider = xstrdup("credential_process");
	buf_printf(&src, "credential_process of profile '%s'", profile);
	out->source = buf_detach(&src);
	rc = CREDS_FOUND;
fail:
	if (rc < 0)
		s3p_error_prefix(err, "credential_process of profile '%s'",
				 profile);
	for (int i = 0; i < 5; i++)
		free_secret(v[i]);
	buf_release_secret(&o);
	buf_release(&e);
	creds_argv_free(argv);
	return rc;
}
