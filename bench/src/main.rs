//! `adapter-bench`: measures every workload three ways and prints the
//! tables; `--write-docs` also writes `docs/benchmarks.md` and
//! `docs/benchmarks.svg`.

use adapter_bench::hosts::Way;
use adapter_bench::machine::Machine;
use adapter_bench::report::Report;
use adapter_bench::suite::{Measured, Suite};
use adapter_bench::workloads::{self, Workload};
use adapter_bench::{baseline, format, plot, sizes};
use anyhow::{bail, Context, Result};
use std::time::Instant;

const USAGE: &str = "\
usage: adapter-bench [--quick] [--fuel-only] [--write-docs] [--write-baseline]
                     [--repetitions N] [WORKLOAD-SUBSTRING...]

  --quick           a tenth of the iterations, 2 repetitions (a few minutes)
  --fuel-only       count fuel only, no timings
  --write-docs      write docs/benchmarks.md and docs/benchmarks.svg
  --write-baseline  write bench/fuel-baseline.txt from the CI workloads' fuel
  --repetitions N   timed repetitions per workload (default 7, quick 2)

Our adapter comes from ADAPTER_DIR (default target/adapters; build it with
ci/build-adapters.sh).";

const FULL_REPETITIONS: usize = 7;
const QUICK_REPETITIONS: usize = 2;
const QUICK_DIVISOR: u64 = 10;
const INSTANTIATIONS: usize = 30;

struct Options {
    quick: bool,
    fuel_only: bool,
    write_docs: bool,
    write_baseline: bool,
    repetitions: Option<usize>,
    filters: Vec<String>,
}

fn parse_options() -> Result<Options> {
    let mut options = Options {
        quick: false,
        fuel_only: false,
        write_docs: false,
        write_baseline: false,
        repetitions: None,
        filters: Vec::new(),
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--quick" => options.quick = true,
            "--fuel-only" => options.fuel_only = true,
            "--write-docs" => options.write_docs = true,
            "--write-baseline" => options.write_baseline = true,
            "--repetitions" => {
                let n = args.next().context("--repetitions needs a number")?;
                options.repetitions = Some(n.parse().context("--repetitions needs a number")?);
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            flag if flag.starts_with('-') => bail!("unknown option {flag}\n{USAGE}"),
            filter => options.filters.push(filter.to_string()),
        }
    }
    if options.write_docs && (options.fuel_only || !options.filters.is_empty()) {
        bail!("--write-docs needs every workload timed: no --fuel-only, no filters");
    }
    Ok(options)
}

fn main() -> Result<()> {
    let options = parse_options()?;
    let started = Instant::now();
    if options.write_baseline {
        return write_baseline();
    }
    let divisor = if options.quick { QUICK_DIVISOR } else { 1 };
    let selected: Vec<Workload> = workloads::ALL
        .iter()
        .filter(|w| options.filters.is_empty() || options.filters.iter().any(|f| w.name.contains(f.as_str())))
        .map(|w| w.scaled(divisor))
        .collect();
    if selected.is_empty() {
        bail!("no workload matches {:?}", options.filters);
    }
    let repetitions = match (options.fuel_only, options.repetitions, options.quick) {
        (true, _, _) => None,
        (false, Some(n), _) => Some(n),
        (false, None, true) => Some(QUICK_REPETITIONS),
        (false, None, false) => Some(FULL_REPETITIONS),
    };

    let mut suite = Suite::new(&selected)?;
    let mut measured = Vec::new();
    for workload in &selected {
        let result = suite
            .measure(workload, repetitions)
            .with_context(|| format!("workload {}", workload.name))?;
        eprintln!("{}", progress_line(&result));
        measured.push(result);
    }
    let instantiation = match repetitions {
        Some(_) => Some(suite.instantiation(if options.quick { 5 } else { INSTANTIATIONS })?),
        None => None,
    };

    let machine = Machine::describe();
    let sizes = sizes::adapter_sizes()?;
    let mode = match repetitions {
        Some(n) if options.quick => format!("quick: a tenth of the iterations, {n} repetitions"),
        Some(n) => format!("full: {n} repetitions"),
        None => "fuel only".to_string(),
    };
    let command = if options.quick {
        "cargo run --release -p adapter-bench -- --quick --write-docs"
    } else {
        "cargo run --release -p adapter-bench -- --write-docs"
    };
    let report = Report {
        machine: &machine,
        mode,
        command,
        measured: &measured,
        instantiation,
        sizes: &sizes,
        plot: Some("benchmarks.svg"),
    };
    if options.write_docs {
        let docs = adapter_tests::paths::workspace_root().join("docs");
        std::fs::write(docs.join("benchmarks.md"), report.markdown())?;
        std::fs::write(docs.join("benchmarks.svg"), plot::svg(&measured))?;
        println!("{}", report.markdown());
        eprintln!("wrote {} and benchmarks.svg", docs.join("benchmarks.md").display());
    } else {
        println!("{}", Report { plot: None, ..report }.tables());
    }
    eprintln!("took {:.0} s", started.elapsed().as_secs_f64());
    Ok(())
}

fn progress_line(m: &Measured) -> String {
    let or_failed = |value: Option<String>| value.unwrap_or_else(|| "fails".to_string());
    let time = match m.time {
        Some(t) => {
            let cell = |way| or_failed(t.get(way).map(format::time));
            format!(
                "native {:>10}  wasmtime {:>10}  ours {:>10}  ",
                cell(Way::Native),
                cell(Way::WasmtimeAdapter),
                cell(Way::Ours)
            )
        }
        None => String::new(),
    };
    format!(
        "{:<26} {time}fuel: wasmtime {:>9}  ours {:>9}",
        m.workload.name,
        or_failed(m.adapter_fuel(Way::WasmtimeAdapter).map(format::fuel)),
        or_failed(m.adapter_fuel(Way::Ours).map(format::fuel))
    )
}

/// Measures the CI workloads' fuel exactly as `bench/tests/fuel.rs` does
/// and writes the baseline file.
fn write_baseline() -> Result<()> {
    let measured = adapter_bench::suite::ci_fuel()?;
    let mut entries = Vec::new();
    for m in &measured {
        match m.adapter_fuel(Way::Ours) {
            Some(fuel) => entries.push((m.workload.name.to_string(), fuel)),
            None => bail!("our adapter failed {}: {:?}", m.workload.name, m.failures),
        }
    }
    std::fs::write(baseline::path(), baseline::render(&entries))?;
    eprintln!("wrote {}", baseline::path().display());
    Ok(())
}
