//! Saves what each run printed under
//! `target/test-programs/outputs/<toolchain>/<case>/<run>.{stdout,stderr,exit}`
//! so a failure can be inspected with ordinary tools (diff, xxd).

use crate::outcome::Outcome;
use crate::paths;
use crate::toolchain::Toolchain;
use std::path::PathBuf;

pub fn outputs_dir(toolchain: Toolchain, case: &str) -> PathBuf {
    paths::test_programs_dir()
        .join("outputs")
        .join(toolchain.id())
        .join(case)
}

/// Removes the outputs of an earlier run of this test, so every file in the
/// directory belongs to the current one.
pub fn reset(toolchain: Toolchain, case: &str) {
    let _ = std::fs::remove_dir_all(outputs_dir(toolchain, case));
}

/// Best effort: failing to save diagnostics must not fail the test.
pub fn save(toolchain: Toolchain, case: &str, run: &str, outcome: &Outcome) {
    let dir = outputs_dir(toolchain, case);
    if std::fs::create_dir_all(&dir).is_err() {
        return;
    }
    let file = |ext: &str| dir.join(format!("{}.{ext}", run.replace('/', "-")));
    let _ = std::fs::write(file("stdout"), &outcome.stdout);
    let _ = std::fs::write(file("stderr"), &outcome.stderr);
    let _ = std::fs::write(file("exit"), format!("{}\n", outcome.exit));
}
