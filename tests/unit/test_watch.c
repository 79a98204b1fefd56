// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Unit tests of agent/watch.c: a policy file rewritten in place, replaced
 * by rename, or a neighbour changed; and link messages seen when an
 * interface is created and deleted in a private network namespace (root).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "watch.h"

static char dir[64];

static int make_dir(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/ward-test-watch-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int remove_dir(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

static void write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (int)strlen(text));
	close(fd);
}

static void test_file_watch_write_rename_and_neighbour(void **state)
{
	char policy[128], tmp[128], other[128];
	struct ward_file_watch w;

	snprintf(policy, sizeof(policy), "%s/policy.yaml", dir);
	snprintf(tmp, sizeof(tmp), "%s/.policy.yaml.swp", dir);
	snprintf(other, sizeof(other), "%s/other.yaml", dir);
	write_file(policy, "version: 1\n");

	assert_int_equal(ward_file_watch_open(&w, policy), 0);
	assert_string_equal(w.base, "policy.yaml");
	assert_int_equal(ward_file_watch_changed(&w), 0);

	write_file(policy, "version: 1\n# edited in place\n");
	assert_int_equal(ward_file_watch_changed(&w), 1);
	assert_int_equal(ward_file_watch_changed(&w), 0);

	write_file(other, "version: 1\n");
	write_file(tmp, "version: 1\n# new file\n");
	assert_int_equal(ward_file_watch_changed(&w), 0);

	assert_int_equal(rename(tmp, policy), 0);
	assert_int_equal(ward_file_watch_changed(&w), 1);
	ward_file_watch_close(&w);
}

static void test_file_watch_removed_and_renamed_away(void **state)
{
	char policy[128], away[128];
	struct ward_file_watch w;

	snprintf(policy, sizeof(policy), "%s/policy.yaml", dir);
	snprintf(away, sizeof(away), "%s/policy.yaml~", dir);
	write_file(policy, "version: 1\n");
	assert_int_equal(ward_file_watch_open(&w, policy), 0);

	assert_int_equal(rename(policy, away), 0);
	assert_int_equal(ward_file_watch_changed(&w), 1);
	assert_int_equal(unlink(away), 0);
	assert_int_equal(ward_file_watch_changed(&w), 0);

	write_file(policy, "version: 1\n");
	assert_int_equal(ward_file_watch_changed(&w), 1);
	assert_int_equal(unlink(policy), 0);
	assert_int_equal(ward_file_watch_changed(&w), 1);
	ward_file_watch_close(&w);
}

struct seen {
	int created;
	int deleted;
};

static void on_link(void *ctx, const struct ward_link_change *change)
{
	struct seen *seen = ctx;

	if (strcmp(change->name, "wdwatch0"))
		return;
	if (change->deleted)
		seen->deleted++;
	else
		seen->created++;
}

static void wait_readable(int fd)
{
	struct pollfd pfd = {.fd = fd, .events = POLLIN};

	assert_int_equal(poll(&pfd, 1, 2000), 1);
}

static void test_linkmon_sees_create_and_delete(void **state)
{
	struct seen seen = {0};
	int fd;

	assert_int_equal(unshare(CLONE_NEWNET), 0);
	fd = ward_linkmon_open();
	assert_true(fd >= 0);

	assert_int_equal(system("ip link add wdwatch0 type veth peer name wdwatch1"), 0);
	wait_readable(fd);
	assert_int_equal(ward_linkmon_read(fd, on_link, &seen), 0);
	assert_true(seen.created >= 1);
	assert_int_equal(seen.deleted, 0);

	assert_int_equal(system("ip link del wdwatch0"), 0);
	wait_readable(fd);
	assert_int_equal(ward_linkmon_read(fd, on_link, &seen), 0);
	assert_int_equal(seen.deleted, 1);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_file_watch_write_rename_and_neighbour),
		cmocka_unit_test(test_file_watch_removed_and_renamed_away),
		cmocka_unit_test(test_linkmon_sees_create_and_delete),
	};

	return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
