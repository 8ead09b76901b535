#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Is the DMA mode this boot was started for really in force?  The same suite
# runs plain, behind an emulated Intel IOMMU in strict mode, and with every
# mapping bounced through swiotlb; a boot that silently fell back to the
# plain direct mapping would pass everything and prove nothing.
#
# SELFTEST_DMA_MODE: plain | iommu | swiotlb
set -u
. "$(dirname "$0")/lib.sh"

mode=${SELFTEST_DMA_MODE:-plain}

sgnic_pci() { ls -d /sys/bus/pci/drivers/sgnic/0000:* 2>/dev/null; }

debugfs() {
	[ -d /sys/kernel/debug/swiotlb ] || mount -t debugfs none /sys/kernel/debug 2>/dev/null
	[ -d /sys/kernel/debug ]
}

t_mode_active() {
	local dev groups
	groups=$(ls /sys/kernel/iommu_groups 2>/dev/null | wc -l)
	echo "mode $mode; cmdline: $(cat /proc/cmdline)"
	echo "iommu groups: $groups"
	case "$mode" in
	plain)
		[ "$groups" -eq 0 ] || { echo "IOMMU groups exist in a plain boot"; return 1; }
		! grep -qw 'swiotlb=force' /proc/cmdline
		;;
	iommu)
		[ "$groups" -gt 0 ] || { echo "no IOMMU groups"; return 1; }
		dmesg | grep -E 'DMAR: (IOMMU enabled|Intel\(R\) Virtualization)|DMAR: Host address width' | head -3
		dmesg | grep -E 'iommu: DMA domain TLB invalidation policy' | head -1
		for dev in $(sgnic_pci); do
			[ -e "$dev/iommu_group" ] || { echo "$dev has no IOMMU group"; return 1; }
			# A translating domain, not identity (passthrough).
			local type
			type=$(cat "$dev/iommu_group/type")
			echo "$(basename "$dev"): group $(basename "$(readlink "$dev/iommu_group")"), type $type"
			case "$type" in DMA | DMA-FQ) ;; *) return 1 ;; esac
		done
		dmesg | grep -q 'TLB invalidation policy: strict' ||
			{ echo "IOMMU not in strict mode"; return 1; }
		;;
	swiotlb)
		grep -qw 'swiotlb=force' /proc/cmdline || return 1
		dmesg | grep -iE 'software IO TLB|swiotlb' | head -3
		dmesg | grep -qi 'software IO TLB' || { echo "no swiotlb in dmesg"; return 1; }
		;;
	*)
		echo "unknown SELFTEST_DMA_MODE '$mode'"
		return 1
		;;
	esac
}
ksft_case mode_active

# Traffic must really go through the mode's mapping path.
t_mode_used_by_traffic() {
	local used
	pair_setup || return 1
	ping -q -c 20 -i 0.05 -s 1400 "$REMOTE_V4" >/dev/null || return 1
	case "$mode" in
	swiotlb)
		debugfs || return 1
		used=$(cat /sys/kernel/debug/swiotlb/io_tlb_used_hiwater 2>/dev/null ||
			cat /sys/kernel/debug/swiotlb/io_tlb_used)
		echo "swiotlb slots used (high-water mark): $used"
		[ "${used:-0}" -gt 0 ]
		;;
	iommu)
		# Strict mode unmaps synchronously; a fault would halt a channel.
		echo "chan_resets after traffic: $(stat_of chan_resets)"
		[ "$(stat_of chan_resets)" -eq 0 ] && ! dmesg | grep -q 'DMAR: \[DMA'
		;;
	plain)
		[ "$(stat_of chan_resets)" -eq 0 ]
		;;
	esac
}
ksft_case mode_used_by_traffic

ksft_run "$@"
