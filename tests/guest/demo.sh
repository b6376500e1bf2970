#!/bin/sh
# The privnode demo: a CXL type-3 memory device becomes a NUMA node with
# privnodectl, a program puts data there, and the node goes away again
# without losing it. Then a private node: memory only explicit users get.
. /privnode/lib/cxl.sh
. /privnode/lib/private.sh

say() { printf '\n\033[1m### %s\033[0m\n' "$*"; }
run() { echo "# $*" >&2; "$@"; }

set -e
mem=$(cxl_first_memdev) || { echo "demo: no CXL memdev found" >&2; exit 1; }

say "The CXL memory device (privnodectl list -M, JSON like cxl list)"
run privnodectl list -M -u

say "Before: NUMA nodes"
run numactl -H

type=private
if ! privnodectl create-region -m "$mem" -t private >/tmp/region.json 2>/tmp/region.err; then
	say "This kernel has no private regions yet:"
	cat /tmp/region.err
	type=sysram
	say "Create an ordinary (sysram) region instead"
	run privnodectl -v create-region -m "$mem" -t sysram >/tmp/region.json ||
		{ echo "demo: region creation failed (see above)" >&2; exit 1; }
fi
cat /tmp/region.json
region=$(jq -r .region /tmp/region.json)
nid=$(jq -r .node /tmp/region.json)

say "After: the device is node $nid ($type, no CPUs)"
run numactl -H
run privnodectl list -N -n "$nid" -u

say "Use it: 4 MiB written to tmpfs with --membind=$nid (CXL is slow under TCG)"
run numactl --membind="$nid" sh -c 'head -c 4194304 /dev/urandom >/tmp/demo'
echo 1 >/proc/sys/vm/stat_refresh
grep -E 'MemUsed|Shmem:' "$NODE/node$nid/meminfo"
sum=$(md5sum </tmp/demo)

say "Take the region down: its pages move to node 0 first"
run privnodectl destroy-region "$region"
if [ "$(md5sum </tmp/demo)" = "$sum" ]; then
	echo "data intact after destroy-region (md5 ${sum%% *})"
else
	echo "demo: data changed across destroy-region!" >&2
	exit 1
fi
run numactl -H
rm -f /tmp/demo

say "A private node: RAM the guest kernel left unused, hot-added by the test driver"
if ! tpn_available; then
	echo "This kernel has no private-node test driver (CONFIG_TEST_PRIVATE_NODE)."
	exit 0
fi
pn=$(tpn_nodes | head -n 1)
run tpn_add "$pn" migration,mempolicy
echo "has_memory:         $(cat "$NODE/has_memory")"
echo "has_private_memory: $(cat "$NODE/has_private_memory")"
echo "node$pn/private/owner: $(cat "$NODE/node$pn/private/owner")"
echo "node$pn/private/ops:   $(cat "$NODE/node$pn/private/ops")"
grep Mems_allowed_list /proc/self/status
run numactl -H

say "Ordinary allocations never land there (malloc, mmap, THP, tmpfs, slab)"
run privnode-isolation --mb 16 --tmpfs /tmp | grep -v '^#'

say "mbind(MPOL_BIND) and move_pages do, because the owner opted in"
run privnode-placement mbind "$pn" --pages 1024
run privnode-placement move-pages "$pn" --pages 1024

say "Hot-remove it while 512 bound pages are in use: they move to node 0, intact"
run privnode-placement hot-remove "$pn" --pages 512 --remove-file "$TPN/remove"
echo "has_private_memory: '$(cat "$NODE/has_private_memory")'"
