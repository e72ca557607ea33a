//! `p1-run [--adapter PATH] MODULE.wasm [ARGS...]`: converts a
//! `wasi_snapshot_preview1` command into a component with the adapter (by
//! default `target/adapters/wasi_snapshot_preview1.command.wasm`) and runs it
//! on wasmtime's WASI 0.2 host with this process's stdio, no environment
//! variables, and the current directory preopened as "/" and as ".".
//! Exits with the component's status.
//!
//! The same as `wasm-tools component new --adapt ...` followed by
//! `wasmtime run --dir .::/ --dir .`, without needing either CLI.

use adapter_tests::component::{self, Host};
use anyhow::{anyhow, bail, Context, Result};
use std::path::PathBuf;
use wasmtime::component::{Component, Linker};
use wasmtime::{Config, Engine, Store};
use wasmtime_wasi::p2::bindings::sync::Command;
use wasmtime_wasi::{FsPerms, I32Exit, WasiCtxBuilder};


fn main() -> Result<()> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut adapter = adapter_tests::paths::adapter_dir().join("wasi_snapshot_preview1.command.wasm");
    if args.first().map(String::as_str) == Some("--adapter") {
        if args.len() < 2 {
            bail!("--adapter needs a path");
        }
        adapter = PathBuf::from(args.remove(1));
        args.remove(0);
    }
    let Some(module_path) = args.first().cloned() else {
        bail!("usage: p1-run [--adapter PATH] MODULE.wasm [ARGS...]");
    };
    let module = std::fs::read(&module_path).with_context(|| format!("reading {module_path}"))?;
    let adapter_bytes = std::fs::read(&adapter)
        .with_context(|| format!("reading {} (run ci/build-adapters.sh first)", adapter.display()))?;
    let bytes = component::encode(&module, &adapter_bytes)?;

    let engine = Engine::new(&Config::new()).map_err(|e| anyhow!("{e:?}"))?;
    let component = Component::new(&engine, &bytes).map_err(|e| anyhow!("{e:?}"))?;
    let mut linker: Linker<Host> = Linker::new(&engine);
    wasmtime_wasi::p2::add_to_linker_sync(&mut linker).map_err(|e| anyhow!("{e:?}"))?;
    let mut builder = WasiCtxBuilder::new();
    builder
        .inherit_stdio()
        .args(&args);
    // Go resolves relative paths against "/" (its working directory when
    // PWD is unset), wasi-libc against a "." preopen: offer both.
    for guest in ["/", "."] {
        builder
            .preopened_dir(".", guest, FsPerms::ReadWrite)
            .map_err(|e| anyhow!("preopening the current directory as {guest}: {e:?}"))?;
    }
    let mut store = Store::new(&engine, Host::new(builder.build()));
    let command = Command::instantiate(&mut store, &component, &linker).map_err(|e| anyhow!("{e:?}"))?;
    let code = match command.wasi_cli_run().call_run(&mut store) {
        Ok(Ok(())) => 0,
        Ok(Err(())) => 1,
        Err(err) => match err.downcast_ref::<I32Exit>() {
            Some(exit) => exit.0,
            None => return Err(anyhow!("{err:?}")),
        },
    };
    std::process::exit(code)
}
