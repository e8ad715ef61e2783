/* output.c - standard output or -o FILE (output.h). */
#define _DEFAULT_SOURCE
#include "output.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"

static int write_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t n = write(fd, data, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

static int io_error(struct s3p_error *err, const char *path, int e)
{
	return s3p_error_set(err, S3P_E_IO, "cannot write '%s': %s", path,
			     strerror(e));
}

/* Not a regular file: write to it as it is (no truncation is needed for
 * a device or a pipe; O_TRUNC is ignored there anyway). */
static int write_direct(const char *path, const char *data, size_t len,
			struct s3p_error *err)
{
	int fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
	int e;

	if (fd < 0)
		return io_error(err, path, errno);
	if (write_all(fd, data, len)) {
		e = errno;
		close(fd);
		return io_error(err, path, e);
	}
	if (close(fd))
		return io_error(err, path, errno);
	return 0;
}

/* A regular file at target (existing: st, else NULL): a temporary file
 * beside it, with its mode, renamed over it. */
static int write_atomic(const char *path, const char *target,
			const struct stat *st, const char *data, size_t len,
			struct s3p_error *err)
{
	struct buf tmp = BUF_INIT;
	mode_t mode;
	int fd, e;

	if (st) {
		mode = st->st_mode & 07777;
	} else {
		mode_t mask = umask(0);

		umask(mask);
		mode = 0666 & ~mask;
	}
	buf_printf(&tmp, "%s.tmpXXXXXX", target);
	fd = mkstemp(tmp.data);
	if (fd < 0) {
		e = errno;
		buf_release(&tmp);
		return io_error(err, path, e);
	}
	/* the owner as before when we may (root writing a user's file) */
	if (st && (st->st_uid != geteuid() || st->st_gid != getegid()) &&
	    fchown(fd, st->st_uid, st->st_gid))
		(void)0;   /* not allowed: the file becomes ours, mode kept */
	if (fchmod(fd, mode) || write_all(fd, data, len) || fsync(fd)) {
		e = errno;
		close(fd);
		goto fail;
	}
	if (close(fd) || rename(tmp.data, target)) {
		e = errno;
		goto fail;
	}
	buf_release(&tmp);
	return 0;
fail:
	unlink(tmp.data);
	buf_release(&tmp);
	return io_error(err, path, e);
}

int output_write(const char *path, const char *data, size_t len,
		 struct s3p_error *err)
{
	struct stat lst, st;
	char *target;
	int rc;

	if (!path || !strcmp(path, "-")) {
		if (fwrite(data, 1, len, stdout) != len || fflush(stdout))
			return s3p_error_set(err, S3P_E_IO,
				"cannot write to standard output: %s",
				strerror(errno));
		return 0;
	}
	if (lstat(path, &lst)) {
		if (errno != ENOENT)
			return io_error(err, path, errno);
		return write_atomic(path, path, NULL, data, len, err);
	}
	if (!S_ISLNK(lst.st_mode)) {
		if (S_ISDIR(lst.st_mode))
			return s3p_error_set(err, S3P_E_IO,
				"cannot write '%s': it is a directory", path);
		if (!S_ISREG(lst.st_mode))
			return write_direct(path, data, len, err);
		return write_atomic(path, path, &lst, data, len, err);
	}
	/* A symbolic link: followed. */
	if (stat(path, &st)) {
		if (errno == ENOENT)
			return s3p_error_set(err, S3P_E_IO,
				"cannot write '%s': it is a symbolic link to "
				"nothing (give the file it should point to)",
				path);
		return io_error(err, path, errno);
	}
	if (S_ISDIR(st.st_mode))
		return s3p_error_set(err, S3P_E_IO,
			"cannot write '%s': it is a directory", path);
	if (!S_ISREG(st.st_mode))
		return write_direct(path, data, len, err);
	/* replace the file the link points to, keep the link */
	target = realpath(path, NULL);
	if (!target)
		return io_error(err, path, errno);
	rc = write_atomic(path, target, &st, data, len, err);
	free(target);
	return rc;
}
