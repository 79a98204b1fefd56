// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * `ward version`: ward's version, libbpf's, and the kernel features the
 * datapath needs, probed by loading tiny programs and creating tiny maps.
 */
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "commands.h"
#include "version.h"

struct feature {
	const char *name;
	int is_map;
	int type;
};

static const struct feature features[] = {
	{"xdp", 0, BPF_PROG_TYPE_XDP},
	{"tc", 0, BPF_PROG_TYPE_SCHED_CLS},
	{"lpm_trie", 1, BPF_MAP_TYPE_LPM_TRIE},
	{"lru_hash", 1, BPF_MAP_TYPE_LRU_HASH},
	{"array_of_maps", 1, BPF_MAP_TYPE_ARRAY_OF_MAPS},
	{"ringbuf", 1, BPF_MAP_TYPE_RINGBUF},
	{"percpu_array", 1, BPF_MAP_TYPE_PERCPU_ARRAY},
};

static const char *probe(const struct feature *f)
{
	int ret;

	if (f->is_map)
		ret = libbpf_probe_bpf_map_type(f->type, NULL);
	else
		ret = libbpf_probe_bpf_prog_type(f->type, NULL);
	if (ret == 1)
		return "yes";
	if (ret == 0)
		return "no";
	return "unknown (probing needs CAP_BPF)";
}

int cmd_version(int argc, char **argv)
{
	struct utsname uts;
	size_t i;

	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		printf("usage: ward version\n\nPrint ward's version, libbpf's version and which kernel "
		       "features ward needs are present.\n");
		return WARD_EXIT_OK;
	}
	if (argc > 1) {
		fprintf(stderr, "ward: error: 'ward version' takes no argument\n");
		return WARD_EXIT_USAGE;
	}

	printf("ward %s\n", WARD_VERSION);
	printf("libbpf %u.%u\n", libbpf_major_version(), libbpf_minor_version());
	if (uname(&uts) == 0)
		printf("kernel %s %s\n", uts.release, uts.machine);
	for (i = 0; i < sizeof(features) / sizeof(features[0]); i++)
		printf("feature %s: %s\n", features[i].name, probe(&features[i]));
	return WARD_EXIT_OK;
}
