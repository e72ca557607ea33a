//! The P1 call fuzzer on a fixed set of seeds (see `adapter_tests::fuzz`
//! and `programs/rust/src/bin/p1fuzz.rs`): our adapter must answer every
//! call as the native host does. More seeds: the `p1-fuzz` command.
//!
//! IGNORED for now: the adapter built at 07:12 UTC fails 60 of the single
//! seeds, 12 multi and 18 malformed: `sock_send` with nonzero si_flags
//! answers EINVAL (the native host ignores that plain u16), and in three
//! malformed seeds (21, 30, 39) a misaligned result pointer, on which the
//! native host traps, succeeds. `p1-fuzz` lists these and more classes.
//! Remove the `#[ignore]`s once `p1-fuzz --mode single --seeds 0..150` (and
//! 0..50 for multi and malformed) is clean; meanwhile run them with
//! `-- --ignored`.

use adapter_tests::fuzz::summary::Summary;
use adapter_tests::fuzz::{Fuzzer, Mode};
use std::sync::OnceLock;

/// The guest and its component are built and compiled once for all tests.
fn fuzzer() -> &'static Fuzzer {
    static FUZZER: OnceLock<Fuzzer> = OnceLock::new();
    FUZZER.get_or_init(|| Fuzzer::new(None, false).unwrap_or_else(|e| panic!("{e:?}")))
}

fn check(mode: Mode, seeds: std::ops::Range<u64>) {
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
            "our adapter differs from native P1:\n{}\nreproduce: cargo run --release -p adapter-tests --bin p1-fuzz -- --mode {mode} --seeds SEED..SEED+1 --verbose",
            summary.render(false)
        );
    }
}

#[test]
#[ignore = "the adapter still diverges on these seeds, see the module comment"]
fn single() {
    check(Mode::Single, 0..150);
}

#[test]
#[ignore = "the adapter still diverges on these seeds, see the module comment"]
fn multi() {
    check(Mode::Multi, 0..50);
}

#[test]
#[ignore = "the adapter still diverges on these seeds, see the module comment"]
fn malformed() {
    check(Mode::Malformed, 0..50);
}
