#!/usr/bin/env bash
# What the main job (ci/main.sh) needs, and nothing more: the
# wasm32-unknown-unknown target the adapters are built for, Go for the
# example, and the wasmtime CLI that `p1-convert run` runs components on.
# The test toolchains are ci/setup.sh's (ci/test.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  rustup target add wasm32-unknown-unknown
fi
if ! command -v go >/dev/null; then
  echo "[setup] the example needs Go 1.21 or newer (GOOS=wasip1): install it from go.dev/dl" >&2
  exit 1
fi
ci/install-wasmtime.sh
# The adapters are shrunk with wasm-opt when p1-convert's build makes them.
ci/install-binaryen.sh
