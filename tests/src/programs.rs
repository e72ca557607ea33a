//! Building the P1 test programs from source, cached under
//! `target/test-programs/<toolchain>/<case>.wasm` and keyed by a hash of the
//! sources, the toolchain version and the build command, so re-runs don't
//! rebuild anything.

use crate::paths;
use crate::toolchain::{self, Toolchain, Unavailable, CLANG_SYSROOT};
use anyhow::{bail, Context, Result};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

pub enum Program {
    Built(Vec<u8>),
    /// The toolchain is missing on this machine.
    Unavailable(Unavailable),
}

/// Source file (or directory, for Go) of `case` for `toolchain`.
pub fn case_source(toolchain: Toolchain, case: &str) -> PathBuf {
    let dir = toolchain.source_dir();
    match toolchain {
        Toolchain::Go | Toolchain::GoOld => dir.join(case),
        Toolchain::Rust => dir.join("src/bin").join(format!("{case}.rs")),
        Toolchain::Clang | Toolchain::Zig => dir.join(format!("{case}.c")),
        Toolchain::Asc | Toolchain::AscStub => dir.join(format!("{case}.ts")),
    }
}

pub fn build(toolchain: Toolchain, case: &str) -> Result<Program> {
    let version = match toolchain.version() {
        Ok(v) => v,
        Err(unavailable) => return Ok(Program::Unavailable(unavailable)),
    };
    let source = case_source(toolchain, case);
    if !source.exists() {
        bail!(
            "no source for case {case:?}: {} does not exist",
            source.display()
        );
    }

    let out_dir = paths::test_programs_dir().join(toolchain.id());
    std::fs::create_dir_all(&out_dir)?;
    let wasm = out_dir.join(format!("{case}.wasm"));
    let key_file = out_dir.join(format!("{case}.key"));
    let key = cache_key(toolchain, case, version)?;
    if let Some(bytes) = cached(&wasm, &key_file, &key) {
        return Ok(Program::Built(bytes));
    }

    let tmp = paths::build_tmp(&wasm);
    match toolchain {
        Toolchain::Rust => build_rust(case, &tmp)?,
        _ => run_build(&mut build_command(toolchain, case, &tmp))?,
    }
    std::fs::rename(&tmp, &wasm)?;
    std::fs::write(&key_file, &key)?;
    Ok(Program::Built(std::fs::read(&wasm)?))
}

fn cached(wasm: &Path, key_file: &Path, key: &str) -> Option<Vec<u8>> {
    let stored = std::fs::read_to_string(key_file).ok()?;
    (stored == key).then(|| std::fs::read(wasm).ok()).flatten()
}

/// The command producing `out` (for Rust: the cargo build of all binaries).
fn build_command(toolchain: Toolchain, case: &str, out: &Path) -> Command {
    let dir = toolchain.source_dir();
    let mut cmd = match toolchain {
        Toolchain::Go | Toolchain::GoOld => {
            let mut cmd = toolchain::go_command(toolchain);
            cmd.args(["build", "-trimpath", "-o"])
                .arg(out)
                .arg(format!("./{case}"));
            cmd
        }
        Toolchain::Rust => {
            let mut cmd = Command::new("cargo");
            cmd.args([
                "build",
                "--release",
                "--target",
                "wasm32-wasip1",
                "--target-dir",
            ])
            .arg(rust_target_dir())
            // Flags meant for the host build must not leak into this one.
            .env_remove("CARGO_TARGET_DIR")
            .env_remove("CARGO_BUILD_TARGET")
            .env_remove("RUSTFLAGS")
            .env_remove("CARGO_ENCODED_RUSTFLAGS");
            cmd
        }
        Toolchain::Clang => {
            let mut cmd = Command::new("clang");
            cmd.arg("--target=wasm32-wasi")
                .arg(format!("--sysroot={CLANG_SYSROOT}"))
                .args(["-O2", "-o"])
                .arg(out)
                .arg(format!("{case}.c"));
            cmd
        }
        Toolchain::Zig => {
            let mut cmd = Command::new("python3");
            cmd.args(["-m", "ziglang", "cc", "--target=wasm32-wasi", "-O2", "-o"])
                .arg(out)
                .arg(format!("{case}.c"));
            cmd
        }
        Toolchain::Asc | Toolchain::AscStub => {
            let mut cmd = Command::new(toolchain::asc_binary());
            // asc only resolves a config's "extends" correctly when the
            // config path is relative to the working directory. Optimisation
            // settings come from the config.
            let config = asc_config();
            let config = config.strip_prefix(&dir).unwrap_or(&config).to_path_buf();
            cmd.arg(format!("{case}.ts"))
                .arg("--config")
                .arg(config)
                .arg("--outFile")
                .arg(out);
            if toolchain == Toolchain::AscStub {
                cmd.args(["--runtime", "stub"]);
            }
            cmd
        }
    };
    cmd.current_dir(dir);
    cmd
}

/// A project-local asconfig.json (extending the shim's) wins over the
/// shim's own configuration.
fn asc_config() -> PathBuf {
    let local = paths::programs_dir().join("as/asconfig.json");
    if local.exists() {
        local
    } else {
        toolchain::asc_shim_config()
    }
}

fn rust_target_dir() -> PathBuf {
    paths::test_programs_dir().join("rust-target")
}

/// Builds all Rust binaries with one cargo invocation, then copies `case`.
fn build_rust(case: &str, out: &Path) -> Result<()> {
    // One cargo build at a time within this process; cargo's own lock
    // covers other processes.
    static CARGO: Mutex<()> = Mutex::new(());
    let _guard = CARGO.lock().unwrap_or_else(|e| e.into_inner());
    run_build(&mut build_command(Toolchain::Rust, case, out))?;
    let built = rust_target_dir()
        .join("wasm32-wasip1/release")
        .join(format!("{case}.wasm"));
    std::fs::copy(&built, out).with_context(|| format!("copying {}", built.display()))?;
    Ok(())
}

/// Runs one step of a build; its output goes into the error if it fails.
pub fn run_build(cmd: &mut Command) -> Result<()> {
    let output = cmd.output().with_context(|| format!("spawning {cmd:?}"))?;
    if !output.status.success() {
        bail!(
            "build failed ({}): {cmd:?}\n--- stdout\n{}\n--- stderr\n{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(())
}

/// Hash of everything that determines the built program.
fn cache_key(toolchain: Toolchain, case: &str, version: &str) -> Result<String> {
    let mut hasher = Sha256::new();
    let mut field = |bytes: &[u8]| {
        hasher.update((bytes.len() as u64).to_le_bytes());
        hasher.update(bytes);
    };
    field(toolchain.id().as_bytes());
    field(version.as_bytes());
    // The command with a fixed output path stands for all build flags.
    let cmd = build_command(toolchain, case, Path::new("OUT"));
    field(
        format!(
            "{:?} {:?}",
            cmd.get_program(),
            cmd.get_args().collect::<Vec<_>>()
        )
        .as_bytes(),
    );
    for (rel, path) in key_sources(toolchain, case)? {
        field(rel.as_bytes());
        field(&std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?);
    }
    Ok(hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

/// Source files whose contents go into the cache key, sorted by path.
fn key_sources(toolchain: Toolchain, case: &str) -> Result<Vec<(String, PathBuf)>> {
    let dir = toolchain.source_dir();
    let mut files = Vec::new();
    match toolchain {
        // go.mod plus the case's package.
        Toolchain::Go | Toolchain::GoOld => {
            files.push(dir.join("go.mod"));
            list_files(&dir.join(case), &mut files, &|_| true)?;
        }
        // Every binary is built by the same cargo invocation.
        Toolchain::Rust => {
            files.push(dir.join("Cargo.toml"));
            list_files(&dir.join("src"), &mut files, &|_| true)?;
        }
        // The case plus any shared headers.
        Toolchain::Clang | Toolchain::Zig => {
            files.push(dir.join(format!("{case}.c")));
            list_files(&dir, &mut files, &|p| {
                p.extension().is_some_and(|e| e == "h")
            })?;
        }
        // All AssemblyScript sources (cases may share modules) and config.
        Toolchain::Asc | Toolchain::AscStub => {
            list_files(&dir, &mut files, &|p| {
                p.extension().is_some_and(|e| e == "ts" || e == "json")
            })?;
            files.push(asc_config());
        }
    }
    let lock = dir.join("Cargo.lock");
    if toolchain == Toolchain::Rust && lock.exists() {
        files.push(lock);
    }
    let mut keyed: Vec<(String, PathBuf)> = files
        .into_iter()
        .map(|p| {
            (
                p.strip_prefix(&dir)
                    .unwrap_or(&p)
                    .to_string_lossy()
                    .into_owned(),
                p,
            )
        })
        .collect();
    keyed.sort();
    keyed.dedup();
    Ok(keyed)
}

/// Recursively lists files below `dir` accepted by `keep`, skipping
/// `node_modules` and hidden entries.
fn list_files(dir: &Path, out: &mut Vec<PathBuf>, keep: &dyn Fn(&Path) -> bool) -> Result<()> {
    for entry in std::fs::read_dir(dir).with_context(|| format!("listing {}", dir.display()))? {
        let entry = entry?;
        let name = entry.file_name();
        if name == "node_modules" || name.to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            list_files(&path, out, keep)?;
        } else if keep(&path) {
            out.push(path);
        }
    }
    Ok(())
}
