#!/usr/bin/env bash
# make bench-cram: zswap against cram, in one boot of the CXL guest on the
# kernel without debug checks (build-kernel.sh's "bench" variant). The
# guest suite bench-cram runs privnode-cram-bench over five arms, with a
# 1 GiB virtio disk as swap: dram (no limit, the reference), zswap-lz4 and
# zswap-zstd (zsmalloc), cram-cxl (a private_type=cram region on the QEMU
# compressed device, direct map on) and cram-soft (the software provider).
# Every arm but dram leaves the workload half its working set of DRAM.
# scripts/bench-cram-report makes the CSV, the plots and report.md of the
# results, in $PRIVNODE_CACHE/runs/bench-cram.
# BENCH_CRAM passes options to privnode-cram-bench as KEY=VALUE,... with
# ':' for commas in a value, e.g. BENCH_CRAM=mb=32,runs=1,arms=dram:zswap-lz4
# (default: mb=64,runs=5, every arm, content and pattern).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

opts=${BENCH_CRAM:-mb=64,runs=5}
[[ "$opts" =~ ^([a-z-]+=[a-z0-9:-]+)(,[a-z-]+=[a-z0-9:-]+)*$ ]] ||
	die "BENCH_CRAM: '$opts' is not KEY=VALUE,... (values: a-z 0-9 - :)"

"$here/kernel-tree.sh"
kernel=$("$here/build-kernel.sh" bench)
qemu=$PRIVNODE_CACHE/build/qemu/qemu-system-x86_64
initrd=$PRIVNODE_CACHE/build/initramfs.cpio.gz

out=$PRIVNODE_CACHE/runs/bench-cram
rm -rf "$out"
mkdir -p "$out"
# sparse: the guest's swap, on the host's file system (host page cache)
truncate -s 1G "$out/swap.img"
log "bench-cram: one boot, options $opts (about 20 minutes for the defaults)"
KERNEL=$kernel INITRD=$initrd QEMU=$qemu GUEST_SWAP_DISK=$out/swap.img GUEST_TOPOLOGY=cram-bench \
	GUEST_TIMEOUT=${GUEST_TIMEOUT:-7200} GUEST_APPEND="privnode.bench_cram=$opts ${GUEST_APPEND:-}" \
	"$here/run-guest.sh" check "$out/guest" bench-cram >"$out/guest.log" 2>&1 ||
	die "the bench-cram boot failed; see $out/guest.log and $out/guest/"
grep -a '^not ok' "$out/guest/tap.log" >&2 && die "bench-cram: a check failed; see $out/guest/tap.log"
grep -a '^# {"run"' "$out/guest/tap.log" | sed 's/^# //' >"$out/results.jsonl"
[ -s "$out/results.jsonl" ] || die "bench-cram printed no results; see $out/guest/tap.log"
rm -f "$out/swap.img"

# what the figures came from
kver=$(grep -a -m1 -o 'Linux version [^ ]*' "$out/guest/console.log" | cut -d' ' -f3)
jq -n --arg date "$(date -u +%Y-%m-%dT%H:%MZ)" \
	--arg host "$(lscpu | sed -n 's/^Model name: *//p' | head -n1), $(nproc) CPUs, $(free -g | awk '/^Mem:/ {print $2}') GiB" \
	--arg kernel "$kver ($(git -C "$PRIVNODE_CACHE/linux" describe --always --tags 2>/dev/null), bench config: qemu-guest + privnode fragments)" \
	--arg qemu "$("$qemu" --version | head -n1) with qemu/ patches $(cd "$PRIVNODE_TOP/qemu" && ls 0*.patch | wc -l)" \
	--arg guest "TCG, 3 vCPUs, node 0 1 GiB DRAM; CXL type-3 256 MiB logical / 128 MiB media (compressed=on, direct-map=on); cram_soft 128 MiB over a 256 MiB carve-out; 1 GiB virtio-blk swap (raw file, host page cache)" \
	--arg options "privnode-cram-bench $opts" \
	'{date: $date, host: $host, kernel: $kernel, qemu: $qemu, guest: $guest, options: $options}' >"$out/meta.json"
"$here/bench-cram-report" "$out/results.jsonl" "$out" --meta "$out/meta.json" >/dev/null
cat "$out/report.md"
echo "(CSV, plots and report in $out)"
