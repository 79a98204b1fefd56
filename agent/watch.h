/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * What the agent watches besides the ring buffer: interfaces coming and
 * going (rtnetlink, RTMGRP_LINK) and the policy file being changed
 * (inotify on its directory, so that an editor's "write a new file and
 * rename it over" is seen as well as a write in place). Both hand out a
 * non-blocking file descriptor for the agent's poll loop.
 */
#ifndef WARD_WATCH_H
#define WARD_WATCH_H

#include <stdbool.h>

#include "ward_abi.h"

/* Open an rtnetlink socket subscribed to link changes. Returns an fd or a negative errno. */
int ward_linkmon_open(void);

struct ward_link_change {
	int ifindex;
	char name[WARD_IFNAME_MAX];
	bool deleted; /* RTM_DELLINK; else RTM_NEWLINK (created, changed, up or down) */
};

typedef void (*ward_link_cb)(void *ctx, const struct ward_link_change *change);

/*
 * Read what is queued on @fd and call @cb for each link message. Returns
 * 0 when the queue is drained, or a negative errno. -ENOBUFS means messages
 * were lost: the caller should look at every interface again.
 */
int ward_linkmon_read(int fd, ward_link_cb cb, void *ctx);

struct ward_file_watch {
	int fd;
	int wd;
	char dir[4096];
	char base[256];
};

/* Watch the file at @path through its directory. Returns 0 or a negative errno. */
int ward_file_watch_open(struct ward_file_watch *w, const char *path);
void ward_file_watch_close(struct ward_file_watch *w);

/*
 * Drain the inotify queue. Returns 1 when the file was written and closed,
 * renamed onto, renamed away or removed (the caller looks at what is there
 * now), 0 when not, or a negative errno.
 */
int ward_file_watch_changed(struct ward_file_watch *w);

#endif /* WARD_WATCH_H */
