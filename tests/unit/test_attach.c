// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Unit tests of agent/attach.c on the loopback device of a private network
 * namespace, with tiny programs that pass everything: fresh attach, keeping
 * the same program, replacing an older ward program in place, refusing to
 * touch someone else's, and detaching. Needs root, as the agent does.
 */
#include <errno.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <bpf/bpf.h>
#include <linux/if_link.h>

#include "attach.h"

#define LO 1

/* r0 = @ret; exit. @pad extra "r1 = r1" make a program with other code. */
static int load_prog(enum bpf_prog_type type, int ret, int pad)
{
	struct bpf_insn insns[8] = {0};
	int n = 0, i;

	for (i = 0; i < pad; i++)
		insns[n++] = (struct bpf_insn){
			.code = BPF_ALU64 | BPF_MOV | BPF_X, .dst_reg = 1, .src_reg = 1};
	insns[n++] = (struct bpf_insn){.code = BPF_ALU64 | BPF_MOV | BPF_K, .imm = ret};
	insns[n++] = (struct bpf_insn){.code = BPF_JMP | BPF_EXIT};
	return bpf_prog_load(type, "ward_t", "GPL", insns, n, NULL);
}

static int enter_netns(void **state)
{
	if (unshare(CLONE_NEWNET))
		return -1;
	return 0;
}

static void test_prog_same_code_compares_tags(void **state)
{
	int a = load_prog(BPF_PROG_TYPE_XDP, XDP_PASS, 0);
	int b = load_prog(BPF_PROG_TYPE_XDP, XDP_PASS, 0);
	int c = load_prog(BPF_PROG_TYPE_XDP, XDP_PASS, 1);

	assert_true(a >= 0 && b >= 0 && c >= 0);
	assert_int_not_equal(ward_prog_id(a), ward_prog_id(b));
	assert_int_equal(ward_prog_same_code(a, b), 1);
	assert_int_equal(ward_prog_same_code(a, c), 0);
	assert_int_equal(ward_prog_id(-1), 0);
	close(a);
	close(b);
	close(c);
}

static void test_xdp_fresh_keep_replace_and_refuse(void **state)
{
	int old = load_prog(BPF_PROG_TYPE_XDP, XDP_PASS, 0);
	int new = load_prog(BPF_PROG_TYPE_XDP, XDP_PASS, 1);
	int other = load_prog(BPF_PROG_TYPE_XDP, XDP_PASS, 2);
	struct ward_attachment att;

	assert_true(old >= 0 && new >= 0 && other >= 0);
	assert_int_equal(ward_attach_xdp(LO, old, -1, WARD_XDP_GENERIC), 0);
	assert_int_equal(ward_attach_query(LO, &att), 0);
	assert_int_equal(att.xdp_id, ward_prog_id(old));
	assert_string_equal(ward_xdp_mode_name(att.xdp_mode), "generic");

	/* The same program again: nothing changes. */
	assert_int_equal(ward_attach_xdp(LO, old, -1, WARD_XDP_GENERIC), 0);

	/* A program that is not the old one we know: someone else's. */
	assert_int_equal(ward_attach_xdp(LO, new, other, WARD_XDP_GENERIC), -EBUSY);
	assert_int_equal(ward_attach_query(LO, &att), 0);
	assert_int_equal(att.xdp_id, ward_prog_id(old));

	assert_int_equal(ward_attach_xdp(LO, new, old, WARD_XDP_GENERIC), 0);
	assert_int_equal(ward_attach_query(LO, &att), 0);
	assert_int_equal(att.xdp_id, ward_prog_id(new));

	/* Detach naming a program that is not attached leaves XDP alone. */
	assert_int_equal(ward_detach_iface(LO, old), 0);
	assert_int_equal(ward_attach_query(LO, &att), 0);
	assert_int_equal(att.xdp_id, ward_prog_id(new));

	assert_int_equal(ward_detach_iface(LO, new), 0);
	assert_int_equal(ward_attach_query(LO, &att), 0);
	assert_int_equal(att.xdp_id, 0);
	close(old);
	close(new);
	close(other);
}

static void test_tc_attach_replace_detach(void **state)
{
	int a = load_prog(BPF_PROG_TYPE_SCHED_CLS, 0, 0);
	int b = load_prog(BPF_PROG_TYPE_SCHED_CLS, 0, 1);
	struct ward_attachment att;

	assert_true(a >= 0 && b >= 0);
	assert_int_equal(ward_attach_query(LO, &att), 0);
	assert_int_equal(att.tc_id, 0);

	assert_int_equal(ward_attach_tc(LO, a), 0);
	assert_int_equal(ward_attach_query(LO, &att), 0);
	assert_int_equal(att.tc_id, ward_prog_id(a));
	assert_int_equal(ward_attach_tc(LO, a), 0);

	assert_int_equal(ward_attach_tc(LO, b), 0);
	assert_int_equal(ward_attach_query(LO, &att), 0);
	assert_int_equal(att.tc_id, ward_prog_id(b));

	assert_int_equal(ward_detach_iface(LO, -1), 0);
	assert_int_equal(ward_attach_query(LO, &att), 0);
	assert_int_equal(att.tc_id, 0);
	close(a);
	close(b);
}

static void test_xdp_mode_names(void **state)
{
	assert_string_equal(ward_xdp_mode_name(XDP_ATTACHED_DRV), "native");
	assert_string_equal(ward_xdp_mode_name(XDP_ATTACHED_SKB), "generic");
	assert_string_equal(ward_xdp_mode_name(XDP_ATTACHED_NONE), "none");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prog_same_code_compares_tags),
		cmocka_unit_test(test_xdp_fresh_keep_replace_and_refuse),
		cmocka_unit_test(test_tc_attach_replace_detach),
		cmocka_unit_test(test_xdp_mode_names),
	};

	return cmocka_run_group_tests(tests, enter_netns, NULL);
}
