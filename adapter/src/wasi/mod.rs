//! Raw imports of the WASI 0.2.0 interfaces, lowered by hand.
//!
//! Each function is declared with its canonical-ABI core signature: strings
//! and lists are `(ptr, len)`, results with more than one flat value are
//! written to a return area whose pointer is the last parameter, resource
//! handles are `u32`. Lists and strings the host returns are placed with
//! `cabi_import_realloc` (see `import_alloc`), so the caller decides where
//! they land before making the call. Return-area layouts follow the
//! canonical ABI and are spelled out next to each `#[repr(C)]` struct.

pub mod cli;
pub mod clocks;
#[cfg(not(feature = "proxy"))]
pub mod filesystem;
pub mod io;
pub mod random;

/// A return area big enough and aligned enough for every import the adapter
/// makes; viewed through the `#[repr(C)]` struct of the import at hand.
#[repr(C, align(8))]
pub struct ReturnArea(pub [u8; 112]);

impl ReturnArea {
    #[inline(always)]
    pub fn new() -> Self {
        ReturnArea([0; 112])
    }
    #[inline(always)]
    pub fn ptr(&mut self) -> *mut u8 {
        self.0.as_mut_ptr()
    }
    /// Reads the area as `T`.
    #[inline(always)]
    pub fn get<T: Copy>(&self) -> T {
        const { assert!(core::mem::size_of::<T>() <= 112) };
        // SAFETY: the area is large and aligned enough (checked above and by
        // `align(8)`), and every `T` used here is plain old data.
        unsafe { core::ptr::read(self.0.as_ptr().cast::<T>()) }
    }
}

/// `result<_, E>` where `E` is a one-byte enum: discriminant, then payload.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct UnitResult {
    pub is_err: u8,
    pub error: u8,
}

/// `result<T, E>` with a 4-byte payload (a handle) or a one-byte error.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct HandleResult {
    pub is_err: u8,
    pub payload: u32,
}

/// `result<T, E>` with an 8-byte-aligned payload such as `u64`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct U64Result {
    pub is_err: u8,
    pub payload: u64,
}

/// `(ptr, len)` of a list or string the host returned.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct ListRef {
    pub ptr: u32,
    pub len: u32,
}

// Canonical-ABI offsets these views rely on.
const _: () = {
    use core::mem::offset_of;
    assert!(offset_of!(UnitResult, error) == 1);
    assert!(offset_of!(HandleResult, payload) == 4);
    assert!(offset_of!(U64Result, payload) == 8);
    assert!(offset_of!(ListRef, len) == 4);
};
