// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Link changes over rtnetlink and policy file changes over inotify (watch.h).
 */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "watch.h"

int ward_linkmon_open(void)
{
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK, .nl_groups = RTMGRP_LINK};
	int fd, err;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

static void parse_link(const struct nlmsghdr *nh, struct ward_link_change *change)
{
	const struct ifinfomsg *ifi = NLMSG_DATA(nh);
	const struct rtattr *rta;
	int len = nh->nlmsg_len - NLMSG_LENGTH(sizeof(*ifi));

	memset(change, 0, sizeof(*change));
	change->ifindex = ifi->ifi_index;
	change->deleted = nh->nlmsg_type == RTM_DELLINK;
	for (rta = IFLA_RTA(ifi); RTA_OK(rta, len); rta = RTA_NEXT(rta, len)) {
		if (rta->rta_type != IFLA_IFNAME)
			continue;
		snprintf(change->name, sizeof(change->name), "%.*s", (int)RTA_PAYLOAD(rta),
			 (const char *)RTA_DATA(rta));
	}
}

static void dispatch(const char *buf, ssize_t n, ward_link_cb cb, void *ctx)
{
	const struct nlmsghdr *nh;
	struct ward_link_change change;

	for (nh = (const struct nlmsghdr *)buf; NLMSG_OK(nh, n); nh = NLMSG_NEXT(nh, n)) {
		if (nh->nlmsg_type != RTM_NEWLINK && nh->nlmsg_type != RTM_DELLINK)
			continue;
		if (nh->nlmsg_len < NLMSG_LENGTH(sizeof(struct ifinfomsg)))
			continue;
		parse_link(nh, &change);
		cb(ctx, &change);
	}
}

int ward_linkmon_read(int fd, ward_link_cb cb, void *ctx)
{
	char buf[16384] __attribute__((aligned(NLMSG_ALIGNTO)));
	ssize_t n;

	for (;;) {
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (n < 0)
			return -errno;
		dispatch(buf, n, cb, ctx);
	}
}

static int split_path(struct ward_file_watch *w, const char *path)
{
	char copy[4096];

	if (snprintf(copy, sizeof(copy), "%s", path) >= (int)sizeof(copy))
		return -ENAMETOOLONG;
	snprintf(w->dir, sizeof(w->dir), "%s", dirname(copy));
	snprintf(copy, sizeof(copy), "%s", path);
	if (snprintf(w->base, sizeof(w->base), "%s", basename(copy)) >= (int)sizeof(w->base))
		return -ENAMETOOLONG;
	return 0;
}

int ward_file_watch_open(struct ward_file_watch *w, const char *path)
{
	int err;

	w->fd = -1;
	err = split_path(w, path);
	if (err)
		return err;

	w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (w->fd < 0)
		return -errno;
	/*
	 * Not IN_CREATE: a file being written is complete at IN_CLOSE_WRITE, and
	 * reading it at its creation finds it empty. IN_DELETE and IN_MOVED_FROM
	 * tell that it went away.
	 */
	w->wd = inotify_add_watch(w->fd, w->dir,
				  IN_CLOSE_WRITE | IN_MOVED_TO | IN_DELETE | IN_MOVED_FROM);
	if (w->wd < 0) {
		err = -errno;
		goto close_fd;
	}
	return 0;

close_fd:
	close(w->fd);
	w->fd = -1;
	return err;
}

void ward_file_watch_close(struct ward_file_watch *w)
{
	if (w->fd >= 0)
		close(w->fd);
	w->fd = -1;
}

int ward_file_watch_changed(struct ward_file_watch *w)
{
	char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
	const struct inotify_event *ev;
	int changed = 0;
	ssize_t n;
	char *p;

	for (;;) {
		n = read(w->fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return changed;
		if (n < 0)
			return -errno;
		for (p = buf; p < buf + n; p += sizeof(*ev) + ev->len) {
			ev = (const struct inotify_event *)p;
			if (ev->len && !strcmp(ev->name, w->base))
				changed = 1;
		}
	}
}
