//! The interposed placement: the guest's memory is what the adapter says it
//! is (docs/memory.md, "The interposed placement").
//!
//! A converter (`p1-convert`) rewrote every `memory.size` and `memory.grow`
//! of the main module into calls of `adapter_memory_size` and
//! `adapter_memory_grow`, and set the placement hint to say so. The guest
//! then sees a memory of `guest_pages` pages, `[0, guest_pages * 64 KiB)`;
//! everything above it is the adapter's, whatever any allocator in the
//! guest assumes about pages above its break:
//!
//! ```text
//! 0 ........ guest end ............ low ..................... high ...... memory end
//! | guest's memory | free, all zero | the adapter's blocks      | free       |
//! ```
//!
//! The blocks are the arena (two pages) and, once the descriptor table
//! outgrew the state block, the table's own pages above it (grown after
//! the arena, and moved with it), with whatever free pages lie between
//! them (a table's old pages, spill pages grown before the table moved).
//! When first placed, the arena is grown above some free pages
//! (`placement::slack_pages`). Spill pages, grown for a large host result
//! during a call, lie above the blocks, zeroed once the call is done, and
//! are free again.
//!
//! A guest growth takes free pages below the blocks first. When the blocks
//! are in the way, real memory grows by what is missing (the free pages
//! above them count) plus some slack, so that a guest growing in small
//! steps rarely moves them, and `[low, high)` moves up to the new top of
//! memory in one piece (of the arena, only the state block is copied: its
//! scratch area and stack hold nothing between calls); what it leaves
//! below its new place is zeroed. So every page the guest receives reads
//! as zero, as a fresh page would: free pages of the adapter's are zero at
//! all times (spill pages are zeroed when released, a table's old pages
//! when it moves, `State::make_room`).
//!
//! Why moving is sound: a guest growth never happens inside an adapter
//! call. The adapter calls into the guest only from `run`, which keeps
//! nothing in the arena (no stack frame, no state pointer) while `_start`
//! runs, and the host calls nothing of the guest's during an adapter call
//! (it lowers the adapter's import results through `cabi_import_realloc`).
//! So when `adapter_memory_grow` runs, no adapter frame is live: the stack
//! is empty and the state is reached only through the global, which the
//! move updates. Host pointers into the guest's memory are guest addresses,
//! which do not move. And neither export calls the host: a Go guest grows
//! memory inside its own `cabi_realloc`, while the host is lowering a
//! result and no import may be called (docs/reentrancy.md).

use crate::globals;
use crate::memory::{self, PAGE_SIZE};
use crate::placement;
use crate::placement_hint::MAX_PAGES;
use crate::state::{placement_kind::INTERPOSED, Relocation, State};

/// Bytes of the arena (its layout is that of grown pages, `placement`).
const ARENA_BYTES: usize = placement::GROWN_PAGES * PAGE_SIZE;

/// `adapter_memory_size`: the guest's memory size in pages. A module that
/// was not interposed (its adapter spliced in unhinted, say) gets the real
/// size, as the instruction would have given it.
#[inline(always)]
pub fn size(state: &State) -> u32 {
    if state.placement == INTERPOSED {
        state.guest_pages
    } else {
        memory::size_pages() as u32
    }
}

/// `adapter_memory_grow`: grows the guest's memory by `pages`; returns its
/// old size in pages, or -1 (as `u32::MAX`) when it cannot grow (beyond
/// its declared maximum, or real memory cannot grow): then nothing changed.
/// Must not have a stack frame, as the stack moves with the arena; the
/// parts that need one run before the move (`prepare`) and after it, on
/// the new stack (`finish`).
///
/// # Safety
/// `entry::enter` ran first in this export, so the state global points at
/// an intact state block.
#[inline(always)]
pub unsafe fn grow(pages: u32) -> u32 {
    let old = prepare(pages);
    let state = globals::state_address();
    // SAFETY: the intact state block (see above). A move's destination is
    // above the guest's memory, which has at least the page it grows into,
    // so it is never 0.
    if unsafe { (*(state as *const State)).relocation.to } != 0 {
        // SAFETY: no adapter frame is live (`prepare` checked it and has
        // returned); `prepare` wrote the relocation.
        unsafe { relocate(state) };
        finish();
    }
    old
}

/// Everything of a growth but the move: checks it against the guest's
/// maximum, grows real memory when the free pages do not suffice, and
/// either gives the guest its pages at once or writes the move the blocks
/// must make into `State::relocation`. Returns what `grow` returns. Counts
/// in pages where it can: a 4 GiB memory's size in bytes does not fit a
/// `usize`.
#[inline(never)]
fn prepare(pages: u32) -> u32 {
    // SAFETY: `entry::enter` ran in this export; nothing else holds the
    // state while it runs.
    let state = unsafe { crate::state::get() };
    if state.placement != INTERPOSED {
        return core::arch::wasm32::memory_grow(0, pages as usize) as u32;
    }
    let old = state.guest_pages;
    let new = u64::from(old) + u64::from(pages);
    if new > u64::from(state.guest_max_pages.min(MAX_PAGES)) {
        return u32::MAX;
    }
    let new = new as usize;
    if globals::stack_pointer() != state.stack_top as usize {
        grown_inside_a_call();
    }
    // The table's pages, grown after the arena and moved with it, always
    // lie above it.
    let low = arena_base(state);
    let high = match state.descriptors.out_of_line_pages() {
        Some((at, bytes)) => at + bytes,
        None => low + ARENA_BYTES,
    };
    if new > low / PAGE_SIZE {
        // The blocks are in the way: they go to the top of memory, grown
        // first if the free pages above them do not make up the difference.
        let span = (high - low) / PAGE_SIZE;
        let real = memory::size_pages();
        if new + span > real && !grow_real(new + span - real, placement::slack_pages(new)) {
            return u32::MAX;
        }
        let to = (memory::size_pages() - span) * PAGE_SIZE;
        state.relocation = Relocation { from: low as u32, to: to as u32, bytes: (high - low) as u32 };
        // Spill pages may be where the blocks go; between calls they are
        // free (zero), and the next result that needs them grows fresh ones.
        state.alloc.forget_spill();
    }
    state.guest_pages = new as u32;
    state.reserved_start = (new * PAGE_SIZE) as u32;
    old
}

/// Grows real memory by `pages`, plus `slack` if memory can spare it.
fn grow_real(pages: usize, slack: usize) -> bool {
    memory::grow(pages + slack).is_some() || memory::grow(pages).is_some()
}

/// Where the arena starts: the state block sits at a fixed offset in it.
fn arena_base(state: &State) -> usize {
    state as *const State as usize - placement::stack_top(INTERPOSED, 0)
}

/// Moves the adapter's blocks as `State::relocation` says, zeroes what
/// they leave below their new place, and points the state and stack
/// globals at the moved arena. Frame-free: scalar locals and raw memory
/// only.
///
/// # Safety
/// No adapter frame is live, `state` is the state block's address, and its
/// relocation was written by `prepare`.
#[inline(always)]
unsafe fn relocate(state: usize) {
    let relocation = &(*(state as *const State)).relocation;
    let (from, to, bytes) = (relocation.from as usize, relocation.to as usize, relocation.bytes as usize);
    let moved_state = state + (to - from);
    // SAFETY: the blocks move up, to memory above the guest's that only the
    // adapter uses (`prepare`); `memory::copy` allows the overlap with
    // their own new place. Below the state block lie the arena's scratch
    // area and stack, which hold nothing between calls: only the state and
    // what lies above it (the table's pages) are copied. What lies below
    // `to` is free now, and free pages are zero.
    unsafe {
        memory::copy(moved_state, state, from + bytes - state);
        memory::fill(from, 0, (from + bytes).min(to) - from);
    }
    globals::set_state_address(moved_state);
    // SAFETY: no adapter frame is live; the stack top is where the state
    // block starts.
    unsafe { globals::set_stack_pointer(moved_state) };
}

/// After the move, on the new stack: the addresses the state keeps move
/// with the blocks, and the relocation ends.
#[inline(never)]
fn finish() {
    // SAFETY: the state global points at the moved, intact block;
    // nothing else holds it.
    let state = unsafe { crate::state::get() };
    let distance = state.relocation.to - state.relocation.from;
    state.stack_top += distance;
    state.alloc.shift_scratch(distance);
    // The table moved by as much, in the state block or out of line.
    state.descriptors.shift(distance);
    state.relocation = Relocation { from: 0, to: 0, bytes: 0 };
}

#[cold]
#[inline(never)]
fn grown_inside_a_call() -> ! {
    crate::fatal!("memory.grow inside an adapter call")
}
