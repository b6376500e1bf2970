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

# name:source[+source...][:libraries], sources relative to $ST
tests=(
	private_node:mm/private_node.c
	"migration:mm/migration.c+mm/thp_settings.c:-lnuma -lpthread"
)
for t in "${tests[@]}"; do
	IFS=: read -r name srcs libs <<<"$t"
	IFS=+ read -ra rel <<<"$srcs"
	src=("${rel[@]/#/$ST/}")
	missing=""
	for f in "${src[@]}"; do [ -f "$f" ] || missing=$f; done
	if [ -n "$missing" ]; then
		warn "selftest $name: $missing missing (series without it?), not built"
		rm -f "$OUT/$name"
		continue
	fi
	fresh=1
	for f in "${src[@]}" "$ST/kselftest.h" "$ST/kselftest_harness.h"; do
		[ "$OUT/$name" -nt "$f" ] || fresh=0
	done
	[ "$fresh" = 1 ] && continue
	# shellcheck disable=SC2086 # libs is a list of -l options
	run_logged "selftest $name" "$LOG" \
		gcc -O2 -Wall -static -I "$ST" -o "$OUT/$name" "${src[@]}" $libs
done
