#!/usr/bin/env bash
# Builds Weft's .deb with Tauri's bundler (issue 21): weft-app, the `weft` CLI in /usr/bin,
# its shell completions and man page (`weft shell-files`), the icons, the .desktop entry
# and the application/x-weft-case mime entry (packaging/linux/, src-tauri/tauri.conf.json
# bundle.linux.deb). ui/dist must be built first (the Makefile's `package` target does).
#   scripts/package.sh            the release package
#   scripts/package.sh --debug    a debug one (what `make package-test` checks: faster to build)
# Prints the path of the .deb as its last line.
set -euo pipefail
cd "$(dirname "$0")/.."

profile=release
cargo_profile=(--release)
tauri_flags=()
if [ "${1:-}" = "--debug" ]; then
  profile=debug
  cargo_profile=()
  tauri_flags=(--debug)
elif [ -n "${1:-}" ]; then
  echo "usage: scripts/package.sh [--debug]" >&2
  exit 2
fi

target=${CARGO_TARGET_DIR:-target}
# The files tauri.conf.json maps into the package (its paths are ../target/package/files/).
stage=target/package/files
rm -rf "$stage"
mkdir -p "$stage"

cargo build --locked "${cargo_profile[@]}" -p weft
cp "$target/$profile/weft" "$stage/weft"
"$stage/weft" shell-files "$stage"
gzip -9n "$stage/weft.1"

rm -f "$target/$profile/bundle/deb/"*.deb
ui/node_modules/.bin/tauri build "${tauri_flags[@]}" --bundles deb --ci -- --locked >&2
deb=$(ls "$target/$profile/bundle/deb/"*.deb)
echo "$deb"
