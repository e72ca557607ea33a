//! The adapter's persistent state: one `#[repr(C)]` block inside the arena
//! (see `placement`), reached through the `adapter_state` global.
//!
//! Each export takes the one `&mut State` of its call (`get`) and passes it
//! down; nothing else reaches the block, except `cabi_import_realloc`, which
//! the host calls in the middle of an import and which touches only the
//! allocator (an `UnsafeCell`, see `wasi::alloc`).
//!
//! Canaries at both ends detect that someone else wrote over the block:
//! every call checks the head (a guest heap growing into the block reaches
//! it first), calls that take the slow road and arena moves the tail too;
//! see `entry::enter`.

use crate::descriptors::{Descriptor, Descriptors, NO_SLOT};
use crate::errno::{self, Errno};
use crate::wasi::abi::{Allocator, ReturnArea};

/// The head canary says whether the arena settled too, so that the fast
/// path of every call is one comparison (`entry::enter`): "P1ADAPTR" once
/// settled (or in Go's low memory, which needs no settling), "P1UNSETL"
/// before, little-endian.
pub const HEAD_SETTLED: u64 = 0x5254_5041_4441_3150;
pub const HEAD_UNSETTLED: u64 = 0x4c54_4553_4e55_3150;
/// "STATE-OK", little-endian.
pub const TAIL_CANARY: u64 = 0x4b4f_2d45_5441_5453;

/// How the arena was placed; decides which checks each call makes.
pub mod placement_kind {
    /// Below the first data address of a Go module (`[0, 12288)`), which Go
    /// never touches.
    pub const LOW_MEMORY: u32 = 1;
    /// In pages the adapter grew itself.
    pub const GROWN_PAGES: u32 = 2;
    /// Above the guest's memory, which the adapter tells the guest the size
    /// of: the converter rewrote the main module's `memory.size` and
    /// `memory.grow` into calls of the adapter (`interpose`).
    pub const INTERPOSED: u32 = 3;
}

#[repr(C)]
pub struct State {
    pub head_canary: u64,
    /// Where the host's result allocations go; first after the canary, at
    /// `wasi::abi::ALLOCATOR_OFFSET`.
    pub alloc: Allocator,
    /// Where imports write their results (`wasi::abi::return_area`), at
    /// `wasi::abi::RETURN_AREA_OFFSET`. Only the bindings touch it.
    returns: ReturnArea<{ crate::wasi::RETURN_AREA_BYTES }>,
    pub placement: u32,
    /// Memory that is not the guest's, which guest pointers may not reach
    /// (`p1::Guest`): the arena (Go's low memory, grown pages), or, when
    /// interposed, everything from the end of the guest's memory up
    /// (`reserved_end` is then `u32::MAX`).
    pub reserved_start: u32,
    pub reserved_end: u32,
    /// Stack pointer value when no adapter frame is live.
    pub stack_top: u32,
    /// The tripwire (`tripwire::at`) in the last bytes of the pages the
    /// adapter grew last while unsettled: the arena's, or its descriptor
    /// table's. It also records the memory size then (`tripwire::arm`).
    pub tripwire: u32,
    /// While unsettled: set by a call whose result the guest will allocate
    /// memory for next (`*_sizes_get`): after the call the state must lie at
    /// least this many bytes above the arena's base (`entry::leave`).
    pub clearance: u32,
    /// Host-started allocations in progress and what is kept for them
    /// (see `pause`).
    pub pause: crate::pause::Pause,
    pub descriptors: Descriptors,
    /// Interposed placement only (`interpose`): the guest's memory, in
    /// pages, its declared maximum, and an arena move in progress.
    pub guest_pages: u32,
    pub guest_max_pages: u32,
    pub relocation: Relocation,
    /// The end of the memory the P1 functions write results into
    /// (`p1::result`): the guest's end when interposed (a result pointer
    /// past it traps, as on the native host, instead of writing into the
    /// adapter's pages), `u32::MAX` otherwise (the memory's own bounds).
    pub result_limit: u32,
    /// Where `_in` imports leave a record that their caller reads in place
    /// while it makes other import calls (stats read alongside the
    /// metadata hash): here rather than on the stack, so those callers need
    /// no stack frame.
    pub records: ReturnArea<{ crate::wasi::RECORD_AREA_BYTES }>,
    pub tail_canary: u64,
}

const _: () = assert!(core::mem::offset_of!(State, alloc) == crate::wasi::abi::ALLOCATOR_OFFSET);
const _: () = assert!(core::mem::offset_of!(State, returns) == crate::wasi::abi::RETURN_AREA_OFFSET);

/// A move of the adapter's blocks being made (`interpose`, when the guest
/// grows its memory): decided with a stack frame before the move, read by
/// the frame-free move itself, finished on the new stack. All zero when no
/// move is in progress.
#[repr(C)]
pub struct Relocation {
    /// Where the arena goes (the table, if out of line, right above it).
    pub arena_to: u32,
    /// Where an out-of-line table is, and its pages (0: in the state
    /// block, which moves with the arena).
    pub table_from: u32,
    pub table_pages: u32,
}

/// Where an arena's parts are (see `placement::Arena`).
pub struct ArenaBounds {
    pub base: usize,
    pub end: usize,
    pub stack_top: usize,
    pub scratch: usize,
    pub scratch_end: usize,
}

impl State {
    /// Initialises a zeroed block in place.
    /// `guest_max_pages` and `guest_end` matter only when interposed: the
    /// most pages the guest may grow its memory to, and where its memory
    /// ends now.
    pub fn init(&mut self, placement: u32, arena: &ArenaBounds, guest_max_pages: u32, guest_end: usize) {
        // Grown pages settle once no guest allocator can claim them any
        // more; the other two placements never share memory with one.
        let settled = placement != placement_kind::GROWN_PAGES;
        self.head_canary = if settled { HEAD_SETTLED } else { HEAD_UNSETTLED };
        self.tail_canary = TAIL_CANARY;
        self.placement = placement;
        if placement == placement_kind::INTERPOSED {
            // The guest's memory is all there was when the arena was grown
            // above it.
            // Never above its maximum: after `reset_adapter_state` the
            // adapter's pages count as the guest's, which the maximum may
            // not allow (the pages above it stay free).
            self.set_guest_pages((guest_end / crate::memory::PAGE_SIZE).min(guest_max_pages as usize));
            self.guest_max_pages = guest_max_pages;
            self.reserved_end = u32::MAX;
        } else {
            self.result_limit = u32::MAX;
        }
        self.set_arena(arena);
        self.descriptors.init();
        self.pause.init();
    }

    /// When interposed: the guest's memory is now `pages` pages, and
    /// everything above it is reserved for the adapter, results included
    /// (`p1::result`).
    pub fn set_guest_pages(&mut self, pages: usize) {
        self.guest_pages = pages as u32;
        self.reserved_start = (pages * crate::memory::PAGE_SIZE) as u32;
        self.result_limit = self.reserved_start;
    }

    /// Records where the arena is (after placing or moving it).
    pub fn set_arena(&mut self, arena: &ArenaBounds) {
        // When interposed, what is reserved is everything above the guest's
        // memory, wherever the arena is in it (`init`, `interpose`).
        if self.placement != placement_kind::INTERPOSED {
            self.reserved_start = arena.base as u32;
            self.reserved_end = arena.end as u32;
            self.tripwire = crate::tripwire::at(arena.end);
        }
        self.stack_top = arena.stack_top as u32;
        self.alloc.configure(arena.scratch, arena.scratch_end, self.is_settled());
    }

    /// The arena no guest allocator can claim any more (docs/memory.md).
    pub fn settle(&mut self) {
        self.head_canary = HEAD_SETTLED;
        self.alloc.configure_settled();
    }

    /// Whether no guest allocator can claim the arena any more: always in
    /// Go's low memory and when interposed; in grown pages once the arena moved to pages grown
    /// after the guest's allocator took its memory (docs/memory.md). The
    /// head canary records it (`HEAD_SETTLED`).
    #[inline(always)]
    pub fn is_settled(&self) -> bool {
        self.head_canary == HEAD_SETTLED
    }

    #[inline(always)]
    pub fn tail_intact(&self) -> bool {
        self.tail_canary == TAIL_CANARY
    }

    /// Adds a descriptor at the number the native host would give it,
    /// growing the table where the arena allows (see `make_room`). The
    /// descriptor is written straight into its slot; without a slot it is
    /// dropped, which releases what it holds.
    #[inline(always)]
    pub fn insert_descriptor(&mut self, descriptor: Descriptor) -> Result<u32, Errno> {
        self.insert_descriptor_with(|| descriptor)
    }

    /// `insert_descriptor`, building the descriptor only once its slot is
    /// known, so that it is built in place. Without a slot, `make` is
    /// dropped, and with it what it holds.
    #[inline(always)]
    pub fn insert_descriptor_with(&mut self, make: impl FnOnce() -> Descriptor) -> Result<u32, Errno> {
        let fd = self.reserve_descriptor();
        if fd == NO_SLOT {
            return Err(errno::MFILE);
        }
        self.descriptors.put(fd, make());
        Ok(fd)
    }

    /// The number for a new descriptor (`Descriptors::reserve`), once there
    /// is room; `NO_SLOT` if there is none (EMFILE).
    #[inline(never)]
    fn reserve_descriptor(&mut self) -> u32 {
        let settled = self.is_settled();
        let State { descriptors, placement, tripwire, .. } = self;
        reserve(descriptors, || TableRoom { placement: *placement, settled, tripwire })
    }

    /// Installs the preopens as descriptors 3, 4, ..., once, before the
    /// first unpaused call runs (the native host has them from the start).
    /// Preopens beyond what the table can hold are released.
    #[cold]
    #[inline(never)]
    pub fn install_preopens(&mut self) {
        #[cfg(not(feature = "proxy"))]
        {
            let settled = self.is_settled();
            let State { alloc, descriptors, placement, tripwire, .. } = self;
            crate::preopens::each(alloc, |handle, preopen| {
                let descriptor = Descriptor::Directory {
                    is_preopen: true,
                    handle: crate::descriptors::FsDescriptor(handle),
                    index: preopen.index,
                    name_len: preopen.name_len,
                };
                // Without room the descriptor is dropped: the handle is released.
                let fd = reserve(descriptors, || TableRoom { placement: *placement, settled, tripwire });
                if fd != NO_SLOT {
                    descriptors.put(fd, descriptor);
                }
            });
        }
    }
}

/// What growing the descriptor table needs to know and update.
struct TableRoom<'a> {
    placement: u32,
    settled: bool,
    tripwire: &'a mut u32,
}

/// The number for a new descriptor (`Descriptors::reserve`), growing a
/// full table first (`make_room`); `NO_SLOT` if there is no room (EMFILE).
/// What growing needs is gathered only when the table is full.
#[inline(always)]
fn reserve<'a>(table: &mut Descriptors, room: impl FnOnce() -> TableRoom<'a>) -> u32 {
    if table.is_full() && make_room(table, &mut room()).is_err() {
        return NO_SLOT;
    }
    table.reserve()
}

/// Grows a full table: only in grown and interposed arenas (Go's
/// low-memory arena has no room: EMFILE at its capacity). While the arena
/// is unsettled, the table's new pages are the last the adapter grew, so
/// the tripwire moves to their end (docs/memory.md). When interposed, the
/// pages an out-of-line table leaves are zeroed: free pages of the
/// adapter's are handed to the guest as they are (`interpose`).
#[cold]
#[inline(never)]
fn make_room(table: &mut Descriptors, room: &mut TableRoom<'_>) -> Result<(), Errno> {
    if room.placement == placement_kind::LOW_MEMORY {
        return Err(errno::MFILE);
    }
    let left = table.out_of_line_pages();
    let end = table.grow()?;
    if room.placement == placement_kind::INTERPOSED {
        if let Some((at, bytes)) = left {
            // SAFETY: the pages the table just left, which nothing else uses.
            unsafe { crate::memory::fill(at, 0, bytes) };
        }
    } else if !room.settled {
        *room.tripwire = crate::tripwire::at(end);
        crate::tripwire::arm(*room.tripwire);
    }
    Ok(())
}

/// Returns the state of the current call; taken once per export, in its
/// wrapper, after `entry::enter`.
///
/// # Safety
/// `entry::enter` ran first in this export and left a pointer to an
/// initialised, canary-checked `State` in the global, and no other
/// reference to the state is live. The adapter is single-threaded and
/// never calls into the guest, so no second P1 call runs while this one
/// does (docs/reentrancy.md); the host calls back only into
/// `cabi_import_realloc`, which touches only the allocator's cells.
#[inline(always)]
pub unsafe fn get<'a>() -> &'a mut State {
    &mut *(crate::globals::state_address() as *mut State)
}
