//! What the generated bindings are built from: reading canonical-ABI values
//! from memory (`Lift`), views of lists the host allocated (`List`), return
//! areas, and the import plan that says where those lists go.

use core::cell::UnsafeCell;
use core::marker::PhantomData;
use core::mem::MaybeUninit;

/// A value the host wrote into memory in its canonical-ABI layout; the
/// generated `impl`s carry the offsets the WIT gives each field.
pub trait Lift: Sized {
    /// Size in memory, as a list element.
    const SIZE: usize;
    /// # Safety
    /// `p` points at a value of this type the host wrote.
    unsafe fn lift(p: *const u8) -> Self;
}

/// A string argument: bytes in linear memory that the host reads during
/// the call (a guest's path, or a name in scratch). Not a slice: the
/// adapter never reads them itself, and an empty string may sit at
/// address 0, where no slice may start. The caller checks that the bytes
/// are in memory and UTF-8 first; the host traps otherwise.
#[derive(Clone, Copy)]
pub struct Str {
    ptr: u32,
    len: u32,
}

#[cfg_attr(feature = "proxy", allow(dead_code))]
impl Str {
    #[inline(always)]
    pub fn new(ptr: u32, len: u32) -> Str {
        Str { ptr, len }
    }

    #[inline(always)]
    pub fn ptr(self) -> u32 {
        self.ptr
    }

    #[inline(always)]
    pub fn len(self) -> u32 {
        self.len
    }
}

/// A list (or string) the host returned: its elements stay where the import
/// plan put them, and are read one by one.
pub struct List<T> {
    pub ptr: u32,
    pub len: u32,
    element: PhantomData<T>,
}

impl<T> Clone for List<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for List<T> {}

impl<T> List<T> {
    #[inline(always)]
    pub fn new(ptr: u32, len: u32) -> Self {
        List { ptr, len, element: PhantomData }
    }

    #[inline(always)]
    pub fn len(&self) -> usize {
        self.len as usize
    }
}

impl<T: Lift> List<T> {
    /// Element `index`, which must be below `len`.
    #[inline(always)]
    pub fn get(&self, index: usize) -> T {
        debug_assert!(index < self.len());
        // SAFETY: lists are only made by the generated lifting code from a
        // host result; the host wrote `len` elements of `T::SIZE` bytes at
        // `ptr`, and the memory stays as it was while the caller's plan
        // (or the buffer it pointed into) lives.
        unsafe { T::lift((self.ptr as usize + index * T::SIZE) as *const u8) }
    }
}

impl<T> Lift for List<T> {
    const SIZE: usize = 8;
    #[inline(always)]
    unsafe fn lift(p: *const u8) -> Self {
        List::new(core::ptr::read(p.cast::<u32>()), core::ptr::read(p.add(4).cast::<u32>()))
    }
}

/// A record an import left in its caller's return area (the `_in`
/// bindings), read where it is used instead of being copied out first.
#[cfg_attr(feature = "proxy", allow(dead_code))] // stat records
pub struct Stored<'r, T> {
    ptr: *const u8,
    area: PhantomData<&'r T>,
}

#[cfg_attr(feature = "proxy", allow(dead_code))]
impl<T: Lift> Stored<'_, T> {
    /// # Safety
    /// `ptr` points at a `T` the host wrote, inside a return area the
    /// caller borrows for `'r`.
    #[inline(always)]
    pub unsafe fn new(ptr: *const u8) -> Self {
        Stored { ptr, area: PhantomData }
    }

    #[inline(always)]
    pub fn get(&self) -> T {
        // SAFETY: see `new`; the area is still borrowed, so still holds it.
        unsafe { T::lift(self.ptr) }
    }
}

/// What the generated field and option accessors (`wasi-bindings.rs`)
/// build on.
#[cfg_attr(feature = "proxy", allow(dead_code))]
impl<'r, T> Stored<'r, T> {
    #[inline(always)]
    pub(crate) fn ptr(&self) -> *const u8 {
        self.ptr
    }

    /// The part of this value at `offset`, as a `U`.
    ///
    /// # Safety
    /// A `U` lies at `offset` inside the `T`, per the canonical ABI.
    #[inline(always)]
    pub(crate) unsafe fn field<U>(&self, offset: usize) -> Stored<'r, U> {
        Stored { ptr: self.ptr.add(offset), area: PhantomData }
    }
}

/// Where the adapter's state block keeps its `abi::Allocator`: right after
/// the 8-byte head canary (`state::State` asserts it).
pub const ALLOCATOR_OFFSET: usize = 8;

/// Where the state block keeps the shared return area, right after the
/// allocator (`state::State` asserts it): `RETURN_AREA_BYTES`, 8-aligned.
pub const RETURN_AREA_OFFSET: usize =
    (ALLOCATOR_OFFSET + core::mem::size_of::<Allocator>() + 7) & !7;

/// The return area of every import whose result is lifted as soon as the
/// import returns (all but the `_in` variants, whose callers lend theirs).
/// One area serves them all, in the state block rather than on the stack,
/// so their callers need no stack frame. Sound because no import call can
/// begin while another one's result waits there: between an import's
/// return and the lift the adapter runs no code of anybody's, and during
/// an import the host runs only `cabi_import_realloc`, which calls none;
/// a P1 call the guest makes from inside a host-started allocation of its
/// own is paused and calls none either (`pause`), and if it were not, the
/// host would trap it before it got here.
#[inline(always)]
pub fn return_area() -> *mut u8 {
    (crate::globals::state_address() + RETURN_AREA_OFFSET) as *mut u8
}

/// Where an import with more than one flat result writes it: `N` bytes,
/// aligned for every WASI 0.2 type. Left uninitialised: the host writes
/// every byte that is read back.
#[repr(C, align(8))]
pub struct ReturnArea<const N: usize>(MaybeUninit<[u8; N]>);

impl<const N: usize> ReturnArea<N> {
    #[inline(always)]
    pub fn new() -> Self {
        ReturnArea(MaybeUninit::uninit())
    }

    #[inline(always)]
    pub fn ptr(&mut self) -> *mut u8 {
        self.0.as_mut_ptr().cast()
    }
}

/// The region the host's next allocations come from. Between plans it is
/// idle: `end` 0 (nothing fits) and `may_spill` 0, so that an allocation
/// outside any plan is reported, not served. The state starts zeroed, and
/// every plan leaves it as it found it.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct Region {
    pub cursor: u32,
    pub end: u32,
    /// Whether allocations beyond `end` may spill into transient pages.
    pub may_spill: u32,
}

/// Transient pages for results larger than the scratch area (environment
/// lists of Go programs, whose arena is small); see `alloc`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct Spill {
    pub base: u32,
    pub end: u32,
    /// End of the part handed out and not yet released.
    pub used_end: u32,
    /// Memory size (pages) right after the pages were grown.
    pub pages_at_grow: u32,
}

/// The allocation state `cabi_import_realloc` works on. It lives in the
/// adapter's state block; the host reaches it (through `alloc`) while an
/// import call made with a shared reference to it is in progress, hence
/// the `UnsafeCell`.
///
/// The calls that reach it hold `&mut State`, which the compiler takes to
/// mean nothing else touches the block while they run; the host's
/// `cabi_import_realloc` does, behind an opaque import call. So plans read
/// and write the cells with volatile accesses, which are never dropped,
/// merged or served from a value read before the call.
#[repr(C)]
pub struct Allocator {
    pub(crate) cells: UnsafeCell<Cells>,
}

#[repr(C)]
#[derive(Clone, Copy)]
pub struct Cells {
    pub region: Region,
    pub spill: Spill,
    /// Scratch memory for results no guest buffer receives.
    pub scratch_base: u32,
    pub scratch_end: u32,
    /// Whether spill pages may be kept between calls (the arena settled).
    pub keep_spill: u32,
}

impl Allocator {
    /// Sets the scratch area and whether the arena settled.
    pub fn configure(&mut self, scratch_base: usize, scratch_end: usize, settled: bool) {
        let cells = self.cells.get_mut();
        cells.scratch_base = scratch_base as u32;
        cells.scratch_end = scratch_end as u32;
        cells.keep_spill = settled as u32;
    }

    /// The arena settled: spill pages may be kept between calls.
    pub fn configure_settled(&mut self) {
        self.cells.get_mut().keep_spill = 1;
    }

    /// The scratch area moved `distance` bytes up with the arena
    /// (`interpose`).
    pub fn shift_scratch(&mut self, distance: u32) {
        let cells = self.cells.get_mut();
        cells.scratch_base += distance;
        cells.scratch_end += distance;
    }

    /// Drops the spill region between calls, when no plan holds any of it
    /// (so it is all zero): the adapter's pages are rearranged
    /// (`interpose`), and the next large result grows a fresh one.
    pub fn forget_spill(&mut self) {
        self.cells.get_mut().spill = Spill { base: 0, end: 0, used_end: 0, pages_at_grow: 0 };
    }
}

/// What an import whose result holds lists takes as its first argument:
/// proof that the caller said where the host's allocations go, into a
/// guest buffer (`BufferPlan`) or scratch memory (`ScratchPlan`). Each
/// leaves the allocation cell as it found it when it ends.
pub trait Plan {}

/// Sends the host's allocations to the scratch area, spilling into
/// transient pages when it is full; when it ends, it zeroes and releases
/// the spill memory taken under it. Scratch plans nest (an import made
/// under another plan gets its own destination): each saves the region it
/// replaces and restores it.
pub struct ScratchPlan<'a> {
    allocator: &'a Allocator,
    saved: Region,
    /// `spill.used_end` when the plan began.
    spill_mark: u32,
}

impl Plan for ScratchPlan<'_> {}

impl<'a> ScratchPlan<'a> {
    #[inline(never)]
    pub fn new(allocator: &'a Allocator) -> Self {
        let cells = allocator.cells.get();
        // SAFETY: the cells are plain data in the live state block.
        let (base, end, spill_mark) = unsafe {
            (
                read(core::ptr::addr_of!((*cells).scratch_base)),
                read(core::ptr::addr_of!((*cells).scratch_end)),
                read(core::ptr::addr_of!((*cells).spill.used_end)),
            )
        };
        let saved = swap_region(allocator, Region { cursor: base, end, may_spill: 1 });
        ScratchPlan { allocator, saved, spill_mark }
    }
}

impl Drop for ScratchPlan<'_> {
    #[inline(never)]
    fn drop(&mut self) {
        set_region(self.allocator, self.saved);
        let cells = self.allocator.cells.get();
        // SAFETY: as in `swap_region`; the import calls made under the plan
        // have returned.
        unsafe {
            // No spill region (the usual case): nothing to release.
            if read(core::ptr::addr_of!((*cells).spill.base)) == 0 {
                return;
            }
            let spill = core::ptr::addr_of_mut!((*cells).spill);
            let mut current = core::ptr::read_volatile(spill);
            if release_spill(&mut current, self.spill_mark) {
                core::ptr::write_volatile(spill, current);
            }
        }
    }
}

/// Sends the host's allocations to a buffer, `[ptr, ptr + len)` (a read's
/// destination, say). It never spills (a result that does not fit is
/// fatal), so it has nothing to release; and it holds the allocator
/// exclusively, so no other plan is live around it (they all borrow the
/// allocator): the region it replaces is the idle one, which it need not
/// save. So it begins and ends inline, two stores and one, on the hot paths
/// that read.
pub struct BufferPlan<'a> {
    /// Shared, like every plan's: the cells are an `UnsafeCell` the host
    /// writes through `cabi_import_realloc` while the plan lives. The
    /// exclusive borrow `new` takes is only the proof that no other plan is.
    allocator: &'a Allocator,
}

impl Plan for BufferPlan<'_> {}

impl<'a> BufferPlan<'a> {
    #[inline(always)]
    pub fn new(allocator: &'a mut Allocator, ptr: usize, len: usize) -> Self {
        let cells = allocator.cells.get();
        // SAFETY: the cells are plain data in the live state block; no
        // import call is in progress. The region is idle (see `Region`):
        // `may_spill` is already 0.
        unsafe {
            let active = core::ptr::addr_of_mut!((*cells).region);
            debug_assert!(read(core::ptr::addr_of!((*active).end)) == 0 && read(core::ptr::addr_of!((*active).may_spill)) == 0);
            write(core::ptr::addr_of_mut!((*active).cursor), ptr as u32);
            write(core::ptr::addr_of_mut!((*active).end), (ptr + len) as u32);
        }
        BufferPlan { allocator: &*allocator }
    }
}

impl Drop for BufferPlan<'_> {
    #[inline(always)]
    fn drop(&mut self) {
        let cells = self.allocator.cells.get();
        // SAFETY: as in `new`; back to the idle region (an `end` of 0 takes
        // no allocation).
        unsafe { write(core::ptr::addr_of_mut!((*cells).region.end), 0) };
    }
}

/// Makes `region` the active one again when a plan ends.
#[inline(always)]
fn set_region(allocator: &Allocator, region: Region) {
    let cells = allocator.cells.get();
    // SAFETY: as in `swap_region`.
    unsafe {
        let active = core::ptr::addr_of_mut!((*cells).region);
        write(core::ptr::addr_of_mut!((*active).cursor), region.cursor);
        write(core::ptr::addr_of_mut!((*active).end), region.end);
        write(core::ptr::addr_of_mut!((*active).may_spill), region.may_spill);
    }
}

/// Makes `region` the active one; returns the one it replaces.
#[inline(always)]
fn swap_region(allocator: &Allocator, region: Region) -> Region {
    let cells = allocator.cells.get();
    // SAFETY: the cells are plain data in the live state block; no import
    // call is in progress, so nobody else accesses them now. Field by
    // field: a volatile access to the whole struct would go through a copy
    // on the stack.
    unsafe {
        let active = core::ptr::addr_of_mut!((*cells).region);
        let saved = Region {
            cursor: read(core::ptr::addr_of!((*active).cursor)),
            end: read(core::ptr::addr_of!((*active).end)),
            may_spill: read(core::ptr::addr_of!((*active).may_spill)),
        };
        set_region(allocator, region);
        saved
    }
}

/// A volatile read of one allocator cell (see `Allocator`).
#[inline(always)]
unsafe fn read(cell: *const u32) -> u32 {
    core::ptr::read_volatile(cell)
}

/// A volatile write of one allocator cell (see `Allocator`).
#[inline(always)]
unsafe fn write(cell: *mut u32, value: u32) {
    core::ptr::write_volatile(cell, value)
}

/// Zeroes spill memory handed out since `mark` (the `used_end` when the
/// plan began, or 0 if there was no spill region then), because Go >= 1.24
/// adopts pages grown by others as fresh heap and assumes they are zero.
/// A region grown during the plan lies above any earlier one (memory only
/// grows upwards), so a mark below the current region means all of it.
/// Returns whether `spill` changed.
fn release_spill(spill: &mut Spill, mark: u32) -> bool {
    if spill.base == 0 {
        return false;
    }
    let from = mark.max(spill.base);
    if spill.used_end <= from {
        return false;
    }
    // SAFETY: `[from, used_end)` lies inside the spill pages.
    unsafe { crate::memory::fill(from as usize, 0, (spill.used_end - from) as usize) };
    spill.used_end = from;
    true
}
