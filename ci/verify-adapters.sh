#!/usr/bin/env bash
# Checks every adapter under DIR (default target/adapters, the layout
# ci/build-adapters.sh and `p1-convert adapters` write) with `verify`:
# imports, sections, globals, the exact export surface per flavour.
# VERIFY names the verify binary (default: the release build).
set -euo pipefail
cd "$(dirname "$0")/.."

dir="${1:-target/adapters}"
verify="${VERIFY:-${CARGO_TARGET_DIR:-target}/release/verify}"
for flavour in command reactor proxy; do
  "$verify" "$flavour" "$dir/wasi_snapshot_preview1.$flavour.wasm"
done
# wasi:http/proxy has no wasi:cli/exit, so no exit-code variant of it.
for flavour in command reactor; do
  "$verify" "$flavour" "$dir/exit-with-code/wasi_snapshot_preview1.$flavour.wasm" --exit-with-code
done
