#!/bin/sh
# The privnode demo: a CXL type-3 memory device becomes a private NUMA node
# with privnodectl. Ordinary allocations never land there; a program that
# binds to the node does. The region cannot be torn down while its memory is
# online, and destroy-region moves the pages to node 0 without losing them.
# Then cram on the CXL device, which compresses inline (the device's own
# usage figures, demotion onto it), and cram on a software compressing
# device: demotion, reads without faults, a write that copies the page
# back, and backpressure under a capacity cut.
. /privnode/lib/cxl.sh

say() { printf '\n\033[1m### %s\033[0m\n' "$*"; }
run() { echo "# $*" >&2; "$@"; }
# demote NODE PAGES: demotion on, a cgroup "demo" with the memory
# controller, and privnode-cram demote of PAGES text pages onto NODE in it
# (memory.reclaim); demotion_enabled is put back by undemote
demote() {
	demote0=$(cat /sys/kernel/mm/numa/demotion_enabled)
	echo true >/sys/kernel/mm/numa/demotion_enabled
	echo +memory >/sys/fs/cgroup/cgroup.subtree_control
	mkdir -p /sys/fs/cgroup/demo
	run sh -c "echo \$\$ >/sys/fs/cgroup/demo/cgroup.procs && exec privnode-cram demote $1 --pages $2 --content text"
}
undemote() {
	rmdir /sys/fs/cgroup/demo
	echo "$demote0" >/sys/kernel/mm/numa/demotion_enabled
}

set -e
mem=$(cxl_first_memdev) || { echo "demo: no CXL memdev found" >&2; exit 1; }

say "The CXL memory device (privnodectl list -M, JSON like cxl list)"
run privnodectl list -M -u

say "Before: NUMA nodes"
run numactl -H

type=private
if ! run privnodectl -v create-region -m "$mem" -t private >/tmp/region.json 2>/tmp/region.err; then
	cat /tmp/region.err
	say "This kernel has no private regions: an ordinary (sysram) region instead"
	type=sysram
	run privnodectl -v create-region -m "$mem" -t sysram >/tmp/region.json ||
		{ echo "demo: region creation failed (see above)" >&2; exit 1; }
fi
cat /tmp/region.json
region=$(jq -r .region /tmp/region.json)
nid=$(jq -r .node /tmp/region.json)

say "After: the device is node $nid ($type, no CPUs)"
run numactl -H
run privnodectl list -N -n "$nid" -u
echo "has_memory:         $(cat "$NODE/has_memory")"
echo "has_private_memory: $(cat "$NODE/has_private_memory" 2>/dev/null)"
grep Mems_allowed_list /proc/self/status

if [ "$type" = private ]; then
	say "Ordinary allocations never land there (malloc, mmap, THP, tmpfs, slab)"
	# Through a file, not a pipe: a pipe would hide its exit status.
	rc=0
	run privnode-isolation --mb 16 --tmpfs /tmp >/tmp/isolation.tap || rc=$?
	grep -v '^#' /tmp/isolation.tap || true
	[ "$rc" = 0 ] || { echo "demo: privnode-isolation failed (exit status $rc)" >&2; exit 1; }

	say "Grant the node to the programs of the system (the root cgroup's cpuset)"
	run privnodectl cpuset / --add "$nid"

	say "mbind(MPOL_BIND) and move_pages do: the region's owner opted in, the admin granted it"
	run privnode-placement mbind "$nid" --pages 256
	run privnode-placement move-pages "$nid" --pages 256
fi

if [ "$type" = private ]; then
	# numactl cannot name the node: libnuma accepts only nodes in
	# Mems_allowed, and private nodes never are. Our programs call mbind
	# and move_pages directly.
	say "The kernel refuses to decommit the region while its memory is online"
	run sh -c "echo 0 >$CXL/$region/commit" || true
	echo "$region/commit: $(cat "$CXL/$region/commit")"

	say "destroy-region while 512 bound pages are in use: they move to node 0, intact"
	run privnode-placement hot-remove "$nid" --pages 512 \
		--remove-cmd "privnodectl -v destroy-region $region"
else
	say "Use it: 4 MiB written to tmpfs with numactl --membind=$nid (CXL is slow under TCG)"
	run numactl --membind="$nid" sh -c 'head -c 4194304 /dev/urandom >/tmp/demo'
	echo 1 >/proc/sys/vm/stat_refresh
	grep -E 'MemUsed|Shmem:' "$NODE/node$nid/meminfo"
	sum=$(md5sum </tmp/demo)

	say "destroy-region: offline the memory (its pages move to node 0), then take the region down"
	run privnodectl -v destroy-region "$region"
	if [ "$(md5sum </tmp/demo)" = "$sum" ]; then
		echo "data intact after destroy-region (md5 ${sum%% *})"
	else
		echo "demo: data changed across destroy-region!" >&2
		exit 1
	fi
	rm -f /tmp/demo
fi
run numactl -H
echo "has_private_memory: '$(cat "$NODE/has_private_memory" 2>/dev/null)'"

# cram on the CXL device itself, when this kernel has the cxl_cram driver:
# the device compresses inline (256 MiB logical on 128 MiB of media), and
# the driver reads its own usage figures with a vendor mailbox command
if [ "$type" = private ] && [ -d /sys/bus/dax/drivers/cxl_cram ]; then
	say "cram on the CXL device: a region of private_type cram (the device compresses inline)"
	run privnodectl -v create-region -m "$mem" -t cram >/tmp/cram-region.json
	cat /tmp/cram-region.json
	cregion=$(jq -r .region /tmp/cram-region.json)
	cnid=$(jq -r .node /tmp/cram-region.json)
	cdax=$(jq -r .dax /tmp/cram-region.json)
	CC=/sys/bus/dax/devices/$cdax/cxl_cram
	C=/sys/kernel/mm/cram/node$cnid
	device_figures() {
		echo "the device: logical $(cat $CC/logical_used_bytes) of $(cat $CC/logical_capacity_bytes) bytes used, physical $(cat $CC/physical_used_bytes) of $(cat $CC/physical_capacity_bytes), state $(cat $CC/state), lost pages $(cat $CC/lost_pages)"
	}
	echo "node $cnid: owner $(cat "$NODE/node$cnid/private/owner"); ops: $(cat "$NODE/node$cnid/private/ops"); cram state $(cat $C/state), watermarks (per mille) $(cat $C/wm_low)/$(cat $C/wm_high)/$(cat $C/wm_critical)"
	device_figures

	say "Demotion onto the CXL cram node: memory.reclaim moves 4096 cold text pages there; reads take no fault"
	demote "$cnid" 4096
	for f in demoted write_faults promoted zeroed; do echo "cram $f: $(cat $C/$f)"; done
	device_figures
	undemote
	run privnodectl -v destroy-region "$cregion"
fi

# cram, on the software compressing device, over the dax device that
# dax_hmem makes of the soft-reserved carve-out (memmap=), when this kernel
# has it
. /privnode/lib/private.sh
if cs_available && DAX=$(cs_dax) && CN=$(cs_node); then
	say "cram: compressed RAM as a private node, on a software compressing device (cram_soft)"
	echo "$DAX: the 256 MiB carve-out (memmap=) on node $CN, backed by 16 MiB of physical capacity: lz4 gives each page's footprint"
	if [ -e "/sys/bus/dax/devices/$DAX/driver" ]; then
		run sh -c "echo $DAX >$(readlink -f "/sys/bus/dax/devices/$DAX/driver")/unbind"
	fi
	# a step that fails leaves no cram node behind for the suites after
	trap 'set +e; [ -z "${held:-}" ] || { kill -TERM "$held"; wait "$held"; }
		echo "$DAX" >"$CS_DRV/unbind"; cs_park; undemote' EXIT
	run sh -c "echo 16M >/sys/module/cram_soft/parameters/capacity && echo $DAX >$CS_DRV/new_id"
	D=/sys/bus/dax/devices/$DAX/cram_soft
	C=/sys/kernel/mm/cram/node$CN
	echo "node $CN: owner $(cat "$NODE/node$CN/private/owner"); ops: $(cat "$NODE/node$CN/private/ops"); state: $(cat $C/state); capacity: $(cat $C/capacity_bytes) bytes; watermarks (per mille): low $(cat $C/wm_low) high $(cat $C/wm_high) critical $(cat $C/wm_critical)"

	say "Demotion: memory.reclaim moves a cgroup's cold text pages to the node; reads take no fault; a write copies the page back to DRAM"
	demote "$CN" 2048
	for f in demoted write_faults promoted zeroed physical_bytes; do echo "$f: $(cat $C/$f)"; done

	say "Backpressure: 3000 random pages (incompressible) held on the node, then the device reports only 8 MiB"
	privnode-cram place $CN --pages 3000 --content random --hold >/tmp/cram-hold.out &
	held=$!
	for _ in $(seq 150); do grep -q holding /tmp/cram-hold.out && break; sleep 0.2; done
	cat /tmp/cram-hold.out
	echo "before the cut: state $(cat $C/state), physical $(cat $C/physical_bytes) of $(cat $C/capacity_bytes) bytes, node MemTotal $(awk '$3 == "MemTotal:" { print $4 }' "$NODE/node$CN/meminfo") kB"
	run sh -c "echo $((8 << 20)) >$D/reported_bytes"
	for _ in $(seq 60); do [ "$(cat $C/balloon_pages)" -ge 32000 ] && break; sleep 0.5; done
	sleep 1
	echo "after the cut:  state $(cat $C/state), physical $(cat $C/physical_bytes) of $(cat $C/capacity_bytes) bytes, node MemTotal $(awk '$3 == "MemTotal:" { print $4 }' "$NODE/node$CN/meminfo") kB"
	echo "balloon: $(cat $C/balloon_pages) pages held back; evicted to DRAM: $(cat $C/evicted); denied: $(cat $C/denied)"
	echo "the device's largest footprint: $(cat $D/max_physical_bytes) bytes of its $(cat $D/capacity_bytes); overflows: $(cat $D/overflows)"
	kill -TERM $held
	h=$held held=
	wait $h || { echo "demo: pages were lost under the capacity cut" >&2; exit 1; }
	cat /tmp/cram-hold.out
	trap - EXIT
	run sh -c "echo $DAX >$CS_DRV/unbind"
	cs_park	# back on device_dax, where kmem cannot take it
	undemote
fi
