//! A WASI Preview 1 adapter: a core module that wit-component splices into a
//! `wasi_snapshot_preview1` program to turn it into a WASI 0.2 component.
//!
//! Layers, each using only those below it (docs/architecture.md):
//! * `exports`: the exported surface; each export takes the call's
//!   `&mut State` and maps the result to a P1 errno.
//! * `p1`: the P1 functions, one module per family; `p1::types` holds
//!   every P1 constant.
//! * core: `entry`, `placement`, `placement_hint`, `state`, `tripwire`,
//!   `interpose` (where the adapter's stack and state live and how each
//!   call finds them, docs/memory.md);
//!   `descriptors`, `preopens`, `stdio` (the descriptor table); `pause`
//!   (calls inside a host-started allocation); `errno`.
//! * `wasi`: the WASI 0.2 imports as typed functions generated from the
//!   WIT, and `cabi_import_realloc`.
//! * platform: `memory`, `globals`, `fatal`.

#![no_std]
#![cfg(target_arch = "wasm32")]
#![allow(clippy::missing_safety_doc)]

#[cfg(any(
    all(feature = "command", feature = "reactor"),
    all(feature = "command", feature = "proxy"),
    all(feature = "reactor", feature = "proxy")
))]
compile_error!("the flavour features command, reactor and proxy are exclusive");

#[macro_use]
pub mod fatal;

mod descriptors;
mod entry;
mod errno;
mod exports;
mod globals;
mod interpose;
mod memory;
mod p1;
mod pause;
mod placement;
// The hint's protocol is defined by the provider crate, which ships the
// adapters; `init_expr` and the rest are for converters, which share it.
#[allow(dead_code)]
#[path = "../../provider/src/placement_hint.rs"]
mod placement_hint;
#[cfg(not(feature = "proxy"))]
mod preopens;
mod state;
mod stdio;
mod tripwire;
// Paths are its only users; the proxy flavour has none.
#[cfg_attr(feature = "proxy", allow(dead_code))]
mod utf8;
mod wasi;

include!(concat!(env!("OUT_DIR"), "/component-type.rs"));

// The low-memory arena of Go modules must hold the state and some scratch.
const _: () = assert!(
    placement::GO_FIRST_DATA_ADDRESS - 16 - 4096 >= core::mem::size_of::<state::State>() + 2048
);

/// A panic can only come from a bug in the adapter; there is no formatting
/// machinery to describe it (it would need static data), so say so and trap.
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    fatal!("internal error (panic)")
}
