// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Checks of the frame builder (packet.c) that every datapath test relies on:
 * byte layouts, type chaining, lengths and checksums, against values known
 * from outside the builder where there are some. Needs no kernel.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "packet.h"

static const uint8_t mac_a[6] = {0x02, 0, 0, 0, 0, 0x21};
static const uint8_t mac_b[6] = {0x02, 0, 0, 0, 0, 0x01};

static uint16_t rd16(const struct pkt *p, long off)
{
	return (uint16_t)(p->buf[off] << 8 | p->buf[off + 1]);
}

/* The ones'-complement sum over pseudo-header and message folds to zero. */
static void assert_l4_csum_ok(const struct pkt *p, long ip_off, long l4_off, uint8_t proto, bool v6)
{
	uint8_t ph[40] = {0};
	size_t len = p->len - (size_t)l4_off;
	uint32_t sum;

	if (v6) {
		memcpy(ph, p->buf + ip_off + 8, 32);
		sum = 0;
		for (int i = 0; i < 32; i += 2)
			sum += (uint32_t)(ph[i] << 8 | ph[i + 1]);
		sum += (uint32_t)(len >> 16) + (uint32_t)(len & 0xffff) + proto;
	} else {
		memcpy(ph, p->buf + ip_off + 12, 8);
		sum = 0;
		for (int i = 0; i < 8; i += 2)
			sum += (uint32_t)(ph[i] << 8 | ph[i + 1]);
		sum += proto + (uint32_t)len;
	}
	assert_int_equal(pkt_csum(p->buf + l4_off, len, sum), 0);
}

static void test_addr_text_parses_to_mapped_v4_and_v6(void **state)
{
	uint8_t a[16];
	char buf[46];

	assert_int_equal(pkt_addr("198.18.0.21", a), 0);
	assert_true(pkt_addr_is_v4(a));
	assert_int_equal(a[10], 0xff);
	assert_int_equal(a[15], 21);
	assert_string_equal(pkt_addr_str(a, buf), "198.18.0.21");
	assert_int_equal(pkt_addr("2001:db8::1", a), 0);
	assert_false(pkt_addr_is_v4(a));
	assert_string_equal(pkt_addr_str(a, buf), "2001:db8::1");
	assert_int_equal(pkt_addr("198.18.0", a), -EINVAL);
}

static void test_mac_text_rejects_garbage(void **state)
{
	uint8_t m[6];

	assert_int_equal(pkt_mac("02:00:00:00:00:21", m), 0);
	assert_memory_equal(m, mac_a, 6);
	assert_int_equal(pkt_mac("02:00:00:00:00", m), -EINVAL);
	assert_int_equal(pkt_mac("02:00:00:00:00:21:11", m), -EINVAL);
	assert_int_equal(pkt_mac("02:00:00:00:00:1ff", m), -EINVAL);
}

/* The well-known header 4500 0073 0000 4000 4011 b861 c0a8 0001 c0a8 00c7. */
static void test_ipv4_header_checksum_matches_known_value(void **state)
{
	struct pkt p;
	struct pkt_ipv4 ip = {.proto = 17, .df = true, .set_tot_len = true, .tot_len = 0x73};

	pkt_addr("192.168.0.1", ip.src);
	pkt_addr("192.168.0.199", ip.dst);
	pkt_init(&p);
	pkt_ipv4(&p, &ip);
	assert_int_equal(pkt_finish(&p), 20);
	assert_int_equal(rd16(&p, 10), 0xb861);
	assert_int_equal(rd16(&p, 2), 0x73);
}

static void test_tcp_over_ipv4_has_valid_lengths_and_checksum(void **state)
{
	static const uint8_t mss[4] = {2, 4, 0x05, 0xb4};
	struct pkt p;
	struct pkt_ipv4 ip = {0};
	struct pkt_tcp tcp = {.sport = 40000,
			      .dport = 104,
			      .flags = TCP_SYN,
			      .seq = 7,
			      .opts = mss,
			      .opts_len = 4};

	pkt_addr("198.18.0.21", ip.src);
	pkt_addr("198.18.1.10", ip.dst);
	pkt_init(&p);
	pkt_eth(&p, mac_b, mac_a, 0);
	pkt_ipv4(&p, &ip);
	pkt_tcp(&p, &tcp);
	pkt_zeros(&p, 3);
	assert_int_equal(pkt_finish(&p), 14 + 20 + 24 + 3);
	assert_int_equal(rd16(&p, 12), ETH_P_IPV4_);
	assert_int_equal(p.buf[14], 0x45);
	assert_int_equal(p.buf[14 + 9], PKT_PROTO_TCP);
	assert_int_equal(rd16(&p, 14 + 2), 20 + 24 + 3);
	assert_int_equal(pkt_csum(p.buf + 14, 20, 0), 0);
	assert_int_equal(rd16(&p, 34), 40000);
	assert_int_equal(rd16(&p, 36), 104);
	assert_int_equal(p.buf[34 + 12] >> 4, 6);
	assert_int_equal(p.buf[34 + 13], TCP_SYN);
	assert_l4_csum_ok(&p, 14, 34, PKT_PROTO_TCP, false);
}

static void test_udp_over_ipv6_has_valid_lengths_and_checksum(void **state)
{
	struct pkt p;
	struct pkt_ipv6 ip = {0};
	struct pkt_udp udp = {.sport = 5353, .dport = 53};

	pkt_addr("2001:db8::21", ip.src);
	pkt_addr("2001:db8:1::53", ip.dst);
	pkt_init(&p);
	pkt_eth(&p, mac_b, mac_a, 0);
	pkt_ipv6(&p, &ip);
	pkt_udp(&p, &udp);
	pkt_zeros(&p, 11);
	assert_int_equal(pkt_finish(&p), 14 + 40 + 8 + 11);
	assert_int_equal(rd16(&p, 12), ETH_P_IPV6_);
	assert_int_equal(p.buf[14] >> 4, 6);
	assert_int_equal(rd16(&p, 14 + 4), 19);
	assert_int_equal(p.buf[14 + 6], PKT_PROTO_UDP);
	assert_int_equal(rd16(&p, 54 + 4), 19);
	assert_l4_csum_ok(&p, 14, 54, PKT_PROTO_UDP, true);
}

static void test_vlan_tags_chain_their_types(void **state)
{
	struct pkt p;
	struct pkt_ipv4 ip = {.proto = PKT_PROTO_UDP};

	pkt_init(&p);
	pkt_eth(&p, mac_b, mac_a, 0);
	pkt_vlan(&p, ETH_P_8021AD_, 100, 0);
	pkt_vlan(&p, ETH_P_8021Q_, 20, 5);
	pkt_ipv4(&p, &ip);
	assert_int_equal(pkt_finish(&p), 14 + 8 + 20);
	assert_int_equal(rd16(&p, 12), ETH_P_8021AD_);
	assert_int_equal(rd16(&p, 14), 100);
	assert_int_equal(rd16(&p, 16), ETH_P_8021Q_);
	assert_int_equal(rd16(&p, 18), 5 << 13 | 20);
	assert_int_equal(rd16(&p, 20), ETH_P_IPV4_);
	assert_int_equal(p.buf[22 + 9], PKT_PROTO_UDP);
	assert_int_equal(pkt_layer_off(&p, PKT_L_VLAN, 1), 18);
	assert_int_equal(pkt_layer_off(&p, PKT_L_VLAN, 2), -1);
}

static void test_ipv6_extension_headers_chain_next_header(void **state)
{
	struct pkt p;
	struct pkt_ipv6 ip = {0};
	struct pkt_tcp tcp = {.sport = 1, .dport = 2, .flags = TCP_SYN};
	long tcp_off;

	pkt_init(&p);
	pkt_eth(&p, mac_b, mac_a, 0);
	pkt_ipv6(&p, &ip);
	pkt_ipv6_opts(&p, PKT_PROTO_HOPOPTS, 8);
	pkt_ipv6_opts(&p, PKT_PROTO_DSTOPTS, 16);
	pkt_ipv6_routing(&p, 4, 0, 24);
	pkt_ipv6_frag(&p, 0, false, 0x1234);
	pkt_ipv6_ah(&p, 16);
	pkt_tcp(&p, &tcp);
	assert_int_equal(pkt_finish(&p), 14 + 40 + 8 + 16 + 24 + 8 + 16 + 20);
	assert_int_equal(p.buf[20], PKT_PROTO_HOPOPTS);
	assert_int_equal(p.buf[54], PKT_PROTO_DSTOPTS);
	assert_int_equal(p.buf[55], 0);
	assert_int_equal(p.buf[56], 1); /* PadN */
	assert_int_equal(p.buf[57], 4);
	assert_int_equal(p.buf[62], PKT_PROTO_ROUTING);
	assert_int_equal(p.buf[63], 1);
	assert_int_equal(p.buf[78], PKT_PROTO_FRAGMENT);
	assert_int_equal(p.buf[79], 2);
	assert_int_equal(p.buf[80], 4); /* routing type */
	assert_int_equal(p.buf[102], PKT_PROTO_AH);
	assert_int_equal(rd16(&p, 104), 0);
	assert_int_equal(rd16(&p, 108), 0x1234);
	assert_int_equal(p.buf[110], PKT_PROTO_TCP);
	assert_int_equal(p.buf[111], 2);
	tcp_off = pkt_layer_off(&p, PKT_L_TCP, 0);
	assert_int_equal(tcp_off, 126);
	assert_int_equal(rd16(&p, 18), 8 + 16 + 24 + 8 + 16 + 20);
	assert_l4_csum_ok(&p, 14, tcp_off, PKT_PROTO_TCP, true);
}

static void test_ipv4_raw_fields_are_written_as_given(void **state)
{
	static const uint8_t lsrr[7] = {131, 7, 4, 198, 18, 0, 1};
	struct pkt p;
	struct pkt_ipv4 ip = {.frag_off = 1,
			      .mf = true,
			      .id = 77,
			      .set_ihl = true,
			      .ihl = 3,
			      .set_tot_len = true,
			      .tot_len = 999,
			      .opts = lsrr,
			      .opts_len = sizeof(lsrr)};
	struct pkt_tcp tcp = {.set_doff = true, .doff = 2};

	pkt_init(&p);
	pkt_eth(&p, mac_b, mac_a, 0);
	pkt_ipv4(&p, &ip);
	pkt_tcp(&p, &tcp);
	assert_int_equal(pkt_finish(&p), 14 + 28 + 20);
	assert_int_equal(p.buf[14], 0x43);
	assert_int_equal(rd16(&p, 16), 999);
	assert_int_equal(rd16(&p, 18), 77);
	assert_int_equal(rd16(&p, 20), 0x2001);
	assert_memory_equal(p.buf + 34, lsrr, sizeof(lsrr));
	assert_int_equal(p.buf[41], 0); /* padding */
	assert_int_equal(p.buf[23], PKT_PROTO_TCP);
	assert_int_equal(p.buf[42 + 12], 0x20);
}

static void test_icmp_error_quotes_a_complete_inner_header(void **state)
{
	struct pkt p;
	struct pkt_ipv4 outer = {0}, inner = {0};
	struct pkt_icmp err = {
		.type = ICMP_DEST_UNREACH, .code = ICMP_FRAG_NEEDED, .rest = {0, 0, 0x05, 0xdc}};
	struct pkt_tcp tcp = {.sport = 40000, .dport = 104, .flags = TCP_ACK};
	long in_ip, in_tcp;

	pkt_addr("198.18.1.1", outer.src);
	pkt_addr("198.18.0.21", outer.dst);
	pkt_addr("198.18.0.21", inner.src);
	pkt_addr("198.18.1.10", inner.dst);
	pkt_init(&p);
	pkt_eth(&p, mac_a, mac_b, 0);
	pkt_ipv4(&p, &outer);
	pkt_icmp(&p, &err);
	pkt_ipv4(&p, &inner);
	pkt_tcp(&p, &tcp);
	assert_int_equal(pkt_finish(&p), 14 + 20 + 8 + 20 + 20);
	in_ip = pkt_layer_off(&p, PKT_L_IPV4, 1);
	in_tcp = pkt_layer_off(&p, PKT_L_TCP, 0);
	assert_int_equal(in_ip, 42);
	assert_int_equal(p.buf[14 + 9], PKT_PROTO_ICMP);
	assert_int_equal(p.buf[in_ip + 9], PKT_PROTO_TCP);
	assert_int_equal(rd16(&p, 14 + 2), 68);
	assert_int_equal(rd16(&p, in_ip + 2), 40);
	assert_int_equal(rd16(&p, in_tcp + 2), 104);
	assert_int_equal(pkt_csum(p.buf + in_ip, 20, 0), 0);
	assert_int_equal(pkt_csum(p.buf + 34, p.len - 34, 0), 0);
	assert_int_equal(rd16(&p, 40), 1500);
}

static void test_icmpv6_echo_and_nd_checksums_verify(void **state)
{
	struct pkt p;
	struct pkt_ipv6 ip = {0};
	uint8_t target[16];

	pkt_addr("2001:db8::21", ip.src);
	pkt_addr("2001:db8::1", ip.dst);
	pkt_addr("2001:db8::21", target);
	pkt_init(&p);
	pkt_eth(&p, mac_b, mac_a, 0);
	pkt_ipv6(&p, &ip);
	pkt_icmpv6_echo(&p, ICMP6_ECHO_REQUEST, 0x4242, 1);
	assert_int_equal(pkt_finish(&p), 14 + 40 + 8 + 16);
	assert_int_equal(p.buf[20], PKT_PROTO_ICMPV6);
	assert_int_equal(rd16(&p, 54 + 4), 0x4242);
	assert_l4_csum_ok(&p, 14, 54, PKT_PROTO_ICMPV6, true);

	pkt_init(&p);
	pkt_eth(&p, mac_b, mac_a, 0);
	pkt_ipv6(&p, &ip);
	pkt_nd(&p, ICMP6_ND_NA, target, mac_a);
	assert_int_equal(pkt_finish(&p), 14 + 40 + 32);
	assert_int_equal(p.buf[54], ICMP6_ND_NA);
	assert_memory_equal(p.buf + 62, target, 16);
	assert_int_equal(p.buf[78], 2);
	assert_memory_equal(p.buf + 80, mac_a, 6);
	assert_l4_csum_ok(&p, 14, 54, PKT_PROTO_ICMPV6, true);
}

static void test_arp_and_lldp_layouts(void **state)
{
	struct pkt p;
	struct pkt_arp arp = {.op = ARP_REPLY};
	static const uint8_t lldp_dst[6] = {0x01, 0x80, 0xc2, 0, 0, 0x0e};

	memcpy(arp.sha, mac_a, 6);
	pkt_addr("198.18.0.21", arp.spa);
	pkt_addr("198.18.0.1", arp.tpa);
	pkt_init(&p);
	pkt_eth(&p, mac_b, mac_a, 0);
	pkt_arp(&p, &arp);
	assert_int_equal(pkt_finish(&p), 14 + 28);
	assert_int_equal(rd16(&p, 12), ETH_P_ARP_);
	assert_int_equal(rd16(&p, 14), 1);
	assert_int_equal(rd16(&p, 16), ETH_P_IPV4_);
	assert_int_equal(rd16(&p, 20), ARP_REPLY);
	assert_memory_equal(p.buf + 22, mac_a, 6);
	assert_int_equal(p.buf[31], 21);
	assert_int_equal(p.buf[41], 1);

	pkt_init(&p);
	pkt_eth(&p, lldp_dst, mac_a, 0);
	pkt_lldp(&p, mac_a);
	assert_int_equal(pkt_finish(&p), 14 + 23);
	assert_int_equal(rd16(&p, 12), ETH_P_LLDP_);
	assert_int_equal(rd16(&p, 14), 1 << 9 | 7);
	assert_memory_equal(p.buf + 17, mac_a, 6);
	assert_int_equal(rd16(&p, 14 + 21), 0);
}

static void test_frame_past_the_limit_reports_overflow(void **state)
{
	struct pkt p;

	pkt_init(&p);
	pkt_eth(&p, mac_b, mac_a, ETH_P_IPV4_);
	pkt_zeros(&p, PKT_MAX - 14);
	assert_int_equal(pkt_finish(&p), PKT_MAX);
	pkt_zeros(&p, 1);
	assert_int_equal(pkt_finish(&p), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addr_text_parses_to_mapped_v4_and_v6),
		cmocka_unit_test(test_mac_text_rejects_garbage),
		cmocka_unit_test(test_ipv4_header_checksum_matches_known_value),
		cmocka_unit_test(test_tcp_over_ipv4_has_valid_lengths_and_checksum),
		cmocka_unit_test(test_udp_over_ipv6_has_valid_lengths_and_checksum),
		cmocka_unit_test(test_vlan_tags_chain_their_types),
		cmocka_unit_test(test_ipv6_extension_headers_chain_next_header),
		cmocka_unit_test(test_ipv4_raw_fields_are_written_as_given),
		cmocka_unit_test(test_icmp_error_quotes_a_complete_inner_header),
		cmocka_unit_test(test_icmpv6_echo_and_nd_checksums_verify),
		cmocka_unit_test(test_arp_and_lldp_layouts),
		cmocka_unit_test(test_frame_past_the_limit_reports_overflow),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
