#!/usr/bin/env bash
# Boot the already-built guest: guest.sh demo | shell | test
# (test runs $SUITES, default all, and prints the verdict).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

export KERNEL=$PRIVNODE_CACHE/build/linux-test/arch/x86/boot/bzImage
export INITRD=$PRIVNODE_CACHE/build/initramfs.cpio.gz
export QEMU=$PRIVNODE_CACHE/build/qemu/qemu-system-x86_64
case "${1:-}" in
demo | shell) exec "$here/run-guest.sh" "$1" ;;
test)
	suites=${SUITES:-$(cd "$PRIVNODE_TOP/tests/guest/suites" && ls | grep -v -e "^bench-" -e "^debug-" -e "^modules-" | paste -sd, -)}
	run=$PRIVNODE_CACHE/runs/guest-test
	"$here/run-guest.sh" check "$run" "$suites" || true
	exec "$PRIVNODE_CACHE/build/userspace/userspace/harness/privnode-guestlog" \
		--expected-skips "$PRIVNODE_TOP/tests/guest/expected-skips" \
		"$run/tap.log" "$run/console.log" $(tr , ' ' <<<"$suites")
	;;
*) die "usage: guest.sh demo|shell|test" ;;
esac
