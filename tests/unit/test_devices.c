// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Unit tests of policy/devices.c: a device's identity and settings with
 * their defaults, the interface rule (required with several interfaces),
 * bad names, MACs, addresses, VLANs and limits, and names, MACs and
 * addresses given to two devices.
 */
#include "policy_test.h"

#define TWO_IFACES "version: 1\ninterfaces: [{ name: d0 }, { name: d1 }]\n"

static void test_devices_identity_and_settings(void **state)
{
	const uint8_t mapped[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 198, 18, 0, 21};
	const struct ward_device *dev;
	struct loaded l;

	expect_clean(&l, TWO_IFACES "devices:\n"
				    "  - name: ct-01.x_y\n"
				    "    interface: d1\n"
				    "    mac: \"02:00:00:00:00:21\"\n"
				    "    ipv4: [198.18.0.21, 198.18.0.22]\n"
				    "    ipv6: [\"2001:db8::21\"]\n"
				    "    vlan: 4094\n"
				    "    criticality: life-critical\n"
				    "    mode: audit\n"
				    "    dhcp: true\n"
				    "    limits: { new_flows_per_second: 20 }\n");
	dev = &l.policy->devices[0];
	assert_string_equal(dev->name, "ct-01.x_y");
	assert_int_equal(dev->pos.line, 4);
	assert_int_equal(dev->pos.col, 5);
	assert_int_equal(dev->iface, 1);
	assert_true(dev->has_mac);
	assert_int_equal(dev->mac[5], 0x21);
	assert_int_equal(dev->nipv4, 2);
	assert_memory_equal(dev->ipv4[0], mapped, 16);
	assert_int_equal(dev->nipv6, 1);
	assert_int_equal(dev->ipv6[0][0], 0x20);
	assert_int_equal(dev->vlan, 4094);
	assert_int_equal(dev->criticality, WARD_CRIT_LIFE_CRITICAL);
	assert_int_equal(dev->mode, WARD_MODE_AUDIT);
	assert_true(dev->dhcp);
	assert_int_equal(dev->new_flows_per_s, 20);
	loaded_free(&l);
}

static void test_devices_interface_rules(void **state)
{
	struct loaded l;

	/* One interface: it may be left out. */
	expect_clean(&l, POLICY_HEAD "devices: [{ name: a, ipv6: [\"2001:db8::1\"] }]\n");
	assert_int_equal(l.policy->devices[0].iface, 0);
	loaded_free(&l);

	expect_error(TWO_IFACES "devices:\n  - { name: a, mac: \"02:00:00:00:00:01\" }\n", 4, 5,
		     "device 'a' needs 'interface': the policy has 2 interfaces (d0, d1)");
	expect_error(TWO_IFACES
		     "devices:\n  - { name: a, interface: d2, mac: \"02:00:00:00:00:01\" }\n",
		     4, 27, "unknown interface 'd2'; did you mean 'd0'?");
}

static void test_devices_name_errors(void **state)
{
	char yaml[512];

	expect_error(POLICY_HEAD "devices: [{ name: CT-01, mac: \"02:00:00:00:00:01\" }]\n", 3, 19,
		     "bad device name 'CT-01': it must be 1 to 63 bytes of a-z, 0-9, '.', '_' or "
		     "'-', beginning with a letter or digit");
	expect_error(POLICY_HEAD "devices: [{ name: -a, mac: \"02:00:00:00:00:01\" }]\n", 3, 19,
		     "bad device name '-a': it must be 1 to 63 bytes of a-z, 0-9, '.', '_' or "
		     "'-', beginning with a letter or digit");
	expect_error(POLICY_HEAD "devices: [{ mac: \"02:00:00:00:00:01\" }]\n", 3, 11,
		     "this device needs a name");

	/* 63 bytes is the longest name. */
	snprintf(yaml, sizeof(yaml),
		 POLICY_HEAD "devices: [{ name: %.63s, mac: \"02:00:00:00:00:01\" }]\n",
		 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	{
		struct loaded l;

		expect_clean(&l, yaml);
		loaded_free(&l);
	}
	snprintf(yaml, sizeof(yaml),
		 POLICY_HEAD "devices: [{ name: %.64s, mac: \"02:00:00:00:00:01\" }]\n",
		 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	{
		struct loaded l;

		load_text(&l, yaml);
		assert_int_equal(l.ret, -EINVAL);
		loaded_free(&l);
	}
}

static void test_devices_needs_an_identity(void **state)
{
	expect_error(POLICY_HEAD "devices:\n  - name: a\n    vlan: 20\n", 4, 5,
		     "device 'a' needs at least one of mac, ipv4 and ipv6, to be told apart from "
		     "other hosts");
	expect_error(POLICY_HEAD "devices:\n  - name: a\n    ipv4: []\n", 4, 5,
		     "device 'a' needs at least one of mac, ipv4 and ipv6, to be told apart from "
		     "other hosts");
}

static void test_devices_mac_errors(void **state)
{
	expect_error(POLICY_HEAD "devices: [{ name: a, mac: \"02:00:00:00:21\" }]\n", 3, 27,
		     "bad MAC address '02:00:00:00:21': write six hex bytes like "
		     "\"02:00:00:00:00:21\"");
	expect_error(POLICY_HEAD "devices: [{ name: a, mac: \"ff:ff:ff:ff:ff:ff\" }]\n", 3, 27,
		     "'ff:ff:ff:ff:ff:ff' is a multicast or broadcast MAC; a device's own MAC is "
		     "unicast");
	expect_error(POLICY_HEAD "devices: [{ name: a, mac: \"00:00:00:00:00:00\" }]\n", 3, 27,
		     "'00:00:00:00:00:00' is the all-zero MAC; give the device's own MAC");
}

static void test_devices_address_errors(void **state)
{
	expect_error(POLICY_HEAD "devices: [{ name: a, ipv4: [198.18.0.0/24] }]\n", 3, 29,
		     "'198.18.0.0/24' is a prefix; ipv4 takes the device's own addresses, without "
		     "/n");
	expect_error(POLICY_HEAD "devices: [{ name: a, ipv4: [\"2001:db8::1\"] }]\n", 3, 29,
		     "'2001:db8::1' is an IPv6 address; put it under ipv6");
	expect_error(POLICY_HEAD "devices: [{ name: a, ipv6: [198.18.0.1] }]\n", 3, 29,
		     "'198.18.0.1' is an IPv4 address; put it under ipv4");
	expect_error(POLICY_HEAD "devices: [{ name: a, ipv4: [224.0.0.1] }]\n", 3, 29,
		     "'224.0.0.1' cannot be a device's own address (it is multicast, loopback or "
		     "unspecified)");
	expect_error(POLICY_HEAD "devices: [{ name: a, ipv4: [198.18.0.256] }]\n", 3, 29,
		     "bad address '198.18.0.256': not an IPv4 or IPv6 address");
	expect_error(POLICY_HEAD "devices: [{ name: a, ipv4: 198.18.0.1 }]\n", 3, 28,
		     "expected a list of IPv4 addresses, got '198.18.0.1' (write [198.18.0.1])");
}

static void test_devices_setting_errors(void **state)
{
	expect_error(POLICY_HEAD "devices: [{ name: a, ipv6: [\"::1:2\"], vlan: 0 }]\n", 3, 45,
		     "vlan must be a number from 1 to 4094, got '0'");
	expect_error(POLICY_HEAD "devices: [{ name: a, ipv6: [\"::1:2\"], vlan: 4095 }]\n", 3, 45,
		     "vlan must be a number from 1 to 4094, got '4095'");
	expect_error(POLICY_HEAD "devices: [{ name: a, ipv6: [\"::1:2\"], mode: audited }]\n", 3,
		     45, "unknown mode 'audited'; did you mean 'audit'? (one of enforce, audit)");
	expect_error(POLICY_HEAD "devices: [{ name: a, ipv6: [\"::1:2\"], dhcp: yes }]\n", 3, 45,
		     "dhcp must be true or false, got 'yes'");
	expect_error(POLICY_HEAD "devices: [{ name: a, ipv6: [\"::1:2\"], criticality: high }]\n",
		     3, 52,
		     "unknown criticality 'high'; it is one of life-critical, clinical, "
		     "administrative");
	expect_error(
		POLICY_HEAD
		"devices: [{ name: a, ipv6: [\"::1:2\"], limits: { new_flows_per_second: 0 } }]\n",
		3, 71, "new_flows_per_second must be a number from 1 to 1000000, got '0'");
	expect_error(POLICY_HEAD "devices:\n  - name: a\n    mac: \"02:00:00:00:00:01\"\n"
				 "    outbond: []\n",
		     6, 5, "unknown key 'outbond' in device; did you mean 'outbound'?");
}

static void test_devices_claimed_twice(void **state)
{
	expect_error(POLICY_HEAD "devices:\n"
				 "  - { name: a, mac: \"02:00:00:00:00:01\", ipv4: [198.18.0.1] }\n"
				 "  - { name: b, mac: \"02:00:00:00:00:01\" }\n",
		     5, 21,
		     "MAC 02:00:00:00:00:01 already belongs to device 'a' (line 4); a MAC or "
		     "address belongs to one device only");
	expect_error(POLICY_HEAD "devices:\n"
				 "  - { name: a, ipv4: [198.18.0.1] }\n"
				 "  - { name: b, ipv4: [198.18.0.2, 198.18.0.1] }\n",
		     5, 35,
		     "address 198.18.0.1 already belongs to device 'a' (line 4); a MAC or address "
		     "belongs to one device only");
	expect_error(POLICY_HEAD
		     "devices:\n  - { name: a, ipv6: [\"2001:db8::1\", \"2001:db8:0::1\"] }\n",
		     4, 38,
		     "address 2001:db8::1 is given twice to device 'a'; the first is at line 4");
	expect_error(POLICY_HEAD "devices:\n"
				 "  - { name: a, ipv4: [198.18.0.1] }\n"
				 "  - { name: a, ipv4: [198.18.0.2] }\n",
		     5, 13, "duplicate device name 'a'; the first is at line 4");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_devices_identity_and_settings),
		cmocka_unit_test(test_devices_interface_rules),
		cmocka_unit_test(test_devices_name_errors),
		cmocka_unit_test(test_devices_needs_an_identity),
		cmocka_unit_test(test_devices_mac_errors),
		cmocka_unit_test(test_devices_address_errors),
		cmocka_unit_test(test_devices_setting_errors),
		cmocka_unit_test(test_devices_claimed_twice),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
