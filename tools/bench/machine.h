/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The machine a benchmark ran on: CPU model and count, kernel release,
 * whether the BPF JIT is on, and the state of each CPU vulnerability
 * mitigation, as /proc and /sys report them.
 */
#ifndef BENCH_MACHINE_H
#define BENCH_MACHINE_H

#include <stdio.h>

#define BENCH_MAX_VULNS 32

struct bench_vuln {
	char name[48];
	char state[160]; /* the file's first line */
};

struct bench_machine {
	char cpu[128];
	int ncpus;
	char kernel[128];
	int jit; /* /proc/sys/net/core/bpf_jit_enable, -1 when unreadable */
	struct bench_vuln vulns[BENCH_MAX_VULNS];
	int nvulns;
};

/* Fill @m from the running system; what cannot be read stays "unknown". */
void bench_machine_read(struct bench_machine *m);

/* One line: CPU, kernel, JIT, and the mitigations in force (short form). */
void bench_machine_print(const struct bench_machine *m, FILE *out);

/* A JSON object with every field, vulnerabilities in full. */
void bench_machine_json(const struct bench_machine *m, FILE *out);

#endif /* BENCH_MACHINE_H */
