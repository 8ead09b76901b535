#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Host side of the sgnic selftests (`make selftest`, suite "selftest" of
# tests/run-all.sh): build the C tests against the kselftest harness from
# Debian's linux-source-6.12, copy the upstream drivers/net selftests next to
# them, and run tests/selftests/run.sh in up to four boots:
#
#   plain    the guest as scripts/vm.sh boots it: every program
#   iommu    behind QEMU's Intel IOMMU, strict invalidation:
#            -device intel-iommu,intremap=off; intel_iommu=on iommu.strict=1
#   swiotlb  every mapping bounced: swiotlb=force
#   tinytlb  bounced through 8 MiB only (swiotlb=4096,force): faults.sh's
#            mapping-failure case and dmesg.sh
#
# The iommu and swiotlb boots change only what the DMA API does, so unless
# TESTs are named they run the programs and cases that map, sync or unmap
# DMA memory (DMA_TESTS below); what is the same whatever the DMA API does
# (ethtool parsing, link state, AER, hot-plug, netconsole, the upstream
# ethtool tests, RSS hash arithmetic) runs in the plain boot.
#
# Each boot's closing line is added into one: "N passed, N failed, N skipped".
#
# Usage: tests/selftests/run-boots.sh [plain] [iommu] [swiotlb] [tinytlb] [-- TEST...]
#        tests/selftests/run-boots.sh --soak     (make soak: soak.sh, one boot)
#        tests/selftests/run-boots.sh --prepare-only   (build and copy, no boot)
# Environment: SELFTEST_BYTES, SELFTEST_RELOADS (see run.sh), SELFTEST_VM_ARGS
# (more scripts/vm.sh options for every boot), GUEST_KERNEL.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1

boots=() tests=() soak=0
while [ $# -gt 0 ]; do
	case "$1" in
	--soak) soak=1 ;;
	--prepare-only) soak=2 ;;
	plain | iommu | swiotlb | tinytlb) boots+=("$1") ;;
	--) shift; tests=("$@"); break ;;
	*) echo "run-boots: unknown boot '$1' (plain, iommu, swiotlb, tinytlb)" >&2; exit 2 ;;
	esac
	shift
done
[ ${#boots[@]} -gt 0 ] || boots=(plain iommu swiotlb tinytlb)

note() { echo "selftest: $*" >&2; }

# What the iommu and swiotlb boots run: every mapping mode and completion
# mode, each XDP action in the four modes, multi-buffer frames as one
# scatter/gather list and as single transfers, frames redirected in
# (ndo_xdp_xmit maps them), AF_XDP zero-copy (the umem mapped for the
# device; copy mode is the ordinary path), RSS and VLAN traffic end to end, the
# planner's limits and fallbacks, channel halts and their unmapping, full
# rings, pktgen's cloned and fragmented skbs, module reloads (no mapping
# leaks) and the kernel log (DMA-API and IOMMU faults).
# shellcheck disable=SC2054 # the commas separate cases inside one element
DMA_TESTS=(
	dma_mode.sh copybreak_raw mtu.sh modes.sh
	xdp.sh:actions_sg_writeback,actions_sg_interrupt,actions_single_writeback,actions_single_interrupt,multibuf_sg_writeback,multibuf_single_interrupt,redirect_veth,afxdp_zerocopy
	rss.sh:flows_v4,flows_v6
	filters.sh:multicast,vlan_offload
	limits.sh recovery.sh backpressure.sh
	pktgen.sh:clone_skb_sg,frags_sg,frags_single
	lifecycle.sh dmesg.sh
)

# ---- build ------------------------------------------------------------------
ksrc=$(scripts/kselftest-src.sh) || { echo "0 passed, 1 failed, 0 skipped"; exit 1; }
make -s -C tests/selftests O="$PWD/build" KSFT="$ksrc/tools/testing/selftests" ||
	{ echo "0 passed, 1 failed, 0 skipped"; exit 1; }
# The guest sees the repository, not the cache: copy the upstream tests.
dst=build/selftests/ksrc
if [ ! -f "$dst/.stamp" ] || ! cmp -s "$dst/.stamp" "$ksrc/../stamp"; then
	rm -rf "$dst"
	mkdir -p "$dst"
	cp -a "$ksrc/." "$dst/" && cp "$ksrc/../stamp" "$dst/.stamp"
fi

[ $soak != 2 ] || exit 0
if [ $soak = 1 ]; then
	mkdir -p build/test-logs
	secs=${SOAK_SECONDS:-600}
	# shellcheck disable=SC2086
	scripts/vm.sh --timeout $((secs + 600)) ${SELFTEST_VM_ARGS:-} -- \
		"SOAK_SECONDS=$secs tests/selftests/soak.sh" 2>&1 | tee build/test-logs/soak.log
	exit "${PIPESTATUS[0]}"
fi

# ---- boots ------------------------------------------------------------------
mkdir -p build/test-logs
tp=0 tf=0 ts=0 rc=0
summary=()
for b in "${boots[@]}"; do
	log=build/test-logs/selftest-$b.log
	args=()
	case "$b" in
	iommu) args=(--qemu-args "-device intel-iommu,intremap=off"
		--append "intel_iommu=on iommu.strict=1") ;;
	swiotlb) args=(--append "swiotlb=force") ;;
	tinytlb) args=(--append "swiotlb=4096,force") ;;
	esac
	run=("${tests[@]}")
	if [ ${#run[@]} -eq 0 ]; then
		case "$b" in
		iommu | swiotlb) run=("${DMA_TESTS[@]}") ;;
		tinytlb) run=(faults.sh dmesg.sh) ;;
		esac
	fi
	# An empty hot-plug slot for hotplug.sh and aer.sh.  At 2.5 GT/s: a
	# faster port advertises Data Link Layer Link Active reporting, but with
	# q35's ACPI hot-plug QEMU never sets Link Active, so the guest's AER
	# recovery gives up waiting for the link after a secondary bus reset
	# (docs/testing.md, "QEMU defects met").
	args+=(--qemu-args "-device pcie-root-port,id=hp0,chassis=1,slot=1,bus=pcie.0,x-speed=2_5,x-width=1")
	# shellcheck disable=SC2206 # options split at blanks on purpose
	args+=(${SELFTEST_VM_ARGS:-})
	note "boot $b: scripts/vm.sh ${args[*]}"
	start=$SECONDS
	# Sized so that the three boots fit in make test: 16 MiB per integrity
	# transfer, 20 module reloads (SELFTEST_BYTES, SELFTEST_RELOADS raise
	# them; make soak is the long run).
	bytes=${SELFTEST_BYTES:-$((16 << 20))} reloads=${SELFTEST_RELOADS:-20}
	envs="SELFTEST_DMA_MODE=$b SELFTEST_BYTES=$bytes SELFTEST_RELOADS=$reloads"
	scripts/vm.sh --timeout "${SELFTEST_BOOT_TIMEOUT:-3000}" "${args[@]}" -- \
		"$envs tests/selftests/run.sh ${run[*]}" 2>&1 | tee "$log"
	vrc=${PIPESTATUS[0]}
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' "$log" | tail -1)
	if [ -z "$line" ]; then
		p=0 f=1 k=0
		note "boot $b: no closing line (vm.sh exit $vrc): counted as 1 failure"
	else
		read -r p _ f _ k _ <<<"${line//,/}"
		if [ "$vrc" != 0 ] && [ "$f" = 0 ]; then
			f=1
			note "boot $b: exit $vrc with no failed case: counted as 1 failure"
		fi
	fi
	summary+=("$b: $p passed, $f failed, $k skipped ($((SECONDS - start)) s)")
	tp=$((tp + p)) tf=$((tf + f)) ts=$((ts + k))
	[ "$f" = 0 ] || rc=1
done
for s in "${summary[@]}"; do echo "# selftest boot $s"; done
echo "$tp passed, $tf failed, $ts skipped"
exit $rc
