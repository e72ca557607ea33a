//! Converts a P1 module into a component with a given adapter and runs it
//! on wasmtime's P2 host.

use crate::cases::CaseSpec;
use crate::engine::{self, RUN_TIMEOUT_TICKS};
use crate::outcome::{ExitStatus, Outcome};
use crate::{sandbox, wasi_ctx};
use anyhow::{anyhow, Result};
use wasmtime::component::{Linker, ResourceTable};
use wasmtime::Store;
use wasmtime_wasi::p2::bindings::sync::Command;
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};

/// Splices `adapter` into `module` the way `wasm-tools component new
/// --adapt` does.
pub fn encode(module: &[u8], adapter: &[u8]) -> Result<Vec<u8>> {
    p1_convert::encode(module, adapter)
}

/// Converts `module` with `adapter` as `p1-convert` does: the module's
/// memory instructions interposed on (docs/memory.md), the adapter's
/// placement hint set.
pub fn convert(module: &[u8], adapter: &[u8]) -> Result<Vec<u8>> {
    let interposed = p1_convert::interpose(module)?;
    p1_convert::encode(&interposed.module, &p1_convert::with_hint(adapter, interposed.hint))
}

/// How our adapter goes into a component: the two placements of
/// docs/memory.md.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Splice {
    /// Spliced in unchanged, as `wasm-tools component new --adapt` does.
    Stock,
    /// As `p1-convert` converts (interposed).
    Converted,
}

impl Splice {
    pub const ALL: [Splice; 2] = [Splice::Stock, Splice::Converted];

    pub fn make(self, module: &[u8], adapter: &[u8]) -> Result<Vec<u8>> {
        match self {
            Splice::Stock => encode(module, adapter),
            Splice::Converted => convert(module, adapter),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Splice::Stock => "stock",
            Splice::Converted => "p1-convert",
        }
    }

    pub fn parse(name: &str) -> Option<Splice> {
        Splice::ALL.into_iter().find(|s| s.name() == name)
    }
}

/// The store data every P2 run uses: a WASI context and its resource table.
pub struct Host {
    ctx: WasiCtx,
    table: ResourceTable,
}

impl Host {
    pub fn new(ctx: WasiCtx) -> Host {
        Host { ctx, table: ResourceTable::new() }
    }
}

impl WasiView for Host {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.ctx,
            table: &mut self.table,
        }
    }
}

pub fn run(component_bytes: &[u8], spec: &CaseSpec) -> Result<Outcome> {
    let component = engine::component(component_bytes)?;
    let dir = sandbox::create(spec)?;
    let (mut builder, captured) = wasi_ctx::builder(spec, dir.path())?;

    // wasi:cli/exit.exit-with-code is stable (@since 0.2.12) in
    // wasmtime-wasi 48, so the default linker already provides it; no
    // unstable-feature link option is involved.
    let mut linker: Linker<Host> = Linker::new(engine::engine());
    wasmtime_wasi::p2::add_to_linker_sync(&mut linker).map_err(|e| anyhow!("{e:?}"))?;
    let mut store = Store::new(
        engine::engine(),
        Host::new(builder.build()),
    );
    store.set_epoch_deadline(RUN_TIMEOUT_TICKS);

    let command = Command::instantiate(&mut store, &component, &linker)
        .map_err(|e| anyhow!("instantiating: {e:?}"))?;
    let exit = match command.wasi_cli_run().call_run(&mut store) {
        Ok(Ok(())) => ExitStatus::Code(0),
        Ok(Err(())) => ExitStatus::Code(1),
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
