# SPDX-License-Identifier: GPL-2.0
#
# ksfilter: Windows Kernel Streaming pin connection for Linux.
#
#   make            module, samples, tools and tests for KDIR (Debian 12's 6.1)
#   make demo       the whole story in a QEMU VM
#   make check      host unit tests, then the VM suites on 6.1, 6.12 and debug
#   make bench      benchmarks in one VM run, as ratios against baselines

SHELL := /bin/bash
TOP := $(CURDIR)

# Debian 12's own kernel, not the host's running one (which has no headers).
KVER_61 ?= $(shell ls -d /usr/src/linux-headers-6.1.*-amd64 2>/dev/null | sort -V | tail -n 1 | sed 's|.*/linux-headers-||')
KVER_612 ?= $(shell ls -d /usr/src/linux-headers-6.12.*-amd64 2>/dev/null | sort -V | tail -n 1 | sed 's|.*/linux-headers-||')
KDIR ?= /lib/modules/$(KVER_61)/build

CC ?= gcc
CFLAGS ?= -O2 -g
export CC CFLAGS

.PHONY: all deps modules tools selftests unit check demo bench clean help

all: modules tools selftests

deps:
	@$(TOP)/scripts/deps.sh

modules:
	$(MAKE) -C $(KDIR) M=$(TOP) modules

tools:
	$(MAKE) -C tools

selftests:
	$(MAKE) -C selftests

unit:
	$(MAKE) -C selftests/unit run

check: deps
	@$(TOP)/scripts/check.sh

demo: deps
	@$(TOP)/scripts/demo.sh

bench: deps
	@$(TOP)/scripts/bench.sh

clean:
	-$(MAKE) -C $(KDIR) M=$(TOP) clean
	-$(MAKE) -C tools clean
	-$(MAKE) -C selftests clean
	-$(MAKE) -C selftests/unit clean

help:
	@sed -n 3,9p Makefile
