#!/usr/bin/env bash
# Export the privnode branch (privnode-base..privnode) of the kernel tree
# into patches/, or of the QEMU tree into qemu/ (export-series.sh qemu),
# with git format-patch: stable file names (NNNN-subject.patch), a cover
# letter from cover-letter.txt there (first line: subject; then the body;
# required for the kernel), and a series file. Run it after every commit you
# make in the tree. PRIVNODE_KTREE / PRIVNODE_QTREE name another clone of
# the tree (its branch privnode) to export from.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

case "${1:-kernel}" in
kernel) TREE=${PRIVNODE_KTREE:-$PRIVNODE_CACHE/linux} P=$PRIVNODE_TOP/patches ;;
qemu) TREE=${PRIVNODE_QTREE:-$PRIVNODE_CACHE/qemu} P=$PRIVNODE_TOP/qemu ;;
*) die "usage: export-series.sh [kernel|qemu]" ;;
esac
cd "$TREE"
git diff --quiet HEAD || die "$TREE has uncommitted changes: commit them into the right patch first"
[ "$(git symbolic-ref --short HEAD)" = privnode ] || die "$TREE is not on branch privnode"
n=$(git rev-list --count privnode-base..privnode)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fp=(git format-patch -q --zero-commit --no-signature --no-base --subject-prefix=PATCH
	-o "$tmp" privnode-base..privnode)
if [ "$n" -gt 0 ] && { [ "$P" = "$PRIVNODE_TOP/patches" ] || [ -f "$P/cover-letter.txt" ]; }; then
	[ -f "$P/cover-letter.txt" ] || die "$P/cover-letter.txt missing (subject line, blank line, body)"
	git config branch.privnode.description "$(cat "$P/cover-letter.txt")"
	fp+=(--cover-letter --cover-from-description=subject)
fi
"${fp[@]}"
# Cover letters carry the export date; keep it stable so an unchanged
# series exports byte-identical files.
[ -f "$tmp/0000-cover-letter.patch" ] &&
	sed -i '0,/^Date: /s/^Date: .*/Date: Thu, 1 Jan 2026 00:00:00 +0000/' "$tmp/0000-cover-letter.patch"

rm -f "$P"/[0-9][0-9][0-9][0-9]-*.patch
cp "$tmp"/*.patch "$P"/ 2>/dev/null || true
(cd "$P" && ls [0-9][0-9][0-9][0-9]-*.patch 2>/dev/null | grep -v '^0000-' || true) >"$P/series"
# The tree now matches patches/: record that, so kernel-tree.sh keeps it.
. "$here/series-hash.sh"
echo "$(series_hash "$P") $(git rev-parse HEAD)" >"$TREE/.git/privnode-series"
log "exported $n patches to $P"
