#!/usr/bin/env bash
# Configure and build userspace/ with CMake out of the work tree.
# Prints the build directory on stdout.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

B=${PRIVNODE_UBUILD:-$PRIVNODE_CACHE/build/userspace}
LOGDIR=$PRIVNODE_CACHE/logs
export CCACHE_DIR=${CCACHE_DIR:-$PRIVNODE_CACHE/ccache}
if [ ! -f "$B/CMakeCache.txt" ]; then
	run_logged "userspace cmake configure" "$LOGDIR/userspace-configure.log" \
		cmake -S "$PRIVNODE_TOP" -B "$B" -DCMAKE_CXX_COMPILER_LAUNCHER=ccache
fi
run_logged "userspace build" "$LOGDIR/userspace-build.log" \
	cmake --build "$B" -j"${JOBS:-$(nproc)}"
echo "$B"
