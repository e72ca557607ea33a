//! Builds the adapter flavours (as `ci/build-adapters.sh` does) so that the
//! crate can embed them: a nested `cargo build` of the adapter crate for
//! `wasm32-unknown-unknown` into a target directory of its own (the outer
//! build holds the lock on the workspace's), then `finalize` (which runs
//! wasm-opt: `ci/install-binaryen.sh`).

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

/// (file name, features) for every variant the crate exports.
const VARIANTS: [(&str, &str); 5] = [
    ("command", "command"),
    ("reactor", "reactor"),
    ("proxy", "proxy"),
    ("command-exit-with-code", "command,exit-with-code"),
    ("reactor-exit-with-code", "reactor,exit-with-code"),
];

fn main() -> Result<()> {
    let out = PathBuf::from(std::env::var("OUT_DIR")?);
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?);
    let workspace = manifest.parent().context("the provider lives in the workspace")?;
    // Every file, not the directories: a directory alone is not enough for
    // cargo to notice an edited file inside it here.
    for watched in ["adapter", "Cargo.lock", "Cargo.toml"] {
        watch(&workspace.join(watched))?;
    }
    let target_dir = out.join("adapter-target");
    let wasm_opt = finalize::optimize::locate(workspace)?;
    println!("cargo:rerun-if-env-changed=WASM_OPT");
    for (name, features) in VARIANTS {
        build(workspace, &target_dir, features)?;
        let built = target_dir.join("wasm32-unknown-unknown/adapter/wasi_snapshot_preview1.wasm");
        let bytes = std::fs::read(&built).with_context(|| format!("reading {}", built.display()))?;
        let finished = finalize::finish(&bytes, &wasm_opt)?;
        std::fs::write(out.join(format!("{name}.wasm")), finished)?;
    }
    Ok(())
}

fn watch(path: &Path) -> Result<()> {
    if path.is_dir() {
        for entry in std::fs::read_dir(path)? {
            watch(&entry?.path())?;
        }
    } else {
        println!("cargo:rerun-if-changed={}", path.display());
    }
    Ok(())
}

fn build(workspace: &Path, target_dir: &Path, features: &str) -> Result<()> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.args(["build", "--quiet", "-p", "wasi-preview1-adapter", "--target", "wasm32-unknown-unknown"])
        .args(["--profile", "adapter", "--no-default-features", "--features", features])
        .env("CARGO_TARGET_DIR", target_dir)
        .current_dir(workspace);
    // What the outer build set up for its own target must not leak in.
    for var in ["CARGO_ENCODED_RUSTFLAGS", "RUSTFLAGS", "CARGO_BUILD_TARGET", "CARGO_BUILD_RUSTFLAGS", "RUSTC_WORKSPACE_WRAPPER"] {
        cmd.env_remove(var);
    }
    let status = cmd.status().context("running cargo for the adapter")?;
    if !status.success() {
        bail!("building the {features} adapter failed ({status}); is the wasm32-unknown-unknown target installed (ci/setup.sh)?");
    }
    Ok(())
}
