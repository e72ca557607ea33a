//! Access to the adapter's wasm globals, through the accessor functions that
//! build.rs emits (Rust cannot name a wasm global directly).

extern "C" {
    fn adapter_state_get() -> usize;
    fn adapter_state_set(state: usize);
    fn adapter_stack_pointer_get() -> usize;
    fn adapter_stack_pointer_set(sp: usize);
    fn adapter_placement_hint_get() -> i32;
    fn adapter_placement_hint_set(hint: i32);
}

/// Value of the state global while the arena is being placed.
pub const STATE_PLACING: usize = 1;

/// The address of the adapter's state block (`state::State`), 0 before the
/// first call, `STATE_PLACING` while it is being placed.
#[inline(always)]
pub fn state_address() -> usize {
    // SAFETY: a plain `global.get`.
    unsafe { adapter_state_get() }
}

#[inline(always)]
pub fn set_state_address(state: usize) {
    // SAFETY: a plain `global.set`.
    unsafe { adapter_state_set(state) }
}

#[inline(always)]
pub fn stack_pointer() -> usize {
    // SAFETY: a plain `global.get`.
    unsafe { adapter_stack_pointer_get() }
}

/// Moves the shadow stack. Only sound while no adapter frame lives on the
/// old stack, i.e. at the outermost entry before any frame was pushed.
#[inline(always)]
pub unsafe fn set_stack_pointer(sp: usize) {
    adapter_stack_pointer_set(sp)
}

/// The placement hint a converter may have set (`placement_hint`), read
/// once by the first call; `UNKNOWN` in an adapter spliced in unchanged.
#[inline(always)]
pub fn placement_hint() -> i32 {
    // SAFETY: a plain `global.get`.
    unsafe { adapter_placement_hint_get() }
}

/// Sets the hint again (`reset_adapter_state`, for the next placement).
#[inline(always)]
pub fn set_placement_hint(hint: i32) {
    // SAFETY: a plain `global.set`.
    unsafe { adapter_placement_hint_set(hint) }
}

/// Marks the hint as used. Nothing reads it again; the write is what keeps
/// the global a global: wasm-opt would fold a global that is never written
/// into its initial value, and the value would no longer be there to set.
#[inline(always)]
pub fn consume_placement_hint() {
    // SAFETY: a plain `global.set`.
    unsafe { adapter_placement_hint_set(0) }
}
