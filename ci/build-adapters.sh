#!/usr/bin/env bash
# Builds the three adapter flavours, plain and (command, reactor) with
# `exit-with-code`, into target/adapters/, and checks each with `verify`
# (ci/verify-adapters.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

ci/install-rust.sh
# finalize shrinks each adapter with wasm-opt.
ci/install-binaryen.sh
out=target/adapters
# Start clean so no artifact of an earlier layout lingers.
rm -rf "$out"
mkdir -p "$out/exit-with-code"
cargo build -q --release -p finalize -p verify

bin="${CARGO_TARGET_DIR:-target}"
for flavour in command reactor proxy; do
  for variant in portable exit-with-code; do
    features="$flavour"
    dest="$out/wasi_snapshot_preview1.$flavour.wasm"
    if [ "$variant" = exit-with-code ]; then
      # wasi:http/proxy has no wasi:cli/exit, so no exit code to carry.
      [ "$flavour" = proxy ] && continue
      features="$flavour,exit-with-code"
      dest="$out/exit-with-code/wasi_snapshot_preview1.$flavour.wasm"
    fi
    cargo build -q -p wasi-preview1-adapter --target wasm32-unknown-unknown --profile adapter \
      --no-default-features --features "$features"
    "$bin/release/finalize" "$bin/wasm32-unknown-unknown/adapter/wasi_snapshot_preview1.wasm" "$dest"
  done
done
ci/verify-adapters.sh "$out"
