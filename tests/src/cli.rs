//! The command-line flow users follow: `wasm-tools component new --adapt`
//! then `wasmtime run`, driven as external processes.

use crate::adapters::{our_command_adapter_path, ExitMode};
use crate::cases::{CaseSpec, SANDBOX_GUEST_ALIAS, SANDBOX_GUEST_PATH};
use crate::outcome::{ExitStatus, Outcome};
use crate::sandbox;
use anyhow::{bail, Context, Result};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// `wasm-tools` and `wasmtime` from PATH, or the names of the missing ones.
pub fn tools() -> Result<(PathBuf, PathBuf), Vec<&'static str>> {
    let wasm_tools = find_on_path("wasm-tools");
    let wasmtime = find_on_path("wasmtime");
    match (wasm_tools, wasmtime) {
        (Some(a), Some(b)) => Ok((a, b)),
        (a, b) => Err([("wasm-tools", a.is_none()), ("wasmtime", b.is_none())]
            .into_iter()
            .filter_map(|(name, missing)| missing.then_some(name))
            .collect()),
    }
}

fn find_on_path(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// `wasm-tools component new <module> --adapt wasi_snapshot_preview1=<ours>`.
pub fn component_new(wasm_tools: &Path, module: &Path, out: &Path) -> Result<()> {
    let adapter = our_command_adapter_path(ExitMode::Portable);
    if !adapter.exists() {
        bail!(
            "adapter {} not found: run ci/build-adapters.sh first",
            adapter.display()
        );
    }
    let output = Command::new(wasm_tools)
        .args(["component", "new"])
        .arg(module)
        .arg("--adapt")
        .arg(format!("wasi_snapshot_preview1={}", adapter.display()))
        .arg("-o")
        .arg(out)
        .output()
        .context("spawning wasm-tools")?;
    if !output.status.success() {
        bail!(
            "wasm-tools component new failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(())
}

/// `wasmtime run` with the case's args, env, stdin and preopens.
pub fn run(wasmtime: &Path, component: &Path, spec: &CaseSpec) -> Result<Outcome> {
    let dir = sandbox::create(spec)?;
    let host = dir.path().display().to_string();
    let mut cmd = Command::new(wasmtime);
    cmd.arg("run")
        .arg("--dir")
        .arg(format!("{host}::{SANDBOX_GUEST_PATH}"))
        .arg("--dir")
        .arg(format!("{host}::{SANDBOX_GUEST_ALIAS}"));
    for (k, v) in &spec.env {
        cmd.arg("--env").arg(format!("{k}={v}"));
    }
    let (argv0, rest) = spec
        .args
        .split_first()
        .context("a case has at least argv[0]")?;
    cmd.arg("--argv0").arg(argv0).arg(component).args(rest);
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());

    let mut child = cmd.spawn().context("spawning wasmtime")?;
    let mut stdin = child.stdin.take().expect("piped stdin");
    let input = spec.stdin.clone();
    // Feed stdin from a thread so a full stdout pipe can't deadlock us.
    let feeder = std::thread::spawn(move || stdin.write_all(&input));
    let output = child.wait_with_output()?;
    // The program may exit without reading all of stdin; a broken pipe
    // is then expected.
    let _ = feeder.join();

    let exit = match output.status.code() {
        Some(code) => ExitStatus::Code(code),
        None => ExitStatus::HostError(format!("wasmtime terminated by {}", output.status)),
    };
    Ok(Outcome {
        stdout: output.stdout,
        stderr: output.stderr,
        exit,
        files: sandbox::snapshot(dir.path())?,
    })
}
