// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Capability checks and dropping for the agent, with the raw capget/capset
 * system calls (version 3: two 32-bit words per set) and prctl.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/capability.h>

#include "caps.h"

#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif

#define CAP_BIT(c) (1ULL << (c))

struct cap_name {
	int cap;
	const char *name;
};

static const struct cap_name needed[] = {
	{CAP_BPF, "CAP_BPF"},
	{CAP_NET_ADMIN, "CAP_NET_ADMIN"},
	{CAP_PERFMON, "CAP_PERFMON"},
};

#define NNEEDED (sizeof(needed) / sizeof(needed[0]))

uint64_t ward_caps_needed(void)
{
	uint64_t mask = 0;
	size_t i;

	for (i = 0; i < NNEEDED; i++)
		mask |= CAP_BIT(needed[i].cap);
	return mask;
}

static int caps_get(struct __user_cap_data_struct data[2])
{
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3};

	if (syscall(SYS_capget, &hdr, data))
		return -errno;
	return 0;
}

int ward_caps_effective(uint64_t *mask)
{
	struct __user_cap_data_struct data[2];
	int err;

	err = caps_get(data);
	if (err)
		return err;
	*mask = (uint64_t)data[1].effective << 32 | data[0].effective;
	return 0;
}

int ward_caps_missing(uint64_t have, char *buf, size_t size)
{
	size_t i, used = 0;
	int missing = 0;

	if (size)
		buf[0] = '\0';
	for (i = 0; i < NNEEDED; i++) {
		if (have & CAP_BIT(needed[i].cap))
			continue;
		if (used < size)
			used += snprintf(buf + used, size - used, "%s%s", missing ? ", " : "",
					 needed[i].name);
		missing++;
	}
	return missing;
}

static int last_cap(void)
{
	FILE *f;
	int last = CAP_LAST_CAP;

	f = fopen("/proc/sys/kernel/cap_last_cap", "re");
	if (!f)
		return last;
	if (fscanf(f, "%d", &last) != 1 || last < 0 || last > 63)
		last = CAP_LAST_CAP;
	fclose(f);
	return last;
}

static int drop_bounding(uint64_t keep)
{
	int cap, last = last_cap();

	for (cap = 0; cap <= last; cap++) {
		if (keep & CAP_BIT(cap))
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) && errno != EINVAL)
			return -errno;
	}
	return 0;
}

int ward_caps_drop_except(uint64_t keep)
{
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct data[2];
	int err;

	err = caps_get(data);
	if (err)
		return err;

	/* The bounding set needs CAP_SETPCAP, which goes last, with capset. */
	err = drop_bounding(keep);
	if (err)
		return err;
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) && errno != EINVAL)
		return -errno;

	data[0].effective &= (uint32_t)keep;
	data[1].effective &= (uint32_t)(keep >> 32);
	data[0].permitted &= (uint32_t)keep;
	data[1].permitted &= (uint32_t)(keep >> 32);
	data[0].inheritable = 0;
	data[1].inheritable = 0;
	if (syscall(SYS_capset, &hdr, data))
		return -errno;
	return 0;
}
