//! The placement hint: what a converter that has read (or rewritten) the
//! main module tells the adapter about it, so that the first call need not
//! find out by reading memory (docs/memory.md, "The placement hint" and
//! "The interposed placement"); and the signature of a Go module that both
//! look for, the adapter in memory and the converter in the module's data
//! segments, so that the two tests cannot drift apart.
//!
//! The adapter has a wasm global, `adapter_placement_hint`, whose initial
//! value is `UNKNOWN`. A tool that rewrote the main module's `memory.size`
//! and `memory.grow` into calls of the adapter sets it to `interposed(max)`
//! (`p1-convert` does); one that only knows whether the module was built by
//! the Go toolchain sets it to `GO` or `NOT_GO` (`p1-convert
//! --no-interpose`). It rewrites the initial value in the adapter's bytes
//! before splicing the adapter in. Every value is a 5-byte LEB128
//! `i32.const` immediate, so the rewrite replaces bytes in place and
//! changes no offset. An adapter spliced in unchanged (`wasm-tools
//! component new --adapt`) keeps `UNKNOWN` and recognises Go at run time,
//! as it always has.
//!
//! Defined here, in the crate that ships the adapters, and shared as
//! source by the adapter, its build script and `verify`; `p1-convert` uses
//! it through this crate.

/// No hint: the first call looks for Go's pclntab in memory.
pub const UNKNOWN: i32 = 0x2f47_6f3f;
/// The main module was built by the Go toolchain: the arena goes below Go's
/// first data address.
pub const GO: i32 = UNKNOWN + 1;
/// The main module was not built by the Go toolchain: the arena goes in
/// pages the adapter grows.
pub const NOT_GO: i32 = UNKNOWN + 2;

/// The converter rewrote every `memory.size` and `memory.grow` of the main
/// module into calls of the adapter's `adapter_memory_size` and
/// `adapter_memory_grow` (docs/memory.md, "The interposed placement"), and
/// the module's memory declares no maximum. With a maximum of `m` pages the
/// value is `INTERPOSED + 1 + m` (`interposed`).
pub const INTERPOSED: i32 = UNKNOWN + 16;
/// The most pages a 32-bit memory has (4 GiB).
pub const MAX_PAGES: u32 = 65536;
/// The highest value the global can hold: interposed, with a maximum of
/// `MAX_PAGES`.
const HIGHEST: i32 = INTERPOSED + 1 + MAX_PAGES as i32;

/// The hint of an interposed placement for a main module whose memory
/// declares `maximum` pages (`None`: no maximum).
pub const fn interposed(maximum: Option<u32>) -> i32 {
    match maximum {
        None => INTERPOSED,
        Some(pages) if pages >= MAX_PAGES => INTERPOSED + 1 + MAX_PAGES as i32,
        Some(pages) => INTERPOSED + 1 + pages as i32,
    }
}

/// For an interposed hint, the most pages the guest may have (its declared
/// maximum, or `MAX_PAGES`); `None` for every other value.
pub const fn interposed_maximum(hint: i32) -> Option<u32> {
    if hint == INTERPOSED {
        Some(MAX_PAGES)
    } else if hint > INTERPOSED && hint <= HIGHEST {
        Some((hint - INTERPOSED - 1) as u32)
    } else {
        None
    }
}

/// Whether `value` is one a converter may find in the global (and may
/// replace).
pub const fn is_hint(value: i32) -> bool {
    value == UNKNOWN || value == GO || value == NOT_GO || interposed_maximum(value).is_some()
}

// Every value must take exactly five LEB128 bytes (at least 2^27, and
// positive, as `init_expr` encodes it), so that one replaces another in place.
const _: () = assert!(UNKNOWN >= 1 << 27 && HIGHEST > UNKNOWN && HIGHEST < i32::MAX);

/// `i32.const value; end` as it appears in the global section: the bytes a
/// converter looks for and writes. Only for the values above (see the
/// assertion): the last byte carries no sign extension.
pub const fn init_expr(value: i32) -> [u8; 7] {
    let v = value as u32;
    [
        0x41,
        (v & 0x7f) as u8 | 0x80,
        ((v >> 7) & 0x7f) as u8 | 0x80,
        ((v >> 14) & 0x7f) as u8 | 0x80,
        ((v >> 21) & 0x7f) as u8 | 0x80,
        ((v >> 28) & 0x0f) as u8,
        0x0b,
    ]
}

/// The value `init_expr` encoded in `bytes`, if they are such an
/// expression of a hint value.
pub fn decode_init_expr(bytes: &[u8]) -> Option<i32> {
    let [0x41, b0, b1, b2, b3, b4, 0x0b] = *bytes else { return None };
    if [b0, b1, b2, b3].iter().any(|b| b & 0x80 == 0) || b4 & 0xf0 != 0 {
        return None;
    }
    let value = [b0, b1, b2, b3, b4].iter().rev().fold(0u32, |v, b| v << 7 | u32::from(b & 0x7f)) as i32;
    is_hint(value).then_some(value)
}

/// The Go linker's lowest data address (`wasmMinDataAddr` in
/// cmd/link/internal/ld/data.go, unchanged since Go 1.11). A Go module has
/// nothing below it.
pub const GO_FIRST_DATA_ADDRESS: u32 = 4096 + 8192;
/// The pclntab header of Go 1.20 and later on wasm: magic 0xfffffff1, two
/// zero bytes, minimum instruction size 1, pointer size 8 (little-endian).
pub const GO_PCLNTAB_HEADER: u64 = 0x0801_0000_ffff_fff1;
/// A header is looked for below this address only (Go's pclntab sits a few
/// hundred KiB to a few MiB in).
pub const GO_SCAN_LIMIT: u32 = 64 << 20;
/// A header counts only with this many bytes of memory from its start (the
/// fields `plausible_counts` reads lie within them).
pub const GO_HEADER_SPAN: u32 = 64;

/// Whether a memory of `bytes` can be Go's as the adapter sees it: the
/// whole low arena below the first data address, and one header's span
/// above it. Anything smaller is treated as not Go, whatever it holds.
pub const fn room_for_go(bytes: u64) -> bool {
    bytes >= GO_FIRST_DATA_ADDRESS as u64 + GO_HEADER_SPAN as u64
}

/// The header continues with the function count (at +8), the file count
/// (+16) and, at +32, the offset of the function names; in a real pclntab
/// they are small and non-zero.
pub const fn plausible_counts(nfunc: u64, nfiles: u64, funcname_offset: u64) -> bool {
    nfunc > 0 && nfunc < 1 << 24 && nfiles > 0 && nfiles < 1 << 24 && funcname_offset > 0 && funcname_offset < 1 << 31
}
