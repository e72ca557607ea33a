#!/usr/bin/env bash
# Installs wit-bindgen-cli's Go generator (crates.io), which the Go HTTP test
# uses to generate bindings as componentize-go does
# (tests/src/go_http.rs), into a cache outside the checkout: the build takes
# about ten minutes, once per machine. Prints the binary's path.
set -euo pipefail
cd "$(dirname "$0")/.."

WIT_BINDGEN_VERSION="0.62.0"
root="${XDG_CACHE_HOME:-$HOME/.cache}/wasi-preview1-adapter/wit-bindgen-$WIT_BINDGEN_VERSION"
binary="$root/bin/wit-bindgen"
if [ ! -x "$binary" ] && [ -n "${WIT_BINDGEN_NO_INSTALL:-}" ]; then
  printf '[setup] wit-bindgen-cli %s is not in %s\n' "$WIT_BINDGEN_VERSION" "$root" >&2
  exit 1
fi
if [ ! -x "$binary" ]; then
  printf '[setup] cargo install wit-bindgen-cli@%s --features go (about ten minutes, cached in %s)\n' \
    "$WIT_BINDGEN_VERSION" "$root" >&2
  build=$(mktemp -d)
  cargo install --quiet --locked "wit-bindgen-cli@$WIT_BINDGEN_VERSION" --no-default-features --features go \
    --root "$root" --target-dir "$build" >&2
  rm -rf "$build"
fi
echo "$binary"
