// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Unit tests of agent/pins.c on a real bpffs: a pin directory under
 * /sys/fs/bpf, the record of the policy in force and the device names,
 * written, read back and replaced. Needs root, as the agent does.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "pins.h"

static char dir[128];

static int make_dir(void **state)
{
	snprintf(dir, sizeof(dir), "/sys/fs/bpf/ward-test-pins-%d/sub", (int)getpid());
	return ward_pins_prepare(dir);
}

static int remove_dir(void **state)
{
	char parent[128];

	ward_pin_remove(dir, WARD_PIN_STATE);
	ward_pin_remove(dir, WARD_PIN_DEVNAMES);
	rmdir(dir);
	snprintf(parent, sizeof(parent), "/sys/fs/bpf/ward-test-pins-%d", (int)getpid());
	rmdir(parent);
	return 0;
}

static void test_pin_path_joins_and_refuses_overflow(void **state)
{
	char buf[16];

	assert_int_equal(ward_pin_path(buf, sizeof(buf), "/a/b", "name"), 0);
	assert_string_equal(buf, "/a/b/name");
	assert_int_equal(ward_pin_path(buf, sizeof(buf), "/a/b", "a-much-longer-name"),
			 -ENAMETOOLONG);
}

static void test_pins_prepare_makes_private_bpffs_dir(void **state)
{
	struct stat st;

	assert_int_equal(ward_pins_on_bpffs(dir), 1);
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	assert_int_equal(ward_pins_prepare(dir), 0);
}

static void test_pins_on_bpffs_says_no_for_tmp(void **state)
{
	assert_int_equal(ward_pins_on_bpffs("/"), 0);
	assert_int_equal(ward_pins_on_bpffs("/nonexistent/ward"), -ENOENT);
}

static void test_state_missing_is_enoent(void **state)
{
	struct ward_state st;

	assert_int_equal(ward_state_read(dir, &st), -ENOENT);
}

static void test_state_round_trip_and_update(void **state)
{
	static struct ward_state in, out;
	char path[256];
	struct stat st;

	in.version = WARD_STATE_VERSION;
	in.generation = 7;
	in.loaded_at_ns = 1234567890123456789ULL;
	in.nifaces = 2;
	strcpy(in.ifnames[0], "dev0");
	strcpy(in.ifnames[1], "dev1.20");
	strcpy(in.path, "/etc/ward/policy.yaml");
	memset(in.sha256, 0xab, sizeof(in.sha256));
	assert_int_equal(ward_state_write(dir, &in), 0);
	assert_int_equal(ward_state_read(dir, &out), 0);
	assert_memory_equal(&in, &out, sizeof(in));

	in.generation = 8;
	assert_int_equal(ward_state_write(dir, &in), 0);
	assert_int_equal(ward_state_read(dir, &out), 0);
	assert_int_equal(out.generation, 8);

	ward_pin_path(path, sizeof(path), dir, WARD_PIN_STATE);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
}

static void test_devnames_replaced_whole(void **state)
{
	struct ward_dev_name names[3] = {
		{.name = "ct-01", .criticality = WARD_CRIT_CLINICAL},
		{.name = "pump-7", .criticality = WARD_CRIT_LIFE_CRITICAL},
		{.name = "printer", .mode = WARD_MODE_AUDIT},
	};
	struct ward_dev_name got;

	assert_int_equal(ward_devnames_write(dir, names, 3), 0);
	assert_int_equal(ward_devnames_read(dir, 1, &got), 0);
	assert_string_equal(got.name, "pump-7");
	assert_int_equal(got.criticality, WARD_CRIT_LIFE_CRITICAL);
	assert_int_equal(ward_devnames_read(dir, 3, &got), -ENOENT);

	assert_int_equal(ward_devnames_write(dir, names + 2, 1), 0);
	assert_int_equal(ward_devnames_read(dir, 0, &got), 0);
	assert_string_equal(got.name, "printer");
	assert_int_equal(ward_devnames_read(dir, 1, &got), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pin_path_joins_and_refuses_overflow),
		cmocka_unit_test(test_pins_prepare_makes_private_bpffs_dir),
		cmocka_unit_test(test_pins_on_bpffs_says_no_for_tmp),
		cmocka_unit_test(test_state_missing_is_enoent),
		cmocka_unit_test(test_state_round_trip_and_update),
		cmocka_unit_test(test_devnames_replaced_whole),
	};

	return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
