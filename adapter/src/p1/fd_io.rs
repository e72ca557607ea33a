//! fd_read, fd_write, fd_pread, fd_pwrite, fd_seek, fd_tell: moving bytes
//! through every iovec the guest passes.

use super::{iovec, store_u32, store_u64};
use crate::descriptors::{kind, Descriptor};
use crate::errno::{self, Errno};
use crate::import_alloc::ImportPlan;
use crate::wasi::io::{self as io, ReadResult, UnitStreamResult, STREAM_ERROR_CLOSED};
use crate::wasi::ReturnArea;
#[cfg(not(feature = "proxy"))]
use super::files::{read_file, write_file};
use crate::{state, stdio};

/// `blocking-write-and-flush` accepts at most this many bytes per call.
const STREAM_WRITE_CHUNK: usize = 4096;

const WHENCE_SET: u32 = 0;
const WHENCE_CUR: u32 = 1;
#[cfg(not(feature = "proxy"))]
const WHENCE_END: u32 = 2;

/// Moves bytes through each non-empty iovec in turn with `transfer(buf,
/// len, done_so_far)`, stopping at the first short transfer. An error after
/// some bytes moved ends the call with those bytes, like a native short
/// read or write; an error before is the call's errno. Stores the total.
fn each_iovec(
    iovs: u32,
    iovs_len: u32,
    total_out: u32,
    mut transfer: impl FnMut(usize, usize, usize) -> Result<usize, Errno>,
) -> Errno {
    let mut total = 0usize;
    for i in 0..iovs_len {
        let (buf, len) = iovec(iovs, i);
        if len == 0 {
            continue;
        }
        match transfer(buf, len, total) {
            Ok(n) => {
                total += n;
                if n < len {
                    break;
                }
            }
            Err(_) if total > 0 => break,
            Err(e) => return e,
        }
    }
    store_u32(total_out, total as u32);
    errno::SUCCESS
}

pub fn fd_write(fd: u32, iovs: u32, iovs_len: u32, nwritten: u32) -> Errno {
    let d = match state::get().descriptors.get(fd) {
        Ok(d) => d,
        Err(e) => return e,
    };
    each_iovec(iovs, iovs_len, nwritten, |buf, len, _| match d.kind {
        kind::STDOUT | kind::STDERR => write_stream(stdio::output_stream(d), buf, len),
        #[cfg(not(feature = "proxy"))]
        kind::FILE => write_file(d, buf, len, None),
        _ => Err(errno::BADF),
    })
}

#[cfg(not(feature = "proxy"))]
pub fn fd_pwrite(fd: u32, iovs: u32, iovs_len: u32, offset: u64, nwritten: u32) -> Errno {
    match file(fd) {
        Ok(d) => each_iovec(iovs, iovs_len, nwritten, |buf, len, done| {
            write_file(d, buf, len, Some(offset + done as u64))
        }),
        Err(e) => e,
    }
}

/// Writes all of `[buf, buf + len)` to a stream, in chunks the host accepts.
pub(super) fn write_stream(stream: u32, buf: usize, len: usize) -> Result<usize, Errno> {
    let mut done = 0;
    while done < len {
        let chunk = (len - done).min(STREAM_WRITE_CHUNK);
        let mut ret = ReturnArea::new();
        // SAFETY: the guest's buffer, passed to the host as a list.
        unsafe { io::output_blocking_write_and_flush(stream, (buf + done) as *const u8, chunk, ret.ptr()) };
        let result: UnitStreamResult = ret.get();
        if result.is_err != 0 {
            return Err(stream_error(result.error_tag, result.error_handle));
        }
        done += chunk;
    }
    Ok(done)
}

pub fn fd_read(fd: u32, iovs: u32, iovs_len: u32, nread: u32) -> Errno {
    let d = match state::get().descriptors.get(fd) {
        Ok(d) => d,
        Err(e) => return e,
    };
    each_iovec(iovs, iovs_len, nread, |buf, len, done| match d.kind {
        // Block for the first bytes only; later iovecs take what is already
        // there, like readv(2).
        kind::STDIN => read_stream(stdio::input_stream(d), buf, len, done == 0),
        #[cfg(not(feature = "proxy"))]
        kind::FILE => read_file(d, buf, len, None),
        _ => Err(errno::BADF),
    })
}

#[cfg(not(feature = "proxy"))]
pub fn fd_pread(fd: u32, iovs: u32, iovs_len: u32, offset: u64, nread: u32) -> Errno {
    match file(fd) {
        Ok(d) => each_iovec(iovs, iovs_len, nread, |buf, len, done| {
            read_file(d, buf, len, Some(offset + done as u64))
        }),
        Err(e) => e,
    }
}

/// Reads into `[buf, buf + len)` straight from the host. End of stream is a
/// zero-byte read.
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
        return Err(stream_error(tag, result.word2));
    }
    Ok(result.word2 as usize)
}

/// Maps a stream error and releases its `error` resource.
fn stream_error(tag: u8, handle: u32) -> Errno {
    if tag == STREAM_ERROR_CLOSED {
        return errno::PIPE;
    }
    // SAFETY: an own `error` handle from the failed call.
    unsafe { io::drop_error(handle) };
    errno::IO
}

/// fd_pread/fd_pwrite in the proxy flavour, which has no files: the error
/// positioned I/O gets on whatever the descriptor is.
#[cfg(feature = "proxy")]
pub fn positioned_io_without_files(fd: u32) -> Errno {
    match file(fd) {
        Ok(_) => errno::BADF,
        Err(e) => e,
    }
}

/// A descriptor that supports positioned I/O: a file. Stdio answers ESPIPE
/// like the native host.
fn file(fd: u32) -> Result<&'static mut Descriptor, Errno> {
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
    let d = match file(fd) {
        Ok(d) => d,
        Err(e) => return e,
    };
    let position = match whence {
        WHENCE_SET if offset >= 0 => Some(offset as u64),
        WHENCE_CUR => d.position.checked_add_signed(offset),
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
    match file(fd) {
        Ok(d) => {
            store_u64(out, d.position);
            errno::SUCCESS
        }
        Err(e) => e,
    }
}
