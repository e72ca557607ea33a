//! `cabi_import_realloc`: where the host puts the lists and strings that
//! imports return.
//!
//! wit-component lowers every import result through this export. Before an
//! import call the adapter states where the results should go (an
//! `abi::Plan`): straight into the guest's buffer (`abi::BufferPlan`:
//! fd_read, random_get), or into the arena's scratch area
//! (`abi::ScratchPlan`: the argument and environment lists, directory
//! entries, ...). A scratch plan lets an allocation that does not fit spill
//! into transient pages (`abi::Spill`), which are zeroed again when the plan
//! ends.
//!
//! This is the one place that reaches the allocator without a reference
//! handed down from an export: the host calls it in the middle of an import
//! call, while the caller holds `&Allocator` (hence its `UnsafeCell`).

use super::abi::{Cells, Spill, ALLOCATOR_OFFSET};
use crate::memory::{self, PAGE_SIZE};

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
                no_memory_for_result(len);
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
        no_memory_for_result(len);
    };
    let start = align_up(base, align);
    spill.base = base as u32;
    spill.end = (base + pages * PAGE_SIZE) as u32;
    spill.used_end = (start + len) as u32;
    spill.pages_at_grow = memory::size_pages() as u32;
    start
}

/// Out of line: a message is built on the stack, and the hot path of
/// `cabi_import_realloc` needs no stack frame.
#[cold]
#[inline(never)]
fn called_outside_a_call() -> ! {
    crate::fatal!("cabi_import_realloc called outside of an adapter call")
}

#[cold]
#[inline(never)]
fn no_memory_for_result(len: usize) -> ! {
    crate::fatal!("cannot grow memory for a host result of size", len)
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
    let state = crate::globals::state_address();
    if state <= crate::globals::STATE_PLACING {
        called_outside_a_call();
    }
    // SAFETY: the state block is live (an adapter call is in progress, it
    // made the import call being lowered) and keeps its allocator at
    // `ALLOCATOR_OFFSET`. The caller holds only a shared reference to the
    // allocator (a `BufferPlan` proves its exclusivity with `&mut`, then
    // keeps a shared one), whose cells are an `UnsafeCell`, and none to
    // the cells.
    let cells = unsafe { &mut *((state + ALLOCATOR_OFFSET) as *mut Cells) };
    // `align` is the alignment of a canonical-ABI type: 1, 2, 4 or 8.
    let old = old_ptr as usize;
    if old_ptr.is_null() {
        return allocate(cells, align, new_len) as *mut u8;
    }
    // A resize of an earlier allocation of the same result (hosts that
    // transcode strings allocate the worst case, then shrink). The last
    // allocation of the plan's own area resizes in place.
    let region = &mut cells.region;
    let is_last = old + old_len == region.cursor as usize;
    if is_last && old + new_len <= region.end as usize {
        region.cursor = (old + new_len) as u32;
        return old_ptr;
    }
    if new_len <= old_len {
        return old_ptr;
    }
    let new = allocate(cells, align, new_len);
    // SAFETY: both blocks were handed out by this function for the active
    // plan; the new one does not overlap the old one.
    unsafe { memory::copy(new, old, old_len) };
    new as *mut u8
}

/// A fresh block for the active plan: from its area, else from spill pages
/// when the plan allows it.
#[inline(always)]
fn allocate(cells: &mut Cells, align: usize, len: usize) -> usize {
    let start = align_up(cells.region.cursor as usize, align);
    if start + len <= cells.region.end as usize {
        cells.region.cursor = (start + len) as u32;
        return start;
    }
    allocate_beyond(cells, align, len)
}

/// `allocate` when the plan's area is full.
#[cold]
#[inline(never)]
fn allocate_beyond(cells: &mut Cells, align: usize, len: usize) -> usize {
    if cells.region.may_spill == 0 {
        crate::fatal!("host result larger than its destination buffer; bytes:", len);
    }
    spill_alloc(&mut cells.spill, cells.keep_spill != 0, len, align)
}
