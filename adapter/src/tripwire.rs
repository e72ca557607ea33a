//! The tripwire: the last bytes of pages the adapter grew while a guest
//! allocator could still claim them, set to a known word. An allocator that
//! claims all memory writes its bookkeeping at the very end of memory, so a
//! disturbed tripwire says the pages were taken (docs/memory.md).

use crate::memory;

/// Bytes at the end of watched pages that the adapter never uses itself.
pub const TRIPWIRE_BYTES: usize = 64;
/// "TRIPWIRE", little-endian.
const TRIPWIRE_WORD: u64 = 0x4552_4957_5049_5254;

/// Sets the tripwire ending at `end`. Needs no stack.
#[inline(always)]
pub fn arm(end: usize) {
    let mut addr = end - TRIPWIRE_BYTES;
    while addr < end {
        // SAFETY: inside pages the adapter grew, aligned.
        unsafe { memory::write_u64(addr, TRIPWIRE_WORD) };
        addr += 8;
    }
}

/// Whether the tripwire ending at `end` is as `arm` left it. Needs no stack.
/// Runs on every call while the arena is unsettled, so it is one
/// straight-line pass: every word XORed with the pattern, ORed together.
#[inline(always)]
pub fn intact(end: usize) -> bool {
    const _: () = assert!(TRIPWIRE_BYTES == 64);
    let base = end - TRIPWIRE_BYTES;
    // SAFETY: inside pages the adapter grew, aligned.
    let differs = |word: usize| unsafe { memory::read_u64(base + word * 8) } ^ TRIPWIRE_WORD;
    // Written out rather than looped: at opt-level "s" a loop stays a loop,
    // five times the instructions on every unsettled call.
    (differs(0) | differs(1) | differs(2) | differs(3) | differs(4) | differs(5) | differs(6) | differs(7)) == 0
}
