//! The adapters a program is converted with: ours (built by
//! `ci/build-adapters.sh`) and wasmtime's own (the comparison column).

use anyhow::{bail, Context, Result};
use std::path::PathBuf;
use wasi_preview1_component_adapter_provider::WASI_SNAPSHOT_PREVIEW1_COMMAND_ADAPTER;

/// How the component reports the program's exit status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitMode {
    /// `wasi:cli/exit.exit(result)`: only success or failure survives.
    Portable,
    /// `wasi:cli/exit.exit-with-code(u8)`: the exact status survives.
    WithCode,
}

pub struct Adapter {
    /// Short name used in reports.
    pub label: &'static str,
    pub bytes: Vec<u8>,
    pub exit_mode: ExitMode,
}

/// Location of our command adapter for the given exit mode.
pub fn our_command_adapter_path(mode: ExitMode) -> PathBuf {
    let dir = crate::paths::adapter_dir();
    let dir = match mode {
        ExitMode::Portable => dir,
        ExitMode::WithCode => dir.join("exit-with-code"),
    };
    dir.join("wasi_snapshot_preview1.command.wasm")
}

/// Our command adapter. Missing files are an error (never a skip): the
/// whole point of the suite is to exercise them.
pub fn ours(mode: ExitMode) -> Result<Adapter> {
    let path = our_command_adapter_path(mode);
    if !path.exists() {
        bail!(
            "adapter {} not found: run ci/build-adapters.sh first \
             (or point ADAPTER_DIR at a directory holding the adapters)",
            path.display()
        );
    }
    let bytes = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
    let label = match mode {
        ExitMode::Portable => "ours",
        ExitMode::WithCode => "ours/p1-convert",
    };
    Ok(Adapter {
        label,
        bytes,
        exit_mode: mode,
    })
}

/// Wasmtime's command adapter, as shipped by the provider crate. It has no
/// exit-with-code variant, so its exit status is always portable.
pub fn wasmtime_command() -> Adapter {
    Adapter {
        label: "wasmtime-adapter",
        bytes: WASI_SNAPSHOT_PREVIEW1_COMMAND_ADAPTER.to_vec(),
        exit_mode: ExitMode::Portable,
    }
}
