#define _DEFAULT_SOURCE
#include "output.h"

#include <errno.h>
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

int output_write(const char *path, const char *data, size_t len,
		 struct s3p_error *err)
{
	struct buf tmp = BUF_INIT;
	int fd;

	if (!path || !strcmp(path, "-")) {
		if (fwrite(data, 1, len, stdout) != len || fflush(stdout))
			return s3p_error_set(err, S3P_E_IO,
				"cannot write to standard output: %s",
				strerror(errno));
		return 0;
	}
	buf_printf(&tmp, "%s.tmpXXXXXX", path);
	fd = mkstemp(tmp.data);
	if (fd < 0) {
		s3p_error_set(err, S3P_E_IO, "cannot write '%s': %s", path,
			      strerror(errno));
		buf_release(&tmp);
		return -1;
	}
	if (fchmod(fd, 0644) || write_all(fd, data, len) || fsync(fd)) {
		int e = errno;

		close(fd);
		unlink(tmp.data);
		s3p_error_set(err, S3P_E_IO, "cannot write '%s': %s", path,
			      strerror(e));
		buf_release(&tmp);
		return -1;
	}
	if (close(fd) || rename(tmp.data, path)) {
		int e = errno;

		unlink(tmp.data);
		s3p_error_set(err, S3P_E_IO, "cannot write '%s': %s", path,
			      strerror(e));
		buf_release(&tmp);
		return -1;
	}
	buf_release(&tmp);
	return 0;
}
