#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Static checks the kernel's own tools run on kernel-driver/ (the build
# suite calls each mode):
#   kernel-lint.sh sparse   make C=2 against the guest headers: no warning
#                           (the descriptor fields are __le in the kernel
#                           build, so every unconverted access shows)
#   kernel-lint.sh cocci    every semantic patch of the 6.12 tree's
#                           scripts/coccinelle in report mode, as
#                           "make coccicheck MODE=report" runs them: no report
# sparse and coccinelle come from Debian (scripts/setup.sh); the .cocci
# files from Debian's linux-source-6.12, unpacked into the cache.
set -euo pipefail
. "$(dirname "$0")/env.sh"

die() { echo "kernel-lint: $*" >&2; exit 1; }

lint_sparse() {
	command -v sparse >/dev/null || die "sparse is not installed (scripts/setup.sh)"
	local out
	# C=2 checks every file, built or not; the object files stay as they are.
	out=$(make -C "$KDIR" M="$SGNIC_ROOT/kernel-driver" C=2 W=1 modules 2>&1) ||
		{ echo "$out" | tail -20; die "the sparse build failed"; }
	if grep -E '(warning|error):' <<<"$out"; then
		die "sparse reports the lines above"
	fi
	echo "sparse: kernel-driver/ is clean"
}

lint_cocci() {
	command -v spatch >/dev/null || die "coccinelle is not installed (scripts/setup.sh)"
	local tarball dir f out rc=0
	tarball=$(ls /usr/src/linux-source-6.12.tar.* 2>/dev/null | head -1 || true)
	[ -n "$tarball" ] || die "linux-source-6.12 is not installed (scripts/checkpatch.sh installs it)"
	dir=$SGNIC_CACHE/coccinelle
	if [ ! -d "$dir/scripts/coccinelle" ] || [ "$tarball" -nt "$dir/scripts/coccinelle" ]; then
		rm -rf "$dir" && mkdir -p "$dir"
		tar -xf "$tarball" -C "$dir" --strip-components=1 --wildcards '*/scripts/coccinelle/*'
		touch "$dir/scripts/coccinelle"
	fi
	while IFS= read -r f; do
		# Only the scripts that have a report mode, as coccicheck does.
		grep -q 'virtual report' "$f" || continue
		out=$(spatch --very-quiet -D report --no-show-diff --no-includes \
			--include-headers --cocci-file "$f" --dir "$SGNIC_ROOT/kernel-driver" \
			-I "$SGNIC_ROOT/include" 2>/dev/null) || true
		if [ -n "$out" ]; then
			echo "${f#"$dir"/}:"
			echo "$out"
			rc=1
		fi
	done < <(find "$dir/scripts/coccinelle" -name '*.cocci' | sort)
	[ $rc -eq 0 ] || die "coccinelle reports the lines above"
	echo "coccinelle: kernel-driver/ is clean"
}

case "${1:-}" in
sparse) lint_sparse ;;
cocci) lint_cocci ;;
*) die "usage: kernel-lint.sh sparse|cocci" ;;
esac
