/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The synthetic network that `make bench` judges, shared by the ward policy
 * it generates and by the linear-scan filter it compares with, so that both
 * hold the same rules and see the same packets. All in 198.18.0.0/15:
 *
 * - device i (0-based): 198.18.0.0 + i + 1, MAC 02:00:00:00:HI:LO of i + 1;
 * - its rules 0 .. n-2: TCP port 2000 + k to 198.18.(200 + k).0/24;
 * - its last rule: TCP port 104 to 198.19.0.0/16, the rule the measured
 *   flows match (the peer's last two bytes vary for fresh flows);
 * - the measured device is the one in the middle of the list.
 */
#ifndef BENCH_LAYOUT_H
#define BENCH_LAYOUT_H

#include <stdint.h>

#include "testrun.h"

#define BENCH_MAX_DEVICES 50000
#define BENCH_PEER	  0xc6130000U /* 198.19.0.0, host order */
#define BENCH_PEER_PLEN	  16
#define BENCH_PEER_HOST	  0xc613000aU /* 198.19.0.10: the measured flow's peer */
#define BENCH_PORT	  104
#define BENCH_DENIED_PORT 105
#define BENCH_DEV_PORT	  40000
#define BENCH_OTHER_PORT  2000
#define BENCH_OTHER_NET	  0xc612c800U /* 198.18.200.0 */

uint32_t bench_dev_addr(uint32_t i);
void bench_dev_mac(uint32_t i, uint8_t mac[6]);

/* The MAC of the gateway's device-facing interface, as the devices see it. */
void bench_gw_mac(uint8_t mac[6]);

/* The device measured in a network of @ndevices. */
uint32_t bench_measured_device(uint32_t ndevices);

enum bench_flow_dir {
	BENCH_FROM_DEVICE, /* the device's packet: XDP */
	BENCH_TO_DEVICE,   /* the peer's packet: TC egress */
};

/* A frame of the measured flow of device @dev to @dport, with TCP @flags. */
void bench_flow_frame(uint32_t dev, enum bench_flow_dir dir, uint16_t dport, uint8_t flags,
		      struct bench_frame *frame);

struct ward_policy;

/*
 * The policy of @ndevices devices with @nrules outbound rules each on
 * interface @iface, built in memory as the loader would build it from YAML,
 * so that the benchmark does not time the YAML parser. Returns NULL when
 * out of memory; free with ward_policy_free().
 */
struct ward_policy *bench_policy_build(const char *iface, uint32_t ndevices, uint32_t nrules);

/*
 * Change one rule of one device: the first device's first rule's port goes
 * from 2000 to 2001, or back. Needs a policy of at least two rules a device.
 */
void bench_policy_toggle_one(struct ward_policy *policy);

#endif /* BENCH_LAYOUT_H */
