//! Compares an adapted run against the native one and explains differences.

use crate::adapters::ExitMode;
use crate::outcome::{ExitStatus, Outcome};
use crate::sandbox::Snapshot;
use std::fmt::Write as _;

/// One aspect in which the adapted run differs from the native run.
pub struct Difference {
    /// Short name of the aspect: "stdout", "stderr", "exit" or "files".
    pub aspect: &'static str,
    /// Human-readable explanation, possibly several lines.
    pub detail: String,
}

/// Everything observable must match; the exit status only as far as the
/// adapter's exit mode can carry it.
///
/// stderr is compared byte for byte, without normalisation: Go's panic
/// trace contains only function names, -trimpath'd file:line and PC offsets
/// within the binary (no addresses or goroutine-dependent values), and it was
/// observed identical natively and through an adapter.
pub fn compare(native: &Outcome, adapted: &Outcome, mode: ExitMode) -> Vec<Difference> {
    let mut diffs = Vec::new();
    if native.stdout != adapted.stdout {
        diffs.push(Difference {
            aspect: "stdout",
            detail: describe_bytes("stdout", &native.stdout, &adapted.stdout),
        });
    }
    if native.stderr != adapted.stderr {
        diffs.push(Difference {
            aspect: "stderr",
            detail: describe_bytes("stderr", &native.stderr, &adapted.stderr),
        });
    }
    let expected = expected_exit(&native.exit, mode);
    if expected != adapted.exit {
        let mut detail = format!("exit status: expected {expected}, adapted {}", adapted.exit);
        if expected != native.exit {
            let _ = write!(detail, " (native {}, {mode:?} exit)", native.exit);
        }
        diffs.push(Difference {
            aspect: "exit",
            detail,
        });
    }
    if native.files != adapted.files {
        diffs.push(Difference {
            aspect: "files",
            detail: describe_snapshots(&native.files, &adapted.files),
        });
    }
    diffs
}

/// What the component should report for a native exit status.
pub fn expected_exit(native: &ExitStatus, mode: ExitMode) -> ExitStatus {
    match (native, mode) {
        // wasi:cli/exit.exit(result) carries success or failure only, which
        // wasmtime's P2 host reports as 0 or 1.
        (ExitStatus::Code(code), ExitMode::Portable) => ExitStatus::Code(i32::from(*code != 0)),
        (other, _) => other.clone(),
    }
}

/// Lines of context shown around the first differing line.
const CONTEXT_BEFORE: usize = 3;
const CONTEXT_AFTER: usize = 5;

fn describe_bytes(name: &str, native: &[u8], adapted: &[u8]) -> String {
    match (std::str::from_utf8(native), std::str::from_utf8(adapted)) {
        (Ok(n), Ok(a)) if looks_textual(n) && looks_textual(a) => describe_text(name, n, a),
        _ => describe_binary(name, native, adapted),
    }
}

fn looks_textual(s: &str) -> bool {
    !s.chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
}

fn describe_text(name: &str, native: &str, adapted: &str) -> String {
    let n: Vec<&str> = native.split_inclusive('\n').collect();
    let a: Vec<&str> = adapted.split_inclusive('\n').collect();
    let first = n
        .iter()
        .zip(&a)
        .position(|(x, y)| x != y)
        .unwrap_or(n.len().min(a.len()));
    let mut out = format!(
        "{name} differs: native {} bytes / {} lines, adapted {} bytes / {} lines; first difference at line {}\n",
        native.len(),
        n.len(),
        adapted.len(),
        a.len(),
        first + 1
    );
    let from = first.saturating_sub(CONTEXT_BEFORE);
    for (label, lines, other) in [("native ", &n, &a), ("adapted", &a, &n)] {
        let _ = writeln!(out, "  --- {label}");
        let to = (first + CONTEXT_AFTER).min(lines.len());
        for (i, line) in lines.iter().enumerate().take(to).skip(from) {
            // '>' marks lines that differ from the other side's same line.
            let marker = if other.get(i) != Some(line) { '>' } else { ' ' };
            let _ = writeln!(
                out,
                "  {marker}{:5} | {}",
                i + 1,
                line.trim_end_matches('\n')
            );
        }
        if to < lines.len() {
            let _ = writeln!(out, "         ... {} more lines", lines.len() - to);
        }
        if lines.len() <= from {
            let _ = writeln!(out, "         (ends before line {})", from + 1);
        }
    }
    out
}

fn describe_binary(name: &str, native: &[u8], adapted: &[u8]) -> String {
    let first = native
        .iter()
        .zip(adapted)
        .position(|(x, y)| x != y)
        .unwrap_or(native.len().min(adapted.len()));
    let window = |bytes: &[u8]| {
        let from = first.saturating_sub(8);
        let to = (first + 8).min(bytes.len());
        bytes
            .get(from..to)
            .map(|w| format!("{w:02x?}"))
            .unwrap_or_else(|| "[]".into())
    };
    format!(
        "{name} differs (binary): native {} bytes, adapted {} bytes; first difference at offset {first}\n  native  [{}..]: {}\n  adapted [{}..]: {}\n",
        native.len(),
        adapted.len(),
        first.saturating_sub(8),
        window(native),
        first.saturating_sub(8),
        window(adapted),
    )
}

/// Longest list of per-path differences shown.
const MAX_FILE_LINES: usize = 20;

fn describe_snapshots(native: &Snapshot, adapted: &Snapshot) -> String {
    let mut lines = Vec::new();
    for (path, node) in native {
        match adapted.get(path) {
            None => lines.push(format!("  only native : {path} ({node})")),
            Some(other) if other != node => lines.push(format!(
                "  changed     : {path}\n      native : {node}\n      adapted: {other}"
            )),
            Some(_) => {}
        }
    }
    for (path, node) in adapted {
        if !native.contains_key(path) {
            lines.push(format!("  only adapted: {path} ({node})"));
        }
    }
    let total = lines.len();
    let mut out = format!(
        "files in the preopened directory differ ({} entries native, {} adapted, {total} differences)\n",
        native.len(),
        adapted.len()
    );
    for line in lines.iter().take(MAX_FILE_LINES) {
        let _ = writeln!(out, "{line}");
    }
    if total > MAX_FILE_LINES {
        let _ = writeln!(out, "  ... {} more", total - MAX_FILE_LINES);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sandbox::Node;

    fn outcome(stdout: &str, exit: ExitStatus) -> Outcome {
        Outcome {
            stdout: stdout.into(),
            stderr: Vec::new(),
            exit,
            files: Snapshot::new(),
        }
    }

    #[test]
    fn portable_exit_keeps_only_success() {
        assert_eq!(
            expected_exit(&ExitStatus::Code(0), ExitMode::Portable),
            ExitStatus::Code(0)
        );
        assert_eq!(
            expected_exit(&ExitStatus::Code(3), ExitMode::Portable),
            ExitStatus::Code(1)
        );
        assert_eq!(
            expected_exit(&ExitStatus::Code(3), ExitMode::WithCode),
            ExitStatus::Code(3)
        );
        let trap = ExitStatus::Trap("unreachable".into());
        assert_eq!(expected_exit(&trap, ExitMode::Portable), trap);
    }

    #[test]
    fn identical_outcomes_have_no_differences() {
        let a = outcome("same\n", ExitStatus::Code(2));
        let b = outcome("same\n", ExitStatus::Code(1));
        assert!(compare(&a, &b, ExitMode::Portable).is_empty());
    }

    #[test]
    fn every_aspect_is_checked() {
        let mut native = outcome("a\nb\nc\n", ExitStatus::Code(3));
        native.files.insert("kept.txt".into(), Node::Dir);
        let mut adapted = outcome("a\nB\nc\n", ExitStatus::Code(1));
        adapted.stderr = b"extra".to_vec();
        let diffs = compare(&native, &adapted, ExitMode::WithCode);
        let aspects: Vec<&str> = diffs.iter().map(|d| d.aspect).collect();
        assert_eq!(aspects, ["stdout", "stderr", "exit", "files"]);
        assert!(
            diffs[0].detail.contains("first difference at line 2"),
            "{}",
            diffs[0].detail
        );
        assert!(
            diffs[3].detail.contains("only native : kept.txt"),
            "{}",
            diffs[3].detail
        );
    }

    #[test]
    fn binary_output_reports_the_offset() {
        let detail = describe_bytes("stdout", &[0, 1, 2, 3], &[0, 1, 9, 3]);
        assert!(
            detail.contains("binary") && detail.contains("offset 2"),
            "{detail}"
        );
    }
}
