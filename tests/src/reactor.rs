//! Reactors: a Go `-buildmode=c-shared` module whose `//go:wasmexport`
//! functions the host calls one by one after `_initialize`. The same call
//! script runs natively on wasmtime's P1 host and, with a WIT world embedded
//! and the reactor adapter spliced in, as a component on the P2 host.

use crate::cases::CaseSpec;
use crate::engine::{self, RUN_TIMEOUT_TICKS};
use crate::component::Host;
use crate::{paths, sandbox, toolchain, wasi_ctx};
use anyhow::{anyhow, bail, Context, Result};
use sha2::{Digest, Sha256};
use std::path::PathBuf;
use wasmtime::component::Linker as ComponentLinker;
use wasmtime::{Linker, Store};
use wasmtime_wasi::p1::WasiP1Ctx;

/// The exports every reactor test program has, as a WIT world.
pub const WORLD: &str = r#"
package test:reactor;

world heap {
    export grow: func(mib: s32) -> s32;
    export checksum: func() -> s64;
}
"#;

/// One host call: `grow(mib)` or `checksum()`.
#[derive(Clone, Copy, Debug)]
pub enum Call {
    Grow(i32),
    Checksum,
}

/// What a reactor run produced.
#[derive(Debug, PartialEq, Eq)]
pub struct ReactorOutcome {
    pub results: Vec<i64>,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    /// The trap that ended the script early, if any.
    pub trap: Option<String>,
}

fn source_dir() -> PathBuf {
    paths::programs_dir().join("go-reactor")
}

/// Builds `tests/programs/go-reactor/<case>` with the machine's Go, cached
/// by a hash of the sources and the Go version.
pub fn build(case: &str) -> Result<Vec<u8>> {
    let go_version = toolchain::Toolchain::Go
        .version()
        .map_err(|u| anyhow!("{}", u.reason))?;
    let dir = source_dir();
    let mut hasher = Sha256::new();
    hasher.update(go_version.as_bytes());
    hasher.update(case.as_bytes());
    for file in ["go.mod", "heapwork/heapwork.go", &format!("{case}/main.go")] {
        hasher.update(std::fs::read(dir.join(file)).with_context(|| format!("reading {file}"))?);
    }
    let key: String = hasher.finalize().iter().map(|b| format!("{b:02x}")).collect();
    let out_dir = paths::test_programs_dir().join("go-reactor");
    std::fs::create_dir_all(&out_dir)?;
    let wasm = out_dir.join(format!("{case}-{key}.wasm"));
    if !wasm.exists() {
        let tmp = paths::build_tmp(&wasm);
        let status = toolchain::go_command(toolchain::Toolchain::Go)
            .args(["build", "-trimpath", "-buildmode=c-shared", "-o"])
            .arg(&tmp)
            .arg(format!("./{case}"))
            .current_dir(&dir)
            .status()
            .context("running go build")?;
        if !status.success() {
            bail!("go build of reactor {case} failed: {status}");
        }
        std::fs::rename(&tmp, &wasm)?;
    }
    Ok(std::fs::read(&wasm)?)
}

/// The module with the `heap` world embedded, ready for wit-component.
pub fn with_world(module: &[u8]) -> Result<Vec<u8>> {
    p1_convert::embed_world(module, WORLD, "heap")
}

fn spec() -> CaseSpec {
    CaseSpec { args: vec!["reactor".into()], env: Vec::new(), stdin: Vec::new(), sandbox: Vec::new() }
}

/// Runs the script natively: `_initialize`, then each call.
pub fn run_native(module: &[u8], script: &[Call]) -> Result<ReactorOutcome> {
    let module = engine::module(module)?;
    let spec = spec();
    let dir = sandbox::create(&spec)?;
    let (mut builder, captured) = wasi_ctx::builder(&spec, dir.path())?;
    let mut linker: Linker<WasiP1Ctx> = Linker::new(engine::engine());
    wasmtime_wasi::p1::add_to_linker_sync(&mut linker, |ctx| ctx).map_err(|e| anyhow!("{e:?}"))?;
    let mut store = Store::new(engine::engine(), builder.build_p1());
    store.set_epoch_deadline(RUN_TIMEOUT_TICKS);
    let instance = linker.instantiate(&mut store, &module).map_err(|e| anyhow!("{e:?}"))?;
    let mut results = Vec::new();
    let trap = (|| -> wasmtime::Result<()> {
        instance.get_typed_func::<(), ()>(&mut store, "_initialize")?.call(&mut store, ())?;
        let grow = instance.get_typed_func::<i32, i32>(&mut store, "grow")?;
        let checksum = instance.get_typed_func::<(), i64>(&mut store, "checksum")?;
        for call in script {
            results.push(match *call {
                Call::Grow(mib) => i64::from(grow.call(&mut store, mib)?),
                Call::Checksum => checksum.call(&mut store, ())?,
            });
        }
        Ok(())
    })()
    .err()
    .map(|e| format!("{e:?}"));
    drop(store);
    Ok(ReactorOutcome { results, stdout: captured.stdout(), stderr: captured.stderr(), trap })
}


/// Runs the script on a component (wit-component runs `_initialize` as part
/// of instantiation).
pub fn run_component(component: &[u8], script: &[Call]) -> Result<ReactorOutcome> {
    let component = engine::component(component)?;
    let spec = spec();
    let dir = sandbox::create(&spec)?;
    let (mut builder, captured) = wasi_ctx::builder(&spec, dir.path())?;
    let mut linker: ComponentLinker<Host> = ComponentLinker::new(engine::engine());
    wasmtime_wasi::p2::add_to_linker_sync(&mut linker).map_err(|e| anyhow!("{e:?}"))?;
    let mut store = Store::new(engine::engine(), Host::new(builder.build()));
    store.set_epoch_deadline(RUN_TIMEOUT_TICKS);
    let mut results = Vec::new();
    let trap = (|| -> wasmtime::Result<()> {
        let instance = linker.instantiate(&mut store, &component)?;
        let grow = instance.get_typed_func::<(i32,), (i32,)>(&mut store, "grow")?;
        let checksum = instance.get_typed_func::<(), (i64,)>(&mut store, "checksum")?;
        for call in script {
            results.push(match *call {
                Call::Grow(mib) => {
                    let (total,) = grow.call(&mut store, (mib,))?;
                    i64::from(total)
                }
                Call::Checksum => {
                    let (sum,) = checksum.call(&mut store, ())?;
                    sum
                }
            });
        }
        Ok(())
    })()
    .err()
    .map(|e| format!("{e:?}"));
    drop(store);
    Ok(ReactorOutcome { results, stdout: captured.stdout(), stderr: captured.stderr(), trap })
}

/// Our reactor adapter (`ci/build-adapters.sh`).
pub fn our_adapter() -> Result<Vec<u8>> {
    let path = paths::adapter_dir().join("wasi_snapshot_preview1.reactor.wasm");
    std::fs::read(&path).with_context(|| format!("reading {} (run ci/build-adapters.sh first)", path.display()))
}

