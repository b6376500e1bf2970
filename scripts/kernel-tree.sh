#!/usr/bin/env bash
# Make $PRIVNODE_CACHE/linux a git tree of the pinned Debian 6.12 kernel
# source with patches/ applied as commits (branch "privnode" on tag
# "privnode-base").
#
# The tree is re-synced only when patches/ changed since the last sync, and
# only files that differ are rewritten, so an incremental kernel build stays
# incremental. A tree with uncommitted changes or commits that were never
# exported is never overwritten: export them first (make export).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/versions.sh"
. "$here/series-hash.sh"

TREE=$PRIVNODE_CACHE/linux
DL=$PRIVNODE_CACHE/downloads
STAMP=$TREE/.git/privnode-series

fetch_deb() {
	local deb ver
	mkdir -p "$DL"
	deb=$(ls "$DL"/"${KERNEL_PKG}"_*.deb 2>/dev/null | head -n1 || true)
	[ -n "$deb" ] && { echo "$deb"; return; }
	ver=$KERNEL_PKG_VERSION
	if ! (cd "$DL" && apt-get download -q "$KERNEL_PKG=$ver") >&2; then
		ver=$(apt-cache madison "$KERNEL_PKG" | awk '{print $3}' |
			sort -V | tail -n1)
		[ -n "$ver" ] || die "no $KERNEL_PKG in the apt archive (apt-get update? backports enabled?)"
		warn "##############################################################"
		warn "pinned $KERNEL_PKG $KERNEL_PKG_VERSION is gone from the archive;"
		warn "using the newest one, $ver. Update scripts/versions.sh."
		warn "##############################################################"
		(cd "$DL" && apt-get download -q "$KERNEL_PKG=$ver") >&2 ||
			die "apt-get download $KERNEL_PKG=$ver failed"
	fi
	ls "$DL"/"${KERNEL_PKG}"_*.deb | head -n1
}

create_tree() {
	local deb tmp
	deb=$(fetch_deb)
	log "extracting $(basename "$deb") into $TREE"
	tmp=$PRIVNODE_CACHE/linux.tmp
	rm -rf "$tmp" && mkdir -p "$tmp"
	dpkg-deb --fsys-tarfile "$deb" |
		tar -xO --wildcards './usr/src/linux-source-*.tar.xz' |
		tar -xJ -C "$tmp" --strip-components=1 ||
		die "could not extract the kernel source from $deb"
	(
		cd "$tmp"
		git init -q -b privnode
		git config user.name "privnode"
		git config user.email "privnode@localhost"
		git config core.abbrev 12
		git add -A -f
		git commit -q -m "Linux $(basename "$deb" .deb) (Debian source)"
		git tag privnode-base
	) || die "could not make a git tree of the kernel source"
	mv "$tmp" "$TREE"
}

apply_series() {
	local want
	want=$(series_hash "$PRIVNODE_TOP/patches")
	cd "$TREE"
	if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want $(git rev-parse HEAD)" ] &&
		git diff --quiet HEAD; then
		return 0
	fi
	git diff --quiet HEAD ||
		die "$TREE has uncommitted changes; commit and export them (make export) or reset them"
	if [ -f "$STAMP" ] && [ "$(cut -d' ' -f2 "$STAMP")" != "$(git rev-parse HEAD)" ]; then
		die "$TREE has commits that are not in patches/; run 'make export' or reset the branch"
	fi
	[ -d .git/rebase-apply ] && git am --abort
	git checkout -q privnode
	git reset -q --hard privnode-base
	local p n=0 amlog=$PRIVNODE_CACHE/logs/kernel-series.log
	mkdir -p "$PRIVNODE_CACHE/logs"
	while read -r p; do
		case "$p" in ''|'#'*) continue ;; esac
		n=$((n + 1))
		git am -q --whitespace=nowarn "$PRIVNODE_TOP/patches/$p" >"$amlog" 2>&1 || {
			git am --abort 2>/dev/null || true
			die "patches/$p does not apply cleanly to $(git log -1 --format=%s privnode-base); log: $amlog"
		}
	done <"$PRIVNODE_TOP/patches/series"
	echo "$want $(git rev-parse HEAD)" >"$STAMP"
	log "kernel tree at $TREE: $n patches applied"
}

[ -d "$TREE/.git" ] || create_tree
apply_series
