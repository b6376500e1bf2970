#!/usr/bin/env bash
# clang-format check of the userspace sources held to userspace/.clang-format;
# make check runs it as the CTest test clang_format (userspace/CMakeLists.txt).
# Usage: check-format.sh [FILE...]; without FILE, every C++ source and
# header under userspace/ (none of it is vendored; build trees inside it are
# skipped). Exit status 1, each badly formatted line named, when a file is
# not as clang-format would write it.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
style=$top/userspace/.clang-format

command -v clang-format >/dev/null ||
	{ echo "check-format: clang-format is not installed (scripts/install-deps.sh installs it)" >&2; exit 1; }
if [ $# -gt 0 ]; then
	files=("$@")
else
	cd "$top"
	mapfile -t files < <(find userspace \( -name '.?*' -o -name CMakeFiles \) -prune -o \
		-type f \( -name '*.cpp' -o -name '*.hpp' -o -name '*.cc' -o -name '*.h' \) -print | sort)
fi
if out=$(clang-format --style="file:$style" --dry-run -Werror "${files[@]}" 2>&1); then
	echo "check-format: ${#files[@]} file(s) formatted as $style says"
	exit 0
fi
echo "$out" | grep -E 'error:' >&2 || echo "$out" >&2
bad=$(echo "$out" | sed -n 's/^\([^:]*\):[0-9]*:[0-9]*: error: code should be clang-formatted.*/\1/p' | sort -u)
echo "check-format: not formatted: $(echo $bad); fix with clang-format -i --style=file:$style FILE" >&2
exit 1
