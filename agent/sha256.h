/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * SHA-256 (FIPS 180-4), for the fingerprint of the policy in force that
 * `ward status` shows. Our dependencies carry no crypto library, and this
 * is all ward needs of one: a digest of a file of a few kilobytes.
 */
#ifndef WARD_SHA256_H
#define WARD_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define WARD_SHA256_LEN 32
#define WARD_SHA256_HEX (2 * WARD_SHA256_LEN + 1)

struct ward_sha256 {
	uint32_t state[8];
	uint64_t nbytes;
	uint8_t block[64];
	size_t fill;
};

void ward_sha256_init(struct ward_sha256 *ctx);
void ward_sha256_update(struct ward_sha256 *ctx, const void *data, size_t len);
void ward_sha256_final(struct ward_sha256 *ctx, uint8_t out[WARD_SHA256_LEN]);

/* Digest of @len bytes at @data, in one call. */
void ward_sha256(const void *data, size_t len, uint8_t out[WARD_SHA256_LEN]);

/* Write @digest as 64 lowercase hex digits and a NUL into @hex. */
void ward_sha256_hex(const uint8_t digest[WARD_SHA256_LEN], char hex[WARD_SHA256_HEX]);

/* Digest of the file at @path. Returns 0, or a negative errno if it cannot be read. */
int ward_sha256_file(const char *path, uint8_t out[WARD_SHA256_LEN]);

#endif /* WARD_SHA256_H */
