#!/usr/bin/env bash
# Run the kernel's checkpatch.pl --strict on every patch in patches/series.
# Prints one line per patch and "checkpatch: N clean, N with problems".
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

TREE=${PRIVNODE_KTREE:-$PRIVNODE_CACHE/linux}
LOGDIR=$PRIVNODE_CACHE/logs/checkpatch
[ -x "$TREE/scripts/checkpatch.pl" ] || die "no kernel tree at $TREE (run scripts/kernel-tree.sh)"
mkdir -p "$LOGDIR"
clean=0 bad=0
while read -r p; do
	case "$p" in ''|'#'*) continue ;; esac
	if (cd "$TREE" && ./scripts/checkpatch.pl --strict -q --no-summary \
		"$PRIVNODE_TOP/patches/$p") >"$LOGDIR/$p.log" 2>&1; then
		clean=$((clean + 1))
		echo "ok checkpatch $p"
	else
		bad=$((bad + 1))
		echo "not ok checkpatch $p (log: $LOGDIR/$p.log)"
	fi
done <"$PRIVNODE_TOP/patches/series"
echo "checkpatch: $clean clean, $bad with problems"
[ "$bad" = 0 ]
