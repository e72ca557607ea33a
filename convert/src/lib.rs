//! Turning a `wasi_snapshot_preview1` module into a WASI 0.2 component with
//! this project's adapters, as a library for Rust tools.
//!
//! * [`flavour_of`]: which adapter flavour a module needs;
//! * [`wrap_realloc`]: makes a main module whose `cabi_realloc` may run Go
//!   code (a garbage collection) safe inside host-started allocations,
//!   without any cooperation from the guest;
//! * [`encode`]: splices an adapter in, as `wasm-tools component new --adapt`
//!   does.

mod realloc;

use anyhow::{Context, Result};
use wasmparser::{ExternalKind, Parser, Payload};

pub use realloc::{check_realloc_type, wrap_realloc, PAUSE_BEGIN, PAUSE_END, REALLOC_EXPORTS};

/// The adapter flavours.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavour {
    /// Programs with `_start`; the component exports `wasi:cli/run`.
    Command,
    /// Libraries and `//go:wasmexport` reactors (`_initialize` or exports
    /// only).
    Reactor,
}

impl Flavour {
    pub fn name(self) -> &'static str {
        match self {
            Flavour::Command => "command",
            Flavour::Reactor => "reactor",
        }
    }
}

/// `_start` makes a command; anything else a reactor.
pub fn flavour_of(module: &[u8]) -> Result<Flavour> {
    for payload in Parser::new(0).parse_all(module) {
        match payload.context("reading the module")? {
            Payload::Version { encoding: wasmparser::Encoding::Component, .. } => {
                anyhow::bail!("this is already a component, not a core module")
            }
            Payload::ExportSection(reader) => {
                for export in reader {
                    let export = export?;
                    if export.kind == ExternalKind::Func && export.name == "_start" {
                        return Ok(Flavour::Command);
                    }
                }
            }
            _ => {}
        }
    }
    Ok(Flavour::Reactor)
}

/// This project's adapter for `flavour` (built in).
pub fn adapter(flavour: Flavour, exit_with_code: bool) -> &'static [u8] {
    use wasi_preview1_adapter_provider::*;
    match (flavour, exit_with_code) {
        (Flavour::Command, false) => WASI_SNAPSHOT_PREVIEW1_COMMAND_ADAPTER,
        (Flavour::Command, true) => WASI_SNAPSHOT_PREVIEW1_COMMAND_EXIT_WITH_CODE_ADAPTER,
        (Flavour::Reactor, false) => WASI_SNAPSHOT_PREVIEW1_REACTOR_ADAPTER,
        (Flavour::Reactor, true) => WASI_SNAPSHOT_PREVIEW1_REACTOR_EXIT_WITH_CODE_ADAPTER,
    }
}

/// Embeds the WIT world `world` of `wit` (one package's source) as the
/// module's component type, which wit-component needs for a reactor whose
/// exports are more than `_initialize`.
pub fn embed_world(module: &[u8], wit: &str, world: &str) -> Result<Vec<u8>> {
    let mut resolve = wit_parser::Resolve::default();
    let package = resolve.push_str("world.wit", wit).context("parsing the WIT")?;
    let world = resolve.select_world(&[package], Some(world))?;
    let mut bytes = module.to_vec();
    wit_component::embed_component_metadata(&mut bytes, &resolve, world, wit_component::StringEncoding::UTF8, false)?;
    Ok(bytes)
}

/// Splices `adapter` into `module` (which must carry its component type if
/// it exports anything beyond `_start`/`_initialize`).
pub fn encode(module: &[u8], adapter: &[u8]) -> Result<Vec<u8>> {
    wit_component::ComponentEncoder::default()
        .module(module)
        .context("reading the P1 module")?
        .adapter("wasi_snapshot_preview1", adapter)
        .context("reading the adapter")?
        .validate(true)
        .encode()
        .context("encoding the component")
}
