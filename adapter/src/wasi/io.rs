//! `wasi:io/{error,poll,streams}@0.2.0`.

#[link(wasm_import_module = "wasi:io/error@0.2.0")]
extern "C" {
    #[link_name = "[resource-drop]error"]
    pub fn drop_error(handle: u32);
}

#[link(wasm_import_module = "wasi:io/poll@0.2.0")]
extern "C" {
    #[link_name = "[method]pollable.block"]
    pub fn pollable_block(handle: u32);
    /// `poll: func(in: list<borrow<pollable>>) -> list<u32>`; writes a
    /// `ListRef` of `u32` indexes.
    #[link_name = "poll"]
    pub fn poll(handles: *const u32, len: usize, ret: *mut u8);
    #[link_name = "[resource-drop]pollable"]
    pub fn drop_pollable(handle: u32);
}

/// `result<list<u8>, stream-error>`: tag 0 = ok(list), 1 = err; the error is
/// `stream-error`: 0 = last-operation-failed(own<error>), 1 = closed.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct ReadResult {
    pub is_err: u8,
    /// ok: list pointer; err: the `stream-error` tag in the low byte.
    pub word1: u32,
    /// ok: list length; err: the `error` handle when tag is 0.
    pub word2: u32,
}

/// `result<_, stream-error>`: tag at 0, the `stream-error` tag at 4 and
/// its `error` handle at 8.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct UnitStreamResult {
    pub is_err: u8,
    _pad0: [u8; 3],
    pub error_tag: u8,
    pub error_handle: u32,
}

pub const STREAM_ERROR_CLOSED: u8 = 1;

#[link(wasm_import_module = "wasi:io/streams@0.2.0")]
extern "C" {
    #[link_name = "[method]input-stream.read"]
    pub fn input_read(handle: u32, len: u64, ret: *mut u8);
    #[link_name = "[method]input-stream.blocking-read"]
    pub fn input_blocking_read(handle: u32, len: u64, ret: *mut u8);
    #[link_name = "[method]input-stream.subscribe"]
    pub fn input_subscribe(handle: u32) -> u32;
    #[link_name = "[resource-drop]input-stream"]
    pub fn drop_input_stream(handle: u32);

    #[link_name = "[method]output-stream.blocking-write-and-flush"]
    pub fn output_blocking_write_and_flush(handle: u32, ptr: *const u8, len: usize, ret: *mut u8);
    #[link_name = "[method]output-stream.subscribe"]
    pub fn output_subscribe(handle: u32) -> u32;
    #[link_name = "[resource-drop]output-stream"]
    pub fn drop_output_stream(handle: u32);
}

// Canonical-ABI offsets these views rely on.
const _: () = {
    use core::mem::offset_of;
    assert!(offset_of!(ReadResult, word1) == 4 && offset_of!(ReadResult, word2) == 8);
    assert!(offset_of!(UnitStreamResult, error_tag) == 4 && offset_of!(UnitStreamResult, error_handle) == 8);
};
