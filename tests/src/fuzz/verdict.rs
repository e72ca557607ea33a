//! Judges an adapted fuzz run against the native one.
//!
//! The expectation is the native outcome, except after a probe (the last
//! thing a `malformed` run does, announced on its own line before the call):
//! * native trapped after `probe[decode] …`: the adapter must answer EINVAL
//!   (line `probe[decode] -> INVAL`) and the program then finishes (`done`);
//! * native trapped after `probe[pointer] …` on memory out of bounds (or
//!   wrapping around): the adapter must trap too, or answer EFAULT (a
//!   documented difference, docs/p1-coverage.md);
//! * native trapped after `probe[pointer] …` on a misaligned pointer: the
//!   adapter may trap too or answer the call in any way and finish (wasm
//!   memory has no alignment faults, so the adapter accepts such pointers;
//!   documented in docs/p1-coverage.md).
//!
//! A probe the native host answered with an errno is compared like any
//! other call.
//!
//! One answer differs on purpose in every mode: a read of nothing from
//! stdin (`fd_read` whose iovecs are all empty) is EINTR natively and
//! SUCCESS with 0 bytes from the adapter (docs/p1-coverage.md); such a
//! line is taken as the native one (`read_of_nothing`).

use crate::outcome::{ExitStatus, Outcome};
use crate::sandbox::Snapshot;
use std::fmt::Write as _;

/// How an adapted run differs from the native one.
#[derive(Clone, Debug)]
pub struct Divergence {
    /// Grouping key: the first differing call and both answers, e.g.
    /// `fd_readdir: SUCCESS vs INVAL`.
    pub class: String,
    /// Readable explanation, with the surrounding output lines.
    pub detail: String,
    /// Classes of later lines that differ too (compared line by line, so
    /// possibly consequences of the first difference), to find other
    /// problems hidden behind a frequent one.
    pub later: Vec<String>,
}

impl Divergence {
    pub fn harness_error(message: &str) -> Divergence {
        Divergence {
            class: "harness: adapted run failed to start".into(),
            detail: message.to_string(),
            later: Vec::new(),
        }
    }
}

enum ExpectedExit {
    /// Exit status as a portable component reports it (0 or 1).
    Code(i32),
    Trap,
}

struct Expected {
    stdout: Vec<u8>,
    exit: ExpectedExit,
}

fn trapped(exit: &ExitStatus) -> bool {
    matches!(exit, ExitStatus::Trap(_) | ExitStatus::HostError(_))
}

/// The outcomes that count as the native host's answer; the first is the
/// native outcome itself (adjusted to what a portable component reports).
fn expectations(native: &Outcome) -> Vec<Expected> {
    let with = |extra: &[u8], exit| {
        let mut stdout = native.stdout.clone();
        stdout.extend_from_slice(extra);
        Expected { stdout, exit }
    };
    let message = match &native.exit {
        ExitStatus::Code(c) => return vec![with(b"", ExpectedExit::Code(i32::from(*c != 0)))],
        ExitStatus::Trap(m) | ExitStatus::HostError(m) => m,
    };
    let text = String::from_utf8_lossy(&native.stdout);
    // The probe line, possibly followed by output of the probed call.
    let probe = text.lines().rev().find(|l| l.starts_with("probe["));
    match probe {
        Some(line) if line.starts_with("probe[decode] ") => {
            vec![with(b"probe[decode] -> INVAL\ndone\n", ExpectedExit::Code(0))]
        }
        Some(line) if line.starts_with("probe[pointer] ") && !message.contains("not aligned") => vec![
            with(b"", ExpectedExit::Trap),
            with(b"probe[pointer] -> FAULT\ndone\n", ExpectedExit::Code(0)),
        ],
        // A misaligned pointer, or (a guest bug) a trap anywhere else: the
        // adapter must trap at the same point.
        _ => vec![with(b"", ExpectedExit::Trap)],
    }
}

fn matches(expected: &Expected, adapted: &Outcome) -> bool {
    expected.stdout == adapted.stdout
        && match expected.exit {
            ExpectedExit::Code(c) => adapted.exit == ExitStatus::Code(c),
            ExpectedExit::Trap => trapped(&adapted.exit),
        }
}

/// Lines two outputs have in common from the start.
fn common_lines(a: &[u8], b: &[u8]) -> usize {
    a.split(|&c| c == b'\n')
        .zip(b.split(|&c| c == b'\n'))
        .take_while(|(x, y)| x == y)
        .count()
}

/// A misaligned pointer the native host trapped on, answered by the
/// adapter (any answer) after which the program finished.
fn answered_misaligned_probe(native: &Outcome, adapted: &Outcome) -> bool {
    let native_message = match &native.exit {
        ExitStatus::Trap(m) | ExitStatus::HostError(m) => m,
        ExitStatus::Code(_) => return false,
    };
    let text = String::from_utf8_lossy(&native.stdout);
    let Some(announced) = text.lines().rev().find(|l| l.starts_with("probe[")) else { return false };
    if !native_message.contains("not aligned") || !announced.starts_with("probe[pointer] ") || adapted.exit != ExitStatus::Code(0) {
        return false;
    }
    let Some(rest) = adapted.stdout.strip_prefix(native.stdout.as_slice()) else { return false };
    let rest = String::from_utf8_lossy(rest);
    let mut lines = rest.lines().peekable();
    // A write to stdout through a misaligned iovec array that went through
    // printed its line ("written", probe.rs) before the answer.
    if announced.starts_with("probe[pointer] fd_write fd=1 ") && lines.peek() == Some(&"written") {
        lines.next();
    }
    lines.next().is_some_and(|l| l.starts_with("probe[pointer] -> ")) && lines.next() == Some("done") && lines.next().is_none()
}

pub fn judge(native: &Outcome, adapted: &Outcome) -> Option<Divergence> {
    let adapted = &with_native_reads_of_nothing(native, adapted);
    if answered_misaligned_probe(native, adapted) {
        return None;
    }
    let candidates = expectations(native);
    let expected = match candidates.iter().find(|e| matches(e, adapted)) {
        Some(e) => e,
        // Explain against the alternative closest to what the adapter did.
        None => candidates
            .iter()
            .max_by_key(|e| common_lines(&e.stdout, &adapted.stdout))
            .expect("at least one expectation"),
    };
    let adapted_trapped = trapped(&adapted.exit);
    if expected.stdout != adapted.stdout {
        return Some(stdout_divergence(
            &expected,
            &native.exit,
            &adapted.stdout,
            &adapted.exit,
        ));
    }
    let exit_ok = match expected.exit {
        ExpectedExit::Code(c) => adapted.exit == ExitStatus::Code(c),
        ExpectedExit::Trap => adapted_trapped,
    };
    if !exit_ok {
        return Some(Divergence {
            class: format!("exit: native {} vs adapted {}", short_exit(&native.exit), short_exit(&adapted.exit)),
            detail: format!("native: {}\nadapted: {}", native.exit, adapted.exit),
            later: Vec::new(),
        });
    }
    if native.stderr != adapted.stderr {
        return Some(Divergence {
            class: "stderr".into(),
            detail: format!(
                "stderr differs:\n  native : {:?}\n  adapted: {:?}",
                String::from_utf8_lossy(&native.stderr),
                String::from_utf8_lossy(&adapted.stderr)
            ),
            later: Vec::new(),
        });
    }
    if native.files != adapted.files {
        return Some(files_divergence(&native.files, &adapted.files));
    }
    None
}

/// `adapted`, with each line that answers a read of nothing as the adapter
/// does (`… -> SUCCESS n=0 data=…`) where the native run's line at the same
/// place answered EINTR replaced by that native line.
fn with_native_reads_of_nothing(native: &Outcome, adapted: &Outcome) -> Outcome {
    let native_text = String::from_utf8_lossy(&native.stdout);
    let adapted_text = String::from_utf8_lossy(&adapted.stdout);
    let mut native_lines = native_text.split_inclusive('\n');
    let mut changed = false;
    let stdout: String = adapted_text
        .split_inclusive('\n')
        .map(|line| match native_lines.next() {
            Some(native_line) if native_line != line && read_of_nothing(native_line, line) => {
                changed = true;
                native_line
            }
            _ => line,
        })
        .collect();
    Outcome { stdout: if changed { stdout.into_bytes() } else { adapted.stdout.clone() }, ..adapted.clone() }
}

/// `native` is `#N fd_read fd=F iovs=[0,…] -> INTR` (every iovec empty)
/// and `adapted` the same call answered `-> SUCCESS n=0 data=…` (`total=0`
/// in `multi` mode).
fn read_of_nothing(native: &str, adapted: &str) -> bool {
    let Some(call) = native.trim_end().strip_suffix(" -> INTR") else { return false };
    let Some(lens) = call.split(" fd_read fd=").nth(1).and_then(|rest| rest.split_once(" iovs=[")).map(|(_, l)| l) else {
        return false;
    };
    let all_empty = lens.strip_suffix(']').is_some_and(|l| l.split(',').all(|n| n.is_empty() || n == "0"));
    let answer = adapted.strip_prefix(call);
    let hash = answer.and_then(|rest| {
        rest.strip_prefix(" -> SUCCESS n=0 data=").or_else(|| rest.strip_prefix(" -> SUCCESS total=0 data="))
    });
    all_empty && hash.is_some_and(|hash| !hash.trim_end().contains(' '))
}

fn short_exit(exit: &ExitStatus) -> String {
    match exit {
        ExitStatus::Code(c) => format!("exit {c}"),
        ExitStatus::Trap(_) | ExitStatus::HostError(_) => "trap".into(),
    }
}

/// Lines of context shown around the first differing line.
const CONTEXT_BEFORE: usize = 4;
const CONTEXT_AFTER: usize = 2;

fn stdout_divergence(
    expected: &Expected,
    native_exit: &ExitStatus,
    adapted: &[u8],
    adapted_exit: &ExitStatus,
) -> Divergence {
    let e_text = String::from_utf8_lossy(&expected.stdout);
    let a_text = String::from_utf8_lossy(adapted);
    let e: Vec<&str> = e_text.lines().collect();
    let a: Vec<&str> = a_text.lines().collect();
    let first = e
        .iter()
        .zip(&a)
        .position(|(x, y)| x != y)
        .unwrap_or(e.len().min(a.len()));

    // When one side simply ends, it ended by trapping or exiting.
    let ending = |exit: &ExitStatus| -> String {
        if trapped(exit) {
            "trap".into()
        } else {
            "end".into()
        }
    };
    let e_line = e.get(first).copied();
    let a_line = a.get(first).copied();
    let name = call_name(if e_line.is_some() { &e } else { &a }, first);
    let e_answer = e_line.map_or_else(|| ending(native_exit), answer);
    let a_answer = a_line.map_or_else(|| ending(adapted_exit), answer);
    let class = line_class(&name, &e_answer, &a_answer);
    let later = e
        .iter()
        .zip(&a)
        .enumerate()
        .skip(first + 1)
        .filter(|(_, (x, y))| x != y)
        .map(|(i, (x, y))| line_class(&call_name(&e, i), &answer(x), &answer(y)))
        .take(MAX_LATER)
        .collect();

    let mut detail = format!("stdout differs at line {}\n", first + 1);
    for (label, lines, exit) in [
        ("expected (native)", &e, native_exit),
        ("adapted", &a, adapted_exit),
    ] {
        let _ = writeln!(detail, "  --- {label}");
        let from = first.saturating_sub(CONTEXT_BEFORE);
        let to = (first + CONTEXT_AFTER + 1).min(lines.len());
        for (i, line) in lines.iter().enumerate().take(to).skip(from) {
            let marker = if i == first { '>' } else { ' ' };
            let _ = writeln!(detail, "  {marker}{:5} | {line}", i + 1);
        }
        if lines.len() <= first {
            let _ = writeln!(detail, "   (ends: {})", ending(exit));
        }
    }
    Divergence {
        class,
        detail,
        later,
    }
}

/// Later differing lines recorded per seed.
const MAX_LATER: usize = 20;

fn line_class(name: &str, native: &str, adapted: &str) -> String {
    if native == adapted {
        format!("{name}: {native} (results differ)")
    } else {
        format!("{name}: {native} vs {adapted}")
    }
}

/// The call `lines[i]` reports: `#12 fd_read fd=4 … -> …` is `fd_read`;
/// probe lines keep their class and name the arguments that point far away;
/// a probe's result line takes its name from the probe line before it
/// (there may be output of the probed call in between).
fn call_name(lines: &[&str], i: usize) -> String {
    let line = lines.get(i).copied().unwrap_or("");
    let mut words = line.split_whitespace();
    match words.next() {
        Some(w) if w.starts_with('#') => words.next().unwrap_or("?").to_string(),
        Some(w) if w.starts_with("probe[") => {
            let call = words.next().unwrap_or("?");
            if call == "->" {
                return match (0..i).rev().find(|&j| lines[j].starts_with("probe[")) {
                    Some(j) => call_name(lines, j),
                    None => w.to_string(),
                };
            }
            // `key=far+12` / `key=misaligned`: keep `key=far` / `key=misaligned`.
            let far: Vec<&str> = words
                .filter(|a| a.contains("=far") || a.contains("=misaligned"))
                .map(|a| a.split(['+', '-']).next().unwrap_or(a))
                .collect();
            if far.is_empty() {
                format!("{w} {call}")
            } else {
                format!("{w} {call} ({})", far.join(","))
            }
        }
        _ => line.chars().take(40).collect(),
    }
}

/// The errno a line reports (the word after `->`).
fn answer(line: &str) -> String {
    line.split(" -> ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or("?")
        .to_string()
}

const MAX_FILE_LINES: usize = 10;

fn files_divergence(native: &Snapshot, adapted: &Snapshot) -> Divergence {
    let mut lines = Vec::new();
    for (path, node) in native {
        match adapted.get(path) {
            None => lines.push(format!("  only native : {path} ({node})")),
            Some(other) if other != node => {
                lines.push(format!("  changed     : {path}: native {node}, adapted {other}"))
            }
            Some(_) => {}
        }
    }
    for (path, node) in adapted {
        if !native.contains_key(path) {
            lines.push(format!("  only adapted: {path} ({node})"));
        }
    }
    let mut detail = format!("files in the preopened directory differ ({} paths)\n", lines.len());
    for line in lines.iter().take(MAX_FILE_LINES) {
        let _ = writeln!(detail, "{line}");
    }
    Divergence {
        class: "files (stdout identical)".into(),
        detail,
        later: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(stdout: &str, exit: ExitStatus) -> Outcome {
        Outcome {
            stdout: stdout.into(),
            stderr: Vec::new(),
            exit,
            files: Snapshot::new(),
        }
    }

    #[test]
    fn a_read_of_nothing_from_stdin_may_answer_zero() {
        let native = outcome("#1 fd_read fd=0 iovs=[0,0] -> INTR\n#2 fd_close fd=3 -> SUCCESS\n", ExitStatus::Code(0));
        let ours = outcome("#1 fd_read fd=0 iovs=[0,0] -> SUCCESS n=0 data=1234\n#2 fd_close fd=3 -> SUCCESS\n", ExitStatus::Code(0));
        assert!(judge(&native, &ours).is_none());
        let none = outcome("#1 fd_read fd=0 iovs=[] -> INTR\n", ExitStatus::Code(0));
        assert!(judge(&none, &outcome("#1 fd_read fd=0 iovs=[] -> SUCCESS n=0 data=ab\n", ExitStatus::Code(0))).is_none());
        assert!(judge(&none, &outcome("#1 fd_read fd=0 iovs=[] -> SUCCESS total=0 data=ab\n", ExitStatus::Code(0))).is_none());
        // Only reads of nothing, and only as success with nothing read.
        let some = outcome("#1 fd_read fd=0 iovs=[0,16] -> INTR\n", ExitStatus::Code(0));
        assert!(judge(&some, &outcome("#1 fd_read fd=0 iovs=[0,16] -> SUCCESS n=0 data=ab\n", ExitStatus::Code(0))).is_some());
        assert!(judge(&native, &outcome("#1 fd_read fd=0 iovs=[0,0] -> SUCCESS n=1 data=ab\n#2 fd_close fd=3 -> SUCCESS\n", ExitStatus::Code(0))).is_some());
    }

    #[test]
    fn decode_probe_expects_inval() {
        let native = outcome(
            "#1 fd_tell fd=3 -> BADF\nprobe[decode] fd_seek fd=3 whence=3\n",
            ExitStatus::HostError("InvalidEnumValue".into()),
        );
        let good = outcome(
            "#1 fd_tell fd=3 -> BADF\nprobe[decode] fd_seek fd=3 whence=3\nprobe[decode] -> INVAL\ndone\n",
            ExitStatus::Code(0),
        );
        assert!(judge(&native, &good).is_none());
        let bad = outcome(
            "#1 fd_tell fd=3 -> BADF\nprobe[decode] fd_seek fd=3 whence=3\nprobe[decode] -> BADF\ndone\n",
            ExitStatus::Code(0),
        );
        let d = judge(&native, &bad).expect("BADF instead of INVAL differs");
        assert_eq!(d.class, "probe[decode] fd_seek: INVAL vs BADF");
    }

    #[test]
    fn pointer_probe_expects_a_trap() {
        let native = outcome(
            "probe[pointer] fd_tell fd=3 out=far+0\n",
            ExitStatus::HostError("Pointer out of bounds".into()),
        );
        let trap = outcome(
            "probe[pointer] fd_tell fd=3 out=far+0\n",
            ExitStatus::Trap("out of bounds memory access".into()),
        );
        assert!(judge(&native, &trap).is_none());
        let fault = outcome(
            "probe[pointer] fd_tell fd=3 out=far+0\nprobe[pointer] -> FAULT\ndone\n",
            ExitStatus::Code(0),
        );
        assert!(judge(&native, &fault).is_none(), "EFAULT is documented");
        let answered = outcome(
            "probe[pointer] fd_tell fd=3 out=far+0\nprobe[pointer] -> BADF\ndone\n",
            ExitStatus::Code(0),
        );
        let d = judge(&native, &answered).expect("another errno differs");
        assert_eq!(d.class, "probe[pointer] fd_tell (out=far): FAULT vs BADF");
        let misaligned = outcome(
            "probe[pointer] fd_tell fd=3 out=misaligned\n",
            ExitStatus::HostError("Pointer not aligned to 8".into()),
        );
        let accepted = outcome(
            "probe[pointer] fd_tell fd=3 out=misaligned\nprobe[pointer] -> SUCCESS pos=0\ndone\n",
            ExitStatus::Code(0),
        );
        assert!(judge(&misaligned, &accepted).is_none(), "misaligned pointers are accepted (documented)");
        let trapped_too = outcome(
            "probe[pointer] fd_tell fd=3 out=misaligned\n",
            ExitStatus::Trap("unreachable".into()),
        );
        assert!(judge(&misaligned, &trapped_too).is_none(), "or trap");
        let stray = outcome(
            "probe[pointer] fd_tell fd=3 out=misaligned\nprobe[pointer] -> SUCCESS pos=0\nextra\n",
            ExitStatus::Code(0),
        );
        assert!(judge(&misaligned, &stray).is_some(), "but nothing else may follow");
        // A write to stdout that went through prints its line first.
        let write = outcome("probe[pointer] fd_write fd=1 iovs_ptr=misaligned\n", ExitStatus::HostError("Pointer not aligned to 4".into()));
        let went_through = outcome(
            "probe[pointer] fd_write fd=1 iovs_ptr=misaligned\nwritten\nprobe[pointer] -> SUCCESS\ndone\n",
            ExitStatus::Code(0),
        );
        assert!(judge(&write, &went_through).is_none(), "the written line comes before the answer");
        let elsewhere = outcome(
            "probe[pointer] fd_tell fd=3 out=misaligned\nwritten\nprobe[pointer] -> SUCCESS pos=0\ndone\n",
            ExitStatus::Code(0),
        );
        assert!(judge(&misaligned, &elsewhere).is_some(), "only a write to stdout prints before its answer");
    }

    #[test]
    fn first_differing_call_names_the_class() {
        let native = outcome("#1 a x -> BADF\n#2 fd_read fd=4 -> SUCCESS n=3\n", ExitStatus::Code(0));
        let adapted = outcome("#1 a x -> BADF\n#2 fd_read fd=4 -> SUCCESS n=4\n", ExitStatus::Code(0));
        let d = judge(&native, &adapted).unwrap();
        assert_eq!(d.class, "fd_read: SUCCESS (results differ)");
    }
}
