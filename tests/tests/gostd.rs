//! Go's own `os` and `io/fs` package tests (the machine's Go, `-test.short`),
//! natively on wasmtime's P1 host and through our command adapter, spliced
//! in unchanged and as `p1-convert` converts: every
//! test's PASS/FAIL/SKIP must be the same (see `adapter_tests::gostd`).
//! `go-std-tests` runs more packages and Go releases.
//!
//! Native runs once; only if the adapted run differs does it run a second
//! time, so natively flaky tests are told apart from adapter failures.

use adapter_tests::component::Splice;
use adapter_tests::gostd::{self, Options, Outcome};
use adapter_tests::report;
use adapter_tests::toolchain::Toolchain;
use std::time::Duration;

fn check(pkg: &str, splice: Splice) {
    let options = Options {
        short: true,
        // Both packages take well under a minute; a hang fails in bounded time.
        timeout: Duration::from_secs(180),
        native_runs: 1,
        splice,
    };
    let progress = |line: &str| report::notice(&format!("[gostd] {line}"));
    let adapter = gostd::our_adapter().unwrap_or_else(|e| panic!("{e:?}"));
    match gostd::check(Toolchain::Go, pkg, &adapter, &options, &progress) {
        Ok(Outcome::Skipped(reason)) => {
            report::notice(&format!("gostd {pkg}: SKIPPED, Go is not available: {reason}"))
        }
        Ok(Outcome::Checked(report)) => {
            report::notice(&format!("{}\n{}", gostd::table_header(), report.row()));
            let details = report.details();
            if !report.passed() {
                panic!(
                    "Go's {pkg} tests differ through the adapter (logs in {}):\n{details}",
                    gostd::outputs_dir(&report.go, pkg).display()
                );
            }
            if !details.is_empty() {
                report::notice(&details);
            }
        }
        Err(e) => panic!("{e:?}"),
    }
}

#[test]
fn os() {
    check("os", Splice::Stock);
}

#[test]
fn io_fs() {
    check("io/fs", Splice::Stock);
}

#[test]
fn os_converted() {
    check("os", Splice::Converted);
}

#[test]
fn io_fs_converted() {
    check("io/fs", Splice::Converted);
}
