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
