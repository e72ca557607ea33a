//! The CI subset of the sweeps (`adapter_tests::sweeps::ci_plan`), each
//! point through the stock flow and through `p1-convert`: points
//! around the sizes where Go start-up failed, the largest environment and
//! argument lists, and telling points of the other dimensions, for Go (the
//! machine's and 1.23), Rust, C (clang, zig) and AssemblyScript, commands and
//! reactors. The full sweep is `cargo run --release -p adapter-tests --bin
//! p1-sweep -- --full`. A missing toolchain is reported as a skip (and fails
//! if it is a required one, as in the differential tests).

use adapter_tests::report;
use adapter_tests::sweeps::{self, Runner, Verdict};
use std::sync::Mutex;

#[test]
fn ci_subset_matches_native() {
    let plan = sweeps::ci_plan();
    // wasmtime's adapter is left out here: it is a comparison, and it would
    // double the time.
    let runner = Runner::new(false);
    let failures = Mutex::new(Vec::new());
    let missing = Mutex::new(Vec::new());
    report::notice(&format!("\n{}", sweeps::TABLE_HEADER));
    runner.run_all(&plan, 2, |result| {
        report::notice(&result.row());
        // Both columns: the stock flow and p1-convert's.
        if let Verdict::Skipped(reason) = &result.converted {
            let line = format!("{}: {reason}", result.job.build);
            let mut missing = missing.lock().unwrap();
            if !missing.contains(&line) {
                report::notice(&format!("skipped: {line}"));
                missing.push(line);
            }
        }
        if let Some(details) = result.details() {
            failures.lock().unwrap().push(details);
        }
    });
    let failures = failures.into_inner().unwrap();
    assert!(failures.is_empty(), "{} points differ:\n{}", failures.len(), failures.join("\n\n"));
    // Old Go is fetched through the module proxy and may be unavailable
    // offline (a skip, said above); every other toolchain is required.
    let missing: Vec<String> = missing
        .into_inner()
        .unwrap()
        .into_iter()
        .filter(|line| !line.starts_with("go1.2"))
        .collect();
    assert!(missing.is_empty(), "required toolchains missing:\n{}", missing.join("\n"));
}
