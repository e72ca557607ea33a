//! Turning a `wasi_snapshot_preview1` module into a WASI 0.2 component with
//! this project's adapters, as a library for Rust tools.
//!
//! * [`convert`]: the whole conversion as `p1-convert` runs it (flavour,
//!   import check, WIT world, allocator wrapper, encoding);
//! * [`Flavour::detect`] / [`flavour_of`]: which adapter flavour a module
//!   needs;
//! * [`wrap_realloc`]: makes a main module whose `cabi_realloc` may run Go
//!   code (a garbage collection) safe inside host-started allocations,
//!   without any cooperation from the guest;
//! * [`embed_world`]: the component type a reactor's exports need;
//! * [`interpose`]: makes the module's `memory.size` and `memory.grow`
//!   calls of the adapter, which then lives above the guest's memory (the
//!   interposed placement, docs/memory.md);
//! * [`with_placement_hint`]: tells the adapter how the module was
//!   converted (interposed) or whether it is Go, so its first call need
//!   not read memory to find out;
//! * [`encode`]: splices an adapter in, as `wasm-tools component new --adapt`
//!   does.

mod convert;
mod flavour;
mod imports;
mod inspect;
mod interpose;
mod placement;
mod realloc;
mod rewrite;
mod world;

use anyhow::{Context, Result};

pub use convert::{convert, Converted, Options, Wrap};
pub use flavour::{adapter, built_in_adapters, Flavour};
pub use imports::check_imports;
pub use inspect::{inspect, ModuleInfo};
pub use interpose::{interpose, serves_interposition, Interposed, ADAPTER_PAGES, MEMORY_GROW, MEMORY_SIZE};
pub use placement::{hint_offset, recognise, with_hint, with_placement_hint, Recognised};
pub use realloc::{check_realloc_type, wrap_realloc, PAUSE_BEGIN, PAUSE_END, REALLOC_EXPORTS};
pub use world::{embed_world, embed_world_from_path};

/// `_start` makes a command; anything else a reactor.
pub fn flavour_of(module: &[u8]) -> Result<Flavour> {
    Ok(Flavour::detect(&inspect(module)?))
}

/// Splices `adapter` into `module` (which must carry its component type if
/// it exports anything beyond `_start`/`_initialize`), unchanged, as
/// `wasm-tools component new --adapt` does; [`convert`] rewrites the
/// module ([`interpose`]) and sets the adapter's placement hint first.
pub fn encode(module: &[u8], adapter: &[u8]) -> Result<Vec<u8>> {
    wit_component::ComponentEncoder::default()
        .module(module)
        .context("reading the P1 module")?
        .adapter(rewrite::ADAPTER_MODULE, adapter)
        .context("reading the adapter")?
        .validate(true)
        // Names for the shim and fixup modules and the adapter, as
        // `wasm-tools component new` gives them: backtraces name the frames.
        .debug_names(true)
        .encode()
        .context("encoding the component")
}
