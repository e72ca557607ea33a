//! The placement hint: what a converter that has read the main module tells
//! the adapter about it, so that the first call need not find out by reading
//! memory (docs/memory.md, "The placement hint"); and the signature of a Go
//! module that both look for, the adapter in memory and the converter in
//! the module's data segments, so that the two tests cannot drift apart.
//!
//! The adapter has a wasm global, `adapter_placement_hint`, whose initial
//! value is `UNKNOWN`. A tool that knows whether the main module was built by
//! the Go toolchain rewrites that initial value in the adapter's bytes to
//! `GO` or `NOT_GO` before splicing the adapter in (`p1-convert` does). All
//! three values are 5-byte LEB128 `i32.const` immediates, so the rewrite
//! replaces bytes in place and changes no offset. An adapter spliced in
//! unchanged (`wasm-tools component new --adapt`) keeps `UNKNOWN` and
//! recognises Go at run time, as it always has.
//!
//! Shared, as source, by the adapter, its build script, `verify` and
//! (through the provider crate) `p1-convert`.

/// No hint: the first call looks for Go's pclntab in memory.
pub const UNKNOWN: i32 = 0x2f47_6f3f;
/// The main module was built by the Go toolchain: the arena goes below Go's
/// first data address.
pub const GO: i32 = UNKNOWN + 1;
/// The main module was not built by the Go toolchain: the arena goes in
/// pages the adapter grows.
pub const NOT_GO: i32 = UNKNOWN + 2;

/// The three values, each of which a converter may find in the global.
pub const VALUES: [i32; 3] = [UNKNOWN, GO, NOT_GO];

// Every value must take exactly five LEB128 bytes (at least 2^27, and
// positive, as `init_expr` encodes it), so that one replaces another in place.
const _: () = {
    let mut i = 0;
    while i < VALUES.len() {
        assert!(VALUES[i] >= 1 << 27);
        i += 1;
    }
};

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
