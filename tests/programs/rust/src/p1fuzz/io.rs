//! fd_read / fd_write / fd_pread / fd_pwrite.
//!
//! The native host moves only the first non-empty iovec per call; our
//! adapter moves all of them (a documented superset). So:
//! * `single` and `malformed` modes never pass more than one non-empty iovec
//!   (empty ones around it are fine): the byte count of every call is printed.
//! * `multi` mode passes any iovecs and then completes the transfer the way
//!   `writev`/`readv` loops in libcs do (re-issuing the call for what is left
//!   until everything moved, end of file, or an error). Both hosts then end
//!   in the same state; only the total and the first error are printed,
//!   never a per-call count.

use crate::fuzzer::{Fuzzer, Mode};
use crate::mem;
use crate::wasi::{self, Errno};

#[derive(Clone, Copy)]
pub enum Op {
    Read,
    Write,
    Pread,
    Pwrite,
}

impl Op {
    fn name(self) -> &'static str {
        match self {
            Op::Read => "fd_read",
            Op::Write => "fd_write",
            Op::Pread => "fd_pread",
            Op::Pwrite => "fd_pwrite",
        }
    }

    fn writes(self) -> bool {
        matches!(self, Op::Write | Op::Pwrite)
    }

    fn positioned(self) -> bool {
        matches!(self, Op::Pread | Op::Pwrite)
    }
}

/// Buffers inside the DATA region: (offset, length) per iovec.
struct Layout {
    iovs: Vec<(u32, u32)>,
    /// Bytes from DATA covering every buffer (and the gaps between them).
    span: u32,
}

const SIZES: [u32; 10] = [1, 2, 7, 16, 100, 511, 1000, 4096, 8192, 20000];

fn layout(f: &mut Fuzzer) -> Layout {
    let count = f.rng.below(4) as usize;
    let lens: Vec<u32> = if f.mode == Mode::Multi {
        (0..count)
            .map(|_| if f.rng.chance(25) { 0 } else { f.rng.pick(&SIZES) })
            .collect()
    } else {
        // At most one non-empty buffer, anywhere in the list.
        let full = if count > 0 && f.rng.chance(90) {
            Some(f.rng.below(count as u64) as usize)
        } else {
            None
        };
        let len = f.rng.pick(&SIZES);
        (0..count)
            .map(|i| if Some(i) == full { len } else { 0 })
            .collect()
    };
    let mut iovs = Vec::new();
    let mut cursor = 0;
    for len in lens {
        cursor += f.rng.below(4) as u32; // gaps catch writes to the wrong place
        iovs.push((cursor, len));
        cursor += len;
    }
    Layout { iovs, span: cursor }
}

/// Fills the buffers with printable bytes (for writes) or a marker (reads).
fn prepare(f: &mut Fuzzer, op: Op, layout: &Layout) {
    let base = mem::addr(mem::DATA);
    if op.writes() {
        let text: Vec<u8> = (0..layout.span)
            .map(|i| {
                if i % 41 == 40 {
                    b'\n'
                } else {
                    b'a' + f.rng.below(26) as u8
                }
            })
            .collect();
        mem::write_bytes(base, &text);
        // Every buffer ends a line, so data written to stdout never runs
        // into the program's own lines.
        for &(offset, len) in &layout.iovs {
            if len > 0 {
                mem::write_bytes(base + offset + len - 1, b"\n");
            }
        }
    } else {
        mem::fill(base, layout.span, 0xee);
    }
}

/// Writes the iovec array for `layout` minus its first `skip` bytes.
fn write_iovs(layout: &Layout, mut skip: u32) -> u32 {
    let mut count = 0;
    for &(offset, len) in &layout.iovs {
        let cut = skip.min(len);
        skip -= cut;
        if cut == len && len > 0 {
            continue;
        }
        let at = mem::addr(mem::IOVS) + count * wasi::IOVEC_SIZE;
        mem::set_u32(at, mem::addr(mem::DATA) + offset + cut);
        mem::set_u32(at + 4, len - cut);
        count += 1;
    }
    count
}

fn call(op: Op, fd: u32, iovs: u32, iovs_len: u32, offset: u64, out: u32) -> Errno {
    unsafe {
        match op {
            Op::Read => wasi::fd_read(fd, iovs, iovs_len, out),
            Op::Write => wasi::fd_write(fd, iovs, iovs_len, out),
            Op::Pread => wasi::fd_pread(fd, iovs, iovs_len, offset, out),
            Op::Pwrite => wasi::fd_pwrite(fd, iovs, iovs_len, offset, out),
        }
    }
}

pub fn fuzz(f: &mut Fuzzer, op: Op) {
    let fd = if f.rng.chance(85) {
        f.file_fd()
    } else {
        f.any_fd()
    };
    let offset = if op.positioned() { f.filesize() } else { 0 };
    if f.malformed() && f.rng.chance(20) {
        return oversized(f, op, fd, offset);
    }
    let layout = layout(f);
    prepare(f, op, &layout);
    let lens: Vec<String> = layout.iovs.iter().map(|(_, l)| l.to_string()).collect();
    let mut args = format!("fd={fd} iovs=[{}]", lens.join(","));
    if op.positioned() {
        args.push_str(&format!(" offset={offset}"));
    }
    let out = mem::addr(mem::RESULT);

    let total_len: u32 = layout.iovs.iter().map(|(_, l)| l).sum();
    let mut total: u64 = 0;
    let mut first = wasi::SUCCESS;
    let mut later = None;
    for round in 0..64 {
        let iovs_len = write_iovs(&layout, total as u32);
        let errno = call(
            op,
            fd,
            mem::addr(mem::IOVS),
            iovs_len,
            offset.wrapping_add(total),
            out,
        );
        if errno != wasi::SUCCESS {
            if round == 0 {
                first = errno;
            } else {
                later = Some(errno);
            }
            break;
        }
        let n = mem::u32_at(out);
        total += u64::from(n);
        // Single-iovec modes make exactly one call, like the program under
        // test would; multi mode completes the transfer.
        if f.mode != Mode::Multi || n == 0 || total >= u64::from(total_len) {
            break;
        }
    }

    let mut results = String::new();
    if first == wasi::SUCCESS {
        let label = if f.mode == Mode::Multi { "total" } else { "n" };
        results = format!("{label}={total}");
        if !op.writes() {
            let data = mem::read_bytes(mem::addr(mem::DATA), layout.span);
            results.push_str(&format!(" data={}", mem::hash(&data)));
        }
        if let Some(e) = later {
            results.push_str(&format!(" then {}", wasi::errno_name(e)));
        }
    }
    f.report(op.name(), &args, first, &results);
}

/// Lengths the native host refuses before touching memory: it charges
/// "hostcall fuel" (128 MiB by default) for the iovec array and for the
/// first non-empty buffer, and answers NOMEM when that runs out.
fn oversized(f: &mut Fuzzer, op: Op, fd: u32, offset: u64) {
    let iovs = mem::addr(mem::IOVS);
    let (iovs_len, what) = if f.rng.chance(50) {
        mem::set_u32(iovs, mem::addr(mem::DATA));
        mem::set_u32(iovs + 4, 16);
        let len = f.rng.pick(&[1 << 25, 1 << 28, 0x7fff_ffff, u32::MAX]);
        (len, format!("iovs_len={len}"))
    } else {
        let len = f.rng.pick(&[(128 << 20) + 1, 1 << 30, 0x8000_0000, u32::MAX]);
        mem::set_u32(iovs, mem::addr(mem::DATA));
        mem::set_u32(iovs + 4, 0);
        mem::set_u32(iovs + 8, mem::addr(mem::DATA));
        mem::set_u32(iovs + 12, len);
        (2, format!("iovs=[0,{len}]"))
    };
    let args = if op.positioned() {
        format!("fd={fd} {what} offset={offset}")
    } else {
        format!("fd={fd} {what}")
    };
    let out = mem::addr(mem::RESULT);
    let errno = call(op, fd, iovs, iovs_len, offset, out);
    let results = if errno == wasi::SUCCESS {
        format!("n={}", mem::u32_at(out))
    } else {
        String::new()
    };
    f.report(op.name(), &args, errno, &results);
}
