//! One table row per test, written straight to stderr so it shows up even
//! while libtest captures the test's own output.

use std::io::Write;
use std::sync::Once;
use std::time::Duration;

const HEADER: &str =
    "case       toolchain          ours/--adapt  ours/p1-convert wasmtime-adapter         jco (ours/p1-convert)   time";

/// Result of one adapted run, as shown in a column.
pub enum Cell {
    Ok,
    /// Differs from native; the aspects that differ.
    Differs(Vec<&'static str>),
}

impl Cell {
    /// "ok" / "FAIL(stdout,exit)" for our adapter.
    pub fn ours(&self) -> String {
        match self {
            Cell::Ok => "ok".into(),
            Cell::Differs(aspects) => format!("FAIL({})", aspects.join(",")),
        }
    }

    /// "ok" / "differs(stdout,exit)" for the comparison column.
    pub fn comparison(&self) -> String {
        match self {
            Cell::Ok => "ok".into(),
            Cell::Differs(aspects) => format!("differs({})", aspects.join(",")),
        }
    }
}

pub fn row(
    case: &str,
    toolchain: &str,
    ours: &str,
    ours_exit_code: &Cell,
    wasmtime: &Cell,
    jco: &str,
    time: Duration,
) {
    emit(&format!(
        "{case:<10} {toolchain:<18} {ours:<13} {:<15} {:<24} {jco:<23} {:>5.1}s",
        ours_exit_code.ours(),
        wasmtime.comparison(),
        time.as_secs_f64()
    ));
}

pub fn skipped(case: &str, toolchain: &str, reason: &str) {
    emit(&format!("{case:<10} {toolchain:<18} skipped: {reason}"));
}

/// A free-form line (e.g. why a test skipped), visible despite capturing.
pub fn notice(line: &str) {
    let _ = std::io::stderr()
        .lock()
        .write_all(format!("{line}\n").as_bytes());
}

fn emit(line: &str) {
    static HEADER_ONCE: Once = Once::new();
    let mut text = String::new();
    HEADER_ONCE.call_once(|| text.push_str(&format!("\n{HEADER}\n")));
    text.push_str(line);
    text.push('\n');
    // A single write keeps rows from parallel tests intact.
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}
