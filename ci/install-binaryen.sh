#!/usr/bin/env bash
# Installs Binaryen's wasm-opt, which shrinks the built adapters (finalize
# runs it; see finalize/src/optimize.rs), from npm into
# target/tools/binaryen: a pinned version, so every machine builds the same
# bytes. Seconds; no compiler needed.
set -euo pipefail
cd "$(dirname "$0")/.."

BINARYEN_VERSION="132.0.0"
prefix=target/tools/binaryen
wasm_opt="$prefix/node_modules/.bin/wasm-opt"

if [ ! -x "$wasm_opt" ] || ! "$wasm_opt" --version 2>/dev/null | grep -q "version_${BINARYEN_VERSION%%.*}"; then
  printf '[setup] npm install binaryen@%s (wasm-opt)\n' "$BINARYEN_VERSION" >&2
  mkdir -p "$prefix"
  (cd "$prefix" && npm install --silent --no-audit --no-fund --no-save "binaryen@$BINARYEN_VERSION" >/dev/null)
fi
"$wasm_opt" --version >/dev/null
