//! Sweeps: the same program run at many sizes of everything whose size
//! varies (environment, arguments, preopen names, iovecs, readdir buffers,
//! path lengths), every point compared natively vs adapted (stdout, stderr,
//! exit status, files left in the preopened directories).
//!
//! A behaviour that varies with size is not tested by one point: Go 1.26
//! died at start-up for 8 of 20 environment sizes while the `hello` case used
//! one that happened to work.
//!
//! The programs are `tests/programs/sweep/{go,rust,c,as}` (one per language,
//! the mode chosen by the `SWEEP` environment variable); `programs` builds
//! them, `points` lists the points, `host` runs them. `tests/tests/sweeps.rs`
//! runs [`ci_plan`]; `src/bin/p1-sweep.rs` runs any selection of [`plan`].

pub mod host;
pub mod points;
pub mod programs;

pub use points::{Dimension, Point};
pub use programs::{Build, Built, Compiler, Flavour};

use crate::adapters::ExitMode;
use crate::compare::{self, Difference};
use crate::outcome::{ExitStatus, Outcome};
use crate::{component, paths};
use anyhow::{anyhow, Context, Result};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use wasi_preview1_component_adapter_provider::{
    WASI_SNAPSHOT_PREVIEW1_COMMAND_ADAPTER, WASI_SNAPSHOT_PREVIEW1_REACTOR_ADAPTER,
};

/// One run to do: a program and a point.
#[derive(Clone)]
pub struct Job {
    pub build: Build,
    pub point: Arc<Point>,
}

/// Every build the sweeps use, in report order.
/// Descriptors the adapter holds in a Go program (its low-memory arena).
pub const GO_DESCRIPTOR_LIMIT: usize = 256;

pub fn all_builds() -> Vec<Build> {
    let mut builds = Vec::new();
    for compiler in Compiler::all() {
        builds.push(Build { compiler, flavour: Flavour::Command });
        if compiler.has_reactor() {
            builds.push(Build { compiler, flavour: Flavour::Reactor });
        }
    }
    builds
}

/// The full sweep for the given builds and dimensions.
pub fn plan(builds: &[Build], dimensions: &[Dimension]) -> Vec<Job> {
    let mut jobs = Vec::new();
    for &dimension in dimensions {
        let points: Vec<Arc<Point>> = points::points(dimension).into_iter().map(Arc::new).collect();
        for &build in builds {
            if !dimension.runs_on(build.compiler, build.flavour) {
                continue;
            }
            for point in &points {
                jobs.push(Job { build, point: point.clone() });
            }
        }
    }
    jobs
}

/// Each of `points` for every build in `builds` that runs its dimension.
pub fn plan_points(builds: &[Build], points: Vec<Point>) -> Vec<Job> {
    let points: Vec<Arc<Point>> = points.into_iter().map(Arc::new).collect();
    let mut jobs = Vec::new();
    for &build in builds {
        for point in &points {
            if point.dimension.runs_on(build.compiler, build.flavour) {
                jobs.push(Job { build, point: point.clone() });
            }
        }
    }
    jobs
}

/// The fixed, fast subset run by `cargo test` (tests/tests/sweeps.rs): the
/// sizes around the Go start-up failure, the largest environment and
/// argument lists, and one or two telling points of every other dimension.
pub fn ci_plan() -> Vec<Job> {
    let go = |compiler| Build { compiler, flavour: Flavour::Command };
    let local_go = go(Compiler::Go("local"));
    let old_go = go(Compiler::Go("go1.23.12"));
    let go_reactor = Build { compiler: Compiler::Go("local"), flavour: Flavour::Reactor };
    let rust = go(Compiler::Rust);
    let clang = go(Compiler::Clang);
    let zig = go(Compiler::Zig);
    let clang_reactor = Build { compiler: Compiler::Clang, flavour: Flavour::Reactor };
    let asc = go(Compiler::Asc);
    let wanted: &[(Dimension, &[Build], &[&str])] = &[
        (
            Dimension::Env,
            &[local_go, go_reactor],
            &["numbered n=0", "numbered n=2000", "numbered n=4000", "numbered n=20000", "value4KiB n=1000"],
        ),
        (Dimension::Env, &[old_go, rust, clang, zig, clang_reactor, asc], &["numbered n=2000", "value4KiB n=1000"]),
        (Dimension::Args, &[local_go, rust, clang], &["numbered n=0", "numbered n=10000", "arg4KiB n=1000"]),
        // 500 preopens: beyond what the stock placement holds for Go (its
        // column says skipped), served when interposed.
        (Dimension::Preopens, &[local_go, rust, clang], &["count=2 len=4096", "count=60 len=64", "count=500 len=8"]),
        (Dimension::Iovec, &[local_go, rust, clang, zig], &["n=1024 mixed", "n=16 last"]),
        (Dimension::Readdir, &[local_go, rust, clang], &["entries=10 namelen=16 buf=41", "entries=100 namelen=255 buf=279", "listdir entries=1000 namelen=255"]),
        (Dimension::Paths, &[local_go, rust, clang], &["comp=255 depth=16 total=4095", "comp=1 depth=2049 total=4097"]),
    ];
    let mut jobs = Vec::new();
    for (dimension, builds, labels) in wanted {
        let all = points::points(*dimension);
        for label in *labels {
            let point = Arc::new(
                all.iter()
                    .find(|p| p.label == *label)
                    .unwrap_or_else(|| panic!("no {dimension} point {label:?}"))
                    .clone(),
            );
            for &build in *builds {
                jobs.push(Job { build, point: point.clone() });
            }
        }
    }
    jobs
}

/// What happened at one point.
pub struct PointResult {
    pub job: Job,
    pub native: Option<String>,
    /// Our adapter spliced in unchanged (the stock `--adapt` flow).
    pub ours: Verdict,
    /// Our adapter as `p1-convert` converts (interposed, docs/memory.md).
    pub converted: Verdict,
    /// wasmtime's own adapter: a comparison column, never a failure.
    pub wasmtime: Option<Verdict>,
    pub time: Duration,
}

pub enum Verdict {
    Same,
    Differs(Vec<Difference>),
    /// Not run: the toolchain is missing, or the point is beyond what the
    /// program can do natively in time. Said, never passed.
    Skipped(String),
    /// The harness failed (conversion, instantiation outside the guest...).
    Error(String),
}

impl Verdict {
    fn cell(&self, fail_word: &str) -> String {
        match self {
            Verdict::Same => "ok".into(),
            Verdict::Differs(diffs) => format!(
                "{fail_word}({})",
                diffs.iter().map(|d| d.aspect).collect::<Vec<_>>().join(",")
            ),
            Verdict::Skipped(_) => "skipped".into(),
            Verdict::Error(_) => "ERROR".into(),
        }
    }

    pub fn is_failure(&self) -> bool {
        matches!(self, Verdict::Differs(_) | Verdict::Error(_))
    }
}

impl PointResult {
    /// Whether either of our columns differs from native.
    pub fn is_failure(&self) -> bool {
        self.ours.is_failure() || self.converted.is_failure()
    }

    /// Whether the point ran at all (in either of our columns).
    pub fn is_skipped(&self) -> bool {
        matches!(self.ours, Verdict::Skipped(_)) && matches!(self.converted, Verdict::Skipped(_))
    }
}

impl PointResult {
    /// One table row.
    pub fn row(&self) -> String {
        let native = self.native.as_deref().unwrap_or("-");
        let theirs = self.wasmtime.as_ref().map(|v| v.cell("differs")).unwrap_or_else(|| "-".into());
        format!(
            "{:<20} {:<8} {:<40} {:<10} {:<22} {:<22} {:<27} {:>6.1}s",
            self.job.build.to_string(),
            self.job.point.dimension.name(),
            self.job.point.label,
            native,
            self.ours.cell("FAIL"),
            self.converted.cell("FAIL"),
            theirs,
            self.time.as_secs_f64()
        )
    }

    /// The differences in full, for failures.
    pub fn details(&self) -> Option<String> {
        let mut out = String::new();
        for (column, verdict) in [("ours (--adapt)", &self.ours), ("ours (p1-convert)", &self.converted)] {
            let body = match verdict {
                Verdict::Differs(diffs) => diffs.iter().map(|d| d.detail.clone()).collect::<Vec<_>>().join("\n"),
                Verdict::Error(e) => e.clone(),
                _ => continue,
            };
            let _ = writeln!(
                out,
                "=== {} {} {}: {column} differs from native P1 ===\n{body}",
                self.job.build, self.job.point.dimension, self.job.point.label
            );
        }
        if out.is_empty() {
            return None;
        }
        if let Some(theirs) = &self.wasmtime {
            let _ = write!(out, "(wasmtime's adapter: {})", theirs.cell("differs"));
        }
        Some(out)
    }
}

pub const TABLE_HEADER: &str = "program              dim      point                                    native     ours/--adapt           ours/p1-convert        wasmtime-adapter              time";

/// Which adapters each run uses, and how they are spliced in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum AdapterKind {
    /// Ours, spliced in unchanged.
    Ours,
    /// Ours, as `p1-convert` converts.
    Converted,
    Wasmtime,
}

/// Runs jobs, sharing built programs and components between them.
pub struct Runner {
    /// Whether wasmtime's adapter is run too (comparison column).
    pub with_wasmtime: bool,
    modules: Mutex<HashMap<Build, Arc<Result<Built, String>>>>,
    components: Mutex<HashMap<(Build, AdapterKind), Arc<Result<Vec<u8>, String>>>>,
}

impl Runner {
    pub fn new(with_wasmtime: bool) -> Runner {
        Runner {
            with_wasmtime,
            modules: Mutex::default(),
            components: Mutex::default(),
        }
    }

    fn module(&self, build: Build) -> Arc<Result<Built, String>> {
        // Holding the lock while building: builds are serialised anyway.
        let mut modules = self.modules.lock().unwrap();
        modules
            .entry(build)
            .or_insert_with(|| Arc::new(programs::build(build).map_err(|e| format!("{e:?}"))))
            .clone()
    }

    fn component(&self, build: Build, module: &[u8], kind: AdapterKind) -> Arc<Result<Vec<u8>, String>> {
        if let Some(hit) = self.components.lock().unwrap().get(&(build, kind)) {
            return hit.clone();
        }
        let made = Arc::new(
            check_recognised(build, module)
                .and_then(|()| encode(module, build.flavour, kind))
                .map_err(|e| format!("{e:?}")),
        );
        self.components.lock().unwrap().insert((build, kind), made.clone());
        made
    }

    /// Runs one point: natively, with our adapter, and (optionally) with
    /// wasmtime's.
    pub fn run(&self, job: &Job) -> PointResult {
        let started = Instant::now();
        let mut result = self.run_untimed(job);
        result.time = started.elapsed();
        result
    }

    fn run_untimed(&self, job: &Job) -> PointResult {
        let mut result = PointResult {
            job: job.clone(),
            native: None,
            ours: Verdict::Skipped(String::new()),
            converted: Verdict::Skipped(String::new()),
            wasmtime: None,
            time: Duration::ZERO,
        };
        if let Some(reason) = too_slow_natively(job) {
            result.ours = Verdict::Skipped(reason.clone());
            result.converted = Verdict::Skipped(reason);
            return result;
        }
        let module = self.module(job.build);
        let module = match module.as_ref() {
            Ok(Built::Module(bytes)) => bytes,
            Ok(Built::Unavailable(reason)) => {
                result.ours = Verdict::Skipped(reason.clone());
                result.converted = Verdict::Skipped(reason.clone());
                return result;
            }
            Err(e) => {
                result.ours = Verdict::Error(format!("building: {e}"));
                return result;
            }
        };
        let flavour = job.build.flavour;
        let expected = match host::run_native(module, flavour, &job.point) {
            Ok(outcome) => outcome,
            Err(e) => {
                result.ours = Verdict::Error(format!("native run: {e:?}"));
                return result;
            }
        };
        result.native = Some(short_exit(&expected));
        if matches!(&expected.exit, ExitStatus::Trap(t) if t.contains("interrupt")) {
            result.ours = Verdict::Error(format!(
                "the native run exceeded the run time limit ({}s): the point is too slow to compare",
                host::RUN_TIMEOUT_TICKS
            ));
            return result;
        }
        let adapted = |kind: AdapterKind| -> Verdict {
            let component = self.component(job.build, module, kind);
            let component = match component.as_ref() {
                Ok(bytes) => bytes,
                Err(e) => return Verdict::Error(format!("converting: {e}")),
            };
            match host::run_component(component, flavour, &job.point) {
                Ok(actual) => {
                    let diffs = compare::compare(&expected, &actual, ExitMode::Portable);
                    if diffs.is_empty() {
                        Verdict::Same
                    } else {
                        if kind != AdapterKind::Wasmtime {
                            save_outputs(job, kind, &expected, &actual);
                        }
                        Verdict::Differs(diffs)
                    }
                }
                Err(e) => Verdict::Error(format!("adapted run: {e:?}")),
            }
        };
        // The stock placement's documented limits only hold it back.
        result.ours = match beyond_documented_limits(job) {
            Some(reason) => Verdict::Skipped(reason),
            None => adapted(AdapterKind::Ours),
        };
        result.converted = adapted(AdapterKind::Converted);
        if self.with_wasmtime {
            result.wasmtime = Some(adapted(AdapterKind::Wasmtime));
        }
        result
    }

    /// Runs all jobs on `threads` threads, calling `done` for each result
    /// as it arrives (from the worker threads, one at a time).
    pub fn run_all(&self, jobs: &[Job], threads: usize, done: impl Fn(PointResult) + Send) {
        let next = Mutex::new(0usize);
        let done = Mutex::new(done);
        std::thread::scope(|scope| {
            for _ in 0..threads.max(1) {
                scope.spawn(|| loop {
                    let index = {
                        let mut next = next.lock().unwrap();
                        *next += 1;
                        *next - 1
                    };
                    let Some(job) = jobs.get(index) else { break };
                    let result = self.run(job);
                    (done.lock().unwrap())(result);
                });
            }
        });
    }
}

/// Points a program cannot finish natively within the run limit, so there
/// is nothing to compare with: reported as skipped, with the reason.
fn too_slow_natively(job: &Job) -> Option<String> {
    let env_bytes: usize = job.point.env.iter().map(|(k, v)| k.len() + v.len() + 2).sum();
    (job.build.compiler == Compiler::Asc && env_bytes > 16 << 20).then(|| {
        format!(
            "{} {}: AssemblyScript needs over 120 s natively for an environment this large",
            job.point.dimension, job.point.label
        )
    })
}

/// Points beyond a limit the stock placement documents: a Go program's
/// descriptor table holds 256 descriptors, preopens included
/// (docs/memory.md), where the native host has no limit (nor has the
/// interposed placement).
fn beyond_documented_limits(job: &Job) -> Option<String> {
    const GO_DESCRIPTORS: usize = GO_DESCRIPTOR_LIMIT;
    let preopens = match &job.point.preopens {
        points::Preopens::Named(names) => names.len(),
        points::Preopens::Sandbox => 2,
    };
    // Stdio and a few files of the program's own besides the preopens.
    (matches!(job.build.compiler, Compiler::Go(_)) && preopens + 3 + 8 > GO_DESCRIPTORS).then(|| {
        format!(
            "{} {}: {preopens} preopens leave a Go program no descriptors (the adapter holds {GO_DESCRIPTORS} in Go programs, docs/memory.md)",
            job.point.dimension, job.point.label
        )
    })
}

/// "exit 0", "exit 1", "trap", "error".
fn short_exit(outcome: &Outcome) -> String {
    match &outcome.exit {
        ExitStatus::Code(n) => format!("exit {n}"),
        ExitStatus::Trap(_) => "trap".into(),
        ExitStatus::HostError(_) => "host-error".into(),
    }
}

fn adapter_bytes(flavour: Flavour, kind: AdapterKind) -> Result<Vec<u8>> {
    if kind == AdapterKind::Wasmtime {
        return Ok(match flavour {
            Flavour::Command => WASI_SNAPSHOT_PREVIEW1_COMMAND_ADAPTER,
            Flavour::Reactor => WASI_SNAPSHOT_PREVIEW1_REACTOR_ADAPTER,
        }
        .to_vec());
    }
    let path = paths::adapter_dir().join(match flavour {
        Flavour::Command => "wasi_snapshot_preview1.command.wasm",
        Flavour::Reactor => "wasi_snapshot_preview1.reactor.wasm",
    });
    // The adapters are rebuilt now and then (briefly missing): retry.
    for _ in 0..60 {
        if let Ok(bytes) = std::fs::read(&path) {
            return Ok(bytes);
        }
        std::thread::sleep(Duration::from_secs(1));
    }
    std::fs::read(&path)
        .with_context(|| format!("reading {} (run ci/build-adapters.sh first)", path.display()))
}

/// `p1-convert`'s static Go test (which sets the adapter's placement hint)
/// must agree with the compiler that built the program. The sweep splices
/// the adapter in unhinted, so this is where it is checked against every Go
/// release's commands and reactors.
fn check_recognised(build: Build, module: &[u8]) -> Result<()> {
    use p1_convert::Recognised;
    let expected = if build.compiler.is_go() { Recognised::Go } else { Recognised::NotGo };
    match p1_convert::recognise(module)? {
        Some(found) if found == expected => Ok(()),
        found => Err(anyhow!("p1-convert recognises {build} as {found:?}, not {expected:?}")),
    }
}

fn encode(module: &[u8], flavour: Flavour, kind: AdapterKind) -> Result<Vec<u8>> {
    let adapter = adapter_bytes(flavour, kind)?;
    let module = match flavour {
        Flavour::Command => module.to_vec(),
        Flavour::Reactor => host::with_reactor_world(module)?,
    };
    match kind {
        AdapterKind::Converted => component::convert(&module, &adapter),
        AdapterKind::Ours | AdapterKind::Wasmtime => component::encode(&module, &adapter),
    }
    .map_err(|e| anyhow!("{e:?}"))
}

/// `target/test-programs/sweep-outputs/<program>/<dimension>/<point>/`.
pub fn outputs_dir(job: &Job) -> PathBuf {
    paths::test_programs_dir()
        .join("sweep-outputs")
        .join(job.build.to_string().replace('/', "-"))
        .join(job.point.dimension.name())
        .join(job.point.slug())
}

/// Saves both runs of a failing point for inspection (best effort).
fn save_outputs(job: &Job, kind: AdapterKind, native: &Outcome, ours: &Outcome) {
    let dir = outputs_dir(job);
    if std::fs::create_dir_all(&dir).is_err() {
        return;
    }
    let ours_run = if kind == AdapterKind::Converted { "p1-convert" } else { "ours" };
    for (run, outcome) in [("native", native), (ours_run, ours)] {
        let _ = std::fs::write(dir.join(format!("{run}.stdout")), &outcome.stdout);
        let _ = std::fs::write(dir.join(format!("{run}.stderr")), &outcome.stderr);
        let _ = std::fs::write(dir.join(format!("{run}.exit")), format!("{}\n", outcome.exit));
    }
}
