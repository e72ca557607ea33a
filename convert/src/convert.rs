//! The whole conversion, as the command line runs it: inspect, pick the
//! flavour and adapter, check the imports, embed the world, wrap the
//! allocator, interpose the adapter on the module's memory, set the
//! adapter's placement hint, encode.

use crate::flavour::{self, Flavour};
use crate::imports::{check_imports, list};
use crate::inspect::{inspect, ModuleInfo};
use crate::{encode, interpose, placement, realloc, world};
use anyhow::{bail, Result};
use std::path::PathBuf;

/// Everything that changes how a module is converted. The default converts
/// with the built-in adapter of the detected flavour.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Use the proxy flavour (never detected).
    pub proxy: bool,
    /// Use the adapter that passes the exact `proc_exit` code.
    pub exit_with_code: bool,
    /// Whether to wrap `cabi_realloc` so the adapter knows when the host
    /// allocates (`realloc`): by default, for a Go module that exports one.
    pub wrap_realloc: Wrap,
    /// A WIT file or package directory, and the world in it, to embed.
    pub wit: Option<PathBuf>,
    pub world: Option<String>,
    /// An adapter to use instead of the built-in one.
    pub adapter: Option<Vec<u8>>,
    /// Leave the module's `memory.size` and `memory.grow` alone: the
    /// adapter then places itself as in the stock `--adapt` flow, by the
    /// heuristics of docs/memory.md, instead of above the guest's memory.
    pub no_interpose: bool,
}

/// When the converter wraps a module's `cabi_realloc` (`realloc`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Wrap {
    /// A module built by Go that exports an allocator: a Go `cabi_realloc`
    /// may collect garbage, which reads clocks (docs/reentrancy.md).
    /// Wrapping one that announces its allocations itself does no harm
    /// (pauses nest).
    #[default]
    Go,
    /// Any module that exports an allocator (`--wrap-realloc`).
    Always,
    /// None (`--no-wrap-realloc`).
    Never,
}

/// A finished conversion.
#[derive(Debug)]
pub struct Converted {
    pub component: Vec<u8>,
    pub flavour: Flavour,
    /// Wrapping was asked for (`Wrap::Always`) but the module has no
    /// allocator to wrap (or was wrapped before).
    pub nothing_to_wrap: bool,
    /// The module's allocators were wrapped.
    pub wrapped: bool,
    /// The module's memory instructions call the adapter (`interpose`).
    pub interposed: bool,
}

pub fn convert(module: &[u8], options: &Options) -> Result<Converted> {
    let info = inspect(module)?;
    let flavour = if options.proxy { Flavour::Proxy } else { Flavour::detect(&info) };
    let (adapter, what_adapter) = match &options.adapter {
        Some(bytes) => (bytes.as_slice(), "the given adapter".to_string()),
        None => (flavour::adapter(flavour, options.exit_with_code)?, format!("the {} adapter", flavour.name())),
    };
    check_imports(&info, adapter, &what_adapter)?;
    if options.world.is_some() && options.wit.is_none() {
        bail!("--world needs --wit PATH (the WIT file or package that defines it)");
    }
    require_world_for_exports(flavour, &info, options)?;
    let mut module = match &options.wit {
        Some(path) => world::embed_world_from_path(module, path, options.world.as_deref())?,
        None => module.to_vec(),
    };
    let wrap = match options.wrap_realloc {
        Wrap::Always => true,
        Wrap::Never => false,
        Wrap::Go => placement::recognise(&module)? == Some(placement::Recognised::Go),
    };
    let (mut nothing_to_wrap, mut wrapped) = (false, false);
    if wrap {
        match realloc::wrap_realloc(&module)? {
            Some(rewritten) => (module, wrapped) = (rewritten, true),
            None => nothing_to_wrap = options.wrap_realloc == Wrap::Always,
        }
    }
    // An adapter without the memory functions (wasmtime's, given with
    // `adapter`) is spliced in as the stock flow would.
    let interposed = !options.no_interpose && interpose::serves_interposition(adapter)?;
    let adapter = if interposed {
        let rewritten = interpose::interpose(&module)?;
        module = rewritten.module;
        placement::with_hint(adapter, rewritten.hint)
    } else {
        placement::with_placement_hint(adapter, &module)
    };
    let component = encode(&module, &adapter)?;
    Ok(Converted { component, flavour, nothing_to_wrap, wrapped, interposed })
}

/// wit-component drops the exports of a module without a component type
/// (it has no types for them), which leaves a reactor with nothing to call.
fn require_world_for_exports(flavour: Flavour, info: &ModuleInfo, options: &Options) -> Result<()> {
    if flavour == Flavour::Command || options.wit.is_some() || info.has_component_type {
        return Ok(());
    }
    let untyped: Vec<String> = info
        .func_exports
        .iter()
        .filter(|name| *name != "_initialize" && !name.starts_with("cabi_"))
        .cloned()
        .collect();
    if !untyped.is_empty() {
        bail!(
            "the {} exports {} and needs a WIT world to type them: pass --wit PATH --world NAME",
            flavour.name(),
            list(&untyped)
        );
    }
    Ok(())
}
