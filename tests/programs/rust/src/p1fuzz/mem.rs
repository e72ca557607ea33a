//! Guest memory as the P1 ABI sees it: plain addresses. All arguments and
//! results of the fuzzed calls live in one static scratch area, accessed
//! with volatile loads and stores only, so the compiler never assumes it
//! knows what the host wrote there.

use core::ptr::{addr_of_mut, read_volatile, write_volatile};

/// Offsets of the regions inside the scratch area. Every region is 8-byte
/// aligned (the P1 structures need at most that).
pub const DATA: u32 = 0; // read/write payloads
pub const DATA_LEN: u32 = 64 * 1024;
pub const DIR: u32 = DATA + DATA_LEN; // fd_readdir and readlink buffers
pub const DIR_LEN: u32 = 16 * 1024;
pub const PATH_A: u32 = DIR + DIR_LEN; // first path argument
pub const PATH_B: u32 = PATH_A + PATH_LEN; // second path argument
pub const PATH_LEN: u32 = 8 * 1024;
pub const IOVS: u32 = PATH_B + PATH_LEN; // iovec arrays
pub const IOVS_LEN: u32 = 256;
pub const SUBS: u32 = IOVS + IOVS_LEN; // poll_oneoff subscriptions
pub const MAX_SUBS: u32 = 8;
pub const EVENTS: u32 = SUBS + 48 * MAX_SUBS; // poll_oneoff events
pub const RESULT: u32 = EVENTS + 32 * MAX_SUBS; // result structures (fdstat, filestat, ...)
pub const RESULT_LEN: u32 = 128;
pub const RESULT2: u32 = RESULT + RESULT_LEN; // a second result (nevents, ro_flags)
const TOTAL: usize = (RESULT2 + 64) as usize;

#[repr(C, align(16))]
struct Scratch([u8; TOTAL]);

static mut SCRATCH: Scratch = Scratch([0; TOTAL]);

/// Guest address of a scratch region.
pub fn addr(offset: u32) -> u32 {
    // Only the address is taken; all accesses go through the volatile
    // helpers below.
    addr_of_mut!(SCRATCH) as u32 + offset
}

// SAFETY (for all accessors): callers pass addresses inside the scratch area
// (or other memory this program owns), never wild pointers; wild pointers are
// only ever handed to the host.

pub fn write_bytes(address: u32, bytes: &[u8]) {
    for (i, b) in bytes.iter().enumerate() {
        unsafe { write_volatile((address as usize + i) as *mut u8, *b) }
    }
}

pub fn read_bytes(address: u32, len: u32) -> Vec<u8> {
    (0..len)
        .map(|i| unsafe { read_volatile((address + i) as usize as *const u8) })
        .collect()
}

pub fn fill(address: u32, len: u32, byte: u8) {
    for i in 0..len {
        unsafe { write_volatile((address + i) as usize as *mut u8, byte) }
    }
}

pub fn u8_at(address: u32) -> u8 {
    unsafe { read_volatile(address as usize as *const u8) }
}

pub fn u16_at(address: u32) -> u16 {
    u16::from_le_bytes(read_bytes(address, 2).try_into().unwrap())
}

pub fn u32_at(address: u32) -> u32 {
    u32::from_le_bytes(read_bytes(address, 4).try_into().unwrap())
}

pub fn u64_at(address: u32) -> u64 {
    u64::from_le_bytes(read_bytes(address, 8).try_into().unwrap())
}

pub fn set_u32(address: u32, value: u32) {
    write_bytes(address, &value.to_le_bytes());
}

pub fn set_u64(address: u32, value: u64) {
    write_bytes(address, &value.to_le_bytes());
}

/// FNV-1a, printed instead of data whose bytes matter but are too long.
pub fn hash(bytes: &[u8]) -> String {
    let h = bytes.iter().fold(0x811c_9dc5u32, |h, &b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    });
    format!("{h:08x}")
}
