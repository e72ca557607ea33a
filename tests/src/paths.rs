//! Where things live: sources of the test programs, build outputs, adapters.

use std::path::{Path, PathBuf};

/// Root of the repository (the workspace containing this crate).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate lives inside the workspace")
        .to_path_buf()
}

/// `tests/programs`: sources of the P1 programs, one directory per language.
pub fn programs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("programs")
}

/// Cargo's target directory for this workspace.
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => workspace_root().join("target"),
    }
}

/// `target/test-programs`: built programs and other reusable artefacts.
pub fn test_programs_dir() -> PathBuf {
    target_dir().join("test-programs")
}

/// Directory holding the adapters under test. `ADAPTER_DIR` overrides the
/// default `target/adapters` (used to validate the harness against other
/// adapters).
pub fn adapter_dir() -> PathBuf {
    match std::env::var_os("ADAPTER_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => workspace_root().join("target").join("adapters"),
    }
}

/// A temporary path next to `target` for one build to write before it is
/// renamed into place. Unique per process and per call: tests in one
/// process build the same program concurrently, and each must rename its
/// own output (a shared name lets the second rename find nothing).
pub fn build_tmp(target: &Path) -> PathBuf {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let mut name = target.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".tmp-{}-{n}", std::process::id()));
    target.with_file_name(name)
}
