//! One differential test: build the program, run it natively, run it
//! converted with each adapter, compare, report.

use crate::adapters::{self, Adapter};
use crate::compare::{self, Difference};
use crate::programs::{self, Program};
use crate::report::{self, Cell};
use crate::toolchain::Toolchain;
use crate::{artifacts, cases, component, native};
use anyhow::{bail, Result};
use std::fmt::Write as _;
use std::time::Instant;

/// Runs `case` built by `toolchain` and fails (with a readable explanation)
/// when our adapter's behaviour differs from native P1. Wasmtime's adapter is
/// run too, for the report only.
pub fn run(toolchain: Toolchain, case: &str) -> Result<()> {
    let started = Instant::now();
    let module = match programs::build(toolchain, case)? {
        Program::Built(bytes) => bytes,
        Program::Unavailable(u) if u.optional => {
            report::skipped(case, toolchain.id(), &u.reason);
            return Ok(());
        }
        Program::Unavailable(u) => bail!("toolchain {} unavailable: {}", toolchain.id(), u.reason),
    };
    // Missing adapters fail the test before any work is done.
    let ours = adapters::ours(adapters::ExitMode::Portable)?;
    let ours_exit_code = adapters::ours(adapters::ExitMode::WithCode)?;
    let wasmtime = adapters::wasmtime_command();

    let spec = cases::spec(case);
    artifacts::reset(toolchain, case);
    let expected = native::run(&module, &spec)?;
    artifacts::save(toolchain, case, "native", &expected);
    if let Err(problem) = cases::check_native(case, &spec, &expected) {
        bail!(
            "the test program itself misbehaves natively ({case}, {}): {problem}",
            toolchain.id()
        );
    }

    let run_with = |adapter: &Adapter| {
        let outcome =
            component::encode(&module, &adapter.bytes).and_then(|c| component::run(&c, &spec));
        match outcome {
            Ok(actual) => {
                artifacts::save(toolchain, case, adapter.label, &actual);
                compare::compare(&expected, &actual, adapter.exit_mode)
            }
            // Failing to convert or instantiate is a difference too.
            Err(e) => vec![Difference {
                aspect: "error",
                detail: format!("{}: {e:?}", adapter.label),
            }],
        }
    };
    let ours_diffs = run_with(&ours);
    let ours_exit_code_diffs = run_with(&ours_exit_code);
    let wasmtime_diffs = run_with(&wasmtime);

    report::row(
        case,
        &toolchain.label(),
        &cell(&ours_diffs),
        &cell(&ours_exit_code_diffs),
        &cell(&wasmtime_diffs),
        started.elapsed(),
    );

    let mut failure = String::new();
    for (adapter, diffs) in [
        (&ours, &ours_diffs),
        (&ours_exit_code, &ours_exit_code_diffs),
    ] {
        if !diffs.is_empty() {
            let _ = writeln!(
                failure,
                "=== {} differs from native P1 ({case}, {}) ===",
                adapter.label,
                toolchain.label()
            );
            for d in diffs {
                let _ = writeln!(failure, "{}", d.detail);
            }
        }
    }
    if failure.is_empty() {
        return Ok(());
    }
    let _ = writeln!(
        failure,
        "(for comparison, wasmtime's adapter: {})",
        cell(&wasmtime_diffs).comparison()
    );
    bail!(failure)
}

fn cell(diffs: &[Difference]) -> Cell {
    if diffs.is_empty() {
        Cell::Ok
    } else {
        Cell::Differs(diffs.iter().map(|d| d.aspect).collect())
    }
}
