#!/usr/bin/env bash
# make bench: the compressed CXL device's write/read throughput as a ratio
# to DRAM (node 0), measured side by side in one boot by privnode-bench
# (guest suite bench-cxl), once with the device's direct map off (every
# access an MMIO exit, the path before it existed) and once on.
# BENCH_MB (default 32) and BENCH_ROUNDS (default 5) size the run.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

out=$PRIVNODE_CACHE/runs/bench
mkdir -p "$out"
for dm in off on; do
	log "bench: direct-map=$dm"
	CXL_DIRECT_MAP=$dm SUITES=bench-cxl \
		GUEST_APPEND="privnode.bench=${BENCH_MB:-32},${BENCH_ROUNDS:-5} ${GUEST_APPEND:-}" \
		"$here/guest.sh" test >"$out/direct-map-$dm.log" 2>&1 ||
		die "bench run with direct-map=$dm failed; see $out/direct-map-$dm.log and $PRIVNODE_CACHE/runs/guest-test/"
	grep -a '^# {' "$PRIVNODE_CACHE/runs/guest-test/tap.log" | sed 's/^# //' >"$out/direct-map-$dm.json"
	[ -s "$out/direct-map-$dm.json" ] || die "bench run with direct-map=$dm printed no result"
done
printf '%-16s %12s %12s %12s %12s %8s %8s\n' direct-map "CXL write" "DRAM write" "CXL read" "DRAM read" "write x" "read x"
for dm in off on; do
	jq -r --arg dm "$dm" '[$dm, .write_mbps, .base_write_mbps, .read_mbps, .base_read_mbps,
		.write_ratio, .read_ratio] | @tsv' "$out/direct-map-$dm.json" |
		awk -F'\t' '{ printf "%-16s %9.1f MB/s %7.1f MB/s %7.1f MB/s %7.1f MB/s %8.4f %8.4f\n",
			$1, $2, $3, $4, $5, $6, $7 }'
done
echo "(x = CXL / DRAM in the same boot; results in $out)"
