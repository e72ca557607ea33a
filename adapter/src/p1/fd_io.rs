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

use super::types::whence;
use super::{iovec, store_u32, store_u64, Guest, HOSTCALL_BUDGET};
use crate::descriptors::{kind, Descriptor};
use crate::errno::{self, Errno};
use crate::state::State;
use crate::stdio;
use crate::wasi::abi::{Allocator, ImportPlan};
use crate::wasi::io::streams::{self, StreamError};
#[cfg(not(feature = "proxy"))]
use super::files::{read_file, write_file};

/// The guest's iovec array, checked the way the native host checks it.
struct Iovecs {
    guest: Guest,
    list: u32,
    len: u32,
    /// Index of the first non-empty iovec (`len` when all are empty).
    first: u32,
}

impl Iovecs {
    #[inline(never)]
    fn scan(guest: Guest, list: u32, len: u32) -> Result<Iovecs, Errno> {
        let array_bytes = u64::from(len) * 8;
        if array_bytes > HOSTCALL_BUDGET {
            return Err(errno::NOMEM);
        }
        for i in 0..len {
            guest.check(list, u64::from(i) * 8 + 8)?;
            let (_, buf_len) = iovec(list, i);
            if buf_len != 0 {
                if buf_len as u64 > HOSTCALL_BUDGET - array_bytes {
                    return Err(errno::NOMEM);
                }
                return Ok(Iovecs { guest, list, len, first: i });
            }
        }
        Ok(Iovecs { guest, list, len, first: len })
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
        self.guest.check(buf as u32, len as u64)?;
        let mut total = transfer(buf, len, 0)?;
        if total < len {
            return Ok(total);
        }
        for i in self.first + 1..self.len {
            if self.guest.check(self.list, u64::from(i) * 8 + 8).is_err() {
                break;
            }
            let (buf, len) = iovec(self.list, i);
            if len == 0 {
                continue;
            }
            // Anything the native host would refuse ends the call here.
            if len as u64 > HOSTCALL_BUDGET || self.guest.check(buf as u32, len as u64).is_err() {
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

pub fn fd_write(state: &mut State, fd: u32, iovs: u32, iovs_len: u32, nwritten: u32) -> Result<(), Errno> {
    transfer(state, fd, iovs, iovs_len, Direction::Write, None, nwritten)
}

pub fn fd_read(state: &mut State, fd: u32, iovs: u32, iovs_len: u32, nread: u32) -> Result<(), Errno> {
    transfer(state, fd, iovs, iovs_len, Direction::Read, None, nread)
}

pub fn fd_pwrite(state: &mut State, fd: u32, iovs: u32, iovs_len: u32, offset: u64, nwritten: u32) -> Result<(), Errno> {
    transfer(state, fd, iovs, iovs_len, Direction::Write, Some(offset), nwritten)
}

pub fn fd_pread(state: &mut State, fd: u32, iovs: u32, iovs_len: u32, offset: u64, nread: u32) -> Result<(), Errno> {
    transfer(state, fd, iovs, iovs_len, Direction::Read, Some(offset), nread)
}

#[derive(Clone, Copy, PartialEq)]
enum Direction {
    Read,
    Write,
}

/// The four transfers in one: the iovecs are checked, then the descriptor
/// decides (before any buffer is looked at) whether it takes this
/// direction, and at an offset; then the bytes move, and the count is
/// stored in `out`.
#[inline(never)]
fn transfer(
    state: &mut State,
    fd: u32,
    iovs: u32,
    iovs_len: u32,
    direction: Direction,
    offset: Option<u64>,
    out: u32,
) -> Result<(), Errno> {
    let guest = Guest::of(state);
    let iovecs = Iovecs::scan(guest, iovs, iovs_len)?;
    let allocator = &state.alloc;
    let d = state.descriptors.get(fd, allocator)?;
    let reading = direction == Direction::Read;
    // The stream of a standard stream descriptor; positioned I/O on one is
    // ESPIPE, the wrong direction EBADF, as on the native host.
    let stream = match (d.kind, reading) {
        (kind::STDIN, true) | (kind::STDOUT | kind::STDERR, false) if offset.is_some() => return Err(errno::SPIPE),
        (kind::STDIN, true) => stdio::input_stream(d),
        (kind::STDOUT | kind::STDERR, false) => stdio::output_stream(d),
        #[cfg(not(feature = "proxy"))]
        (kind::FILE, _) => 0,
        _ => return Err(errno::BADF),
    };
    #[cfg(not(feature = "proxy"))]
    if let (kind::FILE, true, Some(at), Some((buf, len))) = (d.kind, reading, offset, iovecs.first()) {
        // The native host copies only what it read into the buffer: a
        // buffer past the end of memory fails only if there was something
        // to copy.
        if guest.check(buf as u32, len as u64).is_err() {
            return match super::files::read_nowhere(allocator, d, len, at)? {
                0 => {
                    store_u32(out, 0);
                    Ok(())
                }
                _ => Err(errno::FAULT),
            };
        }
    }
    let n = iovecs.each(|buf, len, done| {
        #[cfg(not(feature = "proxy"))]
        if d.kind == kind::FILE {
            let at = offset.map(|o| o.wrapping_add(done as u64));
            return if reading { read_file(allocator, d, buf, len, at) } else { write_file(d, buf, len, at) };
        }
        if reading {
            // Block for the first bytes only; later iovecs take what is
            // already there, like readv(2).
            read_stream(allocator, stream, buf, len, done == 0)
        } else {
            stdio::write_stream(stream, buf, len)
        }
    })?;
    #[cfg(not(feature = "proxy"))]
    if d.kind == kind::FILE && !reading && offset.is_none() && d.flags & crate::descriptors::flag::APPEND != 0 {
        super::files::end_of_append(d)?;
    }
    store_u32(out, n as u32);
    Ok(())
}

/// `fd_write` inside a host-started allocation: stdout and stderr are kept
/// for the next unpaused call (see `pause`); anything else is ENOTSUP.
pub fn fd_write_paused(state: &mut State, fd: u32, iovs: u32, iovs_len: u32, nwritten: u32) -> Result<(), Errno> {
    let iovecs = Iovecs::scan(Guest::of(state), iovs, iovs_len)?;
    // Numbers above 2 could need the preopens fetched: a host call.
    if fd >= 3 {
        return Err(errno::NOTSUP);
    }
    if !matches!(state.descriptors.get_loaded(fd)?.kind, kind::STDOUT | kind::STDERR) {
        return Err(errno::NOTSUP);
    }
    let pause = &mut state.pause;
    let n = iovecs.each(|buf, len, _| {
        pause.keep_output(fd as u8, buf, len);
        Ok(len)
    })?;
    store_u32(nwritten, n as u32);
    Ok(())
}

/// Reads into `[buf, buf + len)` straight from the host. End of stream is a
/// zero-byte read; a blocking read that returns nothing (only possible for
/// an empty buffer) is EINTR, as on the native host.
fn read_stream(allocator: &Allocator, stream: u32, buf: usize, len: usize, blocking: bool) -> Result<usize, Errno> {
    let plan = ImportPlan::into_buffer(allocator, buf, len);
    let result = if blocking {
        streams::input_stream_blocking_read(&plan, stream, len as u64)
    } else {
        streams::input_stream_read(&plan, stream, len as u64)
    };
    match result {
        Ok(bytes) if bytes.len() == 0 && blocking => Err(errno::INTR),
        Ok(bytes) => Ok(bytes.len()),
        Err(StreamError::Closed) => Ok(0),
        Err(error) => Err(errno::from_stream_error(error)),
    }
}

/// A descriptor with a position: a file. Standard streams answer ESPIPE
/// like the native host.
fn seekable(d: &mut Descriptor) -> Result<&mut Descriptor, Errno> {
    match d.kind {
        kind::FILE => Ok(d),
        kind::STDIN | kind::STDOUT | kind::STDERR => Err(errno::SPIPE),
        _ => Err(errno::BADF),
    }
}

pub fn fd_seek(state: &mut State, fd: u32, offset: i64, whence: u32, new_offset: u32) -> Result<(), Errno> {
    // An unknown whence is EINVAL before anything else (the native host
    // traps decoding it).
    if whence > whence::END {
        return Err(errno::INVAL);
    }
    let d = seekable(state.descriptors.get(fd, &state.alloc)?)?;
    let position = match whence {
        whence::SET if offset >= 0 => Some(offset as u64),
        whence::CUR => { d.position }.checked_add_signed(offset),
        #[cfg(not(feature = "proxy"))]
        whence::END => super::files::stat(d.handle)?.size.checked_add_signed(offset),
        _ => None,
    };
    let position = position.ok_or(errno::INVAL)?;
    d.position = position;
    store_u64(new_offset, position);
    Ok(())
}

pub fn fd_tell(state: &mut State, fd: u32, out: u32) -> Result<(), Errno> {
    let d = seekable(state.descriptors.get(fd, &state.alloc)?)?;
    store_u64(out, d.position);
    Ok(())
}
