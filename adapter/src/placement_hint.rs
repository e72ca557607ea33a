//! The placement hint: what a converter that has read the main module tells
//! the adapter about it, so that the first call need not find out by reading
//! memory (docs/memory.md, "The placement hint").
//!
//! The adapter has one wasm global, `adapter_placement_hint`, whose initial
//! value is `UNKNOWN`. A tool that knows whether the main module was built by
//! the Go toolchain rewrites that initial value in the adapter's bytes to
//! `GO` or `NOT_GO` before splicing the adapter in (`p1-convert` does). All
//! three values are 5-byte LEB128 `i32.const` immediates, so the rewrite
//! replaces bytes in place and changes no offset. An adapter spliced in
//! unchanged (`wasm-tools component new --adapt`) keeps `UNKNOWN` and
//! recognises Go at run time, as it always has.
//!
//! Shared, as source, by the adapter, its build script and (through the
//! provider crate) `p1-convert`.

/// No hint: the first call looks for Go's pclntab in memory.
pub const UNKNOWN: i32 = 0x2f47_6f3f;
/// The main module was built by the Go toolchain: the arena goes below Go's
/// first data address.
pub const GO: i32 = UNKNOWN + 1;
/// The main module was not built by the Go toolchain: the arena goes in
/// pages the adapter grows.
pub const NOT_GO: i32 = UNKNOWN + 2;

/// `i32.const value; end` as it appears in the global section: the bytes a
/// converter looks for (with `UNKNOWN`) and writes (with the hint).
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
