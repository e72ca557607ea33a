#!/usr/bin/env bash
# Builds the adapters afresh (ci/build-adapters.sh: the pinned toolchain,
# the pinned Binaryen, verify) and copies them into provider/artefacts/,
# the files the provider crate ships. Run it after changing the adapter and
# commit the files; CI fails while they differ from a fresh build
# (provider/tests/same_bytes.rs).
set -euo pipefail
cd "$(dirname "$0")/.."

ci/build-adapters.sh
rm -rf provider/artefacts
mkdir -p provider/artefacts
cp -r target/adapters/. provider/artefacts/
git status --short provider/artefacts
