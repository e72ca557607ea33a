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
//! steps rarely moves them, and the live blocks move up to the new top of
//! memory, the table right above the arena (`relocate`: only the table's
//! current pages and, of the arena, the state block are copied; the
//! scratch area and stack hold nothing between calls, and the pages
//! between the blocks are free); what they leave below their new place is
//! zeroed. So every page the guest receives reads as zero, as a fresh page
//! would: free pages of the adapter's are zero at all times (spill pages
//! are zeroed when released, a table's old pages when it moves,
//! `State::make_room`).
//!
//! Why moving is sound: a guest growth never happens inside an adapter
//! call. The adapter calls into the guest only from `run`, which keeps
//! nothing in the arena (no stack frame, no state pointer) while `_start`
//! runs, and the host calls nothing of the guest's during an adapter call
//! (it lowers the adapter's import results through `cabi_import_realloc`).
//! So when `adapter_memory_grow` runs, no adapter frame is live: the stack
//! is empty (checked first thing, `grow`) and the state is reached only
//! through the global, which the move updates. Host pointers into the
//! guest's memory are guest addresses, which do not move. And neither export calls the host: a Go guest grows
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
    let state = globals::state_address();
    // No adapter frame may be live when the stack moves (see the module
    // documentation); checked here, before anything with a frame runs.
    // SAFETY: the intact state block (see above).
    if globals::stack_pointer() != unsafe { (*(state as *const State)).stack_top } as usize {
        grown_inside_a_call();
    }
    let answer = prepare(pages);
    if answer & MOVE != 0 {
        // SAFETY: no adapter frame is live (checked above; `prepare` has
        // returned); `prepare` wrote the relocation.
        unsafe { relocate(state) };
        finish();
    }
    answer as u32
}

/// `prepare`'s answer when the blocks must move (added to the old size).
const MOVE: u64 = 1 << 32;

/// Everything of a growth but the move: checks it against the guest's
/// maximum, grows real memory when the free pages do not suffice, and
/// either gives the guest its pages at once or writes the move the blocks
/// must make into `State::relocation`. Returns what `grow` returns, plus
/// `MOVE` when the blocks must move. Counts in pages: a 4 GiB memory's
/// size in bytes does not fit a `usize`.
#[inline(never)]
fn prepare(pages: u32) -> u64 {
    // SAFETY: `entry::enter` ran in this export; nothing else holds the
    // state while it runs.
    let state = unsafe { crate::state::get() };
    if state.placement != INTERPOSED {
        return u64::from(core::arch::wasm32::memory_grow(0, pages as usize) as u32);
    }
    let old = state.guest_pages;
    let maximum = state.guest_max_pages.min(MAX_PAGES) as usize;
    let new = u64::from(old) + u64::from(pages);
    if new > maximum as u64 {
        return u64::from(u32::MAX);
    }
    let new = new as usize;
    let arena = arena_base(state as *const State as usize) / PAGE_SIZE;
    let mut answer = u64::from(old);
    if new > arena {
        // The blocks are in the way: the arena and the table (the live
        // ones only; pages they left between them are free) go to the top
        // of memory, grown first if the free pages do not make up the
        // difference.
        let table = state.descriptors.out_of_line_pages();
        let table_pages = table.map_or(0, |(_, bytes)| bytes / PAGE_SIZE);
        let span = placement::GROWN_PAGES + table_pages;
        let real = memory::size_pages();
        if new + span > real {
            let slack = placement::slack_pages(new).min(maximum - new);
            if !grow_real(new + span - real, slack) {
                return u64::from(u32::MAX);
            }
        }
        let low = memory::size_pages() - span;
        state.relocation = Relocation {
            arena_to: (low * PAGE_SIZE) as u32,
            table_from: table.map_or(0, |(at, _)| at as u32),
            table_pages: table_pages as u32,
        };
        // Spill pages may be where the blocks go; between calls they are
        // free (zero), and the next result that needs them grows fresh ones.
        state.alloc.forget_spill();
        answer |= MOVE;
    }
    state.set_guest_pages(new);
    answer
}

/// Grows real memory by `pages`, plus `slack` if memory can spare it.
fn grow_real(pages: usize, slack: usize) -> bool {
    memory::grow(pages + slack).is_some() || memory::grow(pages).is_some()
}

/// Where the arena whose state block is at `state` starts: the state
/// block sits at a fixed offset in it (where the stack's top is).
#[inline(always)]
fn arena_base(state: usize) -> usize {
    state - placement::stack_top(INTERPOSED, 0)
}

/// Where an out-of-line table goes when the arena moves to `arena`: right
/// above it.
#[inline(always)]
fn table_above(arena: usize) -> usize {
    arena + ARENA_BYTES
}

/// Moves the adapter's blocks as `State::relocation` says, zeroes what
/// they leave below their new place, and points the state and stack
/// globals at the moved arena. Frame-free: scalar locals and raw memory
/// only.
///
/// Both blocks move up (or stay): they go to the top of memory, the arena
/// first, then the table, which was grown after it and so lay above it.
/// So the table moves first, and neither lands on the other's source
/// before that was copied. Of the arena only the state block is copied:
/// below it lie the scratch area and the stack, which hold nothing between
/// calls.
///
/// # Safety
/// No adapter frame is live, `state` is the state block's address, and its
/// relocation was written by `prepare`.
#[inline(always)]
unsafe fn relocate(state: usize) {
    let relocation = &(*(state as *const State)).relocation;
    let arena_from = arena_base(state);
    let arena_to = relocation.arena_to as usize;
    let table_from = relocation.table_from as usize;
    let table_bytes = relocation.table_pages as usize * PAGE_SIZE;
    let table_to = table_above(arena_to);
    let moved_state = state + (arena_to - arena_from);
    // SAFETY: both blocks move up, into memory above the guest's that only
    // the adapter uses (`prepare`); `memory::copy` allows a block's overlap
    // with its own new place. What lies below `arena_to` is free now, and
    // free pages are zero; the pages the blocks left that the new ones
    // cover are theirs again.
    unsafe {
        if table_bytes != 0 {
            memory::copy(table_to, table_from, table_bytes);
            zero_below(table_from, table_bytes, arena_to);
        }
        memory::copy(moved_state, state, core::mem::size_of::<State>());
        zero_below(arena_from, ARENA_BYTES, arena_to);
    }
    globals::set_state_address(moved_state);
    // SAFETY: no adapter frame is live; the stack top is where the state
    // block starts.
    unsafe { globals::set_stack_pointer(moved_state) };
}

/// Zeroes the part of `[at, at + len)` below `low`.
///
/// # Safety
/// That part is memory of the adapter's that nothing uses any more.
#[inline(always)]
unsafe fn zero_below(at: usize, len: usize, low: usize) {
    let end = (at + len).min(low);
    if at < end {
        memory::fill(at, 0, end - at);
    }
}

/// After the move, on the new stack: the addresses the state keeps move
/// with the blocks, and the relocation ends.
#[inline(never)]
fn finish() {
    // SAFETY: the state global points at the moved, intact block;
    // nothing else holds it.
    let state = unsafe { crate::state::get() };
    let arena_to = state.relocation.arena_to as usize;
    // The stack top still holds the state block's old address.
    let distance = (arena_to - arena_base(state.stack_top as usize)) as u32;
    state.stack_top += distance;
    state.alloc.shift_scratch(distance);
    state.descriptors.rebase();
    if state.relocation.table_pages != 0 {
        state.descriptors.moved_out_of_line(table_above(arena_to));
    }
    state.relocation = Relocation { arena_to: 0, table_from: 0, table_pages: 0 };
}

#[cold]
#[inline(never)]
fn grown_inside_a_call() -> ! {
    crate::fatal!("memory.grow reached the adapter during one of its calls")
}
