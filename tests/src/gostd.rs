//! Go's own standard-library package tests as a test of the adapter.
//!
//! Each package's test binary (`GOOS=wasip1 GOARCH=wasm go test -c`) runs the
//! way Go's `lib/wasm/go_wasip1_wasm_exec` runs it under `go test`: host `/`
//! preopened as guest `/`, the package's source directory as the working
//! directory (`PWD`), `PATH` passed through, 8 MiB of wasm stack, and the
//! flags `go test -v` adds. Two deliberate additions: `-test.short` by
//! default (as `go tool dist test` passes it) and a fresh `TMPDIR` per run.
//! It runs natively on wasmtime's P1 host and as a component made with our
//! command adapter (spliced in unchanged, or as `p1-convert` converts:
//! `Options::splice`) on wasmtime's P2 host; the per-test PASS/FAIL/SKIP
//! verdicts parsed from the `-test.v` output must be the same. A test whose verdict changes between two native runs is
//! natively flaky and reported as such, never as an adapter failure.

use crate::adapters::{self, Adapter, ExitMode};
use crate::compare::expected_exit;
use crate::component::{Host, Splice};
use crate::outcome::ExitStatus;
use crate::paths;
use crate::toolchain::{self, Toolchain};
use anyhow::{anyhow, bail, Context, Result};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::{Duration, Instant};
use wasmtime::component::{Component, Linker as ComponentLinker};
use wasmtime::{Config, Engine, Linker, Module, Store};
use wasmtime_wasi::p1::WasiP1Ctx;
use wasmtime_wasi::p2::bindings::sync::Command as WasiCommand;
use wasmtime_wasi::p2::pipe::{MemoryInputPipe, MemoryOutputPipe};
use wasmtime_wasi::{FsPerms, WasiCtxBuilder};

/// The packages `go-std-tests` runs by default.
pub const PACKAGES: &[&str] = &[
    "os",
    "io/fs",
    "path/filepath",
    "time",
    "syscall",
    "strconv",
    "encoding/json",
    "bufio",
    "archive/zip",
    "testing/fstest",
    "net",
    "os/exec",
    "io",
    "os/signal",
    "compress/gzip",
    "internal/poll",
];

/// A test left out of the comparison (with its subtests).
pub struct Exclusion {
    /// Prefix of the Go version, e.g. "go1.23".
    pub go: &'static str,
    pub package: &'static str,
    pub test: &'static str,
    pub why: &'static str,
}

/// Tests left out of the comparison. Every entry needs a reason; natively
/// flaky tests are found by running natively twice and do not belong here.
pub const EXCLUDED: &[Exclusion] = &[];

/// `-W max-wasm-stack=8388608` in go_wasip1_wasm_exec.
const MAX_WASM_STACK: usize = 8 << 20;

/// Native stack of the thread running the guest: wasm frames live on it in
/// synchronous mode, so it must hold `MAX_WASM_STACK` plus the host's frames.
const RUN_THREAD_STACK: usize = 64 << 20;

/// Capacity of the captured output; `-test.v` logs are a few MiB at most.
const OUTPUT_CAPACITY: usize = 256 << 20;

/// How the test binaries are run.
#[derive(Clone, Debug)]
pub struct Options {
    /// Pass `-test.short` (as `go tool dist test`, which Go's own builders
    /// run, does); plain `go test` does not.
    pub short: bool,
    /// `-test.timeout`; the run itself is interrupted a little later, so Go
    /// gets to print which test hung.
    pub timeout: Duration,
    /// Native runs before comparing: a second one tells natively flaky
    /// tests apart. With 1, a second native run still happens whenever the
    /// adapted run differs.
    pub native_runs: usize,
    /// How the adapter is spliced in: unchanged (the stock flow) or as
    /// `p1-convert` converts.
    pub splice: Splice,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            short: true,
            timeout: Duration::from_secs(600),
            native_runs: 2,
            splice: Splice::Converted,
        }
    }
}

/// Extra time after `-test.timeout` before the run is interrupted.
const DEADLINE_GRACE: Duration = Duration::from_secs(30);

/// What a test binary was built into, or why it wasn't.
pub enum TestBinary {
    Built(PathBuf),
    /// The Go release is not available here.
    Unavailable(String),
}

/// Builds (or reuses) `pkg`'s test binary for `go`, cached in
/// `target/test-programs/gostd/<go version>/<pkg>.test.wasm` next to a key
/// file holding the build command.
pub fn build(go: Toolchain, pkg: &str) -> Result<TestBinary> {
    let version = match go.version() {
        Ok(v) => v,
        Err(unavailable) => return Ok(TestBinary::Unavailable(unavailable.reason)),
    };
    let dir = paths::test_programs_dir().join("gostd").join(version);
    std::fs::create_dir_all(&dir)?;
    let stem = pkg.replace('/', "_");
    let wasm = dir.join(format!("{stem}.test.wasm"));
    let key_file = dir.join(format!("{stem}.key"));
    // The standard library's sources are fixed for a release, so the
    // release and the command are the whole key.
    let key = format!("{version}\n{:?}\n", build_command(go, pkg, Path::new("OUT"))?);
    if wasm.exists() && std::fs::read_to_string(&key_file).ok().as_deref() == Some(key.as_str()) {
        return Ok(TestBinary::Built(wasm));
    }
    let tmp = paths::build_tmp(&wasm);
    let mut cmd = build_command(go, pkg, &tmp)?;
    let out = cmd.output().with_context(|| format!("spawning {cmd:?}"))?;
    if !out.status.success() {
        bail!(
            "building {pkg}'s tests failed ({}): {cmd:?}\n{}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    std::fs::rename(&tmp, &wasm)?;
    std::fs::write(&key_file, key)?;
    Ok(TestBinary::Built(wasm))
}

fn build_command(go: Toolchain, pkg: &str, out: &Path) -> Result<Command> {
    let mut cmd = toolchain::go_command(go);
    cmd.args(["test", "-c", "-vet=off", "-o"]).arg(out).arg(pkg);
    // In the standard library's own module, so no go.mod around the
    // caller's directory can ask for another Go release.
    cmd.current_dir(goroot(go)?.join("src"));
    Ok(cmd)
}

/// `GOROOT` of the given Go release (for GOTOOLCHAIN downloads, a directory
/// in the module cache).
pub fn goroot(go: Toolchain) -> Result<PathBuf> {
    static ROOTS: OnceLock<std::sync::Mutex<BTreeMap<String, PathBuf>>> = OnceLock::new();
    let label = go.label();
    let roots = ROOTS.get_or_init(Default::default);
    if let Some(root) = roots.lock().unwrap().get(&label) {
        return Ok(root.clone());
    }
    let out = toolchain::go_command(go)
        .args(["env", "GOROOT"])
        .current_dir(std::env::temp_dir())
        .output()
        .context("running go env GOROOT")?;
    if !out.status.success() {
        bail!("go env GOROOT failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    let root = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    roots.lock().unwrap().insert(label, root.clone());
    Ok(root)
}

/// The verdict of one test (or subtest) in a `-test.v` log.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verdict {
    Pass,
    Fail,
    Skip,
    /// `=== RUN` without a result line: the run ended (crash, exit,
    /// deadline) while the test was running.
    Unfinished,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "PASS",
            Verdict::Fail => "FAIL",
            Verdict::Skip => "SKIP",
            Verdict::Unfinished => "UNFINISHED",
        }
    }
}

/// A `-test.v` log taken apart.
#[derive(Default)]
pub struct TestLog {
    /// Test name (subtests as `Parent/sub`) -> verdict.
    pub verdicts: BTreeMap<String, Verdict>,
    /// Lines of output by the test they were printed under.
    lines: BTreeMap<String, Vec<String>>,
}

impl TestLog {
    pub fn parse(log: &str) -> TestLog {
        let mut parsed = TestLog::default();
        let mut current: Option<String> = None;
        for line in log.lines() {
            if let Some(name) = marker(line) {
                parsed
                    .verdicts
                    .entry(name.to_string())
                    .or_insert(Verdict::Unfinished);
                current = Some(name.to_string());
            } else if let Some((verdict, name)) = result(line) {
                parsed.verdicts.insert(name.to_string(), verdict);
                current = Some(name.to_string());
            }
            if let Some(name) = &current {
                parsed
                    .lines
                    .entry(name.clone())
                    .or_default()
                    .push(line.to_string());
            }
        }
        parsed
    }

    /// Counts of (pass, fail, skip, unfinished).
    pub fn counts(&self) -> [usize; 4] {
        let mut counts = [0; 4];
        for verdict in self.verdicts.values() {
            counts[*verdict as usize] += 1;
        }
        counts
    }

    /// What `name` and its subtests printed, without the `=== ` markers, at
    /// most `limit` lines.
    pub fn excerpt(&self, name: &str, limit: usize) -> Vec<String> {
        let sub = format!("{name}/");
        let mut out: Vec<String> = self
            .lines
            .iter()
            .filter(|(test, _)| *test == name || test.starts_with(&sub))
            .flat_map(|(_, lines)| lines.iter())
            .filter(|line| !line.trim_start().starts_with("=== "))
            .cloned()
            .collect();
        if out.len() > limit {
            let more = out.len() - limit;
            out.truncate(limit);
            out.push(format!("... {more} more lines"));
        }
        out
    }
}

/// The test named by a `=== RUN   X`, `=== PAUSE X`, `=== CONT  X` or
/// `=== NAME  X` line (Go may glue one onto unterminated program output, so
/// it is searched for, not just matched at the start).
fn marker(line: &str) -> Option<&str> {
    for tag in ["=== RUN ", "=== PAUSE ", "=== CONT ", "=== NAME "] {
        if let Some(at) = line.find(tag) {
            let name = line[at + tag.len()..].trim();
            if !name.is_empty() && !name.contains(' ') {
                return Some(name);
            }
        }
    }
    None
}

/// The verdict of a `--- PASS: X (0.01s)` line (possibly indented, for
/// subtests).
fn result(line: &str) -> Option<(Verdict, &str)> {
    for (tag, verdict) in [
        ("--- PASS: ", Verdict::Pass),
        ("--- FAIL: ", Verdict::Fail),
        ("--- SKIP: ", Verdict::Skip),
    ] {
        if let Some(at) = line.find(tag) {
            let rest = &line[at + tag.len()..];
            let (name, time) = rest.split_once(" (")?;
            if !name.is_empty() && !name.contains(' ') && time.trim_end().ends_with("s)") {
                return Some((verdict, name));
            }
        }
    }
    None
}

/// One run of a test binary.
pub struct Run {
    /// stdout and stderr interleaved, as `go test` shows them.
    pub log: String,
    pub exit: ExitStatus,
    pub elapsed: Duration,
    pub tests: TestLog,
    /// Most host descriptors this process held during the run beyond those
    /// it held before (sampled; every guest descriptor is one host
    /// descriptor). Only meaningful when one run at a time is in progress.
    pub peak_host_fds: usize,
    /// The test that had last started when the peak was first reached.
    pub peak_during: Option<String>,
}

/// Where a package's test binary runs and with what.
struct Invocation {
    args: Vec<String>,
    env: Vec<(String, String)>,
    deadline: Duration,
    /// Receives stdout and stderr, interleaved as `go test` shows them.
    output: MemoryOutputPipe,
}

fn invocation(
    binary: &Path,
    package_dir: &Path,
    tmp: &Path,
    options: &Options,
    output: MemoryOutputPipe,
) -> Invocation {
    // What `go test -v` passes (cmd/go/internal/test): paniconexit0, the
    // timeout, -test.v=true.
    let mut args = vec![
        binary.display().to_string(),
        "-test.paniconexit0".to_string(),
        format!("-test.timeout={}s", options.timeout.as_secs()),
        "-test.v=true".to_string(),
    ];
    if options.short {
        args.push("-test.short=true".to_string());
    }
    let env = vec![
        ("PWD".to_string(), package_dir.display().to_string()),
        ("PATH".to_string(), std::env::var("PATH").unwrap_or_default()),
        // Not in go_wasip1_wasm_exec (which leaves Go to use /tmp): a fresh
        // directory per run keeps runs apart and cleans up after them.
        ("TMPDIR".to_string(), tmp.display().to_string()),
    ];
    Invocation {
        args,
        env,
        deadline: options.timeout + DEADLINE_GRACE,
        output,
    }
}

/// An engine configured like `wasmtime run -W max-wasm-stack=8388608`, with
/// epoch interruption ticking once a second for the run deadline.
fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let mut config = Config::new();
        config.max_wasm_stack(MAX_WASM_STACK);
        // Unused (runs are synchronous) but validated against the above;
        // the CLI raises it the same way.
        config.async_stack_size(MAX_WASM_STACK + (1 << 20));
        config.epoch_interruption(true);
        let mut cache = wasmtime::CacheConfig::new();
        cache.with_directory(paths::test_programs_dir().join("wasmtime-cache"));
        if let Ok(cache) = wasmtime::Cache::new(cache) {
            config.cache(Some(cache));
        }
        let engine = Engine::new(&config).expect("wasmtime engine configuration");
        let ticker = engine.clone();
        std::thread::spawn(move || loop {
            std::thread::sleep(Duration::from_secs(1));
            ticker.increment_epoch();
        });
        engine
    })
}

/// The WASI context of a run: `/` preopened as `/`, empty stdin (go test
/// gives the binary /dev/null), stdout and stderr into one pipe.
fn wasi_builder(inv: &Invocation) -> Result<WasiCtxBuilder> {
    let mut builder = WasiCtxBuilder::new();
    builder
        .args(&inv.args)
        .envs(&inv.env)
        .stdin(MemoryInputPipe::new(Vec::new()))
        .stdout(inv.output.clone())
        .stderr(inv.output.clone())
        .preopened_dir("/", "/", FsPerms::ReadWrite)
        .map_err(|e| anyhow!("preopening /: {e:?}"))?;
    Ok(builder)
}

/// Runs `f` on a thread whose stack holds the guest's 8 MiB of wasm stack.
fn on_big_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T> {
    std::thread::Builder::new()
        .name("gostd-guest".into())
        .stack_size(RUN_THREAD_STACK)
        .spawn(f)?
        .join()
        .map_err(|_| anyhow!("the guest thread panicked"))
}

fn run_native(module: &Module, inv: Invocation) -> Result<ExitStatus> {
    let module = module.clone();
    on_big_stack(move || -> Result<ExitStatus> {
        let mut builder = wasi_builder(&inv)?;
        let mut linker: Linker<WasiP1Ctx> = Linker::new(engine());
        wasmtime_wasi::p1::add_to_linker_sync(&mut linker, |ctx| ctx)
            .map_err(|e| anyhow!("{e:?}"))?;
        let mut store = Store::new(engine(), builder.build_p1());
        store.set_epoch_deadline(inv.deadline.as_secs());
        let instance = linker
            .instantiate(&mut store, &module)
            .map_err(|e| anyhow!("instantiating: {e:?}"))?;
        let start = instance
            .get_typed_func::<(), ()>(&mut store, "_start")
            .map_err(|e| anyhow!("looking up _start: {e:?}"))?;
        let exit = match start.call(&mut store, ()) {
            Ok(()) => ExitStatus::Code(0),
            Err(err) => ExitStatus::from_error(&err),
        };
        drop(store);
        Ok(exit)
    })?
}

fn run_component(component: &Component, inv: Invocation) -> Result<ExitStatus> {
    let component = component.clone();
    on_big_stack(move || -> Result<ExitStatus> {
        let mut builder = wasi_builder(&inv)?;
        let mut linker: ComponentLinker<Host> = ComponentLinker::new(engine());
        wasmtime_wasi::p2::add_to_linker_sync(&mut linker).map_err(|e| anyhow!("{e:?}"))?;
        let mut store = Store::new(engine(), Host::new(builder.build()));
        store.set_epoch_deadline(inv.deadline.as_secs());
        let command = WasiCommand::instantiate(&mut store, &component, &linker)
            .map_err(|e| anyhow!("instantiating: {e:?}"))?;
        let exit = match command.wasi_cli_run().call_run(&mut store) {
            Ok(Ok(())) => ExitStatus::Code(0),
            Ok(Err(())) => ExitStatus::Code(1),
            Err(err) => ExitStatus::from_error(&err),
        };
        drop(store);
        Ok(exit)
    })?
}

/// Which host a run is on.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Native,
    Adapted,
}

/// A package's test binary, compiled for both hosts, ready to run.
struct Prepared {
    binary: PathBuf,
    package_dir: PathBuf,
    module: Module,
    component: Component,
}

impl Prepared {
    fn run(&self, side: Side, options: &Options) -> Result<Run> {
        let tmp = tempfile::Builder::new().prefix("gostd-tmp-").tempdir()?;
        let output = MemoryOutputPipe::new(OUTPUT_CAPACITY);
        let inv = invocation(&self.binary, &self.package_dir, tmp.path(), options, output.clone());
        let started = Instant::now();
        let sampler = FdSampler::start(output.clone());
        let exit = match side {
            Side::Native => run_native(&self.module, inv)?,
            Side::Adapted => run_component(&self.component, inv)?,
        };
        let elapsed = started.elapsed();
        let (peak_host_fds, log_at_peak) = sampler.stop();
        let log = String::from_utf8_lossy(&output.contents()).into_owned();
        let peak_during = log
            .get(..log_at_peak)
            .and_then(|before| before.lines().rev().find_map(marker))
            .map(str::to_string);
        // Tests may leave read-only directories behind; make them removable.
        let _ = Command::new("chmod").arg("-R").arg("u+rwx").arg(tmp.path()).status();
        Ok(Run {
            tests: TestLog::parse(&log),
            log,
            exit,
            elapsed,
            peak_host_fds,
            peak_during,
        })
    }
}

/// Counts this process's open descriptors (`/proc/self/fd`) every few
/// milliseconds on a thread of its own and keeps the maximum above the
/// count at the start, with how much the guest had printed by then.
struct FdSampler {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: std::thread::JoinHandle<(usize, usize)>,
}

impl FdSampler {
    fn start(output: MemoryOutputPipe) -> FdSampler {
        fn open_fds() -> usize {
            std::fs::read_dir("/proc/self/fd").map_or(0, |d| d.count())
        }
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = stop.clone();
        let baseline = open_fds();
        let thread = std::thread::spawn(move || {
            let (mut peak, mut printed) = (baseline, 0);
            while !flag.load(std::sync::atomic::Ordering::Relaxed) {
                let now = open_fds();
                if now > peak {
                    peak = now;
                    printed = output.contents().len();
                }
                std::thread::sleep(Duration::from_millis(5));
            }
            (peak - baseline, printed)
        });
        FdSampler { stop, thread }
    }

    /// The peak, and the length of the output when it was reached.
    fn stop(self) -> (usize, usize) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        self.thread.join().unwrap_or((0, 0))
    }
}

/// A test whose verdict differs between the native and the adapted run.
pub struct Difference {
    pub test: String,
    pub native: Option<Verdict>,
    pub adapted: Option<Verdict>,
}

/// Everything learnt about one package on one Go release.
pub struct PackageReport {
    pub package: String,
    pub go: String,
    pub native: Vec<Run>,
    pub adapted: Run,
    /// Tests whose verdict differs between native runs.
    pub flaky: BTreeSet<String>,
    /// Differences in tests that are not natively flaky: adapter failures.
    pub differences: Vec<Difference>,
    /// Differences in natively flaky tests (reported, not failures).
    pub flaky_differences: Vec<Difference>,
    /// Differences in tests listed in `EXCLUDED`.
    pub excluded_differences: Vec<Difference>,
    /// Set when the exit status differs although every verdict agrees.
    pub exit_difference: Option<String>,
    /// Time spent building and compiling before the runs.
    pub prepare_time: Duration,
}

pub enum Outcome {
    Checked(Box<PackageReport>),
    /// The Go release is not available on this machine.
    Skipped(String),
}

impl PackageReport {
    pub fn passed(&self) -> bool {
        self.differences.is_empty() && self.exit_difference.is_none()
    }

    /// One table row (see `table_header`): verdict counts of the first
    /// native and the adapted run, their times, the differing tests.
    pub fn row(&self) -> String {
        let counts = |c: [usize; 4]| format!("{}/{}/{}/{}", c[0], c[1], c[2], c[3]);
        let mut differing: Vec<String> = self.differences.iter().map(|d| d.test.clone()).collect();
        if let Some(exit) = &self.exit_difference {
            differing.push(format!("exit: {exit}"));
        }
        if !self.flaky_differences.is_empty() {
            let names: Vec<&str> = self.flaky_differences.iter().map(|d| d.test.as_str()).collect();
            differing.push(format!("(natively flaky: {})", names.join(", ")));
        } else if !self.flaky.is_empty() {
            let names: Vec<&str> = self.flaky.iter().map(String::as_str).collect();
            differing.push(format!("(natively flaky, adapted agrees: {})", names.join(", ")));
        }
        if differing.is_empty() {
            differing.push("-".into());
        }
        let times = format!(
            "{:.0}/{:.0}",
            self.native[0].elapsed.as_secs_f64(),
            self.adapted.elapsed.as_secs_f64()
        );
        format!(
            "{:<24} {:<20} {:>16} {:>16} {:>12}  {}",
            self.package,
            self.go,
            counts(self.native[0].tests.counts()),
            counts(self.adapted.tests.counts()),
            times,
            differing.join(", ")
        )
    }

    /// The full explanation of what differs, with output excerpts.
    pub fn details(&self) -> String {
        let mut out = String::new();
        let native = &self.native[0];
        let section = |out: &mut String, title: &str, diffs: &[Difference]| {
            for d in diffs {
                let _ = writeln!(
                    out,
                    "--- {title}{} ({} {}): native {}, adapted {}",
                    d.test,
                    self.package,
                    self.go,
                    show(d.native),
                    show(d.adapted)
                );
                for (label, run) in [("native ", native), ("adapted", &self.adapted)] {
                    for line in run.tests.excerpt(&d.test, 15) {
                        let _ = writeln!(out, "    {label} | {line}");
                    }
                }
            }
        };
        section(&mut out, "", &self.differences);
        section(&mut out, "natively flaky: ", &self.flaky_differences);
        section(&mut out, "excluded: ", &self.excluded_differences);
        if let Some(exit) = &self.exit_difference {
            let _ = writeln!(out, "--- exit status ({} {}): {exit}", self.package, self.go);
        }
        // The end of a run that stopped early shows why.
        let stopped_early = |run: &Run| run.tests.verdicts.values().any(|v| *v == Verdict::Unfinished);
        for (label, run) in std::iter::once(("adapted", &self.adapted))
            .chain(self.native.iter().map(|r| ("native", r)))
        {
            if stopped_early(run) || (!self.passed() && label == "adapted") {
                let lines: Vec<&str> = run.log.lines().collect();
                let from = lines.len().saturating_sub(12);
                let _ = writeln!(out, "--- last lines of the {label} run ({}):", run.exit);
                for line in &lines[from..] {
                    let _ = writeln!(out, "    {line}");
                }
            }
        }
        out
    }
}

/// Header of the table `PackageReport::row` fills (P/F/S/U: pass, fail,
/// skip, unfinished; times in seconds, native/adapted).
pub fn table_header() -> String {
    format!(
        "{:<24} {:<20} {:>16} {:>16} {:>12}  {}",
        "package", "go-placement", "native P/F/S/U", "adapted P/F/S/U", "time n/a", "differing tests"
    )
}

fn show(verdict: Option<Verdict>) -> &'static str {
    verdict.map_or("absent", Verdict::as_str)
}

/// Our command adapter (portable exit), read once so that every package of
/// a run is checked against the same bytes. The adapter's owner rebuilds it
/// now and then, leaving the file missing for a moment: wait for it.
pub fn our_adapter() -> Result<Adapter> {
    let waited = Instant::now();
    loop {
        match adapters::ours(ExitMode::Portable) {
            Ok(adapter) => return Ok(adapter),
            Err(_) if waited.elapsed() < ADAPTER_WAIT => {
                std::thread::sleep(Duration::from_secs(2))
            }
            Err(e) => return Err(e),
        }
    }
}

/// How long `our_adapter` waits for a missing adapter to reappear.
const ADAPTER_WAIT: Duration = Duration::from_secs(120);

/// Short identification of an adapter for reports: the first 12 hex digits
/// of its sha256.
pub fn fingerprint(adapter: &Adapter) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(&adapter.bytes)
        .iter()
        .take(6)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Builds `pkg`'s tests with `go`, runs them natively and converted with
/// `adapter`, and compares the verdicts. `progress` is told what is
/// happening.
pub fn check(
    go: Toolchain,
    pkg: &str,
    adapter: &Adapter,
    options: &Options,
    progress: &dyn Fn(&str),
) -> Result<Outcome> {
    let started = Instant::now();
    let binary = match build(go, pkg)? {
        TestBinary::Built(path) => path,
        TestBinary::Unavailable(reason) => return Ok(Outcome::Skipped(reason)),
    };
    let package_dir = goroot(go)?.join("src").join(pkg);
    let bytes = std::fs::read(&binary)?;
    progress(&format!("{pkg} ({}): compiling", go.label()));
    let module = Module::new(engine(), &bytes).map_err(|e| anyhow!("compiling {pkg}: {e:?}"))?;
    let component_bytes = options.splice.make(&bytes, &adapter.bytes)?;
    let component = Component::new(engine(), &component_bytes)
        .map_err(|e| anyhow!("compiling {pkg}'s component: {e:?}"))?;
    let prepared = Prepared {
        binary,
        package_dir,
        module,
        component,
    };
    let prepare_time = started.elapsed();

    let mut native = Vec::new();
    for i in 0..options.native_runs.max(1) {
        progress(&format!("{pkg} ({}): native run {}", go.label(), i + 1));
        native.push(prepared.run(Side::Native, options)?);
    }
    progress(&format!("{pkg} ({}): adapted run", go.label()));
    let adapted = prepared.run(Side::Adapted, options)?;
    if native.len() == 1 && !differing(&native[0].tests, &adapted.tests).is_empty() {
        progress(&format!("{pkg} ({}): differences; native run 2", go.label()));
        native.push(prepared.run(Side::Native, options)?);
    }

    let flaky: BTreeSet<String> = native[1..]
        .iter()
        .flat_map(|other| differing(&native[0].tests, &other.tests))
        .map(|d| d.test)
        .collect();
    let mut differences = Vec::new();
    let mut flaky_differences = Vec::new();
    let mut excluded_differences = Vec::new();
    for d in differing(&native[0].tests, &adapted.tests) {
        if is_excluded(go, pkg, &d.test) {
            excluded_differences.push(d);
        } else if flaky.contains(&d.test) {
            flaky_differences.push(d);
        } else {
            differences.push(d);
        }
    }
    // With the same verdicts, the exit status must agree as far as the
    // portable adapter carries it (success or failure).
    let expected = expected_exit(&native[0].exit, ExitMode::Portable);
    let exit_difference = (expected != adapted.exit && differences.is_empty()).then(|| {
        format!(
            "native {}, adapted {} (expected {expected})",
            native[0].exit, adapted.exit
        )
    });

    let report = PackageReport {
        package: pkg.to_string(),
        go: format!("{}-{}", go.label(), options.splice.name()),
        native,
        adapted,
        flaky,
        differences,
        flaky_differences,
        excluded_differences,
        exit_difference,
        prepare_time,
    };
    save_logs(&report);
    Ok(Outcome::Checked(Box::new(report)))
}

fn is_excluded(go: Toolchain, pkg: &str, test: &str) -> bool {
    let label = go.label();
    EXCLUDED.iter().any(|e| {
        label.starts_with(e.go)
            && e.package == pkg
            && (e.test == test || test.starts_with(&format!("{}/", e.test)))
    })
}

/// Tests whose verdicts differ between two logs (absent on one side counts).
fn differing(a: &TestLog, b: &TestLog) -> Vec<Difference> {
    let names: BTreeSet<&String> = a.verdicts.keys().chain(b.verdicts.keys()).collect();
    names
        .into_iter()
        .filter_map(|name| {
            let (x, y) = (a.verdicts.get(name).copied(), b.verdicts.get(name).copied());
            (x != y).then(|| Difference {
                test: name.clone(),
                native: x,
                adapted: y,
            })
        })
        .collect()
}

/// `target/test-programs/gostd/outputs/<go>/<pkg>/`: every run's log.
pub fn outputs_dir(go: &str, pkg: &str) -> PathBuf {
    paths::test_programs_dir()
        .join("gostd/outputs")
        .join(go)
        .join(pkg.replace('/', "_"))
}

/// Best effort, like `artifacts::save`: diagnostics never fail a check.
fn save_logs(report: &PackageReport) {
    let dir = outputs_dir(&report.go, &report.package);
    let _ = std::fs::remove_dir_all(&dir);
    if std::fs::create_dir_all(&dir).is_err() {
        return;
    }
    let runs = report
        .native
        .iter()
        .enumerate()
        .map(|(i, r)| (format!("native-{}", i + 1), r))
        .chain(std::iter::once(("adapted".to_string(), &report.adapted)));
    for (name, run) in runs {
        let _ = std::fs::write(dir.join(format!("{name}.log")), &run.log);
        let _ = std::fs::write(
            dir.join(format!("{name}.exit")),
            format!(
                "{} after {:.1}s; peak host descriptors +{} (during {})\n",
                run.exit,
                run.elapsed.as_secs_f64(),
                run.peak_host_fds,
                run.peak_during.as_deref().unwrap_or("-")
            ),
        );
    }
    let _ = std::fs::write(dir.join("details.txt"), report.details());
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOG: &str = "\
=== RUN   TestA
--- PASS: TestA (0.00s)
=== RUN   TestB
=== RUN   TestB/one
    b_test.go:10: oops
=== RUN   TestB/two_words
--- FAIL: TestB (0.01s)
    --- FAIL: TestB/one (0.00s)
    --- SKIP: TestB/two_words (0.00s)
=== RUN   TestC
=== PAUSE TestC
=== CONT  TestC
partial output without newline--- PASS: TestC (1.50s)
=== RUN   TestD
panic: boom
";

    #[test]
    fn verdicts_include_subtests_and_unfinished_tests() {
        let log = TestLog::parse(LOG);
        let got: Vec<(&str, Verdict)> = log
            .verdicts
            .iter()
            .map(|(name, v)| (name.as_str(), *v))
            .collect();
        assert_eq!(
            got,
            [
                ("TestA", Verdict::Pass),
                ("TestB", Verdict::Fail),
                ("TestB/one", Verdict::Fail),
                ("TestB/two_words", Verdict::Skip),
                ("TestC", Verdict::Pass),
                ("TestD", Verdict::Unfinished),
            ]
        );
        assert_eq!(log.counts(), [2, 2, 1, 1]);
        let excerpt = log.excerpt("TestB", 10);
        assert!(excerpt.iter().any(|l| l.contains("oops")), "{excerpt:?}");
        assert!(log.excerpt("TestD", 10).iter().any(|l| l.contains("panic")));
    }

    #[test]
    fn differences_cover_both_sides() {
        let a = TestLog::parse("--- PASS: TestX (0.00s)\n--- PASS: TestY (0.00s)\n");
        let b = TestLog::parse("--- FAIL: TestX (0.00s)\n--- PASS: TestZ (0.00s)\n");
        let diffs: Vec<(String, Option<Verdict>, Option<Verdict>)> = differing(&a, &b)
            .into_iter()
            .map(|d| (d.test, d.native, d.adapted))
            .collect();
        assert_eq!(
            diffs,
            [
                ("TestX".into(), Some(Verdict::Pass), Some(Verdict::Fail)),
                ("TestY".into(), Some(Verdict::Pass), None),
                ("TestZ".into(), None, Some(Verdict::Pass)),
            ]
        );
    }
}
