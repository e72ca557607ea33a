//! One differential test: build the program, run it natively, run it
//! converted with each adapter on wasmtime's P2 host (ours both spliced in
//! unchanged, as `wasm-tools component new --adapt` does, and converted by
//! `p1-convert`), and, converted with ours, on jco (Node.js); compare,
//! report.

use crate::adapters::{self, Adapter};
use crate::compare::{self, Difference};
use crate::programs::{self, Program};
use crate::report::{self, Cell};
use crate::toolchain::Toolchain;
use crate::host_differences::{self, Verdict};
use crate::outcome::Outcome;
use crate::{artifacts, cases, component, jco, native};
use anyhow::{anyhow, bail, Result};
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

    let run_with = |adapter: &Adapter, component: &Result<Vec<u8>>| {
        let outcome = match component {
            Ok(c) => component::run(c, &spec),
            Err(e) => Err(anyhow!("converting: {e:?}")),
        };
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
    let encode = |adapter: &Adapter| component::encode(&module, &adapter.bytes);
    let ours_component = encode(&ours);
    let wasmtime_component = encode(&wasmtime);
    // jco runs what `p1-convert` makes, with the portable exit (the
    // interposed placement on a second host; wasmtime runs both).
    let ours_converted = component::convert(&module, &ours.bytes);
    let ours_diffs = run_with(&ours, &ours_component);
    // The exit-with-code column is converted as `p1-convert` converts
    // (interposed, docs/memory.md), so every case compares both placements
    // with native: the stock flow's (the adapter spliced in unchanged) and
    // the converter's.
    let converted = component::convert(&module, &ours_exit_code.bytes);
    let ours_exit_code_diffs = run_with(&ours_exit_code, &converted);
    let wasmtime_diffs = run_with(&wasmtime, &wasmtime_component);
    let jco = jco_column(
        toolchain,
        case,
        &spec,
        &expected,
        &ours_converted,
        &wasmtime_component,
    );

    // Where the stock flow is not expected to serve the toolchain, its
    // column is a comparison (docs/memory.md).
    let stock_cell = if toolchain.stock_flow_serves() {
        cell(&ours_diffs).ours()
    } else {
        cell(&ours_diffs).comparison()
    };
    report::row(
        case,
        &toolchain.label(),
        &stock_cell,
        &cell(&ours_exit_code_diffs),
        &cell(&wasmtime_diffs),
        &jco.cell,
        started.elapsed(),
    );

    let mut failure = String::new();
    for (adapter, diffs, asserted) in [
        (&ours, &ours_diffs, toolchain.stock_flow_serves()),
        (&ours_exit_code, &ours_exit_code_diffs, true),
    ] {
        if asserted && !diffs.is_empty() {
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
    if let Some(jco_failure) = &jco.failure {
        failure.push_str(jco_failure);
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

/// The jco column of one test: its cell in the report, and the failure
/// text when jco differs from native other than as listed in
/// `host_differences`.
struct JcoColumn {
    cell: String,
    failure: Option<String>,
}

/// Runs our adapter's component on jco. When it differs from native,
/// wasmtime's adapter's component runs on jco as well: the same difference
/// there points at the host, not at our adapter.
fn jco_column(
    toolchain: Toolchain,
    case: &str,
    spec: &cases::CaseSpec,
    expected: &Outcome,
    ours: &Result<Vec<u8>>,
    wasmtime: &Result<Vec<u8>>,
) -> JcoColumn {
    let jco = match jco::locate() {
        Ok(jco) => jco,
        Err(why) => {
            static ONCE: std::sync::Once = std::sync::Once::new();
            ONCE.call_once(|| report::notice(&format!("the jco column is SKIPPED: {why}")));
            return JcoColumn {
                cell: "SKIPPED (no jco)".into(),
                failure: None,
            };
        }
    };
    if !jco::selected(toolchain, case) {
        return JcoColumn {
            cell: "not run (JCO_CASES)".into(),
            failure: None,
        };
    }
    let run = |label: &str, component: &Result<Vec<u8>>| -> Result<Outcome> {
        let component = component.as_ref().map_err(|e| anyhow!("converting: {e:?}"))?;
        let outcome = jco.run(component, case, spec)?;
        artifacts::save(toolchain, case, label, &outcome);
        Ok(outcome)
    };
    let verdict = match run("jco", ours) {
        Ok(actual) => host_differences::assess(toolchain, case, expected, &actual),
        Err(e) => Verdict::Differs(vec![Difference {
            aspect: "error",
            detail: format!("jco: {e:?}"),
        }]),
    };
    let on_jco_too = || match run("jco-wasmtime-adapter", wasmtime) {
        Ok(actual) => match host_differences::assess(toolchain, case, expected, &actual) {
            Verdict::Same => "same as native".to_string(),
            Verdict::Known(names) => format!("known({})", names.join(",")),
            Verdict::Differs(diffs) => cell(&diffs).comparison(),
        },
        Err(e) => format!("error: {e}"),
    };
    match verdict {
        Verdict::Same => {
            let unseen: Vec<&str> = host_differences::listed(toolchain, case)
                .iter()
                .map(|d| d.name)
                .collect();
            JcoColumn {
                cell: if unseen.is_empty() {
                    "ok".into()
                } else {
                    format!("ok(unseen:{})", unseen.join(","))
                },
                failure: None,
            }
        }
        Verdict::Known(names) => {
            report::notice(&format!(
                "{case} {}: jco differs from native as listed ({}); wasmtime's adapter on jco: {}",
                toolchain.label(),
                names.join(", "),
                on_jco_too()
            ));
            JcoColumn {
                cell: format!("known({})", names.len()),
                failure: None,
            }
        }
        Verdict::Differs(diffs) => {
            let mut failure = format!(
                "=== ours on jco differs from native P1 ({case}, {}) ===\n",
                toolchain.label()
            );
            for d in &diffs {
                let _ = writeln!(failure, "{}", d.detail);
            }
            let _ = writeln!(
                failure,
                "(for comparison, wasmtime's adapter on jco: {}; a host difference belongs in \
                 tests/src/host_differences.rs and docs/hosts.md)",
                on_jco_too()
            );
            JcoColumn {
                cell: cell(&diffs).ours(),
                failure: Some(failure),
            }
        }
    }
}
