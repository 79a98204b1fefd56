// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The main of a fuzz target's replay build: runs the target once on each
 * file named on the command line, or on each file of each directory named,
 * in name order, and says how many it ran. A broken property aborts, as
 * under libFuzzer; sanitizer reports end the run the same way. This is what
 * the test suites use to replay tests/fuzz/corpus/ and tests/fuzz/regress/
 * without clang's libFuzzer.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static int read_file(const char *path, uint8_t **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL, *grown;
	size_t cap = 0, n = 0, got;

	if (!f)
		return -errno;
	do {
		if (n == cap) {
			cap = cap ? 2 * cap : 4096;
			grown = realloc(buf, cap);
			if (!grown) {
				free(buf);
				fclose(f);
				return -ENOMEM;
			}
			buf = grown;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got > 0);
	fclose(f);
	*out = buf;
	*len = n;
	return 0;
}

static int replay_file(const char *path)
{
	uint8_t *buf;
	size_t len;
	int err;

	err = read_file(path, &buf, &len);
	if (err) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(-err));
		return err;
	}
	fprintf(stderr, "replay: %s (%zu bytes)\n", path, len);
	LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	return 0;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* Each regular file of @dir; returns how many ran, or a negative errno. */
static int replay_dir(const char *dir)
{
	struct dirent **names;
	char path[4096];
	int n, i, ran = 0, err = 0;

	n = scandir(dir, &names, NULL, by_name);
	if (n < 0) {
		fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
		return -errno;
	}
	for (i = 0; i < n; i++) {
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		if (!err && !stat(path, &st) && S_ISREG(st.st_mode)) {
			err = replay_file(path);
			ran++;
		}
		free(names[i]);
	}
	free(names);
	return err ? err : ran;
}

int main(int argc, char **argv)
{
	struct stat st;
	int i, ran = 0, n;

	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);

	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st)) {
			fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
			return 1;
		}
		n = S_ISDIR(st.st_mode) ? replay_dir(argv[i]) : (replay_file(argv[i]) ? -1 : 1);
		if (n < 0)
			return 1;
		ran += n;
	}
	printf("replayed %d inputs\n", ran);
	return 0;
}
