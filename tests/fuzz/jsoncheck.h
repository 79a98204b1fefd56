/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * A strict JSON validator for the fuzz targets, written apart from
 * agent/json.c so that the writer is not judged by its own parser: the
 * grammar of RFC 8259 with nothing tolerated (no leading zeros, no control
 * characters in strings, no unknown escapes, no trailing bytes), strings
 * that are well-formed UTF-8 (RFC 3629) with no lone surrogate in a \u
 * escape, and no key twice in one object.
 */
#ifndef WARD_FUZZ_JSONCHECK_H
#define WARD_FUZZ_JSONCHECK_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Whether @text (@len bytes) is exactly one JSON object, with optional
 * whitespace around it. On failure *@why says what is wrong and *@at where.
 */
bool jsoncheck_object(const char *text, size_t len, const char **why, size_t *at);

/* Whether @s (@len bytes) is well-formed UTF-8 without a NUL byte. */
bool jsoncheck_utf8(const char *s, size_t len);

#endif /* WARD_FUZZ_JSONCHECK_H */
