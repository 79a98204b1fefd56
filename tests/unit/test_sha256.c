// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Unit tests of agent/sha256.c against the examples of FIPS 180-4 (NIST's
 * "SHA-256 example" vectors), fed whole, byte by byte and from a file.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "sha256.h"

static const char *two_blocks = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
static const char *four_blocks = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
				 "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";

static void expect_digest(const void *data, size_t len, const char *want)
{
	uint8_t digest[WARD_SHA256_LEN];
	char hex[WARD_SHA256_HEX];

	ward_sha256(data, len, digest);
	ward_sha256_hex(digest, hex);
	assert_string_equal(hex, want);
}

static void test_sha256_abc(void **state)
{
	expect_digest("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void test_sha256_empty(void **state)
{
	expect_digest("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static void test_sha256_448_bits(void **state)
{
	expect_digest(two_blocks, strlen(two_blocks),
		      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void test_sha256_896_bits(void **state)
{
	expect_digest(four_blocks, strlen(four_blocks),
		      "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

static void test_sha256_million_a_bytewise(void **state)
{
	uint8_t digest[WARD_SHA256_LEN];
	char hex[WARD_SHA256_HEX];
	struct ward_sha256 ctx;
	int i;

	ward_sha256_init(&ctx);
	for (i = 0; i < 1000000; i++)
		ward_sha256_update(&ctx, "a", 1);
	ward_sha256_final(&ctx, digest);
	ward_sha256_hex(digest, hex);
	assert_string_equal(hex,
			    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

static void test_sha256_boundary_lengths_split_anywhere(void **state)
{
	uint8_t whole[WARD_SHA256_LEN], parts[WARD_SHA256_LEN];
	struct ward_sha256 ctx;
	uint8_t buf[130];
	size_t len, cut;

	for (len = 0; len < sizeof(buf); len++)
		buf[len] = (uint8_t)(len * 7 + 1);
	for (len = 54; len <= 130; len++) {
		ward_sha256(buf, len, whole);
		for (cut = 0; cut <= len; cut += 13) {
			ward_sha256_init(&ctx);
			ward_sha256_update(&ctx, buf, cut);
			ward_sha256_update(&ctx, buf + cut, len - cut);
			ward_sha256_final(&ctx, parts);
			assert_memory_equal(whole, parts, WARD_SHA256_LEN);
		}
	}
}

static void test_sha256_file_matches_buffer(void **state)
{
	char path[] = "/tmp/ward-test-sha256-XXXXXX";
	uint8_t digest[WARD_SHA256_LEN];
	char hex[WARD_SHA256_HEX];
	int fd;

	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, four_blocks, strlen(four_blocks)), (int)strlen(four_blocks));
	close(fd);

	assert_int_equal(ward_sha256_file(path, digest), 0);
	unlink(path);
	ward_sha256_hex(digest, hex);
	assert_string_equal(hex,
			    "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

static void test_sha256_file_missing_is_enoent(void **state)
{
	uint8_t digest[WARD_SHA256_LEN];

	assert_int_equal(ward_sha256_file("/nonexistent/ward/policy.yaml", digest), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sha256_abc),
		cmocka_unit_test(test_sha256_empty),
		cmocka_unit_test(test_sha256_448_bits),
		cmocka_unit_test(test_sha256_896_bits),
		cmocka_unit_test(test_sha256_million_a_bytewise),
		cmocka_unit_test(test_sha256_boundary_lengths_split_anywhere),
		cmocka_unit_test(test_sha256_file_matches_buffer),
		cmocka_unit_test(test_sha256_file_missing_is_enoent),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
