#!/usr/bin/env bash
# Installs the Rust toolchain rust-toolchain.toml pins, with its targets
# (rustup reads the file), unless it is there already. The adapters' bytes
# depend on the compiler: building with any other one gives adapters that
# differ from the shipped ones (provider/tests/same_bytes.rs).
set -euo pipefail
cd "$(dirname "$0")/.."

toolchain=$(sed -n 's/^channel = "\(.*\)"/\1/p' rust-toolchain.toml)
installed=$(rustup target list --installed --toolchain "$toolchain" 2>/dev/null || true)
if ! grep -qx wasm32-unknown-unknown <<< "$installed" || ! grep -qx wasm32-wasip1 <<< "$installed"; then
  printf '[setup] rustup toolchain install %s (rust-toolchain.toml)\n' "$toolchain" >&2
  rustup toolchain install "$toolchain" --profile minimal --target wasm32-unknown-unknown --target wasm32-wasip1 >/dev/null
fi
