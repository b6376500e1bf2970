#!/bin/sh
# The privnode demo: a CXL type-3 device becomes a NUMA node, and a program
# runs with its memory there.
. /privnode/lib/cxl.sh

say() { printf '\n\033[1m### %s\033[0m\n' "$*"; }
run() { echo "# $*"; "$@"; }

mem=$(cxl_first_memdev) || { echo "demo: no CXL memdev found" >&2; exit 1; }
root=$(cxl_root_ram_decoder) || { echo "demo: no ram-capable root decoder" >&2; exit 1; }
size=$(cxl_ram_size "$mem")

say "The CXL device, as Debian's ndctl 76.1 sees it"
run cxl list -M -u

say "Before: NUMA nodes"
run numactl -H

say "Create a ram region from $mem through sysfs (ndctl 76.1 cannot) and online it"
ep=$(cxl_free_endpoint_decoder "$mem")
region=$(cxl_create_ram_region "$root" "$ep" "$size") ||
	{ echo "demo: region creation failed (see above)" >&2; exit 1; }
dax=$(cxl_region_dax "$region")
echo "region $region, dax device $dax"
run daxctl online-memory "$dax"

say "After: the device is a CPU-less NUMA node"
run numactl -H
nid=$(nodes_in has_memory | tr ' ' '\n' | tail -n1)

say "Use it: 4 MiB of tmpfs written with --membind=$nid (CXL is slow under TCG)"
run numactl --membind="$nid" sh -c 'head -c 4194304 /dev/urandom >/tmp/demo'
grep -E 'MemUsed|Shmem:' "$NODE/node$nid/meminfo"
rm -f /tmp/demo
