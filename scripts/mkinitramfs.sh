#!/usr/bin/env bash
# Build the guest initramfs: busybox-static, cxl/daxctl/numactl and jq with
# their shared libraries, our userspace binaries and tests/guest.
# Usage: mkinitramfs.sh USERSPACE_BUILD_DIR OUT.cpio.gz
# Environment: MODULES_ROOT (a modules_install tree to include)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

ubuild=$1 out=$2
root=$(mktemp -d "$PRIVNODE_CACHE/initramfs.XXXXXX")
trap 'rm -rf "$root"' EXIT
chmod 755 "$root" # mktemp makes it 0700: the guest's / must be traversable
mkdir -p "$root"/{bin,sbin,lib,lib64,usr/bin,usr/lib,etc,proc,sys,dev,tmp,run,privnode/bin}

# Static means no program interpreter (readelf is in binutils, which
# build-essential brings; file(1) is not installed on a minimal system).
[ -x /bin/busybox ] || die "/bin/busybox is missing (apt-get install busybox-static)"
command -v readelf >/dev/null || die "readelf not found (apt-get install binutils)"
! readelf -lW /bin/busybox | grep -q 'program interpreter' ||
	die "/bin/busybox is dynamically linked; the initramfs needs busybox-static (apt-get install busybox-static)"
cp /bin/busybox "$root/bin/busybox"

# copy_with_libs BINARY: the binary into /usr/bin, its libraries into /lib.
copy_with_libs() {
	local bin=$1 dest=${2:-$root/usr/bin} lib
	[ -x "$bin" ] || die "$bin not found (apt-get install its package)"
	cp -L "$bin" "$dest/"
	for lib in $(ldd "$bin" | awk '/=>/ { print $3 } /^\t\/lib/ { print $1 }'); do
		[ -e "$root/lib/$(basename "$lib")" ] || cp -L "$lib" "$root/lib/"
	done
}
for b in /usr/bin/cxl /usr/bin/daxctl /usr/bin/numactl /usr/bin/jq; do
	copy_with_libs "$b"
done
cp -L /lib64/ld-linux-x86-64.so.2 "$root/lib64/"
# daxctl reads its configuration directory; an empty one is enough.
mkdir -p "$root/etc/daxctl.conf.d"

# Our binaries: what the userspace build made for the guest, and the kernel
# selftests scripts/build-selftests.sh compiled, all into /privnode/bin.
for dir in "$ubuild/guest-bin" "$PRIVNODE_CACHE/build/selftests"; do
	[ -d "$dir" ] || continue
	for b in "$dir"/*; do
		[ -f "$b" ] && [ -x "$b" ] && copy_with_libs "$b" "$root/privnode/bin"
	done
done

# MODULES_ROOT (make check-modules): a kernel's modules_install tree; its
# lib/modules goes in, and the init loads modules as devices appear
if [ -n "${MODULES_ROOT:-}" ]; then
	[ -d "$MODULES_ROOT/lib/modules" ] || die "MODULES_ROOT=$MODULES_ROOT has no lib/modules"
	mkdir -p "$root/lib/modules"
	cp -a "$MODULES_ROOT/lib/modules/." "$root/lib/modules/"
fi

cp "$PRIVNODE_TOP/tests/guest/init" "$root/init"
cp -r "$PRIVNODE_TOP/tests/guest/lib" "$PRIVNODE_TOP/tests/guest/suites" "$root/privnode/"
cp "$PRIVNODE_TOP/tests/guest/demo.sh" "$root/privnode/demo.sh"
chmod +x "$root/init" "$root/privnode/demo.sh" "$root"/privnode/suites/*
echo "root:x:0:0:root:/root:/bin/sh" >"$root/etc/passwd"
echo "nobody:x:65534:65534:nobody:/:/bin/sh" >>"$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"

tmp=$out.tmp
(cd "$root" && find . -print0 | LC_ALL=C sort -z |
	cpio --null -o -H newc --quiet -R 0:0 | gzip -1 >"$tmp") ||
	die "could not write $out"
mv "$tmp" "$out"
