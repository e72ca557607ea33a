#!/usr/bin/env bash
# Installs everything the build and the tests need on a fresh Debian machine.
# Idempotent: each step checks before it installs. Run from the repository root.
set -euo pipefail

# Go toolchain fetched through the module proxy for the "old Go" column.
GO_OLD_VERSION="${GO_OLD_VERSION:-go1.23.12}"
AS_VERSION="0.28.20"
AS_SHIM_VERSION="0.1.0"
ZIG_VERSION="0.17.1"

log() { printf '[setup] %s\n' "$*" >&2; }

ci/install-rust.sh

need_apt=()
command -v clang >/dev/null || need_apt+=(clang)
command -v wasm-ld >/dev/null || need_apt+=(lld)
[ -e /usr/include/wasm32-wasi/stdio.h ] || need_apt+=(wasi-libc)
ls /usr/lib/llvm-14/lib/clang/14*/lib/wasi/libclang_rt.builtins-wasm32.a >/dev/null 2>&1 || need_apt+=(libclang-rt-14-dev-wasm32)
if [ ${#need_apt[@]} -gt 0 ]; then
  log "apt-get install ${need_apt[*]}"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if ! python3 -m ziglang version >/dev/null 2>&1; then
  log "pip install ziglang==$ZIG_VERSION"
  pip install -q "ziglang==$ZIG_VERSION"
fi

if [ ! -x tests/programs/as/node_modules/.bin/asc ]; then
  log "npm install assemblyscript@$AS_VERSION @assemblyscript/wasi-shim@$AS_SHIM_VERSION"
  mkdir -p tests/programs/as
  (cd tests/programs/as && npm install --silent --no-audit --no-fund --no-save \
      "assemblyscript@$AS_VERSION" "@assemblyscript/wasi-shim@$AS_SHIM_VERSION" >/dev/null 2>&1)
fi

# jco (Node's WASI 0.2 host), the differential suite's second host column;
# pinned by tests/jco/package.json and package-lock.json.
if ! command -v node >/dev/null; then
  log "node is not installed: the jco column of the tests will say it skipped"
elif [ "$(cd tests/jco && node -p "require('./package.json').dependencies['@bytecodealliance/jco']")" != \
     "$(cd tests/jco && node -p "require('./node_modules/@bytecodealliance/jco/package.json').version" 2>/dev/null)" ]; then
  log "npm ci in tests/jco (@bytecodealliance/jco)"
  (cd tests/jco && npm ci --silent --no-audit --no-fund >/dev/null 2>&1) ||
    log "npm ci in tests/jco failed: the jco column of the tests will say it skipped"
fi

# The wasmtime CLI for p1-convert's `run` tests and tests/cli.rs.
ci/install-wasmtime.sh

# Downloads the older Go toolchains once (cached in the module cache
# afterwards): the "old Go" column, the oldest Go with //go:wasmexport for
# the reactor tests, and the Go 1.25 the Go HTTP test builds with.
for release in "$GO_OLD_VERSION" "${GO_WASMEXPORT_VERSION:-go1.24.13}" "${GO_HTTP_VERSION:-go1.25.9}"; do
  if ! GOTOOLCHAIN="$release" go version >/dev/null 2>&1; then
    log "could not fetch $release through the module proxy; the tests that need it will say they skipped"
  fi
done
# wasm-opt, which finalize runs on every adapter built.
ci/install-binaryen.sh
# wit-bindgen's Go generator for the Go HTTP test (cached outside the
# checkout after the first machine-wide build).
ci/install-wit-bindgen.sh >/dev/null
log "ready"
