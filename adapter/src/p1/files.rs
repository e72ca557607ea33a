//! I/O and metadata of file and directory descriptors, through
//! `wasi:filesystem`. The proxy flavour has no filesystem: this module is
//! left out there, and so are the descriptor kinds that would reach it.

use super::HOST_READ_CHUNK;
use super::types::{fdflags, filetype, rights, Fdstat, Filestat, FDSTAT_SIZE, FILESTAT_SIZE};
use crate::descriptors::{Descriptor, OutputStream, Position};
use crate::errno::{from_error_code, Errno};
use crate::wasi::abi::{Allocator, BufferPlan, ScratchPlan, ReturnArea, Stored};
use crate::wasi::clocks::wall_clock::Datetime;
use crate::wasi::filesystem::types::{self as fs, descriptor_flags, DescriptorStat};

/// A file's size (what poll and `fd_seek` from the end need of its stat),
/// read where the host left the stat rather than copying the record out.
pub fn size(handle: u32) -> Result<u64, Errno> {
    let mut area = ReturnArea::new();
    Ok(fs::descriptor_stat_in(&mut area, handle).map_err(from_error_code)?.size().get())
}

/// Nanoseconds since the epoch of an optional timestamp (0 when absent),
/// read where the host left it.
#[inline(always)]
fn nanos(time: Stored<Option<Datetime>>) -> u64 {
    match time.some() {
        Some(time) => super::clocks::saturating_nanos_in(time),
        None => 0,
    }
}

/// Writes the P1 `filestat` of a host stat through a guest pointer, with
/// `ino` and device 1, like the native host. Each field is read where the
/// host left it and goes straight to the guest: no copy of the record in
/// between.
#[inline(never)]
pub fn write_filestat(out: u32, stat: Stored<DescriptorStat>, ino: u64) {
    let a = stat.data_access_timestamp().present_and_payload();
    let m = stat.data_modification_timestamp().present_and_payload();
    let c = stat.status_change_timestamp().present_and_payload();
    // One range test for the three: below it, each timestamp is a multiply
    // and an add (four instructions fewer each than testing them one by
    // one). An absent one's seconds are whatever the return area held; at
    // worst they send the call down the exact road, which reads only
    // present ones.
    let (a_seconds, m_seconds, c_seconds) = (a.1.seconds().get(), m.1.seconds().get(), c.1.seconds().get());
    if a_seconds | m_seconds | c_seconds >= super::clocks::FAST_SECONDS_LIMIT {
        return write_filestat_exact(out, stat, ino);
    }
    let fast = |(present, time): (bool, Stored<Datetime>), seconds: u64| {
        if present { super::clocks::fast_nanos(seconds, time.nanoseconds().get()) } else { 0 }
    };
    filestat_of(stat, ino, [fast(a, a_seconds), fast(m, m_seconds), fast(c, c_seconds)]).write(super::result(out, FILESTAT_SIZE))
}

/// `write_filestat` when a timestamp's seconds are too large for the fast
/// conversion: each converted on its own, saturating.
#[cold]
#[inline(never)]
fn write_filestat_exact(out: u32, stat: Stored<DescriptorStat>, ino: u64) {
    let times =
        [nanos(stat.data_access_timestamp()), nanos(stat.data_modification_timestamp()), nanos(stat.status_change_timestamp())];
    filestat_of(stat, ino, times).write(super::result(out, FILESTAT_SIZE))
}

/// The P1 `filestat` of a host stat, `ino` and the three timestamps (access,
/// modification, status change) as nanoseconds; device 1, like the native
/// host.
#[inline(always)]
fn filestat_of(stat: Stored<DescriptorStat>, ino: u64, [atim, mtim, ctim]: [u64; 3]) -> Filestat {
    Filestat {
        dev: 1,
        ino,
        filetype: filetype::from_descriptor_type(stat.r#type().get()),
        nlink: stat.link_count().get(),
        size: stat.size().get(),
        atim,
        mtim,
        ctim,
    }
}

/// The P1 filetype of an open host descriptor.
#[inline(always)]
pub fn filetype_of(handle: u32) -> Result<u8, Errno> {
    Ok(filetype::from_descriptor_type(fs::descriptor_get_type(handle).map_err(from_error_code)?))
}

/// A FILE descriptor's parts, for reading and writing it.
pub struct OpenFile<'a> {
    flags: u8,
    handle: u32,
    append: &'a mut OutputStream,
    position: &'a mut Position,
}

impl<'a> OpenFile<'a> {
    pub fn of(d: &'a mut Descriptor) -> Option<Self> {
        match d {
            Descriptor::File { flags, handle, append, position, .. } => {
                Some(OpenFile { flags: *flags, handle: handle.0, append, position })
            }
            _ => None,
        }
    }

    pub fn appends(&self) -> bool {
        u32::from(self.flags) & fdflags::APPEND != 0
    }

    /// Writes at `offset`, or at the position (advancing it). On an
    /// O_APPEND descriptor every write appends, `pwrite` included (Linux
    /// semantics, as the native host implements them); the caller then
    /// moves the position to the end of the file (`end_of_append`).
    pub fn write(&mut self, buf: usize, len: usize, offset: Option<u64>) -> Result<usize, Errno> {
        if self.appends() {
            return self.append(buf, len);
        }
        match offset {
            Some(at) => write_at(self.handle, buf, len, at).map(|n| n as usize),
            None => self.write_at_position(buf, len),
        }
    }

    /// Writes at the position and advances it (not for O_APPEND).
    #[inline(always)]
    pub fn write_at_position(&mut self, buf: usize, len: usize) -> Result<usize, Errno> {
        let at = self.position.get();
        let written = write_at(self.handle, buf, len, at)?;
        self.position.set(at + written);
        Ok(written as usize)
    }

    /// After writing at the position (not a positional write) on an
    /// O_APPEND descriptor: the position is the new end of the file, even
    /// when nothing was written, as on the native host. Once per call, not
    /// per iovec.
    pub fn end_of_append(&mut self) -> Result<(), Errno> {
        if self.appends() {
            self.position.set(size(self.handle)?);
        }
        Ok(())
    }

    /// Appends through the append stream, opened on first use. A stream
    /// that failed is closed by the host, so it is dropped and the next
    /// append opens a fresh one (each native append is independent).
    fn append(&mut self, buf: usize, len: usize) -> Result<usize, Errno> {
        if self.append.0 == 0 {
            self.append.0 = fs::descriptor_append_via_stream(self.handle).map_err(from_error_code)?;
        }
        let stream = self.append.0;
        let result = if len == 0 {
            crate::stdio::write_chunk(stream, buf, 0).map(|()| 0)
        } else {
            crate::stdio::write_stream(stream, buf, len).map(|()| len)
        };
        if result.is_err() {
            self.append.close();
        }
        result
    }

    /// Reads at `offset` (one host read, like the native `fd_pread`), or
    /// at the position until the buffer is full or the file ends (like the
    /// native `fd_read`), advancing the position.
    pub fn read(&mut self, allocator: &mut Allocator, buf: usize, len: usize, offset: Option<u64>) -> Result<usize, Errno> {
        match offset {
            Some(at) => read_at(allocator, self.handle, buf, len.min(HOST_READ_CHUNK), at),
            None => self.read_at_position(allocator, buf, len),
        }
    }

    /// `fd_read` of a file: one host read, then more (out of line) only if
    /// it came back short.
    #[inline(always)]
    pub fn read_at_position(&mut self, allocator: &mut Allocator, buf: usize, len: usize) -> Result<usize, Errno> {
        let position = self.position.get();
        let mut done = read_at(allocator, self.handle, buf, len.min(HOST_READ_CHUNK), position)?;
        if done < len {
            done = read_more(allocator, self.handle, buf, len, position, done);
        }
        self.position.set(position + done as u64);
        Ok(done)
    }

    /// `fd_pread` into a buffer that does not lie wholly in the guest's
    /// memory. The native host reads first and then copies only what it
    /// read, so this fails (EFAULT) only if the bytes read do not fit: they
    /// go to scratch memory, and into the buffer once they are known to fit.
    pub fn pread_partly_outside(
        &self,
        allocator: &Allocator,
        guest: super::Guest,
        buf: usize,
        len: usize,
        offset: u64,
    ) -> Result<usize, Errno> {
        let memory_end = crate::memory::size_bytes();
        let plan = ScratchPlan::new(allocator);
        let (bytes, _) =
            fs::descriptor_read(&plan, self.handle, len.min(HOST_READ_CHUNK) as u64, offset).map_err(from_error_code)?;
        super::copy_if_fits(guest, buf, bytes, memory_end)
    }
}

#[inline(always)]
fn read_at(allocator: &mut Allocator, handle: u32, buf: usize, len: usize, at: u64) -> Result<usize, Errno> {
    let plan = BufferPlan::new(allocator, buf, len);
    let (bytes, _) = fs::descriptor_read(&plan, handle, len as u64, at).map_err(from_error_code)?;
    Ok(bytes.len())
}

/// After a short read at `position`: reads on until `len` bytes are in or
/// a read brings nothing (end of file) or fails; returns the total.
#[inline(never)]
fn read_more(allocator: &mut Allocator, handle: u32, buf: usize, len: usize, position: u64, mut done: usize) -> usize {
    while done < len {
        let chunk = (len - done).min(HOST_READ_CHUNK);
        match read_at(allocator, handle, buf + done, chunk, position + done as u64) {
            Ok(0) | Err(_) => break,
            Ok(n) => done += n,
        }
    }
    done
}

#[inline(always)]
fn write_at(handle: u32, buf: usize, len: usize, at: u64) -> Result<u64, Errno> {
    // SAFETY: the guest's buffer, bounds checked by the caller.
    let bytes = unsafe { crate::memory::bytes(buf, len) };
    fs::descriptor_write(handle, bytes, at).map_err(from_error_code)
}

/// P1's synchronisation fdflags as WASI 0.2 descriptor flags (`path_open`
/// asks for them), and back (`fdstat` reports what the host keeps): one
/// mapping, both ways.
pub fn sync_flags_to_host(flags: u32) -> u8 {
    let mut host = 0;
    if flags & fdflags::SYNC != 0 {
        host |= descriptor_flags::FILE_INTEGRITY_SYNC;
    }
    if flags & fdflags::DSYNC != 0 {
        host |= descriptor_flags::DATA_INTEGRITY_SYNC;
    }
    if flags & fdflags::RSYNC != 0 {
        host |= descriptor_flags::REQUESTED_WRITE_SYNC;
    }
    host
}

fn sync_flags_from_host(host: u8) -> u32 {
    let mut flags = 0;
    if host & descriptor_flags::FILE_INTEGRITY_SYNC != 0 {
        flags |= fdflags::SYNC;
    }
    if host & descriptor_flags::DATA_INTEGRITY_SYNC != 0 {
        flags |= fdflags::DSYNC;
    }
    if host & descriptor_flags::REQUESTED_WRITE_SYNC != 0 {
        flags |= fdflags::RSYNC;
    }
    flags
}

/// `fd_fdstat_get` of a file or non-preopened directory, as the native host
/// computes it: rights from the host's descriptor flags and type, flags from
/// the host's sync flags and the guest's APPEND/NONBLOCK. Written through
/// `out` here: a returned `Result<Fdstat, _>` would go through memory.
pub fn fdstat(handle: u32, kind: u8, guest_flags: u8, out: u32) -> Result<(), Errno> {
    let host = fs::descriptor_get_flags(handle).map_err(from_error_code)?;
    let mut base = rights::ALL;
    if kind == filetype::DIRECTORY {
        base &= !(rights::FD_SEEK | rights::FD_FILESTAT_SET_SIZE | rights::PATH_FILESTAT_SET_SIZE);
    }
    if host & descriptor_flags::READ == 0 {
        base &= !(rights::FD_READ | rights::FD_READDIR);
    }
    if host & descriptor_flags::WRITE == 0 {
        base &= !rights::FD_WRITE;
    }
    let flags = u32::from(guest_flags) & (fdflags::APPEND | fdflags::NONBLOCK) | sync_flags_from_host(host);
    Fdstat { filetype: kind, flags: flags as u16, rights_base: base, rights_inheriting: base }
        .write(super::result(out, FDSTAT_SIZE));
    Ok(())
}

/// `fd_filestat_get` of a file or directory: the host's stat, with the
/// metadata hash as inode number. The stat stays in `records`
/// (`State::records`) while the hash is asked for.
pub fn filestat(records: &mut ReturnArea<{ crate::wasi::RECORD_AREA_BYTES }>, handle: u32, out: u32) -> Result<(), Errno> {
    let stat = fs::descriptor_stat_in(records, handle).map_err(from_error_code)?;
    let hash = fs::descriptor_metadata_hash(handle).map_err(from_error_code)?;
    write_filestat(out, stat, hash.lower);
    Ok(())
}

/// fd_filestat_set_times: the flags are checked before the descriptor, as
/// on the native host.
pub fn set_times(
    fst_flags: u32,
    atim: u64,
    mtim: u64,
    handle: impl FnOnce() -> Result<u32, Errno>,
) -> Result<(), Errno> {
    use super::times::{check_flags, new_timestamp, ACCESS, MODIFICATION};
    check_flags(fst_flags)?;
    let access = new_timestamp(fst_flags, atim, ACCESS)?;
    let modification = new_timestamp(fst_flags, mtim, MODIFICATION)?;
    fs::descriptor_set_times(handle()?, access, modification).map_err(from_error_code)
}

