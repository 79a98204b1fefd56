// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Fuzz target of `ward tail` (agent/cmd_tail.c) on a hostile events file:
 * the input is written to a file and `ward tail --events FILE -n 64` runs
 * on it in-process. It must end with exit status 0 and print only text a
 * terminal cannot be driven by: valid UTF-8, no C0 control but the line
 * feed, no DEL, no C1 control (U+0080 to U+009F).
 *
 * stdout is swapped for a memory stream to catch what tail prints, stderr
 * for /dev/null to silence its warnings on garbage lines; sanitizer reports
 * write to file descriptor 2 directly and still reach the log.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "fuzz.h"
#include "jsoncheck.h"

static char events_path[] = "/tmp/ward-fuzz-tail-XXXXXX";
static FILE *devnull;

static void remove_events(void)
{
	unlink(events_path);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	int fd = mkstemp(events_path);

	if (fd < 0)
		fuzz_fail("cannot create %s", events_path);
	close(fd);
	atexit(remove_events);
	devnull = fopen("/dev/null", "w");
	if (!devnull)
		fuzz_fail("cannot open /dev/null");
	return 0;
}

static void write_events(const uint8_t *data, size_t size)
{
	FILE *f = fopen(events_path, "wb");

	if (!f || fwrite(data, 1, size, f) != size || fclose(f))
		fuzz_fail("cannot write %s", events_path);
}

/* What a terminal may receive: see the top of the file. */
static void check_output(const char *out, size_t len)
{
	const unsigned char *p = (const unsigned char *)out;
	size_t i;

	if (!jsoncheck_utf8(out, len))
		fuzz_fail("tail printed bytes that are not UTF-8:\n%.*s", (int)len, out);
	for (i = 0; i < len; i++) {
		if ((p[i] < 0x20 && p[i] != '\n') || p[i] == 0x7f)
			fuzz_fail("tail printed control byte 0x%02x", p[i]);
		if (p[i] == 0xc2 && i + 1 < len && p[i + 1] >= 0x80 && p[i + 1] <= 0x9f)
			fuzz_fail("tail printed C1 control U+00%02X", p[i + 1]);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *argv[] = {"tail", "--events", events_path, "-n", "64", NULL};
	FILE *saved_out = stdout, *saved_err = stderr;
	char *out = NULL;
	size_t len = 0;
	int status;

	write_events(data, size);
	stdout = open_memstream(&out, &len);
	if (!stdout)
		fuzz_fail("open_memstream failed");
	stderr = devnull;
	optind = 0;
	status = cmd_tail(5, argv);
	fclose(stdout);
	stdout = saved_out;
	stderr = saved_err;

	if (status != WARD_EXIT_OK)
		fuzz_fail("tail exited %d on a readable file", status);
	check_output(out, len);
	free(out);
	return 0;
}
