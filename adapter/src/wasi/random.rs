//! `wasi:random/random@0.2.0`.

#[link(wasm_import_module = "wasi:random/random@0.2.0")]
extern "C" {
    /// Writes a `ListRef`; the bytes are placed by `cabi_import_realloc`.
    #[link_name = "get-random-bytes"]
    pub fn get_random_bytes(len: u64, ret: *mut u8);
}
