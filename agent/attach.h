/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Attaching ward's two programs to an interface so that they outlive the
 * agent: XDP through netlink (the interface holds the program, not a file
 * descriptor), and TC as a clsact egress filter at ward's own handle and
 * priority (libbpf 1.1 has no tcx links). An attachment already there is
 * kept when it is the same program, replaced in one step when it is an
 * older ward program, and never touched when it belongs to someone else.
 */
#ifndef WARD_ATTACH_H
#define WARD_ATTACH_H

#include <stdint.h>

#include "ward_abi.h"

/* ward's clsact egress filter: the first to run (priority 1), at a handle of its own. */
#define WARD_TC_HANDLE	 0x7761
#define WARD_TC_PRIORITY 1

struct ward_attachment {
	uint32_t xdp_id;  /* 0: no XDP program */
	uint8_t xdp_mode; /* XDP_ATTACHED_DRV, _SKB, _HW or _MULTI */
	uint32_t tc_id;	  /* 0: no filter at ward's handle and priority */
};

/* What is attached to @ifindex now. Returns 0 or a negative errno. */
int ward_attach_query(int ifindex, struct ward_attachment *att);

/* "native", "generic", "offload", "multi" or "none", for status. */
const char *ward_xdp_mode_name(uint8_t attach_mode);

/* The id of the program behind @prog_fd, or 0 when it cannot be read. */
uint32_t ward_prog_id(int prog_fd);

/* 1 when both programs carry the same tag (same instructions), else 0. */
int ward_prog_same_code(int fd_a, int fd_b);

/*
 * Make @prog_fd the XDP program of @ifindex in @mode. When another program
 * is attached it is replaced atomically if it is @old_fd's (an earlier
 * ward), else -EBUSY. @old_fd may be -1. Returns 0 or a negative errno;
 * -EOPNOTSUPP when the driver has no native XDP and @mode asks for it.
 */
int ward_attach_xdp(int ifindex, int prog_fd, int old_fd, enum ward_xdp_mode mode);

/*
 * Make @prog_fd ward's clsact egress filter on @ifindex, creating the
 * clsact qdisc when missing, replacing a filter at ward's handle in one step.
 */
int ward_attach_tc(int ifindex, int prog_fd);

/*
 * Remove ward's programs from @ifindex: the XDP program only when it is
 * @xdp_fd's (-1: ward's is not known, leave XDP alone), and the filter at
 * ward's handle and priority. The clsact qdisc stays, as other filters may
 * live on it. Returns 0 or a negative errno.
 */
int ward_detach_iface(int ifindex, int xdp_fd);

#endif /* WARD_ATTACH_H */
