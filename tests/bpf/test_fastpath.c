// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The fast path does without the interface lookup because every install has
 * a generation of its own: a flow of the generation in force on this
 * ifindex proves the interface is in the policy. These tests hold it to
 * that: when the flow's interface leaves the policy, its packets pass
 * untouched and uncounted (not counted as the device's passes); when the
 * interface comes back, the flow is judged again; and passes are counted
 * per slot in ward_passed, from zero after each load.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"
#include "packet.h"

#define DEV_MAC "02:00:00:00:00:41"
#define GW_MAC	"02:00:00:00:00:01"
#define DEV_IP	"198.18.0.41"
#define PACS_IP "198.18.1.10"
#define PORT	40000

/* The device ct-41 on interface @iface, allowed TCP 104 to the PACS. */
#define POLICY(ifaces, iface)                           \
	"version: 1\ninterfaces:\n" ifaces "devices:\n" \
	"  - name: ct-41\n"                             \
	"    interface: " iface "\n"                    \
	"    mac: \"" DEV_MAC "\"\n"                    \
	"    ipv4: [" DEV_IP "]\n"                      \
	"    outbound:\n"                               \
	"      - to: [" PACS_IP "]\n"                   \
	"        proto: tcp\n"                          \
	"        ports: [104]\n"

#define TWO_IFACES                                  \
	"  - name: dev0\n    unknown_hosts: drop\n" \
	"  - name: dev1\n    unknown_hosts: drop\n"

static const char policy_on_dev1[] = POLICY(TWO_IFACES, "dev1");
static const char policy_dev1_gone[] = POLICY("  - name: dev0\n    unknown_hosts: drop\n", "dev0");

/* Run a TCP frame of the device's flow to the PACS on @iface_id; returns whether it passed. */
static int run_flow(struct harness *h, unsigned iface_id, int from_dev, uint8_t flags)
{
	uint8_t dev_mac[6], gw_mac[6];
	struct pkt_ipv4 ip = {0};
	struct pkt_tcp tcp = {.flags = flags};
	struct pkt p;
	size_t len;
	int pass = -1;

	pkt_mac(DEV_MAC, dev_mac);
	pkt_mac(GW_MAC, gw_mac);
	pkt_init(&p);
	pkt_eth(&p, from_dev ? gw_mac : dev_mac, from_dev ? dev_mac : gw_mac, 0);
	pkt_addr(from_dev ? DEV_IP : PACS_IP, ip.src);
	pkt_addr(from_dev ? PACS_IP : DEV_IP, ip.dst);
	tcp.sport = from_dev ? PORT : 104;
	tcp.dport = from_dev ? 104 : PORT;
	pkt_ipv4(&p, &ip);
	pkt_tcp(&p, &tcp);
	len = pkt_finish(&p);
	assert_true(len > 0);
	assert_int_equal(harness_run(h, from_dev ? WARD_DIR_FROM_DEVICE : WARD_DIR_TO_DEVICE,
				     iface_id, p.buf, len, &pass),
			 0);
	return pass;
}

static uint64_t passed(struct harness *h, unsigned index)
{
	struct ward_counters c;

	assert_int_equal(harness_counters(h, index, &c), 0);
	return c.passed;
}

static uint64_t all_counts(struct harness *h, unsigned index)
{
	struct ward_counters c;
	uint64_t sum;

	assert_int_equal(harness_counters(h, index, &c), 0);
	sum = c.passed;
	for (int r = 0; r < WARD_REASON_COUNT; r++)
		sum += c.dropped[r] + c.would_drop[r];
	return sum;
}

static void test_flow_of_an_interface_that_left_passes_uncounted(void **state)
{
	struct harness *h = *state;

	assert_int_equal(harness_load_policy(h, policy_on_dev1), 0);
	assert_true(run_flow(h, 1, 1, 0x02)); /* SYN */
	assert_true(run_flow(h, 1, 0, 0x12)); /* SYN-ACK */
	assert_true(run_flow(h, 1, 1, 0x10)); /* ACK, fast path */
	assert_int_equal(passed(h, 0), 3);

	/* dev1 leaves the policy: the flow's packets are not ward's business */
	assert_int_equal(harness_load_policy(h, policy_dev1_gone), 0);
	assert_int_equal(passed(h, 0), 0);
	for (int i = 0; i < 3; i++) {
		assert_true(run_flow(h, 1, 1, 0x10));
		assert_true(run_flow(h, 1, 0, 0x10));
	}
	assert_int_equal(all_counts(h, 0), 0); /* ct-41 */
	assert_int_equal(all_counts(h, 1), 0); /* unknown hosts of dev0 */

	/* dev1 is back: the flow is judged again by the rules, then rides */
	assert_int_equal(harness_load_policy(h, policy_on_dev1), 0);
	assert_true(run_flow(h, 1, 1, 0x10));
	assert_true(run_flow(h, 1, 0, 0x10));
	assert_int_equal(passed(h, 0), 2);
}

/* Passes count in the slot in force and start from zero with each load. */
static void test_passes_count_per_load(void **state)
{
	struct harness *h = *state;

	for (int load = 1; load <= 4; load++) {
		assert_int_equal(harness_load_policy(h, policy_on_dev1), 0);
		assert_int_equal(passed(h, 0), 0);
		for (int i = 0; i < load; i++)
			assert_true(run_flow(h, 1, 1, 0x02));
		assert_int_equal(passed(h, 0), load);
	}
}

static int setup(void **state)
{
	struct harness *h = NULL;

	if (harness_open(&h))
		return -1;
	*state = h;
	return 0;
}

static int teardown(void **state)
{
	harness_close(*state);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			test_flow_of_an_interface_that_left_passes_uncounted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_passes_count_per_load, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
