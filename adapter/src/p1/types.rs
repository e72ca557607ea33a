//! Every P1 constant, flag set and record layout the adapter uses, in one
//! place (errno values are in `crate::errno`). A leaf: it depends on no
//! other module, so every layer may use it.

// Each flavour uses a different subset.
#![allow(dead_code)]

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

pub mod fdflags {
    pub const APPEND: u32 = 1 << 0;
    pub const DSYNC: u32 = 1 << 1;
    pub const NONBLOCK: u32 = 1 << 2;
    pub const RSYNC: u32 = 1 << 3;
    pub const SYNC: u32 = 1 << 4;
    pub const ALL: u32 = 0x1f;
}

pub mod oflags {
    pub const CREAT: u32 = 1 << 0;
    pub const DIRECTORY: u32 = 1 << 1;
    pub const EXCL: u32 = 1 << 2;
    pub const TRUNC: u32 = 1 << 3;
    pub const ALL: u32 = 0xf;
}

pub mod lookupflags {
    pub const SYMLINK_FOLLOW: u32 = 1 << 0;
}

pub mod fstflags {
    pub const ATIM: u32 = 1 << 0;
    pub const ATIM_NOW: u32 = 1 << 1;
    pub const MTIM: u32 = 1 << 2;
    pub const MTIM_NOW: u32 = 1 << 3;
    pub const ALL: u32 = 0xf;
}

pub mod riflags {
    pub const ALL: u32 = 0x3;
}

pub mod sdflags {
    pub const ALL: u32 = 0x3;
}

/// `siflags` is a plain 16-bit integer (no bits are defined).
pub const SIFLAGS_MAX: u32 = 0xffff;

pub mod whence {
    pub const SET: u32 = 0;
    pub const CUR: u32 = 1;
    pub const END: u32 = 2;
}

pub mod clockid {
    pub const REALTIME: u32 = 0;
    pub const MONOTONIC: u32 = 1;
    pub const PROCESS_CPUTIME: u32 = 2;
    pub const THREAD_CPUTIME: u32 = 3;
}

pub mod eventtype {
    pub const CLOCK: u8 = 0;
    pub const FD_READ: u8 = 1;
    pub const FD_WRITE: u8 = 2;
}

pub const SUBCLOCKFLAGS_ABSTIME: u16 = 1;
pub const EVENTRWFLAGS_HANGUP: u16 = 1;
pub const SUBSCRIPTION_SIZE: u32 = 48;
/// Bytes of the `fdstat` and `filestat` records.
pub const FDSTAT_SIZE: u32 = 24;
pub const FILESTAT_SIZE: u32 = 64;
pub const EVENT_SIZE: u32 = 32;
pub const DIRENT_SIZE: usize = 24;
/// The highest P1 signal number.
pub const SIGNAL_MAX: u32 = 30;
/// The highest `advice` value (P1 and WASI 0.2 number them alike).
pub const ADVICE_MAX: u32 = 5;

pub mod filetype {
    pub const UNKNOWN: u8 = 0;
    pub const BLOCK_DEVICE: u8 = 1;
    pub const CHARACTER_DEVICE: u8 = 2;
    pub const DIRECTORY: u8 = 3;
    pub const REGULAR_FILE: u8 = 4;
    pub const SOCKET_STREAM: u8 = 6;
    pub const SYMBOLIC_LINK: u8 = 7;

    /// Maps a `descriptor-type` (its enum index) to a P1 filetype the way
    /// the native host does (FIFO, which P1 lacks, becomes UNKNOWN). Packed
    /// into an immediate: a `match` would become a table in a data segment.
    pub fn from_descriptor_type(kind: u8) -> u8 {
        // unknown, block, char, directory, fifo, symlink, regular, socket
        let packed = u64::from_le_bytes([
            UNKNOWN,
            BLOCK_DEVICE,
            CHARACTER_DEVICE,
            DIRECTORY,
            UNKNOWN,
            SYMBOLIC_LINK,
            REGULAR_FILE,
            SOCKET_STREAM,
        ]);
        // The host sends one of the eight cases (the canonical ABI has no
        // other values for the enum); `& 7` keeps the shift in range
        // without a branch.
        ((packed >> ((kind & 7) as u64 * 8)) & 0xff) as u8
    }
}

/// P1 `fdstat`.
pub struct Fdstat {
    pub filetype: u8,
    pub flags: u16,
    pub rights_base: u64,
    pub rights_inheriting: u64,
}

impl Fdstat {
    /// Writes the 24-byte record through a guest pointer.
    pub fn write(&self, out: u32) {
        let out = out as usize as *mut u64;
        // SAFETY: a guest pointer per P1; past the end of memory it traps,
        // as on the native host.
        // Whole words, padding (zero) included: no `memory.fill`, which
        // wasmtime runs as a call into the runtime.
        unsafe {
            out.write_unaligned(u64::from(self.filetype) | u64::from(self.flags) << 16);
            out.add(1).write_unaligned(self.rights_base);
            out.add(2).write_unaligned(self.rights_inheriting);
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
    /// Writes the 64-byte record through a guest pointer.
    #[inline(always)]
    pub fn write(&self, out: u32) {
        let out = out as usize as *mut u64;
        // SAFETY: a guest pointer per P1; past the end of memory it traps,
        // as on the native host. Whole words, padding (zero) included, as
        // in `Fdstat::write`; field offsets as pointer steps, which become
        // the stores' immediate offsets.
        unsafe {
            out.write_unaligned(self.dev);
            out.add(1).write_unaligned(self.ino);
            out.add(2).write_unaligned(u64::from(self.filetype));
            out.add(3).write_unaligned(self.nlink);
            out.add(4).write_unaligned(self.size);
            out.add(5).write_unaligned(self.atim);
            out.add(6).write_unaligned(self.mtim);
            out.add(7).write_unaligned(self.ctim);
        }
    }
}
