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
use super::{iovec, store_u32, store_u64, Guest, HOSTCALL_BUDGET, HOST_READ_CHUNK};
use crate::descriptors::{Descriptor, Position};
use crate::errno::{self, Counted, Errno};
use crate::state::State;
use crate::stdio;
use crate::wasi::abi::{Allocator, BufferPlan, ScratchPlan};
use crate::wasi::io::streams::{self, StreamError};

/// The guest's iovec array, checked the way the native host checks it.
struct Iovecs {
    guest: Guest,
    list: u32,
    len: u32,
    /// Index of the first non-empty iovec (`len` when all are empty).
    first: u32,
}

impl Iovecs {
    #[inline(always)]
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
    if let Some(result) = single(state, fd, iovs, iovs_len, Direction::Write, nwritten) {
        return result;
    }
    transfer(state, fd, iovs, iovs_len, Direction::Write, None, nwritten)
}

pub fn fd_read(state: &mut State, fd: u32, iovs: u32, iovs_len: u32, nread: u32) -> Result<(), Errno> {
    if let Some(result) = single(state, fd, iovs, iovs_len, Direction::Read, nread) {
        return result;
    }
    transfer(state, fd, iovs, iovs_len, Direction::Read, None, nread)
}

/// The call programs nearly always make: one non-empty iovec, in bounds,
/// on a standard stream or at a file's position (not appending). Done
/// here without the general machinery of `transfer`, which would give the
/// same answer; `None` leaves every other call to it, before anything
/// happened.
#[inline(always)]
fn single(state: &mut State, fd: u32, iovs: u32, iovs_len: u32, direction: Direction, out: u32) -> Option<Result<(), Errno>> {
    if iovs_len != 1 {
        return None;
    }
    let guest = Guest::of(state);
    guest.check_inline(iovs, 8).ok()?;
    let (buf, len) = iovec(iovs, 0);
    // Reads up to what one host read returns (so a file read is one host
    // call, and the compiler knows it), writes up to the call's budget.
    let most = if direction == Direction::Read { HOST_READ_CHUNK } else { HOSTCALL_BUDGET as usize - 8 };
    if len == 0 || len > most || guest.check_inline(buf as u32, len as u64).is_err() {
        return None;
    }
    let allocator = &mut state.alloc;
    let reading = direction == Direction::Read;
    // `slot`, not `get`: `Target::of` turns a free, released or bad slot
    // into EBADF as it does any other descriptor of the wrong kind.
    let moved = match Target::of(state.descriptors.slot(fd)?, reading, None).ok()? {
        Target::Stream(stream) if reading => read_stream(allocator, stream, buf, len, true).get(),
        Target::Stream(stream) => write_out(stream, buf, len),
        // Reads of an O_APPEND file are at the position like any other.
        #[cfg(not(feature = "proxy"))]
        Target::File(mut file) if reading => file.read_at_position(allocator, buf, len),
        #[cfg(not(feature = "proxy"))]
        Target::File(mut file) => {
            if file.appends() {
                return None;
            }
            file.write_at_position(buf, len)
        }
        #[cfg(feature = "proxy")]
        Target::NoFile(_) => return None,
    };
    Some(moved.map(|n| store_u32(out, n as u32)))
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

/// Where a transfer's bytes go: a host stream, or a file.
enum Target<'a> {
    Stream(u32),
    #[cfg(not(feature = "proxy"))]
    File(super::files::OpenFile<'a>),
    /// The proxy flavour has no files; this only carries the lifetime.
    #[cfg(feature = "proxy")]
    #[allow(dead_code)]
    NoFile(core::marker::PhantomData<&'a ()>),
}

impl<'a> Target<'a> {
    /// Whether `d` takes this direction (and an offset), as on the native
    /// host: standard streams take their own direction only, and no offset
    /// (ESPIPE); everything else that is not a file is EBADF. The streams
    /// are fetched from the host on first use.
    #[inline(always)]
    fn of(d: &'a mut Descriptor, reading: bool, offset: Option<u64>) -> Result<Target<'a>, Errno> {
        Ok(match d {
            Descriptor::Stdin { .. } | Descriptor::Stdout { .. } | Descriptor::Stderr { .. } if offset.is_some() => {
                return Err(if matches!(d, Descriptor::Stdin { .. }) == reading { errno::SPIPE } else { errno::BADF });
            }
            Descriptor::Stdin { stream, .. } if reading => Target::Stream(stdio::stdin(stream)),
            Descriptor::Stdout { stream, .. } if !reading => Target::Stream(stdio::stdout_or_stderr(stream, true)),
            Descriptor::Stderr { stream, .. } if !reading => Target::Stream(stdio::stdout_or_stderr(stream, false)),
            #[cfg(not(feature = "proxy"))]
            Descriptor::File { .. } => match super::files::OpenFile::of(d) {
                Some(file) => Target::File(file),
                None => return Err(errno::BADF),
            },
            _ => return Err(errno::BADF),
        })
    }
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
    let allocator = &mut state.alloc;
    let reading = direction == Direction::Read;
    let mut target = Target::of(state.descriptors.get(fd)?, reading, offset)?;
    // The native host reads stdin, and files at an offset, into a buffer of
    // its own and copies only what it read: a buffer past the end of memory
    // fails only if what was read does not fit. A file read at its position
    // goes straight into the buffer there, which is checked first: EFAULT
    // at once.
    if let (true, Some((buf, len))) = (reading, iovecs.first()) {
        if guest.check(buf as u32, len as u64).is_err() {
            let n = match (&target, offset) {
                (Target::Stream(stream), _) => read_stream_partly_outside(allocator, guest, *stream, buf, len)?,
                #[cfg(not(feature = "proxy"))]
                (Target::File(file), Some(at)) => file.pread_partly_outside(allocator, guest, buf, len, at)?,
                _ => return Err(errno::FAULT),
            };
            store_u32(out, n as u32);
            return Ok(());
        }
    }
    // One closure for every kind of descriptor: `each` is generic, and each
    // closure type would be another copy of it.
    let n = iovecs.each(|buf, len, done| match &mut target {
        #[cfg(not(feature = "proxy"))]
        Target::File(file) => {
            let at = offset.map(|o| o.wrapping_add(done as u64));
            if reading { file.read(allocator, buf, len, at) } else { file.write(buf, len, at) }
        }
        // Block for the first bytes only; later iovecs take what is already
        // there, like readv(2).
        Target::Stream(stream) if reading => read_stream(allocator, *stream, buf, len, done == 0).get(),
        Target::Stream(stream) => stdio::write_stream(*stream, buf, len).map(|()| len),
        #[cfg(feature = "proxy")]
        Target::NoFile(_) => Ok(0),
    })?;
    #[cfg(not(feature = "proxy"))]
    if let (Target::File(file), false, None) = (&mut target, reading, offset) {
        file.end_of_append()?;
    }
    store_u32(out, n as u32);
    Ok(())
}

/// A write to stdout or stderr: what fits one host write inline, more in
/// chunks.
#[inline(always)]
fn write_out(stream: u32, buf: usize, len: usize) -> Result<usize, Errno> {
    if len <= stdio::STREAM_WRITE_CHUNK {
        stdio::write_chunk(stream, buf, len)?;
        return Ok(len);
    }
    stdio::write_stream(stream, buf, len)?;
    Ok(len)
}

/// `fd_write` inside a host-started allocation: stdout and stderr are kept
/// for the next unpaused call (see `pause`); anything else is ENOTSUP.
pub fn fd_write_paused(state: &mut State, fd: u32, iovs: u32, iovs_len: u32, nwritten: u32) -> Result<(), Errno> {
    let iovecs = Iovecs::scan(Guest::of(state), iovs, iovs_len)?;
    // Numbers above 2 are files or preopens: writing them is a host call.
    if fd >= 3 {
        return Err(errno::NOTSUP);
    }
    if !matches!(state.descriptors.get(fd)?, Descriptor::Stdout { .. } | Descriptor::Stderr { .. }) {
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
/// zero-byte read; a blocking read that returns nothing is EINTR, as on the
/// native host. A read of nothing answers 0 at once, as `read(2)` with a
/// count of 0 and wasmtime's adapter do (the native host waits for the
/// stream, then answers EINTR: docs/p1-coverage.md).
///
/// A blocking read returns at least one byte or reports the stream closed,
/// so for a non-empty buffer that answer should never come; wasmtime never
/// gives it. jco's can, at the very end of input (its Node stream said
/// "readable" before it said "end"), where it means "ask again". So the
/// read is asked again, a few times, before the native answer: on a host
/// that keeps to the interface nothing changes, and on jco a program
/// reading to the end sees the end instead of EINTR.
fn read_stream(allocator: &mut Allocator, stream: u32, buf: usize, len: usize, blocking: bool) -> Counted {
    /// Blocking reads that returned nothing, asked again before EINTR.
    const EMPTY_BLOCKING_RETRIES: u32 = 8;
    if len == 0 {
        return Counted::from(Ok(0));
    }
    let mut retries = 0;
    loop {
        let plan = BufferPlan::new(allocator, buf, len);
        let result = if blocking {
            streams::input_stream_blocking_read(&plan, stream, len as u64)
        } else {
            streams::input_stream_read(&plan, stream, len as u64)
        };
        return Counted::from(match result {
            Ok(bytes) if bytes.len() == 0 && blocking => {
                if retries < EMPTY_BLOCKING_RETRIES {
                    retries += 1;
                    continue;
                }
                Err(errno::INTR)
            }
            Ok(bytes) => Ok(bytes.len()),
            Err(StreamError::Closed) => Ok(0),
            Err(error) => Err(errno::from_stream_error(error)),
        });
    }
}

/// `fd_read` of stdin into a buffer that runs past the end of memory: one
/// blocking read of up to 64 KiB (the most wasmtime's stdin gives at once;
/// the native host asks for the whole buffer) into scratch memory, then
/// `copy_if_fits`.
/// So at the end of input it answers 0, and bytes waiting are consumed
/// whether or not they fit, as on the native host (which reads up to the
/// buffer's length). Unlike `read_stream` it does not ask again after an
/// empty blocking read (for jco): a malformed call gets the native answer.
fn read_stream_partly_outside(allocator: &Allocator, guest: Guest, stream: u32, buf: usize, len: usize) -> Result<usize, Errno> {
    let memory_end = crate::memory::size_bytes();
    let plan = ScratchPlan::new(allocator);
    match streams::input_stream_blocking_read(&plan, stream, len.min(HOST_READ_CHUNK) as u64) {
        Ok(bytes) if bytes.len() == 0 => Err(errno::INTR),
        Ok(bytes) => super::copy_if_fits(guest, buf, bytes, memory_end),
        Err(StreamError::Closed) => Ok(0),
        Err(error) => Err(errno::from_stream_error(error)),
    }
}

/// The position of a file; standard streams answer ESPIPE like the native
/// host, anything else EBADF.
fn position(d: &mut Descriptor) -> Result<&mut Position, Errno> {
    match d {
        #[cfg(not(feature = "proxy"))]
        Descriptor::File { position, .. } => Ok(position),
        Descriptor::Stdin { .. } | Descriptor::Stdout { .. } | Descriptor::Stderr { .. } => Err(errno::SPIPE),
        _ => Err(errno::BADF),
    }
}

pub fn fd_seek(state: &mut State, fd: u32, offset: i64, whence: u32, new_offset: u32) -> Result<(), Errno> {
    // An unknown whence is EINVAL before anything else (the native host
    // traps decoding it).
    if whence > whence::END {
        return Err(errno::INVAL);
    }
    let d = state.descriptors.get(fd)?;
    let current = position(d)?.get();
    let target = match (whence, &*d) {
        (whence::SET, _) if offset >= 0 => Some(offset as u64),
        (whence::CUR, _) => current.checked_add_signed(offset),
        #[cfg(not(feature = "proxy"))]
        (whence::END, Descriptor::File { handle, .. }) => super::files::size(handle.0)?.checked_add_signed(offset),
        _ => None,
    };
    let target = target.ok_or(errno::INVAL)?;
    position(d)?.set(target);
    store_u64(new_offset, target);
    Ok(())
}

pub fn fd_tell(state: &mut State, fd: u32, out: u32) -> Result<(), Errno> {
    let position = position(state.descriptors.get(fd)?)?.get();
    store_u64(out, position);
    Ok(())
}
