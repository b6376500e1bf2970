#!/usr/bin/env bash
# Build the kernel selftests that guest suites run, statically, from the
# kernel tree with the series applied, into $PRIVNODE_CACHE/build/selftests
# (mkinitramfs.sh packs them). Rebuilds only what changed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

TREE=${PRIVNODE_KTREE:-$PRIVNODE_CACHE/linux}
ST=$TREE/tools/testing/selftests
OUT=$PRIVNODE_CACHE/build/selftests
LOG=$PRIVNODE_CACHE/logs/selftests.log
mkdir -p "$OUT" "$(dirname "$LOG")"
: >"$LOG"

# name:source(s) relative to $ST
tests=(private_node:mm/private_node.c)
for t in "${tests[@]}"; do
	name=${t%%:*} src=$ST/${t#*:}
	if [ ! -f "$src" ]; then
		warn "selftest $name: $src missing (series without it?), not built"
		rm -f "$OUT/$name"
		continue
	fi
	[ "$OUT/$name" -nt "$src" ] && [ "$OUT/$name" -nt "$ST/kselftest.h" ] && continue
	run_logged "selftest $name" "$LOG" \
		gcc -O2 -Wall -static -I "$ST" -o "$OUT/$name" "$src"
done
