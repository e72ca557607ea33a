//! P1 errno values and the translation from WASI 0.2 error codes.

// The proxy flavour (no filesystem) uses only a few of these.
#![cfg_attr(feature = "proxy", allow(dead_code))]

pub type Errno = u16;

pub const SUCCESS: Errno = 0;
pub const BADF: Errno = 8;
pub const FAULT: Errno = 21;
pub const ILSEQ: Errno = 25;
pub const INTR: Errno = 27;
pub const INVAL: Errno = 28;
pub const IO: Errno = 29;
pub const MFILE: Errno = 33;
pub const NAMETOOLONG: Errno = 37;
pub const NOMEM: Errno = 48;
pub const NOTDIR: Errno = 54;
pub const NOTSOCK: Errno = 57;
pub const NOTSUP: Errno = 58;
pub const OVERFLOW: Errno = 61;
pub const SPIPE: Errno = 70;

/// Maps a `wasi:filesystem/types.error-code` (its enum index) to a P1 errno.
///
/// The table is packed into 64-bit immediates, one byte per code, and read
/// with shifts: a `match` here would be turned by LLVM into a lookup table
/// in a data segment, which the adapter may not have.
pub fn from_error_code(code: u8) -> Errno {
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
    ((word >> ((index % 8) * 8)) & 0xff) as Errno
}

/// Maps a `stream-error` the way the native host does: a closed stream is
/// EIO, a failed operation the filesystem error behind it (EIO when there
/// is none). Releases the `error` resource.
pub fn from_stream_error(tag: u8, error: u32) -> Errno {
    if tag == crate::wasi::io::STREAM_ERROR_CLOSED {
        return IO;
    }
    #[cfg(not(feature = "proxy"))]
    let code = {
        let mut ret = crate::wasi::ReturnArea::new();
        // SAFETY: a borrow of the live `error` handle.
        unsafe { crate::wasi::filesystem::filesystem_error_code(error, ret.ptr()) };
        let code: crate::wasi::filesystem::ByteResult = ret.get();
        if code.is_err != 0 { from_error_code(code.value) } else { IO }
    };
    #[cfg(feature = "proxy")]
    let code = IO;
    // SAFETY: the own `error` handle of the failed call, dropped once.
    unsafe { crate::wasi::io::drop_error(error) };
    code
}

/// P1 filetype values.
pub mod filetype {
    pub const UNKNOWN: u8 = 0;
    pub const BLOCK_DEVICE: u8 = 1;
    pub const CHARACTER_DEVICE: u8 = 2;
    pub const DIRECTORY: u8 = 3;
    pub const REGULAR_FILE: u8 = 4;
    pub const SOCKET_STREAM: u8 = 6;
    pub const SYMBOLIC_LINK: u8 = 7;

    /// Maps a `descriptor-type` to a P1 filetype the way the native host
    /// does (FIFO, which P1 lacks, becomes UNKNOWN). Packed like
    /// `from_error_code`.
    pub fn from_descriptor_type(kind: u8) -> u8 {
        // unknown, block, char, directory, fifo, symlink, regular, socket
        let packed = core::hint::black_box(u64::from_le_bytes([
            UNKNOWN,
            BLOCK_DEVICE,
            CHARACTER_DEVICE,
            DIRECTORY,
            UNKNOWN,
            SYMBOLIC_LINK,
            REGULAR_FILE,
            SOCKET_STREAM,
        ]));
        if kind >= 8 {
            return UNKNOWN;
        }
        ((packed >> (kind as u64 * 8)) & 0xff) as u8
    }
}
