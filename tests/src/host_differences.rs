//! The reviewed list of ways the jco host (Node.js with jco's
//! `preview2-shim`) behaves differently from wasmtime's WASI 0.2 host, per
//! case, with the reason. docs/hosts.md describes each one and how it was
//! traced to the host.
//!
//! An entry does not hide an aspect of a run: it names one precise shape of
//! difference (this stdout line instead of that one; a trap reported as
//! exit 1 plus a JavaScript exception; the run cut short by an exception
//! the host threw), checks that the jco run has exactly that shape, and
//! undoes it. After that the jco run must equal the native run in
//! everything. A difference of any other shape, or in a case no entry
//! lists, fails the test.

use crate::adapters::ExitMode;
use crate::compare::{self, Difference};
use crate::outcome::{ExitStatus, Outcome};
use crate::toolchain::Toolchain;

/// One known host difference.
pub struct HostDifference {
    /// Short name shown in the report (and used in docs/hosts.md).
    pub name: &'static str,
    /// The toolchains and cases it applies to.
    pub applies: fn(Toolchain, &str) -> bool,
    /// What the host does, and why it is the host (docs/hosts.md has more).
    pub reason: &'static str,
    pub shape: Shape,
}

/// What a difference looks like in the jco run, relative to the native run.
pub enum Shape {
    /// The program prints this line instead of the native one (the same
    /// call got a different answer from the host). Every occurrence is
    /// replaced; there must be at least one.
    Line {
        native: &'static str,
        jco: &'static str,
    },
    /// The native run traps; jco's runner catches the WebAssembly
    /// `RuntimeError`, prints it after the guest's stderr, and exits 1.
    TrapAsExitOne,
    /// The host threw a JavaScript exception instead of returning a WASI
    /// error, and the run ended there (exit 1), its stderr ending in the
    /// exception, which starts with `exception`. What the program would
    /// have done after that is unknown: what it printed until then must be
    /// the start of the native output; the rest (later output, the exit
    /// status, the files left behind) is not compared.
    HostException { exception: &'static str },
}

fn c_toolchain(toolchain: Toolchain) -> bool {
    matches!(toolchain, Toolchain::Clang | Toolchain::Zig)
}

/// Every known difference. Review an addition against docs/hosts.md.
pub const JCO: &[HostDifference] = &[
    HostDifference {
        name: "trap-as-exit-1",
        applies: |toolchain, case| toolchain == Toolchain::Rust && case == "panic",
        reason: "jco run's runner catches a trap as a JavaScript exception, prints it to stderr \
                 and exits with status 1; wasmtime reports the trap itself",
        shape: Shape::TrapAsExitOne,
    },
    HostDifference {
        name: "set-times-microseconds",
        applies: |toolchain, case| c_toolchain(toolchain) && case == "errnos",
        reason: "the shim passes timestamps to Node's utimes as JavaScript numbers, which keep \
                 microseconds, not nanoseconds",
        shape: Shape::Line {
            native: "  atim=1000000000000000000 mtim=1100000000123456789",
            jco: "  atim=1000000000000000000 mtim=1100000000123456000",
        },
    },
    HostDifference {
        name: "set-times-milliseconds-as-seconds",
        applies: |toolchain, case| c_toolchain(toolchain) && case == "errnos",
        reason: "the shim's descriptor.set-times hands Node's futimes milliseconds where Node \
                 expects seconds (set-times-at divides by 1000, set-times does not): the \
                 timestamp lands a thousand times too far and is clamped",
        shape: Shape::Line {
            native: "  mtim=1200000000000000000",
            jco: "  mtim=15032385535000000000",
        },
    },
    HostDifference {
        name: "open-nofollow-directory-notdir",
        applies: |toolchain, case| c_toolchain(toolchain) && case == "errnos",
        reason: "opening a symlink without following it, as a directory: the shim passes \
                 O_NOFOLLOW|O_DIRECTORY to Linux, which answers ENOTDIR; wasmtime answers ELOOP",
        shape: Shape::Line {
            native: "path_open(sym, nofollow, O_DIRECTORY)        errno=32",
            jco: "path_open(sym, nofollow, O_DIRECTORY)        errno=54",
        },
    },
    HostDifference {
        name: "empty-read-on-write-only-file",
        applies: |toolchain, case| c_toolchain(toolchain) && case == "parity",
        reason: "the shim reads zero bytes from a descriptor opened write-only without checking \
                 its flags; wasmtime answers bad-descriptor",
        shape: Shape::Line {
            native: "fd_read(write-only file, empty)                      errno=8",
            jco: "fd_read(write-only file, empty)                      errno=0",
        },
    },
    HostDifference {
        name: "write-to-read-only-file-throws",
        applies: |toolchain, case| c_toolchain(toolchain) && matches!(case, "parity" | "manyfds"),
        reason: "writing to a descriptor opened read-only: Node's write fails with EBADF, which \
                 the shim does not turn into a WASI error; the exception ends the run",
        shape: Shape::HostException {
            exception: "[Error: EBADF: bad file descriptor, write] {\n  errno: -9,\n  code: 'EBADF',\n  syscall: 'write'\n}\n",
        },
    },
    HostDifference {
        name: "nul-in-path-throws",
        applies: |toolchain, case| toolchain == Toolchain::Rust && case == "p1fuzz",
        reason: "a path containing a NUL byte: Node's fs refuses it with a TypeError, which the \
                 shim does not turn into a WASI error; the exception ends the run",
        shape: Shape::HostException {
            exception: "TypeError [ERR_INVALID_ARG_VALUE]: The argument 'path' must be a string, \
                        Uint8Array, or URL without null bytes.",
        },
    },
];

/// The known differences listed for `toolchain`/`case`.
pub fn listed(toolchain: Toolchain, case: &str) -> Vec<&'static HostDifference> {
    JCO.iter().filter(|d| (d.applies)(toolchain, case)).collect()
}

/// How a jco run compares with the native run.
pub enum Verdict {
    /// The same in every aspect.
    Same,
    /// Different only in the listed ways (their names).
    Known(Vec<&'static str>),
    /// Different otherwise: the failure, explained.
    Differs(Vec<Difference>),
}

/// Compares a jco run with the native run, allowing exactly the listed
/// differences of `toolchain`/`case` that the run shows.
pub fn assess(toolchain: Toolchain, case: &str, native: &Outcome, jco: &Outcome) -> Verdict {
    let diffs = compare::compare(native, jco, ExitMode::Portable);
    if diffs.is_empty() {
        return Verdict::Same;
    }
    let mut undone = jco.clone();
    let mut applied = Vec::new();
    let mut problems = Vec::new();
    for difference in listed(toolchain, case) {
        match undo(&difference.shape, native, &mut undone) {
            Undo::Done => applied.push(difference.name),
            // Listed differences may or may not show in a run (a host
            // exception earlier in the run hides later ones).
            Undo::Absent => {}
            Undo::Misshapen(problem) => problems.push(Difference {
                aspect: "host",
                detail: format!(
                    "the listed host difference {} does not account for this run: {problem}",
                    difference.name
                ),
            }),
        }
    }
    let mut remaining = compare::compare(native, &undone, ExitMode::Portable);
    if remaining.is_empty() && problems.is_empty() {
        return Verdict::Known(applied);
    }
    remaining.extend(problems);
    Verdict::Differs(remaining)
}

enum Undo {
    /// The run showed this difference; it is undone.
    Done,
    /// The run does not show this difference.
    Absent,
    /// The run shows something like it, but not of the listed shape.
    Misshapen(String),
}

fn undo(shape: &Shape, native: &Outcome, jco: &mut Outcome) -> Undo {
    match shape {
        Shape::Line { native: expected, jco: instead } => {
            replace_lines(&mut jco.stdout, instead, expected)
        }
        Shape::TrapAsExitOne => trap_as_exit_one(native, jco),
        Shape::HostException { exception } => host_exception(native, jco, exception),
    }
}

/// Replaces every line of `text` equal to `from` by `to`.
fn replace_lines(text: &mut Vec<u8>, from: &str, to: &str) -> Undo {
    let mut found = false;
    let mut out = Vec::with_capacity(text.len());
    for line in text.split_inclusive(|&b| b == b'\n') {
        let (body, end) = match line.strip_suffix(b"\n") {
            Some(body) => (body, &b"\n"[..]),
            None => (line, &b""[..]),
        };
        if body == from.as_bytes() {
            found = true;
            out.extend_from_slice(to.as_bytes());
        } else {
            out.extend_from_slice(body);
        }
        out.extend_from_slice(end);
    }
    if !found {
        return Undo::Absent;
    }
    *text = out;
    Undo::Done
}

fn trap_as_exit_one(native: &Outcome, jco: &mut Outcome) -> Undo {
    let ExitStatus::Trap(_) = native.exit else {
        return Undo::Absent;
    };
    if jco.exit != ExitStatus::Code(1) {
        return Undo::Misshapen(format!("jco ended with {}, not exit 1", jco.exit));
    }
    let Some(report) = jco.stderr.strip_prefix(native.stderr.as_slice()) else {
        return Undo::Misshapen("jco's stderr does not start with the guest's stderr".into());
    };
    if !report.starts_with(b"RuntimeError: ") {
        return Undo::Misshapen(format!(
            "jco's stderr does not end in a RuntimeError: {:?}",
            String::from_utf8_lossy(&report[..report.len().min(200)])
        ));
    }
    jco.stderr.truncate(native.stderr.len());
    jco.exit = native.exit.clone();
    Undo::Done
}

fn host_exception(native: &Outcome, jco: &mut Outcome, exception: &str) -> Undo {
    let Some(at) = find(&jco.stderr, exception.as_bytes()) else {
        return Undo::Absent;
    };
    if jco.exit != ExitStatus::Code(1) {
        return Undo::Misshapen(format!("jco ended with {}, not exit 1", jco.exit));
    }
    if !native.stderr.starts_with(&jco.stderr[..at]) {
        return Undo::Misshapen("the guest's stderr before the exception differs from native".into());
    }
    if !native.stdout.starts_with(&jco.stdout) {
        return Undo::Misshapen(format!(
            "jco's stdout ({} bytes) is not the start of native's\n{}",
            jco.stdout.len(),
            compare::compare(native, jco, ExitMode::Portable)
                .iter()
                .filter(|d| d.aspect == "stdout")
                .map(|d| d.detail.as_str())
                .collect::<String>()
        ));
    }
    // The run ended at the exception: everything after it is unknown.
    *jco = native.clone();
    Undo::Done
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sandbox::Snapshot;

    fn outcome(stdout: &str, stderr: &str, exit: ExitStatus) -> Outcome {
        Outcome {
            stdout: stdout.into(),
            stderr: stderr.into(),
            exit,
            files: Snapshot::new(),
        }
    }

    #[test]
    fn a_listed_line_is_undone_and_nothing_else() {
        let native = outcome("a\n  mtim=1200000000000000000\nb\n", "", ExitStatus::Code(0));
        let jco = outcome("a\n  mtim=15032385535000000000\nb\n", "", ExitStatus::Code(0));
        assert!(matches!(
            assess(Toolchain::Clang, "errnos", &native, &jco),
            Verdict::Known(names) if names == ["set-times-milliseconds-as-seconds"]
        ));
        // The same difference in a case that does not list it fails.
        assert!(matches!(assess(Toolchain::Clang, "files", &native, &jco), Verdict::Differs(_)));
        // Another difference next to a listed one fails.
        let jco = outcome("a\n  mtim=15032385535000000000\nB\n", "", ExitStatus::Code(0));
        assert!(matches!(assess(Toolchain::Clang, "errnos", &native, &jco), Verdict::Differs(_)));
    }

    #[test]
    fn a_trap_must_show_as_exit_1_with_the_guest_stderr_first() {
        let native = outcome("x\n", "panicked\n", ExitStatus::Trap("unreachable".into()));
        let jco = outcome("x\n", "panicked\nRuntimeError: unreachable\n    at f\n", ExitStatus::Code(1));
        assert!(matches!(assess(Toolchain::Rust, "panic", &native, &jco), Verdict::Known(_)));
        let jco = outcome("x\n", "RuntimeError: unreachable\n", ExitStatus::Code(1));
        assert!(matches!(assess(Toolchain::Rust, "panic", &native, &jco), Verdict::Differs(_)));
    }

    #[test]
    fn a_host_exception_needs_the_native_output_up_to_it() {
        let exception = "[Error: EBADF: bad file descriptor, write] {\n  errno: -9,\n  code: 'EBADF',\n  syscall: 'write'\n}\n";
        let native = outcome("one\ntwo\nthree\n", "", ExitStatus::Code(0));
        let jco = outcome("one\ntwo\n", exception, ExitStatus::Code(1));
        assert!(matches!(assess(Toolchain::Zig, "manyfds", &native, &jco), Verdict::Known(_)));
        let jco = outcome("one\nTWO\n", exception, ExitStatus::Code(1));
        assert!(matches!(assess(Toolchain::Zig, "manyfds", &native, &jco), Verdict::Differs(_)));
    }
}
