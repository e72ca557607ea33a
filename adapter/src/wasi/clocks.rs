//! `wasi:clocks/*@0.2.0`.

#[link(wasm_import_module = "wasi:clocks/monotonic-clock@0.2.0")]
extern "C" {
    #[link_name = "now"]
    pub fn monotonic_now() -> u64;
    #[link_name = "resolution"]
    pub fn monotonic_resolution() -> u64;
    /// Returns an own `pollable`.
    #[link_name = "subscribe-duration"]
    pub fn subscribe_duration(nanos: u64) -> u32;
}

/// `datetime` record: `{ seconds: u64, nanoseconds: u32 }`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct Datetime {
    pub seconds: u64,
    pub nanoseconds: u32,
}

impl Datetime {
    /// Nanoseconds since the epoch, saturating like the native host.
    pub fn as_nanos(self) -> u64 {
        self.seconds
            .saturating_mul(1_000_000_000)
            .saturating_add(u64::from(self.nanoseconds))
    }
}

#[link(wasm_import_module = "wasi:clocks/wall-clock@0.2.0")]
extern "C" {
    #[link_name = "now"]
    pub fn wall_now(ret: *mut u8);
    #[link_name = "resolution"]
    pub fn wall_resolution(ret: *mut u8);
}
