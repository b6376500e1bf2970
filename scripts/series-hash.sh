# series_hash DIR: a hash of DIR/series and every patch it lists.
# shellcheck shell=bash
series_hash() {
	(
		cd "$1" && cat series && while read -r p; do
			case "$p" in '' | '#'*) continue ;; esac
			cat "$p"
		done <series
	) | sha256sum | cut -d' ' -f1
}
