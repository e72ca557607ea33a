//! Sizes of every adapter flavour: ours as built (`target/adapters` or
//! `ADAPTER_DIR`), wasmtime's from its provider crate.

use anyhow::Result;
use std::path::Path;
use wasi_preview1_component_adapter_provider as wasmtime_provider;

pub struct Size {
    /// Path below the adapter directory, e.g. `wasi_snapshot_preview1.command.wasm`.
    pub flavour: String,
    pub ours: u64,
    /// Wasmtime ships no exit-with-code flavours.
    pub wasmtime: Option<u64>,
    /// The limit for this flavour, if it has one (`COMMAND_SIZE_BAR`).
    pub bar: Option<u64>,
}

/// The command flavour in at most this many bytes: issue 8's 32,000, plus
/// what the interposed placement added (issue 19: `adapter_memory_size`,
/// `adapter_memory_grow` and the moving of the arena, about 1.1 KB; the
/// stock flow's components leave the two exports and their code out), plus
/// the 938 bytes of the exported functions' names (issue 20: a trap names
/// the P1 function in backtraces, `finalize/src/names.rs`), plus 320 for
/// what issue 19's review added (465 bytes, 145 of which the bar held):
/// results and copied output checked against the guest's end when
/// interposed (`p1::result`, in the two out-of-line stores, the stat
/// records, directory entries, link targets, preopen names, argument and
/// environment strings, about 225), a move that copies only the live
/// blocks (about 170), maxima clamped at start-up (about 70).
pub const COMMAND_SIZE_BAR: u64 = 33_200 + 938 + 320;

impl Size {
    /// Whether the flavour meets its bar (true when it has none).
    pub fn meets_bar(&self) -> bool {
        self.bar.is_none_or(|bar| self.ours <= bar)
    }
}

pub fn adapter_sizes() -> Result<Vec<Size>> {
    let dir = adapter_tests::paths::adapter_dir();
    let mut files = Vec::new();
    collect_wasm(&dir, &dir, &mut files)?;
    // The plain flavours first, then the exit-with-code ones.
    files.sort_by_key(|(flavour, _)| (flavour.contains('/'), flavour.clone()));
    Ok(files
        .into_iter()
        .map(|(flavour, ours)| {
            let wasmtime = match flavour.as_str() {
                "wasi_snapshot_preview1.command.wasm" => {
                    Some(wasmtime_provider::WASI_SNAPSHOT_PREVIEW1_COMMAND_ADAPTER.len() as u64)
                }
                "wasi_snapshot_preview1.reactor.wasm" => {
                    Some(wasmtime_provider::WASI_SNAPSHOT_PREVIEW1_REACTOR_ADAPTER.len() as u64)
                }
                "wasi_snapshot_preview1.proxy.wasm" => {
                    Some(wasmtime_provider::WASI_SNAPSHOT_PREVIEW1_PROXY_ADAPTER.len() as u64)
                }
                _ => None,
            };
            let bar = (flavour == "wasi_snapshot_preview1.command.wasm").then_some(COMMAND_SIZE_BAR);
            Size { flavour, ours, wasmtime, bar }
        })
        .collect())
}

fn collect_wasm(root: &Path, dir: &Path, out: &mut Vec<(String, u64)>) -> Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            collect_wasm(root, &path, out)?;
        } else if path.extension().is_some_and(|e| e == "wasm") {
            let relative = path.strip_prefix(root).unwrap_or(&path);
            out.push((relative.to_string_lossy().into_owned(), entry.metadata()?.len()));
        }
    }
    Ok(())
}
