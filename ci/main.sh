#!/usr/bin/env bash
# The main job on a fresh machine: install the toolchains, build the three
# adapter flavours, then convert the example Go program into a component with
# the command adapter and run it on wasmtime's WASI 0.2 host.
set -euo pipefail
cd "$(dirname "$0")/.."

ci/setup.sh
ci/build-adapters.sh

mkdir -p target/examples
(cd examples/hello-go && GOOS=wasip1 GOARCH=wasm go build -o ../../target/examples/hello-go.wasm .)
echo "[main] running target/examples/hello-go.wasm as a component" >&2
cargo run -q --release -p adapter-tests --bin p1-run -- target/examples/hello-go.wasm first "second arg"
