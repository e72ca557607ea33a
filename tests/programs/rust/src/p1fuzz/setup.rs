//! The starting tree below the first preopen (fd 3). The fuzz harness
//! creates it before the run (and every call here answers EXIST); when the
//! program runs as the plain `rust::p1fuzz` test case, whose directory
//! starts empty, these calls create it.

use crate::fdcalls;
use crate::fuzzer::{show_path, Fuzzer};
use crate::mem;
use crate::pathcalls;
use crate::wasi;

const DIRS: [&str; 5] = ["tree", "tree/b", "tree/b/d", "tree/empty", "d0"];

const FILES: [(&str, &str); 6] = [
    ("seed.txt", "seed file\nsecond line\n"),
    ("a", "alpha\n"),
    ("d0/a", "in d0\n"),
    ("tree/a.txt", "a\n"),
    ("tree/b/c.txt", "see\n"),
    ("tree/b/d/e.txt", "deeply nested\n"),
];

const SYMLINKS: [(&str, &str); 6] = [
    ("link-to-seed", "seed.txt"),
    ("link-to-tree", "tree"),
    ("escape-link", "../outside.txt"),
    ("dangling", "nonexistent"),
    ("loop", "loop"),
    ("abs-link", "/etc/passwd"),
];

pub fn fixture(f: &mut Fuzzer) {
    for dir in DIRS {
        let path = put(mem::PATH_A, dir);
        let errno = unsafe { wasi::path_create_directory(3, path, dir.len() as u32) };
        f.report("path_create_directory", &format!("dirfd=3 path={:?}", dir), errno, "");
    }
    for (name, contents) in FILES {
        let path = put(mem::PATH_A, name);
        let rights = wasi::RIGHT_FD_READ | wasi::RIGHT_FD_WRITE;
        let shown = show_path(name.as_bytes());
        let oflags = wasi::O_CREAT | wasi::O_EXCL;
        let opened = pathcalls::open(f, 3, 0, path, name.len() as u32, &shown, oflags, rights, 0, 0);
        if let Some(fd) = opened {
            write(f, fd, contents.as_bytes());
            fdcalls::close(f, fd);
        }
    }
    for (name, target) in SYMLINKS {
        let target_at = put(mem::PATH_A, target);
        let path = put(mem::PATH_B, name);
        pathcalls::symlink(
            f,
            target_at,
            target.len() as u32,
            &show_path(target.as_bytes()),
            3,
            path,
            name.len() as u32,
            &show_path(name.as_bytes()),
        );
    }
}

fn put(region: u32, text: &str) -> u32 {
    mem::write_bytes(mem::addr(region), text.as_bytes());
    mem::addr(region)
}

fn write(f: &mut Fuzzer, fd: u32, bytes: &[u8]) {
    mem::write_bytes(mem::addr(mem::DATA), bytes);
    let iovs = mem::addr(mem::IOVS);
    mem::set_u32(iovs, mem::addr(mem::DATA));
    mem::set_u32(iovs + 4, bytes.len() as u32);
    let out = mem::addr(mem::RESULT);
    let errno = unsafe { wasi::fd_write(fd, iovs, 1, out) };
    let n = if errno == wasi::SUCCESS { mem::u32_at(out) } else { 0 };
    f.report("fd_write", &format!("fd={fd} iovs=[{}]", bytes.len()), errno, &format!("n={n}"));
}
