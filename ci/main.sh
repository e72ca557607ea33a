#!/usr/bin/env bash
# The main job on a fresh machine, in about two minutes: install what it
# needs (ci/setup-main.sh), build p1-convert (its build builds the adapters
# it embeds, once), write those adapters to target/adapters and check each
# with `verify`, then build the example Go program and convert + run it as a
# WASI 0.2 component with `p1-convert run` on the prebuilt wasmtime CLI.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[main] %s\n' "$*" >&2; }

ci/setup-main.sh
log "building p1-convert and verify (p1-convert's build builds the five adapters)"
# A debug build without debug info: about half the compile time of a release
# build, and it still converts the example in a second. (`cargo install
# --path convert` makes the release binary.)
CARGO_PROFILE_DEV_DEBUG=false cargo build -q -p p1-convert -p verify
bin="${CARGO_TARGET_DIR:-target}/debug"
p1_convert="$bin/p1-convert"
rm -rf target/adapters
"$p1_convert" adapters target/adapters
VERIFY="$bin/verify" ci/verify-adapters.sh target/adapters
log "adapters in target/adapters, verified"

mkdir -p target/examples
(cd examples/hello-go && GOOS=wasip1 GOARCH=wasm go build -o ../../target/examples/hello-go.wasm .)
log "p1-convert run target/examples/hello-go.wasm first \"second arg\""
"$p1_convert" run target/examples/hello-go.wasm first "second arg"
