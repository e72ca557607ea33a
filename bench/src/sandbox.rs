//! The directory every run gets preopened (as `/sandbox`, then `.`), made
//! once per benchmark process and shared by all runs: the workloads only
//! read it, except `out.bin`, which each writing run truncates first.

use anyhow::{Context, Result};
use std::path::Path;
use tempfile::TempDir;

/// Files in `dir1000/`, listed by `fd_readdir_1000`.
pub const READDIR_ENTRIES: usize = 1_000;
/// Files in `tree/` (`TREE_DIRS` directories of equal share), walked by
/// `go_walk_2000`.
pub const TREE_FILES: usize = 2_000;
const TREE_DIRS: usize = 40;

pub struct Sandbox {
    dir: TempDir,
}

impl Sandbox {
    /// `data_bytes`: size of `data.bin`, which the reading workloads
    /// consume front to back.
    pub fn create(data_bytes: u64) -> Result<Sandbox> {
        let parent = adapter_tests::paths::target_dir().join("bench-programs");
        std::fs::create_dir_all(&parent)?;
        let dir = tempfile::Builder::new()
            .prefix("sandbox-")
            .tempdir_in(&parent)
            .with_context(|| format!("creating a sandbox below {}", parent.display()))?;
        let root = dir.path();
        write_data(&root.join("data.bin"), data_bytes)?;
        std::fs::write(root.join("small.txt"), b"a small file\n")?;
        let listing = root.join("dir1000");
        std::fs::create_dir(&listing)?;
        for i in 0..READDIR_ENTRIES {
            std::fs::write(listing.join(format!("f{i:04}.txt")), b"")?;
        }
        let tree = root.join("tree");
        for d in 0..TREE_DIRS {
            let sub = tree.join(format!("d{d:02}"));
            std::fs::create_dir_all(&sub)?;
            for f in 0..TREE_FILES / TREE_DIRS {
                std::fs::write(sub.join(format!("f{f:03}.txt")), format!("{d} {f}\n"))?;
            }
        }
        Ok(Sandbox { dir })
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }
}

fn write_data(path: &Path, bytes: u64) -> Result<()> {
    use std::io::Write;
    let mut file = std::io::BufWriter::new(std::fs::File::create(path)?);
    let block = [0x5au8; 1 << 16];
    let mut left = bytes;
    while left > 0 {
        let now = left.min(block.len() as u64) as usize;
        file.write_all(&block[..now])?;
        left -= now as u64;
    }
    file.flush()?;
    Ok(())
}
