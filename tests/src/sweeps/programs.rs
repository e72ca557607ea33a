//! Building the sweep programs (`tests/programs/sweep/<lang>/`), once per
//! toolchain and flavour, cached under `target/test-programs/sweep/` and keyed
//! by the sources, the toolchain version and the build command.
//!
//! These sources live outside the directories `build.rs` scans for ordinary
//! differential cases, so they are built here rather than by
//! `crate::programs`.

use crate::paths;
use crate::toolchain::{self, Toolchain, CLANG_SYSROOT};
use anyhow::{bail, Context, Result};
use sha2::{Digest, Sha256};
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, OnceLock};

/// Go releases swept, oldest first; "local" is the machine's `go`.
pub const GO_RELEASES: [&str; 6] = [
    "go1.21.13",
    "go1.22.12",
    "go1.23.12",
    "go1.24.13",
    "go1.25.9",
    "local",
];

/// A compiler (for Go: a release fetched through GOTOOLCHAIN).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Compiler {
    Go(&'static str),
    Rust,
    Clang,
    Zig,
    Asc,
}

/// How the program is started: `_start`, or `_initialize` plus a call to
/// the exported `report` (Go `-buildmode=c-shared`, C `-mexec-model=reactor`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Flavour {
    Command,
    Reactor,
}

/// One program to sweep: a compiler and a flavour.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Build {
    pub compiler: Compiler,
    pub flavour: Flavour,
}

impl fmt::Display for Build {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.compiler.label())?;
        if self.flavour == Flavour::Reactor {
            write!(f, "/reactor")?;
        }
        Ok(())
    }
}

impl Compiler {
    /// Every compiler, Go releases first.
    pub fn all() -> Vec<Compiler> {
        let mut all: Vec<Compiler> = GO_RELEASES.iter().map(|r| Compiler::Go(r)).collect();
        all.extend([Compiler::Rust, Compiler::Clang, Compiler::Zig, Compiler::Asc]);
        all
    }

    /// Stable identifier (cache file names, `--toolchain`).
    pub fn id(self) -> String {
        match self {
            Compiler::Go("local") => "go".into(),
            Compiler::Go(release) => release.into(),
            Compiler::Rust => "rust".into(),
            Compiler::Clang => "clang".into(),
            Compiler::Zig => "zig".into(),
            Compiler::Asc => "asc".into(),
        }
    }

    /// For reports: the Go version ("go1.26.8") or the id.
    pub fn label(self) -> String {
        match (self, self.version()) {
            (Compiler::Go(_), Ok(v)) => v,
            _ => self.id(),
        }
    }

    /// Whether the program has a reactor flavour with this compiler. Go
    /// reactors need `//go:wasmexport` (Go 1.24).
    pub fn has_reactor(self) -> bool {
        match self {
            Compiler::Go(release) => release == "local" || go_minor(release) >= 24,
            Compiler::Clang | Compiler::Zig => true,
            Compiler::Rust | Compiler::Asc => false,
        }
    }

    pub fn is_go(self) -> bool {
        matches!(self, Compiler::Go(_))
    }

    /// The version string, or why the compiler can't be used (probed once).
    pub fn version(self) -> Result<String, String> {
        static PROBES: OnceLock<Mutex<Vec<(Compiler, Result<String, String>)>>> = OnceLock::new();
        let probes = PROBES.get_or_init(Default::default);
        if let Some((_, known)) = probes.lock().unwrap().iter().find(|(c, _)| *c == self) {
            return known.clone();
        }
        let probed = self.probe();
        probes.lock().unwrap().push((self, probed.clone()));
        probed
    }

    fn probe(self) -> Result<String, String> {
        let shared = |t: Toolchain| t.version().map(str::to_string).map_err(|u| u.reason);
        match self {
            Compiler::Go(release) => {
                let out = go_command(release)
                    .args(["env", "GOVERSION"])
                    .output()
                    .map_err(|e| format!("go: {e}"))?;
                let version = String::from_utf8_lossy(&out.stdout).trim().to_string();
                if !out.status.success() || (release != "local" && version != release) {
                    return Err(format!(
                        "GOTOOLCHAIN={release} go env GOVERSION failed ({}): {}{}",
                        out.status,
                        version,
                        String::from_utf8_lossy(&out.stderr).trim()
                    ));
                }
                Ok(version)
            }
            Compiler::Rust => shared(Toolchain::Rust),
            Compiler::Clang => shared(Toolchain::Clang),
            Compiler::Zig => shared(Toolchain::Zig),
            Compiler::Asc => shared(Toolchain::Asc),
        }
    }
}

fn go_minor(release: &str) -> u32 {
    release
        .strip_prefix("go1.")
        .and_then(|rest| rest.split('.').next())
        .and_then(|minor| minor.parse().ok())
        .unwrap_or(0)
}

fn go_command(release: &str) -> Command {
    let mut cmd = Command::new("go");
    cmd.env("GOTOOLCHAIN", release)
        .env("GOOS", "wasip1")
        .env("GOARCH", "wasm");
    cmd
}

fn sweep_dir() -> PathBuf {
    paths::programs_dir().join("sweep")
}

fn out_dir() -> PathBuf {
    paths::test_programs_dir().join("sweep")
}

/// The built program, or why it can't be built here (a missing toolchain:
/// reported as a skip by the caller, never as a pass).
pub enum Built {
    Module(Vec<u8>),
    Unavailable(String),
}

/// Builds (or fetches from the cache) the sweep program for `build`.
pub fn build(build: Build) -> Result<Built> {
    let version = match build.compiler.version() {
        Ok(v) => v,
        Err(reason) => return Ok(Built::Unavailable(reason)),
    };
    if build.flavour == Flavour::Reactor && !build.compiler.has_reactor() {
        bail!("{build}: no reactor flavour");
    }
    let dir = out_dir();
    std::fs::create_dir_all(&dir)?;
    let name = format!(
        "{}-{}",
        build.compiler.id(),
        match build.flavour {
            Flavour::Command => "command",
            Flavour::Reactor => "reactor",
        }
    );
    let wasm = dir.join(format!("{name}.wasm"));
    let key_file = dir.join(format!("{name}.key"));
    let key = cache_key(build, &version)?;
    if std::fs::read_to_string(&key_file).ok().as_deref() == Some(key.as_str()) {
        if let Ok(bytes) = std::fs::read(&wasm) {
            return Ok(Built::Module(bytes));
        }
    }
    let tmp = dir.join(format!("{name}.wasm.tmp-{}", std::process::id()));
    match build.compiler {
        Compiler::Rust => {
            run(&mut command(build, &tmp))?;
            let built = rust_target_dir().join("wasm32-wasip1/release/p1-sweep-program.wasm");
            std::fs::copy(&built, &tmp).with_context(|| format!("copying {}", built.display()))?;
        }
        _ => run(&mut command(build, &tmp))?,
    }
    std::fs::rename(&tmp, &wasm)?;
    std::fs::write(&key_file, &key)?;
    Ok(Built::Module(std::fs::read(&wasm)?))
}

fn rust_target_dir() -> PathBuf {
    out_dir().join("rust-target")
}

/// The build command writing `out` (for Rust: the cargo build; the caller
/// copies the result).
fn command(build: Build, out: &Path) -> Command {
    let reactor = build.flavour == Flavour::Reactor;
    let c_flags = |cmd: &mut Command| {
        cmd.args(["-O2", "-o"]).arg(out);
        if reactor {
            cmd.args(["-mexec-model=reactor", "-DSWEEP_REACTOR"]);
        }
        cmd.arg("sweep.c");
    };
    let mut cmd;
    match build.compiler {
        Compiler::Go(release) => {
            cmd = go_command(release);
            cmd.args(["build", "-trimpath"]);
            if reactor {
                cmd.arg("-buildmode=c-shared");
            }
            cmd.arg("-o")
                .arg(out)
                .arg(if reactor { "./reactor" } else { "./command" })
                .current_dir(sweep_dir().join("go"));
        }
        Compiler::Rust => {
            cmd = Command::new("cargo");
            cmd.args(["build", "--release", "--target", "wasm32-wasip1", "--target-dir"])
                .arg(rust_target_dir())
                // Flags meant for the host build must not leak into this one.
                .env_remove("CARGO_TARGET_DIR")
                .env_remove("CARGO_BUILD_TARGET")
                .env_remove("RUSTFLAGS")
                .env_remove("CARGO_ENCODED_RUSTFLAGS")
                .current_dir(sweep_dir().join("rust"));
        }
        Compiler::Clang => {
            cmd = Command::new("clang");
            cmd.arg("--target=wasm32-wasi").arg(format!("--sysroot={CLANG_SYSROOT}"));
            c_flags(&mut cmd);
            cmd.current_dir(sweep_dir().join("c"));
        }
        Compiler::Zig => {
            cmd = Command::new("python3");
            cmd.args(["-m", "ziglang", "cc", "--target=wasm32-wasi"]);
            c_flags(&mut cmd);
            cmd.current_dir(sweep_dir().join("c"));
        }
        Compiler::Asc => {
            // From the ordinary AssemblyScript programs' directory, whose
            // asconfig.json (and node_modules) it shares: asc resolves the
            // config's "extends" only relative to the working directory.
            cmd = Command::new(toolchain::asc_binary());
            cmd.arg("../sweep/as/sweep.ts")
                .args(["--config", "asconfig.json", "--outFile"])
                .arg(out)
                .current_dir(paths::programs_dir().join("as"));
        }
    }
    cmd
}

fn run(cmd: &mut Command) -> Result<()> {
    // Builds are serialised: the machine is shared and cargo/go parallelise
    // on their own.
    static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());
    let _guard = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    crate::programs::run_build(cmd)
}

/// Hash of the version, the command and every source file of the language.
fn cache_key(build: Build, version: &str) -> Result<String> {
    let mut hasher = Sha256::new();
    let mut field = |bytes: &[u8]| {
        hasher.update((bytes.len() as u64).to_le_bytes());
        hasher.update(bytes);
    };
    field(version.as_bytes());
    let cmd = command(build, Path::new("OUT"));
    field(format!("{:?} {:?}", cmd.get_program(), cmd.get_args().collect::<Vec<_>>()).as_bytes());
    let lang = match build.compiler {
        Compiler::Go(_) => "go",
        Compiler::Rust => "rust",
        Compiler::Clang | Compiler::Zig => "c",
        Compiler::Asc => "as",
    };
    let mut files = Vec::new();
    list_files(&sweep_dir().join(lang), &mut files)?;
    if build.compiler == Compiler::Asc {
        files.push(paths::programs_dir().join("as/asconfig.json"));
    }
    files.sort();
    for file in files {
        field(file.to_string_lossy().as_bytes());
        field(&std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?);
    }
    Ok(hasher.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

fn list_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    for entry in std::fs::read_dir(dir).with_context(|| format!("listing {}", dir.display()))? {
        let entry = entry?;
        let name = entry.file_name();
        if name == "target" || name.to_string_lossy().starts_with('.') {
            continue;
        }
        if entry.file_type()?.is_dir() {
            list_files(&entry.path(), out)?;
        } else {
            out.push(entry.path());
        }
    }
    Ok(())
}
