#!/usr/bin/env bash
# Build every prefix of the kernel series (patch 1, 1-2, ..., 1-N) so each
# patch is known to build on its own. Uses a separate worktree and object
# dir, so the main tree and its build stay untouched. Slow: not part of
# make check. A commit that built before with the same kernel-config/
# fragments is not built again (its hash names its whole tree), so a run
# that was cut short resumes where it stopped; FORCE=1 rebuilds all.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

"$here/kernel-tree.sh"
TREE=$PRIVNODE_CACHE/linux
# The worktree and its object dir sit at the same relative positions as the
# main tree and its build (../../linux from the object dir), so ccache,
# which rewrites paths below $PRIVNODE_CACHE as relative ones, hits.
WT=$PRIVNODE_CACHE/series/linux
OBJ=$PRIVNODE_CACHE/series/build/linux-test
if [ ! -d "$WT" ]; then
	mkdir -p "$PRIVNODE_CACHE/series"
	git -C "$TREE" worktree add -q --detach "$WT" privnode-base
fi
commits=$(git -C "$TREE" rev-list --reverse privnode-base..privnode)
VERIFIED=$PRIVNODE_CACHE/series/verified
cfg=$(cat "$PRIVNODE_TOP"/kernel-config/*.config | sha256sum | cut -c1-16)
[ "${FORCE:-0}" = 0 ] || rm -f "$VERIFIED"
[ -n "$commits" ] || { echo "0 passed, 0 failed (the series is empty)"; exit 0; }
ok=0 bad=0 i=0
for c in $commits; do
	i=$((i + 1))
	subj=$(git -C "$TREE" log -1 --format=%s "$c")
	if grep -qxF "$c $cfg" "$VERIFIED" 2>/dev/null; then
		ok=$((ok + 1))
		echo "ok $i - builds: $subj (built before at ${c:0:12} with this config)"
		continue
	fi
	git -C "$WT" checkout -q --detach "$c"
	if PRIVNODE_KTREE=$WT PRIVNODE_KOBJ=$OBJ "$here/build-kernel.sh" series \
		>/dev/null 2>"$PRIVNODE_CACHE/logs/series-$i.log"; then
		ok=$((ok + 1))
		echo "$c $cfg" >>"$VERIFIED"
		echo "ok $i - builds: $subj"
	else
		bad=$((bad + 1))
		echo "not ok $i - does not build: $subj (log: $PRIVNODE_CACHE/logs/kernel-build-series.log)"
		tail -n 5 "$PRIVNODE_CACHE/logs/series-$i.log"
		break
	fi
done
echo "$ok passed, $bad failed"
[ "$bad" = 0 ]
