//! Descriptor metadata: fd_close, fd_fdstat_get, fd_fdstat_set_flags,
//! fd_prestat_get, fd_prestat_dir_name, fd_filestat_get,
//! fd_filestat_set_size, fd_filestat_set_times, fd_sync, fd_datasync,
//! fd_advise, fd_allocate, fd_fdstat_set_rights, fd_renumber, and the bad-fd
//! reservations.

#[cfg(not(feature = "proxy"))]
use super::files;
use super::store_u32;
use super::types::{self, fdflags, filetype, rights, Fdstat, Filestat, ADVICE_MAX};
use crate::descriptors::Descriptor;
use crate::errno::{self, Errno};
use crate::state::State;
use crate::stdio;
#[cfg(not(feature = "proxy"))]
use crate::{errno::from_error_code, wasi::filesystem::types as fs};

/// Dropping the removed descriptor releases its host resources.
pub fn fd_close(state: &mut State, fd: u32) -> Result<(), Errno> {
    state.descriptors.close(fd)
}

/// Moves `from` to `to`, closing what `to` held; both must be open, like
/// on the native host.
pub fn fd_renumber(state: &mut State, from: u32, to: u32) -> Result<(), Errno> {
    let table = &mut state.descriptors;
    table.get(from)?;
    table.get(to)?;
    if from != to {
        table.renumber(from, to)?;
    }
    Ok(())
}

/// The handle of a FILE or DIRECTORY descriptor; streams are EBADF.
fn file_or_dir_handle(state: &mut State, fd: u32) -> Result<u32, Errno> {
    match state.descriptors.get(fd)? {
        #[cfg(not(feature = "proxy"))]
        Descriptor::File { handle, .. } | Descriptor::Directory { handle, .. } => Ok(handle.0),
        _ => Err(errno::BADF),
    }
}

/// The handle of a FILE descriptor; directories and streams are EBADF.
fn file_handle(state: &mut State, fd: u32) -> Result<u32, Errno> {
    match state.descriptors.get(fd)? {
        #[cfg(not(feature = "proxy"))]
        Descriptor::File { handle, .. } => Ok(handle.0),
        _ => Err(errno::BADF),
    }
}

/// Rights are not enforced; like the native host, any open file or
/// directory answers NOTSUP. Unknown rights bits are EINVAL first (the
/// native host traps decoding them).
pub fn fd_fdstat_set_rights(state: &mut State, fd: u32, base: u64, inheriting: u64) -> Result<(), Errno> {
    if (base | inheriting) & !rights::ALL != 0 {
        return Err(errno::INVAL);
    }
    file_or_dir_handle(state, fd)?;
    Err(errno::NOTSUP)
}

/// As on the native host: checked, then NOTSUP.
pub fn fd_allocate(state: &mut State, fd: u32) -> Result<(), Errno> {
    file_handle(state, fd)?;
    Err(errno::NOTSUP)
}

#[cfg_attr(feature = "proxy", allow(unused_variables))]
pub fn fd_advise(state: &mut State, fd: u32, offset: u64, len: u64, advice: u32) -> Result<(), Errno> {
    // P1 and WASI 0.2 number the advice values alike.
    if advice > ADVICE_MAX {
        return Err(errno::INVAL);
    }
    let handle = file_handle(state, fd)?;
    #[cfg(not(feature = "proxy"))]
    fs::descriptor_advise(handle, offset, len, advice as u8).map_err(from_error_code)?;
    Ok(())
}

#[cfg_attr(feature = "proxy", allow(unused_variables))]
pub fn fd_filestat_set_times(state: &mut State, fd: u32, atim: u64, mtim: u64, fst_flags: u32) -> Result<(), Errno> {
    #[cfg(not(feature = "proxy"))]
    return files::set_times(fst_flags, atim, mtim, || file_or_dir_handle(state, fd));
    // Without a filesystem only the argument checks remain.
    #[cfg(feature = "proxy")]
    {
        if fst_flags & !super::types::fstflags::ALL != 0 {
            return Err(errno::INVAL);
        }
        file_or_dir_handle(state, fd).map(drop)
    }
}

fn stdio_fdstat(filetype: u8, rights: u64) -> Fdstat {
    Fdstat { filetype, flags: 0, rights_base: rights, rights_inheriting: rights }
}

/// Rights the native host reports for a preopened directory.
#[cfg_attr(feature = "proxy", allow(dead_code))]
fn preopen_fdstat() -> Fdstat {
    use rights::*;
    let base = PATH_CREATE_DIRECTORY
        | PATH_CREATE_FILE
        | PATH_LINK_SOURCE
        | PATH_LINK_TARGET
        | PATH_OPEN
        | FD_READDIR
        | PATH_READLINK
        | PATH_RENAME_SOURCE
        | PATH_RENAME_TARGET
        | PATH_SYMLINK
        | PATH_REMOVE_DIRECTORY
        | PATH_UNLINK_FILE
        | PATH_FILESTAT_GET
        | PATH_FILESTAT_SET_TIMES
        | FD_FILESTAT_GET
        | FD_FILESTAT_SET_TIMES;
    let inheriting = base
        | FD_DATASYNC
        | FD_READ
        | FD_SEEK
        | FD_FDSTAT_SET_FLAGS
        | FD_SYNC
        | FD_TELL
        | FD_WRITE
        | FD_ADVISE
        | FD_ALLOCATE
        | FD_FILESTAT_GET
        | FD_FILESTAT_SET_SIZE
        | FD_FILESTAT_SET_TIMES
        | POLL_FD_READWRITE;
    Fdstat { filetype: filetype::DIRECTORY, flags: 0, rights_base: base, rights_inheriting: inheriting }
}

pub fn fd_fdstat_get(state: &mut State, fd: u32, out: u32) -> Result<(), Errno> {
    let stat = match state.descriptors.get(fd)? {
        Descriptor::Stdin { filetype, .. } => stdio_fdstat(stdio::filetype(filetype, 0), rights::FD_READ),
        Descriptor::Stdout { filetype, .. } => stdio_fdstat(stdio::filetype(filetype, 1), rights::FD_WRITE),
        Descriptor::Stderr { filetype, .. } => stdio_fdstat(stdio::filetype(filetype, 2), rights::FD_WRITE),
        #[cfg(not(feature = "proxy"))]
        Descriptor::Directory { is_preopen: true, .. } => preopen_fdstat(),
        #[cfg(not(feature = "proxy"))]
        Descriptor::Directory { handle, .. } => return files::fdstat(handle.0, filetype::DIRECTORY, 0, out),
        #[cfg(not(feature = "proxy"))]
        Descriptor::File { handle, filetype, flags, .. } => return files::fdstat(handle.0, *filetype, *flags, out),
        _ => return Err(errno::BADF),
    };
    stat.write(super::result(out, types::FDSTAT_SIZE));
    Ok(())
}

/// Like the native host: only files take flags, only APPEND and NONBLOCK
/// can change, and the sync flags are refused. Standard streams answer
/// EBADF, so Go keeps treating them as blocking and never sees EAGAIN.
pub fn fd_fdstat_set_flags(state: &mut State, fd: u32, flags: u32) -> Result<(), Errno> {
    if flags & !fdflags::ALL != 0 {
        return Err(errno::INVAL);
    }
    match state.descriptors.get(fd)? {
        #[cfg(not(feature = "proxy"))]
        Descriptor::File { flags: file_flags, .. } => {
            if flags & (fdflags::DSYNC | fdflags::SYNC | fdflags::RSYNC) != 0 {
                return Err(errno::INVAL);
            }
            *file_flags = (flags & (fdflags::APPEND | fdflags::NONBLOCK)) as u8;
            Ok(())
        }
        _ => Err(errno::BADF),
    }
}

pub fn fd_prestat_get(state: &mut State, fd: u32, out: u32) -> Result<(), Errno> {
    let preopen = state.descriptors.get(fd)?.preopen().ok_or(errno::BADF)?;
    // prestat: tag 0 (dir) at 0, name length at 4.
    store_u32(out, 0);
    store_u32(out + 4, preopen.name_len);
    Ok(())
}

// Without a filesystem (proxy) no descriptor is a preopen, so `buf` is unused.
#[cfg_attr(feature = "proxy", allow(unused_variables))]
pub fn fd_prestat_dir_name(state: &mut State, fd: u32, buf: u32, len: u32) -> Result<(), Errno> {
    let preopen = state.descriptors.get(fd)?.preopen().ok_or(errno::NOTDIR)?;
    if preopen.name_len > len {
        return Err(errno::NAMETOOLONG);
    }
    // The name's bytes are what is written (`super::result`).
    #[cfg(not(feature = "proxy"))]
    crate::preopens::copy_name(&state.alloc, preopen.index as usize, super::result(buf, preopen.name_len) as usize, len as usize);
    Ok(())
}

pub fn fd_filestat_get(state: &mut State, fd: u32, out: u32) -> Result<(), Errno> {
    // The native host reports standard streams with only a filetype.
    let stdio = |filetype| Filestat { filetype, ..Filestat::default() };
    let stat = match state.descriptors.get(fd)? {
        Descriptor::Stdin { filetype, .. } => stdio(stdio::filetype(filetype, 0)),
        Descriptor::Stdout { filetype, .. } => stdio(stdio::filetype(filetype, 1)),
        Descriptor::Stderr { filetype, .. } => stdio(stdio::filetype(filetype, 2)),
        #[cfg(not(feature = "proxy"))]
        Descriptor::File { handle, .. } | Descriptor::Directory { handle, .. } => {
            return files::filestat(&mut state.records, handle.0, out)
        }
        _ => return Err(errno::BADF),
    };
    stat.write(super::result(out, types::FILESTAT_SIZE));
    Ok(())
}

#[cfg_attr(feature = "proxy", allow(unused_variables))]
pub fn fd_filestat_set_size(state: &mut State, fd: u32, size: u64) -> Result<(), Errno> {
    let handle = file_handle(state, fd)?;
    #[cfg(not(feature = "proxy"))]
    fs::descriptor_set_size(handle, size).map_err(from_error_code)?;
    Ok(())
}

/// fd_sync (`data_only` false) and fd_datasync.
#[cfg_attr(feature = "proxy", allow(unused_variables))]
pub fn fd_sync(state: &mut State, fd: u32, data_only: bool) -> Result<(), Errno> {
    let handle = file_handle(state, fd)?;
    #[cfg(not(feature = "proxy"))]
    if data_only { fs::descriptor_sync_data(handle) } else { fs::descriptor_sync(handle) }.map_err(from_error_code)?;
    Ok(())
}

pub fn open_badfd(state: &mut State, out: u32) -> Result<(), Errno> {
    let fd = state.insert_descriptor(Descriptor::Bad)?;
    store_u32(out, fd);
    Ok(())
}

pub fn close_badfd(state: &mut State, fd: u32) -> Result<(), Errno> {
    state.descriptors.remove_bad(fd)
}
