//! The P1 call fuzzer on a fixed set of seeds (see `adapter_tests::fuzz`
//! and `programs/rust/src/bin/p1fuzz.rs`): our adapter must answer every
//! call as the native host does.
//!
//! The seeds run through the stock flow (the adapter spliced in unchanged)
//! and, a further half as many, through `p1-convert` (interposed); the
//! counts keep this within a minute or two on two cores. `p1-fuzz` runs
//! any number of seeds in any mode and either placement.

use adapter_tests::component::Splice;
use adapter_tests::fuzz::summary::Summary;
use adapter_tests::fuzz::{Fuzzer, Mode};
use std::sync::OnceLock;

/// The guest and its components are built and compiled once for all tests.
fn fuzzer(splice: Splice) -> &'static Fuzzer {
    static STOCK: OnceLock<Fuzzer> = OnceLock::new();
    static CONVERTED: OnceLock<Fuzzer> = OnceLock::new();
    let cell = match splice {
        Splice::Stock => &STOCK,
        Splice::Converted => &CONVERTED,
    };
    cell.get_or_init(|| Fuzzer::new(None, splice, false).unwrap_or_else(|e| panic!("{e:?}")))
}

fn check(mode: Mode, seeds: impl IntoIterator<Item = u64>) {
    check_with(Splice::Stock, mode, seeds)
}

fn check_with(splice: Splice, mode: Mode, seeds: impl IntoIterator<Item = u64>) {
    let fuzzer = fuzzer(splice);
    let mut summary = Summary::default();
    for seed in seeds {
        match fuzzer.run(mode, seed) {
            Ok(result) => summary.add(&result),
            Err(e) => summary.error(mode, seed, format!("{e:?}")),
        }
    }
    if !summary.is_clean() {
        panic!(
            "our adapter ({}) differs from native P1:\n{}\nreproduce: cargo run --release -p adapter-tests --bin p1-fuzz -- --placement {} --mode {mode} --seeds SEED --verbose",
            splice.name(),
            summary.render(false),
            splice.name()
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

#[test]
fn single_converted() {
    check_with(Splice::Converted, Mode::Single, 1000..1500);
}

#[test]
fn multi_converted() {
    check_with(Splice::Converted, Mode::Multi, 300..450);
}

#[test]
fn malformed_converted() {
    check_with(Splice::Converted, Mode::Malformed, (300..450).chain([5768, 14450, 16033]));
}
