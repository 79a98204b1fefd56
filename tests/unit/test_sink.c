// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Tests of agent/sink.c: modes of what it creates, one line per write, lines
 * held and flushed whole and in order, and no line lost when logrotate
 * renames or removes the file between batches.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "sink.h"

struct fixture {
	char dir[64];
	char path[128];
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	if (!fx)
		return -1;
	strcpy(fx->dir, "/tmp/ward-test-sink-XXXXXX");
	if (!mkdtemp(fx->dir)) {
		free(fx);
		return -1;
	}
	snprintf(fx->path, sizeof(fx->path), "%s/log/ward/events.jsonl", fx->dir);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx->dir);
	free(fx);
	return system(cmd) == 0 ? 0 : -1;
}

static void write_line(struct ward_sink *sink, const char *text)
{
	struct ward_jbuf line;

	ward_jbuf_init(&line);
	ward_json_begin(&line);
	ward_json_str(&line, "event", text);
	ward_json_end(&line);
	assert_int_equal(ward_sink_batch_begin(sink), 0);
	assert_int_equal(ward_sink_write(sink, &line), 0);
	ward_jbuf_free(&line);
}

static void append_line(struct ward_sink *sink, const char *text)
{
	struct ward_jbuf line;

	ward_jbuf_init(&line);
	ward_json_begin(&line);
	ward_json_str(&line, "event", text);
	ward_json_end(&line);
	assert_int_equal(ward_sink_append(sink, &line), 0);
	ward_jbuf_free(&line);
}

static off_t file_size(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return st.st_size;
}

static void assert_file_is(const char *path, const char *want)
{
	char buf[512];
	FILE *f = fopen(path, "r");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	assert_string_equal(buf, want);
}

static void test_creates_dirs_0750_and_file_0640(void **state)
{
	struct fixture *fx = *state;
	struct ward_sink *sink;
	char dir[160];
	struct stat st;
	mode_t old = umask(077);

	assert_int_equal(ward_sink_open(fx->path, &sink), 0);
	umask(old);
	assert_int_equal(stat(fx->path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	snprintf(dir, sizeof(dir), "%s/log/ward", fx->dir);
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0750);
	ward_sink_close(sink);
}

static void test_appends_one_line_per_write(void **state)
{
	struct fixture *fx = *state;
	struct ward_sink *sink;

	assert_int_equal(ward_sink_open(fx->path, &sink), 0);
	write_line(sink, "a");
	write_line(sink, "b");
	ward_sink_close(sink);
	assert_int_equal(ward_sink_open(fx->path, &sink), 0);
	write_line(sink, "c");
	ward_sink_close(sink);
	assert_file_is(fx->path, "{\"event\":\"a\"}\n{\"event\":\"b\"}\n{\"event\":\"c\"}\n");
}

static void test_rename_rotation_reopens_and_loses_nothing(void **state)
{
	struct fixture *fx = *state;
	struct ward_sink *sink;
	char rotated[160];

	snprintf(rotated, sizeof(rotated), "%s.1", fx->path);
	assert_int_equal(ward_sink_open(fx->path, &sink), 0);
	write_line(sink, "before");
	assert_int_equal(rename(fx->path, rotated), 0);
	write_line(sink, "after");
	write_line(sink, "later");
	ward_sink_close(sink);
	assert_file_is(rotated, "{\"event\":\"before\"}\n");
	assert_file_is(fx->path, "{\"event\":\"after\"}\n{\"event\":\"later\"}\n");
}

static void test_appended_lines_wait_for_the_flush(void **state)
{
	struct fixture *fx = *state;
	struct ward_sink *sink;

	assert_int_equal(ward_sink_open(fx->path, &sink), 0);
	append_line(sink, "a");
	append_line(sink, "b");
	assert_int_equal(file_size(fx->path), 0);
	assert_int_equal(ward_sink_flush(sink), 0);
	assert_file_is(fx->path, "{\"event\":\"a\"}\n{\"event\":\"b\"}\n");
	assert_int_equal(ward_sink_flush(sink), 0); /* nothing held: nothing written */
	append_line(sink, "c");
	write_line(sink, "d"); /* goes after what is held */
	append_line(sink, "e");
	ward_sink_close(sink); /* flushes */
	assert_file_is(fx->path, "{\"event\":\"a\"}\n{\"event\":\"b\"}\n{\"event\":\"c\"}\n"
				 "{\"event\":\"d\"}\n{\"event\":\"e\"}\n");
}

/* Past WARD_SINK_HOLD bytes held, whole lines go out by themselves. */
static void test_full_hold_flushes_whole_lines(void **state)
{
	struct fixture *fx = *state;
	struct ward_sink *sink;
	size_t line_len = strlen("{\"event\":\"x\"}\n");
	size_t n = 2 * WARD_SINK_HOLD / line_len;
	off_t size;

	assert_int_equal(ward_sink_open(fx->path, &sink), 0);
	for (size_t i = 0; i < n; i++)
		append_line(sink, "x");
	size = file_size(fx->path);
	assert_true(size > 0);
	assert_true(size <= 2 * WARD_SINK_HOLD);
	assert_int_equal(size % line_len, 0);
	ward_sink_close(sink);
	assert_int_equal(file_size(fx->path), n * line_len);
}

/* The lines of a batch land in the file they were appended for, before a rotation. */
static void test_held_lines_go_to_the_file_before_rotation(void **state)
{
	struct fixture *fx = *state;
	struct ward_sink *sink;
	char rotated[160];

	snprintf(rotated, sizeof(rotated), "%s.1", fx->path);
	assert_int_equal(ward_sink_open(fx->path, &sink), 0);
	assert_int_equal(ward_sink_batch_begin(sink), 0);
	append_line(sink, "before");
	assert_int_equal(rename(fx->path, rotated), 0);
	assert_int_equal(ward_sink_batch_begin(sink), 0);
	append_line(sink, "after");
	ward_sink_close(sink);
	assert_file_is(rotated, "{\"event\":\"before\"}\n");
	assert_file_is(fx->path, "{\"event\":\"after\"}\n");
}

static void test_removed_file_is_created_again(void **state)
{
	struct fixture *fx = *state;
	struct ward_sink *sink;
	struct stat st;

	assert_int_equal(ward_sink_open(fx->path, &sink), 0);
	write_line(sink, "gone");
	assert_int_equal(unlink(fx->path), 0);
	write_line(sink, "back");
	ward_sink_close(sink);
	assert_file_is(fx->path, "{\"event\":\"back\"}\n");
	assert_int_equal(stat(fx->path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
}

static void test_copytruncate_keeps_appending(void **state)
{
	struct fixture *fx = *state;
	struct ward_sink *sink;

	assert_int_equal(ward_sink_open(fx->path, &sink), 0);
	write_line(sink, "old");
	assert_int_equal(truncate(fx->path, 0), 0);
	write_line(sink, "new");
	ward_sink_close(sink);
	assert_file_is(fx->path, "{\"event\":\"new\"}\n");
}

static void test_unwritable_path_is_an_error(void **state)
{
	struct fixture *fx = *state;
	struct ward_sink *sink = NULL;
	char path[160];
	FILE *f;

	/* A regular file where a directory should be. */
	snprintf(path, sizeof(path), "%s/file", fx->dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/file/events.jsonl", fx->dir);
	assert_int_equal(ward_sink_open(path, &sink), -ENOTDIR);
	assert_null(sink);
}

static void test_dash_is_standard_output(void **state)
{
	struct ward_sink *sink;

	assert_int_equal(ward_sink_open("-", &sink), 0);
	assert_int_equal(ward_sink_batch_begin(sink), 0);
	ward_sink_close(sink);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_creates_dirs_0750_and_file_0640, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_appends_one_line_per_write, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rename_rotation_reopens_and_loses_nothing,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_appended_lines_wait_for_the_flush, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_full_hold_flushes_whole_lines, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_held_lines_go_to_the_file_before_rotation,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_removed_file_is_created_again, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_copytruncate_keeps_appending, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unwritable_path_is_an_error, setup, teardown),
		cmocka_unit_test(test_dash_is_standard_output),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
