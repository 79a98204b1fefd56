// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Unit tests of agent/caps.c: which capabilities are named as missing, and
 * that dropping (done in a child process, so the test keeps its own) leaves
 * exactly the kept ones in the effective, permitted and bounding sets.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "caps.h"

#define BIT(c) (1ULL << (c))

static void test_caps_needed_are_bpf_net_admin_perfmon(void **state)
{
	assert_int_equal(ward_caps_needed(), BIT(39) | BIT(12) | BIT(38));
}

static void test_caps_missing_names_each_absent_one(void **state)
{
	char buf[128];

	assert_int_equal(ward_caps_missing(0, buf, sizeof(buf)), 3);
	assert_string_equal(buf, "CAP_BPF, CAP_NET_ADMIN, CAP_PERFMON");
	assert_int_equal(ward_caps_missing(BIT(39), buf, sizeof(buf)), 2);
	assert_string_equal(buf, "CAP_NET_ADMIN, CAP_PERFMON");
	assert_int_equal(ward_caps_missing(ward_caps_needed(), buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
}

static void test_caps_missing_truncates_safely(void **state)
{
	char buf[6];

	assert_int_equal(ward_caps_missing(0, buf, sizeof(buf)), 3);
	assert_string_equal(buf, "CAP_B");
}

static uint64_t status_field(const char *field)
{
	char line[256];
	uint64_t v = 0;
	size_t n = strlen(field);
	FILE *f;

	f = fopen("/proc/self/status", "r");
	if (!f)
		return ~0ULL;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, field, n))
			v = strtoull(line + n, NULL, 16);
	fclose(f);
	return v;
}

/* Exit status of the child: 0 when every set holds exactly what was kept. */
static int drop_in_child(uint64_t keep)
{
	uint64_t eff;

	if (ward_caps_drop_except(keep))
		return 10;
	if (ward_caps_effective(&eff) || eff != keep)
		return 11;
	if (status_field("CapPrm:") != keep)
		return 12;
	if (status_field("CapBnd:") != keep)
		return 13;
	if (status_field("CapInh:") != 0 || status_field("CapAmb:") != 0)
		return 14;
	return 0;
}

static void test_caps_drop_keeps_only_the_needed_ones(void **state)
{
	uint64_t eff;
	pid_t pid;
	int status;

	assert_int_equal(ward_caps_effective(&eff), 0);
	if ((eff & ward_caps_needed()) != ward_caps_needed())
		skip();

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(drop_in_child(ward_caps_needed()));
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_caps_needed_are_bpf_net_admin_perfmon),
		cmocka_unit_test(test_caps_missing_names_each_absent_one),
		cmocka_unit_test(test_caps_missing_truncates_safely),
		cmocka_unit_test(test_caps_drop_keeps_only_the_needed_ones),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
