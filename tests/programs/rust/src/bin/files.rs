//! files: filesystem operations inside the preopened directory "/sandbox".
//! The harness pre-populates seed.txt and tree/; the files left behind are
//! compared by the harness as well.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

const ROOT: &str = "/sandbox";

fn p(name: &str) -> PathBuf {
    Path::new(ROOT).join(name)
}

fn check<T>(what: &str, r: io::Result<T>) -> T {
    r.unwrap_or_else(|e| {
        println!("{what}: unexpected error: {:?}", e.kind());
        std::process::exit(1)
    })
}

/// The error kind only: messages carry host-specific wording.
fn kind<T>(r: io::Result<T>) -> String {
    match r {
        Ok(_) => "ok".to_string(),
        Err(e) => format!("{:?}", e.kind()),
    }
}

fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf29ce484222325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x100000001b3)
    })
}

fn walk(dir: &Path, out: &mut Vec<String>) -> io::Result<()> {
    let mut entries: Vec<_> = fs::read_dir(dir)?.collect::<io::Result<_>>()?;
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let path = e.path();
        let rel = path.strip_prefix(ROOT).unwrap().display().to_string();
        let meta = e.metadata()?;
        if meta.is_dir() {
            out.push(format!("{rel}/"));
            walk(&path, out)?;
        } else {
            out.push(format!("{rel} ({} bytes)", meta.len()));
        }
    }
    Ok(())
}

fn main() {
    let seed = check("read seed", fs::read(p("seed.txt")));
    println!("seed: {} bytes fnv1a={:016x}", seed.len(), fnv(&seed));

    // Create + write, then append through O_APPEND.
    check("write new", fs::write(p("new.txt"), b"hello\n"));
    let mut f = check(
        "open append",
        OpenOptions::new().append(true).open(p("new.txt")),
    );
    check("append", f.write_all(b"world\n"));
    drop(f);

    // Seek + read back, truncate.
    let mut f = check(
        "open rdwr",
        OpenOptions::new().read(true).write(true).open(p("new.txt")),
    );
    let off = check("seek", f.seek(SeekFrom::Start(3)));
    let mut buf = [0u8; 5];
    check("read", f.read_exact(&mut buf));
    println!("seek={off} read: {:?}", String::from_utf8_lossy(&buf));
    let end = check("seek end", f.seek(SeekFrom::End(0)));
    println!("size via seek: {end}");
    check("seek back", f.seek(SeekFrom::Current(-12)));
    check("overwrite", f.write_all(b"HE"));
    check("truncate", f.set_len(4));
    let meta = check("fstat", f.metadata());
    println!(
        "after truncate: size={} file={}",
        meta.len(),
        meta.is_file()
    );
    drop(f);
    check(
        "extend",
        OpenOptions::new()
            .write(true)
            .open(p("new.txt"))
            .and_then(|f| f.set_len(10)),
    );
    println!(
        "after extend: {:?}",
        check("read extended", fs::read(p("new.txt")))
    );

    // Rename and remove.
    check("rename", fs::rename(p("new.txt"), p("renamed.txt")));
    println!("stat old name: {}", kind(fs::metadata(p("new.txt"))));
    check("write tmp", fs::write(p("tmp.txt"), b"temporary"));
    check("remove tmp", fs::remove_file(p("tmp.txt")));
    println!("stat removed: {}", kind(fs::metadata(p("tmp.txt"))));

    // Many files in one directory.
    check("mkdir many", fs::create_dir(p("many")));
    for i in 0..300 {
        let content = format!("{}{i}\n", "x".repeat(i % 17));
        check(
            "write many",
            fs::write(p(&format!("many/f{i:03}.txt")), content),
        );
    }
    let mut names = Vec::new();
    let mut total = 0;
    for e in check("readdir", fs::read_dir(p("many"))) {
        let e = check("entry", e);
        total += check("entry meta", e.metadata()).len();
        names.push(e.file_name().into_string().unwrap());
    }
    names.sort();
    println!(
        "many: {} entries, first={} last={} total={total}",
        names.len(),
        names[0],
        names[names.len() - 1]
    );

    // Walk the pre-populated tree in sorted order.
    check("modify tree", fs::write(p("tree/a.txt"), b"rewritten\n"));
    let mut walked = Vec::new();
    check("walk", walk(&p("tree"), &mut walked));
    for line in walked {
        println!("walk: {line}");
    }

    // Directories.
    check("mkdir empty", fs::create_dir(p("emptydir")));
    check("rmdir empty", fs::remove_dir(p("emptydir")));
    println!("stat rmdir'd: {}", kind(fs::metadata(p("emptydir"))));
    check("mkdir keep", fs::create_dir_all(p("keep/inner/deeper")));
    println!(
        "keep/inner is dir: {}",
        check("stat keep", fs::metadata(p("keep/inner"))).is_dir()
    );

    // A larger file written and read back in one go.
    let big: Vec<u8> = b"0123456789abcdef"
        .iter()
        .copied()
        .cycle()
        .take(1 << 20)
        .collect();
    check("write big", fs::write(p("big.bin"), &big));
    let mut back = Vec::new();
    check(
        "read big",
        File::open(p("big.bin")).and_then(|mut f| f.read_to_end(&mut back)),
    );
    println!("big round trip equal: {}", big == back);

    // Error kinds.
    println!("open missing: {}", kind(File::open(p("missing.txt"))));
    println!("mkdir existing: {}", kind(fs::create_dir(p("many"))));
    println!("rmdir non-empty: {}", kind(fs::remove_dir(p("many"))));
    println!("readdir on file: {}", kind(fs::read_dir(p("seed.txt"))));
    println!(
        "create exclusive existing: {}",
        kind(
            OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(p("renamed.txt"))
        )
    );
    println!(
        "stat under missing dir: {}",
        kind(fs::metadata(p("missing/child.txt")))
    );
    println!("remove dir as file: {}", kind(fs::remove_file(p("keep"))));

    // Symlinks pre-populated by the harness.
    println!(
        "readlink: {:?}",
        check("readlink", fs::read_link(p("link-to-seed")))
    );
    println!(
        "read through link: equal={}",
        check("read link", fs::read(p("link-to-seed"))) == seed
    );
    let meta = check("lstat link", fs::symlink_metadata(p("link-to-seed")));
    println!("lstat sees a symlink: {}", meta.file_type().is_symlink());
    println!(
        "follow link out of the sandbox: {}",
        kind(fs::read(p("escape-link")))
    );
}
