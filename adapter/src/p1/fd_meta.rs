//! Descriptor metadata: fd_close, fd_fdstat_get, fd_fdstat_set_flags,
//! fd_prestat_get, fd_prestat_dir_name, fd_filestat_get,
//! fd_filestat_set_size, fd_filestat_set_times, fd_sync, fd_datasync,
//! fd_advise, fd_allocate, fd_fdstat_set_rights, fd_renumber, and the bad-fd
//! reservations.

#[cfg(not(feature = "proxy"))]
use super::files;
use super::store_u32;
use crate::descriptors::{flag, kind, Descriptor};
use crate::errno::{self, filetype, Errno};
use crate::{memory, state, stdio};

#[cfg_attr(feature = "proxy", allow(dead_code))]
pub mod rights {
    pub const FD_DATASYNC: u64 = 1 << 0;
    pub const FD_READ: u64 = 1 << 1;
    pub const FD_SEEK: u64 = 1 << 2;
    pub const FD_FDSTAT_SET_FLAGS: u64 = 1 << 3;
    pub const FD_SYNC: u64 = 1 << 4;
    pub const FD_TELL: u64 = 1 << 5;
    pub const FD_WRITE: u64 = 1 << 6;
    pub const FD_ADVISE: u64 = 1 << 7;
    pub const FD_ALLOCATE: u64 = 1 << 8;
    pub const PATH_CREATE_DIRECTORY: u64 = 1 << 9;
    pub const PATH_CREATE_FILE: u64 = 1 << 10;
    pub const PATH_LINK_SOURCE: u64 = 1 << 11;
    pub const PATH_LINK_TARGET: u64 = 1 << 12;
    pub const PATH_OPEN: u64 = 1 << 13;
    pub const FD_READDIR: u64 = 1 << 14;
    pub const PATH_READLINK: u64 = 1 << 15;
    pub const PATH_RENAME_SOURCE: u64 = 1 << 16;
    pub const PATH_RENAME_TARGET: u64 = 1 << 17;
    pub const PATH_FILESTAT_GET: u64 = 1 << 18;
    pub const PATH_FILESTAT_SET_SIZE: u64 = 1 << 19;
    pub const PATH_FILESTAT_SET_TIMES: u64 = 1 << 20;
    pub const FD_FILESTAT_GET: u64 = 1 << 21;
    pub const FD_FILESTAT_SET_SIZE: u64 = 1 << 22;
    pub const FD_FILESTAT_SET_TIMES: u64 = 1 << 23;
    pub const PATH_SYMLINK: u64 = 1 << 24;
    pub const PATH_REMOVE_DIRECTORY: u64 = 1 << 25;
    pub const PATH_UNLINK_FILE: u64 = 1 << 26;
    pub const POLL_FD_READWRITE: u64 = 1 << 27;
    /// Every right P1 defines: bits 0..=29 (`sock_shutdown` is 28,
    /// `sock_accept` 29).
    pub const ALL: u64 = (1 << 30) - 1;
}

const FDFLAGS_ALL: u32 = 0x1f;

pub mod fdflags {
    pub const APPEND: u16 = 1 << 0;
    pub const DSYNC: u16 = 1 << 1;
    pub const NONBLOCK: u16 = 1 << 2;
    pub const RSYNC: u16 = 1 << 3;
    pub const SYNC: u16 = 1 << 4;
}

/// P1 `fdstat`.
pub struct Fdstat {
    pub filetype: u8,
    pub flags: u16,
    pub rights_base: u64,
    pub rights_inheriting: u64,
}

impl Fdstat {
    fn write(&self, out: u32) {
        let out = out as usize;
        // SAFETY: guest pointer per P1 (`fdstat` is 24 bytes).
        unsafe {
            memory::fill(out, 0, 24);
            *(out as *mut u8) = self.filetype;
            core::ptr::write_unaligned((out + 2) as *mut u16, self.flags);
            memory::write_u64_unaligned(out + 8, self.rights_base);
            memory::write_u64_unaligned(out + 16, self.rights_inheriting);
        }
    }
}

/// P1 `filestat`.
#[derive(Default)]
pub struct Filestat {
    pub dev: u64,
    pub ino: u64,
    pub filetype: u8,
    pub nlink: u64,
    pub size: u64,
    pub atim: u64,
    pub mtim: u64,
    pub ctim: u64,
}

impl Filestat {
    #[cfg(not(feature = "proxy"))]
    pub fn from_stat(dev: u64, ino: u64, stat: &crate::wasi::filesystem::DescriptorStat) -> Filestat {
        Filestat {
            dev,
            ino,
            filetype: filetype::from_descriptor_type(stat.kind),
            nlink: stat.link_count,
            size: stat.size,
            atim: stat.access.as_nanos(),
            mtim: stat.modification.as_nanos(),
            ctim: stat.status_change.as_nanos(),
        }
    }

    pub fn write(&self, out: u32) {
        let out = out as usize;
        // SAFETY: guest pointer per P1 (`filestat` is 64 bytes).
        unsafe {
            memory::fill(out, 0, 64);
            memory::write_u64_unaligned(out, self.dev);
            memory::write_u64_unaligned(out + 8, self.ino);
            *((out + 16) as *mut u8) = self.filetype;
            memory::write_u64_unaligned(out + 24, self.nlink);
            memory::write_u64_unaligned(out + 32, self.size);
            memory::write_u64_unaligned(out + 40, self.atim);
            memory::write_u64_unaligned(out + 48, self.mtim);
            memory::write_u64_unaligned(out + 56, self.ctim);
        }
    }
}

pub fn fd_close(fd: u32) -> Errno {
    match state::get().descriptors.remove(fd) {
        Ok(old) => {
            release(&old);
            errno::SUCCESS
        }
        Err(e) => e,
    }
}

/// Drops the host resources of a descriptor that left the table.
fn release(old: &Descriptor) {
    match old.kind {
        kind::STDIN | kind::STDOUT | kind::STDERR => stdio::drop_streams(old),
        #[cfg(not(feature = "proxy"))]
        kind::FILE | kind::DIRECTORY => files::release(old),
        _ => {}
    }
}

/// Moves `from` to `to`, closing what `to` held; both must be open, like
/// on the native host.
pub fn fd_renumber(from: u32, to: u32) -> Errno {
    let table = &mut state::get().descriptors;
    if let Err(e) = table.get(from).map(drop).and_then(|()| table.get(to).map(drop)) {
        return e;
    }
    if from == to {
        return errno::SUCCESS;
    }
    match table.renumber(from, to) {
        Ok(old) => {
            release(&old);
            errno::SUCCESS
        }
        Err(e) => e,
    }
}

/// The handle of a FILE or DIRECTORY descriptor; streams are EBADF.
fn file_or_dir_handle(fd: u32) -> Result<u32, Errno> {
    let d = state::get().descriptors.get(fd)?;
    match d.kind {
        kind::FILE | kind::DIRECTORY => Ok(d.handle),
        _ => Err(errno::BADF),
    }
}

/// Rights are not enforced; like the native host, any open file or
/// directory answers NOTSUP. Unknown rights bits are EINVAL first (the
/// native host traps decoding them).
pub fn fd_fdstat_set_rights(fd: u32, base: u64, inheriting: u64) -> Errno {
    if (base | inheriting) & !rights::ALL != 0 {
        return errno::INVAL;
    }
    match file_or_dir_handle(fd) {
        Ok(_) => errno::NOTSUP,
        Err(e) => e,
    }
}

/// As on the native host: checked, then NOTSUP.
pub fn fd_allocate(fd: u32) -> Errno {
    match file_handle(fd) {
        Ok(_) => errno::NOTSUP,
        Err(e) => e,
    }
}

const ADVICE_MAX: u32 = 5;

pub fn fd_advise(fd: u32, offset: u64, len: u64, advice: u32) -> Errno {
    // P1 and WASI 0.2 number the advice values alike.
    if advice > ADVICE_MAX {
        return errno::INVAL;
    }
    #[cfg(not(feature = "proxy"))]
    return super::errno_of(file_handle(fd).and_then(|h| files::advise(h, offset, len, advice)));
    #[cfg(feature = "proxy")]
    return super::errno_of(file_handle(fd).map(|_| (offset, len)).map(drop));
}

pub fn fd_filestat_set_times(fd: u32, atim: u64, mtim: u64, fst_flags: u32) -> Errno {
    #[cfg(not(feature = "proxy"))]
    return super::errno_of(files::set_times(fst_flags, atim, mtim, || file_or_dir_handle(fd)));
    // Without a filesystem only the argument checks remain.
    #[cfg(feature = "proxy")]
    return if fst_flags & !0xf != 0 {
        errno::INVAL
    } else {
        super::errno_of(file_or_dir_handle(fd).map(|_| (atim, mtim)).map(drop))
    };
}

/// Rights the native host reports for a preopened directory.
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

pub fn fd_fdstat_get(fd: u32, out: u32) -> Errno {
    let d = match state::get().descriptors.get(fd) {
        Ok(d) => d,
        Err(e) => return e,
    };
    let stat = match d.kind {
        kind::STDIN | kind::STDOUT | kind::STDERR => {
            let filetype = stdio::filetype(d);
            // An `if`, not one arm per stream: LLVM would turn the arms
            // into a lookup table, a data segment the adapter may not have.
            let rights = if d.kind == kind::STDIN { rights::FD_READ } else { rights::FD_WRITE };
            Fdstat { filetype, flags: 0, rights_base: rights, rights_inheriting: rights }
        }
        _ if d.flags & flag::PREOPEN != 0 => preopen_fdstat(),
        #[cfg(not(feature = "proxy"))]
        kind::FILE | kind::DIRECTORY => match files::fdstat(d) {
            Ok(stat) => stat,
            Err(e) => return e,
        },
        _ => return errno::BADF,
    };
    stat.write(out);
    errno::SUCCESS
}

/// Like the native host: only files take flags, only APPEND and NONBLOCK
/// can change, and the sync flags are refused. Standard streams answer
/// EBADF, so Go keeps treating them as blocking and never sees EAGAIN.
pub fn fd_fdstat_set_flags(fd: u32, flags: u32) -> Errno {
    if flags & !FDFLAGS_ALL != 0 {
        return errno::INVAL;
    }
    let d = match state::get().descriptors.get(fd) {
        Ok(d) => d,
        Err(e) => return e,
    };
    if d.kind != kind::FILE {
        return errno::BADF;
    }
    let flags = flags as u16;
    if flags & (fdflags::DSYNC | fdflags::SYNC | fdflags::RSYNC) != 0 {
        return errno::INVAL;
    }
    d.flags &= !(flag::APPEND | flag::NONBLOCK);
    if flags & fdflags::APPEND != 0 {
        d.flags |= flag::APPEND;
    }
    if flags & fdflags::NONBLOCK != 0 {
        d.flags |= flag::NONBLOCK;
    }
    errno::SUCCESS
}

pub fn fd_prestat_get(fd: u32, out: u32) -> Errno {
    let d = match state::get().descriptors.get(fd) {
        Ok(d) => d,
        Err(e) => return e,
    };
    let Some(preopen) = d.preopen() else {
        return errno::BADF;
    };
    // prestat: tag 0 (dir) at 0, name length at 4.
    store_u32(out, 0);
    store_u32(out + 4, preopen.name_len);
    errno::SUCCESS
}

// Without a filesystem (proxy) no descriptor is a preopen, so `buf` is unused.
#[cfg_attr(feature = "proxy", allow(unused_variables))]
pub fn fd_prestat_dir_name(fd: u32, buf: u32, len: u32) -> Errno {
    let d = match state::get().descriptors.get(fd) {
        Ok(d) => d,
        Err(e) => return e,
    };
    let Some(preopen) = d.preopen() else {
        return errno::NOTDIR;
    };
    if preopen.name_len > len {
        return errno::NAMETOOLONG;
    }
    #[cfg(not(feature = "proxy"))]
    crate::preopens::copy_name(preopen.index as usize, buf as usize, len as usize);
    errno::SUCCESS
}

pub fn fd_filestat_get(fd: u32, out: u32) -> Errno {
    let d = match state::get().descriptors.get(fd) {
        Ok(d) => d,
        Err(e) => return e,
    };
    let stat = match d.kind {
        // The native host reports standard streams with only a filetype.
        kind::STDIN | kind::STDOUT | kind::STDERR => Filestat { filetype: stdio::filetype(d), ..Filestat::default() },
        #[cfg(not(feature = "proxy"))]
        kind::FILE | kind::DIRECTORY => match files::filestat(d.handle) {
            Ok(stat) => stat,
            Err(e) => return e,
        },
        _ => return errno::BADF,
    };
    stat.write(out);
    errno::SUCCESS
}

/// The handle of a FILE descriptor; directories and streams are EBADF.
fn file_handle(fd: u32) -> Result<u32, Errno> {
    let d: &mut Descriptor = state::get().descriptors.get(fd)?;
    if d.kind == kind::FILE {
        Ok(d.handle)
    } else {
        Err(errno::BADF)
    }
}

pub fn fd_filestat_set_size(fd: u32, size: u64) -> Errno {
    #[cfg(not(feature = "proxy"))]
    return super::errno_of(file_handle(fd).and_then(|h| files::set_size(h, size)));
    #[cfg(feature = "proxy")]
    return super::errno_of(file_handle(fd).map(|_| size).map(drop));
}

pub fn fd_sync(fd: u32) -> Errno {
    #[cfg(not(feature = "proxy"))]
    return super::errno_of(file_handle(fd).and_then(|h| files::sync(h, false)));
    #[cfg(feature = "proxy")]
    return super::errno_of(file_handle(fd).map(drop));
}

pub fn fd_datasync(fd: u32) -> Errno {
    #[cfg(not(feature = "proxy"))]
    return super::errno_of(file_handle(fd).and_then(|h| files::sync(h, true)));
    #[cfg(feature = "proxy")]
    return super::errno_of(file_handle(fd).map(drop));
}

pub fn open_badfd(out: u32) -> Errno {
    match state::get().descriptors.insert(Descriptor::bad()) {
        Ok(fd) => {
            store_u32(out, fd);
            errno::SUCCESS
        }
        Err(e) => e,
    }
}

pub fn close_badfd(fd: u32) -> Errno {
    super::errno_of(state::get().descriptors.remove_bad(fd))
}
