# QMP commands from guest suites: run-guest.sh (check mode) relays lines
# written to the serial port named by privnode.hostctl= (ttyS2) to QEMU's
# QMP socket (scripts/hostctl.py) and writes each reply back as one line.
HOSTCTL=$(sed -n 's/.*privnode\.hostctl=\([^ ]*\).*/\1/p' /proc/cmdline)

# hostctl_open: fd 7 talks to the relay; fails when there is none
hostctl_open() {
	[ -n "$HOSTCTL" ] && [ -c "$HOSTCTL" ] || return 1
	stty -F "$HOSTCTL" raw -echo 2>/dev/null || return 1
	exec 7<>"$HOSTCTL"
	# the relay answers a harmless command within 10 s
	qmp query-status >/dev/null
}

# qmp COMMAND [ARGUMENTS-JSON] -> the reply ({"return":...} or {"error":...})
# on stdout; fails on an error reply or no reply within 30 s
qmp() {
	local req reply
	req=$(jq -cn --arg e "$1" --argjson a "${2:-{\}}" '{execute: $e, arguments: $a}') || return 1
	echo "$req" >&7
	IFS= read -r -t 30 reply <&7 || { echo "qmp $1: no reply from the host" >&2; return 1; }
	echo "$reply"
	echo "$reply" | jq -e 'has("return")' >/dev/null || { echo "qmp $1: $reply" >&2; return 1; }
}
