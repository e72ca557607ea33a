#!/usr/bin/env bash
# The crates users depend on (the provider and p1-convert) as crates.io
# would serve them: `cargo package` builds each from its .crate (the
# provider from its shipped adapters, p1-convert against that provider),
# then their tests run from the unpacked .crate files alone, outside the
# workspace, on the pinned Rust with a sysroot that has no wasm target and
# with no Binaryen anywhere on PATH: a tool that adds the dependency needs
# neither.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

log() { printf '[package-check] %s\n' "$*" >&2; }

toolchain=$(sed -n 's/^channel = "\(.*\)"/\1/p' rust-toolchain.toml)
export RUSTUP_TOOLCHAIN="$toolchain"
target="${CARGO_TARGET_DIR:-$root/target}"
checks="$target/package-check"
mkdir -p "$checks"

log "cargo package (each crate built from its .crate)"
cargo package --quiet --locked --allow-dirty -p wasi-preview1-adapter-provider -p p1-convert

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for crate in "$target"/package/wasi-preview1-adapter-provider-*.crate "$target"/package/p1-convert-*.crate; do
  tar -xzf "$crate" -C "$work"
done
provider=$(ls -d "$work"/wasi-preview1-adapter-provider-*)
convert=$(ls -d "$work"/p1-convert-*)

# The pinned Rust's sysroot, with the host's libraries only.
sysroot="$work/sysroot"
mkdir -p "$sysroot/lib/rustlib"
host=$(rustc -vV | sed -n 's/^host: //p')
ln -s "$(rustc --print sysroot)/lib/rustlib/$host" "$sysroot/lib/rustlib/$host"
if echo '#![no_std]' | rustc --sysroot "$sysroot" --target wasm32-unknown-unknown --crate-type lib -o /dev/null - 2>/dev/null; then
  log "the throw-away sysroot still builds for wasm32-unknown-unknown"; exit 1
fi
log "throw-away sysroot without wasm targets: building for wasm32-unknown-unknown fails there, as it should"

# No Binaryen: PATH without any directory that holds wasm-opt.
path=""
IFS=: read -ra dirs <<< "$PATH"
for dir in "${dirs[@]}"; do
  [ -x "$dir/wasm-opt" ] || path="${path:+$path:}$dir"
done

run() {
  env -u WASM_OPT PATH="$path" RUSTFLAGS="--sysroot=$sysroot" CARGO_TARGET_DIR="$checks/target" "$@"
}
# `cargo test` in DIR; prints how many tests passed, or everything on failure.
test_crate() {
  local dir=$1; shift
  local out="$work/test.log"
  if ! (cd "$dir" && run cargo test "$@") >"$out" 2>&1; then
    cat "$out" >&2
    log "$(basename "$dir"): tests failed"; exit 1
  fi
  log "$(basename "$dir"): $(awk '/^test result:/ { p += $4; f += $6; i += $8 } END { print p " passed, " f " failed, " i " ignored" }' "$out")"
}
if run sh -c 'command -v wasm-opt' >/dev/null; then
  log "wasm-opt is still on PATH"; exit 1
fi
log "testing $(basename "$provider") from its .crate"
test_crate "$provider"
log "testing $(basename "$convert") from its .crate, with that provider"
test_crate "$convert" --config "patch.crates-io.wasi-preview1-adapter-provider.path=\"$provider\""
log "ok: both crates build and pass their tests without a wasm target or Binaryen"
