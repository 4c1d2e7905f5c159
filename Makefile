# SPDX-License-Identifier: GPL-2.0
#
# ksfilter: Windows Kernel Streaming pin connection for Linux.
#
#   make            module, samples, tools and tests for KDIR (Debian 12's 6.1)
#   make demo       the whole story in a QEMU VM
#   make check      host unit tests, then the VM suites on 6.1, 6.12 and debug
#   make bench      benchmarks in one VM run, as ratios against baselines
#   make fuzz       libFuzzer harnesses, FUZZ_SECONDS (default 60) each
#   make install    module (modules_install), libks, ksctl and its man page,
#                   udev rule
#   make dkms-install   the module under DKMS, rebuilt for every kernel
#   make sign       sign the modules for Secure Boot (SIGN_KEY, SIGN_CERT)

SHELL := /bin/bash
TOP := $(CURDIR)

# Debian 12's own kernel, not the host's running one (which has no headers).
KVER_61 ?= $(shell ls -d /usr/src/linux-headers-6.1.*-amd64 2>/dev/null | sort -V | tail -n 1 | sed 's|.*/linux-headers-||')
KVER_612 ?= $(shell ls -d /usr/src/linux-headers-6.12.*-amd64 2>/dev/null | sort -V | tail -n 1 | sed 's|.*/linux-headers-||')
KDIR ?= /lib/modules/$(KVER_61)/build

# The one version of the project, from dkms.conf.
VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' $(TOP)/dkms.conf)
PREFIX ?= /usr/local
DESTDIR ?=
KSFILTER_GROUP ?= audio
UDEVDIR ?= /etc/udev/rules.d
DKMS_SRC := /usr/src/ksfilter-$(VERSION)

CC ?= gcc
CFLAGS ?= -O2 -g
FUZZ_SECONDS ?= 60
export CC CFLAGS

.PHONY: all deps modules tools selftests unit fuzz check demo bench clean help \
	install uninstall dkms-source dkms-install dkms-uninstall sign

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

fuzz:
	$(MAKE) -C selftests/fuzz run FUZZ_SECONDS=$(FUZZ_SECONDS)

check: deps
	@$(TOP)/scripts/check.sh

demo: deps
	@$(TOP)/scripts/demo.sh

bench: deps
	@$(TOP)/scripts/bench.sh

install: modules tools
	$(MAKE) -C $(KDIR) M=$(TOP) INSTALL_MOD_PATH=$(DESTDIR) \
		INSTALL_MOD_DIR=ksfilter modules_install
	$(if $(DESTDIR),,depmod -a $(notdir $(patsubst %/build,%,$(realpath $(KDIR)))))
	$(MAKE) -C tools install PREFIX=$(PREFIX) DESTDIR=$(DESTDIR)
	install -d $(DESTDIR)$(UDEVDIR)
	sed 's/@KSFILTER_GROUP@/$(KSFILTER_GROUP)/' udev/60-ksfilter.rules \
		> $(DESTDIR)$(UDEVDIR)/60-ksfilter.rules

uninstall:
	$(MAKE) -C tools uninstall PREFIX=$(PREFIX) DESTDIR=$(DESTDIR)
	rm -f $(DESTDIR)$(UDEVDIR)/60-ksfilter.rules
	rm -rf $(DESTDIR)/lib/modules/*/ksfilter

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
	@sed -n 3,14p Makefile
