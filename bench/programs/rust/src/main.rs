//! The benchmark's P1 guest: `p1-bench-guest <workload> <n>` runs workload
//! `<n>` times and exits 0, or prints what failed and exits 1.
//!
//! Everything a workload needs (buffers, open descriptors, sizes) is set up
//! before its loop; each iteration of the loop makes one raw P1 call (two for
//! `path_open_close`) and checks its errno. The host times the whole run at
//! two values of `<n>`, so set-up and start-up cancel out.

mod p1;

use p1::*;
use std::process::exit;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(workload), Some(n)) = (args.get(1), args.get(2).and_then(|n| n.parse::<u64>().ok()))
    else {
        fail("usage: p1-bench-guest <workload> <n>");
    };
    // `<workload>_stock_settled`: grow memory once first, as a program
    // that allocates does. Reading the arguments above was the first P1
    // call, so the adapter's arena exists; this growth lets it settle (stop
    // watching for an allocator that claims all memory, docs/memory.md) on
    // the next. (`_stock` says how the host converts; the guest ignores it.)
    let workload = match workload.strip_suffix("_stock_settled") {
        Some(name) => {
            if core::arch::wasm32::memory_grow(0, 1) == usize::MAX {
                fail("memory.grow failed");
            }
            name
        }
        None => workload.as_str(),
    };
    match workload {
        "clock_time_get_monotonic" => clock_time_get_loop(CLOCK_MONOTONIC, n),
        "clock_time_get_realtime" => clock_time_get_loop(CLOCK_REALTIME, n),
        "random_get_32" => random_get_loop(32, n),
        "random_get_64k" => random_get_loop(64 << 10, n),
        "fd_write_file_64" => fd_write_loop(create_file(b"out.bin"), 64, n),
        "fd_write_file_64k" => fd_write_loop(create_file(b"out.bin"), 64 << 10, n),
        "fd_write_stdout_64" => fd_write_loop(STDOUT, 64, n),
        "fd_write_stdout_64k" => fd_write_loop(STDOUT, 64 << 10, n),
        "fd_read_file_64" => fd_read_loop(64, n),
        "fd_read_file_64k" => fd_read_loop(64 << 10, n),
        "path_open_close" => path_open_close_loop(n),
        "path_filestat_get" => path_filestat_get_loop(n),
        "fd_readdir_1000" => fd_readdir_loop(n),
        // The host decides how many arguments and variables there are.
        name if name.starts_with("args_get_") => args_get_loop(n),
        name if name.starts_with("environ_get_") => environ_get_loop(n),
        "poll_oneoff_clock_zero" => poll_oneoff_loop(n),
        // A whole run, start-up included: what `hello world` costs.
        "rust_hello" | "rust_hello_drop_in" => println!("hello, world"),
        other => fail(&format!("unknown workload {other:?}")),
    }
}

fn fail(message: &str) -> ! {
    eprintln!("p1-bench-guest: {message}");
    exit(1)
}

fn check(call: &str, errno: Errno) {
    if errno != 0 {
        fail(&format!("{call} returned errno {errno}"));
    }
}

fn clock_time_get_loop(clock: u32, n: u64) {
    let mut time = 0u64;
    for _ in 0..n {
        check("clock_time_get", unsafe { clock_time_get(clock, 1, &mut time) });
    }
}

fn random_get_loop(size: usize, n: u64) {
    let mut buf = vec![0u8; size];
    for _ in 0..n {
        check("random_get", unsafe { random_get(buf.as_mut_ptr(), size) });
    }
}

fn fd_write_loop(fd: Fd, size: usize, n: u64) {
    let data = vec![b'x'; size];
    let iov = Iovec { buf: data.as_ptr(), len: size };
    let mut written = 0;
    for _ in 0..n {
        check("fd_write", unsafe { fd_write(fd, &iov, 1, &mut written) });
    }
}

/// Reads `data.bin` front to back; the host makes it large enough that no
/// read reaches the end.
fn fd_read_loop(size: usize, n: u64) {
    let fd = open(b"data.bin", 0, RIGHT_FD_READ);
    let mut buf = vec![0u8; size];
    let iov = Iovec { buf: buf.as_mut_ptr(), len: size };
    let mut read = 0;
    for _ in 0..n {
        check("fd_read", unsafe { fd_read(fd, &iov, 1, &mut read) });
        if read != size {
            fail(&format!("fd_read read {read} of {size} bytes: data.bin is too short"));
        }
    }
}

fn path_open_close_loop(n: u64) {
    for _ in 0..n {
        let fd = open(b"small.txt", 0, RIGHT_FD_READ);
        check("fd_close", unsafe { fd_close(fd) });
    }
}

fn path_filestat_get_loop(n: u64) {
    let path = b"small.txt";
    let mut filestat = [0u8; FILESTAT_SIZE];
    for _ in 0..n {
        check("path_filestat_get", unsafe {
            path_filestat_get(
                SANDBOX,
                LOOKUP_SYMLINK_FOLLOW,
                path.as_ptr(),
                path.len(),
                filestat.as_mut_ptr(),
            )
        });
    }
}

/// Each call lists the whole directory (1,000 files plus `.` and `..`) from
/// the start into a buffer that holds all of it.
fn fd_readdir_loop(n: u64) {
    let fd = open(b"dir1000", OFLAGS_DIRECTORY, RIGHT_FD_READ | RIGHT_FD_READDIR);
    let mut buf = vec![0u8; 256 << 10];
    let mut used = 0;
    for _ in 0..n {
        check("fd_readdir", unsafe { fd_readdir(fd, buf.as_mut_ptr(), buf.len(), 0, &mut used) });
        if used == buf.len() {
            fail("fd_readdir filled its buffer: the listing did not fit");
        }
    }
}

fn args_get_loop(n: u64) {
    let (mut count, mut size) = (0, 0);
    check("args_sizes_get", unsafe { args_sizes_get(&mut count, &mut size) });
    let mut pointers = vec![std::ptr::null_mut(); count];
    let mut buf = vec![0u8; size];
    for _ in 0..n {
        check("args_get", unsafe { args_get(pointers.as_mut_ptr(), buf.as_mut_ptr()) });
    }
}

fn environ_get_loop(n: u64) {
    let (mut count, mut size) = (0, 0);
    check("environ_sizes_get", unsafe { environ_sizes_get(&mut count, &mut size) });
    let mut pointers = vec![std::ptr::null_mut(); count];
    let mut buf = vec![0u8; size];
    for _ in 0..n {
        check("environ_get", unsafe { environ_get(pointers.as_mut_ptr(), buf.as_mut_ptr()) });
    }
}

/// One relative monotonic-clock subscription with a zero timeout: the call
/// returns at once with its event.
fn poll_oneoff_loop(n: u64) {
    let mut subscription = [0u8; SUBSCRIPTION_SIZE];
    subscription[SUBSCRIPTION_TAG] = EVENTTYPE_CLOCK;
    subscription[SUBSCRIPTION_CLOCK_ID..][..4].copy_from_slice(&CLOCK_MONOTONIC.to_le_bytes());
    subscription[SUBSCRIPTION_CLOCK_TIMEOUT..][..8].copy_from_slice(&0u64.to_le_bytes());
    let mut event = [0u8; EVENT_SIZE];
    let mut events = 0;
    for _ in 0..n {
        check("poll_oneoff", unsafe {
            poll_oneoff(subscription.as_ptr(), event.as_mut_ptr(), 1, &mut events)
        });
        if events != 1 {
            fail(&format!("poll_oneoff reported {events} events"));
        }
    }
}

fn open(path: &[u8], oflags: u16, rights: u64) -> Fd {
    let mut fd = 0;
    check("path_open", unsafe {
        path_open(
            SANDBOX,
            LOOKUP_SYMLINK_FOLLOW,
            path.as_ptr(),
            path.len(),
            oflags,
            rights,
            0,
            0,
            &mut fd,
        )
    });
    fd
}

fn create_file(path: &[u8]) -> Fd {
    open(path, OFLAGS_CREAT | OFLAGS_TRUNC, RIGHT_FD_WRITE)
}
