//! The P1 call fuzzer on a fixed set of seeds (see `adapter_tests::fuzz`
//! and `programs/rust/src/bin/p1fuzz.rs`): our adapter must answer every
//! call as the native host does.
//!
//! The seed counts keep this within a minute on two cores; `p1-fuzz` runs
//! any number of seeds in any mode.

use adapter_tests::fuzz::summary::Summary;
use adapter_tests::fuzz::{Fuzzer, Mode};
use std::sync::OnceLock;

/// The guest and its component are built and compiled once for all tests.
fn fuzzer() -> &'static Fuzzer {
    static FUZZER: OnceLock<Fuzzer> = OnceLock::new();
    FUZZER.get_or_init(|| Fuzzer::new(None, false).unwrap_or_else(|e| panic!("{e:?}")))
}

fn check(mode: Mode, seeds: impl IntoIterator<Item = u64>) {
    let fuzzer = fuzzer();
    let mut summary = Summary::default();
    for seed in seeds {
        match fuzzer.run(mode, seed) {
            Ok(result) => summary.add(&result),
            Err(e) => summary.error(mode, seed, format!("{e:?}")),
        }
    }
    if !summary.is_clean() {
        panic!(
            "our adapter differs from native P1:\n{}\nreproduce: cargo run --release -p adapter-tests --bin p1-fuzz -- --mode {mode} --seeds SEED --verbose",
            summary.render(false)
        );
    }
}

#[test]
fn single() {
    check(Mode::Single, 0..1000);
}

#[test]
fn multi() {
    check(Mode::Multi, 0..300);
}

#[test]
fn malformed() {
    check(Mode::Malformed, 0..300);
}

/// Seeds that once diverged, beyond the ranges above.
#[test]
fn malformed_regressions() {
    // A read of stdin into a buffer that runs past the end of memory: the
    // native host reads first and copies what it read, so it answers 0 at
    // the end of input and EFAULT only when what it read does not fit.
    check(Mode::Malformed, [5768, 14450, 16033]);
}
