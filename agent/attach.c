// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * XDP and TC attachment of ward's programs (attach.h), all through
 * netlink so that the attachments stay when the agent exits.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>

#include "attach.h"

const char *ward_xdp_mode_name(uint8_t attach_mode)
{
	switch (attach_mode) {
	case XDP_ATTACHED_DRV:
		return "native";
	case XDP_ATTACHED_SKB:
		return "generic";
	case XDP_ATTACHED_HW:
		return "offload";
	case XDP_ATTACHED_MULTI:
		return "multi";
	default:
		return "none";
	}
}

static int prog_info(int prog_fd, struct bpf_prog_info *info)
{
	__u32 len = sizeof(*info);

	memset(info, 0, sizeof(*info));
	if (bpf_obj_get_info_by_fd(prog_fd, info, &len))
		return -errno;
	return 0;
}

uint32_t ward_prog_id(int prog_fd)
{
	struct bpf_prog_info info;

	if (prog_fd < 0 || prog_info(prog_fd, &info))
		return 0;
	return info.id;
}

int ward_prog_same_code(int fd_a, int fd_b)
{
	struct bpf_prog_info a, b;

	if (prog_info(fd_a, &a) || prog_info(fd_b, &b))
		return 0;
	return !memcmp(a.tag, b.tag, sizeof(a.tag));
}

static void tc_hook_init(struct bpf_tc_hook *hook, int ifindex)
{
	memset(hook, 0, sizeof(*hook));
	hook->sz = sizeof(*hook);
	hook->ifindex = ifindex;
	hook->attach_point = BPF_TC_EGRESS;
}

static void tc_opts_init(struct bpf_tc_opts *opts)
{
	memset(opts, 0, sizeof(*opts));
	opts->sz = sizeof(*opts);
	opts->handle = WARD_TC_HANDLE;
	opts->priority = WARD_TC_PRIORITY;
}

static int tc_query(int ifindex, uint32_t *prog_id)
{
	struct bpf_tc_hook hook;
	struct bpf_tc_opts opts;
	int err;

	tc_hook_init(&hook, ifindex);
	tc_opts_init(&opts);
	*prog_id = 0;
	err = bpf_tc_query(&hook, &opts);
	/* No clsact qdisc (EINVAL) or no filter at our handle (ENOENT): nothing of ours. */
	if (err == -ENOENT || err == -EINVAL)
		return 0;
	if (err)
		return err;
	*prog_id = opts.prog_id;
	return 0;
}

int ward_attach_query(int ifindex, struct ward_attachment *att)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, xq);
	int err;

	memset(att, 0, sizeof(*att));
	err = bpf_xdp_query(ifindex, 0, &xq);
	if (err)
		return err;
	att->xdp_mode = xq.attach_mode;
	att->xdp_id = xq.prog_id;
	if (xq.attach_mode == XDP_ATTACHED_DRV)
		att->xdp_id = xq.drv_prog_id;
	else if (xq.attach_mode == XDP_ATTACHED_SKB)
		att->xdp_id = xq.skb_prog_id;
	else if (xq.attach_mode == XDP_ATTACHED_HW)
		att->xdp_id = xq.hw_prog_id;
	return tc_query(ifindex, &att->tc_id);
}

static __u32 xdp_mode_flags(enum ward_xdp_mode mode)
{
	switch (mode) {
	case WARD_XDP_NATIVE:
		return XDP_FLAGS_DRV_MODE;
	case WARD_XDP_GENERIC:
		return XDP_FLAGS_SKB_MODE;
	default:
		return 0;
	}
}

static __u32 attached_mode_flags(uint8_t attach_mode)
{
	if (attach_mode == XDP_ATTACHED_DRV)
		return XDP_FLAGS_DRV_MODE;
	if (attach_mode == XDP_ATTACHED_SKB)
		return XDP_FLAGS_SKB_MODE;
	return 0;
}

static int xdp_fresh(int ifindex, int prog_fd, enum ward_xdp_mode mode)
{
	int err;

	err = bpf_xdp_attach(ifindex, prog_fd, XDP_FLAGS_UPDATE_IF_NOEXIST | xdp_mode_flags(mode),
			     NULL);
	/* auto: native where the driver has it, else generic. */
	if (err == -EOPNOTSUPP && mode == WARD_XDP_AUTO)
		err = bpf_xdp_attach(ifindex, prog_fd,
				     XDP_FLAGS_UPDATE_IF_NOEXIST | XDP_FLAGS_SKB_MODE, NULL);
	return err;
}

int ward_attach_xdp(int ifindex, int prog_fd, int old_fd, enum ward_xdp_mode mode)
{
	LIBBPF_OPTS(bpf_xdp_attach_opts, opts);
	struct ward_attachment att;
	int err;

	err = ward_attach_query(ifindex, &att);
	if (err)
		return err;

	if (!att.xdp_id)
		return xdp_fresh(ifindex, prog_fd, mode);
	if (att.xdp_id == ward_prog_id(prog_fd))
		return 0;
	if (old_fd < 0 || att.xdp_id != ward_prog_id(old_fd))
		return -EBUSY;

	opts.old_prog_fd = old_fd;
	return bpf_xdp_attach(ifindex, prog_fd,
			      XDP_FLAGS_REPLACE | attached_mode_flags(att.xdp_mode), &opts);
}

int ward_attach_tc(int ifindex, int prog_fd)
{
	struct bpf_tc_hook hook;
	struct bpf_tc_opts opts;
	uint32_t cur;
	int err;

	err = tc_query(ifindex, &cur);
	if (err)
		return err;
	if (cur && cur == ward_prog_id(prog_fd))
		return 0;

	tc_hook_init(&hook, ifindex);
	err = bpf_tc_hook_create(&hook);
	if (err && err != -EEXIST)
		return err;

	tc_opts_init(&opts);
	opts.prog_fd = prog_fd;
	opts.flags = cur ? BPF_TC_F_REPLACE : 0;
	return bpf_tc_attach(&hook, &opts);
}

static int xdp_detach_if(int ifindex, int xdp_fd, const struct ward_attachment *att)
{
	LIBBPF_OPTS(bpf_xdp_attach_opts, opts);

	if (xdp_fd < 0 || !att->xdp_id || att->xdp_id != ward_prog_id(xdp_fd))
		return 0;

	/* Only if it is still ours at the moment of removal. */
	opts.old_prog_fd = xdp_fd;
	return bpf_xdp_detach(ifindex, XDP_FLAGS_REPLACE | attached_mode_flags(att->xdp_mode),
			      &opts);
}

int ward_detach_iface(int ifindex, int xdp_fd)
{
	struct ward_attachment att;
	struct bpf_tc_hook hook;
	struct bpf_tc_opts opts;
	int err;

	err = ward_attach_query(ifindex, &att);
	if (err)
		return err;

	err = xdp_detach_if(ifindex, xdp_fd, &att);
	if (err)
		return err;

	if (!att.tc_id)
		return 0;
	tc_hook_init(&hook, ifindex);
	tc_opts_init(&opts);
	err = bpf_tc_detach(&hook, &opts);
	return err == -ENOENT ? 0 : err;
}
