//! Output lines, written with raw single-iovec `fd_write` calls on fd 1 (kept
//! away from the scratch area the fuzzed calls use, and independent of
//! std's buffering, so nothing the fuzzer does to other descriptors can
//! reorder or lose them).

use crate::{mem, wasi};
use core::ptr::addr_of_mut;

#[repr(C, align(8))]
struct OutIo {
    iov: [u32; 2],
    written: u32,
}

static mut OUT_IO: OutIo = OutIo {
    iov: [0; 2],
    written: 0,
};

/// Writes `text` and a newline to stdout; exits the program if stdout is
/// broken (nothing could be reported anyway).
pub fn line(text: &str) {
    let mut bytes = Vec::with_capacity(text.len() + 1);
    bytes.extend_from_slice(text.as_bytes());
    bytes.push(b'\n');
    write_all(1, &bytes);
}

pub fn write_all(fd: u32, bytes: &[u8]) {
    let io = addr_of_mut!(OUT_IO) as u32;
    let mut done = 0;
    while done < bytes.len() {
        let rest = &bytes[done..];
        mem::set_u32(io, rest.as_ptr() as u32);
        mem::set_u32(io + 4, rest.len() as u32);
        let errno = unsafe { wasi::fd_write(fd, io, 1, io + 8) };
        let n = mem::u32_at(io + 8) as usize;
        if errno != wasi::SUCCESS || n == 0 {
            std::process::exit(70);
        }
        done += n;
    }
}
