#!/usr/bin/env bash
# The test command: install the toolchains, build and verify the adapters,
# then run every test (verify, finalize, the differential suite, the shipped
# adapters against the fresh build), and check the published crates from
# their .crate files (ci/package-check.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

ci/setup.sh
# The adapter's modules depend one way only (docs/architecture.md).
python3 ci/module-graph.py >/dev/null
ci/build-adapters.sh
cargo test --release -p verify -p finalize -p p1-convert -p wasi-preview1-adapter-provider -p adapter-tests -p adapter-bench
ci/package-check.sh
