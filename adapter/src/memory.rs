//! Raw access to the shared linear memory.
//!
//! The adapter owns no memory of its own: everything it reads or writes is
//! in the main module's memory, at addresses decided at run time. These
//! helpers keep the unsafe pointer arithmetic in one place.

use core::arch::wasm32;

pub const PAGE_SIZE: usize = 65536;

/// Current memory size in bytes.
#[inline(always)]
pub fn size_bytes() -> usize {
    wasm32::memory_size(0) * PAGE_SIZE
}

#[inline(always)]
pub fn size_pages() -> usize {
    wasm32::memory_size(0)
}

/// Grows memory by `pages`; returns the byte address of the first new page.
#[inline(always)]
pub fn grow(pages: usize) -> Option<usize> {
    let old = wasm32::memory_grow(0, pages);
    if old == usize::MAX {
        None
    } else {
        Some(old * PAGE_SIZE)
    }
}

#[inline(always)]
pub unsafe fn read_u64(addr: usize) -> u64 {
    core::ptr::read(addr as *const u64)
}

#[inline(always)]
pub unsafe fn write_u64(addr: usize, value: u64) {
    core::ptr::write(addr as *mut u64, value)
}

#[inline(always)]
pub unsafe fn write_u32(addr: usize, value: u32) {
    core::ptr::write_unaligned(addr as *mut u32, value)
}

/// For guest pointers, which P1 does not guarantee to be aligned.
#[inline(always)]
pub unsafe fn write_u64_unaligned(addr: usize, value: u64) {
    core::ptr::write_unaligned(addr as *mut u64, value)
}

/// Copies with `memory.copy`; the ranges may overlap.
#[inline(always)]
pub unsafe fn copy(dst: usize, src: usize, len: usize) {
    core::ptr::copy(src as *const u8, dst as *mut u8, len)
}

/// Fills with `memory.fill`.
#[inline(always)]
pub unsafe fn fill(dst: usize, byte: u8, len: usize) {
    core::ptr::write_bytes(dst as *mut u8, byte, len)
}

/// The guest's bytes `[ptr, ptr + len)` as a slice, to pass to the host.
///
/// # Safety
/// The range lies inside linear memory (checked against its size by the
/// caller) and is not written while the slice lives.
#[inline(always)]
pub unsafe fn bytes<'a>(ptr: usize, len: usize) -> &'a [u8] {
    // A dangling but non-null pointer for empty slices: address 0 is a
    // valid guest address but not a valid slice pointer in Rust.
    if len == 0 {
        return &[];
    }
    core::slice::from_raw_parts(ptr as *const u8, len)
}
