//! Calls taking paths, relative to a directory descriptor.

use crate::fdcalls::{self, describe_filestat};
use crate::fuzzer::{show_path, Fuzzer};
use crate::mem;
use crate::wasi::{self, Errno};

pub fn path_open(f: &mut Fuzzer) {
    if f.too_many_open() {
        let fd = f.closable_fd();
        fdcalls::close(f, fd);
    }
    let dirfd = f.dir_fd();
    let lookup = f.lookupflags();
    let (path, path_len, shown) = f.existing_path(mem::PATH_A);
    let oflags = match f.rng.below(10) {
        0..=3 => 0,
        4..=5 => wasi::O_CREAT,
        6 => wasi::O_DIRECTORY,
        _ => f.rng.below(16) as u32,
    };
    let base = f.rights();
    let inheriting = f.rights();
    let fdflags = f.fdflags();
    open(f, dirfd, lookup, path, path_len, &shown, oflags, base, inheriting, fdflags);
}

#[allow(clippy::too_many_arguments)]
pub fn open(
    f: &mut Fuzzer,
    dirfd: u32,
    lookup: u32,
    path: u32,
    path_len: u32,
    shown: &str,
    oflags: u32,
    base: u64,
    inheriting: u64,
    fdflags: u32,
) -> Option<u32> {
    let out = mem::addr(mem::RESULT2);
    mem::set_u32(out, 0xeeee_eeee);
    let errno = unsafe {
        wasi::path_open(dirfd, lookup, path, path_len, oflags, base, inheriting, fdflags, out)
    };
    let args = format!(
        "dirfd={dirfd} lookup={lookup} path={shown} oflags={oflags:#x} base={base:#x} inheriting={inheriting:#x} fdflags={fdflags:#x}"
    );
    if errno != wasi::SUCCESS {
        f.report("path_open", &args, errno, "");
        return None;
    }
    let fd = mem::u32_at(out);
    let what = fdcalls::classify(f, fd);
    f.report("path_open", &args, errno, &format!("fd={fd} {what}"));
    Some(fd)
}

pub fn path_filestat_get(f: &mut Fuzzer) {
    let dirfd = f.dir_fd();
    let lookup = f.lookupflags();
    let (path, len, shown) = f.path(mem::PATH_A);
    let out = mem::addr(mem::RESULT);
    mem::fill(out, wasi::FILESTAT_SIZE, 0xee);
    let errno = unsafe { wasi::path_filestat_get(dirfd, lookup, path, len, out) };
    let results = if errno == wasi::SUCCESS {
        describe_filestat(out)
    } else {
        String::new()
    };
    f.report(
        "path_filestat_get",
        &format!("dirfd={dirfd} lookup={lookup} path={shown}"),
        errno,
        &results,
    );
}

pub fn path_filestat_set_times(f: &mut Fuzzer) {
    let dirfd = f.dir_fd();
    let lookup = f.lookupflags();
    let (path, len, shown) = f.path(mem::PATH_A);
    let atim = f.timestamp();
    let mtim = f.timestamp();
    let flags = f.rng.below(16) as u32;
    let errno =
        unsafe { wasi::path_filestat_set_times(dirfd, lookup, path, len, atim, mtim, flags) };
    f.report(
        "path_filestat_set_times",
        &format!("dirfd={dirfd} lookup={lookup} path={shown} atim={atim} mtim={mtim} flags={flags:#x}"),
        errno,
        "",
    );
}

/// Calls taking one directory and one path, and no other arguments.
pub fn single_path(f: &mut Fuzzer) {
    let dirfd = f.dir_fd();
    let which = f.rng.below(3);
    let (path, len, shown) = if which == 2 {
        f.plain_path(mem::PATH_A)
    } else {
        f.path(mem::PATH_A)
    };
    let (name, errno): (&str, Errno) = match which {
        0 => ("path_create_directory", unsafe {
            wasi::path_create_directory(dirfd, path, len)
        }),
        1 => ("path_remove_directory", unsafe {
            wasi::path_remove_directory(dirfd, path, len)
        }),
        _ => ("path_unlink_file", unsafe {
            wasi::path_unlink_file(dirfd, path, len)
        }),
    };
    f.report(name, &format!("dirfd={dirfd} path={shown}"), errno, "");
}

pub fn path_rename(f: &mut Fuzzer) {
    let from_dir = f.dir_fd();
    let (from, from_len, from_shown) = f.path(mem::PATH_A);
    let to_dir = f.dir_fd();
    let (to, to_len, to_shown) = f.path(mem::PATH_B);
    let errno = unsafe { wasi::path_rename(from_dir, from, from_len, to_dir, to, to_len) };
    f.report(
        "path_rename",
        &format!("dirfd={from_dir} path={from_shown} to_dirfd={to_dir} to={to_shown}"),
        errno,
        "",
    );
}

pub fn path_link(f: &mut Fuzzer) {
    let from_dir = f.dir_fd();
    let lookup = f.lookupflags();
    let (from, from_len, from_shown) = f.path(mem::PATH_A);
    let to_dir = f.dir_fd();
    let (to, to_len, to_shown) = f.path(mem::PATH_B);
    let errno = unsafe { wasi::path_link(from_dir, lookup, from, from_len, to_dir, to, to_len) };
    f.report(
        "path_link",
        &format!(
            "dirfd={from_dir} lookup={lookup} path={from_shown} to_dirfd={to_dir} to={to_shown}"
        ),
        errno,
        "",
    );
}

pub fn path_symlink(f: &mut Fuzzer) {
    let (target, target_len, target_shown) = f.symlink_target();
    let dirfd = f.dir_fd();
    let (path, len, shown) = f.path(mem::PATH_B);
    symlink(f, target, target_len, &target_shown, dirfd, path, len, &shown);
}

#[allow(clippy::too_many_arguments)]
pub fn symlink(
    f: &mut Fuzzer,
    target: u32,
    target_len: u32,
    target_shown: &str,
    dirfd: u32,
    path: u32,
    len: u32,
    shown: &str,
) {
    let errno = unsafe { wasi::path_symlink(target, target_len, dirfd, path, len) };
    f.report(
        "path_symlink",
        &format!("target={target_shown} dirfd={dirfd} path={shown}"),
        errno,
        "",
    );
}

pub fn path_readlink(f: &mut Fuzzer) {
    let dirfd = f.dir_fd();
    let (path, len, shown) = f.path(mem::PATH_A);
    let buf_len = f.rng.pick(&[0, 1, 3, 8, 14, 100, 4096]);
    let buf = mem::addr(mem::DIR);
    mem::fill(buf, buf_len + 8, 0xee);
    let out = mem::addr(mem::RESULT);
    let errno = unsafe { wasi::path_readlink(dirfd, path, len, buf, buf_len, out) };
    let results = if errno == wasi::SUCCESS {
        let n = mem::u32_at(out);
        let contents = mem::read_bytes(buf, n.min(buf_len));
        let after = mem::read_bytes(buf + n.min(buf_len), 8);
        let untouched = after.iter().all(|&b| b == 0xee);
        format!(
            "n={n} contents={}{}",
            show_path(&contents),
            if untouched { "" } else { " WROTE-PAST-N" }
        )
    } else {
        String::new()
    };
    f.report(
        "path_readlink",
        &format!("dirfd={dirfd} path={shown} buf_len={buf_len}"),
        errno,
        &results,
    );
}
