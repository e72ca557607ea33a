//! fd_read, fd_write, fd_pread, fd_pwrite, fd_seek, fd_tell.
//!
//! The checks run in the native host's order: the iovec array first (its
//! size against the per-call budget, then each entry up to the first
//! non-empty one), then the descriptor, then the transfer itself. The
//! transfer happens even when every iovec is empty, so a zero-length call
//! still meets the descriptor's own errors (no read right, a bad offset)
//! and an empty append still moves the position to the end of the file.
//!
//! Beyond the native host, which moves only the first non-empty iovec, the
//! adapter goes on with the following ones while each transfer completes
//! (what `readv`/`writev` do); see docs/p1-coverage.md.

use super::{check_range, iovec, store_u32, store_u64, HOSTCALL_BUDGET};
use crate::descriptors::{kind, Descriptor};
use crate::errno::{self, Errno};
use crate::import_alloc::ImportPlan;
use crate::wasi::io::{self as io, ReadResult, STREAM_ERROR_CLOSED};
use crate::wasi::ReturnArea;
#[cfg(not(feature = "proxy"))]
use super::files::{read_file, write_file};
use crate::{state, stdio};

const WHENCE_SET: u32 = 0;
const WHENCE_CUR: u32 = 1;
#[cfg(not(feature = "proxy"))]
const WHENCE_END: u32 = 2;

/// The guest's iovec array, checked the way the native host checks it.
struct Iovecs {
    list: u32,
    len: u32,
    /// Index of the first non-empty iovec (`len` when all are empty).
    first: u32,
}

impl Iovecs {
    fn scan(list: u32, len: u32) -> Result<Iovecs, Errno> {
        let array_bytes = u64::from(len) * 8;
        if array_bytes > HOSTCALL_BUDGET {
            return Err(errno::NOMEM);
        }
        for i in 0..len {
            check_range(list, u64::from(i) * 8 + 8)?;
            let (_, buf_len) = iovec(list, i);
            if buf_len != 0 {
                if buf_len as u64 > HOSTCALL_BUDGET - array_bytes {
                    return Err(errno::NOMEM);
                }
                return Ok(Iovecs { list, len, first: i });
            }
        }
        Ok(Iovecs { list, len, first: len })
    }

    /// The first non-empty iovec, if any.
    #[cfg(not(feature = "proxy"))]
    fn first(&self) -> Option<(usize, usize)> {
        (self.first < self.len).then(|| iovec(self.list, self.first))
    }

    /// Moves bytes through the first non-empty iovec (or, when all are
    /// empty, through an empty buffer) with `transfer(buf, len, done)`,
    /// then through the following ones while each completes. An error
    /// before any byte moved is the call's errno; after, the call ends
    /// with the bytes moved, like a native short read or write.
    fn each(&self, mut transfer: impl FnMut(usize, usize, usize) -> Result<usize, Errno>) -> Result<usize, Errno> {
        if self.first == self.len {
            return transfer(0, 0, 0);
        }
        let (buf, len) = iovec(self.list, self.first);
        check_range(buf as u32, len as u64)?;
        let mut total = transfer(buf, len, 0)?;
        if total < len {
            return Ok(total);
        }
        for i in self.first + 1..self.len {
            if check_range(self.list, u64::from(i) * 8 + 8).is_err() {
                break;
            }
            let (buf, len) = iovec(self.list, i);
            if len == 0 {
                continue;
            }
            // Anything the native host would refuse ends the call here.
            if len as u64 > HOSTCALL_BUDGET || check_range(buf as u32, len as u64).is_err() {
                break;
            }
            match transfer(buf, len, total) {
                Ok(n) => {
                    total += n;
                    if n < len {
                        break;
                    }
                }
                Err(_) => break,
            }
        }
        Ok(total)
    }
}

/// Stores the count of a successful transfer, or returns its errno.
fn finish(result: Result<usize, Errno>, out: u32) -> Errno {
    match result {
        Ok(n) => {
            store_u32(out, n as u32);
            errno::SUCCESS
        }
        Err(e) => e,
    }
}

pub fn fd_write(fd: u32, iovs: u32, iovs_len: u32, nwritten: u32) -> Errno {
    let result = Iovecs::scan(iovs, iovs_len).and_then(|iovecs| {
        let d = state::get().descriptors.get(fd)?;
        // The descriptor decides before the buffer is looked at.
        if !matches!(d.kind, kind::STDOUT | kind::STDERR | kind::FILE) {
            return Err(errno::BADF);
        }
        iovecs.each(|buf, len, _| match d.kind {
            kind::STDOUT | kind::STDERR => stdio::write_stream(stdio::output_stream(d), buf, len),
            #[cfg(not(feature = "proxy"))]
            kind::FILE => write_file(d, buf, len, None),
            _ => Err(errno::BADF),
        })
    });
    finish(result, nwritten)
}

/// `fd_write` inside a host-started allocation: stdout and stderr are kept
/// for the next unpaused call (see `pause`); anything else is ENOTSUP.
pub fn fd_write_paused(fd: u32, iovs: u32, iovs_len: u32, nwritten: u32) -> Errno {
    let result = Iovecs::scan(iovs, iovs_len).and_then(|iovecs| {
        // Numbers above 2 could need the preopens fetched: a host call.
        let d = if fd < 3 { state::get().descriptors.get(fd)? } else { return Err(errno::NOTSUP) };
        if !matches!(d.kind, kind::STDOUT | kind::STDERR) {
            return Err(errno::NOTSUP);
        }
        iovecs.each(|buf, len, _| {
            crate::pause::keep_output(fd as u8, buf, len);
            Ok(len)
        })
    });
    finish(result, nwritten)
}

#[cfg(not(feature = "proxy"))]
pub fn fd_pwrite(fd: u32, iovs: u32, iovs_len: u32, offset: u64, nwritten: u32) -> Errno {
    let result = Iovecs::scan(iovs, iovs_len).and_then(|iovecs| {
        let d = state::get().descriptors.get(fd)?;
        match d.kind {
            kind::FILE => iovecs.each(|buf, len, done| write_file(d, buf, len, Some(offset.wrapping_add(done as u64)))),
            // Writing to a stream at an offset: ESPIPE; anything else EBADF.
            kind::STDOUT | kind::STDERR => Err(errno::SPIPE),
            _ => Err(errno::BADF),
        }
    });
    finish(result, nwritten)
}

pub fn fd_read(fd: u32, iovs: u32, iovs_len: u32, nread: u32) -> Errno {
    let result = Iovecs::scan(iovs, iovs_len).and_then(|iovecs| {
        let d = state::get().descriptors.get(fd)?;
        // The descriptor decides before the buffer is looked at.
        if !matches!(d.kind, kind::STDIN | kind::FILE) {
            return Err(errno::BADF);
        }
        iovecs.each(|buf, len, done| match d.kind {
            // Block for the first bytes only; later iovecs take what is
            // already there, like readv(2).
            kind::STDIN => read_stream(stdio::input_stream(d), buf, len, done == 0),
            #[cfg(not(feature = "proxy"))]
            kind::FILE => read_file(d, buf, len, None),
            _ => Err(errno::BADF),
        })
    });
    finish(result, nread)
}

#[cfg(not(feature = "proxy"))]
pub fn fd_pread(fd: u32, iovs: u32, iovs_len: u32, offset: u64, nread: u32) -> Errno {
    let result = Iovecs::scan(iovs, iovs_len).and_then(|iovecs| {
        let d = state::get().descriptors.get(fd)?;
        match d.kind {
            kind::FILE => match iovecs.first() {
                // The native host copies only what it read into the buffer:
                // a buffer past the end of memory fails only if there was
                // something to copy.
                Some((buf, len)) if check_range(buf as u32, len as u64).is_err() => {
                    super::files::read_nowhere(d, len, offset).and_then(|n| if n == 0 { Ok(0) } else { Err(errno::FAULT) })
                }
                _ => iovecs.each(|buf, len, done| read_file(d, buf, len, Some(offset.wrapping_add(done as u64)))),
            },
            // Reading from a stream at an offset: ESPIPE; anything else EBADF.
            kind::STDIN => Err(errno::SPIPE),
            _ => Err(errno::BADF),
        }
    });
    finish(result, nread)
}

/// Reads into `[buf, buf + len)` straight from the host. End of stream is a
/// zero-byte read; a blocking read that returns nothing (only possible for
/// an empty buffer) is EINTR, as on the native host.
fn read_stream(stream: u32, buf: usize, len: usize, blocking: bool) -> Result<usize, Errno> {
    let plan = ImportPlan::into_buffer(buf, len);
    let mut ret = ReturnArea::new();
    // SAFETY: results land in the guest's buffer per the plan.
    unsafe {
        if blocking {
            io::input_blocking_read(stream, len as u64, ret.ptr())
        } else {
            io::input_read(stream, len as u64, ret.ptr())
        }
    }
    drop(plan);
    let result: ReadResult = ret.get();
    if result.is_err != 0 {
        let tag = result.word1 as u8;
        if tag == STREAM_ERROR_CLOSED {
            return Ok(0);
        }
        return Err(errno::from_stream_error(tag, result.word2));
    }
    if result.word2 == 0 && blocking {
        return Err(errno::INTR);
    }
    Ok(result.word2 as usize)
}

/// fd_pread/fd_pwrite in the proxy flavour, which has no files: the error
/// positioned I/O gets on a standard stream or a bad descriptor.
#[cfg(feature = "proxy")]
pub fn positioned_io_without_files(fd: u32, write: bool) -> Errno {
    match state::get().descriptors.get(fd) {
        Ok(d) if (d.kind == kind::STDIN) != write => errno::SPIPE,
        Ok(_) => errno::BADF,
        Err(e) => e,
    }
}

/// A descriptor with a position: a file. Standard streams answer ESPIPE
/// like the native host.
fn seekable(fd: u32) -> Result<&'static mut Descriptor, Errno> {
    let d = state::get().descriptors.get(fd)?;
    match d.kind {
        kind::FILE => Ok(d),
        kind::STDIN | kind::STDOUT | kind::STDERR => Err(errno::SPIPE),
        _ => Err(errno::BADF),
    }
}

pub fn fd_seek(fd: u32, offset: i64, whence: u32, new_offset: u32) -> Errno {
    // An unknown whence is EINVAL before anything else (the native host
    // traps decoding it).
    if whence > 2 {
        return errno::INVAL;
    }
    let d = match seekable(fd) {
        Ok(d) => d,
        Err(e) => return e,
    };
    let position = match whence {
        WHENCE_SET if offset >= 0 => Some(offset as u64),
        WHENCE_CUR => { d.position }.checked_add_signed(offset),
        #[cfg(not(feature = "proxy"))]
        WHENCE_END => match super::files::stat(d.handle) {
            Ok(stat) => stat.size.checked_add_signed(offset),
            Err(e) => return e,
        },
        _ => None,
    };
    match position {
        Some(p) => {
            d.position = p;
            store_u64(new_offset, p);
            errno::SUCCESS
        }
        None => errno::INVAL,
    }
}

pub fn fd_tell(fd: u32, out: u32) -> Errno {
    match seekable(fd) {
        Ok(d) => {
            store_u64(out, d.position);
            errno::SUCCESS
        }
        Err(e) => e,
    }
}
