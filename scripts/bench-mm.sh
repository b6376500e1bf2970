#!/usr/bin/env bash
# make bench-mm: what the series costs ordinary memory. Page fault, page
# allocation and page free throughput on node 0 (privnode-bench-mm, guest
# suite bench-mm)
# for four arms, built from the same configuration (qemu-guest + privnode
# fragments, no debug checks: build-kernel.sh's "bench" variant):
#   unpatched  Linux 6.12 without the series
#   private0   the patched kernel, no private node
#   private1   the patched kernel, 1 private node, every opt-in on
#   private8   the patched kernel, 8 private nodes, every opt-in on
# Every arm boots the same machine (GUEST_TOPOLOGY=mm-bench, one vCPU).
# BENCH_BOOTS (default 5) boots per arm, interleaved: boot k of every arm
# runs before boot k+1 of any. The report gives, per workload and arm, the
# median and range over the boots of each boot's median, and those as
# ratios to the unpatched arm's median. The goal is a ratio >= 0.99; this
# script reports, it does not judge: read the ranges.
# BENCH_MM_CLOCK picks the guest's clock:
#   icount (default)  the guest's time counts the instructions it executed
#                     (QEMU -icount shift=0: 1 ns each, GUEST_ICOUNT), so a
#                     rate is the inverse of the instructions a page costs,
#                     kernel and user, timer ticks included. Deterministic
#                     to about 0.1% and blind to host load, so it resolves
#                     the 1% of the goal; it measures path length, not
#                     cache misses or branch mispredictions.
#   wall              host time under TCG: what a user waits, but boots of
#                     one kernel spread by 10-20% on a 2-core host.
# BENCH_MM=MB,ITERS,ROUNDS (default 64,4,7) sizes each boot's run.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

boots=${BENCH_BOOTS:-5}
sizes=${BENCH_MM:-64,4,7}
clock=${BENCH_MM_CLOCK:-icount}
case $clock in
icount) icount=0 ;;
wall) icount= ;;
*) die "BENCH_MM_CLOCK: '$clock' is neither icount nor wall" ;;
esac
[[ "$boots" =~ ^[1-9][0-9]*$ ]] || die "BENCH_BOOTS: '$boots' is not a positive number"
[[ "$sizes" =~ ^[1-9][0-9]*,[1-9][0-9]*,[1-9][0-9]*$ ]] ||
	die "BENCH_MM: '$sizes' is not MB,ITERS,ROUNDS"

# The kernels. The unpatched one is built from a worktree of the series'
# base, placed like the main tree and its builds for ccache.
"$here/kernel-tree.sh"
patched=$("$here/build-kernel.sh" bench)
WT=$PRIVNODE_CACHE/bench/linux
if [ ! -d "$WT" ]; then
	mkdir -p "$PRIVNODE_CACHE/bench"
	git -C "$PRIVNODE_CACHE/linux" worktree add -q --detach "$WT" privnode-base
fi
git -C "$WT" checkout -q --detach privnode-base
unpatched=$(PRIVNODE_KTREE=$WT PRIVNODE_KOBJ=$PRIVNODE_CACHE/bench/build/linux-bench \
	PRIVNODE_UNPATCHED=1 "$here/build-kernel.sh" bench)

out=$PRIVNODE_CACHE/runs/bench-mm-$clock
rm -rf "$out"
mkdir -p "$out"
results=$out/results.jsonl
: >"$results"
arms=(unpatched private0 private1 private8)
for b in $(seq 1 "$boots"); do
	for arm in "${arms[@]}"; do
		case $arm in
		unpatched) kernel=$unpatched n=0 ;;
		private*) kernel=$patched n=${arm#private} ;;
		esac
		log "bench-mm: boot $b/$boots, $arm"
		run=$out/$arm-$b
		KERNEL=$kernel INITRD=$PRIVNODE_CACHE/build/initramfs.cpio.gz \
			QEMU=$PRIVNODE_CACHE/build/qemu/qemu-system-x86_64 \
			GUEST_TOPOLOGY=mm-bench GUEST_SMP=1 GUEST_ICOUNT=$icount \
			GUEST_APPEND="privnode.bench_mm=$n,$sizes" \
			"$here/run-guest.sh" check "$run" bench-mm >"$run.log" 2>&1 ||
			die "bench-mm boot $b of $arm failed; see $run.log and $run/"
		grep -a '^not ok' "$run/tap.log" >&2 &&
			die "bench-mm boot $b of $arm: a check failed; see $run/tap.log"
		line=$(grep -a '^# {"private_nodes"' "$run/tap.log" | sed 's/^# //') ||
			die "bench-mm boot $b of $arm printed no result; see $run/tap.log"
		jq -c --arg arm "$arm" --argjson boot "$b" --arg clock "$clock" \
			'. + {arm: $arm, boot: $boot, clock: $clock}' <<<"$line" >>"$results" ||
			die "bench-mm boot $b of $arm: unreadable result: $line"
	done
done

# Per arm and workload: the boots' medians; median and range of those, as
# ratios to the unpatched arm's median.
jq -rs '
  def med: sort | .[(length / 2 | floor)];
  def stats(key): group_by(.arm) | map({key: .[0].arm,
    value: (map(.result[key]) | {med: med, min: min, max: max})}) | from_entries;
  (stats("fault_per_s")) as $f | (stats("alloc_pages_per_s")) as $a |
  (stats("free_pages_per_s")) as $r |
  ["unpatched", "private0", "private1", "private8"] as $arms |
  (["workload", "arm", "median/s", "min/s", "max/s", "ratio", "ratio range"] | @tsv),
  ( [["fault", $f], ["alloc", $a], ["free", $r]][] as [$w, $s] | $arms[] as $arm |
    [$w, $arm, $s[$arm].med, $s[$arm].min, $s[$arm].max,
     ($s[$arm].med / $s.unpatched.med * 10000 | round / 10000),
     "\($s[$arm].min / $s.unpatched.med * 1000 | round / 1000)-\($s[$arm].max / $s.unpatched.med * 1000 | round / 1000)"]
    | @tsv )' "$results" |
	awk -F'\t' '{ printf "%-9s %-10s %12s %12s %12s %8s %13s\n", $1, $2, $3, $4, $5, $6, $7 }' |
	tee "$out/report.txt"
echo "(clock: $clock; ratio: arm median / unpatched median over $boots interleaved boots each; results in $out)"
