# SPDX-License-Identifier: GPL-2.0-or-later
#
# sgnic: top-level entry points.  `make help` lists them.  The QEMU tree,
# its build and the guest kernel live in $(SGNIC_CACHE) (default
# ~/.cache/sgnic); everything the repository builds goes to build/.

SHELL := /bin/bash
ROOT := $(CURDIR)
ENV := . $(ROOT)/scripts/env.sh
GUEST_KERNEL ?= 6.12.95+deb12-amd64
# The guest kernel's headers as setup.sh unpacks them into the cache, or,
# on a machine set up before that, the ones installed in /usr/src.
SGNIC_CACHE ?= $(HOME)/.cache/sgnic
KDIR_CACHE := $(SGNIC_CACHE)/kernel/$(GUEST_KERNEL)/headers/usr/src/linux-headers-$(GUEST_KERNEL)
KDIR ?= $(firstword $(patsubst %/Makefile,%,$(wildcard $(KDIR_CACHE)/Makefile \
	/usr/src/linux-headers-$(GUEST_KERNEL)/Makefile)) $(KDIR_CACHE))
PREFIX ?= /usr/local
export GUEST_KERNEL KDIR

.DEFAULT_GOAL := help

help: ## this list
	@echo "sgnic: a QEMU PCI NIC with a descriptor-ring DMA engine and its Linux driver"
	@echo
	@grep -hE '^[a-z][a-z0-9_-]*:.*## ' $(MAKEFILE_LIST) | \
		awk -F':.*## ' '{ printf "  make %-14s %s\n", $$1, $$2 }'
	@echo
	@echo "Knobs: ACCEL=kvm|tcg  SGNIC_CACHE=dir  QEMU_SRC=qemu-tree  GUEST_KERNEL=version  FUZZ_SECS=s FUZZ_JOBS=n"

setup: ## install Debian packages, fetch QEMU 10.0 source and the guest kernel
	@scripts/setup.sh all

qemu: setup ## build QEMU with -device sgnic and its qtest (incremental)
	@scripts/build-qemu.sh

module: setup ## build kernel-driver/sgnic.ko against the guest kernel (W=1)
	@$(MAKE) -s -C kernel-driver KDIR=$(KDIR)

tools: ## build the userspace tools into build/bin
	@$(MAKE) -s -C userspace-tools O=$(ROOT)/build

all: qemu module tools ## build everything

demo: all ## boot two sgnic ports, show ip link and ethtool, run iperf3 between them
	@scripts/demo.sh

demo2: all ## two guests in two QEMU processes linked over 127.0.0.1: ping, iperf3 both ways, ethtool -S
	@scripts/two-guests.sh

migrate: qemu module tools ## live-migrate a guest twice under a TCP stream (NIC=sgnic|e1000e|igb|virtio-net-pci)
	@scripts/migrate.sh --nic $(or $(NIC),sgnic)

vm: qemu module ## interactive shell in the guest with sgnic.ko loaded
	@scripts/vm.sh

test: all ## every test: host unit tests, qtests, the bench instruction counter, in-VM tests, two linked guests, live migration, selftests in 4 boots; ends with "N passed, N failed"
	@tests/run-all.sh

unit: tools ## host unit tests only (planner, tools)
	@tests/run-all.sh unit

qtest: qemu ## QEMU qtests only
	@tests/run-all.sh qtest

vmtest: qemu module tools ## in-VM tests only
	@tests/run-all.sh vm

multitest: qemu module tools ## tests with several QEMU processes: two guests linked over 127.0.0.1, live migration under traffic
	@tests/run-all.sh multi

selftest: qemu module tools ## kselftest-style suite in the guest: plain, IOMMU and swiotlb boots
	@tests/run-all.sh selftest

soak: qemu module tools ## 10 min of mixed traffic with mode, ring and queue changes (not in make test)
	@tests/selftests/run-boots.sh --soak

debug-kernel: setup ## build a 6.12 guest kernel with KASAN, lockdep, kmemleak, DMA-API debug; run the selftests on it
	@scripts/debug-kernel.sh

bench: qemu module ## NIC benchmark vs igb, e1000e, virtio-net, veth (QUICK=1 REPS=n SECS=s INSNS=1)
	@QUICK="$(QUICK)" REPS="$(REPS)" SECS="$(SECS)" CONFIGS="$(CONFIGS)" INSNS="$(INSNS)" scripts/bench.sh

bench-insns: qemu module ## guest instructions per round trip, datagram and GB, 1 vCPU, 2 repetitions (CONFIGS=..)
	@CONFIGS="$(CONFIGS)" scripts/bench.sh --insns --smp 1 --reps $(or $(REPS),2) --secs $(or $(SECS),3) \
		--tests rr64,udp64,tcp1500_tx,tcp1500_rx

bench-vm2vm: qemu module ## two guests in two QEMU processes over -netdev stream: TCP, UDP 64B, RR per NIC model (REPS=n SECS=s CONFIGS=..)
	@REPS="$(or $(REPS),3)" SECS="$(or $(SECS),5)" CONFIGS="$(CONFIGS)" scripts/bench-vm2vm.sh

stress: setup ## every qtest under ASan+UBSan in its own QEMU build, stress/random at 100k operations
	@scripts/stress-asan.sh

fuzz: ## libFuzzer: each sgnic fuzzer FUZZ_SECS s (180), FUZZ_JOBS=1; crashes -> tests/fuzz/repro/
	@FUZZ_SECS="$(FUZZ_SECS)" FUZZ_JOBS="$(FUZZ_JOBS)" scripts/fuzz.sh run

fuzz-replay: ## replay tests/fuzz/seeds/ and tests/fuzz/repro/ once (also in make test)
	@scripts/fuzz.sh replay

fuzz-coverage: ## which functions of qemu-device/ the fuzz corpora reach, per target
	@scripts/fuzz.sh coverage

fuzz-seeds: ## regenerate tests/fuzz/seeds/ with the fuzz binary's seed writer
	@scripts/fuzz.sh seeds

install: tools ## install the userspace tools and man pages (PREFIX, DESTDIR)
	@$(MAKE) -s -C userspace-tools O=$(ROOT)/build PREFIX=$(PREFIX) install

checkpatch: ## kernel checkpatch --strict over kernel-driver/
	@scripts/checkpatch.sh

clean: ## remove build/ and module objects (the cache stays)
	@rm -rf build
	@$(MAKE) -s -C kernel-driver KDIR=$(KDIR) clean >/dev/null 2>&1 || true

distclean: clean ## also remove the QEMU build in the cache
	@$(ENV); rm -rf "$$SGNIC_QEMU_BUILD"

.PHONY: help setup qemu module tools all demo demo2 migrate vm test unit qtest vmtest multitest selftest soak debug-kernel bench bench-insns bench-vm2vm stress fuzz fuzz-replay fuzz-coverage fuzz-seeds install checkpatch clean distclean
