#!/usr/bin/env bash
# The test command: install the toolchains, build and verify the adapters,
# then run every test (verify, finalize, the differential suite).
set -euo pipefail
cd "$(dirname "$0")/.."

ci/setup.sh
# The adapter's modules depend one way only (docs/architecture.md).
python3 ci/module-graph.py >/dev/null
ci/build-adapters.sh
cargo test --release -p verify -p finalize -p p1-convert -p wasi-preview1-adapter-provider -p adapter-tests -p adapter-bench
