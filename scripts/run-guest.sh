#!/usr/bin/env bash
# Boot the privnode guest under TCG with the CXL topology of DESIGN §6.
#   run-guest.sh check OUTDIR SUITE[,SUITE...]   TAP to OUTDIR/tap.log,
#                                                 console to OUTDIR/console.log
#   run-guest.sh demo                             demo on this terminal
#   run-guest.sh shell                            interactive guest shell
# Environment: KERNEL, INITRD, QEMU (paths), GUEST_TIMEOUT (seconds, check
# mode; default 1200: make check's 35 suites take about 6 minutes on an idle
# 2-core host, and 600 s ran out with a kernel build alongside), GUEST_APPEND (extra kernel command line), QMP_SOCKET (check mode: a
# QMP server on this unix socket path instead of OUTDIR/qmp.sock; suites
# reach QMP through ttyS2 and scripts/hostctl.py), CXL_DIRECT_MAP
# (on|off: the compressed device's direct map, qemu/README.md; default on),
# CXL_COMPRESSED (on|off: off makes the device a plain type 3 device, for
# suite cxl-plain; default on),
# GUEST_SMP (number of vCPUs, all on node 0; default 3), GUEST_CPU (QEMU's
# -cpu; default max, which has 5-level paging), GUEST_TOPOLOGY (cxl, the
# default, mm-bench or cram-bench, see below), GUEST_SWAP_DISK (a raw image file the
# guest sees as a virtio disk, /dev/vda: make bench-cram's swap device),
# GUEST_QEMU_ARGS (check mode: more QEMU arguments, split on blanks, e.g.
# "-trace cxl_comp_* -D /tmp/trace.log"), GUEST_ICOUNT (a shift: the guest's clocks count executed instructions,
# 2^SHIFT ns each, instead of host time; QEMU's -icount, with sleep=off so
# idle time is skipped; single-threaded TCG; make bench-mm's default clock).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

mode=${1:?usage: run-guest.sh check|demo|shell ...}
: "${KERNEL:?KERNEL=path/to/bzImage}" "${INITRD:?INITRD=path/to/initramfs}"
: "${QEMU:?QEMU=path/to/qemu-system-x86_64}"

# Node 0: 1 GiB of RAM and all three CPUs (the kernel's migration selftest
# needs two threads besides the migrating one). Nodes 1 and 2: 256 MiB each at 1 GiB
# and 1.25 GiB that the guest kernel leaves alone (mem=1G), so tests can
# hot-add them as private nodes (the ranges are backed, unused and not in the
# iomem tree); privnode.tpn= tells the guest where they are. Only the first
# 128 MiB of node 2 is used: firmware keeps its ACPI tables at the top of
# low RAM.
# CXL: one 256 MiB volatile type-3 device behind one host bridge and root
# port, and a 4 GiB fixed memory window that can map it (its node comes
# after these three). The device is our compressed one (qemu/README.md): 256 MiB
# logical on 128 MiB of physical media.
smp=${GUEST_SMP:-3}
case ${CXL_COMPRESSED:-on} in
on) compressed=compressed=on,physical-size=128M,direct-map=${CXL_DIRECT_MAP:-on} ;;
off) compressed=compressed=off ;;
*) die "CXL_COMPRESSED: '$CXL_COMPRESSED' is neither on nor off" ;;
esac
cxl=(
	-object memory-backend-ram,id=cxl-vmem0,share=on,size=256M
	-device pxb-cxl,bus_nr=12,bus=pcie.0,id=cxl.1
	-device cxl-rp,port=0,bus=cxl.1,id=root_port13,chassis=0,slot=2
	-device "cxl-type3,bus=root_port13,volatile-memdev=cxl-vmem0,id=cxl-vmem0,$compressed"
	-machine cxl-fmw.0.targets.0=cxl.1,cxl-fmw.0.size=4G
)
# cxl_topology SMP MEM RAM2 NODE2: the machine above (node 2's backend RAM2
# in size, NODE2 options before its memdev), into topology
cxl_topology() {
	topology=(-machine q35,cxl=on -accel tcg -cpu "${GUEST_CPU:-max}" -smp "$1" -m "$2"
		-object memory-backend-ram,id=ram0,size=1G
		-object memory-backend-ram,id=ram1,size=256M
		-object "memory-backend-ram,id=ram2,size=$3"
		-numa node,nodeid=0,cpus=0-$((smp - 1)),memdev=ram0
		-numa node,nodeid=1,memdev=ram1
		-numa "node,nodeid=2,${4}memdev=ram2"
		"${cxl[@]}")
}
cxl_topology "$smp" 1792M,maxmem=2G,slots=4 512M ""
common=(
	-L /usr/share/qemu -L /usr/share/seabios
	-nodefaults -display none -no-reboot
	-kernel "$KERNEL" -initrd "$INITRD"
)
# memmap= before mem=, which would otherwise have removed the range first
append="console=ttyS0 panic=-1 oops=panic memmap=256M%0x58000000-1+0xefffffff mem=1G"
append+=" privnode.tpn=1:0x40000000:0x10000000,2:0x50000000:0x8000000"
# GUEST_TOPOLOGY=mm-bench (make bench-mm): node 0 as above and nodes 1-8 of
# 128 MiB each that the kernel leaves alone, for up to 8 private nodes; no
# CXL device. Node 8 is 256 MiB, of which the first 128 MiB are used:
# firmware keeps its ACPI tables at the top of low RAM.
if [ "${GUEST_TOPOLOGY:-cxl}" = mm-bench ]; then
	topology=(-machine q35 -accel tcg -cpu "${GUEST_CPU:-max}" -smp "$smp" -m 2176M
		-object memory-backend-ram,id=ram0,size=1G
		-numa node,nodeid=0,cpus=0-$((smp - 1)),memdev=ram0)
	tpn=
	for n in 1 2 3 4 5 6 7 8; do
		size=128M
		[ $n != 8 ] || size=256M
		topology+=(-object "memory-backend-ram,id=ram$n,size=$size"
			-numa "node,nodeid=$n,memdev=ram$n")
		tpn+=",$n:$(printf '%#x' $((0x40000000 + (n - 1) * 0x8000000))):0x8000000"
	done
	append="console=ttyS0 panic=-1 oops=panic mem=1G privnode.tpn=${tpn#,}"
# GUEST_TOPOLOGY=cram-bench (make bench-cram): node 0 as above; node 1 a
# 256 MiB carve-out for cram_soft (soft-reserved, nothing else on the
# node); node 2 a 160 MiB ordinary memory node with one more vCPU, the only
# user of which is the benchmark's workload (on that vCPU, so kswapd and
# zswap's pool are local to it, as on a real socket), so its free memory
# is the workload's; the CXL device as above. One socket per vCPU: a
# cache shared across nodes is a topology the kernel warns about. The
# firmware's ACPI tables and the swiotlb buffer sit at the top of node 2.
# (Linux numbers the nodes with CPUs first: QEMU's node 2 is its node 1,
# the carve-out its node 2; the suite finds the nodes by what they have.)
elif [ "${GUEST_TOPOLOGY:-cxl}" = cram-bench ]; then
	cxl_topology "$((smp + 1)),sockets=$((smp + 1)),cores=1,threads=1" 1440M,maxmem=2G,slots=4 \
		160M "cpus=$smp,"
	append="console=ttyS0 panic=-1 oops=panic memmap=256M%0x40000000-1+0xefffffff"
elif [ "${GUEST_TOPOLOGY:-cxl}" != cxl ]; then
	die "GUEST_TOPOLOGY: unknown topology '$GUEST_TOPOLOGY' (cxl, mm-bench, cram-bench)"
fi
append+=" ${GUEST_APPEND:-}"
if [ -n "${GUEST_ICOUNT:-}" ]; then
	[[ "$GUEST_ICOUNT" =~ ^[0-9]$ ]] || die "GUEST_ICOUNT: '$GUEST_ICOUNT' is not a shift from 0 to 9"
	topology+=(-icount "shift=$GUEST_ICOUNT,sleep=off,align=off")
fi
if [ -n "${GUEST_SWAP_DISK:-}" ]; then
	[ -f "$GUEST_SWAP_DISK" ] || die "GUEST_SWAP_DISK: no file $GUEST_SWAP_DISK"
	topology+=(-drive "file=$GUEST_SWAP_DISK,if=none,format=raw,id=swapdisk"
		-device virtio-blk-pci,drive=swapdisk,bus=pcie.0)
fi

case "$mode" in
check)
	out=${2:?OUTDIR} suites=${3:?SUITES}
	mkdir -p "$out"
	rm -f "$out/console.log" "$out/tap.log"
	rc=0
	# ttyS2 and scripts/hostctl.py let suites run QMP commands (hostctl.sh)
	ctl=$out/hostctl.sock qmp=${QMP_SOCKET:-$out/qmp.sock}
	# GUEST_QEMU_ARGS split on blanks only (no globbing: -trace cxl_comp_*)
	read -r -a qextra <<<"${GUEST_QEMU_ARGS:-}"
	rm -f "$ctl" "$qmp"
	timeout -k 10 "${GUEST_TIMEOUT:-1200}" "$QEMU" "${common[@]}" "${topology[@]}" \
		-serial "file:$out/console.log" -serial "file:$out/tap.log" \
		-chardev "socket,id=hostctl,path=$ctl,server=on,wait=off" -serial chardev:hostctl \
		-qmp "unix:$qmp,server=on,wait=off" "${qextra[@]}" \
		-append "$append ignore_loglevel privnode.mode=check privnode.suites=$suites privnode.hostctl=/dev/ttyS2" \
		</dev/null >"$out/qemu.log" 2>&1 &
	qpid=$!
	python3 "$here/hostctl.py" "$ctl" "$qmp" >"$out/hostctl.log" 2>&1 &
	hpid=$!
	wait "$qpid" || rc=$?
	kill "$hpid" 2>/dev/null || true
	wait "$hpid" 2>/dev/null || true
	case $rc in
	0) ;;
	124 | 137) log "guest did not finish within ${GUEST_TIMEOUT:-1200}s (log: $out/console.log)" ;;
	*) log "QEMU exited with status $rc (log: $out/qemu.log)" ;;
	esac
	exit $rc
	;;
demo | shell)
	extra=()
	if [ "$mode" = demo ] && ! [ -t 0 ]; then
		extra=(privnode.exit=1) # no terminal: print the transcript, then stop
	fi
	exec "$QEMU" "${common[@]}" "${topology[@]}" \
		-serial mon:stdio -serial null \
		-append "$append quiet privnode.mode=$mode ${extra[*]}"
	;;
*) die "unknown mode '$mode' (check, demo, shell)" ;;
esac
