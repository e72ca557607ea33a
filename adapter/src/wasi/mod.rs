//! The WASI 0.2.0 imports, as safe typed functions.
//!
//! The functions and types are generated from the flavour's WIT world at
//! build time (`adapter/build/bindings.rs`): one module per imported
//! interface, grouped by package (`wasi::filesystem::types`,
//! `wasi::io::streams`, ...). Results are Rust values; lists and strings in
//! results are `abi::List` views of memory the host allocated where the
//! caller's plan said (`abi::Plan`; see `alloc`).
//!
//! This layer depends only on the platform modules (`memory`, `globals`,
//! `fatal`); everything above it calls the host through it.

pub mod abi;
pub mod alloc;

include!(concat!(env!("OUT_DIR"), "/wasi-bindings.rs"));
