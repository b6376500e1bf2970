#!/usr/bin/env bash
# Build every prefix of the kernel series (patch 1, 1-2, ..., 1-N) so each
# patch is known to build on its own, as bisection needs. Each prefix is
# built like build-matrix.sh's "modules" variant (tinyconfig + matrix/
# base.config + privnode.config + matrix/modules.config, W=1): it must
# build with no error and no new W=1 warning on the lines the prefix adds,
# and modpost must find every symbol the CXL, dax and privnode modules of
# that prefix use. The small configuration still compiles every file the
# series touches (build-matrix.sh lists any it configures out), and keeps a
# run of all prefixes short enough to take while working; the full test
# configuration is built at the tip by make check, the other variants by
# make build-matrix.
#
# It uses its own worktree and object dir, so the main tree and its builds
# stay untouched. A commit that passed before with the same kernel-config/
# fragments is not built again (its hash names its whole tree), so a run
# that was cut short resumes where it stopped; FORCE=1 rebuilds all.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

"$here/kernel-tree.sh"
TREE=$PRIVNODE_CACHE/linux
# The worktree and its object dirs sit at the same relative positions as
# the main tree and its builds (../../linux from an object dir), so ccache,
# which rewrites paths below $PRIVNODE_CACHE as relative ones, hits.
WT=$PRIVNODE_CACHE/series/linux
OBJ=$PRIVNODE_CACHE/series/build
LOGS=$PRIVNODE_CACHE/logs/series
if [ ! -d "$WT" ]; then
	mkdir -p "$PRIVNODE_CACHE/series"
	git -C "$TREE" worktree add -q --detach "$WT" privnode-base
fi
mkdir -p "$OBJ" "$LOGS"
commits=$(git -C "$TREE" rev-list --reverse privnode-base..privnode)
VERIFIED=$PRIVNODE_CACHE/series/verified-matrix
cfg=$(cat "$PRIVNODE_TOP"/kernel-config/*.config "$PRIVNODE_TOP"/kernel-config/matrix/*.config |
	sha256sum | cut -c1-16)
[ "${FORCE:-0}" = 0 ] || rm -f "$VERIFIED"
[ -n "$commits" ] || { echo "0 passed, 0 failed (the series is empty)"; exit 0; }
total=$(echo "$commits" | wc -l)
echo "TAP version 13"
echo "1..$total"
ok=0 bad=0 i=0
for c in $commits; do
	i=$((i + 1))
	subj=$(git -C "$TREE" log -1 --format=%s "$c")
	if grep -qxF "$c $cfg" "$VERIFIED" 2>/dev/null; then
		ok=$((ok + 1))
		echo "ok $i - $subj (passed before at ${c:0:12} with this config)"
		continue
	fi
	git -C "$WT" checkout -q --detach "$c"
	out=$LOGS/patch-$i.tap
	if MATRIX_TREE=$WT MATRIX_HEAD=$c MATRIX_OBJ=$OBJ MATRIX_LOGDIR=$LOGS \
		"$here/build-matrix.sh" modules >"$out" 2>&1; then
		ok=$((ok + 1))
		echo "$c $cfg" >>"$VERIFIED"
		echo "ok $i - $subj ($(sed -n 's/^ok 1 - modules: //p' "$out"))"
	else
		bad=$((bad + 1))
		echo "not ok $i - $subj (log: $out, $LOGS/build-matrix-modules.log)"
		grep '^#' "$out" | head -n 12
		break
	fi
done
echo "$ok passed, $bad failed"
[ "$bad" = 0 ]
