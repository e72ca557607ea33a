//! Calls on descriptors (other than reads and writes, see `io.rs`).

use crate::fuzzer::{Fuzzer, Kind};
use crate::mem;
use crate::wasi::{self, Errno};

/// Deterministic parts of a filestat at `at`: type, size (files only;
/// directory sizes are file-system bookkeeping), link count, whether the
/// inode is set, and the modification and change times as classes (see
/// `timestamp_class`). Not the access time: reads the host makes on its
/// own (the native host reads ahead for a poll on a file) update it.
pub fn describe_filestat(at: u32) -> String {
    let filetype = mem::u8_at(at + 16);
    let size = if filetype == 3 {
        "-".to_string()
    } else {
        mem::u64_at(at + 32).to_string()
    };
    format!(
        "type={} size={size} nlink={} dev={} ino={} mtim={} ctim={}",
        wasi::filetype_name(filetype),
        mem::u64_at(at + 24),
        nonzero(mem::u64_at(at)),
        nonzero(mem::u64_at(at + 8)),
        timestamp_class(mem::u64_at(at + 48)),
        timestamp_class(mem::u64_at(at + 56)),
    )
}

fn nonzero(v: u64) -> &'static str {
    if v == 0 {
        "0"
    } else {
        "nonzero"
    }
}

/// Timestamps the program set explicitly (all below 2001) are printed
/// exactly; anything else is "now" (set by the file system while the run
/// went on) and differs from run to run.
fn timestamp_class(t: u64) -> String {
    if t < 1_000_000_000_000_000_000 {
        t.to_string()
    } else {
        "recent".into()
    }
}

pub fn describe_fdstat(at: u32) -> String {
    format!(
        "type={} flags={:#x} base={:#x} inheriting={:#x}",
        wasi::filetype_name(mem::u8_at(at)),
        mem::u16_at(at + 2),
        mem::u64_at(at + 8),
        mem::u64_at(at + 16)
    )
}

fn clear_result() -> u32 {
    let at = mem::addr(mem::RESULT);
    mem::fill(at, mem::RESULT_LEN, 0xee);
    at
}

pub fn fd_seek(f: &mut Fuzzer) {
    let fd = f.file_fd();
    let whence = f.rng.below(3) as u32;
    // Small moves, or moves that leave the signed range; see
    // `Fuzzer::filesize` for why nothing in between.
    let offset: i64 = f.rng.pick(&[0, 1, 3, 7, 100, 4096, -1, -3, -100, -4096, i64::MAX, i64::MIN]);
    let out = clear_result();
    let errno = unsafe { wasi::fd_seek(fd, offset, whence, out) };
    let results = if errno == wasi::SUCCESS {
        format!("pos={}", mem::u64_at(out))
    } else {
        String::new()
    };
    f.report("fd_seek", &format!("fd={fd} offset={offset} whence={whence}"), errno, &results);
    if errno == wasi::SUCCESS {
        let pos = mem::u64_at(out);
        if pos > (1 << 20) && pos < (1 << 63) {
            // A write there would make a huge sparse file: move back.
            let errno = unsafe { wasi::fd_seek(fd, 0, 0, out) };
            f.report("fd_seek", &format!("fd={fd} offset=0 whence=0"), errno, "");
        }
    }
}

pub fn fd_tell(f: &mut Fuzzer) {
    let fd = f.file_fd();
    let out = clear_result();
    let errno = unsafe { wasi::fd_tell(fd, out) };
    let results = if errno == wasi::SUCCESS {
        format!("pos={}", mem::u64_at(out))
    } else {
        String::new()
    };
    f.report("fd_tell", &format!("fd={fd}"), errno, &results);
}

pub fn fd_filestat_get(f: &mut Fuzzer) {
    let fd = f.any_fd();
    let out = clear_result();
    let errno = unsafe { wasi::fd_filestat_get(fd, out) };
    let results = if errno == wasi::SUCCESS {
        describe_filestat(out)
    } else {
        String::new()
    };
    f.report("fd_filestat_get", &format!("fd={fd}"), errno, &results);
}

pub fn fd_filestat_set_size(f: &mut Fuzzer) {
    let fd = f.file_fd();
    let size = f.new_size();
    let errno = unsafe { wasi::fd_filestat_set_size(fd, size) };
    f.report("fd_filestat_set_size", &format!("fd={fd} size={size}"), errno, "");
}

pub fn fd_filestat_set_times(f: &mut Fuzzer) {
    let fd = f.any_fd();
    let atim = f.timestamp();
    let mtim = f.timestamp();
    let flags = f.rng.below(16) as u32;
    let errno = unsafe { wasi::fd_filestat_set_times(fd, atim, mtim, flags) };
    f.report(
        "fd_filestat_set_times",
        &format!("fd={fd} atim={atim} mtim={mtim} flags={flags:#x}"),
        errno,
        "",
    );
}

pub fn fd_fdstat_get(f: &mut Fuzzer) {
    let fd = f.any_fd();
    let out = clear_result();
    let errno = unsafe { wasi::fd_fdstat_get(fd, out) };
    let results = if errno == wasi::SUCCESS {
        describe_fdstat(out)
    } else {
        String::new()
    };
    f.report("fd_fdstat_get", &format!("fd={fd}"), errno, &results);
}

pub fn fd_fdstat_set_flags(f: &mut Fuzzer) {
    let fd = f.any_fd();
    let flags = f.fdflags();
    let errno = unsafe { wasi::fd_fdstat_set_flags(fd, flags) };
    f.report("fd_fdstat_set_flags", &format!("fd={fd} flags={flags:#x}"), errno, "");
}

pub fn fd_fdstat_set_rights(f: &mut Fuzzer) {
    let fd = f.any_fd();
    let base = f.rights();
    let inheriting = f.rights();
    let errno = unsafe { wasi::fd_fdstat_set_rights(fd, base, inheriting) };
    f.report(
        "fd_fdstat_set_rights",
        &format!("fd={fd} base={base:#x} inheriting={inheriting:#x}"),
        errno,
        "",
    );
}

pub fn fd_advise(f: &mut Fuzzer) {
    let fd = f.file_fd();
    let offset = f.filesize();
    let len = f.filesize();
    let advice = f.rng.below(6) as u32;
    let errno = unsafe { wasi::fd_advise(fd, offset, len, advice) };
    f.report(
        "fd_advise",
        &format!("fd={fd} offset={offset} len={len} advice={advice}"),
        errno,
        "",
    );
}

pub fn fd_allocate(f: &mut Fuzzer) {
    let fd = f.file_fd();
    let offset = f.filesize();
    let len = f.filesize();
    let errno = unsafe { wasi::fd_allocate(fd, offset, len) };
    f.report("fd_allocate", &format!("fd={fd} offset={offset} len={len}"), errno, "");
}

pub fn fd_sync(f: &mut Fuzzer) {
    let fd = f.any_fd();
    let (name, errno) = if f.rng.chance(50) {
        ("fd_sync", unsafe { wasi::fd_sync(fd) })
    } else {
        ("fd_datasync", unsafe { wasi::fd_datasync(fd) })
    };
    f.report(name, &format!("fd={fd}"), errno, "");
}

pub fn fd_close(f: &mut Fuzzer) {
    let fd = f.closable_fd();
    close(f, fd);
}

pub fn close(f: &mut Fuzzer, fd: u32) {
    let errno = unsafe { wasi::fd_close(fd) };
    if errno == wasi::SUCCESS {
        f.closed_fd(fd);
    }
    f.report("fd_close", &format!("fd={fd}"), errno, "");
}

pub fn fd_renumber(f: &mut Fuzzer) {
    let from = f.closable_fd();
    let to = f.closable_fd();
    let errno = unsafe { wasi::fd_renumber(from, to) };
    if errno == wasi::SUCCESS {
        f.renumbered(from, to);
    }
    f.report("fd_renumber", &format!("from={from} to={to}"), errno, "");
}

pub fn fd_prestat(f: &mut Fuzzer) {
    let fd = if f.rng.chance(50) {
        f.rng.range(0, 6)
    } else {
        f.any_fd()
    };
    let out = clear_result();
    let errno = unsafe { wasi::fd_prestat_get(fd, out) };
    let mut name_len = 0;
    let results = if errno == wasi::SUCCESS {
        name_len = mem::u32_at(out + 4);
        format!("tag={} name_len={name_len}", mem::u8_at(out))
    } else {
        String::new()
    };
    f.report("fd_prestat_get", &format!("fd={fd}"), errno, &results);

    // The name, into buffers that are too short, exact, or larger.
    let len = match f.rng.below(5) {
        0 => 0,
        1 => name_len.saturating_sub(1),
        2 => name_len,
        3 => name_len + 5,
        _ => f.rng.range(0, 300),
    };
    let buf = mem::addr(mem::DIR);
    mem::fill(buf, 320, b'#');
    let errno = unsafe { wasi::fd_prestat_dir_name(fd, buf, len) };
    let shown = mem::read_bytes(buf, len.min(24) + 2);
    f.report(
        "fd_prestat_dir_name",
        &format!("fd={fd} len={len}"),
        errno,
        &format!("buf={}", crate::fuzzer::show_path(&shown)),
    );
}

/// Lists a directory in buffers of random sizes, resuming from the last
/// cookie, restarting, or jumping to arbitrary cookies, while other calls
/// change the directory in between.
pub fn fd_readdir(f: &mut Fuzzer) {
    let fd = if f.rng.chance(85) { f.dir_fd() } else { f.any_fd() };
    let last = f.cookies.iter().find(|(d, _)| *d == fd).map(|(_, c)| *c);
    let cookie = match f.rng.below(10) {
        0..=4 if last.is_some() => last.unwrap(),
        0..=5 => 0,
        6..=7 => f.rng.below(20),
        8 => 1 << 63,
        _ => f.rng.pick(&[2, u64::MAX, u32::MAX as u64 + 1]),
    };
    let len: u32 = match f.rng.below(10) {
        0..=3 => f.rng.pick(&[0, 1, 8, 23, 24, 25, 26, 30, 47, 48]),
        4..=6 => f.rng.range(24, 200),
        _ => f.rng.pick(&[256, 1024, 4096, mem::DIR_LEN]),
    };
    let buf = mem::addr(mem::DIR);
    mem::fill(buf, len, 0xee);
    let out = clear_result();
    let errno = unsafe { wasi::fd_readdir(fd, buf, len, cookie, out) };
    let mut results = String::new();
    if errno == wasi::SUCCESS {
        let used = mem::u32_at(out);
        let (entries, resume) = parse_dirents(buf, used.min(len));
        if let Some(next) = resume {
            f.cookies.retain(|(d, _)| *d != fd);
            f.cookies.push((fd, next));
        }
        let tail = mem::read_bytes(buf + used.min(len), len - used.min(len));
        let untouched = tail.iter().all(|&b| b == 0xee);
        results = format!(
            "used={used} [{}]{}",
            entries.join(" "),
            if untouched { "" } else { " WROTE-PAST-USED" }
        );
    }
    f.report("fd_readdir", &format!("fd={fd} len={len} cookie={cookie}"), errno, &results);
}

/// Entries as `next:type:name` (inode only as "ino" when nonzero, which is
/// all that is comparable), truncated ones marked with `~`; plus the cookie
/// to resume after the last complete entry.
fn parse_dirents(buf: u32, used: u32) -> (Vec<String>, Option<u64>) {
    let mut entries = Vec::new();
    let mut resume = None;
    let mut at = 0;
    while at < used {
        let left = used - at;
        if left < wasi::DIRENT_SIZE {
            let next = if left >= 8 {
                mem::u64_at(buf + at).to_string()
            } else {
                "?".into()
            };
            entries.push(format!("~header({left}b,next={next})"));
            break;
        }
        let h = buf + at;
        let next = mem::u64_at(h);
        let ino = if mem::u64_at(h + 8) == 0 { "ino0" } else { "ino" };
        let namlen = mem::u32_at(h + 16);
        let filetype = wasi::filetype_name(mem::u8_at(h + 20));
        at += wasi::DIRENT_SIZE;
        let avail = namlen.min(used - at);
        let name = mem::read_bytes(buf + at, avail);
        at += avail;
        let mark = if avail < namlen { "~" } else { "" };
        entries.push(format!(
            "{next}:{filetype}:{ino}:{}{mark}",
            crate::fuzzer::show_path(&name)
        ));
        if avail == namlen {
            resume = Some(next);
        }
    }
    (entries, resume)
}

/// Records what a freshly opened descriptor is, using `fd_fdstat_get`.
pub fn classify(f: &mut Fuzzer, fd: u32) -> String {
    let out = clear_result();
    let errno: Errno = unsafe { wasi::fd_fdstat_get(fd, out) };
    if errno != wasi::SUCCESS {
        return format!("fdstat={}", wasi::errno_name(errno));
    }
    let kind = if mem::u8_at(out) == 3 {
        Kind::Dir
    } else {
        Kind::File
    };
    f.opened(fd, kind);
    describe_fdstat(out)
}
