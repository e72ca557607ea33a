//! I/O and metadata of file and directory descriptors, through
//! `wasi:filesystem`. The proxy flavour has no filesystem: this module is
//! left out there, and so are the descriptor kinds that would reach it.

use super::types::{fdflags, filetype, rights, Fdstat, Filestat};
use crate::descriptors::{flag, Descriptor};
use crate::errno::{from_error_code, Errno};
use crate::wasi::abi::{Allocator, ImportPlan};
use crate::wasi::filesystem::types::{self as fs, descriptor_flags, DescriptorStat};

pub fn stat(handle: u32) -> Result<DescriptorStat, Errno> {
    fs::descriptor_stat(handle).map_err(from_error_code)
}

/// Nanoseconds since the epoch of an optional timestamp (0 when absent),
/// saturating like the native host.
pub fn nanos(time: Option<crate::wasi::clocks::wall_clock::Datetime>) -> u64 {
    time.map_or(0, |t| t.seconds.saturating_mul(1_000_000_000).saturating_add(u64::from(t.nanoseconds)))
}

/// P1 `filestat` from a host stat, with `ino` and device 1, like the
/// native host.
pub fn filestat_of(stat: &DescriptorStat, ino: u64) -> Filestat {
    Filestat {
        dev: 1,
        ino,
        filetype: filetype::from_descriptor_type(stat.r#type),
        nlink: stat.link_count,
        size: stat.size,
        atim: nanos(stat.data_access_timestamp),
        mtim: nanos(stat.data_modification_timestamp),
        ctim: nanos(stat.status_change_timestamp),
    }
}

/// The P1 filetype of a file or directory descriptor, cached.
pub fn descriptor_filetype(d: &mut Descriptor) -> Result<u8, Errno> {
    if d.flags & flag::FILETYPE_KNOWN == 0 {
        let kind = fs::descriptor_get_type(d.handle).map_err(from_error_code)?;
        d.filetype = filetype::from_descriptor_type(kind);
        d.flags |= flag::FILETYPE_KNOWN;
    }
    Ok(d.filetype)
}

/// Writes to a file at `offset`, or at its position (advancing it). On an
/// O_APPEND descriptor every write appends, `pwrite` included (Linux
/// semantics, as the native host implements them); the caller then moves
/// the position to the end of the file (`end_of_append`).
pub fn write_file(d: &mut Descriptor, buf: usize, len: usize, offset: Option<u64>) -> Result<usize, Errno> {
    if d.flags & flag::APPEND != 0 {
        return append(d, buf, len);
    }
    let at = offset.unwrap_or(d.position);
    // SAFETY: the guest's buffer, bounds checked by the caller.
    let bytes = unsafe { crate::memory::bytes(buf, len) };
    let written = fs::descriptor_write(d.handle, bytes, at).map_err(from_error_code)?;
    if offset.is_none() {
        d.position += written;
    }
    Ok(written as usize)
}

/// After appending at the position (not a positional write): the position
/// is the new end of the file, even when nothing was written, as on the
/// native host. Once per call, not per iovec.
pub fn end_of_append(d: &mut Descriptor) -> Result<(), Errno> {
    d.position = stat(d.handle)?.size;
    Ok(())
}

/// Appends through the descriptor's append stream, opened on first use. A
/// stream that failed is closed by the host, so it is dropped and the next
/// append opens a fresh one (each native append is independent).
fn append(d: &mut Descriptor, buf: usize, len: usize) -> Result<usize, Errno> {
    if d.stream == 0 {
        d.stream = fs::descriptor_append_via_stream(d.handle).map_err(from_error_code)?;
    }
    let result = if len == 0 {
        crate::stdio::write_chunk(d.stream, buf, 0).map(|()| 0)
    } else {
        crate::stdio::write_stream(d.stream, buf, len)
    };
    if result.is_err() {
        crate::wasi::io::streams::drop_output_stream(d.stream);
        d.stream = 0;
    }
    result
}

/// The most the host returns from one `read` (wasmtime-wasi's
/// `MAX_READ_SIZE_ALLOC`); the native `fd_pread` returns at most this much
/// too, while its `fd_read` fills the whole buffer.
const HOST_READ_CHUNK: usize = 64 * 1024;

/// Reads from a file at `offset` (one host read, like the native
/// `fd_pread`), or at its position until the buffer is full or the file
/// ends (like the native `fd_read`), advancing the position.
pub fn read_file(
    allocator: &Allocator,
    d: &mut Descriptor,
    buf: usize,
    len: usize,
    offset: Option<u64>,
) -> Result<usize, Errno> {
    let Some(at) = offset else {
        let mut done = read_at(allocator, d.handle, buf, len.min(HOST_READ_CHUNK), d.position)?;
        while done < len {
            let chunk = (len - done).min(HOST_READ_CHUNK);
            match read_at(allocator, d.handle, buf + done, chunk, d.position + done as u64) {
                Ok(0) | Err(_) => break,
                Ok(n) => done += n,
            }
        }
        d.position += done as u64;
        return Ok(done);
    };
    read_at(allocator, d.handle, buf, len.min(HOST_READ_CHUNK), at)
}

/// Reads at `offset` like `fd_pread` but into scratch memory, only to learn
/// how many bytes there were (for a guest buffer that cannot hold them).
pub fn read_nowhere(allocator: &Allocator, d: &Descriptor, len: usize, offset: u64) -> Result<usize, Errno> {
    let plan = ImportPlan::into_scratch(allocator);
    let (bytes, _) = fs::descriptor_read(&plan, d.handle, len.min(HOST_READ_CHUNK) as u64, offset).map_err(from_error_code)?;
    Ok(bytes.len())
}

fn read_at(allocator: &Allocator, handle: u32, buf: usize, len: usize, at: u64) -> Result<usize, Errno> {
    let plan = ImportPlan::into_buffer(allocator, buf, len);
    let (bytes, _) = fs::descriptor_read(&plan, handle, len as u64, at).map_err(from_error_code)?;
    Ok(bytes.len())
}

/// `fd_fdstat_get` of a file or non-preopened directory, as the native host
/// computes it: rights from the host's descriptor flags and type, flags from
/// the host's sync flags and the guest's APPEND/NONBLOCK.
pub fn fdstat(d: &mut Descriptor) -> Result<Fdstat, Errno> {
    let host = fs::descriptor_get_flags(d.handle).map_err(from_error_code)?;
    let kind = descriptor_filetype(d)?;
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
    let mut flags = 0;
    if host & descriptor_flags::DATA_INTEGRITY_SYNC != 0 {
        flags |= fdflags::DSYNC;
    }
    if host & descriptor_flags::REQUESTED_WRITE_SYNC != 0 {
        flags |= fdflags::RSYNC;
    }
    if host & descriptor_flags::FILE_INTEGRITY_SYNC != 0 {
        flags |= fdflags::SYNC;
    }
    if d.flags & flag::APPEND != 0 {
        flags |= fdflags::APPEND;
    }
    if d.flags & flag::NONBLOCK != 0 {
        flags |= fdflags::NONBLOCK;
    }
    Ok(Fdstat { filetype: kind, flags: flags as u16, rights_base: base, rights_inheriting: base })
}

/// `fd_filestat_get` of a file or directory: the host's stat, with the
/// metadata hash as inode number.
pub fn filestat(handle: u32) -> Result<Filestat, Errno> {
    let s = stat(handle)?;
    let hash = fs::descriptor_metadata_hash(handle).map_err(from_error_code)?;
    Ok(filestat_of(&s, hash.lower))
}

/// Drops the resources of a closed file or directory descriptor.
pub fn release(d: &Descriptor) {
    if d.stream != 0 {
        crate::wasi::io::streams::drop_output_stream(d.stream);
    }
    fs::drop_descriptor(d.handle);
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

