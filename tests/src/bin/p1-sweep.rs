//! `p1-sweep [--full] [--toolchain ID[,ID..]] [--dimension DIM[,DIM..]]
//! [--flavour command|reactor] [--point TEXT] [--jobs N] [--no-wasmtime]
//! [--env-counts FROM..TO:STEP] [--args-counts FROM..TO:STEP]`
//!
//! Runs the sweep programs (tests/programs/sweep) point by point natively and
//! adapted, and prints a table: native exit, our adapter ("ok" or
//! FAIL(aspects)), wasmtime's adapter (comparison only). Without `--full` it
//! runs the fixed CI subset. Failures are explained in full at the end and
//! their outputs saved under target/test-programs/sweep-outputs/. Exits with
//! 1 if our adapter differs anywhere, 2 on usage errors.
//!
//! Toolchain ids: go1.21.13 go1.22.12 go1.23.12 go1.24.13 go1.25.9 go (the
//! machine's Go) rust clang zig asc; other text selects the ids it starts
//! ("go1.2" selects the Go releases fetched through GOTOOLCHAIN).
//! Dimensions: env args preopens iovec readdir paths.
//!
//! `--env-counts 1800..2600:10` runs `VARIABLE_NUMBER_n` environments of
//! those sizes instead of the listed points (to find where a failure starts
//! and ends); `--args-counts` the same with `argument_number_n` arguments.

use adapter_tests::sweeps::{self, Compiler, Dimension, Flavour, Runner, Verdict};
use std::process::ExitCode;
use std::sync::Mutex;
use std::time::Instant;

fn usage(problem: &str) -> ExitCode {
    eprintln!("p1-sweep: {problem}\nusage: p1-sweep [--full] [--toolchain ID,..] [--dimension DIM,..] [--flavour command|reactor] [--point TEXT] [--jobs N] [--no-wasmtime] [--env-counts FROM..TO:STEP] [--args-counts FROM..TO:STEP]");
    ExitCode::from(2)
}

/// An exact id selects that compiler only ("go" is the machine's Go); any
/// other text selects the ids it starts ("go1.2": Go 1.20 to 1.29).
fn selects(filter: &str, compiler: Compiler) -> bool {
    let exact = Compiler::all().iter().any(|c| c.id() == filter);
    if exact {
        compiler.id() == filter
    } else {
        compiler.id().starts_with(filter)
    }
}

/// "FROM..TO:STEP" (TO included).
fn parse_range(text: &str) -> Option<Vec<usize>> {
    let (range, step) = text.split_once(':')?;
    let (from, to) = range.split_once("..")?;
    let (from, to, step): (usize, usize, usize) = (from.parse().ok()?, to.parse().ok()?, step.parse().ok()?);
    (step > 0 && from <= to).then(|| (from..=to).step_by(step).collect())
}

fn main() -> ExitCode {
    let mut full = false;
    let mut toolchains: Vec<String> = Vec::new();
    let mut dimensions: Vec<Dimension> = Vec::new();
    let mut flavour: Option<Flavour> = None;
    let mut point_filter: Option<String> = None;
    let mut jobs = 1usize;
    let mut with_wasmtime = true;
    let mut env_counts: Option<Vec<usize>> = None;
    let mut args_counts: Option<Vec<usize>> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--full" => full = true,
            "--no-wasmtime" => with_wasmtime = false,
            "--toolchain" => match value("--toolchain") {
                Ok(v) => toolchains.extend(v.split(',').map(str::to_string)),
                Err(e) => return usage(&e),
            },
            "--dimension" => match value("--dimension") {
                Ok(v) => {
                    for name in v.split(',') {
                        match Dimension::parse(name) {
                            Some(d) => dimensions.push(d),
                            None => return usage(&format!("unknown dimension {name}")),
                        }
                    }
                }
                Err(e) => return usage(&e),
            },
            "--flavour" => match value("--flavour").as_deref() {
                Ok("command") => flavour = Some(Flavour::Command),
                Ok("reactor") => flavour = Some(Flavour::Reactor),
                _ => return usage("--flavour is command or reactor"),
            },
            "--point" => match value("--point") {
                Ok(v) => point_filter = Some(v),
                Err(e) => return usage(&e),
            },
            "--jobs" => match value("--jobs").map(|v| v.parse::<usize>()) {
                Ok(Ok(n)) if n > 0 => jobs = n,
                _ => return usage("--jobs needs a positive number"),
            },
            "--env-counts" => match value("--env-counts").map(|v| parse_range(&v)) {
                Ok(Some(counts)) => env_counts = Some(counts),
                _ => return usage("--env-counts needs FROM..TO:STEP"),
            },
            "--args-counts" => match value("--args-counts").map(|v| parse_range(&v)) {
                Ok(Some(counts)) => args_counts = Some(counts),
                _ => return usage("--args-counts needs FROM..TO:STEP"),
            },
            "-h" | "--help" => return usage("help"),
            other => return usage(&format!("unknown argument {other}")),
        }
    }

    let builds: Vec<_> = sweeps::all_builds()
        .into_iter()
        .filter(|b| toolchains.is_empty() || toolchains.iter().any(|t| selects(t, b.compiler)))
        .filter(|b| flavour.is_none_or(|f| b.flavour == f))
        .collect();
    if builds.is_empty() {
        return usage("no program matches --toolchain/--flavour");
    }
    let plan = if env_counts.is_some() || args_counts.is_some() {
        let mut points = sweeps::points::numbered_env_points(env_counts.unwrap_or_default());
        points.extend(sweeps::points::numbered_args_points(args_counts.unwrap_or_default()));
        sweeps::plan_points(&builds, points)
    } else if full {
        let dims = if dimensions.is_empty() { Dimension::ALL.to_vec() } else { dimensions.clone() };
        sweeps::plan(&builds, &dims)
    } else {
        sweeps::ci_plan()
    };
    let plan: Vec<_> = plan
        .into_iter()
        .filter(|j| builds.contains(&j.build))
        .filter(|j| dimensions.is_empty() || dimensions.contains(&j.point.dimension))
        .filter(|j| point_filter.as_ref().is_none_or(|f| j.point.label.contains(f.as_str())))
        .collect();
    eprintln!("p1-sweep: {} points, {} thread(s)", plan.len(), jobs);

    let started = Instant::now();
    let runner = Runner::new(with_wasmtime);
    let failures = Mutex::new(Vec::new());
    let skipped = Mutex::new(Vec::new());
    let counts = Mutex::new((0usize, 0usize, 0usize)); // same, failed, skipped
    println!("{}", sweeps::TABLE_HEADER);
    runner.run_all(&plan, jobs, |result| {
        println!("{}", result.row());
        let mut counts = counts.lock().unwrap();
        for verdict in [&result.ours, &result.converted] {
            if let Verdict::Skipped(reason) = verdict {
                let line = format!("{}: {reason}", result.job.build);
                let mut skipped = skipped.lock().unwrap();
                if !skipped.contains(&line) {
                    skipped.push(line);
                }
            }
        }
        if result.is_failure() {
            counts.1 += 1;
            if let Some(details) = result.details() {
                failures.lock().unwrap().push(details);
            }
        } else if result.is_skipped() {
            counts.2 += 1;
        } else {
            counts.0 += 1;
        }
    });
    let (same, failed, skipped_count) = *counts.lock().unwrap();
    for line in skipped.lock().unwrap().iter() {
        println!("SKIPPED {line}");
    }
    for details in failures.lock().unwrap().iter() {
        println!("\n{details}");
    }
    println!(
        "\n{} points: {same} same as native (both columns that ran), {failed} differ, {skipped_count} skipped; {:.0}s",
        plan.len(),
        started.elapsed().as_secs_f64()
    );
    if failed > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
