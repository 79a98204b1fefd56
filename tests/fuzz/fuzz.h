/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * What every fuzz target under tests/fuzz/ defines, and the helpers they
 * share. A target is built twice: with libFuzzer (clang
 * -fsanitize=fuzzer,address,undefined, into build/fuzz/, driven by
 * tools/fuzz.sh), and with replay.c as its main (cc, ASan+UBSan, into
 * build/tests/fuzz/) to replay the saved corpus and regressions in the
 * test suites. A target reports a broken property with fuzz_fail(), which
 * aborts so that both builds see a crash.
 */
#ifndef WARD_FUZZ_H
#define WARD_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* libFuzzer's entry points; LLVMFuzzerInitialize is optional per target. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* Print "fuzz: property broken: MESSAGE" to stderr and abort. */
void fuzz_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* Take @n bytes from the front of *@data, zero-filled past its end. */
void fuzz_take(const uint8_t **data, size_t *size, void *out, size_t n);

/*
 * The next NUL-terminated string of *@data (at most @max bytes, the rest up
 * to the NUL or the end skipped), copied into @out of @max + 1 bytes.
 */
void fuzz_take_str(const uint8_t **data, size_t *size, char *out, size_t max);

#endif /* WARD_FUZZ_H */
