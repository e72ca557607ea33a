//! path_open, path_filestat_get, path_create_directory,
//! path_remove_directory, path_unlink_file, path_rename.

use super::files::{self, unit_result};
use super::store_u32;
use crate::descriptors::{flag, kind, Descriptor};
use crate::errno::{self, filetype, Errno};
use crate::wasi::{filesystem, HandleResult, ReturnArea};
use crate::state;

const LOOKUP_SYMLINK_FOLLOW: u32 = 1;
const OFLAGS_CREAT: u32 = 1;
const OFLAGS_DIRECTORY: u32 = 2;
const OFLAGS_EXCL: u32 = 4;
const OFLAGS_TRUNC: u32 = 8;
const FDFLAGS_APPEND: u32 = 1;
const FDFLAGS_DSYNC: u32 = 2;
const FDFLAGS_NONBLOCK: u32 = 4;
const FDFLAGS_RSYNC: u32 = 8;
const FDFLAGS_SYNC: u32 = 16;
const RIGHT_FD_READ: u64 = 1 << 1;
const RIGHT_FD_WRITE: u64 = 1 << 6;
const RIGHT_FD_READDIR: u64 = 1 << 14;
const RIGHT_FD_ALLOCATE: u64 = 1 << 8;
const RIGHT_FD_FILESTAT_SET_SIZE: u64 = 1 << 22;

/// The directory handle behind `fd`; anything else is EBADF (native host).
fn dir_handle(fd: u32) -> Result<u32, Errno> {
    let d = state::get().descriptors.get(fd)?;
    if d.kind == kind::DIRECTORY {
        Ok(d.handle)
    } else {
        Err(errno::BADF)
    }
}

pub fn path_open(
    dirfd: u32,
    lookup: u32,
    path: u32,
    path_len: u32,
    oflags: u32,
    rights_base: u64,
    _rights_inheriting: u64,
    fdflags: u32,
    out: u32,
) -> Errno {
    let dir = match dir_handle(dirfd) {
        Ok(h) => h,
        Err(e) => return e,
    };
    let path_flags = if lookup & LOOKUP_SYMLINK_FOLLOW != 0 { filesystem::PATH_SYMLINK_FOLLOW } else { 0 };
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
    let mut descriptor_flags = 0;
    if rights_base & (RIGHT_FD_READ | RIGHT_FD_READDIR) != 0 {
        descriptor_flags |= filesystem::descriptor_flags::READ;
    }
    if rights_base & (RIGHT_FD_WRITE | RIGHT_FD_ALLOCATE | RIGHT_FD_FILESTAT_SET_SIZE) != 0 {
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
    if oflags & OFLAGS_DIRECTORY == 0 && descriptor_flags & filesystem::descriptor_flags::WRITE == 0 {
        // Like the native host: a plain open without write rights reads.
        descriptor_flags |= filesystem::descriptor_flags::READ;
    }
    let mut ret = ReturnArea::new();
    // SAFETY: the path is the guest's buffer, passed as a string.
    unsafe {
        filesystem::open_at(
            dir,
            path_flags,
            path as *const u8,
            path_len as usize,
            open_flags,
            descriptor_flags,
            ret.ptr(),
        )
    };
    let result: HandleResult = ret.get();
    if result.is_err != 0 {
        return errno::from_error_code(result.payload as u8);
    }
    let mut d = Descriptor::new(kind::FILE, result.payload);
    match files::descriptor_filetype(&mut d) {
        Ok(filetype::DIRECTORY) => d.kind = kind::DIRECTORY,
        Ok(_) => {}
        Err(e) => {
            // SAFETY: the handle just opened; nothing else refers to it.
            unsafe { filesystem::drop_descriptor(d.handle) };
            return e;
        }
    }
    if fdflags & FDFLAGS_APPEND != 0 {
        d.flags |= flag::APPEND;
    }
    if fdflags & FDFLAGS_NONBLOCK != 0 {
        d.flags |= flag::NONBLOCK;
    }
    match state::get().descriptors.insert(d) {
        Ok(fd) => {
            store_u32(out, fd);
            errno::SUCCESS
        }
        Err(e) => {
            // SAFETY: the handle just opened; nothing else refers to it.
            unsafe { filesystem::drop_descriptor(d.handle) };
            e
        }
    }
}

pub fn path_filestat_get(dirfd: u32, lookup: u32, path: u32, path_len: u32, out: u32) -> Errno {
    let dir = match dir_handle(dirfd) {
        Ok(h) => h,
        Err(e) => return e,
    };
    let path_flags = if lookup & LOOKUP_SYMLINK_FOLLOW != 0 { filesystem::PATH_SYMLINK_FOLLOW } else { 0 };
    let mut ret = ReturnArea::new();
    // SAFETY: the path is the guest's buffer, passed as a string.
    unsafe { filesystem::stat_at(dir, path_flags, path as *const u8, path_len as usize, ret.ptr()) };
    let result: filesystem::StatResult = ret.get();
    if result.is_err != 0 {
        return errno::from_error_code(result.stat.kind);
    }
    let mut hash = ReturnArea::new();
    // SAFETY: as above.
    unsafe { filesystem::metadata_hash_at(dir, path_flags, path as *const u8, path_len as usize, hash.ptr()) };
    let ino = match files::metadata_hash_lower(&hash) {
        Ok(ino) => ino,
        Err(e) => return e,
    };
    super::fd_meta::Filestat::from_stat(1, ino, &result.stat).write(out);
    errno::SUCCESS
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
    let dir = match dir_handle(dirfd) {
        Ok(h) => h,
        Err(e) => return e,
    };
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
    super::errno_of(unit_result(&ret))
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
    let old_dir = match dir_handle(old_fd) {
        Ok(h) => h,
        Err(e) => return e,
    };
    let new_dir = match dir_handle(new_fd) {
        Ok(h) => h,
        Err(e) => return e,
    };
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
    super::errno_of(unit_result(&ret))
}
