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
log "bench-cram: one boot, options $opts (25-40 minutes for the defaults on 2 cores)"
rc=0
KERNEL=$kernel INITRD=$initrd QEMU=$qemu GUEST_SWAP_DISK=$out/swap.img GUEST_TOPOLOGY=cram-bench \
	GUEST_TIMEOUT=${GUEST_TIMEOUT:-7200} GUEST_APPEND="privnode.bench_cram=$opts ${GUEST_APPEND:-}" \
	"$here/run-guest.sh" check "$out/guest" bench-cram >"$out/guest.log" 2>&1 || rc=$?
rm -f "$out/swap.img"
# the runs that finished count even if the boot failed later: report them, then fail
grep -a '^# {"run"' "$out/guest/tap.log" | sed 's/^# //' >"$out/results.jsonl" || true
[ -s "$out/results.jsonl" ] || die "bench-cram printed no results; see $out/guest.log and $out/guest/"

# what the figures came from
kver=$(grep -a -m1 -o 'Linux version [^ ]*' "$out/guest/console.log" | cut -d' ' -f3)
jq -n --arg date "$(date -u +%Y-%m-%dT%H:%MZ)" \
	--arg host "$(lscpu | sed -n 's/^Model name: *//p' | head -n1), $(nproc) CPUs, $(free -g | awk '/^Mem:/ {print $2}') GiB" \
	--arg kernel "$kver ($(git -C "$PRIVNODE_CACHE/linux" describe --always --tags 2>/dev/null), bench config: qemu-guest + privnode fragments, no debug checks)" \
	--arg qemu "$("$qemu" --version | head -n1) with the $(find "$PRIVNODE_TOP/qemu" -name '0*.patch' | wc -l) patches of qemu/" \
	--arg guest "TCG; node 0: 1 GiB, 3 vCPUs (the rest of the system); node 2: 160 MiB (92 MiB managed), 1 vCPU, the workload's DRAM; CXL type-3 256 MiB logical / 128 MiB media (compressed=on, direct-map=on); cram_soft 128 MiB over a 256 MiB carve-out (node 1); 1 GiB virtio-blk swap (raw file, host page cache)" \
	--arg options "privnode-cram-bench $opts --min-free-kbytes 8192 (suite bench-cram)" \
	'{date: $date, host: $host, kernel: $kernel, qemu: $qemu, guest: $guest, options: $options}' >"$out/meta.json"
"$here/bench-cram-report" "$out/results.jsonl" "$out" --meta "$out/meta.json" >/dev/null
cat "$out/report.md"
echo "(CSV, plots and report in $out)"
[ $rc = 0 ] || die "the bench-cram boot failed (status $rc); the report has the runs that finished; see $out/guest.log and $out/guest/"
if grep -a '^not ok' "$out/guest/tap.log" >&2; then
	die "bench-cram: a check failed; see $out/guest/tap.log"
fi
