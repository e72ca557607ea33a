//! Runs a sweep program for one point: natively on wasmtime's P1 host, or
//! as a component on its P2 host; as a command (`_start` / `wasi:cli/run`)
//! or as a reactor (`_initialize`, then the exported `report`).
//!
//! Like `crate::native` and `crate::component`, but with the point's own
//! preopens (the preopen sweep needs any number of them, with any names).

use super::points::{Point, Preopens, SandboxEntry};
use super::programs::Flavour;
use crate::component::Host;
use crate::engine;
use crate::outcome::{ExitStatus, Outcome};
use crate::sandbox;
use anyhow::{anyhow, Context, Result};
use std::path::Path;
use wasmtime::component::Linker as ComponentLinker;
use wasmtime::{Linker, Store};
use wasmtime_wasi::p1::WasiP1Ctx;
use wasmtime_wasi::p2::bindings::sync::Command;
use wasmtime_wasi::p2::pipe::{MemoryInputPipe, MemoryOutputPipe};
use wasmtime_wasi::{FsPerms, WasiCtxBuilder};

/// The WIT world of the reactor flavour.
pub const REACTOR_WORLD: &str = r#"
package test:sweep;

world sweep {
    export report: func() -> s32;
}
"#;

/// Epoch ticks (seconds) one run may take. Longer than the ordinary cases'
/// limit: at the largest points some programs are slow natively too
/// (AssemblyScript takes over 30 s for 10,000 arguments).
pub const RUN_TIMEOUT_TICKS: u64 = 120;

/// Capacity of each captured output stream.
const OUTPUT_CAPACITY: usize = 256 << 20;

/// The reactor module with its world embedded, ready for wit-component.
pub fn with_reactor_world(module: &[u8]) -> Result<Vec<u8>> {
    p1_convert::embed_world(module, REACTOR_WORLD, "sweep")
}

/// The directory tree of one run and the WASI context built over it.
struct Prepared {
    /// Kept alive (and removed afterwards) for the run.
    root: tempfile::TempDir,
    builder: WasiCtxBuilder,
    stdout: MemoryOutputPipe,
    stderr: MemoryOutputPipe,
}

fn prepare(point: &Point) -> Result<Prepared> {
    let root = tempfile::Builder::new().prefix("p1-sweep-").tempdir()?;
    for (rel, entry) in &point.sandbox {
        let path = root.path().join(rel);
        match entry {
            SandboxEntry::Dir => std::fs::create_dir_all(&path),
            SandboxEntry::File(bytes) => std::fs::write(&path, bytes),
        }
        .with_context(|| format!("populating sandbox entry {rel:.64}"))?;
    }
    let stdout = MemoryOutputPipe::new(OUTPUT_CAPACITY);
    let stderr = MemoryOutputPipe::new(OUTPUT_CAPACITY);
    let mut builder = WasiCtxBuilder::new();
    builder
        .args(&point.args)
        .envs(&point.env)
        .stdin(MemoryInputPipe::new(point.stdin.clone()))
        .stdout(stdout.clone())
        .stderr(stderr.clone());
    let preopen = |builder: &mut WasiCtxBuilder, host: &Path, guest: &str| {
        builder
            .preopened_dir(host, guest, FsPerms::ReadWrite)
            .map(|_| ())
            .map_err(|e| anyhow!("preopening {} as {guest:.64}: {e:?}", host.display()))
    };
    match &point.preopens {
        Preopens::Sandbox => {
            for guest in [crate::cases::SANDBOX_GUEST_PATH, crate::cases::SANDBOX_GUEST_ALIAS] {
                preopen(&mut builder, root.path(), guest)?;
            }
        }
        Preopens::Named(names) => {
            for (i, name) in names.iter().enumerate() {
                let dir = root.path().join(format!("p{i}"));
                std::fs::create_dir(&dir)?;
                std::fs::write(dir.join("marker"), format!("preopen {i}\n"))?;
                preopen(&mut builder, &dir, name)?;
            }
        }
    }
    Ok(Prepared { root, builder, stdout, stderr })
}

fn finish(prepared: Prepared, exit: ExitStatus) -> Result<Outcome> {
    Ok(Outcome {
        stdout: prepared.stdout.contents().to_vec(),
        stderr: prepared.stderr.contents().to_vec(),
        exit,
        files: sandbox::snapshot(prepared.root.path())
            .context("snapshotting the preopened directories")?,
    })
}

/// Runs the P1 module on the native P1 host.
pub fn run_native(module: &[u8], flavour: Flavour, point: &Point) -> Result<Outcome> {
    let module = engine::module(module)?;
    let mut prepared = prepare(point)?;
    let mut linker: Linker<WasiP1Ctx> = Linker::new(engine::engine());
    wasmtime_wasi::p1::add_to_linker_sync(&mut linker, |ctx| ctx).map_err(|e| anyhow!("{e:?}"))?;
    let mut store = Store::new(engine::engine(), prepared.builder.build_p1());
    store.set_epoch_deadline(RUN_TIMEOUT_TICKS);
    let instance = linker
        .instantiate(&mut store, &module)
        .map_err(|e| anyhow!("instantiating: {e:?}"))?;
    let result = match flavour {
        Flavour::Command => instance
            .get_typed_func::<(), ()>(&mut store, "_start")
            .and_then(|start| start.call(&mut store, ()))
            .map(|()| 0),
        Flavour::Reactor => instance
            .get_typed_func::<(), ()>(&mut store, "_initialize")
            .and_then(|init| init.call(&mut store, ()))
            .and_then(|()| instance.get_typed_func::<(), i32>(&mut store, "report"))
            .and_then(|report| report.call(&mut store, ())),
    };
    drop(store);
    let exit = match result {
        Ok(code) => ExitStatus::Code(code),
        Err(err) => ExitStatus::from_error(&err),
    };
    finish(prepared, exit)
}

/// Runs a component (made with some adapter) on the P2 host.
pub fn run_component(component: &[u8], flavour: Flavour, point: &Point) -> Result<Outcome> {
    let component = engine::component(component)?;
    let mut prepared = prepare(point)?;
    let mut linker: ComponentLinker<Host> = ComponentLinker::new(engine::engine());
    wasmtime_wasi::p2::add_to_linker_sync(&mut linker).map_err(|e| anyhow!("{e:?}"))?;
    let mut store = Store::new(engine::engine(), Host::new(prepared.builder.build()));
    store.set_epoch_deadline(RUN_TIMEOUT_TICKS);
    let exit = match flavour {
        Flavour::Command => match Command::instantiate(&mut store, &component, &linker) {
            Ok(command) => match command.wasi_cli_run().call_run(&mut store) {
                Ok(Ok(())) => ExitStatus::Code(0),
                Ok(Err(())) => ExitStatus::Code(1),
                Err(err) => ExitStatus::from_error(&err),
            },
            // A trap in the adapter during instantiation is an outcome,
            // not a harness error.
            Err(err) => ExitStatus::from_error(&err),
        },
        // wit-component runs _initialize as part of instantiation.
        Flavour::Reactor => match linker.instantiate(&mut store, &component) {
            Ok(instance) => match instance
                .get_typed_func::<(), (i32,)>(&mut store, "report")
                .and_then(|report| report.call(&mut store, ()))
            {
                Ok((code,)) => ExitStatus::Code(code),
                Err(err) => ExitStatus::from_error(&err),
            },
            Err(err) => ExitStatus::from_error(&err),
        },
    };
    drop(store);
    finish(prepared, exit)
}
