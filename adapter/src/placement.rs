//! Where the adapter's stack and state live. docs/memory.md explains the
//! reasoning; in short:
//!
//! * Go modules (recognised by the header of their pclntab) never touch
//!   `[0, 12288)`, the addresses below the Go linker's first data address.
//!   Go >= 1.24 treats every page anybody grows as its own heap, so this low
//!   region is the only memory that is safe for Go; the arena lives there.
//! * Every other module gets an arena in pages the adapter grows itself. Some
//!   allocators (Debian's 2022 wasi-libc, AssemblyScript's TLSF) claim all of
//!   `[__heap_base, memory.size)` at their first allocation, which may come
//!   after the adapter's first call. Those allocators write their bookkeeping
//!   at the very end of memory when they do, so the last bytes of the arena
//!   are a tripwire: once it is disturbed, or once someone else grows memory,
//!   the adapter moves its state to freshly grown pages, which such an
//!   allocator never claims, and stops checking ("settled").
//!
//! * Interposed (the converter rewrote the main module's `memory.size` and
//!   `memory.grow` into calls of the adapter, `interpose`): the guest only
//!   sees the memory below the arena, so the arena is grown above it, for
//!   every language, and never needs a check.
//!
//! Everything here that runs before the stack pointer is set must not need
//! a stack frame: only scalar locals and raw memory accesses.

use crate::memory::{self, PAGE_SIZE};
use crate::placement_hint;
use crate::state::{placement_kind, State};

/// The Go linker's lowest data address (`placement_hint`).
pub const GO_FIRST_DATA_ADDRESS: usize = placement_hint::GO_FIRST_DATA_ADDRESS as usize;
/// Leave the first bytes alone so that no adapter pointer is ever null.
const LOW_ARENA_BASE: usize = 16;
const LOW_STACK_SIZE: usize = 4096;

pub const GROWN_PAGES: usize = 2;
const GROWN_STACK_SIZE: usize = 32 * 1024;
use crate::tripwire::{self, TRIPWIRE_BYTES};

/// Below its first data a module's memory is usually a long run of zeros:
/// Go's function addresses (16 bytes each) below its read-only data, a
/// stack-first module's untouched stack (a megabyte for Rust). No pclntab
/// header lies in such a run, so the scan skips it: one word every
/// `PROBE_STRIDE` bytes finds where nonzero memory starts, then one every
/// `FINE_PROBE_STRIDE` bytes downwards until four in a row are zero, and
/// the scan starts at the lowest. A header further down would have put four
/// zero-reading probes into the first 128 KiB of its pclntab, which are at
/// most 0.08% zero words in every Go 1.21-1.26 binary measured
/// (docs/memory.md, tests/tests/go_layout.rs). Each page read costs a page
/// fault the first time, so the coarse probes are sparse.
const PROBE_STRIDE: usize = 32 * 1024;
const FINE_PROBE_STRIDE: usize = 4 * 1024;

const GO_SCAN_LIMIT: usize = placement_hint::GO_SCAN_LIMIT as usize;
const GO_HEADER_SPAN: usize = placement_hint::GO_HEADER_SPAN as usize;

/// A placed arena. Low memory (Go): the stack, then the state, then scratch.
/// Grown pages: scratch, then the stack, then the state, then the tripwire,
/// so that the state is the last thing in the arena a bottom-up allocator
/// would reach (docs/memory.md).
pub struct Arena {
    pub base: usize,
    pub end: usize,
    pub stack_top: usize,
    pub state: usize,
    pub scratch: usize,
    pub scratch_end: usize,
}

impl Arena {
    #[inline(always)]
    pub fn layout(kind: u32, base: usize, end: usize) -> Arena {
        let stack_top = stack_top(kind, base);
        let state = stack_top;
        let (scratch, scratch_end) = if kind != placement_kind::LOW_MEMORY {
            // Not from 0: a memory that started empty has its arena there,
            // and a null pointer handed to the host would read as absent.
            (base + 16, stack_top - GROWN_STACK_SIZE)
        } else {
            (align16(state + core::mem::size_of::<State>()), end)
        };
        Arena { base, end, stack_top, state, scratch, scratch_end }
    }

    pub fn bounds(&self) -> crate::state::ArenaBounds {
        crate::state::ArenaBounds {
            base: self.base,
            end: self.end,
            stack_top: self.stack_top,
            scratch: self.scratch,
            scratch_end: self.scratch_end,
        }
    }
}

/// Bytes the state block takes at the top of a grown arena.
const GROWN_STATE_BYTES: usize = (core::mem::size_of::<State>() + 15) & !15;

/// The stack top, which is also where the state block starts.
#[inline(always)]
pub fn stack_top(kind: u32, base: usize) -> usize {
    if kind == placement_kind::LOW_MEMORY {
        base + LOW_STACK_SIZE
    } else {
        base + GROWN_PAGES * PAGE_SIZE - TRIPWIRE_BYTES - GROWN_STATE_BYTES
    }
}

#[inline(always)]
fn align16(n: usize) -> usize {
    (n + 15) & !15
}

/// Decides where the arena goes, given the converter's hint (the
/// `adapter_placement_hint` global); returns `(kind, base, end,
/// guest_end)`, with kind 0 when memory cannot grow (a base of 0 is valid:
/// a module whose memory starts empty gets its arena at address 0). An
/// interposed module gets grown pages that never need watching, with free
/// pages between them and the guest's memory, which ends at `guest_end`,
/// so that its first growths need not move them (`interpose`). Otherwise
/// the hint, when there is one, answers whether the module is Go, or
/// memory is read (`is_go_module`). Needs no stack.
#[inline(always)]
pub fn place(hint: i32) -> (u32, usize, usize, usize) {
    let guest_end = memory::size_bytes();
    let (kind, slack) = if let Some(maximum) = placement_hint::interposed_maximum(hint) {
        // No more slack than the guest may ever grow into.
        let pages = memory::size_pages();
        (placement_kind::INTERPOSED, slack_pages(pages).min((maximum as usize).saturating_sub(pages)))
    } else {
        let go = match hint {
            // A hint cannot make room that is not there.
            placement_hint::GO => placement_hint::room_for_go(guest_end as u64),
            placement_hint::NOT_GO => false,
            _ => is_go_module(),
        };
        if go {
            return (placement_kind::LOW_MEMORY, LOW_ARENA_BASE, GO_FIRST_DATA_ADDRESS, guest_end);
        }
        (placement_kind::GROWN_PAGES, 0)
    };
    // The slack only where memory can spare it.
    let base = match memory::grow(GROWN_PAGES + slack) {
        Some(grown) => grown + slack * PAGE_SIZE,
        None => match memory::grow(GROWN_PAGES) {
            Some(grown) => grown,
            None => return (0, 0, 0, 0),
        },
    };
    let end = base + GROWN_PAGES * PAGE_SIZE;
    if kind == placement_kind::GROWN_PAGES {
        tripwire::arm(tripwire::at(end));
    }
    (kind, base, end, guest_end)
}

/// Free pages left between the guest's memory and the adapter's blocks
/// when they are placed or moved, so that the guest's next growths need not
/// move them: an eighth of the guest's memory, between 1 MiB and 16 MiB.
/// A guest growing a page at a time then moves them about six times per
/// doubling of its memory up to 128 MiB, and once per 16 MiB above. Asked
/// for only when memory can spare it. (Pages never written cost a host
/// nothing but address space.)
pub fn slack_pages(guest_pages: usize) -> usize {
    (guest_pages / 8).clamp(16, 256)
}

/// Recognises a module built by the Go toolchain: nothing below Go's first
/// data address (a data-first wasm-ld module has data from 1024 on,
/// AssemblyScript from 16; a stack-first module passes, the bottom of its
/// stack being unused), and a Go pclntab header above it, looked for past
/// the zeros below the first data (`PROBE_STRIDE`).
#[inline(always)]
fn is_go_module() -> bool {
    let size = memory::size_bytes();
    if !placement_hint::room_for_go(size as u64) {
        return false;
    }
    let mut addr = 0;
    while addr < GO_FIRST_DATA_ADDRESS {
        // SAFETY: in bounds (checked against the memory size above), aligned.
        if unsafe { memory::read_u64(addr) } != 0 {
            return false;
        }
        addr += 8;
    }
    let limit = if size < GO_SCAN_LIMIT { size } else { GO_SCAN_LIMIT } - GO_HEADER_SPAN;
    let mut probe = GO_FIRST_DATA_ADDRESS;
    // SAFETY: `probe < limit`, aligned.
    while probe < limit && unsafe { memory::read_u64(probe) } == 0 {
        probe += PROBE_STRIDE;
    }
    // Down from there, 4 KiB at a time, until four probes in a row read
    // zero: the scan starts at the lowest of them.
    let mut addr = probe;
    let mut zeros = 0;
    while zeros < 4 && addr > GO_FIRST_DATA_ADDRESS {
        addr -= FINE_PROBE_STRIDE;
        zeros += 1;
        // SAFETY: `addr < limit`, aligned.
        if addr < limit && unsafe { memory::read_u64(addr) } != 0 {
            zeros = 0;
        }
    }
    // Every Go binary we build has its pclntab 32-byte aligned (its function
    // data is), so the header is looked for there first, with a quarter of
    // the reads; then at every 8-byte word, which the format guarantees.
    let start = addr;
    let mut stride = 32;
    loop {
        while addr < limit {
            // SAFETY: `addr + GO_HEADER_SPAN <= size`, aligned.
            unsafe {
                if memory::read_u64(addr) == placement_hint::GO_PCLNTAB_HEADER && plausible_pclntab(addr) {
                    return true;
                }
            }
            addr += stride;
        }
        if stride == 8 {
            return false;
        }
        stride = 8;
        addr = start;
    }
}

/// The counts after a header at `addr` (`placement_hint::plausible_counts`).
/// `addr + GO_HEADER_SPAN` must be within memory.
#[inline(always)]
unsafe fn plausible_pclntab(addr: usize) -> bool {
    placement_hint::plausible_counts(memory::read_u64(addr + 8), memory::read_u64(addr + 16), memory::read_u64(addr + 32))
}

/// For an unsettled grown arena: has a guest allocator taken over memory
/// that includes the arena? Needs no stack.
#[inline(always)]
pub fn guest_took_memory(state: &State) -> bool {
    tripwire::disturbance(state.tripwire) != 0
}

/// Moves the state to freshly grown pages. Returns the base of the new
/// arena (its state block is at `stack_top(GROWN_PAGES, base)`), or 0 if
/// memory cannot grow (a new arena is never at 0: the old one is below it). Needs no stack; the caller switches the stack
/// pointer (only legal when no adapter frame is live).
#[inline(always)]
pub fn relocate(state: usize) -> usize {
    let Some(base) = memory::grow(GROWN_PAGES) else { return 0 };
    let new_state = stack_top(placement_kind::GROWN_PAGES, base);
    // SAFETY: both blocks are `size_of::<State>()` bytes inside memory; the
    // new one is in pages nobody else has seen yet.
    unsafe { memory::copy(new_state, state, core::mem::size_of::<State>()) };
    base
}
