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
        let spill_mark = if spill.used_end != 0 { spill.used_end } else { spill.base };
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

/// Zeroes spill memory handed out since `mark`. Go >= 1.24 adopts pages
/// grown by others as fresh heap and assumes they are zero.
fn release_spill(spill: &mut Spill, mark: u32) {
    if spill.base == 0 || spill.used_end <= mark || mark < spill.base {
        return;
    }
    // SAFETY: `[mark, used_end)` lies inside the spill pages.
    unsafe { memory::fill(mark as usize, 0, (spill.used_end - mark) as usize) };
    spill.used_end = mark;
}

fn align_up(value: usize, align: usize) -> usize {
    (value + align - 1) & !(align - 1)
}

/// Transient pages can be reused while nobody grew memory after them (Go
/// 1.24 and later adopt such pages into their heap when they grow) and, for
/// grown arenas, once settled (before that a guest allocator might claim
/// them).
fn spill_alloc(spill: &mut Spill, settled: bool, len: usize, align: usize) -> usize {
    let reusable = spill.base != 0 && memory::size_pages() == spill.pages_at_grow as usize && settled;
    if reusable {
        let start = align_up((spill.used_end as usize).max(spill.base as usize), align);
        if start + len <= spill.end as usize {
            spill.used_end = (start + len) as u32;
            return start;
        }
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
    if !old_ptr.is_null() || old_len != 0 {
        crate::fatal!("host asked to grow an earlier allocation at", old_ptr as usize);
    }
    let (plan, spill, settled) = state::allocation();
    let start = align_up(plan.cursor as usize, align.max(1));
    if start + new_len <= plan.end as usize {
        plan.cursor = (start + new_len) as u32;
        return start as *mut u8;
    }
    if plan.may_spill == 0 {
        crate::fatal!("host returned more data than the destination buffer holds; bytes requested:", new_len);
    }
    spill_alloc(spill, settled == 1, new_len, align.max(1)) as *mut u8
}
