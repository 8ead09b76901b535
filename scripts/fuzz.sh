#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# sgnic under QEMU's libFuzzer harness (docs/fuzzing.md).
#
#   scripts/fuzz.sh build     build qemu-fuzz-x86_64 (clang-16, ASan, UBSan) in
#                             $SGNIC_CACHE/qemu-build-fuzz
#   scripts/fuzz.sh run       (make fuzz) run each target FUZZ_SECS seconds
#                             with FUZZ_JOBS processes; the corpus stays in
#                             $SGNIC_CACHE/fuzz/corpus/<target>, every crash
#                             or timeout becomes tests/fuzz/repro/<target>-<hash>
#   scripts/fuzz.sh replay    (make fuzz-replay, make test) run every file of
#                             tests/fuzz/seeds/<target>/ and tests/fuzz/repro/
#                             once; ends with "N passed, N failed"
#   scripts/fuzz.sh replay-open   the same for tests/fuzz/repro-open/ (known,
#                             unfixed crashes: they are expected to fail)
#   scripts/fuzz.sh coverage  (make fuzz-coverage) every function of
#                             qemu-device/, reached or not, per target
#   scripts/fuzz.sh seeds     regenerate tests/fuzz/seeds/ (sgnic-write-seeds)
#
# Knobs: FUZZ_SECS (180), FUZZ_JOBS (1), FUZZ_TARGETS (all four),
# FUZZ_MINIMIZE_SECS (60; 0 keeps crash files as found), SGNIC_FUZZ_BUILD.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/env.sh"

FUZZ_SECS=${FUZZ_SECS:-180}
FUZZ_JOBS=${FUZZ_JOBS:-1}
FUZZ_TARGETS=${FUZZ_TARGETS:-generic-fuzz-sgnic sgnic-ops sgnic-rx sgnic-migrate}
FUZZ_MINIMIZE_SECS=${FUZZ_MINIMIZE_SECS:-60}
fuzz_build=${SGNIC_FUZZ_BUILD:-$SGNIC_CACHE/qemu-build-fuzz}
bin=$fuzz_build/qemu-fuzz-x86_64
work=$SGNIC_CACHE/fuzz
src=$SGNIC_ROOT/tests/fuzz
dict=$work/sgnic.dict

die() { echo "fuzz: error: $*" >&2; exit 1; }
note() { echo "fuzz: $*" >&2; }

# Leaks stay unchecked: QEMU keeps allocations until exit by design.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:allocator_may_return_null=1:print_summary=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export SGNIC_FIRMWARE_DIR=${SGNIC_FIRMWARE_DIR:-$SGNIC_CACHE/firmware}

# clang-16, libFuzzer, AddressSanitizer and UndefinedBehaviorSanitizer, and
# source-based coverage counters in the device only (tests/fuzz/profile-list.txt).
# The list is read from a copy in the cache, so that a checkout in another
# place (a CI clone) has the same configuration and rebuilds only what
# changed; its checksum is part of the configuration instead of its path.
profile_list=$work/profile-list.txt
profile_sum=$(sha1sum <"$src/profile-list.txt" | cut -c1-12)
fuzz_config="--cc=clang-16 --cxx=clang++-16 --enable-fuzzing --enable-asan --enable-ubsan
 --extra-cflags=-fprofile-instr-generate --extra-cflags=-fcoverage-mapping
 --extra-cflags=-fprofile-list=$profile_list --extra-ldflags=-fprofile-instr-generate
 ${QEMU_CONFIGURE_EXTRA:-}"
# Fuzzing runs do not keep the coverage counters; make fuzz-coverage does.
export LLVM_PROFILE_FILE=${LLVM_PROFILE_FILE:-/dev/null}

build() {
	"$here/setup.sh" fuzz || die "setup failed"
	# build-qemu.sh configures only an empty directory: start over when
	# the configuration changed.
	if [ -f "$fuzz_build/build.ninja" ] &&
	   [ "$(cat "$fuzz_build/sgnic-fuzz-config" 2>/dev/null)" != "$fuzz_config $profile_sum" ]; then
		note "fuzz build configuration changed: rebuilding $fuzz_build from scratch"
		rm -rf "$fuzz_build"
	fi
	mkdir -p "$fuzz_build" "$work"
	cmp -s "$src/profile-list.txt" "$profile_list" || cp "$src/profile-list.txt" "$profile_list"
	printf '%s' "$fuzz_config $profile_sum" >"$fuzz_build/sgnic-fuzz-config"
	# shellcheck disable=SC2086
	SGNIC_QEMU_BUILD=$fuzz_build \
	QEMU_CONFIGURE_EXTRA="$(echo $fuzz_config)" \
	SGNIC_NINJA_TARGETS=qemu-fuzz-x86_64 \
	SGNIC_EXTRA_HOOKS=$src/tree-hooks.sh \
		"$here/build-qemu.sh" || die "the fuzz build failed"
	mkdir -p "$work/artifacts" "$work/logs"
	"$src/mkdict.sh" clang-16 >"$dict.tmp" && mv "$dict.tmp" "$dict" ||
		die "could not make the dictionary"
}

# Per-target libFuzzer options: input size and the dictionary.
target_opts() {
	case $1 in
	sgnic-rx) echo "-max_len=16384" ;;
	sgnic-migrate) echo "-max_len=4096" ;;
	*) echo "-max_len=4096 -dict=$dict" ;;
	esac
}

# Crash files from replays and seed writing go to the cache, not the cwd.
common_opts="-detect_leaks=0 -rss_limit_mb=4096 -timeout=30 -print_final_stats=1
 -artifact_prefix=$work/artifacts/"

# One worker: rerun libFuzzer after each crash until the time is used up.
worker() {
	local t=$1 w=$2 end=$3 log=$4 left runs=0
	while left=$((end - $(date +%s))); [ "$left" -gt 5 ] && [ "$runs" -lt 50 ]; do
		runs=$((runs + 1))
		# shellcheck disable=SC2046
		"$bin" --fuzz-target="$t" $common_opts $(target_opts "$t") \
			-max_total_time="$left" -artifact_prefix="$work/artifacts/$t/" \
			"$work/corpus/$t" >>"$log.$w" 2>&1
		[ $? -eq 0 ] && break
	done
}

# sha1 of a file, first 12 hex digits.
short_hash() { sha1sum "$1" | cut -c1-12; }

# A crash's signature: the kind of report and the first three frames that
# are neither the sanitizers', libc's nor GLib's assertion machinery.
signature() {
	local kind
	kind=$(grep -m1 -oE 'ERROR: AddressSanitizer: [a-z-]+|runtime error: [a-z ]+|Assertion .* failed|ERROR: libFuzzer: [a-z-]+|ERROR:.*assertion failed' "$1" |
		sed -E 's/0x[0-9a-f]+//g; s/[0-9]+//g' | head -1)
	printf '%s|' "${kind:-unknown}"
	grep -E '^ *#[0-9]+ 0x[0-9a-f]+ in ' "$1" |
		grep -vE ' in (__sanitizer|__asan|__ubsan|fuzzer::|__interceptor|abort|raise|__assert|__pthread|g_assertion|g_log|error_handle|error_set|error_report|__libc|_start|main) ' |
		awk '{ print $4 }' | head -3 | paste -sd'|'
}

# Copy the artifacts of target t that are new crashes into tests/fuzz/repro/:
# one per signature, minimized for up to FUZZ_MINIMIZE_SECS.  Returns the
# number of new signatures.
collect() {
	local t=$1 a name h dst sig sigs=$work/signatures/$t found=0 log
	mkdir -p "$SGNIC_ROOT/tests/fuzz/repro" "$work/signatures"
	touch "$sigs"
	for a in "$work/artifacts/$t"/crash-* "$work/artifacts/$t"/timeout-* \
		 "$work/artifacts/$t"/oom-*; do
		[ -f "$a" ] || continue
		name=$(basename "$a")
		h=$(short_hash "$a")
		log=$work/logs/$t.report-$h
		# shellcheck disable=SC2046
		"$bin" --fuzz-target="$t" $common_opts $(target_opts "$t") "$a" >"$log" 2>&1
		sig=$(signature "$log")
		mv "$a" "$work/artifacts/$t/seen-$name"
		if grep -qxF "$sig" "$sigs"; then
			rm -f "$log"
			continue
		fi
		echo "$sig" >>"$sigs"
		found=$((found + 1))
		dst=$SGNIC_ROOT/tests/fuzz/repro/$t-$h
		if [ "$FUZZ_MINIMIZE_SECS" -gt 0 ] && [ "${name%%-*}" = crash ]; then
			# shellcheck disable=SC2046
			"$bin" --fuzz-target="$t" $common_opts $(target_opts "$t") \
				-minimize_crash=1 -max_total_time="$FUZZ_MINIMIZE_SECS" \
				-exact_artifact_path="$work/artifacts/$t/minimized-$h" \
				"$work/artifacts/$t/seen-$name" >"$work/logs/$t.minimize-$h" 2>&1
		fi
		if [ -s "$work/artifacts/$t/minimized-$h" ]; then
			cp "$work/artifacts/$t/minimized-$h" "$dst"
		else
			cp "$work/artifacts/$t/seen-$name" "$dst"
		fi
		note "$t: new crash ($sig) -> tests/fuzz/repro/$(basename "$dst"), report in $log"
	done
	return "$found"
}

# Keep only the corpus files that add coverage (libFuzzer -merge=1).
merge_corpus() {
	local t=$1 c=$work/corpus/$1
	rm -rf "$c.merged"
	mkdir -p "$c.merged"
	# shellcheck disable=SC2046
	if "$bin" --fuzz-target="$t" $common_opts $(target_opts "$t") -merge=1 \
		"$c.merged" "$c" >"$work/logs/$t.merge" 2>&1 &&
	   [ -n "$(ls -A "$c.merged")" ]; then
		rm -rf "$c"
		mv "$c.merged" "$c"
	else
		note "$t: corpus merge failed (see $work/logs/$t.merge); corpus kept as is"
		rm -rf "$c.merged"
	fi
}

run() {
	local t w end start execs cov logs rc=0 found
	build
	mkdir -p "$work/logs"
	for t in $FUZZ_TARGETS; do
		mkdir -p "$work/corpus/$t" "$work/artifacts/$t"
		[ -d "$src/seeds/$t" ] && cp -n "$src/seeds/$t"/* "$work/corpus/$t/" 2>/dev/null
		rm -f "$work/logs/$t".*
		start=$(date +%s)
		end=$((start + FUZZ_SECS))
		note "$t: $FUZZ_SECS s, $FUZZ_JOBS job(s), corpus $work/corpus/$t"
		for w in $(seq 1 "$FUZZ_JOBS"); do
			worker "$t" "$w" "$end" "$work/logs/$t" &
		done
		wait
		logs=("$work/logs/$t".*)
		execs=$(grep -ho 'stat::number_of_executed_units: *[0-9]*' "${logs[@]}" |
			awk '{ s += $2 } END { print s + 0 }')
		cov=$(grep -ho 'cov: [0-9]*' "${logs[@]}" | awk '{ print $2 }' | sort -n | tail -1)
		collect "$t"
		found=$?
		merge_corpus "$t"
		echo "fuzz: $t: $execs executions in $((FUZZ_SECS * FUZZ_JOBS)) CPU s" \
			"($((execs / (FUZZ_SECS * FUZZ_JOBS))) exec/s), ${cov:-0} edges," \
			"$(ls "$work/corpus/$t" | wc -l) corpus files, $found new crash(es)"
		[ "$found" -eq 0 ] || rc=1
	done
	[ "$rc" -eq 0 ] || note "reproducers are in tests/fuzz/repro/: make fuzz-replay replays them"
	return "$rc"
}

# The target a reproducer belongs to: its name up to the hash.
repro_target() {
	local n
	n=$(basename "$1")
	echo "${n%-*}"
}

# Run each file once through target t; count them.  After a crash the
# remaining files run in a new process.
replay_files() {
	local t=$1 log
	shift
	local files=("$@") i last status
	log=$(mktemp)
	while [ ${#files[@]} -gt 0 ]; do
		# shellcheck disable=SC2046
		"$bin" --fuzz-target="$t" $common_opts $(target_opts "$t") \
			"${files[@]}" >"$log" 2>&1
		status=$?
		last=
		for i in "${!files[@]}"; do
			if grep -qF "Executed ${files[$i]} in" "$log"; then
				echo "ok: $t $(basename "${files[$i]}")"
				passed=$((passed + 1))
				unset 'files[$i]'
			elif [ -z "$last" ]; then
				last=$i
			fi
		done
		files=("${files[@]}")
		[ ${#files[@]} -gt 0 ] || break
		# The first file that did not finish is the one that failed.
		echo "FAIL: $t $(basename "${files[0]}") (exit $status)"
		grep -m1 -A20 'ERROR: \|runtime error\|Assertion\|deadly signal\|timeout' "$log" | sed 's/^/    /'
		failed=$((failed + 1))
		files=("${files[@]:1}")
	done
	rm -f "$log"
}

replay() {
	local set=$1 t files f
	passed=0 failed=0
	build >/dev/null
	for t in $FUZZ_TARGETS; do
		files=()
		if [ "$set" = main ]; then
			for f in "$src/seeds/$t"/*; do
				[ -f "$f" ] && files+=("$f")
			done
			dir=$src/repro
		else
			dir=$src/repro-open
		fi
		for f in "$dir"/*; do
			[ -f "$f" ] && [ "$(repro_target "$f")" = "$t" ] && files+=("$f")
		done
		[ ${#files[@]} -gt 0 ] && replay_files "$t" "${files[@]}"
	done
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
}

# Functions defined in qemu-device/ (file:name), from the sources: a line
# at column 0 with "(", its continuation lines, then "{" alone.
device_functions() {
	local f
	for f in "$SGNIC_ROOT"/qemu-device/*.c "$SGNIC_ROOT"/qemu-device/*.h; do
		awk -v file="$(basename "$f")" '
			state == 2 {
				if ($0 == "{") print file ":" name
				state = 0
			}
			state == 1 {
				if ($0 ~ /\)$/) state = 2
				else if ($0 ~ /;$/ || $0 !~ /,$/) state = 0
				next
			}
			state == 0 && /^[A-Za-z_][^#]*\(/ && $0 !~ /^typedef/ {
				head = $0
				sub(/\(.*/, "", head)
				n = split(head, w, /[ *]+/)
				name = w[n]
				if ($0 ~ /\)$/) state = 2
				else if ($0 ~ /,$/) state = 1
			}' "$f"
	done
}

# Every function of qemu-device/, with how often each target's corpus
# entered it: the fuzz build counts the device's code (source-based
# coverage, so inlined functions count too); llvm-cov reads the counters.
coverage() {
	local t out=$SGNIC_BUILD/fuzz-coverage.txt tmp args=()
	build >/dev/null
	tmp=$(mktemp -d)
	device_functions >"$tmp/functions"
	for t in $FUZZ_TARGETS; do
		mkdir -p "$work/corpus/$t"
		[ -d "$src/seeds/$t" ] && cp -n "$src/seeds/$t"/* "$work/corpus/$t/" 2>/dev/null
		note "$t: running $(ls "$work/corpus/$t" | wc -l) corpus files once"
		# shellcheck disable=SC2046
		LLVM_PROFILE_FILE=$tmp/$t.profraw "$bin" --fuzz-target="$t" $common_opts \
			$(target_opts "$t") -runs=0 "$work/corpus/$t" >"$tmp/$t.log" 2>&1 ||
			{ tail -30 "$tmp/$t.log" >&2; die "$t: a corpus file crashes (see above); make fuzz-replay"; }
		llvm-profdata-16 merge -sparse "$tmp/$t.profraw" -o "$tmp/$t.profdata" &&
		llvm-cov-16 export -instr-profile="$tmp/$t.profdata" "$bin" \
			"$SGNIC_QEMU_TREE"/hw/net/sgnic/*.[ch] >"$tmp/$t.json" ||
			die "$t: llvm-cov failed"
		args+=("$t=$tmp/$t.json")
	done
	mkdir -p "$SGNIC_BUILD"
	python3 "$src/coverage-table.py" "$tmp/functions" "${args[@]}" | tee "$out"
	note "written to $out"
	rm -rf "$tmp"
}

seeds() {
	build
	rm -rf "$src/seeds.new"
	# shellcheck disable=SC2086
	SGNIC_FUZZ_SEED_DIR=$src/seeds.new "$bin" --fuzz-target=sgnic-write-seeds \
		$common_opts -runs=1 >"$work/logs.seeds" 2>&1 || { tail -20 "$work/logs.seeds" >&2; die "seed writer failed"; }
	rm -rf "$src/seeds"
	mv "$src/seeds.new" "$src/seeds"
	note "seeds in tests/fuzz/seeds/: $(find "$src/seeds" -type f | wc -l) files"
}

case "${1:-run}" in
build) build ;;
run) run ;;
replay) replay main ;;
replay-open) replay open ;;
coverage) coverage ;;
seeds) seeds ;;
*) die "unknown command '$1' (build, run, replay, replay-open, coverage, seeds)" ;;
esac
