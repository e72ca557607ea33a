//! The `p1-convert` command line (the binary's own modules).

pub mod args;
pub mod wasmtime;
