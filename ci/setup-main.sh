#!/usr/bin/env bash
# What the main job (ci/main.sh) needs, and nothing more: the Rust toolchain
# rust-toolchain.toml pins, with the wasm32-unknown-unknown target the
# adapters are built for; Binaryen's wasm-opt, which shrinks them; Go for the
# example; and the wasmtime CLI that `p1-convert run` runs components on.
# The test toolchains are ci/setup.sh's (ci/test.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

ci/install-rust.sh
if ! command -v go >/dev/null; then
  echo "[setup] the example needs Go 1.21 or newer (GOOS=wasip1): install it from go.dev/dl" >&2
  exit 1
fi
ci/install-wasmtime.sh
ci/install-binaryen.sh
