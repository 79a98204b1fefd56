// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * SHA-256 as FIPS 180-4 section 6.2 describes it: 64-byte blocks, a
 * message schedule of 64 words, and padding with a 1 bit, zeros and the
 * length in bits. Written for clarity; speed does not matter for a policy file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sha256.h"

static const uint32_t round_k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
	0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
	0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
	0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
	0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
	0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
	0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
	0xc67178f2,
};

static uint32_t rotr(uint32_t x, unsigned int n)
{
	return (x >> n) | (x << (32 - n));
}

static uint32_t load_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void store_be32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static void schedule(const uint8_t *block, uint32_t w[64])
{
	uint32_t s0, s1;
	int t;

	for (t = 0; t < 16; t++)
		w[t] = load_be32(block + 4 * t);
	for (t = 16; t < 64; t++) {
		s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3);
		s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10);
		w[t] = w[t - 16] + s0 + w[t - 7] + s1;
	}
}

static void compress(uint32_t state[8], const uint8_t *block)
{
	uint32_t w[64], v[8], t1, t2;
	int t, i;

	schedule(block, w);
	memcpy(v, state, sizeof(v));
	for (t = 0; t < 64; t++) {
		t1 = v[7] + (rotr(v[4], 6) ^ rotr(v[4], 11) ^ rotr(v[4], 25)) +
		     ((v[4] & v[5]) ^ (~v[4] & v[6])) + round_k[t] + w[t];
		t2 = (rotr(v[0], 2) ^ rotr(v[0], 13) ^ rotr(v[0], 22)) +
		     ((v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]));
		memmove(v + 1, v, 7 * sizeof(v[0]));
		v[4] += t1;
		v[0] = t1 + t2;
	}
	for (i = 0; i < 8; i++)
		state[i] += v[i];
}

void ward_sha256_init(struct ward_sha256 *ctx)
{
	static const uint32_t initial[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	};

	memcpy(ctx->state, initial, sizeof(initial));
	ctx->nbytes = 0;
	ctx->fill = 0;
}

void ward_sha256_update(struct ward_sha256 *ctx, const void *data, size_t len)
{
	const uint8_t *p = data;
	size_t take;

	ctx->nbytes += len;
	while (len > 0) {
		take = sizeof(ctx->block) - ctx->fill;
		if (take > len)
			take = len;
		memcpy(ctx->block + ctx->fill, p, take);
		ctx->fill += take;
		p += take;
		len -= take;
		if (ctx->fill == sizeof(ctx->block)) {
			compress(ctx->state, ctx->block);
			ctx->fill = 0;
		}
	}
}

void ward_sha256_final(struct ward_sha256 *ctx, uint8_t out[WARD_SHA256_LEN])
{
	uint64_t nbits = ctx->nbytes * 8;
	static const uint8_t one = 0x80, zero;
	uint8_t len_be[8];
	int i;

	ward_sha256_update(ctx, &one, 1);
	while (ctx->fill != 56)
		ward_sha256_update(ctx, &zero, 1);
	for (i = 0; i < 8; i++)
		len_be[i] = nbits >> (56 - 8 * i);
	ward_sha256_update(ctx, len_be, sizeof(len_be));

	for (i = 0; i < 8; i++)
		store_be32(out + 4 * i, ctx->state[i]);
}

void ward_sha256(const void *data, size_t len, uint8_t out[WARD_SHA256_LEN])
{
	struct ward_sha256 ctx;

	ward_sha256_init(&ctx);
	ward_sha256_update(&ctx, data, len);
	ward_sha256_final(&ctx, out);
}

void ward_sha256_hex(const uint8_t digest[WARD_SHA256_LEN], char hex[WARD_SHA256_HEX])
{
	static const char digits[] = "0123456789abcdef";
	int i;

	for (i = 0; i < WARD_SHA256_LEN; i++) {
		hex[2 * i] = digits[digest[i] >> 4];
		hex[2 * i + 1] = digits[digest[i] & 0xf];
	}
	hex[2 * WARD_SHA256_LEN] = '\0';
}

int ward_sha256_file(const char *path, uint8_t out[WARD_SHA256_LEN])
{
	struct ward_sha256 ctx;
	uint8_t buf[4096];
	ssize_t n;
	int fd, err = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;

	ward_sha256_init(&ctx);
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = -errno;
			goto close_fd;
		}
		ward_sha256_update(&ctx, buf, n);
	}
	ward_sha256_final(&ctx, out);

close_fd:
	close(fd);
	return err;
}
