/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The ward of the datapath tests: one interface, a handful of devices with
 * known MACs, addresses and rules (SCN_POLICY), the frames that go between
 * them and their peers, and the checks every test makes after a frame: the
 * verdict, and that the counters moved by exactly one packet, on the
 * expected device and for the expected reason.
 *
 * Addresses are from 198.18.0.0/15 and 2001:db8::/32; no frame ever leaves
 * the kernel's BPF_PROG_TEST_RUN.
 */
#ifndef WARD_TEST_SCENARIO_H
#define WARD_TEST_SCENARIO_H

#include <stdbool.h>
#include <stdint.h>

#include "harness.h"
#include "packet.h"

/* Devices of SCN_POLICY, by id (their place in the policy). */
enum scn_device {
	SCN_CT = 0, /* ct-01: the scanner every adversarial case aims at */
	SCN_VL,	    /* vl-01: on VLAN 20 */
	SCN_AU,	    /* au-01: audit mode */
	SCN_DH,	    /* dh-01: DHCP client, no declared IPv4 */
	SCN_NDEVICES,
	SCN_UNKNOWN = SCN_NDEVICES, /* counters of hosts no device matches, on iface 0 */
	SCN_NINDEX,
};

#define SCN_CT_V4   "198.18.0.21"
#define SCN_CT_V6   "2001:db8::21"
#define SCN_VL_V4   "198.18.0.22"
#define SCN_VL_V6   "2001:db8::22"
#define SCN_AU_V4   "198.18.0.23"
#define SCN_PACS_V4 "198.18.1.10"
#define SCN_PACS_V6 "2001:db8:1::10"
#define SCN_DNS_V4  "198.18.1.53"
#define SCN_DNS_V6  "2001:db8:1::53"
#define SCN_DENY_V4 "198.18.1.99" /* a peer no rule mentions */
#define SCN_DENY_V6 "2001:db8:1::99"
#define SCN_BIO_V4  "198.18.2.7" /* in biomed: may ping the scanner */
#define SCN_GW_V4   "198.18.0.1"
#define SCN_GW_V6   "2001:db8::1"
#define SCN_VLAN    20

#define SCN_PACS_PORT 104
#define SCN_DEV_PORT  40000 /* the scanner's ephemeral port */

extern const uint8_t scn_ct_mac[6], scn_vl_mac[6], scn_au_mac[6], scn_dh_mac[6];
extern const uint8_t scn_gw_mac[6], scn_stranger_mac[6], scn_bcast_mac[6];

/* The standard policy (see scenario.c for the whole text). */
extern const char SCN_POLICY[];

/* One side of a frame: the device it concerns and the peer it talks to. */
struct scn_ends {
	enum ward_direction dir; /* from the device (XDP) or toward it (TC) */
	const uint8_t *dev_mac;
	const char *dev_addr;
	const char *peer_addr;
};

/* The ends of the scanner, ct-01, talking to @peer over IPv4 or IPv6. */
struct scn_ends scn_ct(enum ward_direction dir, bool v6, const char *peer);

/* Ethernet header between the device and the gateway, by direction. */
void scn_eth(struct pkt *p, const struct scn_ends *e);
/* IPv4 / IPv6 header templates with the addresses set by direction. */
struct pkt_ipv4 scn_ipv4(const struct scn_ends *e);
struct pkt_ipv6 scn_ipv6(const struct scn_ends *e);
/* Ethernet + IP header of the right family for @e (no tweaks). */
void scn_l3(struct pkt *p, const struct scn_ends *e);
/* TCP from the device's port @dev_port to the peer's @peer_port, or the reverse toward it. */
struct pkt_tcp scn_tcp(const struct scn_ends *e, uint16_t dev_port, uint16_t peer_port,
		       uint8_t flags);
struct pkt_udp scn_udp(const struct scn_ends *e, uint16_t dev_port, uint16_t peer_port);
/* A whole TCP or UDP frame with a few bytes of payload. */
size_t scn_tcp_frame(struct pkt *p, const struct scn_ends *e, uint16_t dev_port, uint16_t peer_port,
		     uint8_t flags);
size_t scn_udp_frame(struct pkt *p, const struct scn_ends *e, uint16_t dev_port,
		     uint16_t peer_port);

/* What a frame should do to the counters: exactly one field of one index moves by one. */
struct scn_expect {
	bool pass;
	enum ward_reason reason; /* WARD_REASON_NONE: counted as passed */
	bool would_drop;	 /* audit mode: counted as would-drop, passes */
	int index;		 /* the counter index that moves, or -1: any */
};

#define EXPECT_PASS(idx)      ((struct scn_expect){.pass = true, .index = (idx)})
#define EXPECT_DROP(idx, why) ((struct scn_expect){.reason = (why), .index = (idx)})
#define EXPECT_WOULD(idx, why) \
	((struct scn_expect){.pass = true, .reason = (why), .would_drop = true, .index = (idx)})

/* All the counters of indices 0 .. @nindex - 1. */
struct scn_snapshot {
	struct ward_counters c[SCN_NINDEX + 8];
	unsigned nindex;
};

int scn_snapshot(struct harness *h, unsigned nindex, struct scn_snapshot *out);

enum scn_counter {
	SCN_PASSED,
	SCN_DROPPED,
	SCN_WOULD_DROP,
};

/* One counter that moved between two snapshots. */
struct scn_moved {
	int index;
	enum scn_counter kind;
	enum ward_reason reason; /* WARD_REASON_NONE for passed */
	uint64_t delta;
};

/* The counters that moved (all of them counted, at most @max written to @out). */
int scn_moved(const struct scn_snapshot *before, const struct scn_snapshot *after,
	      struct scn_moved *out, int max);
void scn_describe_moved(const struct scn_moved *moved, int n, char *why, size_t whylen);

/*
 * Compare two snapshots against @want: returns 0 when exactly the expected
 * field moved by one and nothing else moved, else -1 with a description of
 * every field that moved in @why (at least 512 bytes).
 */
int scn_check_delta(const struct scn_snapshot *before, const struct scn_snapshot *after,
		    const struct scn_expect *want, char *why, size_t whylen);

/*
 * Run @len bytes of @p on iface 0 in @dir and check the verdict and the
 * counters of @nindex indices against @want; fails the current cmocka test
 * with @what and the frame's bytes otherwise.
 */
void scn_expect_run(struct harness *h, unsigned nindex, enum ward_direction dir,
		    const struct pkt *p, size_t len, const struct scn_expect *want,
		    const char *what);

/* Open a harness and load @yaml into it, failing the cmocka test on error. */
struct harness *scn_open(const char *yaml);

const char *scn_reason_name(enum ward_reason reason);

/* Print a frame as hex lines prefixed "# " (TAP comments). */
void scn_dump_frame(const uint8_t *frame, size_t len);

#endif /* WARD_TEST_SCENARIO_H */
