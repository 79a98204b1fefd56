# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# Builds, out of tree under $(OUT): the BPF object, its libbpf skeleton, the
# ward binary, and the tests (each unit test twice: plain and under ASan+UBSan).
# Quiet unless V=1. `make test` and `make demo` install what is missing first.

OUT	?= build
PREFIX	?= /usr/local
DESTDIR	?=

CC	?= cc
CLANG	?= clang
BPFTOOL	?= bpftool

MULTIARCH := $(shell $(CC) -print-multiarch 2>/dev/null)

ifeq ($(V),1)
Q =
msg =
else
Q = @
msg = @printf '  %-7s %s\n' '$(1)' '$(2)';
endif

WARNINGS := -Wall -Wextra -Wshadow -Wno-unused-parameter -Wstrict-prototypes \
	    -Wmissing-prototypes -Werror
CFLAGS	 ?= -O2 -g
CPPFLAGS := -std=c11 -D_GNU_SOURCE -Iinclude -Ipolicy -Iagent -I$(OUT) -MMD -MP
LIBS	 := -lbpf -lelf -lz -lyaml
SANITIZE := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

BPF_CFLAGS := -target bpf -mcpu=v3 -O2 -g -Wall -Werror -Iinclude \
	      $(if $(MULTIARCH),-I/usr/include/$(MULTIARCH))

BPF_SRC	   := $(wildcard bpf/*.bpf.c)
BPF_OBJ	   := $(BPF_SRC:bpf/%.bpf.c=$(OUT)/bpf/%.bpf.o)
SKELETONS  := $(BPF_SRC:bpf/%.bpf.c=$(OUT)/%.skel.h)

LIB_SRC	   := $(wildcard policy/*.c) $(filter-out agent/main.c,$(wildcard agent/*.c))
LIB_OBJ	   := $(LIB_SRC:%.c=$(OUT)/obj/%.o)
SAN_OBJ	   := $(LIB_SRC:%.c=$(OUT)/san/%.o)

UNIT_SRC   := $(wildcard tests/unit/test_*.c)
UNIT_BIN   := $(UNIT_SRC:tests/unit/%.c=$(OUT)/tests/unit/%)
UNIT_SAN   := $(UNIT_SRC:tests/unit/%.c=$(OUT)/tests/unit-san/%)
BPFT_SRC   := $(wildcard tests/bpf/test_*.c)
BPFT_COMMON := $(filter-out $(BPFT_SRC),$(wildcard tests/bpf/*.c))
BPFT_BIN   := $(BPFT_SRC:tests/bpf/%.c=$(OUT)/tests/bpf/%)
TOOL_SRC   := $(wildcard tools/*.c)
TOOL_BIN   := $(TOOL_SRC:tools/%.c=$(OUT)/tools/%)
BENCH_OBJ  := $(patsubst %.c,$(OUT)/obj/%.o,$(wildcard tools/bench/*.c))

WARD	   := $(OUT)/ward

# Fuzz targets, tests/fuzz/fuzz_*.c: the libFuzzer builds go to $(OUT)/fuzz/,
# made by clang against the library compiled for coverage; the replay builds
# (the same target with tests/fuzz/replay.c as its main, cc, ASan+UBSan) go
# to $(OUT)/tests/fuzz/, and the test suites replay the saved inputs with them.
FUZZ_SECONDS ?= 60
FUZZ_SRC    := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_COMMON := $(filter-out $(FUZZ_SRC) tests/fuzz/replay.c,$(wildcard tests/fuzz/*.c)) \
	       $(BPFT_COMMON)
FUZZ_BIN    := $(FUZZ_SRC:tests/fuzz/%.c=$(OUT)/fuzz/%)
FUZZ_REPLAY := $(FUZZ_SRC:tests/fuzz/%.c=$(OUT)/tests/fuzz/%)
FUZZ_FLAGS  := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
# cc's -Werror build is the one that judges warnings; clang only reports its own.
FUZZ_WARNINGS := $(filter-out -Werror,$(WARNINGS)) -Wno-missing-field-initializers

.PHONY: all tests test demo bench fuzz install clean deps format check-format
.DEFAULT_GOAL := all
# Keep every intermediate: tests and benchmarks load the BPF objects, and
# relinking a test should not recompile its object.
.SECONDARY:

all: $(SKELETONS) $(WARD) $(TOOL_BIN)

tests: all $(UNIT_BIN) $(UNIT_SAN) $(BPFT_BIN) $(FUZZ_REPLAY) $(FUZZ_BIN)

deps:
	$(Q)tools/install-deps.sh

test:
	$(Q)tools/install-deps.sh test
	$(Q)$(MAKE) --no-print-directory tests
	$(Q)OUT=$(OUT) tests/run.sh

demo:
	$(Q)tools/install-deps.sh demo
	$(Q)$(MAKE) --no-print-directory all
	$(Q)OUT=$(OUT) tools/demo.sh

bench:
	$(Q)tools/install-deps.sh bench
	$(Q)$(MAKE) --no-print-directory all
	$(Q)OUT=$(OUT) JSON=$(JSON) tools/bench.sh

$(OUT)/bpf/%.bpf.o: bpf/%.bpf.c
	$(call msg,BPF,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -MMD -MP -c $< -o $@

$(OUT)/%.skel.h: $(OUT)/bpf/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $(subst -,_,$*)_bpf > $@.tmp && mv $@.tmp $@

$(OUT)/obj/%.o: %.c | $(SKELETONS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(WARNINGS) -c $< -o $@

$(OUT)/san/%.o: %.c | $(SKELETONS)
	$(call msg,CC-SAN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(SANITIZE) $(WARNINGS) -c $< -o $@

$(OUT)/libward.a: $(LIB_OBJ)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(OUT)/libward-san.a: $(SAN_OBJ)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(WARD): $(OUT)/obj/agent/main.o $(OUT)/libward.a
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ $(LIBS) -o $@

$(OUT)/tools/%: $(OUT)/obj/tools/%.o $(OUT)/libward.a
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ $(LIBS) -o $@

# The benchmark is split over tools/bench/*.c, linked into the one binary.
$(OUT)/tools/bench: $(OUT)/obj/tools/bench.o $(BENCH_OBJ) $(OUT)/libward.a
	$(call msg,LINK,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $^ $(LIBS) -lm -o $@

$(OUT)/tests/unit/%: $(OUT)/obj/tests/unit/%.o $(OUT)/libward.a
	$(call msg,LINK,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $^ $(LIBS) -lcmocka -o $@

$(OUT)/tests/unit-san/%: $(OUT)/san/tests/unit/%.o $(OUT)/libward-san.a
	$(call msg,LINK,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(SANITIZE) $^ $(LIBS) -lcmocka -o $@

$(OUT)/tests/bpf/%: $(OUT)/obj/tests/bpf/%.o $(BPFT_COMMON:%.c=$(OUT)/obj/%.o) $(OUT)/libward.a
	$(call msg,LINK,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $^ $(LIBS) -lcmocka -o $@

# Every target runs $(FUZZ_SECONDS) seconds (FUZZ_TARGETS="events policy" picks some).
fuzz: $(FUZZ_BIN)
	$(Q)OUT=$(OUT) FUZZ_SECONDS=$(FUZZ_SECONDS) tools/fuzz.sh $(FUZZ_TARGETS)

$(OUT)/fuzz/obj/%.o: %.c | $(SKELETONS)
	$(call msg,CC-FUZZ,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(CPPFLAGS) $(CFLAGS) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link $(FUZZ_WARNINGS) \
		-c $< -o $@

$(OUT)/fuzz/libward-fuzz.a: $(LIB_SRC:%.c=$(OUT)/fuzz/obj/%.o) \
			    $(FUZZ_COMMON:%.c=$(OUT)/fuzz/obj/%.o)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(FUZZ_BIN): $(OUT)/fuzz/%: $(OUT)/fuzz/obj/tests/fuzz/%.o $(OUT)/fuzz/libward-fuzz.a
	$(call msg,LINK,$@)
	$(Q)$(CLANG) $(CFLAGS) $(FUZZ_FLAGS) -fsanitize=fuzzer $^ $(LIBS) -o $@

$(OUT)/tests/fuzz/libreplay-san.a: $(SAN_OBJ) $(FUZZ_COMMON:%.c=$(OUT)/san/%.o)
	$(call msg,AR,$@)
	$(Q)mkdir -p $(@D)
	$(Q)rm -f $@ && ar rcs $@ $^

$(FUZZ_REPLAY): $(OUT)/tests/fuzz/%: $(OUT)/san/tests/fuzz/%.o $(OUT)/san/tests/fuzz/replay.o \
				     $(OUT)/tests/fuzz/libreplay-san.a
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(SANITIZE) $^ $(LIBS) -o $@

# Writes the datapath target's seeds: see tests/fuzz/seeds/datapath_seeds.c.
$(OUT)/tests/fuzz/datapath_seeds: $(OUT)/obj/tests/fuzz/seeds/datapath_seeds.o \
				  $(OUT)/obj/tests/bpf/packet.o
	$(call msg,LINK,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $^ -o $@

install: all
	$(Q)tools/install.sh "$(DESTDIR)" "$(PREFIX)" "$(OUT)"

format:
	$(Q)clang-format -i $(shell git ls-files '*.c' '*.h')

check-format:
	$(Q)clang-format --dry-run --Werror $(shell git ls-files '*.c' '*.h')

clean:
	$(Q)rm -rf $(OUT)

-include $(shell find $(OUT) -name '*.d' 2>/dev/null)
