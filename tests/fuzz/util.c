// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Helpers shared by the fuzz targets (fuzz.h): cutting typed fields and
 * strings out of the input, and failing loudly on a broken property.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

void fuzz_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("fuzz: property broken: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	abort();
}

void fuzz_take(const uint8_t **data, size_t *size, void *out, size_t n)
{
	size_t have = *size < n ? *size : n;

	memset(out, 0, n);
	if (have)
		memcpy(out, *data, have);
	*data += have;
	*size -= have;
}

void fuzz_take_str(const uint8_t **data, size_t *size, char *out, size_t max)
{
	const uint8_t *nul = *size ? memchr(*data, '\0', *size) : NULL;
	size_t len = nul ? (size_t)(nul - *data) : *size;
	size_t used = nul ? len + 1 : len;
	size_t keep = len < max ? len : max;

	if (keep)
		memcpy(out, *data, keep);
	out[keep] = '\0';
	*data += used;
	*size -= used;
}
