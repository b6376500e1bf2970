#!/usr/bin/env bash
# Fetch the orig tarball of Debian's backports qemu 10.0.2 source package,
# apply qemu/series with git am and build x86_64-softmmu only, out of the
# work tree. Prints the path of qemu-system-x86_64 on stdout.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/versions.sh"
. "$here/series-hash.sh"

DL=$PRIVNODE_CACHE/downloads
SRC=$PRIVNODE_CACHE/qemu
OBJ=$PRIVNODE_CACHE/build/qemu
LOGDIR=$PRIVNODE_CACHE/logs
STAMP=$SRC/.git/privnode-series
mkdir -p "$DL" "$LOGDIR"

orig_tarball() {
	local t
	t=$(ls "$DL"/qemu_"$QEMU_UPSTREAM_VERSION"*.orig.tar.* 2>/dev/null | head -n1 || true)
	if [ -z "$t" ]; then
		# Only the orig tarball is needed; the Debian packaging is not.
		local line uri name sum
		line=$(apt-get source -q --print-uris "$QEMU_SRCPKG=$QEMU_SRCPKG_VERSION" 2>"$LOGDIR/qemu-fetch.log" |
			grep "'.*\.orig\.tar\." || true)
		[ -n "$line" ] ||
			die "no orig tarball for $QEMU_SRCPKG=$QEMU_SRCPKG_VERSION (deb-src for bookworm-backports enabled? see $LOGDIR/qemu-fetch.log)"
		read -r uri name _ sum <<<"$line"
		uri=${uri//\'/}
		log "downloading $name"
		/usr/lib/apt/apt-helper download-file "$uri" "$DL/$name" "$sum" \
			>>"$LOGDIR/qemu-fetch.log" 2>&1 ||
			die "download of $uri failed (see $LOGDIR/qemu-fetch.log)"
		t=$DL/$name
	fi
	echo "$t"
}

sync_tree() {
	local want t
	want=$(series_hash "$PRIVNODE_TOP/qemu")
	if [ ! -d "$SRC/.git" ]; then
		t=$(orig_tarball)
		log "extracting $(basename "$t")"
		rm -rf "$SRC.tmp" && mkdir -p "$SRC.tmp"
		tar -xf "$t" -C "$SRC.tmp" --strip-components=1 ||
			die "could not extract $t"
		(cd "$SRC.tmp" && git init -q -b privnode &&
			git config user.name privnode && git config user.email privnode@localhost &&
			git add -A -f && git commit -q -m "QEMU $QEMU_UPSTREAM_VERSION (Debian orig tarball)" &&
			git tag privnode-base) || die "could not make a git tree of QEMU"
		mv "$SRC.tmp" "$SRC"
	fi
	cd "$SRC"
	if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want $(git rev-parse HEAD)" ]; then
		return 0
	fi
	git diff --quiet HEAD || die "$SRC has uncommitted changes; commit them and run 'make export-qemu' first"
	# Commits made in the tree but never exported would be lost by the
	# reset below: the tree must be what qemu/ last produced (or pristine).
	if [ -f "$STAMP" ] && [ "$(cut -d' ' -f2 "$STAMP")" != "$(git rev-parse HEAD)" ]; then
		die "$SRC has commits that are not in qemu/; run 'make export-qemu' or reset the branch"
	fi
	if [ ! -f "$STAMP" ] && [ "$(git rev-parse HEAD)" != "$(git rev-parse privnode-base)" ]; then
		die "$SRC has commits but no record of the series they came from; export them ('make export-qemu') or reset to privnode-base"
	fi
	git reset -q --hard privnode-base
	local p
	while read -r p; do
		case "$p" in ''|'#'*) continue ;; esac
		git am -q "$PRIVNODE_TOP/qemu/$p" >/dev/null 2>&1 || {
			git am --abort 2>/dev/null || true
			die "qemu/$p does not apply cleanly to QEMU $QEMU_UPSTREAM_VERSION"
		}
	done <"$PRIVNODE_TOP/qemu/series"
	echo "$want $(git rev-parse HEAD)" >"$STAMP"
}

sync_tree
export CCACHE_DIR=${CCACHE_DIR:-$PRIVNODE_CACHE/ccache}
export CCACHE_BASEDIR=$PRIVNODE_CACHE
if [ ! -f "$OBJ/build.ninja" ]; then
	log "configuring QEMU"
	mkdir -p "$OBJ"
	# The +ds tarball lacks firmware blobs and the edk2 archives: do not
	# install blobs; the guest gets SeaBIOS from Debian's packages instead.
	(cd "$OBJ" && run_logged "QEMU configure" "$LOGDIR/qemu-configure.log" \
		"$SRC/configure" --target-list=x86_64-softmmu \
		--without-default-features --enable-tcg --enable-fdt=system \
		--disable-install-blobs --disable-docs --disable-werror \
		--python=/usr/bin/python3 --cc="ccache gcc" --cxx="ccache g++")
fi
log "building QEMU in $OBJ"
run_logged "QEMU build" "$LOGDIR/qemu-build.log" \
	ninja -C "$OBJ" -j"${JOBS:-$(nproc)}" qemu-system-x86_64 tests/qtest/cxl-compressed-test
echo "$OBJ/qemu-system-x86_64"
