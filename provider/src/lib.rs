//! This project's WASI Preview 1 adapters as byte constants, with the names
//! `wasi-preview1-component-adapter-provider` uses, so a Rust tool switches
//! by changing one dependency line:
//!
//! ```ignore
//! let component = wit_component::ComponentEncoder::default()
//!     .module(&p1_module)?
//!     .adapter(WASI_SNAPSHOT_PREVIEW1_ADAPTER_NAME, WASI_SNAPSHOT_PREVIEW1_COMMAND_ADAPTER)?
//!     .validate(true)
//!     .encode()?;
//! ```

/// The import module name the adapters replace.
pub const WASI_SNAPSHOT_PREVIEW1_ADAPTER_NAME: &str = "wasi_snapshot_preview1";

/// For programs with `_start`; exports `wasi:cli/run@0.2.0`.
pub const WASI_SNAPSHOT_PREVIEW1_COMMAND_ADAPTER: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/command.wasm"));

/// For libraries and reactors (`_initialize`, `//go:wasmexport`).
pub const WASI_SNAPSHOT_PREVIEW1_REACTOR_ADAPTER: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/reactor.wasm"));

/// For `wasi:http/proxy` components: no filesystem, arguments, environment
/// or exit.
pub const WASI_SNAPSHOT_PREVIEW1_PROXY_ADAPTER: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/proxy.wasm"));

/// The command adapter passing the exact `proc_exit` code to hosts that
/// enable WASI's `cli-exit-with-code` (not part of WASI 0.2.0).
pub const WASI_SNAPSHOT_PREVIEW1_COMMAND_EXIT_WITH_CODE_ADAPTER: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/command-exit-with-code.wasm"));

/// The reactor adapter passing the exact `proc_exit` code (see above).
pub const WASI_SNAPSHOT_PREVIEW1_REACTOR_EXIT_WITH_CODE_ADAPTER: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/reactor-exit-with-code.wasm"));

/// The values of the adapters' placement hint, which a tool that knows
/// whether the main module was built by Go may set in an adapter's bytes
/// before splicing it in (`p1-convert` does; the adapter then skips looking
/// for Go in memory at its first call).
#[path = "../../adapter/src/placement_hint.rs"]
pub mod placement_hint;
