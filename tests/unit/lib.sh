# SPDX-License-Identifier: GPL-2.0
#
# The harness of the CLI suites in this directory (test_sgnic_*.sh), sourced
# by each one.  A suite calls start_suite, then "run ARGS..." to run its tool
# and "check NAME COMMAND..." for each test point, and finish last.
#
# Output is TAP: one "ok N name" / "not ok N name" line per check, the plan
# line, then "N passed, N failed", the closing line the Makefile reads; the
# suite exits non-zero when a check failed.

passed=0
failed=0
n=0
out=
err=
rc=
last_run=

# start_suite NAME BINARY: NAME is the tool as messages call it; check that
# BINARY is there, make the scratch directory $tmp and start the TAP output
start_suite() {
	tool_name=$1
	tool=$2

	if [ ! -x "$tool" ]; then
		echo "$tool_name not found at $tool (build userspace-tools first)" >&2
		exit 2
	fi
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	echo "TAP version 13"
}

# run ARGS...: run the tool, keep stdout in $out, stderr in $err, status in $rc
run() {
	last_run="$tool_name $*"
	"$tool" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	out=$(cat "$tmp/out")
	err=$(cat "$tmp/err")
}

# check NAME COMMAND...: one test point, passing when COMMAND succeeds
check() {
	local name=$1

	shift
	n=$((n + 1))
	if "$@"; then
		passed=$((passed + 1))
		echo "ok $n $name"
	else
		failed=$((failed + 1))
		echo "not ok $n $name"
		echo "# check: $*"
		echo "# after: $last_run"
		echo "# exit status: $rc"
		sed 's/^/# stdout: /' "$tmp/out" | head -n 60
		sed 's/^/# stderr: /' "$tmp/err"
	fi
}

# finish: the plan and the closing line; returns non-zero when a check failed
# (a suite ends with it, so that is the suite's exit status)
finish() {
	echo "1..$n"
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
}

# ---- Checks on the last run ------------------------------------------------

# status_is N: the last run exited with N
status_is() {
	[ "$rc" -eq "$1" ]
}

# usage_error: exit 2, a message on stderr, nothing on stdout
usage_error() {
	[ "$rc" -eq 2 ] && [ -n "$err" ] && [ -z "$out" ]
}

# stderr_has TEXT: the message on stderr contains TEXT
stderr_has() {
	grep -qF -- "$1" <<<"$err"
}

# squeeze: blanks collapsed to one space, none at either end
squeeze() {
	sed -E 's/[[:space:]]+/ /g; s/^ //; s/ $//'
}

# has_fields WORDS: stdout has a line that is WORDS once blanks are squeezed
has_fields() {
	squeeze <<<"$out" | grep -qxF -- "$1"
}

# block_has HEADER WORDS: in the block starting with line HEADER (up to the
# next blank line), a line is WORDS once blanks are squeezed
block_has() {
	awk -v h="$1" '$0 == h { on = 1; next } on && /^$/ { exit } on' \
		<<<"$out" | squeeze | grep -qxF -- "$2"
}

# count_lines REGEX N: exactly N stdout lines match the extended REGEX
count_lines() {
	[ "$(grep -cE -- "$1" <<<"$out")" -eq "$2" ]
}

# json_ok PYTHON-EXPR: stdout parses as JSON and the expression on it (d)
# holds; the expression may span lines
json_ok() {
	python3 -c '
import json, sys
try:
    d = json.load(sys.stdin)
    sys.exit(0 if eval("(" + sys.argv[1] + "\n)") else 1)
except Exception as e:
    print("# json: %s: %s" % (type(e).__name__, e))
    sys.exit(1)
' "$1" <<<"$out"
}
