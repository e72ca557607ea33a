//! P1 errno values and the translation from WASI 0.2 errors.
//!
//! `Errno` is a newtype so that a P1 function can only fail with one, and
//! only the export wrapper turns it into the number P1 returns.

// The proxy flavour (no filesystem) uses only a few of these.
#![cfg_attr(feature = "proxy", allow(dead_code))]

use core::num::NonZeroU32;

/// Never 0 (success is `Ok`), so `Result<(), Errno>` is one value that
/// functions return in a register rather than through memory. 32 bits
/// although P1 errnos fit in 16: a 16-bit result comes back in a 32-bit
/// register with its upper half undefined, so every caller that tests it
/// masks it first (700 bytes over the whole adapter).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Errno(NonZeroU32);

impl Errno {
    const fn new(code: u32) -> Errno {
        match NonZeroU32::new(code) {
            Some(code) => Errno(code),
            None => panic!("errno 0 is success"),
        }
    }

    /// The value P1 returns.
    #[inline(always)]
    pub fn code(self) -> u32 {
        self.0.get()
    }
}

pub const BADF: Errno = Errno::new(8);
pub const FAULT: Errno = Errno::new(21);
pub const ILSEQ: Errno = Errno::new(25);
pub const INTR: Errno = Errno::new(27);
pub const INVAL: Errno = Errno::new(28);
pub const IO: Errno = Errno::new(29);
pub const MFILE: Errno = Errno::new(33);
pub const NAMETOOLONG: Errno = Errno::new(37);
pub const NOMEM: Errno = Errno::new(48);
pub const NOTDIR: Errno = Errno::new(54);
pub const NOTSOCK: Errno = Errno::new(57);
pub const NOTSUP: Errno = Errno::new(58);
pub const OVERFLOW: Errno = Errno::new(61);
pub const SPIPE: Errno = Errno::new(70);

/// `Result<usize, Errno>` packed into one `u64` (the count below bit 32,
/// the errno above it), for the few functions that are not inlined and
/// return a byte count: a `Result` of two words comes back through memory,
/// and that alone gives every caller a stack frame.
#[derive(Clone, Copy)]
pub struct Counted(u64);

impl From<Result<usize, Errno>> for Counted {
    #[inline(always)]
    fn from(result: Result<usize, Errno>) -> Counted {
        match result {
            Ok(count) => Counted(count as u64),
            Err(errno) => Counted(u64::from(errno.code()) << 32),
        }
    }
}

impl Counted {
    #[inline(always)]
    pub fn get(self) -> Result<usize, Errno> {
        match NonZeroU32::new((self.0 >> 32) as u32) {
            None => Ok(self.0 as u32 as usize),
            Some(code) => Err(Errno(code)),
        }
    }
}

/// Maps a `wasi:filesystem/types.error-code` (its enum index) to a P1 errno.
///
/// The table is packed into 64-bit immediates, one byte per code, and read
/// with shifts: a `match` here would be turned by LLVM into a lookup table
/// in a data segment, which the adapter may not have.
#[cfg(not(feature = "proxy"))]
#[inline(never)]
pub fn from_error_code(code: crate::wasi::filesystem::types::ErrorCode) -> Errno {
    // error-code order: access, would-block, already, bad-descriptor, busy,
    // deadlock, quota, exist | file-too-large, illegal-byte-sequence,
    // in-progress, interrupted, invalid, io, is-directory, loop |
    // too-many-links, message-size, name-too-long, no-device, no-entry,
    // no-lock, insufficient-memory, insufficient-space | not-directory,
    // not-empty, not-recoverable, unsupported, no-tty, no-such-device,
    // overflow, not-permitted | pipe, read-only, invalid-seek,
    // text-file-busy, cross-device.
    const WORDS: [u64; 5] = [
        u64::from_le_bytes([2, 6, 7, 8, 10, 16, 19, 20]),
        u64::from_le_bytes([22, 25, 26, 27, 28, 29, 31, 32]),
        u64::from_le_bytes([34, 35, 37, 43, 44, 46, 48, 51]),
        u64::from_le_bytes([54, 55, 56, 58, 59, 60, 61, 63]),
        u64::from_le_bytes([64, 69, 70, 74, 75, 0, 0, 0]),
    ];
    const _: () = assert!(crate::wasi::filesystem::types::error_code::COUNT == 37);
    let index = code as usize;
    if index >= 37 {
        return IO;
    }
    // `black_box` keeps the words as immediates instead of a constant array
    // in memory.
    let word = match index / 8 {
        0 => core::hint::black_box(WORDS[0]),
        1 => core::hint::black_box(WORDS[1]),
        2 => core::hint::black_box(WORDS[2]),
        3 => core::hint::black_box(WORDS[3]),
        _ => core::hint::black_box(WORDS[4]),
    };
    NonZeroU32::new(((word >> ((index % 8) * 8)) & 0xff) as u32).map_or(IO, Errno)
}

/// Maps a `stream-error` the way the native host does: a closed stream is
/// EIO, a failed operation the filesystem error behind it (EIO when there
/// is none). Releases the `error` resource.
#[inline(never)]
pub fn from_stream_error(error: crate::wasi::io::streams::StreamError) -> Errno {
    use crate::wasi::io::{error, streams::StreamError};
    let StreamError::LastOperationFailed(handle) = error else {
        return IO;
    };
    #[cfg(not(feature = "proxy"))]
    let code = crate::wasi::filesystem::types::filesystem_error_code(handle).map_or(IO, from_error_code);
    #[cfg(feature = "proxy")]
    let code = IO;
    error::drop_error(handle);
    code
}
