//! clock_res_get, clock_time_get and the monotonic-clock pause switch.

use super::store_u64;
use crate::errno::{self, Errno};
use crate::pause;
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
        REALTIME if resolution => {
            let mut ret = ReturnArea::new();
            // SAFETY: plain import call writing a `Datetime`.
            unsafe { clocks::wall_resolution(ret.ptr()) };
            datetime_nanos(ret.get())
        }
        REALTIME => realtime_now(),
        // SAFETY: plain import call.
        MONOTONIC if resolution => Ok(unsafe { clocks::monotonic_resolution() }),
        MONOTONIC => Ok(monotonic_now()),
        PROCESS_CPUTIME | THREAD_CPUTIME => Err(errno::BADF),
        _ => Err(errno::INVAL),
    }
}

fn realtime_now() -> Result<u64, Errno> {
    let mut ret = ReturnArea::new();
    // SAFETY: plain import call writing a `Datetime`.
    unsafe { clocks::wall_now(ret.ptr()) };
    let now = datetime_nanos(ret.get())?;
    pause::observe_realtime(now);
    Ok(now)
}

/// The monotonic clock (unpaused calls only); never less than an earlier
/// answer, which a paused poll may have moved forward.
pub fn monotonic_now() -> u64 {
    // SAFETY: plain import call.
    let now = pause::observe_monotonic(unsafe { clocks::monotonic_now() });
    if !pause::realtime_known() {
        // Gives a paused wall-clock read a base to start from.
        let _ = realtime_now();
    }
    now
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

/// `clock_time_get` inside a host-started allocation: from the last
/// readings, without calling the host (see `pause`).
pub fn clock_time_get_paused(id: u32, out: u32) -> Errno {
    let value = match id {
        REALTIME => pause::paused_realtime(),
        MONOTONIC => pause::paused_monotonic(),
        PROCESS_CPUTIME | THREAD_CPUTIME => return errno::BADF,
        _ => return errno::INVAL,
    };
    store_u64(out, value);
    errno::SUCCESS
}

/// `adapter_monotonic_clock_set_paused`: opens (non-zero) or closes a pause.
pub fn set_paused(paused: u32) {
    if paused != 0 {
        pause::begin()
    } else {
        pause::end()
    }
}
