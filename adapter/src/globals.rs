//! Access to the adapter's wasm globals, through the accessor functions that
//! build.rs emits (Rust cannot name a wasm global directly).

use crate::state::State;

extern "C" {
    fn adapter_state_get() -> *mut State;
    fn adapter_state_set(state: *mut State);
    fn adapter_stack_pointer_get() -> usize;
    fn adapter_stack_pointer_set(sp: usize);
}

/// Value of the state global while the arena is being placed.
pub const STATE_PLACING: usize = 1;

#[inline(always)]
pub fn state_ptr() -> *mut State {
    // SAFETY: a plain `global.get`.
    unsafe { adapter_state_get() }
}

#[inline(always)]
pub fn set_state_ptr(state: *mut State) {
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
