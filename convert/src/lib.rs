//! Turning a `wasi_snapshot_preview1` module into a WASI 0.2 component with
//! this project's adapters, as a library for Rust tools.
//!
//! * [`wrap_realloc`]: makes a main module whose `cabi_realloc` may run Go
//!   code (a garbage collection) safe inside host-started allocations,
//!   without any cooperation from the guest.

mod realloc;

pub use realloc::{check_realloc_type, wrap_realloc, PAUSE_BEGIN, PAUSE_END, REALLOC_EXPORTS};
