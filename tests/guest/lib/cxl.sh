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

# nodelist_csv "0-2,5" -> "0,1,2,5" (a canonical form to compare node lists)
nodelist_csv() { nodelist_expand "$1" | xargs | tr ' ' ,; }

# in_list WORD LIST...
in_list() {
	local w=$1
	shift
	for x in "$@"; do [ "$x" = "$w" ] && return 0; done
	return 1
}

# node_meminfo NID FIELD -> value in kB. Per-CPU vmstat deltas are folded
# into the node counters first (stat_refresh), or small changes go unseen.
# A reading that cannot be taken (no such node or field) prints nothing,
# says why on stderr and fails: it is never an empty value to compare.
node_meminfo() {
	local v
	echo 1 >/proc/sys/vm/stat_refresh 2>/dev/null
	v=$(awk -v f="$2:" '$3 == f { print $4 }' "$NODE/node$1/meminfo") && is_num "$v" || {
		echo "node_meminfo: no $2 in $NODE/node$1/meminfo" >&2
		return 1
	}
	echo "$v"
}

# is_num VALUE: VALUE is a decimal integer (and not empty)
is_num() {
	case "$1" in '' | *[!0-9-]* | ?*-*) return 1 ;; esac
	[ "$1" != - ]
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
# num VALUE: decimal or 0x hex -> decimal; an empty or bad VALUE (a file
# that could not be read) fails instead of reading as 0
num() {
	[ -n "$1" ] || { echo "num: no value to read" >&2; return 1; }
	printf '%d' "$1"
}

# same_value WHAT A B: two readings that were both taken (non-empty) and equal
same_value() {
	[ -n "$2" ] && [ -n "$3" ] || { echo "$1: a reading could not be taken ('$2', '$3')" >&2; return 1; }
	[ "$2" = "$3" ] || { echo "$1: '$2' and '$3' differ" >&2; return 1; }
}

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

# cxl_dpa_all_free MEMDEV: every endpoint decoder of MEMDEV (at least one)
# reads a dpa_size of 0
cxl_dpa_all_free() {
	local ep d v n=0
	ep=$(cxl_endpoint_of "$1") || { echo "no endpoint for $1" >&2; return 1; }
	for d in "$CXL/$ep"/decoder*.*; do
		v=$(num "$(cat "$d/dpa_size")") || return 1
		[ "$v" = 0 ] || { echo "$d holds $v bytes of DPA" >&2; return 1; }
		n=$((n + 1))
	done
	[ $n -gt 0 ]
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
		test "$(privnode-cxlcomp stats --settled 10000 -d "$1" | jq -r '"\(.physical_used) \(.logical_used)"')" = "0 0"
}

# list_backends_agree ARGS...: privnodectl list ARGS enumerates the same
# through libcxl/libdaxctl (its default on a real system) as through raw
# sysfs (PRIVNODE_NO_LIBCXL=1)
list_backends_agree() {
	local a b
	a=$(privnodectl list "$@") && b=$(PRIVNODE_NO_LIBCXL=1 privnodectl list "$@") || return 1
	echo "libcxl: $a" >&2
	[ -n "$a" ] || { echo "privnodectl list $*: empty output" >&2; return 1; }
	[ "$a" = "$b" ] || { echo "raw sysfs: $b" >&2; return 1; }
}
