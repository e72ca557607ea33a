//! Clocks, randomness, arguments and environment, scheduling, sockets.
//! Values that legitimately differ between hosts (times, random bytes) are
//! printed as properties only.

use crate::fuzzer::Fuzzer;
use crate::mem;
use crate::wasi::{self, Errno};

pub fn clocks(f: &mut Fuzzer) {
    // 0 realtime, 1 monotonic, 2 process cputime, 3 thread cputime; larger
    // ids are decoding errors that trap natively (probe.rs).
    let id = f.rng.below(4) as u32;
    let out = mem::addr(mem::RESULT);
    mem::set_u64(out, 0);
    if f.rng.chance(50) {
        let precision = f.rng.pick(&[0, 1, 1000, u64::MAX]);
        let errno = unsafe { wasi::clock_time_get(id, precision, out) };
        let results = if errno == wasi::SUCCESS {
            // Realtime is past 2001, monotonic readings are nonzero.
            let t = mem::u64_at(out);
            let sane = if id == 0 { t > 1_000_000_000_000_000_000 } else { t > 0 };
            format!("sane={sane}")
        } else {
            String::new()
        };
        f.report("clock_time_get", &format!("id={id} precision={precision}"), errno, &results);
    } else {
        let errno = unsafe { wasi::clock_res_get(id, out) };
        let results = if errno == wasi::SUCCESS {
            format!("positive={}", mem::u64_at(out) > 0)
        } else {
            String::new()
        };
        f.report("clock_res_get", &format!("id={id}"), errno, &results);
    }
}

pub fn random_get(f: &mut Fuzzer) {
    let len = f.rng.pick(&[0, 1, 7, 16, 256, 4096, 65536]);
    let buf = mem::addr(mem::DATA);
    mem::fill(buf, len + 16, 0);
    let errno = unsafe { wasi::random_get(buf, len) };
    // Only whether the bytes stayed inside the buffer is comparable.
    let after = mem::read_bytes(buf + len, 16);
    let inside = after.iter().all(|&b| b == 0);
    f.report("random_get", &format!("len={len}"), errno, &format!("inside={inside}"));
}

pub fn sched_yield(f: &mut Fuzzer) {
    let errno = unsafe { wasi::sched_yield() };
    f.report("sched_yield", "", errno, "");
}

/// `args_sizes_get` + `args_get`, or the same for the environment.
pub fn args_or_environ(f: &mut Fuzzer) {
    let environ = f.rng.chance(50);
    let (count_at, size_at) = (mem::addr(mem::RESULT), mem::addr(mem::RESULT) + 8);
    let (sizes_name, get_name) = if environ {
        ("environ_sizes_get", "environ_get")
    } else {
        ("args_sizes_get", "args_get")
    };
    let errno = unsafe {
        if environ {
            wasi::environ_sizes_get(count_at, size_at)
        } else {
            wasi::args_sizes_get(count_at, size_at)
        }
    };
    let (count, size) = (mem::u32_at(count_at), mem::u32_at(size_at));
    f.report(sizes_name, "", errno, &format!("count={count} size={size}"));
    if errno != wasi::SUCCESS {
        return;
    }
    // Exactly the announced sizes, in heap buffers (the environment of a
    // run may be larger than the scratch area). Marker bytes after the
    // strings show writes past the announced size.
    let pointers = vec![0u32; count as usize + 1];
    let strings = vec![0xeeu8; size as usize + 8];
    let errno = unsafe {
        if environ {
            wasi::environ_get(pointers.as_ptr() as u32, strings.as_ptr() as u32)
        } else {
            wasi::args_get(pointers.as_ptr() as u32, strings.as_ptr() as u32)
        }
    };
    let base = strings.as_ptr() as u32;
    let strings = mem::read_bytes(base, size + 8);
    let pointers: Vec<u32> = (0..count)
        .map(|i| mem::u32_at(pointers.as_ptr() as u32 + 4 * i))
        .collect();
    // Pointers as offsets into the buffer: comparable, unlike addresses.
    let offsets: Vec<u32> = pointers.iter().map(|p| p.wrapping_sub(base)).collect();
    let untouched = strings[size as usize..].iter().all(|&b| b == 0xee);
    f.report(
        get_name,
        "",
        errno,
        &format!(
            "strings={} offsets={} inside={untouched}",
            mem::hash(&strings[..size as usize]),
            mem::hash(&offsets.iter().flat_map(|o| o.to_le_bytes()).collect::<Vec<u8>>())
        ),
    );
}

pub fn sockets(f: &mut Fuzzer) {
    let fd = f.any_fd();
    let out = mem::addr(mem::RESULT);
    let iovs = mem::addr(mem::IOVS);
    mem::set_u32(iovs, mem::addr(mem::DATA));
    mem::set_u32(iovs + 4, 16);
    let (name, args, errno): (&str, String, Errno) = match f.rng.below(4) {
        0 => {
            let flags = f.fdflags();
            ("sock_accept", format!("fd={fd} flags={flags:#x}"), unsafe {
                wasi::sock_accept(fd, flags, out)
            })
        }
        1 => {
            let flags = f.rng.below(4) as u32;
            ("sock_recv", format!("fd={fd} flags={flags:#x}"), unsafe {
                wasi::sock_recv(fd, iovs, 1, flags, out, out + 8)
            })
        }
        2 => {
            // siflags is a plain u16 the native host ignores.
            let flags = if f.avoids("sock-send-flags") {
                0
            } else {
                f.rng.pick(&[0, 1, 0xffff])
            };
            ("sock_send", format!("fd={fd} flags={flags:#x}"), unsafe {
                wasi::sock_send(fd, iovs, 1, flags, out)
            })
        }
        _ => {
            let how = f.rng.below(4) as u32;
            ("sock_shutdown", format!("fd={fd} how={how}"), unsafe {
                wasi::sock_shutdown(fd, how)
            })
        }
    };
    f.report(name, &args, errno, "");
}
