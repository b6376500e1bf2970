# CXL and NUMA helpers for guest suites (busybox ash). Source, do not execute.
# Region creation goes through sysfs: Debian's ndctl 76.1 cannot create
# ram regions (its create-region refuses type ram).
CXL=/sys/bus/cxl/devices
NODE=/sys/devices/system/node

# nodelist_expand "0-2,5" -> "0 1 2 5"
nodelist_expand() {
	local part out=""
	for part in $(echo "$1" | tr , ' '); do
		case "$part" in
		*-*) out="$out $(seq "${part%-*}" "${part#*-}" | tr '\n' ' ')" ;;
		*) out="$out $part" ;;
		esac
	done
	echo $out
}

nodes_in() { nodelist_expand "$(cat "$NODE/$1")"; }

# in_list WORD LIST...
in_list() {
	local w=$1
	shift
	for x in "$@"; do [ "$x" = "$w" ] && return 0; done
	return 1
}

# node_meminfo NID FIELD -> value in kB. Per-CPU vmstat deltas are folded
# into the node counters first (stat_refresh), or small changes go unseen.
node_meminfo() {
	echo 1 >/proc/sys/vm/stat_refresh 2>/dev/null
	awk -v f="$2:" '$3 == f { print $4 }' "$NODE/node$1/meminfo"
}

# size_close_kb GOT_KB WANT_KB: a node's size matches a region's size. The
# memmap of hot-added memory may live on the memory itself
# (memmap_on_memory): allow for 64 bytes of struct page per 4 KiB page.
size_close_kb() { [ "$1" -le "$2" ] && [ "$1" -ge $(($2 - $2 / 64)) ]; }

cxl_first_memdev() {
	local m
	for m in "$CXL"/mem*; do [ -e "$m" ] && { basename "$m"; return 0; }; done
	return 1
}

# hex or decimal -> decimal
num() { printf '%d' "$1"; }

cxl_ram_size() { num "$(cat "$CXL/$1/ram/size")"; }

# The root decoder that can host volatile regions.
cxl_root_ram_decoder() {
	local d
	for d in "$CXL"/decoder0.*; do
		[ "$(cat "$d/cap_ram" 2>/dev/null)" = 1 ] && { basename "$d"; return 0; }
	done
	return 1
}

# The endpoint port of a memdev.
cxl_endpoint_of() {
	local e
	for e in "$CXL"/endpoint*; do
		[ "$(basename "$(readlink -f "$e/uport")")" = "$1" ] && { basename "$e"; return 0; }
	done
	return 1
}

# A free endpoint decoder (no DPA allocated) of a memdev.
cxl_free_endpoint_decoder() {
	local ep d
	ep=$(cxl_endpoint_of "$1") || return 1
	for d in "$CXL/$ep"/decoder*.*; do
		[ "$(num "$(cat "$d/dpa_size")")" = 0 ] && { basename "$d"; return 0; }
	done
	return 1
}

# w FILE VALUE: write, and say which file and value on failure.
w() {
	if ! echo "$2" >"$1" 2>/dev/null; then
		echo "write of '$2' to $1 failed" >&2
		return 1
	fi
}

# cxl_create_ram_region ROOTDECODER EPDECODER SIZE -> region name on stdout
cxl_create_ram_region() {
	local root=$1 ep=$2 size=$3 r
	r=$(cat "$CXL/$root/create_ram_region") || return 1
	w "$CXL/$root/create_ram_region" "$r" || return 1
	w "$CXL/$r/interleave_ways" 1 &&
		w "$CXL/$r/interleave_granularity" "$(cat "$CXL/$root/interleave_granularity")" &&
		w "$CXL/$ep/mode" ram &&
		w "$CXL/$ep/dpa_size" "$size" &&
		w "$CXL/$r/size" "$size" &&
		w "$CXL/$r/target0" "$ep" &&
		w "$CXL/$r/commit" 1 || { echo "$r"; return 1; }
	if [ ! -e "$CXL/$r/driver" ]; then
		w /sys/bus/cxl/drivers/cxl_region/bind "$r" || { echo "$r"; return 1; }
	fi
	echo "$r"
}

# cxl_destroy_region REGION EPDECODER: the reverse of create, each step
# tolerant of a region that only got part of the way.
cxl_destroy_region() {
	local r=$1 ep=$2 rc=0
	[ -e "$CXL/$r/driver" ] && { w /sys/bus/cxl/drivers/cxl_region/unbind "$r" || rc=1; }
	[ "$(cat "$CXL/$r/commit" 2>/dev/null)" = 1 ] && { w "$CXL/$r/commit" 0 || rc=1; }
	[ -n "$(cat "$CXL/$r/target0" 2>/dev/null)" ] && { w "$CXL/$r/target0" "" || rc=1; }
	[ "$(num "$(cat "$CXL/$ep/dpa_size")")" != 0 ] && { w "$CXL/$ep/dpa_size" 0 || rc=1; }
	w "$CXL/$(cxl_root_ram_decoder)/delete_region" "$r" || rc=1
	return $rc
}

# The dax device of a bound ram region.
cxl_region_dax() {
	local d
	for d in "$CXL/$1"/dax_"$1"/dax*.*; do
		[ -e "$d" ] && { basename "$d"; return 0; }
	done
	return 1
}

# cxl_sanitize MEMDEV: sanitize (zero) a memdev that no region uses and wait
# for it to finish (60 s at most); says how long it took on stderr
cxl_sanitize() {
	local i=0
	echo 1 >"$CXL/$1/security/sanitize" || return 1
	while [ "$(cat "$CXL/$1/security/state")" = sanitize ] && [ $i -lt 60 ]; do
		sleep 1
		i=$((i + 1))
	done
	echo "sanitize of $1 took ${i}s, state $(cat "$CXL/$1/security/state")" >&2
	[ "$(cat "$CXL/$1/security/state")" != sanitize ]
}

# cxlcomp_sanitized MEMDEV: sanitize a compressed memdev; its physical and
# logical usage (privnode-cxlcomp stats) must then both be 0
cxlcomp_sanitized() {
	cxl_sanitize "$1" &&
		test "$(privnode-cxlcomp stats -d "$1" | jq -r '"\(.physical_used) \(.logical_used)"')" = "0 0"
}

# list_backends_agree ARGS...: privnodectl list ARGS enumerates the same
# through libcxl/libdaxctl (its default on a real system) as through raw
# sysfs (PRIVNODE_NO_LIBCXL=1)
list_backends_agree() {
	local a b
	a=$(privnodectl list "$@") && b=$(PRIVNODE_NO_LIBCXL=1 privnodectl list "$@") || return 1
	echo "libcxl: $a" >&2
	[ "$a" = "$b" ] || { echo "raw sysfs: $b" >&2; return 1; }
}
