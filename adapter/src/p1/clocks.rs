//! clock_res_get, clock_time_get and the monotonic-clock pause switch.

use super::store_u64;
use super::types::clockid;
use crate::errno::{self, Errno};
use crate::pause::Pause;
use crate::state::State;
#[cfg(not(feature = "proxy"))]
use crate::wasi::abi::Stored;
use crate::wasi::clocks::{monotonic_clock, wall_clock};

const NANOS_PER_SECOND: u64 = 1_000_000_000;

/// Seconds at most this many fit in 64 bits of nanoseconds. Comparing
/// against it is what `checked_mul` would do with a 128-bit multiply, a
/// library call of a hundred-odd instructions on wasm32.
const MAX_SECONDS: u64 = u64::MAX / NANOS_PER_SECOND;

/// Below this many seconds (four below `MAX_SECONDS`) `fast_nanos` can
/// neither overflow nor saturate, whatever the 32-bit nanoseconds hold;
/// only the last few seconds need the checks.
pub const FAST_SECONDS_LIMIT: u64 = MAX_SECONDS - 4;

/// Seconds and nanoseconds as nanoseconds, for seconds below
/// `FAST_SECONDS_LIMIT`.
#[inline(always)]
pub fn fast_nanos(seconds: u64, nanoseconds: u32) -> u64 {
    seconds * NANOS_PER_SECOND + u64::from(nanoseconds)
}

/// Nanoseconds since the epoch, saturating (timestamps in stats, poll
/// deadlines), as the native host computes them.
pub fn saturating_nanos(time: wall_clock::Datetime) -> u64 {
    if time.seconds >= FAST_SECONDS_LIMIT {
        return saturating_nanos_at_limit(time);
    }
    fast_nanos(time.seconds, time.nanoseconds)
}

/// `saturating_nanos` of a datetime read where the host left it; the
/// nanoseconds are read after the seconds are known to be in range.
#[cfg(not(feature = "proxy"))]
#[inline(always)]
pub fn saturating_nanos_in(time: Stored<wall_clock::Datetime>) -> u64 {
    let seconds = time.seconds().get();
    if seconds < FAST_SECONDS_LIMIT {
        return fast_nanos(seconds, time.nanoseconds().get());
    }
    saturating_nanos_at_limit(time.get())
}

#[cold]
#[inline(never)]
fn saturating_nanos_at_limit(time: wall_clock::Datetime) -> u64 {
    if time.seconds > MAX_SECONDS {
        return u64::MAX;
    }
    (time.seconds * NANOS_PER_SECOND).saturating_add(u64::from(time.nanoseconds))
}

/// Nanoseconds since the epoch, or EOVERFLOW like the native host.
#[inline(always)]
fn datetime_nanos(time: wall_clock::Datetime) -> Result<u64, Errno> {
    if time.seconds > MAX_SECONDS {
        return Err(errno::OVERFLOW);
    }
    (time.seconds * NANOS_PER_SECOND).checked_add(u64::from(time.nanoseconds)).ok_or(errno::OVERFLOW)
}

/// The wall clock now (unpaused calls only), noted for paused reads.
/// Inlined: a `Result<u64, _>` returned from a call goes through memory.
#[inline(always)]
pub fn realtime_now(pause: &mut Pause) -> Result<u64, Errno> {
    let now = datetime_nanos(wall_clock::now())?;
    pause.observe_realtime(now);
    Ok(now)
}

/// The monotonic clock (unpaused calls only); never less than an earlier
/// answer, which a paused poll may have moved forward.
#[inline(always)]
pub fn monotonic_now(pause: &mut Pause) -> u64 {
    pause.observe_monotonic(monotonic_clock::now())
}

/// Gives paused clock reads a base to start from: both clocks, read once
/// by the first unpaused call (`exports::attend`), so that the hot
/// monotonic read need not ask whether the wall clock was ever read.
#[cold]
pub fn first_readings(pause: &mut Pause) {
    monotonic_now(pause);
    let _ = realtime_now(pause);
}

pub fn clock_res_get(_state: &mut State, id: u32, out: u32) -> Result<(), Errno> {
    let resolution = match id {
        clockid::REALTIME => datetime_nanos(wall_clock::resolution())?,
        clockid::MONOTONIC => monotonic_clock::resolution(),
        clockid::PROCESS_CPUTIME | clockid::THREAD_CPUTIME => return Err(errno::BADF),
        _ => return Err(errno::INVAL),
    };
    store_u64(out, resolution);
    Ok(())
}

/// The monotonic clock straight (Go reads it all the time), the others out
/// of line, so that the hot path has no stack frame.
#[inline(always)]
pub fn clock_time_get(state: &mut State, id: u32, _precision: u64, out: u32) -> Result<(), Errno> {
    if id == clockid::MONOTONIC {
        store_u64(out, monotonic_now(&mut state.pause));
        return Ok(());
    }
    other_clock(state, id, out)
}

/// Takes the whole state, not `&mut state.pause`: the field's address,
/// computed for this call, would be hoisted above the monotonic test.
#[inline(never)]
fn other_clock(state: &mut State, id: u32, out: u32) -> Result<(), Errno> {
    match id {
        clockid::REALTIME => store_u64(out, realtime_now(&mut state.pause)?),
        clockid::PROCESS_CPUTIME | clockid::THREAD_CPUTIME => return Err(errno::BADF),
        _ => return Err(errno::INVAL),
    }
    Ok(())
}

/// `clock_time_get` inside a host-started allocation: from the last
/// readings, without calling the host (see `pause`).
pub fn clock_time_get_paused(state: &mut State, id: u32, _precision: u64, out: u32) -> Result<(), Errno> {
    let value = match id {
        clockid::REALTIME => state.pause.paused_realtime(),
        clockid::MONOTONIC => state.pause.paused_monotonic(),
        clockid::PROCESS_CPUTIME | clockid::THREAD_CPUTIME => return Err(errno::BADF),
        _ => return Err(errno::INVAL),
    };
    store_u64(out, value);
    Ok(())
}
