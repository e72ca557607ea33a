//! The tripwire: the last bytes of pages the adapter grew while a guest
//! allocator could still claim them. An allocator that claims all memory
//! writes its bookkeeping at the very end of memory, so a disturbed
//! tripwire says the pages were taken (docs/memory.md).
//!
//! The adapter never uses the last `TRIPWIRE_BYTES` of such pages, and
//! watches two words there, the ones the claim-all allocators write when
//! they take memory:
//! * the last word: AssemblyScript's TLSF puts its tail block header and
//!   the free block's back pointer in the last 8 bytes;
//! * the word 56 bytes from the end: Debian's 2022 wasi-libc (dlmalloc)
//!   writes its top chunk's footer header 52 bytes from the end
//!   (`TOP_FOOT_SIZE` is 56, the size field 4 bytes in);
//! * TinyGo zeroes its heap metadata, which ends at the end of memory and
//!   covers both.
//!
//! Two loads rather than eight: the check runs on every call while the
//! arena is unsettled. The same check notices growth of memory by anyone
//! else: `arm` folds the memory size (in pages) into the lower word, so
//! that the two words XOR to the current size exactly while both are as
//! armed and memory has not grown. An allocator that zeroes both, or
//! writes the same value to both, leaves an XOR of 0, never a size.

use crate::memory;

/// Bytes at the end of watched pages that the adapter never uses itself.
pub const TRIPWIRE_BYTES: usize = 64;
/// Where the two watched words start, counted back from the end.
const WATCHED: [usize; 2] = [8, 56];
/// "TRIPWIRE", little-endian.
const TRIPWIRE_WORD: u64 = 0x4552_4957_5049_5254;

/// The tripwire of pages ending at `end`, as the state records it: the
/// address of its lower word, so that the check on every call computes no
/// address (the other word is at an immediate offset from it).
pub fn at(end: usize) -> u32 {
    const _: () = assert!(WATCHED[1] < TRIPWIRE_BYTES);
    (end - WATCHED[1]) as u32
}

/// Sets the tripwire `at` (see `at`) for the memory size now. Needs no
/// stack.
#[inline(always)]
pub fn arm(at: u32) {
    let low = at as usize;
    // SAFETY: inside pages the adapter grew, aligned.
    unsafe {
        memory::write_u64(low + (WATCHED[1] - WATCHED[0]), TRIPWIRE_WORD);
        memory::write_u64(low, TRIPWIRE_WORD ^ memory::size_pages() as u64);
    }
}

/// 0 while the tripwire `at` is as `arm` left it and memory has the size
/// it had then; anything else otherwise. Needs no stack.
#[inline(always)]
pub fn disturbance(at: u32) -> u64 {
    let low = at as usize as *const u64;
    // SAFETY: inside pages the adapter grew, aligned.
    unsafe { low.read() ^ low.add((WATCHED[1] - WATCHED[0]) / 8).read() ^ memory::size_pages() as u64 }
}
