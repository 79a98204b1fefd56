// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The events sink of sink.h. Rotation is noticed by comparing the inode
 * the path names with the inode held open (and whether that one is still
 * linked), before each batch: logrotate's default "create" mode renames
 * the file and expects the writer to open a new one; a plain removal is
 * handled the same way. copytruncate needs nothing: O_APPEND writes at the
 * new end.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "log.h"
#include "sink.h"

#define EVENTS_FILE_MODE 0640
#define EVENTS_DIR_MODE	 0750

struct ward_sink {
	char *path; /* NULL for standard output */
	int fd;
	char *held; /* whole lines appended, not yet written */
	size_t nheld;
	size_t cap;
};

/* Create the directory holding @path, and its parents, when missing. */
static int make_parent_dirs(const char *path)
{
	char *dir = strdup(path);
	char *slash;
	int err = 0;

	if (!dir)
		return -ENOMEM;
	for (slash = strchr(dir + 1, '/'); slash && !err; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		if (mkdir(dir, EVENTS_DIR_MODE) == 0)
			chmod(dir, EVENTS_DIR_MODE); /* exactly, whatever the umask */
		else if (errno != EEXIST)
			err = -errno;
		*slash = '/';
	}
	if (err)
		pr_err("cannot create the directory of events file %s: %s", path, strerror(-err));
	free(dir);
	return err;
}

static int open_events_file(const char *path)
{
	int flags = O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC;
	int fd, err;

	fd = open(path, flags | O_EXCL, EVENTS_FILE_MODE);
	if (fd >= 0) {
		fchmod(fd, EVENTS_FILE_MODE);
		return fd;
	}
	if (errno == EEXIST)
		fd = open(path, flags, EVENTS_FILE_MODE);
	if (fd >= 0)
		return fd;
	err = -errno;
	pr_err("cannot open events file %s: %s", path, strerror(-err));
	return err;
}

int ward_sink_open(const char *path, struct ward_sink **out)
{
	struct ward_sink *sink;
	int err;

	sink = calloc(1, sizeof(*sink));
	if (!sink)
		return -ENOMEM;
	sink->fd = STDOUT_FILENO;
	if (!strcmp(path, "-"))
		goto done;

	sink->path = strdup(path);
	err = sink->path ? make_parent_dirs(path) : -ENOMEM;
	if (err)
		goto free_sink;
	sink->fd = open_events_file(path);
	if (sink->fd < 0) {
		err = sink->fd;
		goto free_sink;
	}
done:
	*out = sink;
	return 0;

free_sink:
	free(sink->path);
	free(sink);
	return err;
}

/* Does the path still name the file we hold open, and is it still linked? */
static bool sink_file_moved(const struct ward_sink *sink)
{
	struct stat at_path, held;

	if (fstat(sink->fd, &held) < 0 || held.st_nlink == 0)
		return true;
	if (stat(sink->path, &at_path) < 0)
		return true;
	return at_path.st_ino != held.st_ino || at_path.st_dev != held.st_dev;
}

int ward_sink_batch_begin(struct ward_sink *sink)
{
	int fd, err;

	err = ward_sink_flush(sink); /* lines of the batch before go to the file they belong to */
	if (err)
		return err;
	if (!sink->path || !sink_file_moved(sink))
		return 0;

	err = make_parent_dirs(sink->path);
	if (err)
		return err;
	fd = open_events_file(sink->path);
	if (fd < 0)
		return fd;
	close(sink->fd);
	sink->fd = fd;
	pr_info("events file %s was rotated; writing to the new one", sink->path);
	return 0;
}

/* Write all of @iov; a short append to a regular file means the disk is full. */
static int write_all(int fd, struct iovec *iov, int iovcnt)
{
	ssize_t n;

	while (iovcnt > 0) {
		n = writev(fd, iov, iovcnt);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -ENOSPC;
		while (iovcnt > 0 && (size_t)n >= iov->iov_len) {
			n -= iov->iov_len;
			iov++;
			iovcnt--;
		}
		if (iovcnt > 0) {
			iov->iov_base = (char *)iov->iov_base + n;
			iov->iov_len -= n;
		}
	}
	return 0;
}

int ward_sink_flush(struct ward_sink *sink)
{
	struct iovec iov = {.iov_base = sink->held, .iov_len = sink->nheld};
	int err;

	if (!sink || !sink->nheld)
		return 0;
	err = write_all(sink->fd, &iov, 1);
	sink->nheld = 0;
	return err;
}

int ward_sink_write(struct ward_sink *sink, const struct ward_jbuf *line)
{
	struct iovec iov[2] = {
		{.iov_base = line->data, .iov_len = line->len},
		{.iov_base = "\n", .iov_len = 1},
	};
	int err;

	err = ward_sink_flush(sink);
	if (err)
		return err;
	return write_all(sink->fd, iov, 2);
}

static int hold_room(struct ward_sink *sink, size_t more)
{
	size_t cap = sink->cap ? sink->cap : WARD_SINK_HOLD;
	char *held;

	if (sink->nheld + more <= sink->cap)
		return 0;
	while (cap < sink->nheld + more)
		cap *= 2;
	held = realloc(sink->held, cap);
	if (!held)
		return -ENOMEM;
	sink->held = held;
	sink->cap = cap;
	return 0;
}

int ward_sink_append(struct ward_sink *sink, const struct ward_jbuf *line)
{
	int err;

	if (sink->nheld && sink->nheld + line->len + 1 > WARD_SINK_HOLD) {
		err = ward_sink_flush(sink);
		if (err)
			return err;
	}
	err = hold_room(sink, line->len + 1);
	if (err)
		return err;
	memcpy(sink->held + sink->nheld, line->data, line->len);
	sink->held[sink->nheld + line->len] = '\n';
	sink->nheld += line->len + 1;
	return 0;
}

void ward_sink_close(struct ward_sink *sink)
{
	if (!sink)
		return;
	if (ward_sink_flush(sink))
		pr_warn("events file %s: lines lost at close", sink->path ? sink->path : "-");
	if (sink->path)
		close(sink->fd);
	free(sink->held);
	free(sink->path);
	free(sink);
}
