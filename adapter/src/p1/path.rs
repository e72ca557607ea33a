//! The path_* functions: operations relative to a directory descriptor.
//! Argument checks follow the native host's order (which descriptor and
//! string checks come first), so that bad input gets the same errno.

use super::files::{self, metadata_hash_lower, unit_result};
use super::store_u32;
use super::strings::{check_utf8, Paths};
use crate::descriptors::{flag, kind, Descriptor};
use crate::errno::{self, filetype, Errno};
use crate::import_alloc::ImportPlan;
use crate::wasi::{filesystem, HandleResult, ReturnArea};
use crate::{memory, state};

const LOOKUP_SYMLINK_FOLLOW: u32 = 1;
const OFLAGS_CREAT: u32 = 1;
const OFLAGS_DIRECTORY: u32 = 2;
const OFLAGS_EXCL: u32 = 4;
const OFLAGS_TRUNC: u32 = 8;
const OFLAGS_ALL: u32 = 0xf;
const FDFLAGS_APPEND: u32 = 1;
const FDFLAGS_DSYNC: u32 = 2;
const FDFLAGS_NONBLOCK: u32 = 4;
const FDFLAGS_RSYNC: u32 = 8;
const FDFLAGS_SYNC: u32 = 16;
const FDFLAGS_ALL: u32 = 0x1f;
const RIGHT_FD_READ: u64 = 1 << 1;
const RIGHT_FD_WRITE: u64 = 1 << 6;

/// The directory handle behind `fd`; anything else is EBADF (native host).
fn dir_handle(fd: u32) -> Result<u32, Errno> {
    let d = state::get().descriptors.get(fd)?;
    if d.kind == kind::DIRECTORY {
        Ok(d.handle)
    } else {
        Err(errno::BADF)
    }
}

/// P1 `lookupflags` as `path-flags`; unknown bits are EINVAL (the native
/// host traps decoding them), checked before anything else.
fn path_flags(lookup: u32) -> Result<u32, Errno> {
    if lookup & !LOOKUP_SYMLINK_FOLLOW != 0 {
        return Err(errno::INVAL);
    }
    Ok(if lookup & LOOKUP_SYMLINK_FOLLOW != 0 { filesystem::PATH_SYMLINK_FOLLOW } else { 0 })
}

#[allow(clippy::too_many_arguments)]
pub fn path_open(
    dirfd: u32,
    lookup: u32,
    path: u32,
    path_len: u32,
    oflags: u32,
    rights_base: u64,
    rights_inheriting: u64,
    fdflags: u32,
    out: u32,
) -> Errno {
    // Flag arguments with unknown bits are rejected before anything else, as
    // the native host decodes them first.
    if lookup & !LOOKUP_SYMLINK_FOLLOW != 0
        || oflags & !OFLAGS_ALL != 0
        || fdflags & !FDFLAGS_ALL != 0
        || rights_base & !super::fd_meta::rights::ALL != 0
        || rights_inheriting & !super::fd_meta::rights::ALL != 0
    {
        return errno::INVAL;
    }
    match open(dirfd, lookup, path, path_len, oflags, rights_base, fdflags) {
        Ok(fd) => {
            store_u32(out, fd);
            errno::SUCCESS
        }
        Err(e) => e,
    }
}

fn open(dirfd: u32, lookup: u32, path: u32, path_len: u32, oflags: u32, rights: u64, fdflags: u32) -> Result<u32, Errno> {
    Paths::new().check(path, path_len)?;
    let mut descriptor_flags = 0;
    if rights & RIGHT_FD_READ != 0 {
        descriptor_flags |= filesystem::descriptor_flags::READ;
    }
    if rights & RIGHT_FD_WRITE != 0 {
        descriptor_flags |= filesystem::descriptor_flags::WRITE;
    }
    if fdflags & FDFLAGS_SYNC != 0 {
        descriptor_flags |= filesystem::descriptor_flags::FILE_INTEGRITY_SYNC;
    }
    if fdflags & FDFLAGS_DSYNC != 0 {
        descriptor_flags |= filesystem::descriptor_flags::DATA_INTEGRITY_SYNC;
    }
    if fdflags & FDFLAGS_RSYNC != 0 {
        descriptor_flags |= filesystem::descriptor_flags::REQUESTED_WRITE_SYNC;
    }
    // Unlike the other path functions, a file as dirfd is ENOTDIR here
    // (native host).
    let dir = match state::get().descriptors.get(dirfd)? {
        d if d.kind == kind::DIRECTORY => d.handle,
        d if d.kind == kind::FILE => return Err(errno::NOTDIR),
        _ => return Err(errno::BADF),
    };
    let mut open_flags = 0;
    if oflags & OFLAGS_CREAT != 0 {
        open_flags |= filesystem::open_flags::CREATE;
    }
    if oflags & OFLAGS_DIRECTORY != 0 {
        open_flags |= filesystem::open_flags::DIRECTORY;
    }
    if oflags & OFLAGS_EXCL != 0 {
        open_flags |= filesystem::open_flags::EXCLUSIVE;
    }
    if oflags & OFLAGS_TRUNC != 0 {
        open_flags |= filesystem::open_flags::TRUNCATE;
    }
    let mut ret = ReturnArea::new();
    // SAFETY: the path is the guest's buffer, passed as a (checked) string.
    unsafe {
        filesystem::open_at(
            dir,
            path_flags(lookup)?,
            path as *const u8,
            path_len as usize,
            open_flags,
            descriptor_flags,
            ret.ptr(),
        )
    };
    let result: HandleResult = ret.get();
    if result.is_err != 0 {
        return Err(errno::from_error_code(result.payload as u8));
    }
    let mut d = Descriptor::new(kind::FILE, result.payload);
    match files::descriptor_filetype(&mut d) {
        Ok(filetype::DIRECTORY) => d.kind = kind::DIRECTORY,
        Ok(_) => {
            if fdflags & FDFLAGS_APPEND != 0 {
                d.flags |= flag::APPEND;
            }
            if fdflags & FDFLAGS_NONBLOCK != 0 {
                d.flags |= flag::NONBLOCK;
            }
        }
        Err(e) => {
            // SAFETY: the handle just opened; nothing else refers to it.
            unsafe { filesystem::drop_descriptor(d.handle) };
            return Err(e);
        }
    }
    state::get().descriptors.insert(d).inspect_err(|_| {
        // SAFETY: the handle just opened; nothing else refers to it.
        unsafe { filesystem::drop_descriptor(d.handle) };
    })
}

pub fn path_filestat_get(dirfd: u32, lookup: u32, path: u32, path_len: u32, out: u32) -> Errno {
    let result = (|| {
        let flags = path_flags(lookup)?;
        let dir = dir_handle(dirfd)?;
        Paths::new().check(path, path_len)?;
        let mut ret = ReturnArea::new();
        // SAFETY: the path is the guest's buffer, passed as a string.
        unsafe { filesystem::stat_at(dir, flags, path as *const u8, path_len as usize, ret.ptr()) };
        let stat: filesystem::StatResult = ret.get();
        if stat.is_err != 0 {
            return Err(errno::from_error_code(stat.stat.kind));
        }
        let mut hash = ReturnArea::new();
        // SAFETY: as above.
        unsafe {
            filesystem::metadata_hash_at(dir, flags, path as *const u8, path_len as usize, hash.ptr())
        };
        let ino = metadata_hash_lower(&hash)?;
        super::fd_meta::Filestat::from_stat(1, ino, &stat.stat).write(out);
        Ok(())
    })();
    super::errno_of(result)
}

/// The directory operations that take one path and return nothing. An enum
/// rather than a function pointer: indirect calls would need a table, which
/// the adapter may not have.
enum PathOp {
    CreateDirectory,
    RemoveDirectory,
    UnlinkFile,
}

fn simple(op: PathOp, dirfd: u32, path: u32, path_len: u32) -> Errno {
    let result = (|| {
        let dir = dir_handle(dirfd)?;
        match op {
            // The native host reads this one path without charging it to the
            // call's budget; a path longer than any the host can take is
            // ENAMETOOLONG there.
            PathOp::UnlinkFile if u64::from(path_len) > super::HOSTCALL_BUDGET => {
                check_utf8(path, path_len)?;
                return Err(errno::NAMETOOLONG);
            }
            PathOp::UnlinkFile => check_utf8(path, path_len)?,
            _ => Paths::new().check(path, path_len)?,
        }
        let mut ret = ReturnArea::new();
        let (ptr, len) = (path as *const u8, path_len as usize);
        // SAFETY: the path is the guest's buffer, passed as a string.
        unsafe {
            match op {
                PathOp::CreateDirectory => filesystem::create_directory_at(dir, ptr, len, ret.ptr()),
                PathOp::RemoveDirectory => filesystem::remove_directory_at(dir, ptr, len, ret.ptr()),
                PathOp::UnlinkFile => filesystem::unlink_file_at(dir, ptr, len, ret.ptr()),
            }
        }
        unit_result(&ret)
    })();
    super::errno_of(result)
}

pub fn path_create_directory(dirfd: u32, path: u32, path_len: u32) -> Errno {
    simple(PathOp::CreateDirectory, dirfd, path, path_len)
}

pub fn path_remove_directory(dirfd: u32, path: u32, path_len: u32) -> Errno {
    simple(PathOp::RemoveDirectory, dirfd, path, path_len)
}

pub fn path_unlink_file(dirfd: u32, path: u32, path_len: u32) -> Errno {
    simple(PathOp::UnlinkFile, dirfd, path, path_len)
}

pub fn path_rename(old_fd: u32, old_path: u32, old_len: u32, new_fd: u32, new_path: u32, new_len: u32) -> Errno {
    let result = (|| {
        let old_dir = dir_handle(old_fd)?;
        let new_dir = dir_handle(new_fd)?;
        let mut paths = Paths::new();
        paths.check(old_path, old_len)?;
        paths.check(new_path, new_len)?;
        let mut ret = ReturnArea::new();
        // SAFETY: both paths are guest buffers, passed as strings.
        unsafe {
            filesystem::rename_at(
                old_dir,
                old_path as *const u8,
                old_len as usize,
                new_dir,
                new_path as *const u8,
                new_len as usize,
                ret.ptr(),
            )
        };
        unit_result(&ret)
    })();
    super::errno_of(result)
}

pub fn path_link(
    old_fd: u32,
    old_lookup: u32,
    old_path: u32,
    old_len: u32,
    new_fd: u32,
    new_path: u32,
    new_len: u32,
) -> Errno {
    let result = (|| {
        let flags = path_flags(old_lookup)?;
        let old_dir = dir_handle(old_fd)?;
        let new_dir = dir_handle(new_fd)?;
        let mut paths = Paths::new();
        paths.check(old_path, old_len)?;
        paths.check(new_path, new_len)?;
        let mut ret = ReturnArea::new();
        // SAFETY: both paths are guest buffers, passed as strings.
        unsafe {
            filesystem::link_at(
                old_dir,
                flags,
                old_path as *const u8,
                old_len as usize,
                new_dir,
                new_path as *const u8,
                new_len as usize,
                ret.ptr(),
            )
        };
        unit_result(&ret)
    })();
    super::errno_of(result)
}

pub fn path_symlink(old_path: u32, old_len: u32, dirfd: u32, new_path: u32, new_len: u32) -> Errno {
    let result = (|| {
        let dir = dir_handle(dirfd)?;
        let mut paths = Paths::new();
        paths.check(old_path, old_len)?;
        paths.check(new_path, new_len)?;
        let mut ret = ReturnArea::new();
        // SAFETY: both paths are guest buffers, passed as strings.
        unsafe {
            filesystem::symlink_at(
                dir,
                old_path as *const u8,
                old_len as usize,
                new_path as *const u8,
                new_len as usize,
                ret.ptr(),
            )
        };
        unit_result(&ret)
    })();
    super::errno_of(result)
}

/// Copies as much of the link target as fits, like the native host (no
/// ERANGE: a full buffer tells the caller to retry with a larger one).
pub fn path_readlink(dirfd: u32, path: u32, path_len: u32, buf: u32, buf_len: u32, bufused: u32) -> Errno {
    let result = (|| {
        let dir = dir_handle(dirfd)?;
        Paths::new().check(path, path_len)?;
        let plan = ImportPlan::into_scratch();
        let mut ret = ReturnArea::new();
        // SAFETY: the path is the guest's buffer; the target lands in scratch.
        unsafe { filesystem::readlink_at(dir, path as *const u8, path_len as usize, ret.ptr()) };
        let target: filesystem::StringResult = ret.get();
        if target.is_err != 0 {
            return Err(errno::from_error_code(target.ptr as u8));
        }
        let n = target.len.min(buf_len);
        // SAFETY: from scratch into the guest's buffer of `buf_len` bytes.
        unsafe { memory::copy(buf as usize, target.ptr as usize, n as usize) };
        drop(plan);
        store_u32(bufused, n);
        Ok(())
    })();
    super::errno_of(result)
}

#[allow(clippy::too_many_arguments)]
pub fn path_filestat_set_times(
    dirfd: u32,
    lookup: u32,
    path: u32,
    path_len: u32,
    atim: u64,
    mtim: u64,
    fst_flags: u32,
) -> Errno {
    let result = (|| {
        let flags = path_flags(lookup)?;
        super::times::check_flags(fst_flags)?;
        let access = super::times::new_timestamp(fst_flags, atim, super::times::ACCESS)?;
        let modification = super::times::new_timestamp(fst_flags, mtim, super::times::MODIFICATION)?;
        let dir = dir_handle(dirfd)?;
        Paths::new().check(path, path_len)?;
        let mut ret = ReturnArea::new();
        // SAFETY: the path is the guest's buffer, passed as a string.
        unsafe {
            filesystem::set_times_at(
                dir,
                flags,
                path as *const u8,
                path_len as usize,
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
    })();
    super::errno_of(result)
}
