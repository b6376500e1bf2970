# Shared helpers for privnode scripts. Source, do not execute.
# shellcheck shell=bash

PRIVNODE_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
: "${PRIVNODE_CACHE:=$HOME/.cache/privnode}"
export PRIVNODE_CACHE PRIVNODE_TOP

log() { printf 'privnode: %s\n' "$*" >&2; }
warn() { printf 'privnode: WARNING: %s\n' "$*" >&2; }
die() { printf 'privnode: error: %s\n' "$*" >&2; exit 1; }

# Run a command with its output in a log file; on failure, say where it is.
run_logged() {
	local what=$1 logfile=$2
	shift 2
	mkdir -p "$(dirname "$logfile")"
	if ! "$@" >"$logfile" 2>&1; then
		tail -n 30 "$logfile" >&2
		die "$what failed; full log: $logfile"
	fi
}
