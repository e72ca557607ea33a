//! proc_exit, proc_raise, sched_yield, random_get.

use crate::errno::{self, Errno};
use crate::import_alloc::ImportPlan;
#[cfg(not(feature = "proxy"))]
use crate::wasi::cli;
use crate::wasi::{random, ListRef, ReturnArea};

/// 0 is success; any other code is failure, or the exact code when the
/// adapter is built with `exit-with-code` and the host supports it.
#[cfg(not(feature = "proxy"))]
pub fn proc_exit(code: u32) -> ! {
    #[cfg(feature = "exit-with-code")]
    // SAFETY: plain import call; it does not return.
    unsafe {
        if code <= 255 {
            cli::exit_with_code(code)
        }
    }
    // SAFETY: plain import call; it does not return.
    unsafe { cli::exit((code != 0) as u32) }
}

/// A `wasi:http/proxy` component has no way to exit with a status: the
/// world has no `wasi:cli/exit`. Ending the request is all that is left.
#[cfg(feature = "proxy")]
pub fn proc_exit(code: u32) -> ! {
    crate::fatal!("proc_exit called in a wasi:http/proxy component, which cannot exit; exit code:", code)
}

/// P1 signal numbers run from 0 to 30.
const SIGNAL_MAX: u32 = 30;

/// WASI 0.2 has no signals; the native host answers NOTSUP (EINVAL for a
/// number that is no P1 signal).
pub fn proc_raise(signal: u32) -> Errno {
    if signal > SIGNAL_MAX {
        errno::INVAL
    } else {
        errno::NOTSUP
    }
}

/// Nothing to yield to in a single-threaded component.
pub fn sched_yield() -> Errno {
    errno::SUCCESS
}

/// Fills `[buf, buf + len)` with secure random bytes, straight from the host
/// into the guest's buffer.
pub fn random_get(buf: u32, len: u32) -> Errno {
    if let Err(e) = super::check_range(buf, u64::from(len)) {
        return e;
    }
    let mut filled = 0usize;
    while filled < len as usize {
        let want = (len as usize - filled) as u64;
        let plan = ImportPlan::into_buffer(buf as usize + filled, want as usize);
        let mut ret = ReturnArea::new();
        // SAFETY: results land in the guest buffer per the plan.
        unsafe { random::get_random_bytes(want, ret.ptr()) };
        let list: ListRef = ret.get();
        drop(plan);
        if list.len == 0 {
            return errno::IO;
        }
        filled += list.len as usize;
    }
    errno::SUCCESS
}

/// `random_get` inside a host-started allocation: from the pool unpaused
/// calls refill (ENOTSUP when it holds too little; see `pause`).
pub fn random_get_paused(buf: u32, len: u32) -> Errno {
    match super::check_range(buf, u64::from(len)).and_then(|()| crate::pause::take_random(buf as usize, len as usize)) {
        Ok(()) => errno::SUCCESS,
        Err(e) => e,
    }
}
