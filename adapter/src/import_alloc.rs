//! Where the host puts the lists and strings that imports return.
//!
//! wit-component lowers every import result through the adapter's export
//! `cabi_import_realloc`. Before an import call the adapter states where the
//! results should go (an `ImportPlan`): usually straight into the guest's
//! buffer (fd_read, args_get, random_get), otherwise into the arena's scratch
//! area. A plan saves the previous one and restores it when it ends, so plans
//! nest. When a plan allows it, an allocation that does not fit spills into
//! transient pages (`Spill`), which are zeroed again when the plan ends.

use crate::memory::{self, PAGE_SIZE};
use crate::state;

#[repr(C)]
#[derive(Clone, Copy)]
pub struct ImportAlloc {
    pub cursor: u32,
    pub end: u32,
    pub may_spill: u32,
}

/// Transient pages for results larger than the scratch area (environment
/// lists of Go programs, whose arena is small).
#[repr(C)]
pub struct Spill {
    pub base: u32,
    pub end: u32,
    /// End of the part handed out and not yet released.
    pub used_end: u32,
    /// Memory size (pages) right after the pages were grown.
    pub pages_at_grow: u32,
}

pub struct ImportPlan {
    saved: ImportAlloc,
    spill_mark: u32,
}

impl ImportPlan {
    /// Sends the host's allocations to `[ptr, ptr + len)`.
    pub fn into_buffer(ptr: usize, len: usize) -> ImportPlan {
        Self::begin(ptr, len, false)
    }

    /// Sends the host's allocations to the scratch area, spilling into
    /// transient pages when it is full.
    pub fn into_scratch() -> ImportPlan {
        // SAFETY: reads two fields through the raw state pointer (see
        // `state::allocation`).
        let (base, end) = unsafe {
            let state = crate::globals::state_ptr();
            ((*state).scratch_base as usize, (*state).scratch_end as usize)
        };
        Self::begin(base, end - base, true)
    }

    fn begin(ptr: usize, len: usize, may_spill: bool) -> ImportPlan {
        let (cell, spill, _) = state::allocation();
        let saved = *cell;
        *cell = ImportAlloc {
            cursor: ptr as u32,
            end: (ptr + len) as u32,
            may_spill: may_spill as u32,
        };
        let spill_mark = spill.used_end;
        ImportPlan { saved, spill_mark }
    }
}

impl Drop for ImportPlan {
    fn drop(&mut self) {
        let (cell, spill, _) = state::allocation();
        *cell = self.saved;
        release_spill(spill, self.spill_mark);
    }
}

/// Zeroes spill memory handed out since `mark` (the `used_end` when the
/// plan began, or 0 if there was no spill region then), because Go >= 1.24
/// adopts pages grown by others as fresh heap and assumes they are zero.
/// A region grown during the plan lies above any earlier one (memory only
/// grows upwards), so a mark below the current region means all of it.
fn release_spill(spill: &mut Spill, mark: u32) {
    if spill.base == 0 {
        return;
    }
    let from = mark.max(spill.base);
    if spill.used_end > from {
        // SAFETY: `[from, used_end)` lies inside the spill pages.
        unsafe { memory::fill(from as usize, 0, (spill.used_end - from) as usize) };
        spill.used_end = from;
    }
}

fn align_up(value: usize, align: usize) -> usize {
    (value + align - 1) & !(align - 1)
}

/// Serves `len` bytes from transient pages.
///
/// The region is reused while nobody else grew memory after it (Go 1.24
/// and later adopt such pages into their heap when they grow) and, for
/// grown arenas, once settled (before that a guest allocator might claim
/// it). When it is too small it is extended in place: within one adapter
/// call nobody else grows memory, so while the region ends at the end of
/// memory the next pages continue it. Only when someone else grew memory
/// since (between calls, when no plan holds any of it: every plan zeroes
/// and releases what it took) does a fresh region start.
fn spill_alloc(spill: &mut Spill, settled: bool, len: usize, align: usize) -> usize {
    let at_end_of_memory = spill.base != 0 && memory::size_pages() == spill.pages_at_grow as usize;
    // Part of the region held by a live plan (an earlier allocation of the
    // same host call, say): continue it even before the arena settled.
    let held = spill.used_end > spill.base;
    if at_end_of_memory && (settled || held) {
        let start = align_up((spill.used_end as usize).max(spill.base as usize), align);
        let needed = start + len;
        if needed > spill.end as usize {
            let pages = (needed - spill.end as usize).div_ceil(PAGE_SIZE);
            if memory::grow(pages).is_none() {
                crate::fatal!("cannot grow memory for a host result of size", len);
            }
            spill.end += (pages * PAGE_SIZE) as u32;
            spill.pages_at_grow = memory::size_pages() as u32;
        }
        spill.used_end = needed as u32;
        return start;
    }
    if held {
        // Only reachable if memory grew under a live plan, which nothing in
        // the adapter allows: the zeroing guarantee would be lost.
        crate::fatal!("spill memory still in use after memory grew; in use up to", spill.used_end as usize);
    }
    let pages = (len + align).div_ceil(PAGE_SIZE);
    let Some(base) = memory::grow(pages) else {
        crate::fatal!("cannot grow memory for a host result of size", len);
    };
    let start = align_up(base, align);
    spill.base = base as u32;
    spill.end = (base + pages * PAGE_SIZE) as u32;
    spill.used_end = (start + len) as u32;
    spill.pages_at_grow = memory::size_pages() as u32;
    start
}

/// The realloc wit-component uses to lower results of the adapter's imports.
///
/// # Safety
/// Called by the host while an import call made by the adapter is lowering
/// its results; never by the guest.
#[no_mangle]
pub unsafe extern "C" fn cabi_import_realloc(
    old_ptr: *mut u8,
    old_len: usize,
    align: usize,
    new_len: usize,
) -> *mut u8 {
    let raw_state = crate::globals::state_ptr() as usize;
    if raw_state <= crate::globals::STATE_PLACING {
        crate::fatal!("cabi_import_realloc called outside of an adapter call");
    }
    let (plan, spill, settled) = state::allocation();
    let align = align.max(1);
    let old = old_ptr as usize;
    if old_ptr.is_null() {
        return allocate(plan, spill, settled == 1, align, new_len) as *mut u8;
    }
    // A resize of an earlier allocation of the same result (hosts that
    // transcode strings allocate the worst case, then shrink). The last
    // allocation of the plan's own area resizes in place.
    let is_last = old + old_len == plan.cursor as usize;
    if is_last && old + new_len <= plan.end as usize {
        plan.cursor = (old + new_len) as u32;
        return old_ptr;
    }
    if new_len <= old_len {
        return old_ptr;
    }
    let new = allocate(plan, spill, settled == 1, align, new_len);
    // SAFETY: both blocks were handed out by this function for the active
    // plan; the new one does not overlap the old one.
    unsafe { memory::copy(new, old, old_len) };
    new as *mut u8
}

/// A fresh block for the active plan: from its area, else from spill pages
/// when the plan allows it.
fn allocate(plan: &mut ImportAlloc, spill: &mut Spill, settled: bool, align: usize, len: usize) -> usize {
    let start = align_up(plan.cursor as usize, align);
    if start + len <= plan.end as usize {
        plan.cursor = (start + len) as u32;
        return start;
    }
    if plan.may_spill == 0 {
        crate::fatal!("host returned more data than the destination buffer holds; bytes requested:", len);
    }
    spill_alloc(spill, settled, len, align)
}
