//! I/O and metadata of file and directory descriptors, through
//! `wasi:filesystem`. The proxy flavour has no filesystem: this module is
//! left out there, and so are the descriptor kinds that would reach it.

use crate::descriptors::{flag, Descriptor};
use crate::errno::{self, filetype, Errno};
use crate::import_alloc::ImportPlan;
use crate::wasi::{filesystem, HandleResult, ReturnArea, U64Result, UnitResult};

pub fn stat(handle: u32) -> Result<filesystem::DescriptorStat, Errno> {
    let mut ret = ReturnArea::new();
    // SAFETY: plain import call on a live handle.
    unsafe { filesystem::stat(handle, ret.ptr()) };
    let result: filesystem::StatResult = ret.get();
    if result.is_err != 0 {
        return Err(errno::from_error_code(result.stat.kind));
    }
    Ok(result.stat)
}

pub fn unit_result(ret: &ReturnArea) -> Result<(), Errno> {
    let result: UnitResult = ret.get();
    if result.is_err != 0 {
        Err(errno::from_error_code(result.error))
    } else {
        Ok(())
    }
}

/// The P1 filetype of a file or directory descriptor, cached.
pub fn descriptor_filetype(d: &mut Descriptor) -> Result<u8, Errno> {
    if d.flags & flag::FILETYPE_KNOWN == 0 {
        let mut ret = ReturnArea::new();
        // SAFETY: plain import call on a live handle.
        unsafe { filesystem::get_type(d.handle, ret.ptr()) };
        let result: filesystem::ByteResult = ret.get();
        if result.is_err != 0 {
            return Err(errno::from_error_code(result.value));
        }
        d.filetype = filetype::from_descriptor_type(result.value);
        d.flags |= flag::FILETYPE_KNOWN;
    }
    Ok(d.filetype)
}

pub fn metadata_hash_lower(ret: &ReturnArea) -> Result<u64, Errno> {
    let result: filesystem::MetadataHashResult = ret.get();
    if result.is_err != 0 {
        return Err(errno::from_error_code(result.lower as u8));
    }
    Ok(result.lower)
}

/// Writes to a file at `offset`, or at its position (advancing it). On an
/// O_APPEND descriptor every write appends, `pwrite` included (Linux
/// semantics, as the native host implements them), and a write at the
/// position (not a positional one) leaves the position at the new end of
/// the file, even when it wrote nothing.
pub fn write_file(d: &mut Descriptor, buf: usize, len: usize, offset: Option<u64>) -> Result<usize, Errno> {
    if d.flags & flag::APPEND != 0 {
        let written = append(d, buf, len)?;
        if offset.is_none() {
            d.position = stat(d.handle)?.size;
        }
        return Ok(written);
    }
    let at = offset.unwrap_or(d.position);
    let mut ret = ReturnArea::new();
    // SAFETY: the guest's buffer (bounds checked by the caller), passed to
    // the host as a list.
    unsafe { filesystem::write(d.handle, buf as *const u8, len, at, ret.ptr()) };
    let result: U64Result = ret.get();
    if result.is_err != 0 {
        return Err(errno::from_error_code(result.payload as u8));
    }
    if offset.is_none() {
        d.position += result.payload;
    }
    Ok(result.payload as usize)
}

/// Appends through the descriptor's append stream, opened on first use. A
/// stream that failed is closed by the host, so it is dropped and the next
/// append opens a fresh one (each native append is independent).
fn append(d: &mut Descriptor, buf: usize, len: usize) -> Result<usize, Errno> {
    if d.stream == 0 {
        let mut ret = ReturnArea::new();
        // SAFETY: plain import call on a handle the descriptor owns.
        unsafe { filesystem::append_via_stream(d.handle, ret.ptr()) };
        let result: HandleResult = ret.get();
        if result.is_err != 0 {
            return Err(errno::from_error_code(result.payload as u8));
        }
        d.stream = result.payload;
    }
    let result = if len == 0 {
        crate::stdio::write_chunk(d.stream, buf, 0).map(|()| 0)
    } else {
        crate::stdio::write_stream(d.stream, buf, len)
    };
    if result.is_err() {
        // SAFETY: the stream this descriptor owns, dropped once.
        unsafe { crate::wasi::io::drop_output_stream(d.stream) };
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
pub fn read_file(d: &mut Descriptor, buf: usize, len: usize, offset: Option<u64>) -> Result<usize, Errno> {
    let Some(at) = offset else {
        let mut done = read_at(d.handle, buf, len.min(HOST_READ_CHUNK), d.position)?;
        while done < len {
            match read_at(d.handle, buf + done, (len - done).min(HOST_READ_CHUNK), d.position + done as u64) {
                Ok(0) | Err(_) => break,
                Ok(n) => done += n,
            }
        }
        d.position += done as u64;
        return Ok(done);
    };
    read_at(d.handle, buf, len.min(HOST_READ_CHUNK), at)
}

/// Reads at `offset` like `fd_pread` but into scratch memory, only to learn
/// how many bytes there were (for a guest buffer that cannot hold them).
pub fn read_nowhere(d: &Descriptor, len: usize, offset: u64) -> Result<usize, Errno> {
    let plan = ImportPlan::into_scratch();
    let mut ret = ReturnArea::new();
    // SAFETY: results land in scratch (or spill) per the plan.
    unsafe { filesystem::read(d.handle, len.min(HOST_READ_CHUNK) as u64, offset, ret.ptr()) };
    drop(plan);
    let result: filesystem::FileReadResult = ret.get();
    if result.is_err != 0 {
        return Err(errno::from_error_code(result.ptr as u8));
    }
    Ok(result.len as usize)
}

fn read_at(handle: u32, buf: usize, len: usize, at: u64) -> Result<usize, Errno> {
    let plan = ImportPlan::into_buffer(buf, len);
    let mut ret = ReturnArea::new();
    // SAFETY: results land in the guest's buffer per the plan.
    unsafe { filesystem::read(handle, len as u64, at, ret.ptr()) };
    drop(plan);
    let result: filesystem::FileReadResult = ret.get();
    if result.is_err != 0 {
        return Err(errno::from_error_code(result.ptr as u8));
    }
    Ok(result.len as usize)
}

/// `fd_fdstat_get` of a file or non-preopened directory, as the native host
/// computes it: rights from the host's descriptor flags and type, flags from
/// the host's sync flags and the guest's APPEND/NONBLOCK.
pub fn fdstat(d: &mut Descriptor) -> Result<super::fd_meta::Fdstat, Errno> {
    use super::fd_meta::{fdflags, rights, Fdstat};
    let mut ret = ReturnArea::new();
    // SAFETY: plain import call on a live handle.
    unsafe { filesystem::get_flags(d.handle, ret.ptr()) };
    let host_flags: filesystem::ByteResult = ret.get();
    if host_flags.is_err != 0 {
        return Err(errno::from_error_code(host_flags.value));
    }
    let kind = descriptor_filetype(d)?;
    let host = u32::from(host_flags.value);
    let mut base = rights::ALL;
    if kind == filetype::DIRECTORY {
        base &= !(rights::FD_SEEK | rights::FD_FILESTAT_SET_SIZE | rights::PATH_FILESTAT_SET_SIZE);
    }
    if host & filesystem::descriptor_flags::READ == 0 {
        base &= !(rights::FD_READ | rights::FD_READDIR);
    }
    if host & filesystem::descriptor_flags::WRITE == 0 {
        base &= !rights::FD_WRITE;
    }
    let mut flags = 0u16;
    if host & filesystem::descriptor_flags::DATA_INTEGRITY_SYNC != 0 {
        flags |= fdflags::DSYNC;
    }
    if host & filesystem::descriptor_flags::REQUESTED_WRITE_SYNC != 0 {
        flags |= fdflags::RSYNC;
    }
    if host & filesystem::descriptor_flags::FILE_INTEGRITY_SYNC != 0 {
        flags |= fdflags::SYNC;
    }
    if d.flags & flag::APPEND != 0 {
        flags |= fdflags::APPEND;
    }
    if d.flags & flag::NONBLOCK != 0 {
        flags |= fdflags::NONBLOCK;
    }
    Ok(Fdstat { filetype: kind, flags, rights_base: base, rights_inheriting: base })
}

/// `fd_filestat_get` of a file or directory: the host's stat, with the
/// metadata hash as inode number and device 1, like the native host.
pub fn filestat(handle: u32) -> Result<super::fd_meta::Filestat, Errno> {
    let s = stat(handle)?;
    let mut ret = ReturnArea::new();
    // SAFETY: plain import call on a live handle.
    unsafe { filesystem::metadata_hash(handle, ret.ptr()) };
    let ino = metadata_hash_lower(&ret)?;
    Ok(super::fd_meta::Filestat::from_stat(1, ino, &s))
}

pub fn set_size(handle: u32, size: u64) -> Result<(), Errno> {
    let mut ret = ReturnArea::new();
    // SAFETY: plain import call on a live handle.
    unsafe { filesystem::set_size(handle, size, ret.ptr()) };
    unit_result(&ret)
}

pub fn sync(handle: u32, data_only: bool) -> Result<(), Errno> {
    let mut ret = ReturnArea::new();
    // SAFETY: plain import calls on a live handle.
    unsafe {
        if data_only {
            filesystem::sync_data(handle, ret.ptr())
        } else {
            filesystem::sync(handle, ret.ptr())
        }
    }
    unit_result(&ret)
}

/// Drops the resources of a closed file or directory descriptor.
pub fn release(d: &Descriptor) {
    // SAFETY: handles owned by the removed descriptor, dropped once.
    unsafe {
        if d.stream != 0 {
            crate::wasi::io::drop_output_stream(d.stream);
        }
        filesystem::drop_descriptor(d.handle);
    }
}

pub fn advise(handle: u32, offset: u64, len: u64, advice: u32) -> Result<(), Errno> {
    let mut ret = ReturnArea::new();
    // SAFETY: plain import call on a live handle.
    unsafe { filesystem::advise(handle, offset, len, advice, ret.ptr()) };
    unit_result(&ret)
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
    let handle = handle()?;
    let mut ret = ReturnArea::new();
    // SAFETY: plain import call on a live handle.
    unsafe {
        filesystem::set_times(
            handle,
            access.tag,
            access.seconds,
            access.nanoseconds,
            modification.tag,
            modification.seconds,
            modification.nanoseconds,
            ret.ptr(),
        )
    };
    unit_result(&ret)
}
