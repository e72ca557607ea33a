//! The per-run preopened directory: created fresh for every run, populated
//! from the case spec, and snapshotted after the program finished.

use crate::cases::{CaseSpec, SandboxEntry};
use anyhow::{Context, Result};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

pub fn create(spec: &CaseSpec) -> Result<tempfile::TempDir> {
    let dir = tempfile::Builder::new().prefix("p1-sandbox-").tempdir()?;
    for (rel, entry) in &spec.sandbox {
        let path = dir.path().join(rel);
        match entry {
            SandboxEntry::Dir => std::fs::create_dir_all(&path),
            SandboxEntry::File(bytes) => std::fs::write(&path, bytes),
            SandboxEntry::Symlink(target) => std::os::unix::fs::symlink(target, &path),
        }
        .with_context(|| format!("populating sandbox entry {rel}"))?;
    }
    Ok(dir)
}

/// One entry of a directory snapshot.
#[derive(Clone, PartialEq, Eq)]
pub enum Node {
    Dir,
    File {
        len: u64,
        sha256: String,
        preview: Option<String>,
    },
    Symlink(String),
}

/// Longest file shown verbatim in a diff.
const PREVIEW_LIMIT: usize = 200;

impl fmt::Display for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Node::Dir => write!(f, "dir"),
            Node::Symlink(target) => write!(f, "symlink -> {target}"),
            Node::File {
                len,
                sha256,
                preview,
            } => {
                write!(f, "file {len} bytes sha256={}", &sha256[..16])?;
                if let Some(text) = preview {
                    write!(f, " {text:?}")?;
                }
                Ok(())
            }
        }
    }
}

/// Relative path ('/'-separated) -> node, for everything below the root.
pub type Snapshot = BTreeMap<String, Node>;

pub fn snapshot(root: &Path) -> Result<Snapshot> {
    let mut out = Snapshot::new();
    walk(root, "", &mut out)?;
    Ok(out)
}

fn walk(dir: &Path, prefix: &str, out: &mut Snapshot) -> Result<()> {
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let rel = format!("{prefix}{name}");
        let path = entry.path();
        let kind = entry.file_type()?;
        if kind.is_symlink() {
            let target = std::fs::read_link(&path)?;
            out.insert(rel, Node::Symlink(target.to_string_lossy().into_owned()));
        } else if kind.is_dir() {
            out.insert(rel.clone(), Node::Dir);
            walk(&path, &format!("{rel}/"), out)?;
        } else {
            let bytes = std::fs::read(&path)?;
            let preview = (bytes.len() <= PREVIEW_LIMIT)
                .then(|| String::from_utf8(bytes.clone()).ok())
                .flatten();
            let sha256 = Sha256::digest(&bytes)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            out.insert(
                rel,
                Node::File {
                    len: bytes.len() as u64,
                    sha256,
                    preview,
                },
            );
        }
    }
    Ok(())
}
