//! What every exported function does before its body: make sure the arena
//! exists and is intact, and (for unsettled grown arenas) move it if a guest
//! allocator took it over. See docs/memory.md and docs/reentrancy.md.
//!
//! Every export wrapper calls `enter` first and then the real
//! implementation through a non-inlined function, so no wrapper has a stack
//! frame. `enter` and what it calls on the way to placing the stack have
//! none either (scalar locals only): the stack pointer may still be unset
//! when `enter` runs. It is one shared function, not inlined into each of
//! the fifty-odd wrappers, which keeps them a few bytes each.

use crate::globals::{self, STATE_PLACING};
use crate::placement::{self, Arena};
use crate::state::placement_kind::GROWN_PAGES;
use crate::state::{State, HEAD_SETTLED, HEAD_UNSETTLED};

#[inline(never)]
pub fn enter() {
    let state = globals::state_address();
    // Only 0 here, one comparison fewer than `<= STATE_PLACING`. Placement
    // calls nothing, so no call can come while it runs; a global left at
    // `STATE_PLACING` is a corrupted one, read as a state at address 1,
    // which has no canary, and reported by `disturbed`.
    if state == 0 {
        bootstrap();
        return;
    }
    // SAFETY: the global holds the address of an initialised state block
    // (or, corrupted, `STATE_PLACING`: see above);
    // reading its fields is in bounds even if a guest overwrote it.
    let head = unsafe { (*(state as *const State)).head_canary };
    if head != HEAD_SETTLED {
        // An unsettled arena whose tripwire and memory size are as armed
        // passes here; anything else takes the slow road. The head first:
        // the tripwire's address is only trusted in an intact block. The
        // hint keeps the settled path a load and one comparison.
        core::hint::cold_path();
        // SAFETY: as above.
        let tripwire = unsafe { (*(state as *const State)).tripwire };
        if head != HEAD_UNSETTLED || crate::tripwire::disturbance(tripwire) != 0 {
            disturbed(state, head);
        }
    }
}

/// `enter` when the head canary is neither that of a settled arena nor
/// that of an undisturbed unsettled one: either the block was overwritten,
/// or the arena must move. Must not have a stack frame: it may switch the
/// stack pointer, which an epilogue would undo.
#[cold]
#[inline(never)]
fn disturbed(state: usize, head: u64) {
    if state == STATE_PLACING {
        borrow_stack_for_report();
        placement_reentered();
    }
    if head != HEAD_UNSETTLED {
        overwritten(state);
    }
    check_unsettled(state);
}

/// The tail canary, checked on the slow road of a call (`exports::attend`)
/// and before an unsettled arena moves; the head is checked on every call.
pub fn check_tail(state: &State) {
    if !state.tail_intact() {
        overwritten(state as *const State as usize);
    }
}

/// First call: place the arena, point the stack at it, initialise the state.
/// Must not have a stack frame: the stack pointer is not set yet.
#[cold]
#[inline(never)]
fn bootstrap() {
    globals::set_state_address(STATE_PLACING);
    let hint = globals::placement_hint();
    globals::consume_placement_hint();
    let (kind, base, end, guest_end) = placement::place(hint);
    if kind == 0 {
        borrow_stack_for_report();
        placement_failed();
    }
    // SAFETY: no adapter frame exists yet, so moving the stack is sound.
    unsafe { globals::set_stack_pointer(placement::stack_top(kind, base)) };
    init_state(kind, base, end, hint, guest_end);
}

/// Before the arena exists there is no stack to build a message on. For the
/// two reports below, which end in a trap, the top of memory serves: the
/// instance is dead afterwards, so nobody reads that memory again.
#[inline(always)]
fn borrow_stack_for_report() {
    // SAFETY: no adapter frame exists; see above for why the memory may be
    // used.
    unsafe { globals::set_stack_pointer(crate::memory::size_bytes()) };
}

/// Placement calls nothing that could re-enter, so a second entry during
/// placement means the adapter's global was written by someone else.
#[cold]
#[inline(never)]
fn placement_reentered() -> ! {
    crate::fatal!("entered again while placing its memory (global overwritten)")
}

#[cold]
#[inline(never)]
fn placement_failed() -> ! {
    crate::fatal!("cannot place its state: memory.grow failed (memory at maximum)")
}

/// `hint` and `guest_end` (the memory's size before the arena was placed)
/// matter only when interposed.
#[inline(never)]
fn init_state(kind: u32, base: usize, end: usize, hint: i32, guest_end: usize) {
    let arena = Arena::layout(kind, base, end);
    let guest_max_pages = crate::placement_hint::interposed_maximum(hint).unwrap_or(0);
    let state = arena.state as *mut State;
    // SAFETY: the arena is memory the main module never uses (see
    // `placement`), large enough for the state (checked by a const assert in
    // lib.rs); zeroed first so every field starts from a known value.
    unsafe {
        crate::memory::fill(arena.state, 0, core::mem::size_of::<State>());
        (*state).init(kind, &arena.bounds(), guest_max_pages, guest_end);
    }
    globals::set_state_address(state as usize);
}

#[cold]
#[inline(never)]
fn overwritten(state: usize) -> ! {
    crate::fatal!(
        "adapter state overwritten at",
        state,
        "; the guest's heap overlaps it"
    )
}

/// Must not have a stack frame (see `disturbed`).
#[inline(always)]
fn check_unsettled(state: usize) {
    // SAFETY: the head canary was checked by the caller.
    let state_ref = unsafe { &*(state as *const State) };
    if !placement::guest_took_memory(state_ref) {
        return;
    }
    // Only move when no adapter frame is live (an outer call would return
    // onto the old stack); a nested call leaves it to the outermost one.
    if globals::stack_pointer() != state_ref.stack_top as usize {
        return;
    }
    check_tail(state_ref);
    // SAFETY: no adapter frame is live (checked above).
    let base = unsafe { move_state(state) };
    settle(base);
}

/// Copies the state block to freshly grown pages and points the state
/// global and the stack pointer there; returns the new arena's base.
/// Inlined into its frame-free callers.
///
/// # Safety
/// No adapter frame may be live: the stack moves.
#[inline(always)]
unsafe fn move_state(state: usize) -> usize {
    let base = placement::relocate(state);
    if base == 0 {
        relocation_failed();
    }
    // The state block sits right above the stack, at the stack top.
    let new_state = placement::stack_top(GROWN_PAGES, base);
    globals::set_state_address(new_state);
    globals::set_stack_pointer(new_state);
    base
}

/// After a call that asked for clearance (`State::clearance`): moves the
/// arena, still unsettled, to fresh pages whose state lies at least that
/// far above the old arena's base, leaving the pages in between untouched.
/// Must not have a stack frame (it switches the stack pointer).
#[cfg(not(feature = "proxy"))]
#[inline(always)]
pub fn leave() {
    let state = globals::state_address();
    // SAFETY: called after the body of a call that entered through `enter`.
    if unsafe { (*(state as *const State)).clearance } != 0 {
        make_clearance(state);
    }
}

#[cfg(not(feature = "proxy"))]
#[cold]
#[inline(never)]
fn make_clearance(state: usize) {
    // SAFETY: the state block `enter` checked at the start of this call.
    let state_ref = unsafe { &*(state as *const State) };
    if globals::stack_pointer() != state_ref.stack_top as usize {
        return;
    }
    let wanted = state_ref.reserved_start as usize + state_ref.clearance as usize;
    let state_offset = placement::stack_top(GROWN_PAGES, 0);
    let end = crate::memory::size_bytes();
    if end + state_offset < wanted {
        let gap = (wanted - end - state_offset).div_ceil(crate::memory::PAGE_SIZE);
        if crate::memory::grow(gap).is_none() {
            relocation_failed();
        }
    }
    // SAFETY: no adapter frame is live (checked above).
    let base = unsafe { move_state(state) };
    rearm(base);
}

/// The arena moved but has not settled: watch its new pages.
#[cfg(not(feature = "proxy"))]
#[inline(never)]
fn rearm(base: usize) {
    let end = base + placement::GROWN_PAGES * crate::memory::PAGE_SIZE;
    let arena = Arena::layout(GROWN_PAGES, base, end);
    // SAFETY: the block `relocate` just copied.
    let state = unsafe { &mut *(arena.state as *mut State) };
    state.set_arena(&arena.bounds());
    state.clearance = 0;
    // A table in pages of its own moves to pages grown after the arena's:
    // those are then the last, so the tripwire goes to their end (as when
    // the table grows), armed after that growth.
    let table_end = place_table(state);
    if table_end != 0 {
        state.tripwire = crate::tripwire::at(table_end);
    }
    crate::tripwire::arm(state.tripwire);
}

#[cold]
#[inline(never)]
fn relocation_failed() -> ! {
    crate::fatal!("cannot grow memory to move its state away from the guest's heap")
}

#[inline(never)]
fn settle(base: usize) {
    let arena = Arena::layout(GROWN_PAGES, base, base + placement::GROWN_PAGES * crate::memory::PAGE_SIZE);
    // SAFETY: the block `relocate` just copied.
    let state = unsafe { &mut *(arena.state as *mut State) };
    state.set_arena(&arena.bounds());
    state.settle();
    place_table(state);
}

/// After the state block moved: an inline table moved with it; a table in
/// pages of its own was claimed along with the arena's, so it moves too, to
/// pages grown after the claim. Returns the end of those pages (0 for an
/// inline table).
fn place_table(state: &mut State) -> usize {
    state.descriptors.rebase();
    if !state.descriptors.is_out_of_line() {
        return 0;
    }
    let capacity = state.descriptors.capacity();
    match state.descriptors.move_to_new_pages(capacity) {
        0 => relocation_failed(),
        end => end,
    }
}
