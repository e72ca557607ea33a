//! Building the benchmark's guest programs from `bench/programs/` into
//! `target/bench-programs/`. Cargo and Go keep their own build caches, so a
//! build with nothing changed takes well under a second.

use crate::workloads::Program;
use adapter_tests::paths;
use adapter_tests::toolchain::{self, Toolchain};
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

fn sources_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("programs")
}

fn output_dir() -> PathBuf {
    paths::target_dir().join("bench-programs")
}

/// The program's wasm bytes, built if needed.
pub fn build(program: Program) -> Result<Vec<u8>> {
    let wasm = match program {
        Program::RustGuest | Program::RustGuestStock | Program::RustGuestDropIn => build_rust_guest()?,
        Program::Go(name) => build_go(name)?,
    };
    std::fs::read(&wasm).with_context(|| format!("reading {}", wasm.display()))
}

fn build_rust_guest() -> Result<PathBuf> {
    let target_dir = output_dir().join("rust-target");
    let mut cmd = Command::new("cargo");
    cmd.args(["build", "--quiet", "--release", "--target", "wasm32-wasip1", "--target-dir"])
        .arg(&target_dir)
        .current_dir(sources_dir().join("rust"))
        // Settings meant for the host build must not leak into this one.
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("CARGO_BUILD_TARGET")
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS");
    run(&mut cmd)?;
    Ok(target_dir.join("wasm32-wasip1/release/p1-bench-guest.wasm"))
}

fn build_go(name: &str) -> Result<PathBuf> {
    let out_dir = output_dir().join("go");
    std::fs::create_dir_all(&out_dir)?;
    let wasm = out_dir.join(format!("{name}.wasm"));
    let mut cmd = toolchain::go_command(Toolchain::Go);
    cmd.args(["build", "-trimpath", "-o"])
        .arg(&wasm)
        .arg(format!("./{name}"))
        .current_dir(sources_dir().join("go"));
    run(&mut cmd)?;
    Ok(wasm)
}

fn run(cmd: &mut Command) -> Result<()> {
    let output = cmd.output().with_context(|| format!("spawning {cmd:?}"))?;
    if !output.status.success() {
        bail!(
            "building a benchmark program failed ({}): {cmd:?}\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(())
}
