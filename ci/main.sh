#!/usr/bin/env bash
# The main job on a fresh machine: install what it needs (ci/setup-main.sh:
# the pinned Rust with its wasm target, Binaryen's wasm-opt, the wasmtime
# CLI), build the five adapters from source and check each with `verify`
# (ci/build-adapters.sh), say whether they are the ones the provider crate
# ships, build p1-convert, then build the example Go program and convert +
# run it as a WASI 0.2 component with `p1-convert run`.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[main] %s\n' "$*" >&2; }

ci/setup-main.sh
log "building the adapters (target/adapters) and checking each with verify"
ci/build-adapters.sh
if diff -rq target/adapters provider/artefacts >/dev/null; then
  log "they are byte for byte the adapters p1-convert and the provider crate ship (provider/artefacts)"
else
  log "NOTE: they differ from the shipped ones in provider/artefacts (ci/ship-adapters.sh updates those)"
fi
# A debug build without debug info: about half the compile time of a release
# build, and it still converts the example in a second. (`cargo install
# --path convert` makes the release binary.)
log "building p1-convert"
CARGO_PROFILE_DEV_DEBUG=false cargo build -q -p p1-convert
p1_convert="${CARGO_TARGET_DIR:-target}/debug/p1-convert"
"$p1_convert" --version >&2

mkdir -p target/examples
(cd examples/hello-go && GOOS=wasip1 GOARCH=wasm go build -o ../../target/examples/hello-go.wasm .)
log "p1-convert run target/examples/hello-go.wasm first \"second arg\""
"$p1_convert" run target/examples/hello-go.wasm first "second arg"
