/* layout_local.c - feed a local directory tree to the layout check. */
#include "layout_local.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"

#define MAX_DEPTH 64

static int read_full(int fd, unsigned char *p, size_t n, off_t off)
{
	while (n) {
		ssize_t r = pread(fd, p, n, off);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r;
		n -= (size_t)r;
		off += r;
	}
	return 0;
}

/* The last LAYOUT_TAIL_READ bytes (the whole file when smaller: head and
 * footer in one read), then exactly the footer when it is longer; the
 * same reads as layout_s3.c, so the same findings. */
static void check_content(struct layout *l, const char *full,
			  const char *rel, uint64_t size)
{
	unsigned char *tail = NULL;
	size_t len = size < LAYOUT_TAIL_READ ? (size_t)size : LAYOUT_TAIL_READ;
	int fd = open(full, O_RDONLY);

	if (fd < 0) {
		layout_content_failed(l, rel, strerror(errno));
		return;
	}
	for (int round = 0; round < 2 && len; round++) {
		size_t need;

		free(tail);
		tail = xmalloc(len);
		if (read_full(fd, tail, len, (off_t)(size - len))) {
			layout_content_failed(l, rel, "short read");
			break;
		}
		need = layout_content(l, rel, size, len == size ? tail : NULL,
				      tail, len);
		len = round == 0 ? need : 0;
	}
	free(tail);
	close(fd);
}

static int walk(struct layout *l, struct buf *full, struct buf *rel,
		int depth, struct s3p_error *err)
{
	DIR *dir;
	struct dirent *de;
	size_t full_len = full->len, rel_len = rel->len;
	int rc = 0;

	if (depth > MAX_DEPTH)
		return s3p_error_set(err, S3P_E_INPUT,
			"directory '%s' is nested too deep (a symbolic link "
			"loop?)", buf_str(full));
	dir = opendir(buf_str(full));
	if (!dir)
		return s3p_error_set(err, S3P_E_INPUT,
			"cannot read directory '%s': %s", buf_str(full),
			strerror(errno));
	for (;;) {
		struct stat st;

		errno = 0;
		de = readdir(dir);
		if (!de) {
			if (errno)
				rc = s3p_error_set(err, S3P_E_INPUT,
					"cannot read directory '%s': %s",
					buf_str(full), strerror(errno));
			break;
		}
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		full->len = full_len;
		rel->len = rel_len;
		buf_puts(full, "/");
		buf_puts(full, de->d_name);
		buf_puts(rel, de->d_name);
		if (stat(buf_str(full), &st))
			continue;   /* a dangling link: nothing to upload */
		if (S_ISDIR(st.st_mode)) {
			if (depth == 0 && !layout_wants_dataset(l, de->d_name))
				continue;
			buf_puts(rel, "/");
			layout_add(l, buf_str(rel), 0);
			rc = walk(l, full, rel, depth + 1, err);
			if (rc)
				break;
		} else if (S_ISREG(st.st_mode)) {
			uint64_t size = (uint64_t)st.st_size;

			if (layout_add(l, buf_str(rel), size) ==
			    LAYOUT_READ_CONTENT)
				check_content(l, buf_str(full), buf_str(rel),
					      size);
		}
	}
	full->len = full_len;
	rel->len = rel_len;
	if (full->data)
		full->data[full_len] = '\0';
	if (rel->data)
		rel->data[rel_len] = '\0';
	closedir(dir);
	return rc;
}

int layout_local_scan(struct layout *l, const char *dir,
		      struct s3p_error *err)
{
	struct buf full = BUF_INIT, rel = BUF_INIT;
	struct stat st;
	int rc;

	if (stat(dir, &st))
		return s3p_error_set(err, S3P_E_INPUT,
			"cannot open directory '%s': %s", dir,
			strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return s3p_error_set(err, S3P_E_INPUT,
			"'%s' is not a directory", dir);
	buf_puts(&full, dir);
	while (full.len > 1 && full.data[full.len - 1] == '/')
		full.data[--full.len] = '\0';
	buf_puts(&rel, "");
	rc = walk(l, &full, &rel, 0, err);
	buf_release(&full);
	buf_release(&rel);
	return rc;
}
