//! UTF-8 validation of bytes in linear memory, written out by hand:
//! `core::str::from_utf8` uses a lookup table, which would become a data
//! segment. Depends on nothing else in the adapter, so that a host test
//! (`tests/tests/utf8.rs`) can compile this file and compare it with
//! `core::str::from_utf8` over every short sequence.

/// Whether the `len` bytes at `ptr` are UTF-8.
///
/// # Safety
/// The bytes must be readable.
pub unsafe fn is_utf8(ptr: usize, len: usize) -> bool {
    is_ascii(ptr, len) || is_utf8_slow(ptr, len)
}

/// Paths are nearly always ASCII: one pass that ORs all bytes together,
/// eight at a time, without the decoder's branches. The last (or only)
/// partial word is read as a word that overlaps the ones before (or as two
/// overlapping halves), so no path takes more than a few loads past its
/// whole words.
#[inline(always)]
unsafe fn is_ascii(ptr: usize, len: usize) -> bool {
    // SAFETY (every read below): inside the `len` bytes at `ptr`, which
    // the caller says are readable; the reads are unaligned.
    let word = |at: usize| unsafe { core::ptr::read_unaligned(at as *const u64) };
    let half = |at: usize| u64::from(unsafe { core::ptr::read_unaligned(at as *const u32) });
    let mut bits;
    if len >= 8 {
        // The first and the last word (the same one for exactly eight
        // bytes), then any whole words between them: paths of up to 16
        // bytes take no loop.
        let last = ptr + len - 8;
        bits = word(ptr) | word(last);
        // Tested on the length, which is at hand, rather than on the
        // addresses the loop compares: two instructions fewer for the
        // usual path.
        if len > 16 {
            let mut at = ptr + 8;
            while at < last {
                bits |= word(at);
                at += 8;
            }
        }
    } else if len >= 4 {
        bits = half(ptr) | half(ptr + len - 4);
    } else {
        bits = 0;
        let mut i = 0;
        while i < len {
            // SAFETY: as above.
            bits |= u64::from(unsafe { *((ptr + i) as *const u8) });
            i += 1;
        }
    }
    bits & 0x8080_8080_8080_8080 == 0
}

/// The whole check, for paths that are not all ASCII (rare, so small
/// rather than fast).
#[inline(never)]
unsafe fn is_utf8_slow(ptr: usize, len: usize) -> bool {
    // SAFETY: inside the `len` bytes at `ptr` (see `is_utf8`).
    let byte = |i: usize| unsafe { *((ptr + i) as *const u8) };
    let mut i = 0;
    while i < len {
        let first = byte(i);
        // A sequence's first byte starts with as many one bits as the
        // sequence has bytes (none for ASCII).
        let ones = first.leading_ones() as usize;
        if ones == 0 {
            i += 1;
            continue;
        }
        if !(2..=4).contains(&ones) || i + ones > len {
            return false;
        }
        let mut code_point = u32::from(first & (0x7f >> ones));
        for k in 1..ones {
            let next = byte(i + k);
            if next & 0xc0 != 0x80 {
                return false;
            }
            code_point = (code_point << 6) | u32::from(next & 0x3f);
        }
        // The shortest form only: two bytes encode at least 2^7, three at
        // least 2^11, four at least 2^16 (the exponents packed by length).
        let least = 1 << ((0x10_0b_07u32 >> ((ones - 2) * 8)) & 0xff);
        if code_point < least || code_point > 0x10_ffff || (0xd800..=0xdfff).contains(&code_point) {
            return false;
        }
        i += ones;
    }
    true
}
