# SPDX-License-Identifier: GPL-2.0
#
# ksfilter: Windows Kernel Streaming pin connection for Linux.
#
#   make            module, samples, tools and tests for KDIR (the running
#                   kernel's build tree; `make kdir` says which it is)
#   make demo       the whole story in a QEMU VM
#   make check      host unit tests, then the VM suites on 6.1, 6.12 and debug
#   make bench      benchmarks in one VM run, as ratios against baselines
#   make fuzz       libFuzzer harnesses, FUZZ_SECONDS (default 60) each
#   make install    modules (then depmod), libks, ksctl and its man page,
#                   udev rule; `make uninstall` removes them all
#   make dkms-install   the module under DKMS, rebuilt for every kernel
#   make sign       sign the modules for Secure Boot (SIGN_KEY, SIGN_CERT)

SHELL := /bin/bash
TOP := $(CURDIR)

# The kernel the modules are built for: KDIR if given, else the running
# kernel's build tree, as for any out-of-tree module.  A machine whose running
# kernel has no headers (a VM host: `make check`, `make demo` and `make bench`
# choose their kernels themselves) gets the newest kernel that has them.
MODULES_ROOT ?= /lib/modules
RUNNING_KVER ?= $(shell uname -r)
ifeq ($(origin KDIR),undefined)
ifneq ($(wildcard $(MODULES_ROOT)/$(RUNNING_KVER)/build/Makefile),)
KDIR := $(MODULES_ROOT)/$(RUNNING_KVER)/build
KDIR_WHY := the running kernel
else
KDIR := $(patsubst %/Makefile,%,$(shell ls -d $(MODULES_ROOT)/*/build/Makefile 2>/dev/null | sort -V | tail -n 1))
KDIR_WHY := the newest with headers: the running $(RUNNING_KVER) has none
endif
else
KDIR_WHY := KDIR given
endif

# The release of the kernel KDIR builds for, which names its directory
# under /lib/modules: UTS_RELEASE, as in the modules' vermagic (Debian's 6.1
# headers say 6.1.N in include/config/kernel.release but run as
# 6.1.0-N-amd64), else kernel.release; KERNELRELEASE=... overrides both.
KVER = $(or $(KERNELRELEASE),$(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"/\1/p' \
	$(KDIR)/include/generated/utsrelease.h 2>/dev/null),$(shell cat \
	$(KDIR)/include/config/kernel.release 2>/dev/null))

# The one version of the project, from dkms.conf.
VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' $(TOP)/dkms.conf)
PREFIX ?= /usr/local
DESTDIR ?=
KSFILTER_GROUP ?= audio
UDEVDIR ?= /etc/udev/rules.d
# depmod lives in /sbin, which a user's PATH may lack (DESTDIR installs).
DEPMOD ?= depmod
export PATH := $(PATH):/usr/sbin:/sbin
DKMS_SRC := /usr/src/ksfilter-$(VERSION)

CC ?= gcc
CFLAGS ?= -O2 -g
FUZZ_SECONDS ?= 60
export CC CFLAGS

.PHONY: all deps kdir modules tools selftests unit fuzz check demo bench clean help \
	install uninstall dkms-source dkms-install dkms-uninstall sign

all: modules tools selftests

deps:
	@$(TOP)/scripts/deps.sh

kdir:
	@if [ ! -f "$(KDIR)/Makefile" ]; then \
		echo "ksfilter: no kernel build tree in '$(KDIR)': install the headers of" \
			"your kernel (Debian: linux-headers-$(RUNNING_KVER)) or set KDIR" >&2; \
		exit 1; \
	fi
	@echo "ksfilter: building for $(KVER), KDIR=$(KDIR) ($(KDIR_WHY))"

modules: kdir
	$(MAKE) -C $(KDIR) M=$(TOP) modules

tools:
	$(MAKE) -C tools

selftests:
	$(MAKE) -C selftests

unit:
	$(MAKE) -C selftests/unit run

fuzz:
	$(MAKE) -C selftests/fuzz run FUZZ_SECONDS=$(FUZZ_SECONDS)

check: deps
	@$(TOP)/scripts/check.sh

demo: deps
	@$(TOP)/scripts/demo.sh

bench: deps
	@$(TOP)/scripts/bench.sh

# A distribution's headers come without its signing key: modules_install
# would try to sign with CONFIG_MODULE_SIG_KEY all the same, and print an
# error per module.  Without the key it does not sign (`make sign` does,
# with a key of yours).
SIG_KEY = $(shell sed -n 's/^CONFIG_MODULE_SIG_KEY="\(.*\)"/\1/p' $(KDIR)/.config 2>/dev/null)
NO_SIGN = $(if $(filter pkcs11:%,$(SIG_KEY)),,$(if $(wildcard $(SIG_KEY) \
	$(KDIR)/$(SIG_KEY)),,CONFIG_MODULE_SIG_ALL=))

# The modules go to /lib/modules/$(KVER)/ksfilter/; depmod then indexes them
# (in DESTDIR's tree when DESTDIR is set), so that modprobe finds them and
# loads ksfilter before a companion module.
install: modules tools
	$(MAKE) -C $(KDIR) M=$(TOP) INSTALL_MOD_PATH=$(abspath $(DESTDIR)) \
		INSTALL_MOD_DIR=ksfilter KERNELRELEASE=$(KVER) $(NO_SIGN) \
		modules_install
	$(DEPMOD) $(if $(DESTDIR),-b $(abspath $(DESTDIR))) -a $(KVER)
	$(MAKE) -C tools install PREFIX=$(PREFIX) DESTDIR=$(DESTDIR)
	install -d $(DESTDIR)$(UDEVDIR)
	sed 's/@KSFILTER_GROUP@/$(KSFILTER_GROUP)/' udev/60-ksfilter.rules \
		> $(DESTDIR)$(UDEVDIR)/60-ksfilter.rules

# The modules of every kernel they were installed for, each kernel's depmod
# tables rebuilt without them; a module tree left with no module at all was
# made by the install alone, and loses the tables too.
uninstall:
	$(MAKE) -C tools uninstall PREFIX=$(PREFIX) DESTDIR=$(DESTDIR)
	rm -f $(DESTDIR)$(UDEVDIR)/60-ksfilter.rules
	for d in $(DESTDIR)/lib/modules/*/ksfilter; do \
		[ -d "$$d" ] || continue; \
		m=$${d%/ksfilter}; \
		rm -rf "$$d" || exit 1; \
		if [ -n "$$(find "$$m" -name '*.ko*' -print -quit)" ]; then \
			$(DEPMOD) $(if $(DESTDIR),-b $(abspath $(DESTDIR))) -a "$${m##*/}" || exit 1; \
		else \
			rm -f "$$m"/modules.*; \
			rmdir "$$m" 2>/dev/null || true; \
		fi; \
	done

# DKMS builds ksfilter.ko (not the samples or tests) for each kernel.
# dkms-source: the source tree DKMS builds from, in DKMS_SRC.
dkms-source:
	rm -rf $(DKMS_SRC) && install -d $(DKMS_SRC)/module
	cp -a Kbuild dkms.conf include uapi $(DKMS_SRC)/
	cp -a module/Kbuild module/*.[ch] $(DKMS_SRC)/module/
	sed -i '/samples\/\|tests\//d; /^ifneq\|^endif/d' $(DKMS_SRC)/module/Kbuild

dkms-install: dkms-source
	dkms add ksfilter/$(VERSION)
	dkms install ksfilter/$(VERSION) $(if $(KVER),-k $(KVER))

# Secure Boot: sign the built modules with a key the firmware trusts.  The
# default is the machine owner key DKMS makes (enrol it once with
# mokutil --import $(SIGN_CERT)).
SIGN_KEY ?= /var/lib/dkms/mok.key
SIGN_CERT ?= /var/lib/dkms/mok.pub
sign: modules
	for m in $$(find module -name '*.ko'); do \
		$(KDIR)/scripts/sign-file sha256 $(SIGN_KEY) $(SIGN_CERT) $$m || exit 1; \
	done

dkms-uninstall:
	-dkms remove ksfilter/$(VERSION) --all
	rm -rf $(DKMS_SRC)

clean:
	-$(MAKE) -C $(KDIR) M=$(TOP) clean
	-$(MAKE) -C tools clean
	-$(MAKE) -C selftests clean
	-$(MAKE) -C selftests/unit clean
	-$(MAKE) -C selftests/fuzz clean

help:
	@sed -n 3,15p Makefile
