#!/usr/bin/env bash
# Boot the CXL guest COUNT times in a row (check mode, no suite: the guest
# boots, its init powers off at once) and count how the boots ended, to
# measure a rare QEMU crash with and without a fix (qemu/README.md).
#   boot-stress.sh [COUNT]            (default 100)
# Environment: QEMU (binary; default the built one), KERNEL, INITRD (default
# the built ones), LOAD (busy loops on the host beside QEMU, default 2),
# GUEST_SMP (vCPUs, run-guest.sh; default 3), GUEST_TIMEOUT (seconds per
# boot, default 120), OUT (directory for the logs of the boots that did not
# end well, default $PRIVNODE_CACHE/runs/boot-stress).
# Prints one line per bad boot and a summary line; exits 1 if any boot
# crashed, failed or timed out.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

count=${1:-100}
[[ "$count" =~ ^[1-9][0-9]*$ ]] || die "usage: boot-stress.sh [COUNT]"
load=${LOAD:-2}
[[ "$load" =~ ^[0-9]+$ ]] || die "LOAD must be a number of busy loops"
export KERNEL=${KERNEL:-$PRIVNODE_CACHE/build/linux-test/arch/x86/boot/bzImage}
export INITRD=${INITRD:-$PRIVNODE_CACHE/build/initramfs.cpio.gz}
export QEMU=${QEMU:-$PRIVNODE_CACHE/build/qemu/qemu-system-x86_64}
export GUEST_TIMEOUT=${GUEST_TIMEOUT:-120}
for f in "$KERNEL" "$INITRD" "$QEMU"; do
	[ -r "$f" ] || die "$f is missing (build it first)"
done
out=${OUT:-$PRIVNODE_CACHE/runs/boot-stress}
mkdir -p "$out"

# The background load: plain busy loops, killed by their pids at exit.
hogs=()
stop_load() {
	local p
	for p in "${hogs[@]}"; do
		kill "$p" 2>/dev/null || true
	done
	for p in "${hogs[@]}"; do
		wait "$p" 2>/dev/null || true
	done
	hogs=()
}
trap stop_load EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
for ((i = 0; i < load; i++)); do
	(while :; do :; done) &
	hogs+=($!)
done

ok=0 segv=0 failed=0 timedout=0 nodone=0
t0=$SECONDS
for ((n = 1; n <= count; n++)); do
	run=$out/boot
	rm -rf "$run"
	rc=0
	"$here/run-guest.sh" check "$run" none 2>/dev/null || rc=$?
	case $rc in
	0)
		if grep -aq '^# privnode-run-done' "$run/tap.log" 2>/dev/null; then
			ok=$((ok + 1))
			[ $((n % 10)) != 0 ] || log "boot $n/$count: $ok ok so far"
			continue
		fi
		what="QEMU exited 0 before the guest's init was done"
		nodone=$((nodone + 1))
		;;
	139) what="QEMU crashed (SIGSEGV)" segv=$((segv + 1)) ;;
	124 | 137) what="timed out after ${GUEST_TIMEOUT}s" timedout=$((timedout + 1)) ;;
	*) what="QEMU exited with status $rc" failed=$((failed + 1)) ;;
	esac
	rm -rf "$out/boot-$n"
	mv "$run" "$out/boot-$n"
	log "boot $n/$count: $what (logs: $out/boot-$n)"
done
rm -rf "${out:?}/boot"
stop_load

summary="boot-stress: $count boots, $ok ok, $segv crashed (SIGSEGV), $failed other QEMU exit status, $timedout timed out"
[ "$nodone" = 0 ] || summary+=", $nodone exited before init was done"
summary+=" [qemu=$QEMU smp=${GUEST_SMP:-3} load=$load, $(((SECONDS - t0) / 60))m$(((SECONDS - t0) % 60))s]"
echo "$summary"
[ "$ok" = "$count" ]
