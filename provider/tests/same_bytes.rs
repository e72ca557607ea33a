//! The adapters the crate ships (`artefacts/`) are a fresh build's: the ones
//! `ci/build-adapters.sh` has just built from the sources, with the pinned
//! toolchain (`rust-toolchain.toml`) and Binaryen, and `verify` checked,
//! byte for byte. After changing the adapter, `ci/ship-adapters.sh` copies
//! a fresh build into `artefacts/`. (Not part of the published crate: it
//! needs the project's build.)

use wasi_preview1_adapter_provider::ADAPTERS;

#[test]
fn the_shipped_adapters_are_a_fresh_build() {
    let dir = adapter_tests_dir();
    let mut differ = Vec::new();
    for (file, shipped) in ADAPTERS {
        let path = dir.join(file);
        let built = std::fs::read(&path)
            .unwrap_or_else(|e| panic!("{}: {e} (ci/build-adapters.sh builds it)", path.display()));
        if built != shipped {
            differ.push(format!("{file}: shipped {} bytes, fresh build {} bytes", shipped.len(), built.len()));
        }
    }
    assert!(
        differ.is_empty(),
        "provider/artefacts differs from a fresh build (run ci/ship-adapters.sh and commit the files):\n  {}",
        differ.join("\n  ")
    );
}

/// `ADAPTER_DIR` when set (as the tests read it), else `target/adapters`.
fn adapter_tests_dir() -> std::path::PathBuf {
    match std::env::var_os("ADAPTER_DIR") {
        Some(dir) => dir.into(),
        None => std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/adapters"),
    }
}
