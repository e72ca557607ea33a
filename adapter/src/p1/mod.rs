//! The `wasi_snapshot_preview1` functions, grouped by concern. Each function
//! here is the body of an export declared in `exports.rs`.

#[cfg(not(feature = "proxy"))]
pub mod args_env;
pub mod clocks;
pub mod fd_io;
pub mod fd_meta;
#[cfg(not(feature = "proxy"))]
pub mod files;
#[cfg(not(feature = "proxy"))]
pub mod path;
pub mod poll;
pub mod process;
#[cfg(not(feature = "proxy"))]
pub mod readdir;
#[cfg(not(feature = "proxy"))]
pub mod strings;
#[cfg(not(feature = "proxy"))]
pub mod times;
pub mod sockets;

use crate::errno::Errno;

/// Writes a P1 result through a guest pointer.
#[inline(always)]
pub fn store_u32(ptr: u32, value: u32) {
    // SAFETY: P1 hands the adapter guest pointers into the shared memory;
    // out-of-bounds pointers trap in wasm exactly as they would natively.
    unsafe { crate::memory::write_u32(ptr as usize, value) }
}

#[inline(always)]
pub fn store_u64(ptr: u32, value: u64) {
    // SAFETY: as in `store_u32`.
    unsafe { crate::memory::write_u64_unaligned(ptr as usize, value) }
}

/// How many bytes the native host lets one call copy (wasmtime's hostcall
/// fuel, 128 MiB): an iovec array, a buffer or a path beyond it is ENOMEM
/// there, checked before anything else is looked at.
pub const HOSTCALL_BUDGET: u64 = 128 << 20;

/// EFAULT unless `[ptr, ptr + len)` lies inside linear memory and outside
/// the adapter's arena. The native host traps on pointers past the end of
/// memory (where the arena's pages do not even exist); the adapter answers
/// instead, and never reads or writes past the end of memory, wraps around
/// to its start, or takes its own memory for the guest's.
#[inline(always)]
pub fn check_range(ptr: u32, len: u64) -> Result<(), Errno> {
    let start = u64::from(ptr);
    let end = start + len;
    let state = crate::state::get();
    let overlaps_arena = len != 0 && start < u64::from(state.arena_end) && end > u64::from(state.arena_base);
    if end > crate::memory::size_pages() as u64 * crate::memory::PAGE_SIZE as u64 || overlaps_arena {
        Err(crate::errno::FAULT)
    } else {
        Ok(())
    }
}

/// An iovec / ciovec as P1 lays it out: `{ buf: u32, buf_len: u32 }`.
#[inline(always)]
pub fn iovec(list: u32, index: u32) -> (usize, usize) {
    let at = list as usize + index as usize * 8;
    // SAFETY: as in `store_u32`.
    unsafe { (crate::memory::read_u32(at) as usize, crate::memory::read_u32(at + 4) as usize) }
}

/// Converts `Result<(), Errno>` to the errno P1 returns.
#[inline(always)]
pub fn errno_of(result: Result<(), Errno>) -> Errno {
    match result {
        Ok(()) => crate::errno::SUCCESS,
        Err(e) => e,
    }
}
