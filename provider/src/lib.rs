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
//!
//! The adapters are files in the crate (`artefacts/`), built by the
//! project's own build (`ci/build-adapters.sh`, with the toolchain its
//! `rust-toolchain.toml` pins and a pinned Binaryen) and checked by its
//! `verify`; the project's CI requires them to equal a fresh build byte for
//! byte. Using the crate needs no wasm target and no build script.

/// The import module name the adapters replace.
pub const WASI_SNAPSHOT_PREVIEW1_ADAPTER_NAME: &str = "wasi_snapshot_preview1";

/// For programs with `_start`; exports `wasi:cli/run@0.2.0`.
pub const WASI_SNAPSHOT_PREVIEW1_COMMAND_ADAPTER: &[u8] =
    include_bytes!("../artefacts/wasi_snapshot_preview1.command.wasm");

/// For libraries and reactors (`_initialize`, `//go:wasmexport`).
pub const WASI_SNAPSHOT_PREVIEW1_REACTOR_ADAPTER: &[u8] =
    include_bytes!("../artefacts/wasi_snapshot_preview1.reactor.wasm");

/// For `wasi:http/proxy` components: no filesystem, arguments, environment
/// or exit.
pub const WASI_SNAPSHOT_PREVIEW1_PROXY_ADAPTER: &[u8] =
    include_bytes!("../artefacts/wasi_snapshot_preview1.proxy.wasm");

/// The command adapter passing the exact `proc_exit` code to hosts that
/// enable WASI's `cli-exit-with-code` (not part of WASI 0.2.0).
pub const WASI_SNAPSHOT_PREVIEW1_COMMAND_EXIT_WITH_CODE_ADAPTER: &[u8] =
    include_bytes!("../artefacts/exit-with-code/wasi_snapshot_preview1.command.wasm");

/// The reactor adapter passing the exact `proc_exit` code (see above).
pub const WASI_SNAPSHOT_PREVIEW1_REACTOR_EXIT_WITH_CODE_ADAPTER: &[u8] =
    include_bytes!("../artefacts/exit-with-code/wasi_snapshot_preview1.reactor.wasm");

/// Every adapter with its path below `artefacts/` (the layout
/// `ci/build-adapters.sh` leaves in `target/adapters/`).
pub const ADAPTERS: [(&str, &[u8]); 5] = [
    ("wasi_snapshot_preview1.command.wasm", WASI_SNAPSHOT_PREVIEW1_COMMAND_ADAPTER),
    ("wasi_snapshot_preview1.reactor.wasm", WASI_SNAPSHOT_PREVIEW1_REACTOR_ADAPTER),
    ("wasi_snapshot_preview1.proxy.wasm", WASI_SNAPSHOT_PREVIEW1_PROXY_ADAPTER),
    ("exit-with-code/wasi_snapshot_preview1.command.wasm", WASI_SNAPSHOT_PREVIEW1_COMMAND_EXIT_WITH_CODE_ADAPTER),
    ("exit-with-code/wasi_snapshot_preview1.reactor.wasm", WASI_SNAPSHOT_PREVIEW1_REACTOR_EXIT_WITH_CODE_ADAPTER),
];

/// The values of the adapters' placement hint, which a converter sets in an
/// adapter's bytes before splicing it in: that it rewrote the module's
/// memory instructions into calls of the adapter (`interposed`), or whether
/// the module was built by Go (`p1-convert` does; the adapter then skips
/// looking for Go in memory at its first call).
pub mod placement_hint;

#[cfg(test)]
mod tests {
    use super::*;

    /// Each adapter is a core module with its placement hint at "unknown",
    /// where a converter looks for it.
    #[test]
    fn every_adapter_is_a_core_module_with_a_hint_to_set() {
        let unknown = placement_hint::init_expr(placement_hint::UNKNOWN);
        for (name, bytes) in ADAPTERS {
            assert_eq!(bytes[..8], *b"\0asm\x01\0\0\0", "{name}");
            let hints = bytes.windows(unknown.len()).filter(|w| *w == unknown).count();
            assert_eq!(hints, 1, "{name}");
        }
    }
}
