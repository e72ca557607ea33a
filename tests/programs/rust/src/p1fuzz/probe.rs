//! The final probe of a `malformed` run: one call with an argument the
//! native host does not answer with an errno but traps on.
//!
//! * `decode`: an out-of-range enum value, unknown flag bits or an integer
//!   too wide for its type, in a parameter wiggle decodes before the call.
//!   The native host traps; our adapter must answer INVAL (documented).
//! * `pointer`: memory the call must read or write is out of bounds or
//!   misaligned. The native host traps when it touches it (some calls fail
//!   with an errno first and never touch it); our adapter must trap as well,
//!   or answer as the native host did when that did not trap.
//!
//! The program announces the probe on a line of its own before making the
//! call, since a native trap ends the output there. The harness
//! (`tests/src/fuzz/`) knows what to expect after that line.

use crate::fuzzer::Fuzzer;
use crate::mem;
use crate::out;
use crate::wasi::{self, Errno};

pub fn run(f: &mut Fuzzer) {
    let (class, errno) = if f.rng.chance(50) {
        ("decode", decode(f))
    } else {
        ("pointer", pointer(f, FAR))
    };
    out::line(&format!("probe[{class}] -> {}", wasi::errno_name(errno)));
}

/// Where pointer probes point: far beyond any memory either run can have.
/// (Addresses just past the end of memory are not comparable: the adapter
/// may have grown memory for itself, so the same address can be in bounds
/// in the adapted run.)
const FAR: u32 = 0xffff_0000;

/// How a probe pointer is printed: relative to FAR, or "misaligned" for the
/// misaligned pointers into the scratch area.
fn show_ptr(p: u32) -> String {
    if p >= FAR - 0x1_0000 {
        format!("far{:+}", i64::from(p) - i64::from(FAR))
    } else if p % 8 != 0 {
        "misaligned".to_string()
    } else {
        "ok".to_string()
    }
}

/// Prints the probe line before the call (a native trap ends the output).
fn announce(class: &str, call: &str) {
    out::line(&format!("probe[{class}] {call}"));
}

fn decode(f: &mut Fuzzer) -> Errno {
    let fd = f.any_fd();
    let (path, path_len, shown) = f.path(mem::PATH_A);
    let out = mem::addr(mem::RESULT);
    let iovs = mem::addr(mem::IOVS);
    mem::set_u32(iovs, mem::addr(mem::DATA));
    mem::set_u32(iovs + 4, 8);
    let bad_u16_flags = [0x20u32, 0x4000, 0x8000, 0x1_0000, 0xffff_ffff];
    match f.rng.below(18) {
        0 => {
            let lookup = f.rng.pick(&[2, 3, 0x100, 0x8000_0000]);
            announce("decode", &format!("path_open dirfd={fd} lookup={lookup:#x} path={shown}"));
            unsafe { wasi::path_open(fd, lookup, path, path_len, 0, 0, 0, 0, out) }
        }
        1 => {
            let oflags = f.rng.pick(&[0x10, 0x11, 0x8000, 0x1_0000]);
            announce("decode", &format!("path_open dirfd={fd} path={shown} oflags={oflags:#x}"));
            unsafe { wasi::path_open(fd, 0, path, path_len, oflags, 0, 0, 0, out) }
        }
        2 => {
            let base = f.rng.pick(&[1 << 30, 1 << 63, u64::MAX]);
            announce("decode", &format!("path_open dirfd={fd} path={shown} base={base:#x}"));
            unsafe { wasi::path_open(fd, 0, path, path_len, 0, base, 0, 0, out) }
        }
        3 => {
            let inheriting = f.rng.pick(&[1 << 30, 1 << 40, u64::MAX]);
            announce("decode", &format!("path_open dirfd={fd} path={shown} inheriting={inheriting:#x}"));
            unsafe { wasi::path_open(fd, 0, path, path_len, 0, 0, inheriting, 0, out) }
        }
        4 => {
            let fdflags = f.rng.pick(&bad_u16_flags);
            announce("decode", &format!("path_open dirfd={fd} path={shown} fdflags={fdflags:#x}"));
            unsafe { wasi::path_open(fd, 0, path, path_len, 0, 0, 0, fdflags, out) }
        }
        5 => {
            let whence = f.rng.pick(&[3, 4, 255, 256, u32::MAX]);
            announce("decode", &format!("fd_seek fd={fd} whence={whence}"));
            unsafe { wasi::fd_seek(fd, 0, whence, out) }
        }
        6 => {
            let advice = f.rng.pick(&[6, 7, 255, 256]);
            announce("decode", &format!("fd_advise fd={fd} advice={advice}"));
            unsafe { wasi::fd_advise(fd, 0, 0, advice) }
        }
        7 => {
            let id = f.rng.pick(&[4, 5, 100, u32::MAX]);
            if f.rng.chance(50) {
                announce("decode", &format!("clock_time_get id={id}"));
                unsafe { wasi::clock_time_get(id, 0, out) }
            } else {
                announce("decode", &format!("clock_res_get id={id}"));
                unsafe { wasi::clock_res_get(id, out) }
            }
        }
        8 => {
            let flags = f.rng.pick(&bad_u16_flags);
            announce("decode", &format!("fd_fdstat_set_flags fd={fd} flags={flags:#x}"));
            unsafe { wasi::fd_fdstat_set_flags(fd, flags) }
        }
        9 => {
            let (base, inheriting) = if f.rng.chance(50) {
                (1u64 << 30, 0)
            } else {
                (0, u64::MAX)
            };
            announce(
                "decode",
                &format!("fd_fdstat_set_rights fd={fd} base={base:#x} inheriting={inheriting:#x}"),
            );
            unsafe { wasi::fd_fdstat_set_rights(fd, base, inheriting) }
        }
        10 => {
            let flags = f.rng.pick(&[0x10, 0x1f, 0x1_0000]);
            announce("decode", &format!("fd_filestat_set_times fd={fd} flags={flags:#x}"));
            unsafe { wasi::fd_filestat_set_times(fd, 0, 0, flags) }
        }
        11 => {
            let (lookup, flags) = if f.rng.chance(50) { (0, 0x10) } else { (2, 0) };
            announce(
                "decode",
                &format!("path_filestat_set_times dirfd={fd} lookup={lookup:#x} path={shown} flags={flags:#x}"),
            );
            unsafe {
                wasi::path_filestat_set_times(fd, lookup, path, path_len, 0, 0, flags)
            }
        }
        12 => {
            let lookup = f.rng.pick(&[2, 0x8000_0000]);
            announce("decode", &format!("path_filestat_get dirfd={fd} lookup={lookup:#x} path={shown}"));
            unsafe { wasi::path_filestat_get(fd, lookup, path, path_len, out) }
        }
        13 => {
            let lookup = f.rng.pick(&[2, 4]);
            announce("decode", &format!("path_link dirfd={fd} lookup={lookup:#x} path={shown} to=new"));
            mem::write_bytes(mem::addr(mem::PATH_B), b"new");
            unsafe {
                wasi::path_link(fd, lookup, path, path_len, fd, mem::addr(mem::PATH_B), 3)
            }
        }
        14 => {
            let flags = f.rng.pick(&[4, 0x8000, 0x1_0000]);
            announce("decode", &format!("sock_recv fd={fd} flags={flags:#x}"));
            unsafe { wasi::sock_recv(fd, iovs, 1, flags, out, out + 8) }
        }
        15 => {
            let how = f.rng.pick(&[4, 8, 256]);
            announce("decode", &format!("sock_shutdown fd={fd} how={how}"));
            unsafe { wasi::sock_shutdown(fd, how) }
        }
        16 => {
            let flags = f.rng.pick(&bad_u16_flags);
            announce("decode", &format!("sock_accept fd={fd} flags={flags:#x}"));
            unsafe { wasi::sock_accept(fd, flags, out) }
        }
        _ => {
            let flags = f.rng.pick(&[0x1_0000, u32::MAX]);
            announce("decode", &format!("sock_send fd={fd} flags={flags:#x}"));
            unsafe { wasi::sock_send(fd, iovs, 1, flags, out) }
        }
    }
}

/// An address that is out of bounds (fully or partly) or misaligned for a
/// result of alignment `align`.
fn bad_result_ptr(f: &mut Fuzzer, far: u32, align: u32) -> u32 {
    match f.rng.below(4) {
        0 => far,
        1 => far - 2,
        2 => u32::MAX - 3,
        _ => mem::addr(mem::RESULT) + f.rng.range(1, align - 1),
    }
}

fn pointer(f: &mut Fuzzer, far: u32) -> Errno {
    let fd = if f.rng.chance(30) { f.any_fd() } else { f.file_fd() };
    let iovs = mem::addr(mem::IOVS);
    let data = mem::addr(mem::DATA);
    mem::write_bytes(mem::addr(mem::PATH_A), b"seed.txt");
    let seed_txt = mem::addr(mem::PATH_A);
    match f.rng.below(16) {
        0 => {
            // The iovec array itself: past the end, straddling it, misaligned.
            let at = f.rng.pick(&[far, far - 4, u32::MAX - 7, iovs + 2]);
            mem::set_u32(iovs + 2, data);
            mem::set_u32(iovs + 6, 8);
            // A whole line, should the write go through.
            mem::write_bytes(data, b"written\n");
            let write = f.rng.chance(50);
            announce("pointer", &format!("fd_{} fd={fd} iovs_ptr={}", if write { "write" } else { "read" }, show_ptr(at)));
            let out = mem::addr(mem::RESULT);
            unsafe {
                if write {
                    wasi::fd_write(fd, at, 1, out)
                } else {
                    wasi::fd_read(fd, at, 1, out)
                }
            }
        }
        1 => {
            // A buffer past or straddling the end, small or large (below the
            // 128 MiB fuel limit, so the host really dereferences it).
            let (buf, len) = f.rng.pick(&[(far - 8, 16), (far, 1), (data, 64 << 20), (far - 100, 200)]);
            mem::set_u32(iovs, buf);
            mem::set_u32(iovs + 4, len);
            let which = f.rng.below(4);
            let names = ["fd_read", "fd_write", "fd_pread", "fd_pwrite"];
            announce(
                "pointer",
                &format!("{} fd={fd} buf={} len={len}", names[which as usize], show_ptr(buf)),
            );
            let out = mem::addr(mem::RESULT);
            unsafe {
                match which {
                    0 => wasi::fd_read(fd, iovs, 1, out),
                    1 => wasi::fd_write(fd, iovs, 1, out),
                    2 => wasi::fd_pread(fd, iovs, 1, 0, out),
                    _ => wasi::fd_pwrite(fd, iovs, 1, 0, out),
                }
            }
        }
        2 => {
            // The count written back by a write that succeeds.
            let out = bad_result_ptr(f, far, 4);
            mem::write_bytes(data, b"probe\n");
            mem::set_u32(iovs, data);
            mem::set_u32(iovs + 4, 6);
            let target = f.rng.pick(&[1, fd]);
            announce("pointer", &format!("fd_write fd={target} nwritten_ptr={}", show_ptr(out)));
            unsafe { wasi::fd_write(target, iovs, 1, out) }
        }
        3 => {
            let out = bad_result_ptr(f, far, 8);
            announce("pointer", &format!("fd_fdstat_get fd={fd} out={}", show_ptr(out)));
            unsafe { wasi::fd_fdstat_get(fd, out) }
        }
        4 => {
            let out = bad_result_ptr(f, far, 8);
            announce("pointer", &format!("fd_filestat_get fd={fd} out={}", show_ptr(out)));
            unsafe { wasi::fd_filestat_get(fd, out) }
        }
        5 => {
            let out = bad_result_ptr(f, far, 8);
            if f.rng.chance(50) {
                announce("pointer", &format!("fd_tell fd={fd} out={}", show_ptr(out)));
                unsafe { wasi::fd_tell(fd, out) }
            } else {
                announce("pointer", &format!("fd_seek fd={fd} out={}", show_ptr(out)));
                unsafe { wasi::fd_seek(fd, 0, 1, out) }
            }
        }
        6 => {
            let out = bad_result_ptr(f, far, 8);
            let id = f.rng.range(0, 3);
            announce("pointer", &format!("clock_time_get id={id} out={}", show_ptr(out)));
            unsafe { wasi::clock_time_get(id, 0, out) }
        }
        7 => {
            let out = bad_result_ptr(f, far, 4);
            let fd = f.rng.range(2, 5);
            announce("pointer", &format!("fd_prestat_get fd={fd} out={}", show_ptr(out)));
            unsafe { wasi::fd_prestat_get(fd, out) }
        }
        8 => {
            let out = bad_result_ptr(f, far, 4);
            let environ = f.rng.chance(50);
            announce(
                "pointer",
                &format!("{} count_ptr={}", if environ { "environ_sizes_get" } else { "args_sizes_get" }, show_ptr(out)),
            );
            let size = mem::addr(mem::RESULT2);
            unsafe {
                if environ {
                    wasi::environ_sizes_get(out, size)
                } else {
                    wasi::args_sizes_get(out, size)
                }
            }
        }
        9 => {
            // A path that is out of bounds, or whose length runs past the end
            // (for path_unlink_file, which charges no fuel for it, any length).
            let (ptr, len) = f.rng.pick(&[(far - 3, 10), (far, 1), (seed_txt, 100 << 20), (seed_txt, u32::MAX)]);
            let dirfd = f.dir_fd();
            let which = f.rng.below(3);
            let names = ["path_open", "path_unlink_file", "path_filestat_get"];
            announce(
                "pointer",
                &format!("{} dirfd={dirfd} path={} len={len}", names[which as usize], show_ptr(ptr)),
            );
            let out = mem::addr(mem::RESULT);
            unsafe {
                match which {
                    0 => wasi::path_open(dirfd, 0, ptr, len, 0, 0, 0, 0, out),
                    1 => wasi::path_unlink_file(dirfd, ptr, len),
                    _ => wasi::path_filestat_get(dirfd, 0, ptr, len, out),
                }
            }
        }
        10 => {
            let buf = f.rng.pick(&[far - 30, far, far - 200]);
            let dirfd = f.dir_fd();
            announce("pointer", &format!("fd_readdir fd={dirfd} buf={} len=4096", show_ptr(buf)));
            unsafe { wasi::fd_readdir(dirfd, buf, 4096, 0, mem::addr(mem::RESULT)) }
        }
        11 => {
            let subs = mem::addr(mem::SUBS);
            // One ready clock.
            mem::fill(subs, 48, 0);
            mem::set_u32(subs + 16, 1);
            mem::write_bytes(subs + 40, &[1, 0]);
            let events = mem::addr(mem::EVENTS);
            let (s, e, n) = f.rng.pick(&[
                (far - 16, events, 1),
                (subs, far - 8, 1),
                (subs + 4, events, 1),
                (subs, events + 4, 1),
                (subs, events, 100_000),
                (far, events, 2),
            ]);
            announce(
                "pointer",
                &format!("poll_oneoff subs={} events={} nsubs={n}", show_ptr(s), show_ptr(e)),
            );
            unsafe { wasi::poll_oneoff(s, e, n, mem::addr(mem::RESULT2)) }
        }
        12 => {
            let (buf, len) = f.rng.pick(&[(far - 10, 100), (far, 1), (u32::MAX, 2)]);
            announce("pointer", &format!("random_get buf={} len={len}", show_ptr(buf)));
            unsafe { wasi::random_get(buf, len) }
        }
        13 => {
            let (argv, buf) = f.rng.pick(&[(far - 4, data), (data, far - 2), (data + 2, data + 64)]);
            let environ = f.rng.chance(50);
            announce(
                "pointer",
                &format!("{} ptrs={} buf={}", if environ { "environ_get" } else { "args_get" }, show_ptr(argv), show_ptr(buf)),
            );
            unsafe {
                if environ {
                    wasi::environ_get(argv, buf)
                } else {
                    wasi::args_get(argv, buf)
                }
            }
        }
        14 => {
            let buf = f.rng.pick(&[far - 2, far]);
            let prefd = f.rng.range(3, 4);
            announce("pointer", &format!("fd_prestat_dir_name fd={prefd} buf={} len=100", show_ptr(buf)));
            unsafe { wasi::fd_prestat_dir_name(prefd, buf, 100) }
        }
        _ => {
            let buf = f.rng.pick(&[far - 3, far]);
            mem::write_bytes(mem::addr(mem::PATH_A), b"link-to-seed");
            announce("pointer", &format!("path_readlink dirfd=3 path=\"link-to-seed\" buf={} len=100", show_ptr(buf)));
            unsafe {
                wasi::path_readlink(3, mem::addr(mem::PATH_A), 12, buf, 100, mem::addr(mem::RESULT))
            }
        }
    }
}
