//! Measuring workloads: builds each program once, makes its components with
//! both adapters, compiles the three ways for the engines needed, and runs
//! every workload in one shared sandbox.

use crate::floor::{self, Floor};
use crate::hosts::{Artifacts, Invocation, Metering, Prepared, Way};
use crate::measure::{self, PerWay};
use crate::programs;
use crate::sandbox::Sandbox;
use crate::workloads::{self, Inputs, Program, Shape, Workload};
use adapter_tests::adapters::{self, ExitMode};
use anyhow::{anyhow, Context, Result};
use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

/// Results of one workload: time and fuel per call (per run for whole-run
/// workloads) of each way; a way that failed the workload has none.
#[derive(Clone, Debug)]
pub struct Measured {
    pub workload: Workload,
    /// Nanoseconds; `None` when only fuel was measured.
    pub time: Option<PerWay<Option<f64>>>,
    /// Total wasm instructions: for the native way the guest's own, for the
    /// components the guest's plus the adapter's.
    pub fuel: PerWay<Option<f64>>,
    /// Adapters that could not run the workload, with the first line of why.
    pub failures: Vec<(Way, String)>,
    /// Nanoseconds per call of the host's floor (`floor.rs`): the
    /// workload's WASI 0.2 calls alone, with no adapter; only for the
    /// per-call workloads that have one.
    pub floor: Option<f64>,
}

impl Measured {
    /// Wasm instructions the adapter of `way` executes per call (per run).
    pub fn adapter_fuel(&self, way: Way) -> Option<f64> {
        Some(self.fuel.get(way)? - self.fuel.get(Way::Native)?)
    }

    /// Time of `way` relative to `baseline`.
    pub fn time_ratio(&self, way: Way, baseline: Way) -> Option<f64> {
        let time = self.time?;
        Some(time.get(way)? / time.get(baseline)?)
    }
}

/// What the writing workloads create in the sandbox (the guest's name).
const OUTPUT_FILE: &str = "out.bin";

pub struct Suite {
    our_adapter: Vec<u8>,
    wasmtime_adapter: Vec<u8>,
    sandbox: Sandbox,
    artifacts: HashMap<Program, Artifacts>,
    prepared: HashMap<(Program, Metering), [Prepared; 3]>,
    /// Compiled on first use (a failure is kept, and reported each time).
    floor: Option<Result<Floor>>,
}

impl Suite {
    /// Loads the adapters (ours from `ADAPTER_DIR` or `target/adapters`) and
    /// creates a sandbox large enough for `workloads`.
    pub fn new(workloads: &[Workload]) -> Result<Suite> {
        let data_bytes = workloads
            .iter()
            .filter_map(|w| match (workloads::read_chunk(w), w.shape) {
                (Some(chunk), Shape::PerCall { n2, .. }) => Some(chunk * n2),
                _ => None,
            })
            .max()
            .unwrap_or(0);
        Ok(Suite {
            our_adapter: adapters::ours(ExitMode::Portable)?.bytes,
            wasmtime_adapter: adapters::wasmtime_command().bytes,
            sandbox: Sandbox::create(data_bytes)?,
            artifacts: HashMap::new(),
            prepared: HashMap::new(),
            floor: None,
        })
    }

    /// Measures one workload: fuel always, time with `repetitions`. An
    /// adapter that fails the workload is reported, not fatal; the native
    /// host failing it is.
    pub fn measure(&mut self, workload: &Workload, repetitions: Option<usize>) -> Result<Measured> {
        let invocation = self.invocation_maker(workload);
        let mut fuel = PerWay([None; 3]);
        let mut failures = Vec::new();
        for (way, prepared) in self.ways(workload.program, Metering::Fuel)? {
            let measured = match workload.shape {
                Shape::PerCall { n1, n2 } => measure::fuel_per_call(prepared, &invocation, (n1, n2)),
                Shape::WholeRun => measure::fuel_per_run(prepared, &invocation(0)),
            };
            match measured {
                Ok(value) => fuel.0[measure::index(way)] = Some(value),
                Err(err) if way != Way::Native => failures.push((way, first_line(&err))),
                Err(err) => return Err(err),
            }
        }
        let mut floor = None;
        let time = match repetitions.filter(|_| !workload.fuel_only) {
            None => None,
            Some(repetitions) => {
                self.prepare(workload.program, Metering::Time)?;
                let floor_id = floor::floor_of(workload.name);
                if floor_id.is_some() {
                    self.floor.get_or_insert_with(Floor::new);
                }
                let ways: Vec<_> = self
                    .prepared_ways(workload.program, Metering::Time)
                    .into_iter()
                    .filter(|(way, _)| !failures.iter().any(|(failed, _)| failed == way))
                    .collect();
                Some(match workload.shape {
                    Shape::PerCall { n1, n2 } => {
                        let floor_run = self.floor_runner(floor_id, &invocation)?;
                        let extra = floor_run.as_ref().map(|run| run as measure::Extra);
                        let (times, floor_time) =
                            measure::time_per_call(&ways, &invocation, (n1, n2), repetitions, extra)?;
                        floor = floor_time;
                        times
                    }
                    Shape::WholeRun => measure::time_per_run(&ways, &invocation(0), repetitions)?,
                })
            }
        };
        Ok(Measured {
            workload: *workload,
            time,
            fuel,
            failures,
            floor,
        })
    }

    /// Instantiation of the Rust guest's module and components: median and
    /// fastest of `repetitions`.
    pub fn instantiation(
        &mut self,
        repetitions: usize,
    ) -> Result<PerWay<Option<(Duration, Duration)>>> {
        let probe = workloads::ALL[0];
        let invocation = self.invocation_maker(&probe)(0);
        let ways = self.ways(probe.program, Metering::Time)?;
        measure::instantiation(&ways, &invocation, repetitions)
    }

    /// The arguments and environment of `workload` at `n` iterations.
    fn invocation_maker(&self, workload: &Workload) -> impl Fn(u64) -> Invocation {
        let sandbox: PathBuf = self.sandbox.path().to_path_buf();
        let workload = *workload;
        move |n| {
            let mut args = match workload.program {
                Program::RustGuest | Program::RustGuestStock | Program::RustGuestDropIn => {
                    vec!["p1-bench-guest".to_string(), workload.name.to_string(), n.to_string()]
                }
                Program::Go(name) => vec![name.to_string()],
            };
            let mut env = Vec::new();
            match workload.inputs {
                Inputs::None => {}
                Inputs::Args(count) => args.extend((0..count).map(|i| format!("argument-{i:05}"))),
                Inputs::EnvVars(count) => {
                    env.extend((0..count).map(|i| (format!("VAR_{i:05}"), format!("value-{i}"))))
                }
            }
            // No run pays for truncating what an earlier, longer run wrote.
            let _ = std::fs::remove_file(sandbox.join(OUTPUT_FILE));
            Invocation {
                args,
                env,
                sandbox: sandbox.clone(),
            }
        }
    }

    /// A timed run of the host's floor for workload `id` (`floor.rs`), if
    /// it has one, with what `invocation` gives the guest's runs.
    fn floor_runner<'a>(
        &'a self,
        id: Option<u32>,
        invocation: &'a dyn Fn(u64) -> Invocation,
    ) -> Result<Option<impl Fn(u64) -> Result<Duration> + 'a>> {
        let (Some(id), Some(built)) = (id, &self.floor) else { return Ok(None) };
        let built = built.as_ref().map_err(|e| anyhow!("building the floor component: {e:?}"))?;
        // `invocation` also removes what an earlier run wrote.
        Ok(Some(move |n| built.run(&invocation(n), id, n)))
    }

    /// The three ways of `program` on the `metering` engine, built and
    /// compiled on first use.
    fn ways(&mut self, program: Program, metering: Metering) -> Result<Vec<(Way, &Prepared)>> {
        self.prepare(program, metering)?;
        Ok(self.prepared_ways(program, metering))
    }

    /// The ways `prepare` made.
    fn prepared_ways(&self, program: Program, metering: Metering) -> Vec<(Way, &Prepared)> {
        Way::ALL.into_iter().zip(&self.prepared[&(program, metering)]).collect()
    }

    /// Builds and compiles the three ways of `program` on the `metering`
    /// engine, unless that was done before.
    fn prepare(&mut self, program: Program, metering: Metering) -> Result<()> {
        if !self.artifacts.contains_key(&program) {
            let module = programs::build(program)?;
            let artifacts = Artifacts::new(module, &self.wasmtime_adapter, &self.our_adapter, program.conversion())
                .with_context(|| format!("making components of {program:?}"))?;
            self.artifacts.insert(program, artifacts);
        }
        if !self.prepared.contains_key(&(program, metering)) {
            let artifacts = &self.artifacts[&program];
            let prepare = |way| {
                Prepared::new(metering, artifacts, way)
                    .with_context(|| format!("preparing {program:?} for {metering:?}"))
            };
            let ways = [prepare(Way::ALL[0])?, prepare(Way::ALL[1])?, prepare(Way::ALL[2])?];
            self.prepared.insert((program, metering), ways);
        }
        Ok(())
    }
}

/// One line on why a run failed: the guest's trap or exit, without its
/// arguments, stderr or backtrace (for a host error, its first cause).
fn first_line(err: &anyhow::Error) -> String {
    let text = err.to_string();
    let mut lines = text.lines().map(str::trim);
    let first = lines.next().unwrap_or("").to_string();
    match lines.skip_while(|l| *l != "Caused by:").nth(1) {
        Some(cause) if first.ends_with("backtrace:") => format!("{first} … {cause}"),
        _ => first,
    }
}

/// Iteration counts of the CI fuel check are a hundredth of a full run's:
/// fuel is exact, so a few hundred calls suffice.
pub const CI_DIVISOR: u64 = 100;

/// Fuel (no timings) of the workloads CI checks, at CI's iteration counts.
pub fn ci_fuel() -> Result<Vec<Measured>> {
    let selected: Vec<Workload> = workloads::ALL
        .iter()
        .filter(|w| w.in_fuel_ci)
        .map(|w| w.scaled(CI_DIVISOR))
        .collect();
    let mut suite = Suite::new(&selected)?;
    selected.iter().map(|w| suite.measure(w, None)).collect()
}
