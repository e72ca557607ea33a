//! Runs a P1 module directly on wasmtime's P1 host: the expected behaviour.

use crate::cases::CaseSpec;
use crate::engine::{self, RUN_TIMEOUT_TICKS};
use crate::outcome::{ExitStatus, Outcome};
use crate::{sandbox, wasi_ctx};
use anyhow::{anyhow, Result};
use wasmtime::{Linker, Store};
use wasmtime_wasi::p1::WasiP1Ctx;

pub fn run(module_bytes: &[u8], spec: &CaseSpec) -> Result<Outcome> {
    let module = engine::module(module_bytes)?;
    let dir = sandbox::create(spec)?;
    let (mut builder, captured) = wasi_ctx::builder(spec, dir.path())?;

    let mut linker: Linker<WasiP1Ctx> = Linker::new(engine::engine());
    wasmtime_wasi::p1::add_to_linker_sync(&mut linker, |ctx| ctx).map_err(|e| anyhow!("{e:?}"))?;
    let mut store = Store::new(engine::engine(), builder.build_p1());
    store.set_epoch_deadline(RUN_TIMEOUT_TICKS);

    let instance = linker
        .instantiate(&mut store, &module)
        .map_err(|e| anyhow!("instantiating: {e:?}"))?;
    let start = instance
        .get_typed_func::<(), ()>(&mut store, "_start")
        .map_err(|e| anyhow!("looking up _start: {e:?}"))?;
    let exit = match start.call(&mut store, ()) {
        Ok(()) => ExitStatus::Code(0),
        Err(err) => ExitStatus::from_error(&err),
    };
    drop(store);

    Ok(Outcome {
        stdout: captured.stdout(),
        stderr: captured.stderr(),
        exit,
        files: sandbox::snapshot(dir.path())?,
    })
}
