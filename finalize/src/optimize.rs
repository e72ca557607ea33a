//! Shrinking the adapter with Binaryen's `wasm-opt -Oz --converge`.
//!
//! LLVM's output still has room: wasm-opt merges duplicate code, inlines
//! the globals accessors and single-use functions, and re-allocates locals,
//! taking about a seventh off every flavour. The result is checked by
//! `verify` and by the same tests as before, and the version is pinned
//! (`ci/install-binaryen.sh`) so every machine builds the same bytes.

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The Binaryen release `ci/install-binaryen.sh` installs.
pub const BINARYEN_MAJOR: &str = "132";

/// Where `ci/install-binaryen.sh` puts wasm-opt, below the workspace.
const INSTALLED: &str = "target/tools/binaryen/node_modules/.bin/wasm-opt";

/// The wasm features the adapter is built with (rustc's defaults for
/// wasm32-unknown-unknown); wasm-opt must know them to keep the code valid,
/// and may use nothing beyond them.
const FEATURES: [&str; 6] = [
    "--enable-bulk-memory",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-nontrapping-float-to-int",
    "--enable-multivalue",
    "--enable-reference-types",
];

/// Finds wasm-opt: `$WASM_OPT`, else the one `ci/install-binaryen.sh`
/// installed below `workspace`; and checks it is the pinned release.
pub fn locate(workspace: &Path) -> Result<PathBuf> {
    let wasm_opt = match std::env::var_os("WASM_OPT") {
        Some(path) => PathBuf::from(path),
        None => workspace.join(INSTALLED),
    };
    if !wasm_opt.exists() {
        bail!(
            "wasm-opt not found at {}: run ci/install-binaryen.sh (or set WASM_OPT to Binaryen {BINARYEN_MAJOR}'s wasm-opt)",
            wasm_opt.display()
        );
    }
    let version = Command::new(&wasm_opt)
        .arg("--version")
        .output()
        .with_context(|| format!("running {}", wasm_opt.display()))?;
    let version = String::from_utf8_lossy(&version.stdout);
    if !version.contains(&format!("version_{BINARYEN_MAJOR}")) {
        bail!("{} is {}, but the adapters are built with Binaryen {BINARYEN_MAJOR} (ci/install-binaryen.sh)", wasm_opt.display(), version.trim());
    }
    Ok(wasm_opt)
}

/// First `--flatten` and `--rereloop`: every function's control flow is
/// rebuilt from its graph of basic blocks by Binaryen's relooper, whose
/// nesting of the P1 functions' many early returns and error branches
/// takes fewer bytes than LLVM's (about 180 bytes in all, half a percent).
/// Then `-Oz`, repeated while the module shrinks (`--converge`): a second
/// round inlines what the first left with one caller (about 100 bytes).
const PASSES: [&str; 4] = ["--flatten", "--rereloop", "-Oz", "--converge"];

/// Runs wasm-opt with `PASSES` (as found by `locate`) on `wasm` and
/// returns the result. Custom sections (the adapter's `component-type`)
/// are kept.
pub fn optimize(wasm: &[u8], wasm_opt: &Path) -> Result<Vec<u8>> {
    let dir = std::env::temp_dir().join(format!("adapter-wasm-opt-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let (input, output) = (dir.join("in.wasm"), dir.join("out.wasm"));
    std::fs::write(&input, wasm)?;
    let status = Command::new(wasm_opt)
        .args(PASSES)
        .args(FEATURES)
        .arg(&input)
        .arg("-o")
        .arg(&output)
        .status()
        .with_context(|| format!("running {}", wasm_opt.display()))?;
    if !status.success() {
        bail!("wasm-opt failed ({status})");
    }
    let optimized = std::fs::read(&output)?;
    let _ = std::fs::remove_dir_all(&dir);
    wasmparser::Validator::new()
        .validate_all(&optimized)
        .context("wasm-opt's output does not validate")?;
    Ok(optimized)
}
