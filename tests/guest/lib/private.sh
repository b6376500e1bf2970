# Private-node helpers for guest suites, over the kernel's test driver
# (lib/test_private_node.c, debugfs). Source after tap.sh and cxl.sh.
#
# The host reserves the ranges: run-guest.sh boots with mem=1G and passes
# privnode.tpn=NID:START:SIZE[,...], RAM the kernel never onlined.
TPN=/sys/kernel/debug/test_private_node

tpn_available() {
	[ -d /sys/kernel/debug/test_private_node ] ||
		mount -t debugfs none /sys/kernel/debug 2>/dev/null
	[ -d "$TPN" ]
}

# tpn_range NID -> "START SIZE" of the reserved range for NID
tpn_range() {
	local r
	for r in $(sed -n 's/.*privnode\.tpn=\([^ ]*\).*/\1/p' /proc/cmdline | tr , ' '); do
		[ "${r%%:*}" = "$1" ] || continue
		r=${r#*:}
		echo "${r%%:*} ${r#*:}"
		return 0
	done
	return 1
}

# tpn_nodes -> the node ids that have a reserved range
tpn_nodes() {
	sed -n 's/.*privnode\.tpn=\([^ ]*\).*/\1/p' /proc/cmdline | tr , '\n' | cut -d: -f1
}

# tpn_add NID [OPS [ZONE]]: hot-add NID's reserved range as a private node
tpn_add() {
	local range
	range=$(tpn_range "$1") || { echo "no reserved range for node $1" >&2; return 1; }
	echo "$1 $range ${2:-none} ${3:-}" >"$TPN/add"
}

tpn_remove() { echo "$1" >"$TPN/remove"; }
tpn_alloc() { echo "$1 $2 $3" >"$TPN/alloc"; }
tpn_free() { echo "$1" >"$TPN/free"; }

# tpn_status NID FIELD -> a field of the driver's status line for NID
tpn_status() {
	awk -v n="$1" -v f="$2" '$1 == "node" && $2 == n {
		for (i = 3; i < NF; i += 2) if ($i == f) print $(i + 1) }' "$TPN/status"
}

# pcp_kb NID -> kB of free pages parked on NID's per-CPU lists, which
# MemFree does not count (they drift back to the buddy lists over time)
pcp_kb() {
	local v
	v=$(awk -v n="$1" '$1 == "Node" { cur = ($2 == n ","); if (cur) seen = 1 }
		cur && $1 == "count:" { s += $2 } END { if (seen) print s * 4 }' /proc/zoneinfo)
	is_num "$v" || { echo "pcp_kb: node $1 not in /proc/zoneinfo" >&2; return 1; }
	echo "$v"
}

# used_kb NID -> memory in use on NID in kB: MemUsed less the per-CPU lists.
# Exact only while nothing moves pages between the per-CPU and buddy lists:
# after a node's pcp lists were filled, the kernel drains them a few pages a
# second, and MemFree trails that by the per-CPU vmstat deltas. Tests that
# compare readings start from a freshly added node, whose lists are empty.
used_kb() {
	local u p
	u=$(node_meminfo "$1" MemUsed) || return 1
	p=$(pcp_kb "$1") || return 1
	echo $((u - p))
}

# nonbuddy_pages NID -> how many pages of NID's reserved range are not free
# in the buddy allocator (/proc/kpageflags without KPF_BUDDY, bit 10): pages
# in use, and free pages parked on per-CPU lists (none on a freshly added node)
nonbuddy_pages() {
	local range start size pages words
	range=$(tpn_range "$1") || { echo "nonbuddy_pages: no reserved range for node $1" >&2; return 1; }
	set -- $range
	start=$(num "$1") size=$(num "$2")
	pages=$((size / 4096))
	# One 64-bit word of flags per page; a short read is an error, not a count.
	words=$(dd if=/proc/kpageflags bs=4096 skip=$((start / 4096 * 8 / 4096)) \
		count=$((pages * 8 / 4096)) 2>/dev/null | od -An -v -tx8 | wc -w)
	[ "$words" = "$pages" ] || {
		echo "nonbuddy_pages: read $words of $pages page flags from /proc/kpageflags" >&2
		return 1
	}
	dd if=/proc/kpageflags bs=4096 skip=$((start / 4096 * 8 / 4096)) \
		count=$((pages * 8 / 4096)) 2>/dev/null | od -An -v -tx8 |
		awk '{ for (i = 1; i <= NF; i++) {
			d = index("0123456789abcdef", substr($i, 14, 1)) - 1
			if (int(d / 4) % 2 == 0) n++ } } END { print n + 0 }'
}

# vmstat_get NAME -> a /proc/vmstat counter (fails when there is none)
vmstat_get() {
	local v
	v=$(awk -v k="$1" '$1 == k { print $2 }' /proc/vmstat)
	is_num "$v" || { echo "vmstat_get: no counter $1 in /proc/vmstat" >&2; return 1; }
	echo "$v"
}

# kthread_pid NAME -> the pid of the kernel thread NAME (kswapd1), or nothing
kthread_pid() {
	local c
	for c in /proc/[0-9]*/comm; do
		[ "$(cat "$c" 2>/dev/null)" = "$1" ] && { c=${c#/proc/}; echo "${c%/comm}"; return 0; }
	done
	return 0
}
kthread_runs() { [ -n "$(kthread_pid "$1")" ] || { echo "no $1" >&2; return 1; }; }
kthread_stopped() { [ -z "$(kthread_pid "$1")" ] || { echo "$1 runs (pid $(kthread_pid "$1"))" >&2; return 1; }; }

# same_count WHAT WANT GOT [UNIT]: equal, or say both on stderr. Both must
# be readings (numbers): two empty strings are not "the same".
same_count() {
	if ! is_num "$2" || ! is_num "$3"; then
		echo "$1: a reading could not be taken (before '$2', after '$3')" >&2
		return 1
	fi
	[ "$2" = "$3" ] && return 0
	echo "$1: was $2${4:-}, now $3${4:-}" >&2
	return 1
}
same_kb() { same_count "$1" "$2" "$3" " kB"; }
free_kb() { node_meminfo "$1" MemFree; }

# cram on the software provider (drivers/dax/cram_soft.c), over the dax
# device dax_hmem makes of the soft-reserved carve-out on the command line
# (memmap=SIZE%START-1+0xefffffff, scripts/run-guest.sh). cs_dax prints
# that device's name, cs_node its node; cs_bind CAPACITY binds it to
# cram_soft with CAPACITY (bytes, K/M/G, or a percentage of its size) of
# physical capacity, cs_unbind lets it go; cs_get FILE and cs_set FILE
# VALUE use the device's cram_soft/ directory, cram_get NID FILE
# /sys/kernel/mm/cram/nodeNID/FILE. A reading that cannot be taken prints
# nothing (is_num fails on it).
CS_DRV=/sys/bus/dax/drivers/cram_soft
cs_available() { [ -d "$CS_DRV" ] && [ -d /sys/kernel/mm/cram ]; }
cs_dax() {
	local start d
	start=$(sed -n 's/.*memmap=[^ %]*%\(0x[0-9a-fA-F]*\)-1+0xefffffff.*/\1/p' /proc/cmdline)
	[ -n "$start" ] || { echo "no soft-reserved carve-out (memmap=SIZE%START-1+0xefffffff) on the command line" >&2; return 1; }
	for d in /sys/bus/dax/devices/dax*; do
		[ "$(cat "$d/resource" 2>/dev/null)" = "$start" ] && { echo "${d##*/}"; return 0; }
	done
	echo "no dax device at $start (the carve-out)" >&2
	return 1
}
cs_node() { local d; d=$(cs_dax) && cat "/sys/bus/dax/devices/$d/target_node"; }
# cs_release: the carve-out's device, unbound from whatever driver has it
cs_release() {
	local d
	d=$(cs_dax) || return 1
	[ -e "/sys/bus/dax/devices/$d/driver" ] || return 0
	echo "$d" >"$(readlink -f "/sys/bus/dax/devices/$d/driver")/unbind"
}
cs_bind() {
	local d
	d=$(cs_dax) && cs_release || return 1
	echo "$1" >/sys/module/cram_soft/parameters/capacity || return 1
	# new_id binds at once, but cannot report a failed probe: look
	echo "$d" >"$CS_DRV/new_id" || return 1
	[ -d "/sys/bus/dax/devices/$d/cram_soft" ] && return 0
	echo "$d did not bind to cram_soft:" >&2
	dmesg | grep -E "cram_soft|$d" | tail -n 3 >&2
	return 1
}
cs_unbind() {
	local d
	d=$(cs_dax) || return 1
	echo "$d" >"$CS_DRV/unbind" || return 1
	[ ! -e "/sys/bus/dax/devices/$d/cram_soft" ] || { echo "$d: cram_soft/ is still there" >&2; return 1; }
	cs_park
}
# cs_park: bind the carve-out's device, if no driver has it, to device_dax,
# which onlines nothing: an unbound device of a soft-reserved range is
# taken by the next driver_attach() of kmem (a write to its new_id or
# bind), which would make it ordinary memory on its node
cs_park() {
	local d
	d=$(cs_dax) || return 1
	[ -e "/sys/bus/dax/devices/$d/driver" ] && return 0
	echo "$d" >/sys/bus/dax/drivers/device_dax/new_id || return 1
	[ -e "/sys/bus/dax/devices/$d/driver" ] || { echo "$d: device_dax did not take it" >&2; return 1; }
}
cs_get() { local d; d=$(cs_dax) && cat "/sys/bus/dax/devices/$d/cram_soft/$1" 2>/dev/null; }
cs_set() { local d; d=$(cs_dax) || return 1; echo "$2" >"/sys/bus/dax/devices/$d/cram_soft/$1"; }
cram_get() { cat "/sys/kernel/mm/cram/node$1/$2" 2>/dev/null; }
# node_kb NID FIELD -> kB of FIELD (MemTotal, MemFree) in nodeNID/meminfo
node_kb() {
	awk -v f="$2:" '$3 == f { print $4 }' "/sys/devices/system/node/node$1/meminfo"
}

# dmesg_clean SINCE_LINES: no kernel BUG, WARNING, Oops, lockdep splat,
# KASAN report, soft or hard lockup or hung task in dmesg after the first
# SINCE_LINES lines (dmesg | wc -l taken before)
dmesg_clean() {
	local hits
	hits=$(dmesg | tail -n +"$(($1 + 1))" | grep -E \
		'BUG:|WARNING:|Oops|KASAN|possible circular locking|inconsistent lock state|soft lockup|hard LOCKUP|blocked for more than|general protection' )
	[ -z "$hits" ] && { echo "dmesg: nothing alarming"; return 0; }
	echo "$hits"
	return 1
}

# until_ok SECONDS CMD...: CMD succeeds within SECONDS (tried every half
# second; the last try, or the first success, shows its output)
until_ok() {
	local n=$(($1 * 2))
	shift
	while [ $n -gt 0 ]; do "$@" >/dev/null 2>&1 && { "$@"; return 0; }; sleep 0.5; n=$((n - 1)); done
	"$@"
}
