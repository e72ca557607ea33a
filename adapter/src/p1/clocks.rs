//! clock_res_get, clock_time_get and the monotonic-clock pause switch.

use super::store_u64;
use crate::errno::{self, Errno};
use crate::state;
use crate::wasi::{clocks, ReturnArea};

pub const REALTIME: u32 = 0;
pub const MONOTONIC: u32 = 1;
pub const PROCESS_CPUTIME: u32 = 2;
pub const THREAD_CPUTIME: u32 = 3;

/// Nanoseconds since the epoch, or EOVERFLOW like the native host.
fn datetime_nanos(time: clocks::Datetime) -> Result<u64, Errno> {
    time.seconds
        .checked_mul(1_000_000_000)
        .and_then(|n| n.checked_add(u64::from(time.nanoseconds)))
        .ok_or(errno::OVERFLOW)
}

fn read_clock(id: u32, resolution: bool) -> Result<u64, Errno> {
    match id {
        REALTIME => {
            let mut ret = ReturnArea::new();
            // SAFETY: plain import calls writing a `Datetime`.
            unsafe {
                if resolution {
                    clocks::wall_resolution(ret.ptr())
                } else {
                    clocks::wall_now(ret.ptr())
                }
            }
            datetime_nanos(ret.get())
        }
        MONOTONIC if resolution => Ok(unsafe { clocks::monotonic_resolution() }),
        MONOTONIC => Ok(monotonic_now()),
        PROCESS_CPUTIME | THREAD_CPUTIME => Err(errno::BADF),
        _ => Err(errno::INVAL),
    }
}

/// The monotonic clock, honouring `adapter_monotonic_clock_set_paused`.
pub fn monotonic_now() -> u64 {
    let state = state::get();
    if state.clock_paused != 0 {
        return state.paused_at;
    }
    // SAFETY: plain import call.
    unsafe { clocks::monotonic_now() }
}

pub fn clock_res_get(id: u32, out: u32) -> Errno {
    match read_clock(id, true) {
        Ok(value) => {
            store_u64(out, value);
            errno::SUCCESS
        }
        Err(e) => e,
    }
}

pub fn clock_time_get(id: u32, _precision: u64, out: u32) -> Errno {
    match read_clock(id, false) {
        Ok(value) => {
            store_u64(out, value);
            errno::SUCCESS
        }
        Err(e) => e,
    }
}

/// While paused (componentize-go wraps allocations the host starts, during
/// which no import may be called), the monotonic clock stands still.
pub fn set_paused(paused: u32) {
    let now = if paused != 0 {
        // SAFETY: plain import call, made before the pause starts.
        unsafe { clocks::monotonic_now() }
    } else {
        0
    };
    let state = state::get();
    state.clock_paused = (paused != 0) as u32;
    state.paused_at = now;
}
