# TAP 13 helpers for guest suites (busybox ash). Source, do not execute.
# A suite calls plan N, then one of ok/fail/skip per test, and exits with
# tap_exit. stdout is the TAP stream; diagnostics go to stderr (console).
_tap_n=0
_tap_failed=0

plan() { echo "TAP version 13"; echo "1..$1"; }

# skip_all REASON: the whole suite cannot run here.
skip_all() {
	echo "TAP version 13"
	echo "1..0 # SKIP $*"
	exit 4
}

pass() { _tap_n=$((_tap_n + 1)); echo "ok $_tap_n - $*"; }

fail() {
	_tap_n=$((_tap_n + 1))
	_tap_failed=$((_tap_failed + 1))
	echo "not ok $_tap_n - $*"
}

skip() {
	local what=$1
	shift
	_tap_n=$((_tap_n + 1))
	echo "ok $_tap_n - $what # SKIP $*"
}

# check DESCRIPTION COMMAND...: one test, passing when COMMAND succeeds.
check() {
	local what=$1
	shift
	if "$@" >&2; then pass "$what"; else fail "$what"; fi
}

# diag MESSAGE: a TAP comment, also shown on the console.
diag() { echo "# $*"; echo "diag: $*" >&2; }

# bail REASON: stop the suite here; later tests are reported missing.
bail() { echo "Bail out! $*"; exit 1; }

tap_exit() { [ "$_tap_failed" -eq 0 ]; exit $?; }

# not COMMAND...: succeeds when COMMAND fails (for check).
not() { ! "$@"; }
