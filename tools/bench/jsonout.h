/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The little JSON that build/bench.json needs: escaped strings and numbers
 * that stay valid JSON (no NaN or infinity).
 */
#ifndef BENCH_JSONOUT_H
#define BENCH_JSONOUT_H

#include <stdio.h>

/* @s as a JSON string, quotes included. */
void json_string(FILE *out, const char *s);

/* @v with up to 6 significant digits, or null when it is not finite. */
void json_number(FILE *out, double v);

#endif /* BENCH_JSONOUT_H */
