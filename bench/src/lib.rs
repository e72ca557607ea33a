//! Benchmarks of the P1 -> P2 adapter against wasmtime's adapter and
//! wasmtime's native P1 host (issue 8): time per call, the adapter's own
//! wasm instructions per call (fuel), instantiation and sizes.

pub mod baseline;
pub mod floor;
pub mod format;
pub mod hosts;
pub mod machine;
pub mod measure;
pub mod plot;
pub mod programs;
pub mod report;
pub mod sandbox;
pub mod sizes;
pub mod suite;
pub mod workloads;
