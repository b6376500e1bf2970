#!/usr/bin/env bash
# make build-matrix: the whole series must build, with no error and no new
# W=1 warning, in the configurations reviewers ask for:
#   modules        CXL, dax and the privnode drivers as modules (modpost
#                  checks every symbol they use is exported)
#   numa-off       x86_64 without NUMA
#   i386-numa-off  i386_defconfig (no NUMA) with the privnode options it can take
#   hotremove-off  MEMORY_HOTREMOVE=n
#   hotplug-off    MEMORY_HOTPLUG=n
# The x86_64 variants are tinyconfig + kernel-config/matrix/base.config
# (what the series' code needs to be compiled) + privnode.config +
# matrix/VARIANT.config; i386 is i386_defconfig + privnode.config +
# matrix/numa-off.config + matrix/i386.config (no CONFIG_WERROR). Each is
# built with W=1 in its own object dir (a
# later run rebuilds incrementally), and every .c file the series touches
# that the configuration enables must have been compiled. "New" warnings are those
# on lines the series adds (git diff privnode-base..privnode), or anywhere
# in a file it creates; warnings upstream code already had are counted
# but do not fail. Slow (a full kernel build per variant): not part of
# make check. Usage: build-matrix.sh [VARIANT...]
#
# check-series.sh reuses it for every prefix of the series: it sets
# MATRIX_TREE (a worktree at the prefix), MATRIX_HEAD (the prefix's commit:
# "new" warnings are then those on lines the prefix adds), MATRIX_OBJ
# (where the object dirs go) and MATRIX_LOGDIR (where the logs go).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

all=(modules numa-off i386-numa-off hotremove-off hotplug-off)
variants=("$@")
[ ${#variants[@]} -gt 0 ] || variants=("${all[@]}")

if [ -z "${MATRIX_TREE:-}" ]; then
	"$here/kernel-tree.sh"
fi
TREE=${MATRIX_TREE:-$PRIVNODE_CACHE/linux}
HEAD=${MATRIX_HEAD:-privnode}
OBJROOT=${MATRIX_OBJ:-$PRIVNODE_CACHE/build}
LOGDIR=${MATRIX_LOGDIR:-$PRIVNODE_CACHE/logs}
mkdir -p "$LOGDIR"
export CCACHE_DIR=${CCACHE_DIR:-$PRIVNODE_CACHE/ccache}
export CCACHE_BASEDIR=$PRIVNODE_CACHE CCACHE_NOHASHDIR=1
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-8G}
export KBUILD_BUILD_TIMESTAMP='Thu Jan  1 00:00:00 UTC 2026'
export KBUILD_BUILD_USER=privnode KBUILD_BUILD_HOST=privnode
JOBS=${JOBS:-$(($(nproc) + 1))}

# added_lines: "FILE:LINE" for every line the series adds to a .c/.h file
added=$OBJROOT/matrix-added-lines
mkdir -p "$(dirname "$added")"
git -C "$TREE" diff -U0 privnode-base.."$HEAD" -- '*.c' '*.h' | awk '
	/^\+\+\+ b\// { file = substr($0, 7) }
	/^@@ / {
		split($3, r, ",")
		start = substr(r[1], 2) + 0; n = (r[2] == "") ? 1 : r[2] + 0
		for (i = 0; i < n; i++) print file ":" start + i
	}' | sort -u >"$added"

# build VARIANT: configure and build; writes "errors new-warnings
# old-warnings" to build/matrix-VARIANT/result
build() {
	local v=$1 arch=x86_64 defconfig=tinyconfig frags obj log
	local kc=$PRIVNODE_TOP/kernel-config
	case "$v" in
	modules | numa-off | hotremove-off | hotplug-off)
		frags=("$kc/matrix/base.config" "$kc/privnode.config" "$kc/matrix/$v.config") ;;
	i386-numa-off)
		arch=i386 defconfig=i386_defconfig
		frags=("$kc/privnode.config" "$kc/matrix/numa-off.config" "$kc/matrix/i386.config") ;;
	*) die "unknown build-matrix variant '$v' (${all[*]})" ;;
	esac
	obj=$OBJROOT/matrix-$v
	log=$LOGDIR/build-matrix-$v.log
	mkdir -p "$obj"
	local kmake=(make -C "$TREE" O="$obj" ARCH="$arch" CC="ccache gcc" HOSTCC="ccache gcc" -j"$JOBS")
	local want
	# configure again when the fragments or the tree's Kconfig files change
	# (check-series moves the tree from patch to patch)
	want=$({
		echo "$arch $defconfig"
		cat "${frags[@]}"
		git -C "$TREE" ls-files -s -- '*Kconfig*'
	} | sha256sum | cut -d' ' -f1)
	if [ "$(cat "$obj/.privnode-config" 2>/dev/null)" != "$want" ]; then
		{
			"${kmake[@]}" "$defconfig" &&
				KCONFIG_CONFIG="$obj/.config" "$TREE/scripts/kconfig/merge_config.sh" \
					-m -O "$obj" "$obj/.config" "${frags[@]}" &&
				"${kmake[@]}" olddefconfig
		} >"$LOGDIR/build-matrix-$v-config.log" 2>&1 ||
			die "configuring $v failed; log: $LOGDIR/build-matrix-$v-config.log"
		echo "$want" >"$obj/.privnode-config"
	fi
	# What the variant is about must really be in its .config.
	local must=() mustnot=()
	case "$v" in
	modules) must=(CONFIG_CXL_BUS=m CONFIG_DEV_DAX=m CONFIG_DEV_DAX_KMEM_PRIVATE=m
		CONFIG_TEST_PRIVATE_NODE=m) ;;
	# i386 without X86_BIGSMP does not offer NUMA at all: no "is not set" line
	numa-off | i386-numa-off) must=(CONFIG_DEBUG_MEMORY_INIT=y) mustnot=(CONFIG_NUMA=y) ;;
	hotremove-off) must=(CONFIG_MEMORY_HOTPLUG=y "# CONFIG_MEMORY_HOTREMOVE is not set") ;;
	hotplug-off) must=("# CONFIG_MEMORY_HOTPLUG is not set") ;;
	esac
	local m
	for m in "${mustnot[@]}"; do
		! grep -qxF "$m" "$obj/.config" ||
			die "$v: the configuration has '$m' (see $obj/.config)"
	done
	for m in "${must[@]}"; do
		# options an earlier prefix of the series does not have yet
		local sym=${m%%=*}
		sym=${sym#CONFIG_}
		case "$m" in
		"# "*) ;;
		*) git -C "$TREE" grep -q "^config $sym\$" -- '*Kconfig*' || continue ;;
		esac
		grep -qxF "$m" "$obj/.config" ||
			die "$v: the configuration lost '$m' (see $obj/.config)"
	done
	# Warnings are printed only when a file is compiled: remove the objects
	# of the files the series touches, so every run recompiles (and
	# judges) all of them, and an incremental run misses none.
	local f
	git -C "$TREE" diff --name-only privnode-base.."$HEAD" -- '*.c' | while read -r f; do
		rm -f "$obj/${f%.c}.o"
	done
	local rc=0
	"${kmake[@]}" W=1 bzImage modules >"$log" 2>&1 || rc=$?
	local errors new old
	errors=$(grep -cE '(^|: )(error|ERROR):|Error [0-9]+' "$log" || true)
	[ "$rc" = 0 ] || [ "$errors" -gt 0 ] || errors=1
	# Compiler warnings (FILE:LINE:COL:) and kernel-doc's (FILE:LINE:).
	grep -E '^[^ :]+:[0-9]+(:[0-9]+)?: warning:' "$log" | sed -E "s|^$TREE/||; s|^\.\./\.\./linux/||" |
		sort -u >"$obj/warnings.txt" || true
	new=0 old=0
	: >"$obj/new-warnings.txt"
	while IFS= read -r w; do
		local f=${w%%:*} rest=${w#*:}
		local l=${rest%%:*}
		if grep -qxF "$f:$l" "$added"; then
			new=$((new + 1))
			echo "$w" >>"$obj/new-warnings.txt"
		else
			old=$((old + 1))
		fi
	done <"$obj/warnings.txt"
	# Which of the series' files this configuration compiled (the others
	# are configured out: the test driver without hotplug, say).
	git -C "$TREE" diff --name-only privnode-base.."$HEAD" -- '*.c' | grep -v '^tools/' |
		while read -r f; do [ -e "$obj/${f%.c}.o" ] || echo "$f"; done >"$obj/not-compiled.txt"
	echo "$errors $new $old" >"$obj/result"
}

ok=0 bad=0 i=0
echo "TAP version 13"
echo "1..${#variants[@]}"
for v in "${variants[@]}"; do
	i=$((i + 1))
	t0=$SECONDS
	log "build-matrix: $v"
	rm -f "$OBJROOT/matrix-$v/result"
	build "$v"
	read -r errors new old <"$OBJROOT/matrix-$v/result"
	took=$(((SECONDS - t0) / 60))m$(((SECONDS - t0) % 60))s
	if [ "$errors" = 0 ] && [ "$new" = 0 ]; then
		ok=$((ok + 1))
		echo "ok $i - $v: 0 errors, 0 new W=1 warnings ($old in code the series does not touch), $took"
		nc=$OBJROOT/matrix-$v/not-compiled.txt
		[ ! -s "$nc" ] || echo "# $v: configured out: $(xargs <"$nc")"
	else
		bad=$((bad + 1))
		echo "not ok $i - $v: $errors error(s), $new new W=1 warning(s), $took (log: $LOGDIR/build-matrix-$v.log)"
		grep -E '(^|: )(error|ERROR):' "$LOGDIR/build-matrix-$v.log" | head -n 10 | sed 's/^/#   /'
		sed 's/^/#   /' "$OBJROOT/matrix-$v/new-warnings.txt" | head -n 10
	fi
done
echo "$ok passed, $bad failed"
[ "$bad" = 0 ]
