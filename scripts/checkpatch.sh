#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Run the kernel's checkpatch.pl --strict over kernel-driver/.  The script
# comes from Debian's linux-source-6.12 package, extracted into the cache
# (never copied into the repository).
#
# sgnic_plan.[ch] are shared with userspace and use <stdint.h> types on
# purpose, so checkpatch's "prefer u32" advice is switched off for them.
# CAMELCASE is off because the kernel's own link-mode names (10000baseT_Full)
# trip it.
set -euo pipefail
. "$(dirname "$0")/env.sh"

tarball=$(ls /usr/src/linux-source-6.12.tar.* 2>/dev/null | head -1 || true)
if [ -z "$tarball" ]; then
	[ "$(id -u)" -eq 0 ] && SUDO= || SUDO=sudo
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends \
		linux-source-6.12 >&2 || { echo "checkpatch: cannot install linux-source-6.12" >&2; exit 1; }
	tarball=$(ls /usr/src/linux-source-6.12.tar.* | head -1)
fi
# Extracted once per tarball (a stamp names it: tar keeps the members' old
# mtimes, so comparing times would extract on every run), into a fresh
# directory renamed into place, under a lock: runs from two clones at
# once (CI beside a developer) must not delete each other's copy.
dir=$SGNIC_CACHE/checkpatch
want=$(stat -c '%n %s %Y' "$tarball")
mkdir -p "$SGNIC_CACHE"
exec 8>"$SGNIC_CACHE/checkpatch.lock"
flock 8
if [ ! -x "$dir/scripts/checkpatch.pl" ] || [ "$(cat "$dir/.stamp" 2>/dev/null)" != "$want" ]; then
	tmp=$(mktemp -d "$SGNIC_CACHE/checkpatch.XXXXXX")
	chmod 0755 "$tmp"
	tar -xf "$tarball" -C "$tmp" --strip-components=1 --wildcards \
		'*/scripts/checkpatch.pl' '*/scripts/spelling.txt' '*/scripts/const_structs.checkpatch'
	echo "$want" >"$tmp/.stamp"
	rm -rf "$dir"
	mv "$tmp" "$dir"
fi
flock -u 8

cd "$SGNIC_ROOT"
rc=0
for f in kernel-driver/*.[ch]; do
	extra=()
	case "$f" in
	*.mod.c) continue ;;
	*/sgnic_plan.[ch]) extra=(--ignore PREFER_KERNEL_TYPES) ;;
	# The one place that spans kernel versions (6.1 and 6.12).
	*/sgnic_compat.h) extra=(--ignore LINUX_VERSION_CODE,CONSTANT_COMPARISON,PREFER_ETHTOOL_PUTS) ;;
	esac
	"$dir/scripts/checkpatch.pl" --strict --no-tree --terse --show-types \
		--ignore FILE_PATH_CHANGES,SPDX_LICENSE_TAG,CAMELCASE "${extra[@]}" -f "$f" || rc=1
done
[ $rc -eq 0 ] && echo "checkpatch: kernel-driver/ is clean (--strict)"
exit $rc
