// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Writes the seed corpus of the datapath fuzz target (one file per frame,
 * into the directory given): the adversarial cases of datapath.md around
 * the fuzz policy (../datapath_policy.h), allowed and denied flows of each
 * device in both directions, and the frames no rule judges (ARP, LLDP,
 * fragments, malformed headers). Each file is the target's input: a flags
 * byte (bit 0: toward the device), then the frame.
 *
 *	make build/tests/fuzz/datapath_seeds
 *	build/tests/fuzz/datapath_seeds tests/fuzz/corpus/datapath
 */
#include <stdio.h>
#include <string.h>

#include "../../bpf/packet.h"
#include "../datapath_policy.h"

#define TO_DEVICE    1
#define UDP_SEED_LEN 12 /* header and the 4 bytes of udp() */

static const char *out_dir;
static int written;

/* Finish @p and write it without its last @cut bytes. */
static void save_cut(const char *name, uint8_t flags, struct pkt *p, size_t cut)
{
	char path[512];
	size_t len = pkt_finish(p);
	FILE *f;

	len = len > cut ? len - cut : 0;

	snprintf(path, sizeof(path), "%s/%s", out_dir, name);
	f = fopen(path, "wb");
	if (!f || !len || fputc(flags, f) == EOF || fwrite(p->buf, 1, len, f) != len) {
		fprintf(stderr, "datapath_seeds: cannot write %s\n", path);
		return;
	}
	fclose(f);
	written++;
}

static void save(const char *name, uint8_t flags, struct pkt *p)
{
	save_cut(name, flags, p, 0);
}

static void mac(const char *text, uint8_t out[6])
{
	pkt_mac(text, out);
}

/* Ethernet from @src_mac to @dst_mac, with a tag of @vlan when not 0. */
static void eth(struct pkt *p, const char *dst_mac, const char *src_mac, uint16_t vlan)
{
	uint8_t d[6], s[6];

	mac(dst_mac, d);
	mac(src_mac, s);
	pkt_init(p);
	pkt_eth(p, d, s, 0);
	if (vlan)
		pkt_vlan(p, ETH_P_8021Q_, vlan, 0);
}

static void v4(struct pkt *p, const char *src, const char *dst)
{
	struct pkt_ipv4 ip = {0};

	pkt_addr(src, ip.src);
	pkt_addr(dst, ip.dst);
	pkt_ipv4(p, &ip);
}

static void v6(struct pkt *p, const char *src, const char *dst)
{
	struct pkt_ipv6 ip = {0};

	pkt_addr(src, ip.src);
	pkt_addr(dst, ip.dst);
	pkt_ipv6(p, &ip);
}

static void tcp(struct pkt *p, uint16_t sport, uint16_t dport, uint8_t flags)
{
	struct pkt_tcp t = {.sport = sport, .dport = dport, .flags = flags};

	pkt_tcp(p, &t);
}

static void udp(struct pkt *p, uint16_t sport, uint16_t dport)
{
	struct pkt_udp u = {.sport = sport, .dport = dport};

	pkt_udp(p, &u);
	pkt_bytes(p, "seed", 4);
}

/* ct-01 opening TCP from its VLAN to @dst:@dport. */
static void ct_out_v4(struct pkt *p, const char *dst, uint16_t dport, uint16_t vlan)
{
	eth(p, FZ_GW_MAC, FZ_CT_MAC, vlan);
	v4(p, FZ_CT_V4, dst);
	tcp(p, 40000, dport, TCP_SYN);
}

static void flows_of_ct(void)
{
	struct pkt p;

	ct_out_v4(&p, FZ_PACS_V4, 104, FZ_CT_VLAN);
	save("ct-out-dicom-allowed", 0, &p);
	ct_out_v4(&p, FZ_PACS_V4, 11112, FZ_CT_VLAN);
	save("ct-out-dicom-11112-allowed", 0, &p);
	ct_out_v4(&p, FZ_PACS_V4, 22, FZ_CT_VLAN);
	save("ct-out-ssh-denied", 0, &p);
	ct_out_v4(&p, FZ_PACS_V4, 104, 0);
	save("ct-out-untagged-wrong-vlan", 0, &p);
	ct_out_v4(&p, FZ_PACS_V4, 104, 30);
	save("ct-out-other-vlan", 0, &p);

	eth(&p, FZ_GW_MAC, FZ_CT_MAC, 0);
	pkt_vlan(&p, ETH_P_8021AD_, 100, 0);
	pkt_vlan(&p, ETH_P_8021Q_, FZ_CT_VLAN, 0);
	v4(&p, FZ_CT_V4, FZ_PACS_V4);
	tcp(&p, 40000, 104, TCP_SYN);
	save("ct-out-qinq-allowed", 0, &p);

	eth(&p, FZ_GW_MAC, FZ_CT_MAC, 0);
	pkt_vlan(&p, ETH_P_8021AD_, 100, 0);
	pkt_vlan(&p, ETH_P_8021Q_, 101, 0);
	pkt_vlan(&p, ETH_P_8021Q_, FZ_CT_VLAN, 0);
	v4(&p, FZ_CT_V4, FZ_PACS_V4);
	tcp(&p, 40000, 104, TCP_SYN);
	save("ct-out-three-tags", 0, &p);

	eth(&p, FZ_GW_MAC, FZ_CT_MAC, 0);
	pkt_vlan(&p, ETH_P_QINQ1_, FZ_CT_VLAN, 0);
	v4(&p, FZ_CT_V4, FZ_PACS_V4);
	tcp(&p, 40000, 104, TCP_SYN);
	save("ct-out-tag-9100", 0, &p);

	eth(&p, FZ_GW_MAC, FZ_CT_MAC, FZ_CT_VLAN);
	v4(&p, FZ_CT_V4, FZ_DNS_V4);
	udp(&p, 40001, 53);
	save("ct-out-dns-allowed", 0, &p);

	eth(&p, FZ_GW_MAC, FZ_CT_MAC, FZ_CT_VLAN);
	v4(&p, FZ_OTHER_V4, FZ_PACS_V4);
	tcp(&p, 40000, 104, TCP_SYN);
	save("ct-out-spoofed-source", 0, &p);

	eth(&p, FZ_GW_MAC, FZ_CT_MAC, FZ_CT_VLAN);
	v4(&p, FZ_CT_V4, FZ_BIOMED_V4);
	pkt_icmp_echo(&p, ICMP_ECHO, 77, 1);
	save("ct-out-ping-allowed", 0, &p);

	eth(&p, FZ_GW_MAC, FZ_CT_MAC, FZ_CT_VLAN);
	v6(&p, FZ_CT_V6, FZ_BIOMED_V6);
	pkt_icmpv6_echo(&p, ICMP6_ECHO_REQUEST, 78, 1);
	save("ct-out-ping6-allowed", 0, &p);

	eth(&p, FZ_GW_MAC, FZ_CT_MAC, FZ_CT_VLAN);
	v6(&p, FZ_CT_V6, "2001:db8::53");
	udp(&p, 40002, 53);
	save("ct-out-dns6-allowed", 0, &p);
}

static void inbound_of_ct(void)
{
	struct pkt p;

	eth(&p, FZ_CT_MAC, FZ_GW_MAC, FZ_CT_VLAN);
	v4(&p, FZ_PACS_V4, FZ_CT_V4);
	tcp(&p, 50000, 104, TCP_SYN);
	save("ct-in-dicom-allowed", TO_DEVICE, &p);

	eth(&p, FZ_CT_MAC, FZ_GW_MAC, FZ_CT_VLAN);
	v4(&p, FZ_OTHER_V4, FZ_CT_V4);
	tcp(&p, 50000, 104, TCP_SYN);
	save("ct-in-dicom-denied-peer", TO_DEVICE, &p);

	eth(&p, FZ_CT_MAC, FZ_GW_MAC, FZ_CT_VLAN);
	v4(&p, FZ_PACS_V4, FZ_CT_V4);
	tcp(&p, 104, 40000, TCP_SYN | TCP_ACK);
	save("ct-in-synack-no-flow", TO_DEVICE, &p);

	eth(&p, FZ_CT_MAC, FZ_GW_MAC, FZ_CT_VLAN);
	v4(&p, FZ_DNS_V4, FZ_CT_V4);
	udp(&p, 53, 40001);
	save("ct-in-udp-reply-no-flow", TO_DEVICE, &p);

	eth(&p, FZ_CT_MAC, FZ_GW_MAC, FZ_CT_VLAN);
	v4(&p, FZ_OTHER_V4, FZ_CT_V4);
	udp(&p, 9, 5050);
	save("ct-in-udp-range-allowed", TO_DEVICE, &p);

	eth(&p, FZ_CT_MAC, FZ_GW_MAC, FZ_CT_VLAN);
	v4(&p, FZ_OTHER_V4, FZ_CT_V4);
	pkt_icmp_echo(&p, ICMP_ECHO, 77, 1);
	save("ct-in-ping-denied-peer-same-id", TO_DEVICE, &p);

	eth(&p, FZ_CT_MAC, FZ_GW_MAC, FZ_CT_VLAN);
	v4(&p, FZ_BIOMED_V4, FZ_CT_V4);
	pkt_icmp_echo(&p, ICMP_ECHO, 90, 1);
	save("ct-in-ping-allowed", TO_DEVICE, &p);

	eth(&p, "ff:ff:ff:ff:ff:ff", FZ_GW_MAC, FZ_CT_VLAN);
	v4(&p, FZ_PACS_V4, FZ_CT_V4);
	tcp(&p, 50000, 104, TCP_SYN);
	save("ct-in-broadcast-mac", TO_DEVICE, &p);
}

static void quoted_tcp(struct pkt *p, const char *src, const char *dst)
{
	v4(p, src, dst);
	tcp(p, 40000, 104, TCP_SYN);
}

static void icmp_errors(void)
{
	struct pkt_icmp need = {.type = ICMP_DEST_UNREACH, .code = ICMP_FRAG_NEEDED};
	struct pkt p;

	eth(&p, FZ_CT_MAC, FZ_GW_MAC, FZ_CT_VLAN);
	v4(&p, FZ_PACS_V4, FZ_CT_V4);
	pkt_icmp(&p, &need);
	quoted_tcp(&p, FZ_CT_V4, FZ_PACS_V4);
	save("ct-in-frag-needed-quoting-dicom", TO_DEVICE, &p);

	eth(&p, FZ_CT_MAC, FZ_GW_MAC, FZ_CT_VLAN);
	v4(&p, FZ_OTHER_V4, FZ_CT_V4);
	pkt_icmp(&p, &need);
	quoted_tcp(&p, FZ_CT_V4, FZ_OTHER_V4);
	save("ct-in-frag-needed-no-flow", TO_DEVICE, &p);
}

static void ip_options(void)
{
	static const uint8_t nop[40] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
					1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
	static const uint8_t lsrr[8] = {1, 131, 7, 4, 198, 18, 1, 1};
	struct pkt_ipv4 ip = {0};
	char name[64];
	struct pkt p;
	int ihl;

	for (ihl = 6; ihl <= 15; ihl += 3) {
		eth(&p, FZ_GW_MAC, FZ_CT_MAC, FZ_CT_VLAN);
		memset(&ip, 0, sizeof(ip));
		pkt_addr(FZ_CT_V4, ip.src);
		pkt_addr(FZ_PACS_V4, ip.dst);
		ip.opts = nop;
		ip.opts_len = (ihl - 5) * 4;
		pkt_ipv4(&p, &ip);
		tcp(&p, 40000, 104, TCP_SYN);
		snprintf(name, sizeof(name), "ct-out-ihl-%d-nop-options", ihl);
		save(name, 0, &p);
	}
	eth(&p, FZ_GW_MAC, FZ_CT_MAC, FZ_CT_VLAN);
	memset(&ip, 0, sizeof(ip));
	pkt_addr(FZ_CT_V4, ip.src);
	pkt_addr(FZ_PACS_V4, ip.dst);
	ip.opts = lsrr;
	ip.opts_len = sizeof(lsrr);
	pkt_ipv4(&p, &ip);
	tcp(&p, 40000, 104, TCP_SYN);
	save("ct-out-lsrr", 0, &p);

	for (ihl = 0; ihl <= 4; ihl += 2) {
		eth(&p, FZ_GW_MAC, FZ_CT_MAC, FZ_CT_VLAN);
		memset(&ip, 0, sizeof(ip));
		pkt_addr(FZ_CT_V4, ip.src);
		pkt_addr(FZ_PACS_V4, ip.dst);
		ip.set_ihl = true;
		ip.ihl = ihl;
		pkt_ipv4(&p, &ip);
		tcp(&p, 40000, 104, TCP_SYN);
		snprintf(name, sizeof(name), "ct-out-ihl-%d", ihl);
		save(name, 0, &p);
	}
	eth(&p, FZ_GW_MAC, FZ_CT_MAC, FZ_CT_VLAN);
	memset(&ip, 0, sizeof(ip));
	pkt_addr(FZ_CT_V4, ip.src);
	pkt_addr(FZ_PACS_V4, ip.dst);
	ip.set_tot_len = true;
	ip.tot_len = 1400;
	pkt_ipv4(&p, &ip);
	tcp(&p, 40000, 104, TCP_SYN);
	save("ct-out-tot-len-past-frame", 0, &p);
}

static void tcp_doff(void)
{
	struct pkt_tcp t = {.sport = 40000, .dport = 104, .flags = TCP_SYN, .set_doff = true};
	char name[64];
	struct pkt p;

	for (t.doff = 0; t.doff <= 4; t.doff += 2) {
		eth(&p, FZ_GW_MAC, FZ_CT_MAC, FZ_CT_VLAN);
		v4(&p, FZ_CT_V4, FZ_PACS_V4);
		pkt_tcp(&p, &t);
		snprintf(name, sizeof(name), "ct-out-tcp-doff-%d", t.doff);
		save(name, 0, &p);
	}
}

static void fragments(void)
{
	struct pkt_ipv4 ip = {0};
	struct pkt p;

	eth(&p, FZ_GW_MAC, FZ_CT_MAC, FZ_CT_VLAN);
	pkt_addr(FZ_CT_V4, ip.src);
	pkt_addr(FZ_PACS_V4, ip.dst);
	ip.id = 4242;
	ip.mf = true;
	pkt_ipv4(&p, &ip);
	tcp(&p, 40000, 104, TCP_SYN);
	pkt_zeros(&p, 16);
	save("ct-out-v4-first-fragment", 0, &p);

	eth(&p, FZ_GW_MAC, FZ_CT_MAC, FZ_CT_VLAN);
	ip.frag_off = 3;
	ip.mf = false;
	pkt_ipv4(&p, &ip);
	tcp(&p, 40000, 104, TCP_SYN);
	save("ct-out-v4-later-fragment-looks-allowed", 0, &p);

	eth(&p, FZ_GW_MAC, FZ_CT_MAC, FZ_CT_VLAN);
	ip.frag_off = 1;
	pkt_ipv4(&p, &ip);
	pkt_zeros(&p, 24);
	save("ct-out-v4-fragment-offset-1", 0, &p);

	eth(&p, FZ_GW_MAC, FZ_CT_MAC, FZ_CT_VLAN);
	ip.frag_off = 0;
	ip.mf = true;
	pkt_ipv4(&p, &ip);
	pkt_bytes(&p, "\x9c\x40\x00\x68", 4);
	save("ct-out-v4-first-fragment-too-short", 0, &p);

	eth(&p, FZ_GW_MAC, FZ_CT_MAC, FZ_CT_VLAN);
	v6(&p, FZ_CT_V6, FZ_BIOMED_V6);
	pkt_ipv6_frag(&p, 10, false, 99);
	tcp(&p, 40000, 104, TCP_SYN);
	save("ct-out-v6-later-fragment", 0, &p);

	eth(&p, FZ_GW_MAC, FZ_CT_MAC, FZ_CT_VLAN);
	v6(&p, FZ_CT_V6, "2001:db8::53");
	pkt_ipv6_frag(&p, 0, false, 98);
	udp(&p, 40003, 53);
	save("ct-out-v6-atomic-fragment", 0, &p);
}

static void v6_extensions(void)
{
	struct pkt p;
	char name[64];
	int i;

	eth(&p, FZ_GW_MAC, FZ_CT_MAC, FZ_CT_VLAN);
	v6(&p, FZ_CT_V6, "2001:db8::53");
	pkt_ipv6_opts(&p, PKT_PROTO_HOPOPTS, 8);
	pkt_ipv6_opts(&p, PKT_PROTO_DSTOPTS, 8);
	pkt_ipv6_routing(&p, 2, 0, 24);
	udp(&p, 40004, 53);
	save("ct-out-v6-ext-headers-allowed", 0, &p);

	eth(&p, FZ_GW_MAC, FZ_CT_MAC, FZ_CT_VLAN);
	v6(&p, FZ_CT_V6, "2001:db8::53");
	pkt_ipv6_opts(&p, PKT_PROTO_HOPOPTS, 8);
	udp(&p, 40004, 54);
	save("ct-out-v6-hopopts-denied", 0, &p);

	eth(&p, FZ_GW_MAC, FZ_CT_MAC, FZ_CT_VLAN);
	v6(&p, FZ_CT_V6, "2001:db8::53");
	for (i = 0; i < 7; i++)
		pkt_ipv6_opts(&p, PKT_PROTO_DSTOPTS, 8);
	udp(&p, 40004, 53);
	save("ct-out-v6-seven-ext-headers", 0, &p);

	eth(&p, FZ_GW_MAC, FZ_CT_MAC, FZ_CT_VLAN);
	v6(&p, FZ_CT_V6, "2001:db8::53");
	pkt_ipv6_routing(&p, 0, 1, 24);
	udp(&p, 40004, 53);
	save("ct-out-v6-routing-type-0", 0, &p);

	for (i = 1; i <= 3; i++) {
		eth(&p, FZ_GW_MAC, FZ_CT_MAC, FZ_CT_VLAN);
		v6(&p, FZ_CT_V6, "2001:db8::53");
		pkt_ipv6_opts(&p, PKT_PROTO_HOPOPTS, 8 * i);
		udp(&p, 40004, 53);
		snprintf(name, sizeof(name), "ct-out-v6-truncated-ext-%d", i);
		save_cut(name, 0, &p, UDP_SEED_LEN + 4); /* cut inside the options */
	}
}

static void other_devices(void)
{
	uint8_t m[6];
	struct pkt_arp arp = {.op = ARP_REPLY};
	struct pkt_ipv4 esp = {.proto = PKT_PROTO_ESP};
	uint8_t gw[6];
	struct pkt p;

	eth(&p, FZ_GW_MAC, FZ_PUMP_MAC, 0);
	v4(&p, FZ_PUMP_V4, FZ_OTHER_V4);
	tcp(&p, 40000, 80, TCP_SYN);
	save("pump-out-audit-would-drop", 0, &p);

	eth(&p, FZ_PUMP_MAC, FZ_GW_MAC, 0);
	v4(&p, "198.18.1.40", FZ_PUMP_V4);
	pkt_icmp_echo(&p, ICMP_ECHO, 5, 1);
	save("pump-in-any-proto-allowed", TO_DEVICE, &p);

	eth(&p, "ff:ff:ff:ff:ff:ff", FZ_MON_MAC, 0);
	v4(&p, "0.0.0.0", "255.255.255.255");
	udp(&p, 68, 67);
	save("mon-out-dhcp-discover", 0, &p);

	eth(&p, "ff:ff:ff:ff:ff:ff", FZ_GW_MAC, 0);
	v4(&p, "198.18.1.1", "255.255.255.255");
	udp(&p, 67, 68);
	save("mon-in-dhcp-offer-broadcast", TO_DEVICE, &p);

	eth(&p, FZ_GW_MAC, FZ_MON_MAC, 0);
	pkt_addr("198.18.0.31", esp.src);
	pkt_addr(FZ_OTHER_V4, esp.dst);
	pkt_ipv4(&p, &esp);
	pkt_bytes(&p, "\0\0\0\1\0\0\0\1", 8);
	save("mon-out-esp-allowed", 0, &p);

	eth(&p, FZ_MON_MAC, FZ_GW_MAC, 0);
	v4(&p, "198.18.1.9", "198.18.0.31");
	tcp(&p, 50000, 8080, TCP_SYN);
	save("mon-in-range-allowed", TO_DEVICE, &p);

	eth(&p, FZ_LAB_MAC, FZ_GW_MAC, 0);
	v6(&p, FZ_OTHER_V6, FZ_LAB_V6);
	pkt_icmpv6_echo(&p, ICMP6_ECHO_REQUEST, 1, 1);
	save("lab-in-ping6-allowed", TO_DEVICE, &p);

	eth(&p, FZ_GW_MAC, FZ_LAB_MAC, 0);
	v4(&p, "198.18.0.51", FZ_OTHER_V4);
	udp(&p, 1, 2);
	save("lab-out-v4-no-v4-address", 0, &p);

	eth(&p, FZ_GW_MAC, "02:00:00:00:00:99", 0);
	v4(&p, "198.18.0.99", FZ_OTHER_V4);
	tcp(&p, 1, 2, TCP_SYN);
	save("unknown-host-drop", 0, &p);

	eth(&p, "ff:ff:ff:ff:ff:ff", FZ_CT_MAC, FZ_CT_VLAN);
	mac(FZ_CT_MAC, arp.sha);
	pkt_addr(FZ_OTHER_V4, arp.spa);
	pkt_addr(FZ_CT_V4, arp.tpa);
	pkt_arp(&p, &arp);
	save("ct-arp-reply-claims-other-address", 0, &p);

	eth(&p, "01:80:c2:00:00:0e", FZ_CT_MAC, 0);
	mac(FZ_CT_MAC, m);
	pkt_lldp(&p, m);
	save("ct-lldp", 0, &p);

	pkt_init(&p);
	mac(FZ_GW_MAC, gw);
	pkt_eth(&p, gw, m, 0x88b5);
	pkt_zeros(&p, 46);
	save("ct-non-ip", 0, &p);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: datapath_seeds DIR\n");
		return 2;
	}
	out_dir = argv[1];
	flows_of_ct();
	inbound_of_ct();
	icmp_errors();
	ip_options();
	tcp_doff();
	fragments();
	v6_extensions();
	other_devices();
	printf("%d seeds written to %s\n", written, out_dir);
	return 0;
}
