#!/usr/bin/env bash
# make check: everything from a fresh Debian 12 machine to a verdict.
#   1 install packages   2 userspace build + unit tests   3 kernel tree +
#   series + checkpatch  4 kernel build  5 QEMU build  6 initramfs
#   7 boot the CXL guest and run the suites  8 one summary line
# Environment: SUITES (comma list, default: every suite in tests/guest/suites
# but bench-*, debug-* and modules-*, and cxl-plain in a second boot), GUEST_TIMEOUT (seconds), PRIVNODE_CACHE (default
# ~/.cache/privnode), CHECK_VARIANT (test, the default; or debug: make
# check-debug, the kernel of kernel-config/check-debug.config and, after
# every suite, debug-kmemleak; or modules: make check-modules, the dax
# drivers as modules loaded when their devices appear, and the suites that
# make regions).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

variant=${CHECK_VARIANT:-test}
case "$variant" in
test) name="make check" ;;
debug) name="make check-debug" ;;
modules) name="make check-modules" ;;
*) die "CHECK_VARIANT=$variant: must be test, debug or modules" ;;
esac
RUN=$PRIVNODE_CACHE/runs/check${variant#test}
mkdir -p "$RUN"
passed=0 failed=0 skipped=0
failures=()

stage() { printf '\n==> %s\n' "$*" >&2; }
t0=$SECONDS
elapsed() { printf '%dm%02ds' $(((SECONDS - t0) / 60)) $(((SECONDS - t0) % 60)); }

stage "packages"
"$here/install-deps.sh"

stage "userspace build and unit tests"
ubuild=$("$here/build-userspace.sh")
ulog=$PRIVNODE_CACHE/logs/unit-tests.log
if ctest --test-dir "$ubuild" --output-on-failure -j"$(nproc)" >"$ulog" 2>&1; then :; fi
if ! line=$(grep -E 'tests passed, [0-9]+ tests failed out of [0-9]+' "$ulog"); then
	tail -n 20 "$ulog" >&2
	die "unit tests did not run; full log: $ulog"
fi
total=$(sed -E 's/.* out of ([0-9]+).*/\1/' <<<"$line")
ufail=$(sed -E 's/.* ([0-9]+) tests failed.*/\1/' <<<"$line")
uskip=$(grep -c '(Skipped)' "$ulog" || true)
grep -E '^ *[0-9]+ - .*\((Failed|Skipped|Not Run|Timeout)\)' "$ulog" >&2 || true
passed=$((passed + total - ufail - uskip))
failed=$((failed + ufail))
skipped=$((skipped + uskip))
[ "$ufail" = 0 ] || failures+=("unit tests: $ufail failed (log: $ulog)")
echo "unit tests: $((total - ufail - uskip)) passed, $ufail failed, $uskip skipped" >&2

stage "kernel series and checkpatch"
"$here/kernel-tree.sh"
cplog=$PRIVNODE_CACHE/logs/checkpatch.log
"$here/checkpatch.sh" >"$cplog" 2>&1 || true
grep -E '^not ok' "$cplog" >&2 || true
cpok=$(grep -c '^ok' "$cplog" || true)
cpbad=$(grep -c '^not ok' "$cplog" || true)
passed=$((passed + cpok))
failed=$((failed + cpbad))
[ "$cpbad" = 0 ] || failures+=("checkpatch: $cpbad patch(es) not clean (log: $cplog)")
tail -n1 "$cplog" >&2

stage "kernel build"
kernel=$("$here/build-kernel.sh" "$variant")

stage "QEMU build"
qemu=$("$here/build-qemu.sh")

stage "QEMU device checks (host side)"
# The compressed device's mailbox under -accel qtest, no guest
# (tests/qemu/mailbox.py): the CEL with and without compressed=on, Media
# Operations, exhaustion, the batched stats read; then the qtest of the
# QEMU series. One "ok"/"FAIL" line a check.
qlog=$PRIVNODE_CACHE/logs/qemu-mailbox.log
: >"$qlog"
: >"$qlog.stderr"
for m in on off; do
	out=$(timeout -k 10 600 python3 "$PRIVNODE_TOP/tests/qemu/mailbox.py" "$qemu" "$m" \
		2>>"$qlog.stderr") ||
		grep -q '^FAIL' <<<"$out" ||
		out+=$'\n'"FAIL mailbox.py $m stopped with an error (log: $qlog.stderr)"
	echo "$out" >>"$qlog"
done
# The series' own qtest (tests/qtest/cxl-compressed-test.c, libqtest): a
# wrapper named like QEMU (libqtest takes the target from the name) adds
# Debian's firmware directories, which the build tree lacks.
qtw=$PRIVNODE_CACHE/build/qtest-wrapper
rm -rf "$qtw"
mkdir -p "$qtw"
printf '#!/bin/sh\nexec %q -L /usr/share/seabios -L /usr/share/qemu "$@"\n' "$qemu" \
	>"$qtw/qemu-system-x86_64"
chmod +x "$qtw/qemu-system-x86_64"
qtest=$(dirname "$qemu")/tests/qtest/cxl-compressed-test
out=$(QTEST_QEMU_BINARY=$qtw/qemu-system-x86_64 timeout 300 "$qtest" --tap 2>>"$qlog.stderr") ||
	out+=$'\n'"FAIL cxl-compressed-test stopped with an error (log: $qlog.stderr)"
rm -rf "$qtw"
# its TAP lines as "ok"/"FAIL" lines: a skip or a TODO is a failure, and
# so is a count of results other than its plan
sed -n -e '/^FAIL /{p;d}' -e '/^ok .*# *\(SKIP\|TODO\)/{s/^ok [0-9]* /FAIL qtest (skipped) /p;d}' \
	-e 's/^ok [0-9]* /ok   qtest /p' -e 's/^not ok [0-9]* /FAIL qtest /p' <<<"$out" >>"$qlog"
qplan=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' <<<"$out")
qran=$(grep -cE '^(not )?ok [0-9]+ ' <<<"$out" || true)
[ -n "$qplan" ] && [ "$qplan" -gt 0 ] && [ "$qran" = "$qplan" ] ||
	echo "FAIL cxl-compressed-test: ${qran:-0} results for a plan of ${qplan:-none}" >>"$qlog"
qok=$(grep -c '^ok' "$qlog" || true)
qbad=$(grep -c '^FAIL' "$qlog" || true)
grep '^FAIL' "$qlog" >&2 || true
passed=$((passed + qok))
failed=$((failed + qbad))
[ "$qbad" = 0 ] || failures+=("QEMU device checks: $qbad failed (log: $qlog)")
echo "QEMU device checks: $qok passed, $qbad failed" >&2

if [ -x "$here/build-selftests.sh" ]; then
	stage "kernel selftests for the guest"
	"$here/build-selftests.sh"
fi

stage "initramfs"
initrd=$PRIVNODE_CACHE/build/initramfs.cpio.gz
if [ "$variant" = modules ]; then
	initrd=$PRIVNODE_CACHE/build/initramfs-modules.cpio.gz
	MODULES_ROOT=$(dirname "$kernel")/../../../modroot "$here/mkinitramfs.sh" "$ubuild" "$initrd"
else
	"$here/mkinitramfs.sh" "$ubuild" "$initrd"
fi

# Suites that need a machine of their own: cxl-plain boots with a CXL
# device that does not compress (CXL_COMPRESSED=off).
plain_suites=cxl-plain
plain=
if [ -z "${SUITES:-}" ] && [ "$variant" = modules ]; then
	SUITES=modules-dax,privnodectl,cxl-private,cxl-cram
elif [ -z "${SUITES:-}" ]; then
	SUITES=$(cd "$PRIVNODE_TOP/tests/guest/suites" && ls |
		grep -v -e "^bench-" -e "^debug-" -e "^modules-" -e "^cxl-exhaust$" -e "^cxl-rehotplug$" \
			-e "^cxl-plain$" |
		paste -sd, -)
	# cxl-exhaust runs last: the pages the device loses go through the
	# kernel's memory_failure() (HardwareCorrupted, the machine check
	# log), which no other suite should see. cxl-rehotplug follows it:
	# x86 took those pages out of the direct map (set_mce_nospec()), and
	# memory hot-added at their addresses again must be mapped again
	# (patch 1 of the series).
	SUITES+=,cxl-exhaust,cxl-rehotplug
	# Leaks are judged once every other suite has run.
	[ "$variant" != debug ] || SUITES+=,debug-kmemleak
	plain=$plain_suites
fi
# The debug kernel runs several times slower under TCG; PAGE_OWNER only
# tracks pages when asked to on the command line. It runs with 4-level
# paging: in 6.12, identify_cpu() clears boot_cpu_data's capabilities
# with interrupts on, and KASAN, which sizes its shadow by
# pgtable_l5_enabled() (that capability, until alternatives are patched),
# then reports an interrupt handler's access to the LA57 direct map as
# wild (seen once at 2 s into boot, 2026-12-05, in handle_edge_irq). The
# test kernel (make check) keeps 5-level paging.
if [ "$variant" = debug ]; then
	export GUEST_TIMEOUT=${GUEST_TIMEOUT:-3600}
	export GUEST_APPEND="${GUEST_APPEND:-} page_owner=on"
	export GUEST_CPU=${GUEST_CPU:-max,la57=off}
fi
# guest_run WHAT OUTDIR SUITES [VAR=VALUE...]: one boot; its verdict into
# the totals
guest_run() {
	local what=$1 out=$2 list=$3 glog gline gfail
	shift 3
	stage "guest$what: $list"
	env "$@" KERNEL="$kernel" INITRD="$initrd" QEMU="$qemu" \
		"$here/run-guest.sh" check "$out" "$list" || true
	glog=$out/report.txt
	"$ubuild/userspace/harness/privnode-guestlog" --expected-skips "$PRIVNODE_TOP/tests/guest/expected-skips" \
		"$out/tap.log" "$out/console.log" $(tr , ' ' <<<"$list") >"$glog" || true
	grep -vE '^PASS ' "$glog" | sed '$d' >&2 || true
	gline=$(tail -n1 "$glog" 2>/dev/null || true)
	if [[ "$gline" =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed(,\ ([0-9]+)\ skipped)?$ ]]; then
		gfail=${BASH_REMATCH[2]}
		passed=$((passed + BASH_REMATCH[1]))
		skipped=$((skipped + ${BASH_REMATCH[4]:-0}))
	else
		gfail=1
		gline="no verdict: the guest run produced no usable logs"
	fi
	failed=$((failed + gfail))
	[ "$gfail" = 0 ] || failures+=("guest$what: $gfail failed (report: $glog, console: $out/console.log)")
	echo "guest$what: $gline" >&2
}
guest_run "" "$RUN" "$SUITES"
[ -z "$plain" ] || guest_run " (CXL device without compression)" "$RUN/plain" "$plain" CXL_COMPRESSED=off

printf '\n' >&2
for f in "${failures[@]}"; do echo "FAILED: $f" >&2; done
echo "$name took $(elapsed)" >&2
if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" = 0 ]
