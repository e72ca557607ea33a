//! What a fuzz run gets: the guest's arguments, a small environment, some
//! stdin, and a starting tree with the awkward cases (nesting, an empty
//! directory, symlinks to a file and a directory, a dangling one, one
//! escaping the preopen, an absolute one, a loop).

use super::Mode;
use crate::cases::{self, CaseSpec, SandboxEntry};

pub fn spec(mode: Mode, seed: u64, steps: Option<u32>, avoid: Option<&str>) -> CaseSpec {
    let mut args = vec!["p1fuzz".to_string(), mode.to_string(), seed.to_string()];
    if let Some(steps) = steps {
        args.push(steps.to_string());
    }
    let mut env: Vec<(String, String)> = vec![
        ("CASE".into(), "p1fuzz".into()),
        ("LANG".into(), "C.UTF-8".into()),
        ("EMPTY".into(), String::new()),
        ("EQ".into(), "a=b".into()),
    ];
    if let Some(avoid) = avoid {
        env.push(("P1FUZZ_AVOID".into(), avoid.into()));
    }
    CaseSpec {
        args,
        env,
        stdin: cases::pseudo_random_bytes(3000, seed),
        sandbox: sandbox(),
    }
}

/// The same tree the guest's `setup.rs` creates when it is missing.
fn sandbox() -> Vec<(String, SandboxEntry)> {
    let dir = |path: &str| (path.to_string(), SandboxEntry::Dir);
    let file = |path: &str, text: &str| {
        (
            path.to_string(),
            SandboxEntry::File(text.as_bytes().to_vec()),
        )
    };
    let link = |path: &str, target: &str| (path.to_string(), SandboxEntry::Symlink(target.into()));
    vec![
        file("seed.txt", "seed file\nsecond line\n"),
        file("a", "alpha\n"),
        dir("d0"),
        file("d0/a", "in d0\n"),
        dir("tree"),
        file("tree/a.txt", "a\n"),
        dir("tree/b"),
        file("tree/b/c.txt", "see\n"),
        dir("tree/b/d"),
        file("tree/b/d/e.txt", "deeply nested\n"),
        dir("tree/empty"),
        link("link-to-seed", "seed.txt"),
        link("link-to-tree", "tree"),
        link("escape-link", "../outside.txt"),
        link("dangling", "nonexistent"),
        link("loop", "loop"),
        link("abs-link", "/etc/passwd"),
    ]
}
