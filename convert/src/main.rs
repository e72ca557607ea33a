//! `p1-convert`: a `wasi_snapshot_preview1` module in, a WASI 0.2
//! component out; `p1-convert run` converts and runs it on the wasmtime
//! CLI. `p1-convert --help` (src/cli/help.txt, also in the README) says
//! how.

mod cli;

use anyhow::{bail, Context, Result};
use cli::args::{self, Command, Conversion, HostOptions};
use std::io::IsTerminal;
use std::path::Path;

/// Modules this large get a progress line even when stderr is not a
/// terminal (encoding takes seconds from here on); on a terminal, from
/// `TERMINAL_PROGRESS_BYTES`.
const PROGRESS_BYTES: usize = 32 << 20;
const TERMINAL_PROGRESS_BYTES: usize = 4 << 20;

fn main() {
    match run(std::env::args().skip(1)) {
        Ok(code) => std::process::exit(code),
        Err(e) => {
            eprintln!("p1-convert: {e:#}");
            std::process::exit(1);
        }
    }
}

/// Returns the exit code.
fn run(arguments: impl Iterator<Item = String>) -> Result<i32> {
    match args::parse(arguments)? {
        Command::Help => print!("{}", args::HELP),
        Command::Version => print!("{}", version()),
        Command::Convert { module, output, conversion } => {
            let converted = convert(&module, &conversion, false)?;
            std::fs::write(&output, converted.component).with_context(|| format!("writing {}", output.display()))?;
        }
        Command::Run { module, program_args, conversion, host } => {
            return run_on_wasmtime(&module, &program_args, &conversion, &host)
        }
        Command::Adapters { dir } => write_adapters(&dir)?,
    }
    Ok(0)
}

/// Converts the module at `path`; `for_run` picks the exit-with-code
/// adapter (wasmtime is told to pass the code on).
fn convert(path: &Path, conversion: &Conversion, for_run: bool) -> Result<p1_convert::Converted> {
    let module = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let adapter = match &conversion.adapter {
        Some(adapter) => {
            Some(std::fs::read(adapter).with_context(|| format!("reading the adapter {}", adapter.display()))?)
        }
        None => None,
    };
    let options = p1_convert::Options {
        proxy: conversion.proxy,
        exit_with_code: conversion.exit_with_code || for_run,
        wrap_realloc: conversion.wrap_realloc,
        wit: conversion.wit.clone(),
        world: conversion.world.clone(),
        adapter,
        no_interpose: conversion.no_interpose,
    };
    let name = path.display();
    if module.len() >= PROGRESS_BYTES || (module.len() >= TERMINAL_PROGRESS_BYTES && std::io::stderr().is_terminal()) {
        eprintln!("p1-convert: encoding {name} ({:.1} MB)…", module.len() as f64 / 1e6);
    }
    let converted = p1_convert::convert(&module, &options).with_context(|| format!("{name}"))?;
    if converted.nothing_to_wrap {
        eprintln!(
            "p1-convert: {name}: nothing to wrap (no cabi_realloc export, or it announces its allocations already)"
        );
    }
    Ok(converted)
}

fn run_on_wasmtime(module: &Path, program_args: &[String], conversion: &Conversion, host: &HostOptions) -> Result<i32> {
    if conversion.proxy {
        bail!("run does not serve wasi:http/proxy components: convert with --proxy -o OUT.wasm, then `wasmtime serve OUT.wasm`");
    }
    let wasmtime = cli::wasmtime::find()?;
    let converted = convert(module, conversion, true)?;
    if converted.flavour == p1_convert::Flavour::Reactor && host.invoke.is_none() {
        bail!(
            "{} is a reactor (no _start), so there is nothing to run: call an export with --invoke 'NAME(ARGS)'",
            module.display()
        );
    }
    let argv0 =
        module.file_name().map_or_else(|| module.display().to_string(), |name| name.to_string_lossy().into_owned());
    let file = std::env::temp_dir().join(format!("p1-convert-{}-{argv0}", std::process::id()));
    std::fs::write(&file, converted.component).with_context(|| format!("writing {}", file.display()))?;
    let code = cli::wasmtime::exit_code(cli::wasmtime::run_command(&wasmtime, &file, &argv0, host, program_args));
    let _ = std::fs::remove_file(&file);
    code
}

/// `p1-convert --version`: the version, then each built-in adapter's
/// sha256, so a user can tell which adapter bytes a conversion used (and
/// compare them with `p1-convert adapters DIR`'s files).
fn version() -> String {
    use sha2::{Digest, Sha256};
    use std::fmt::Write as _;
    let mut text = format!("p1-convert {}\nbuilt-in adapters (sha256):\n", env!("CARGO_PKG_VERSION"));
    for (name, bytes) in p1_convert::built_in_adapters() {
        let digest: String = Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect();
        let _ = writeln!(text, "  {digest}  {name}");
    }
    text
}

/// The built-in adapters, as files for tools that take an adapter path
/// (`wasm-tools component new --adapt`, componentize-go `--adapt`).
fn write_adapters(dir: &Path) -> Result<()> {
    for (name, bytes) in p1_convert::built_in_adapters() {
        let path = dir.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
        }
        std::fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}
