#!/usr/bin/env bash
# Install everything privnode needs from Debian (bookworm + backports + deb-src).
# Idempotent: enables bookworm-backports and deb-src only when missing, and
# skips apt-get entirely when every package is already installed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

SRC=/etc/apt/sources.list.d/privnode.sources

# Packages taken from bookworm-backports (newer than bookworm's).
BPO_PKGS=(libcatch2-dev meson python3-pycotap)

PKGS=(
	# kernel build
	build-essential bc bison flex libelf-dev libssl-dev dwarves cpio kmod
	xz-utils zstd rsync ccache git python3 perl
	# qemu build
	ninja-build pkg-config libglib2.0-dev libpixman-1-dev zlib1g-dev
	libfdt-dev libslirp-dev python3-venv
	# firmware for the guest (the +ds orig tarball has none)
	qemu-system-data seabios
	# userspace (gnuplot-nox: cramstat --plot, and its unit test)
	cmake g++ libcli11-dev nlohmann-json3-dev libnuma-dev libcxl-dev libdaxctl-dev uuid-dev
	gnuplot-nox
	# make check: scripts/check-format.sh (userspace/.clang-format)
	clang-format
	# the workload unit test measures page compressibility with LZ4
	liblz4-dev
	# guest initramfs
	busybox-static ndctl daxctl numactl
	# tools used by the harness
	jq dpkg-dev
)

# missing PKG...: the packages of the list that are not installed
missing() {
	local p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || echo "$p"
	done
}

enable_sources() {
	[ -f "$SRC" ] && return 0
	log "enabling bookworm-backports and deb-src in $SRC"
	cat >"$SRC" <<EOS
Types: deb deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOS
	rm -f "$PRIVNODE_CACHE/.apt-updated"
}

main() {
	mkdir -p "$PRIVNODE_CACHE"
	local need
	need=$(missing "${PKGS[@]}" "${BPO_PKGS[@]}" | xargs)
	[ -f "$SRC" ] && [ -z "$need" ] && exit 0
	# Check before anything is written under /etc/apt.
	if [ "$(id -u)" != 0 ]; then
		[ -z "$need" ] || log "missing packages: $need"
		[ -f "$SRC" ] || log "missing apt sources: $SRC (bookworm-backports and deb-src)"
		die "installing needs root: run 'sudo $0' once (or 'sudo make deps'), then retry"
	fi
	enable_sources
	[ -n "$need" ] || exit 0
	export DEBIAN_FRONTEND=noninteractive
	local logf=$PRIVNODE_CACHE/logs/apt
	log "installing packages (logs: $logf-*.log)"
	if [ ! -f "$PRIVNODE_CACHE/.apt-updated" ]; then
		run_logged "apt-get update" "$logf-update.log" apt-get update -q
		touch "$PRIVNODE_CACHE/.apt-updated"
	fi
	run_logged "apt-get install of the build dependencies" "$logf-install.log" \
		apt-get install -y -q --no-install-recommends "${PKGS[@]}"
	run_logged "apt-get install from bookworm-backports" "$logf-backports.log" \
		apt-get install -y -q --no-install-recommends -t bookworm-backports "${BPO_PKGS[@]}"
}
main "$@"
