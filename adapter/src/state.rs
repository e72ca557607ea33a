//! The adapter's persistent state: one `#[repr(C)]` block inside the arena
//! (see `placement`), reached through the `adapter_state` global.
//!
//! Canaries at both ends let every call detect that someone else wrote over
//! the block; see `entry::check`.

use crate::descriptors::Descriptors;
use crate::import_alloc::{ImportAlloc, Spill};

/// "P1ADAPTR" and "STATE-OK", little-endian.
pub const HEAD_CANARY: u64 = 0x5254_5041_4441_3150;
pub const TAIL_CANARY: u64 = 0x4b4f_2d45_5441_5453;

/// How the arena was placed; decides which checks each call makes.
pub mod placement_kind {
    /// Below the first data address of a Go module (`[0, 12288)`), which Go
    /// never touches.
    pub const LOW_MEMORY: u32 = 1;
    /// In pages the adapter grew itself.
    pub const GROWN_PAGES: u32 = 2;
}

#[repr(C)]
pub struct State {
    pub head_canary: u64,
    pub placement: u32,
    /// For `GROWN_PAGES`: 0 while a guest allocator could still claim the
    /// arena (see docs/memory.md), 1 once the arena has been moved to pages
    /// grown after the guest's allocator took ownership of its memory.
    pub settled: u32,
    pub arena_base: u32,
    pub arena_end: u32,
    /// Stack pointer value when no adapter frame is live.
    pub stack_top: u32,
    /// Memory size in pages when the arena was placed (or the adapter last
    /// grew memory itself), to notice growth by someone else (only
    /// meaningful while not settled).
    pub pages_seen: u32,
    /// End of the pages the adapter grew last while unsettled: the arena's,
    /// or its descriptor table's. Their last bytes are the tripwire.
    pub watch_end: u32,
    /// While unsettled: set by a call whose result the guest will allocate
    /// memory for next (`*_sizes_get`): after the call the state must lie at
    /// least this many bytes above the arena's base (`entry::leave`).
    pub clearance: u32,
    /// Transient scratch memory, valid only within one call.
    pub scratch_base: u32,
    pub scratch_end: u32,
    pub import_alloc: ImportAlloc,
    pub spill: Spill,
    /// Host-started allocations in progress and what is kept for them
    /// (see `pause`).
    pub pause: crate::pause::Pause,
    pub descriptors: Descriptors,
    pub tail_canary: u64,
}

impl State {
    /// Initialises a zeroed block in place.
    pub fn init(&mut self, placement: u32, arena: &crate::placement::Arena) {
        self.head_canary = HEAD_CANARY;
        self.tail_canary = TAIL_CANARY;
        self.placement = placement;
        self.settled = (placement == placement_kind::LOW_MEMORY) as u32;
        self.set_arena(arena);
        self.descriptors.init();
        self.pause.init();
    }

    pub fn set_arena(&mut self, arena: &crate::placement::Arena) {
        self.arena_base = arena.base as u32;
        self.arena_end = arena.end as u32;
        self.watch_end = arena.end as u32;
        self.stack_top = arena.stack_top as u32;
        self.scratch_base = arena.scratch as u32;
        self.scratch_end = arena.scratch_end as u32;
        self.pages_seen = crate::memory::size_pages() as u32;
    }

    #[inline(always)]
    pub fn canaries_intact(&self) -> bool {
        self.head_canary == HEAD_CANARY && self.tail_canary == TAIL_CANARY
    }
}

/// The allocation cell and spill bookkeeping, reached through the raw state
/// pointer without asserting exclusive access to the whole block: they are
/// used while a caller holds a reference into the descriptor table.
#[inline(always)]
pub fn allocation() -> (&'static mut ImportAlloc, &'static mut Spill, u32) {
    let state = crate::globals::state_ptr();
    // SAFETY: as in `get`; the two fields are disjoint from every other
    // field a caller may be holding, and `settled` is only read.
    unsafe {
        (
            &mut *core::ptr::addr_of_mut!((*state).import_alloc),
            &mut *core::ptr::addr_of_mut!((*state).spill),
            (*state).settled,
        )
    }
}

/// What the descriptor table needs to know and update when it grows (see
/// `Descriptors::grow`), reached through the raw state pointer: the table
/// is a field of the same block, borrowed by the caller.
pub struct TableGrowth {
    pub grown_arena: bool,
    pub settled: bool,
}

#[inline(never)]
pub fn table_growth() -> TableGrowth {
    let state = crate::globals::state_ptr();
    // SAFETY: as in `get`; reads two fields no caller holds a reference to.
    unsafe {
        TableGrowth {
            grown_arena: (*state).placement == placement_kind::GROWN_PAGES,
            settled: (*state).settled != 0,
        }
    }
}

/// After the table moved to pages grown while the arena is unsettled: they
/// are now the last pages the adapter grew, so the tripwire moves to their
/// end (docs/memory.md).
pub fn watch_table_pages(end: usize) {
    let state = crate::globals::state_ptr();
    crate::placement::arm_tripwire(end);
    // SAFETY: as in `table_growth`; writes two fields no caller holds a
    // reference to.
    unsafe {
        (*state).watch_end = end as u32;
        (*state).pages_seen = crate::memory::size_pages() as u32;
    }
}

/// Returns the state of the current call. Only valid between `entry::enter`
/// and the end of the call.
#[inline(always)]
pub fn get() -> &'static mut State {
    // SAFETY: `entry::enter` ran first in every export and left a pointer to
    // an initialised, canary-checked `State` in the global. The adapter is
    // single-threaded and never calls into the guest, so no second P1 call
    // runs while this one does (docs/reentrancy.md). The host calls back
    // only into `cabi_import_realloc`, which touches the allocation cell and
    // spill fields through `allocation()`, never through this reference.
    unsafe { &mut *crate::globals::state_ptr() }
}
