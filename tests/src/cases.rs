//! What each case is run with: arguments, environment, stdin and the initial
//! contents of the preopened directory. Identical for the native and the
//! adapted run, and for every language.

/// Guest path of the preopened directory; programs use absolute paths below
/// it. The same host directory is also preopened as "." so that programs
/// using relative paths (wasi-libc resolves those against a "." preopen)
/// work as well.
pub const SANDBOX_GUEST_PATH: &str = "/sandbox";
pub const SANDBOX_GUEST_ALIAS: &str = ".";

pub enum SandboxEntry {
    Dir,
    File(Vec<u8>),
    /// A symbolic link with this (relative) target.
    Symlink(String),
}

pub struct CaseSpec {
    pub args: Vec<String>,
    pub env: Vec<(String, String)>,
    pub stdin: Vec<u8>,
    /// Relative paths (with '/'), parents listed before children.
    pub sandbox: Vec<(String, SandboxEntry)>,
}

/// Size of the stdin fed to the `stdin` case.
pub const STDIN_CASE_BYTES: usize = 3 << 20;

/// Number of generated `VAR_nnnn` variables in the `hello` case.
pub const HELLO_ENV_VARS: usize = 2000;

pub fn spec(case: &str) -> CaseSpec {
    let mut spec = CaseSpec {
        args: vec![case.to_string()],
        env: vec![
            ("CASE".into(), case.into()),
            ("LANG".into(), "C.UTF-8".into()),
        ],
        stdin: Vec::new(),
        sandbox: Vec::new(),
    };
    match case {
        "hello" => {
            spec.args = vec!["hello".into(), "a b".into(), "ünïcode".into()];
            spec.env = hello_env();
        }
        "stdin" => spec.stdin = pseudo_random_bytes(STDIN_CASE_BYTES, 0x5eed),
        "files" => spec.sandbox = files_sandbox(),
        _ => {}
    }
    spec
}

fn hello_env() -> Vec<(String, String)> {
    let mut env: Vec<(String, String)> = (0..HELLO_ENV_VARS)
        .map(|i| (format!("VAR_{i:04}"), format!("value-{i}")))
        .collect();
    env.push(("EQ_A".into(), "x=y".into()));
    env.push(("EQ_B".into(), "=leading=and=trailing=".into()));
    env.push(("EQ_C".into(), "a==b".into()));
    env.push(("EMPTY".into(), String::new()));
    env.push(("UTF8".into(), "grüße ✓".into()));
    env
}

fn files_sandbox() -> Vec<(String, SandboxEntry)> {
    let file = |path: &str, text: &str| {
        (
            path.to_string(),
            SandboxEntry::File(text.as_bytes().to_vec()),
        )
    };
    vec![
        file(
            "seed.txt",
            "seed file: pre-populated by the harness\nsecond line\n",
        ),
        ("tree".into(), SandboxEntry::Dir),
        file("tree/a.txt", "a\n"),
        ("tree/b".into(), SandboxEntry::Dir),
        file("tree/b/c.txt", "see\n"),
        ("tree/b/d".into(), SandboxEntry::Dir),
        file("tree/b/d/e.txt", "deeply nested\n"),
        ("tree/empty".into(), SandboxEntry::Dir),
        (
            "link-to-seed".into(),
            SandboxEntry::Symlink("seed.txt".into()),
        ),
        // Points outside the preopen: following it must be refused.
        (
            "escape-link".into(),
            SandboxEntry::Symlink("../outside.txt".into()),
        ),
    ]
}

/// Deterministic bytes (xorshift64*) covering the whole byte range.
pub fn pseudo_random_bytes(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed | 1;
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        out.extend_from_slice(&state.wrapping_mul(0x2545_f491_4f6c_dd1d).to_le_bytes());
    }
    out.truncate(len);
    out
}

/// Sanity checks on the native run, so a broken test program (rather than
/// the adapter) is reported as such: the native run is the expectation and
/// must itself look right.
pub fn check_native(
    case: &str,
    spec: &CaseSpec,
    outcome: &crate::outcome::Outcome,
) -> Result<(), String> {
    use crate::outcome::ExitStatus;
    if let ExitStatus::HostError(e) = &outcome.exit {
        return Err(format!("native run failed in the host: {e}"));
    }
    if outcome.stdout.is_empty() {
        return Err("native run printed nothing on stdout".into());
    }
    let expected_exit_ok = match case {
        "exit3" => outcome.exit == ExitStatus::Code(3),
        "panic" => outcome.exit != ExitStatus::Code(0),
        _ => outcome.exit == ExitStatus::Code(0),
    };
    if !expected_exit_ok {
        return Err(format!(
            "native run ended with {} (stderr: {})",
            outcome.exit,
            String::from_utf8_lossy(&outcome.stderr)
        ));
    }
    if case == "stdin" && outcome.stdout != spec.stdin {
        return Err(format!(
            "native stdout ({} bytes) is not the stdin fed to it",
            outcome.stdout.len()
        ));
    }
    if case == "hello" {
        let stdout = String::from_utf8_lossy(&outcome.stdout);
        if !spec.args.iter().all(|a| stdout.contains(a.as_str())) {
            return Err("native stdout does not show every argument".into());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stdin_bytes_are_deterministic_and_varied() {
        let a = pseudo_random_bytes(STDIN_CASE_BYTES, 0x5eed);
        assert_eq!(a.len(), STDIN_CASE_BYTES);
        assert_eq!(a, pseudo_random_bytes(STDIN_CASE_BYTES, 0x5eed));
        let mut seen = [false; 256];
        a.iter().for_each(|&b| seen[b as usize] = true);
        assert!(seen.iter().all(|&s| s), "every byte value occurs");
    }

    #[test]
    fn hello_gets_its_arguments_and_large_environment() {
        let spec = spec("hello");
        assert_eq!(spec.args, ["hello", "a b", "ünïcode"]);
        assert!(spec.env.len() > HELLO_ENV_VARS);
        assert!(spec.env.iter().any(|(_, v)| v.matches('=').count() > 1));
    }
}
