#!/usr/bin/env bash
# Build bzImage out of tree from x86_64_defconfig + kvm_guest.config + our
# kernel-config/ fragments, with ccache. Usage: build-kernel.sh [VARIANT]
#   VARIANT "test" (default): qemu-guest + privnode + debug
#   VARIANT "debug": the test kernel plus KASAN, lockdep, kmemleak and more
#   (kernel-config/check-debug.config; slow, for make check-debug)
#   VARIANT "modules": the test kernel with the dax drivers as modules
#   (kernel-config/modules.config), installed under OBJ/modroot, for make
#   check-modules
#   VARIANT "bench": qemu-guest + privnode, without the debug checks, for
#   make bench-mm, which also builds it from the unpatched tree
#   (PRIVNODE_KTREE), where the privnode options do not exist
# Prints the path of bzImage on stdout.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

variant=${1:-test}
case "$variant" in
test | series) frags=(qemu-guest privnode debug) ;;
debug) frags=(qemu-guest privnode debug check-debug) ;;
bench) frags=(qemu-guest privnode) ;;
modules) frags=(qemu-guest privnode debug modules) ;;
*) die "unknown kernel variant '$variant' (test, debug, bench, modules)" ;;
esac

TREE=${PRIVNODE_KTREE:-$PRIVNODE_CACHE/linux}
OBJ=${PRIVNODE_KOBJ:-$PRIVNODE_CACHE/build/linux-$variant}
LOGDIR=$PRIVNODE_CACHE/logs
[ -e "$TREE/.git" ] || die "no kernel tree at $TREE (run scripts/kernel-tree.sh)"
mkdir -p "$OBJ" "$LOGDIR"

export CCACHE_DIR=${CCACHE_DIR:-$PRIVNODE_CACHE/ccache}
export CCACHE_BASEDIR=$PRIVNODE_CACHE
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-8G}
export CCACHE_NOHASHDIR=1
export KBUILD_BUILD_TIMESTAMP='Thu Jan  1 00:00:00 UTC 2026'
export KBUILD_BUILD_USER=privnode KBUILD_BUILD_HOST=privnode
JOBS=${JOBS:-$(($(nproc) + 1))}
kmake=(make -C "$TREE" O="$OBJ" CC="ccache gcc" HOSTCC="ccache gcc" -j"$JOBS")

paths=()
for f in "${frags[@]}"; do paths+=("$PRIVNODE_TOP/kernel-config/$f.config"); done
want=$(cat "$TREE/arch/x86/configs/x86_64_defconfig" \
	"$TREE/kernel/configs/kvm_guest.config" "${paths[@]}" | sha256sum | cut -d' ' -f1)
# Each prefix of the series may add Kconfig symbols: configure per commit.
[ "$variant" != series ] || want="$want $(git -C "$TREE" rev-parse HEAD)"

if [ ! -f "$OBJ/.config" ] || [ "$(cat "$OBJ/.privnode-config" 2>/dev/null)" != "$want" ]; then
	log "configuring kernel ($variant: ${frags[*]})"
	run_logged "kernel defconfig" "$LOGDIR/kernel-config-$variant.log" \
		"${kmake[@]}" x86_64_defconfig
	run_logged "kernel config merge" "$LOGDIR/kernel-config-$variant.log" \
		env KCONFIG_CONFIG="$OBJ/.config" "$TREE/scripts/kconfig/merge_config.sh" \
		-m -O "$OBJ" "$OBJ/.config" "$TREE/kernel/configs/kvm_guest.config" "${paths[@]}"
	run_logged "kernel olddefconfig" "$LOGDIR/kernel-config-$variant.log" \
		"${kmake[@]}" olddefconfig
	# Every option a fragment asks for must survive olddefconfig (a later
	# fragment's value of an option replaces an earlier one's).
	missing=$(cat "${paths[@]}" | grep -E '^CONFIG_[A-Z0-9_]+=' |
		awk -F= '{ last[$1] = $0 } END { for (k in last) print last[k] }' |
		while read -r l; do grep -qxF "$l" "$OBJ/.config" || echo "$l"; done)
	if [ -n "$missing" ]; then
		# A prefix of the series may predate an option the fragments
		# name (the test driver, say): only the full series must have
		# them all; neither does the unpatched kernel of make bench-mm.
		[ "$variant" = series ] || [ "${PRIVNODE_UNPATCHED:-0}" = 1 ] ||
			die "kernel config lost options (unmet dependencies?): $(echo $missing)"
		warn "options this prefix does not have: $(echo $missing)"
	fi
	echo "$want" >"$OBJ/.privnode-config"
fi

log "building kernel ($variant) in $OBJ"
run_logged "kernel build ($variant)" "$LOGDIR/kernel-build-$variant.log" \
	"${kmake[@]}" bzImage
if [ "$variant" = modules ]; then
	# the modules, installed (with depmod's index) under $OBJ/modroot for
	# mkinitramfs.sh (MODULES_ROOT)
	run_logged "kernel modules ($variant)" "$LOGDIR/kernel-modules-$variant.log" \
		"${kmake[@]}" modules
	rm -rf "$OBJ/modroot"
	run_logged "kernel modules_install ($variant)" "$LOGDIR/kernel-modules-install-$variant.log" \
		"${kmake[@]}" INSTALL_MOD_PATH="$OBJ/modroot" INSTALL_MOD_STRIP=1 modules_install
fi
echo "$OBJ/arch/x86/boot/bzImage"
