//! The `wasi_snapshot_preview1` functions, one module per family. Each is
//! `fn(&mut State, args…) -> Result<(), Errno>`, called by its export in
//! `exports.rs`, which turns the result into the errno P1 returns.
//! `types` holds every P1 constant and layout.

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
pub mod sockets;
#[cfg(not(feature = "proxy"))]
pub mod strings;
#[cfg(not(feature = "proxy"))]
pub mod times;
pub mod types;

use crate::errno::{self, Errno};
use crate::state::State;

/// `ptr`, where a P1 function writes a result of `len` bytes. A result
/// that would reach past `State::result_limit` traps, as the native host's
/// out-of-bounds write does: when interposed, the memory above the guest's
/// is the adapter's, and a guest pointer into it must not write there
/// (docs/memory.md). Otherwise the limit is the end of the address space,
/// and memory's own bounds trap.
///
/// In 32 bits: a sum that wraps belongs to a write that runs past 4 GiB,
/// which memory's bounds trap (wasm computes addresses without wrapping).
#[inline(always)]
pub fn result(ptr: u32, len: u32) -> u32 {
    // SAFETY: during a P1 call the state global points at the live state
    // block; one field is read.
    let limit = unsafe { (*(crate::globals::state_address() as *const State)).result_limit };
    if ptr.wrapping_add(len) > limit {
        result_past_memory();
    }
    ptr
}

/// A result pointer past the guest's memory: a trap, as natively (with no
/// message of the adapter's, as there).
#[cold]
#[inline(never)]
fn result_past_memory() -> ! {
    core::arch::wasm32::unreachable()
}

/// Writes a P1 result through a guest pointer (`result`). Out of line:
/// the check is smaller in one place than at every call.
#[inline(never)]
pub fn store_u32(ptr: u32, value: u32) {
    let ptr = result(ptr, 4);
    // SAFETY: P1 hands the adapter guest pointers into the shared memory;
    // `result` checked that this one lies in the guest's, and past the end
    // of memory it traps in wasm as it would natively.
    unsafe { crate::memory::write_u32(ptr as usize, value) }
}

#[inline(never)]
pub fn store_u64(ptr: u32, value: u64) {
    let ptr = result(ptr, 8);
    // SAFETY: as in `store_u32`.
    unsafe { crate::memory::write_u64_unaligned(ptr as usize, value) }
}

/// How many bytes the native host lets one call copy (wasmtime's hostcall
/// fuel, 128 MiB): an iovec array, a buffer or a path beyond it is ENOMEM
/// there, checked before anything else is looked at.
pub const HOSTCALL_BUDGET: u64 = 128 << 20;

/// The most the host returns from one `read` (wasmtime-wasi's
/// `MAX_READ_SIZE_ALLOC`); the native `fd_pread` returns at most this much
/// too, while its `fd_read` fills the whole buffer.
pub const HOST_READ_CHUNK: usize = 64 * 1024;

/// The guest's part of memory: everything but what the adapter reserved
/// (`State::reserved_start` / `reserved_end`: its arena, or everything above
/// the guest's memory when interposed). A copy taken at the start of a call
/// (nothing moves during one), so that checks need no borrow of the state.
#[derive(Clone, Copy)]
pub struct Guest {
    reserved_start: u32,
    reserved_end: u32,
}

impl Guest {
    #[inline(always)]
    pub fn of(state: &State) -> Guest {
        Guest { reserved_start: state.reserved_start, reserved_end: state.reserved_end }
    }

    /// EFAULT unless `[ptr, ptr + len)` lies inside linear memory and
    /// outside the adapter's arena. The native host traps on pointers past
    /// the end of memory (where the arena's pages do not even exist); the
    /// adapter answers instead, and never reads or writes past the end of
    /// memory, wraps around to its start, or takes its own memory for the
    /// guest's.
    ///
    /// Out of line: most callers are on general paths, where a call costs
    /// less than the comparisons would in bytes. The hot paths use
    /// `check_inline`.
    #[inline(never)]
    pub fn check(self, ptr: u32, len: u64) -> Result<(), Errno> {
        self.check_inline(ptr, len)
    }

    /// `check`, inlined: for the calls programs make most (one iovec,
    /// paths, `random_get`, poll's single clock).
    #[inline(always)]
    pub fn check_inline(self, ptr: u32, len: u64) -> Result<(), Errno> {
        let start = u64::from(ptr);
        let end = start + len;
        // The two usual cases first, one or two comparisons each: below the
        // reserved memory (grown and interposed arenas sit above the
        // guest's data; they lie inside memory, so this is inside it too),
        // or above it and inside memory (Go's arena is at the bottom of
        // memory; when interposed nothing is above it).
        if end <= u64::from(self.reserved_start) {
            return Ok(());
        }
        let memory_end = crate::memory::size_pages() as u64 * crate::memory::PAGE_SIZE as u64;
        if start >= u64::from(self.reserved_end) && end <= memory_end {
            return Ok(());
        }
        self.check_empty(end, len, memory_end)
    }

    /// What `check` leaves: a range that reaches past the reserved
    /// memory's start and either starts below its end or runs past the end
    /// of memory. Only an empty range inside the guest's memory is fine
    /// there (when interposed, the guest's memory ends where the reserved
    /// memory starts). Out of line so that the usual cases stay a branch or
    /// two.
    #[cold]
    #[inline(never)]
    fn check_empty(self, end: u64, len: u64, memory_end: u64) -> Result<(), Errno> {
        let guest_end = if self.reserved_end == u32::MAX { u64::from(self.reserved_start) } else { memory_end };
        if len == 0 && end <= guest_end {
            Ok(())
        } else {
            Err(errno::FAULT)
        }
    }
}

/// The end of a read into a buffer that runs past the end of memory, for
/// the reads the native host does first and copies after (`fd_pread`,
/// `fd_read` of stdin): the bytes came to scratch memory, and go into the
/// buffer if they fit there (nothing read always fits); EFAULT if not.
/// `memory_end` is the end of memory before the read: the bytes may have
/// come to spill pages grown for them past it, which are not the guest's
/// and are zeroed once the read's plan ends.
pub fn copy_if_fits(guest: Guest, buf: usize, bytes: crate::wasi::abi::List<u8>, memory_end: usize) -> Result<usize, Errno> {
    let len = bytes.len();
    if len != 0 {
        // A sum that wraps passes here and fails `check`.
        if buf.wrapping_add(len) > memory_end {
            return Err(errno::FAULT);
        }
        guest.check(buf as u32, len as u64)?;
        // SAFETY: the host's bytes, in memory the caller's plan still holds
        // (the scratch area or spill pages, never the guest's), into the
        // guest range just checked, which lies below those spill pages.
        unsafe { crate::memory::copy(buf, bytes.ptr as usize, len) };
    }
    Ok(len)
}

/// An iovec / ciovec as P1 lays it out: `{ buf: u32, buf_len: u32 }`.
#[inline(always)]
pub fn iovec(list: u32, index: u32) -> (usize, usize) {
    let at = (list as usize + index as usize * 8) as *const u32;
    // SAFETY: as in `store_u32`.
    unsafe { (at.read_unaligned() as usize, at.add(1).read_unaligned() as usize) }
}
