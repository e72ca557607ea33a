//! Differential test harness for the WASI Preview 1 -> Preview 2 adapter.
//!
//! Every test program is a `wasi_snapshot_preview1` command. It runs natively
//! on wasmtime's P1 host (the expectation), then converted into a component
//! with our adapter and run on wasmtime's P2 host (the assertion), and also
//! converted with wasmtime's own adapter (a comparison column in the report).

pub mod adapters;
pub mod artifacts;
pub mod cases;
pub mod cli;
pub mod compare;
pub mod component;
pub mod engine;
pub mod gc_reactor;
pub mod go_http;
pub mod fuzz;
pub mod gostd;
pub mod harness;
pub mod host_differences;
pub mod jco;
pub mod native;
pub mod outcome;
pub mod paths;
pub mod programs;
pub mod proxy;
pub mod reactor;
pub mod report;
pub mod sandbox;
pub mod sweeps;
pub mod toolchain;
pub mod wasi_ctx;
