/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Timing a BPF program with BPF_PROG_TEST_RUN, and the frames it is fed.
 *
 * A test run executes the program @repeat times on one frame and reports the
 * mean time of one execution in whole nanoseconds, measured by the kernel
 * around the loop (time spent rescheduled is left out). The caller pins
 * itself to one CPU first, so that every program is timed on the same core.
 */
#ifndef BENCH_TESTRUN_H
#define BENCH_TESTRUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BENCH_FRAME_MAX 128

struct bench_frame {
	uint8_t data[BENCH_FRAME_MAX];
	size_t len;
};

/* An untagged Ethernet + IPv4 + TCP frame; addresses and ports in host order. */
struct bench_tcp4 {
	uint8_t src_mac[6], dst_mac[6];
	uint32_t saddr, daddr;
	uint16_t sport, dport;
	uint8_t flags; /* TCP flags byte: 0x02 SYN, 0x10 ACK, ... */
};

#define BENCH_TCP_SYN 0x02
#define BENCH_TCP_ACK 0x10

void bench_build_tcp4(const struct bench_tcp4 *spec, struct bench_frame *frame);

/* Pin the calling thread to @cpu. Returns 0 or -errno. */
int bench_pin_cpu(int cpu);

enum bench_hook {
	BENCH_XDP,
	BENCH_TC,
};

struct bench_run {
	uint32_t duration_ns; /* mean per execution, as the kernel reports it */
	uint32_t retval;      /* the program's verdict on the last execution */
};

/*
 * Run the program @fd of kind @hook @repeat times on @frame as if it came
 * from (XDP) or went out of (TC) interface @ifindex (0: none). Returns 0 or
 * -errno.
 */
int bench_test_run(int fd, enum bench_hook hook, const struct bench_frame *frame, int ifindex,
		   uint32_t repeat, struct bench_run *out);

#endif /* BENCH_TESTRUN_H */
