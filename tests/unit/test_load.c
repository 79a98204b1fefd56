// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Unit tests of policy/load.c: the top level of a policy (version, defaults,
 * timeouts, interfaces, required keys), the spec's complete example, and
 * reading files: missing, unreadable, over the size limit.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "policy_test.h"
#include "ytree.h"

static const char *spec_example = "version: 1\n"
				  "defaults:\n"
				  "  mode: enforce\n"
				  "  criticality: clinical\n"
				  "sets:\n"
				  "  pacs: [198.18.1.10, 198.18.1.11]\n"
				  "  worklist: [198.18.1.20]\n"
				  "  biomed: [198.18.2.0/24, \"2001:db8:2::/64\"]\n"
				  "services:\n"
				  "  dicom: { proto: tcp, ports: [104, 11112] }\n"
				  "interfaces:\n"
				  "  - name: dev0\n"
				  "    unknown_hosts: audit\n"
				  "devices:\n"
				  "  - name: ct-01\n"
				  "    interface: dev0\n"
				  "    mac: \"02:00:00:00:00:21\"\n"
				  "    ipv4: [198.18.0.21]\n"
				  "    vlan: 20\n"
				  "    criticality: clinical\n"
				  "    mode: enforce\n"
				  "    outbound:\n"
				  "      - to: [pacs, worklist]\n"
				  "        service: dicom\n"
				  "      - to: [198.18.1.53]\n"
				  "        proto: udp\n"
				  "        ports: [53]\n"
				  "    inbound:\n"
				  "      - from: [pacs]\n"
				  "        proto: tcp\n"
				  "        ports: [104]\n"
				  "      - from: [biomed]\n"
				  "        proto: icmp\n"
				  "        icmp: [echo-request]\n"
				  "    limits:\n"
				  "      new_flows_per_second: 20\n";

static void test_load_spec_example(void **state)
{
	const struct ward_device *dev;
	const struct ward_rule *r;
	struct loaded l;

	expect_clean(&l, spec_example);
	assert_int_equal(l.policy->nifaces, 1);
	assert_int_equal(l.policy->ndevices, 1);
	assert_int_equal(l.policy->nsets, 3);
	assert_int_equal(l.policy->nservices, 1);
	dev = &l.policy->devices[0];
	assert_string_equal(dev->name, "ct-01");
	assert_int_equal(dev->vlan, 20);
	assert_int_equal(dev->new_flows_per_s, 20);
	assert_int_equal(dev->nrules[WARD_DIR_FROM_DEVICE], 2);
	assert_int_equal(dev->nrules[WARD_DIR_TO_DEVICE], 2);

	r = &dev->rules[WARD_DIR_FROM_DEVICE][0];
	assert_int_equal(r->pos.line, 23);
	assert_int_equal(r->pos.col, 9);
	assert_int_equal(r->npeers, 3);
	assert_int_equal(r->proto, 6);
	assert_string_equal(r->service, "dicom");
	assert_int_equal(r->nports, 2);
	assert_int_equal(r->ports[0].lo, 104);
	assert_int_equal(r->ports[1].lo, 11112);

	r = &dev->rules[WARD_DIR_TO_DEVICE][1];
	assert_int_equal(r->proto, 1);
	assert_int_equal(r->nicmp, 1);
	assert_int_equal(r->icmp_types[0], 8);
	assert_int_equal(r->npeers, 2);
	loaded_free(&l);
}

static void test_load_defaults(void **state)
{
	const struct ward_device *dev;
	struct loaded l;

	expect_clean(&l, POLICY_HEAD "devices:\n  - name: a\n    mac: \"02:00:00:00:00:01\"\n");
	assert_int_equal(l.policy->timeout_s[WARD_TMO_TCP_ESTABLISHED], 3600);
	assert_int_equal(l.policy->timeout_s[WARD_TMO_TCP_TRANSITORY], 120);
	assert_int_equal(l.policy->timeout_s[WARD_TMO_UDP], 60);
	assert_int_equal(l.policy->timeout_s[WARD_TMO_ICMP], 30);
	assert_int_equal(l.policy->timeout_s[WARD_TMO_OTHER], 60);
	assert_string_equal(l.policy->ifaces[0].name, "dev0");
	assert_int_equal(l.policy->ifaces[0].unknown_hosts, WARD_UNKNOWN_AUDIT);
	assert_int_equal(l.policy->ifaces[0].xdp_mode, WARD_XDP_AUTO);
	dev = &l.policy->devices[0];
	assert_int_equal(dev->iface, 0);
	assert_int_equal(dev->mode, WARD_MODE_ENFORCE);
	assert_int_equal(dev->criticality, WARD_CRIT_CLINICAL);
	assert_false(dev->dhcp);
	assert_int_equal(dev->vlan, 0);
	assert_int_equal(dev->new_flows_per_s, 0);
	assert_int_equal(dev->nrules[0] + dev->nrules[1], 0);
	loaded_free(&l);
}

static void test_load_defaults_section_applies_to_devices(void **state)
{
	struct loaded l;

	expect_clean(&l, POLICY_HEAD "defaults: { mode: audit, criticality: life-critical }\n"
				     "devices:\n"
				     "  - { name: a, mac: \"02:00:00:00:00:01\" }\n"
				     "  - { name: b, mac: \"02:00:00:00:00:02\", mode: enforce,"
				     " criticality: administrative }\n");
	assert_int_equal(l.policy->devices[0].mode, WARD_MODE_AUDIT);
	assert_int_equal(l.policy->devices[0].criticality, WARD_CRIT_LIFE_CRITICAL);
	assert_int_equal(l.policy->devices[1].mode, WARD_MODE_ENFORCE);
	assert_int_equal(l.policy->devices[1].criticality, WARD_CRIT_ADMINISTRATIVE);
	loaded_free(&l);
}

static void test_load_timeouts(void **state)
{
	struct loaded l;

	expect_clean(&l, POLICY_HEAD "timeouts: { tcp_established: 7200, udp: 5 }\ndevices: []\n");
	assert_int_equal(l.policy->timeout_s[WARD_TMO_TCP_ESTABLISHED], 7200);
	assert_int_equal(l.policy->timeout_s[WARD_TMO_UDP], 5);
	assert_int_equal(l.policy->timeout_s[WARD_TMO_ICMP], 30);
	loaded_free(&l);

	expect_error(POLICY_HEAD "timeouts: { udp: 0 }\ndevices: []\n", 3, 18,
		     "udp must be a number from 1 to 604800, got '0'");
	expect_error(POLICY_HEAD "timeouts: { tcp: 5 }\ndevices: []\n", 3, 13,
		     "unknown key 'tcp' in timeouts; the keys are tcp_established, tcp_transitory, "
		     "udp, icmp, other");
	expect_error(POLICY_HEAD "timeouts: { tcp_establised: 5 }\ndevices: []\n", 3, 13,
		     "unknown key 'tcp_establised' in timeouts; did you mean 'tcp_established'?");
}

static void test_load_interfaces(void **state)
{
	struct loaded l;

	expect_clean(&l, "version: 1\ninterfaces:\n"
			 "  - { name: dev0, unknown_hosts: drop, xdp_mode: native }\n"
			 "  - { name: eth1.20, unknown_hosts: pass, xdp_mode: generic }\n"
			 "devices: []\n");
	assert_int_equal(l.policy->nifaces, 2);
	assert_int_equal(l.policy->ifaces[0].unknown_hosts, WARD_UNKNOWN_DROP);
	assert_int_equal(l.policy->ifaces[0].xdp_mode, WARD_XDP_NATIVE);
	assert_string_equal(l.policy->ifaces[1].name, "eth1.20");
	assert_int_equal(l.policy->ifaces[1].unknown_hosts, WARD_UNKNOWN_PASS);
	assert_int_equal(l.policy->ifaces[1].xdp_mode, WARD_XDP_GENERIC);
	assert_int_equal(l.policy->ifaces[1].pos.line, 4);
	loaded_free(&l);
}

static void test_load_interface_errors(void **state)
{
	expect_error("version: 1\ninterfaces: [{ name: abcdefghijklmnop }]\ndevices: []\n", 2, 22,
		     "bad interface name 'abcdefghijklmnop': a Linux interface name is 1 to 15 "
		     "bytes, without '/', ':' or spaces");
	expect_error("version: 1\ninterfaces: [{ name: a/b }]\ndevices: []\n", 2, 22,
		     "bad interface name 'a/b': a Linux interface name is 1 to 15 bytes, without "
		     "'/', ':' or spaces");
	expect_error("version: 1\ninterfaces: [{ name: d0 }, { name: d0 }]\ndevices: []\n", 2, 36,
		     "duplicate interface 'd0'; the first is at line 2");
	expect_error("version: 1\ninterfaces: [{ name: d0, unknown_hosts: allow }]\n"
		     "devices: []\n",
		     2, 41, "unknown unknown_hosts 'allow'; it is one of pass, audit, drop");
	expect_error(
		"version: 1\ninterfaces: []\ndevices: []\n", 2, 13,
		"the policy needs at least one interface, e.g. 'interfaces: [{ name: dev0 }]'");
	expect_error("version: 1\ninterfaces: [{ unknown_hosts: drop }]\ndevices: []\n", 2, 14,
		     "this interface needs a name");
}

static void test_load_version(void **state)
{
	expect_error("version: 2\ninterfaces: [{ name: d0 }]\ndevices: []\n", 1, 10,
		     "version must be 1, got '2'; this ward reads version 1 policies");
	expect_error("interfaces: [{ name: d0 }]\ndevices: []\n", 1, 1,
		     "the policy needs 'version: 1' at the top level");
}

static void test_load_top_level_errors(void **state)
{
	expect_error("", 0, 0,
		     "the file is empty; a policy needs at least version, interfaces and devices");
	expect_error("# only a comment\n", 0, 0,
		     "the file is empty; a policy needs at least version, interfaces and devices");
	expect_error("- a\n- b\n", 1, 1,
		     "expected a policy (a mapping with version, interfaces, devices), got a list");
	expect_error("version: 1\ninterfaces: [{ name: d0 }]\n", 1, 1,
		     "the policy needs 'devices', the list of devices it protects");
	expect_error(POLICY_HEAD "device: []\n", 3, 1,
		     "unknown key 'device' in the policy; did you mean 'devices'?");
	expect_error(POLICY_HEAD "devices: []\nversion: 1\n", 4, 1,
		     "duplicate key 'version' in the policy; the first is at line 1");
	expect_error(POLICY_HEAD "devices: []\nzzz: 1\n", 4, 1,
		     "unknown key 'zzz' in the policy; the keys are version, defaults, sets, "
		     "services, interfaces, devices, timeouts");
	expect_error(POLICY_HEAD "devices: {}\n", 3, 10,
		     "expected a list of devices, got a mapping");
}

/* Every error is reported, not only the first, in the order of the file. */
static void test_load_reports_every_error(void **state)
{
	struct loaded l;

	load_text(&l, "version: 3\ndefaults: { mode: loud }\ninterfaces: [{ name: d0 }]\n"
		      "devices:\n  - { name: a, mac: nope }\n  - { name: B }\n");
	assert_int_equal(l.ret, -EINVAL);
	assert_true(l.diags.nerrors >= 4);
	assert_true(has_diag(&l.diags, WARD_SEV_ERROR, 1, 10,
			     "version must be 1, got '3'; this ward reads version 1 policies"));
	assert_true(has_diag(&l.diags, WARD_SEV_ERROR, 2, 19,
			     "unknown mode 'loud'; it is one of enforce, audit"));
	assert_int_equal(l.diags.items[0].pos.line, 1);
	assert_int_equal(l.diags.items[l.diags.count - 1].pos.line, 6);
	loaded_free(&l);
}

static void test_load_file_missing(void **state)
{
	struct ward_diags d = {0};
	struct ward_policy *p = (struct ward_policy *)1;

	assert_int_equal(ward_policy_load("/nonexistent/ward.yaml", &p, &d), -ENOENT);
	assert_null(p);
	assert_int_equal(d.count, 1);
	assert_int_equal(d.items[0].pos.line, 0);
	assert_string_equal(d.items[0].message,
			    "cannot open the policy: No such file or directory");
	ward_diags_free(&d);
}

static void test_load_file_directory(void **state)
{
	struct ward_diags d = {0};
	struct ward_policy *p;

	assert_int_equal(ward_policy_load("/", &p, &d), -EISDIR);
	assert_string_equal(d.items[0].message, "cannot read the policy: Is a directory");
	ward_diags_free(&d);
}

static void test_load_file_too_big_is_not_read(void **state)
{
	char path[] = "/tmp/ward-test-load-XXXXXX";
	struct ward_diags d = {0};
	struct ward_policy *p;
	int fd;

	fd = mkstemp(path);
	assert_true(fd >= 0);
	/* Sparse: 100 MiB that the loader must refuse from its size alone. */
	assert_int_equal(ftruncate(fd, 100 << 20), 0);
	close(fd);
	assert_int_equal(ward_policy_load(path, &p, &d), -EINVAL);
	unlink(path);
	assert_int_equal(d.count, 1);
	assert_string_equal(d.items[0].message,
			    "the file is 104857600 bytes or more; the limit is 67108864 (64 MiB)");
	ward_diags_free(&d);
}

static void test_load_file_reads_policy(void **state)
{
	char path[] = "/tmp/ward-test-load-XXXXXX";
	struct ward_diags d = {0};
	struct ward_policy *p;
	int fd;

	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, spec_example, strlen(spec_example)),
			 (ssize_t)strlen(spec_example));
	close(fd);
	assert_int_equal(ward_policy_load(path, &p, &d), 0);
	unlink(path);
	assert_string_equal(p->path, path);
	assert_int_equal(p->ndevices, 1);
	ward_policy_free(p);
	ward_diags_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_spec_example),
		cmocka_unit_test(test_load_defaults),
		cmocka_unit_test(test_load_defaults_section_applies_to_devices),
		cmocka_unit_test(test_load_timeouts),
		cmocka_unit_test(test_load_interfaces),
		cmocka_unit_test(test_load_interface_errors),
		cmocka_unit_test(test_load_version),
		cmocka_unit_test(test_load_top_level_errors),
		cmocka_unit_test(test_load_reports_every_error),
		cmocka_unit_test(test_load_file_missing),
		cmocka_unit_test(test_load_file_directory),
		cmocka_unit_test(test_load_file_too_big_is_not_read),
		cmocka_unit_test(test_load_file_reads_policy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
