//! The path_* functions: operations relative to a directory descriptor.
//! Argument checks follow the native host's order (which descriptor and
//! string checks come first), so that bad input gets the same errno.

use super::files;
use super::strings::{check_utf8, Paths};
use super::types::{fdflags, filetype, lookupflags, oflags, rights};
use super::{store_u32, Guest, HOSTCALL_BUDGET};
use crate::descriptors::{Descriptor, FsDescriptor, OutputStream, Position};
use crate::errno::{self, from_error_code, Errno};
use crate::memory;
use crate::state::State;
use crate::wasi::abi::{ScratchPlan, Str};
use crate::wasi::filesystem::types::{self as fs, descriptor_flags, open_flags, path_flags};

/// The directory handle behind `fd`; anything else is EBADF (native host).
fn dir_handle(state: &mut State, fd: u32) -> Result<u32, Errno> {
    match state.descriptors.get(fd)? {
        Descriptor::Directory { handle, .. } => Ok(handle.0),
        _ => Err(errno::BADF),
    }
}

/// P1 `lookupflags` as `path-flags`, once `check_lookup` passed: the one
/// flag has the same bit, the lowest, on both sides.
#[inline(always)]
fn path_flags(lookup: u32) -> u8 {
    const _: () = assert!(lookupflags::SYMLINK_FOLLOW == 1 && path_flags::SYMLINK_FOLLOW == 1);
    lookup as u8
}

/// EINVAL for unknown `lookupflags` bits (the native host traps decoding
/// them), checked before anything else. Apart from `path_flags`, so that
/// the flags stay a plain byte rather than part of a `Result`.
#[inline(always)]
fn check_lookup(lookup: u32) -> Result<(), Errno> {
    if lookup > lookupflags::SYMLINK_FOLLOW {
        return Err(errno::INVAL);
    }
    Ok(())
}

/// The guest's path, once `Paths::check` passed, as the host takes it.
fn guest_path(ptr: u32, len: u32) -> Str {
    Str::new(ptr, len)
}

#[allow(clippy::too_many_arguments)]
pub fn path_open(
    state: &mut State,
    dirfd: u32,
    lookup: u32,
    path: u32,
    path_len: u32,
    oflags: u32,
    rights_base: u64,
    rights_inheriting: u64,
    fdflags: u32,
    out: u32,
) -> Result<(), Errno> {
    // Flag arguments with unknown bits are rejected before anything else, as
    // the native host decodes them first.
    if lookup & !lookupflags::SYMLINK_FOLLOW != 0
        || oflags & !oflags::ALL != 0
        || fdflags & !fdflags::ALL != 0
        || (rights_base | rights_inheriting) & !rights::ALL != 0
    {
        return Err(errno::INVAL);
    }
    Paths::new(Guest::of(state)).check(path, path_len)?;
    let mut descriptor_flags = 0;
    if rights_base & rights::FD_READ != 0 {
        descriptor_flags |= descriptor_flags::READ;
    }
    if rights_base & rights::FD_WRITE != 0 {
        descriptor_flags |= descriptor_flags::WRITE;
    }
    descriptor_flags |= files::sync_flags_to_host(fdflags);
    // Unlike the other path functions, a file as dirfd is ENOTDIR here
    // (native host).
    let dir = match state.descriptors.get(dirfd)? {
        Descriptor::Directory { handle, .. } => handle.0,
        Descriptor::File { .. } => return Err(errno::NOTDIR),
        _ => return Err(errno::BADF),
    };
    let mut open = 0;
    if oflags & oflags::CREAT != 0 {
        open |= open_flags::CREATE;
    }
    if oflags & oflags::DIRECTORY != 0 {
        open |= open_flags::DIRECTORY;
    }
    if oflags & oflags::EXCL != 0 {
        open |= open_flags::EXCLUSIVE;
    }
    if oflags & oflags::TRUNC != 0 {
        open |= open_flags::TRUNCATE;
    }
    let handle = fs::descriptor_open_at(dir, path_flags(lookup), guest_path(path, path_len), open, descriptor_flags)
        .map_err(from_error_code)?;
    // Owned from here on: every early return below releases it.
    let owned = FsDescriptor(handle);
    let filetype = files::filetype_of(handle)?;
    let fd = state.insert_descriptor_with(|| match filetype {
        filetype::DIRECTORY => Descriptor::Directory { is_preopen: false, handle: owned, index: 0, name_len: 0 },
        filetype => Descriptor::File {
            flags: (fdflags & (fdflags::APPEND | fdflags::NONBLOCK)) as u8,
            filetype,
            handle: owned,
            append: OutputStream(0),
            position: Position::ZERO,
        },
    })?;
    store_u32(out, fd);
    Ok(())
}

pub fn path_filestat_get(state: &mut State, dirfd: u32, lookup: u32, path: u32, path_len: u32, out: u32) -> Result<(), Errno> {
    check_lookup(lookup)?;
    let flags = path_flags(lookup);
    let dir = dir_handle(state, dirfd)?;
    Paths::new(Guest::of(state)).check(path, path_len)?;
    let path = guest_path(path, path_len);
    let stat = fs::descriptor_stat_at_in(&mut state.records, dir, flags, path).map_err(from_error_code)?;
    let hash = fs::descriptor_metadata_hash_at(dir, flags, path).map_err(from_error_code)?;
    files::write_filestat(out, stat, hash.lower);
    Ok(())
}

/// The directory operations that take one path and return nothing. An enum
/// rather than a function pointer: indirect calls would need a table, which
/// the adapter may not have.
#[derive(PartialEq)]
enum PathOp {
    CreateDirectory,
    RemoveDirectory,
    UnlinkFile,
}

fn simple(state: &mut State, op: PathOp, dirfd: u32, path: u32, path_len: u32) -> Result<(), Errno> {
    let dir = dir_handle(state, dirfd)?;
    let guest = Guest::of(state);
    if op == PathOp::UnlinkFile {
        // The native host reads this one path without charging it to the
        // call's budget; a path longer than any the host can take is
        // ENAMETOOLONG there.
        check_utf8(guest, path, path_len)?;
        if u64::from(path_len) > HOSTCALL_BUDGET {
            return Err(errno::NAMETOOLONG);
        }
    } else {
        Paths::new(guest).check(path, path_len)?;
    }
    let path = guest_path(path, path_len);
    match op {
        PathOp::CreateDirectory => fs::descriptor_create_directory_at(dir, path),
        PathOp::RemoveDirectory => fs::descriptor_remove_directory_at(dir, path),
        PathOp::UnlinkFile => fs::descriptor_unlink_file_at(dir, path),
    }
    .map_err(from_error_code)
}

pub fn path_create_directory(state: &mut State, dirfd: u32, path: u32, path_len: u32) -> Result<(), Errno> {
    simple(state, PathOp::CreateDirectory, dirfd, path, path_len)
}

pub fn path_remove_directory(state: &mut State, dirfd: u32, path: u32, path_len: u32) -> Result<(), Errno> {
    simple(state, PathOp::RemoveDirectory, dirfd, path, path_len)
}

pub fn path_unlink_file(state: &mut State, dirfd: u32, path: u32, path_len: u32) -> Result<(), Errno> {
    simple(state, PathOp::UnlinkFile, dirfd, path, path_len)
}

pub fn path_rename(
    state: &mut State,
    old_fd: u32,
    old_path: u32,
    old_len: u32,
    new_fd: u32,
    new_path: u32,
    new_len: u32,
) -> Result<(), Errno> {
    let old_dir = dir_handle(state, old_fd)?;
    let new_dir = dir_handle(state, new_fd)?;
    let mut paths = Paths::new(Guest::of(state));
    paths.check(old_path, old_len)?;
    paths.check(new_path, new_len)?;
    fs::descriptor_rename_at(old_dir, guest_path(old_path, old_len), new_dir, guest_path(new_path, new_len)).map_err(from_error_code)
}

#[allow(clippy::too_many_arguments)]
pub fn path_link(
    state: &mut State,
    old_fd: u32,
    old_lookup: u32,
    old_path: u32,
    old_len: u32,
    new_fd: u32,
    new_path: u32,
    new_len: u32,
) -> Result<(), Errno> {
    check_lookup(old_lookup)?;
    let flags = path_flags(old_lookup);
    let old_dir = dir_handle(state, old_fd)?;
    let new_dir = dir_handle(state, new_fd)?;
    let mut paths = Paths::new(Guest::of(state));
    paths.check(old_path, old_len)?;
    paths.check(new_path, new_len)?;
    fs::descriptor_link_at(old_dir, flags, guest_path(old_path, old_len), new_dir, guest_path(new_path, new_len))
        .map_err(from_error_code)
}

pub fn path_symlink(state: &mut State, old_path: u32, old_len: u32, dirfd: u32, new_path: u32, new_len: u32) -> Result<(), Errno> {
    let dir = dir_handle(state, dirfd)?;
    let mut paths = Paths::new(Guest::of(state));
    paths.check(old_path, old_len)?;
    paths.check(new_path, new_len)?;
    fs::descriptor_symlink_at(dir, guest_path(old_path, old_len), guest_path(new_path, new_len)).map_err(from_error_code)
}

/// Copies as much of the link target as fits, like the native host (no
/// ERANGE: a full buffer tells the caller to retry with a larger one).
pub fn path_readlink(
    state: &mut State,
    dirfd: u32,
    path: u32,
    path_len: u32,
    buf: u32,
    buf_len: u32,
    bufused: u32,
) -> Result<(), Errno> {
    let dir = dir_handle(state, dirfd)?;
    Paths::new(Guest::of(state)).check(path, path_len)?;
    let plan = ScratchPlan::new(&state.alloc);
    let target = fs::descriptor_readlink_at(&plan, dir, guest_path(path, path_len)).map_err(from_error_code)?;
    let n = target.len.min(buf_len);
    let buf = super::result(buf, n);
    // SAFETY: from scratch into the guest's buffer of `buf_len` bytes, of
    // which the `n` written were just checked.
    unsafe { memory::copy(buf as usize, target.ptr as usize, n as usize) };
    drop(plan);
    store_u32(bufused, n);
    Ok(())
}

#[allow(clippy::too_many_arguments)]
pub fn path_filestat_set_times(
    state: &mut State,
    dirfd: u32,
    lookup: u32,
    path: u32,
    path_len: u32,
    atim: u64,
    mtim: u64,
    fst_flags: u32,
) -> Result<(), Errno> {
    check_lookup(lookup)?;
    let flags = path_flags(lookup);
    super::times::check_flags(fst_flags)?;
    let access = super::times::new_timestamp(fst_flags, atim, super::times::ACCESS)?;
    let modification = super::times::new_timestamp(fst_flags, mtim, super::times::MODIFICATION)?;
    let dir = dir_handle(state, dirfd)?;
    Paths::new(Guest::of(state)).check(path, path_len)?;
    fs::descriptor_set_times_at(dir, flags, guest_path(path, path_len), access, modification).map_err(from_error_code)
}
