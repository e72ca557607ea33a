//! proc_exit, proc_raise, sched_yield, random_get.

use super::types::SIGNAL_MAX;
use super::Guest;
use crate::errno::{self, Errno};
use crate::state::State;
use crate::wasi::abi::BufferPlan;
use crate::wasi::random::random;

/// 0 is success; any other code is failure, or the exact code when the
/// adapter is built with `exit-with-code` and the host supports it.
#[cfg(not(feature = "proxy"))]
pub fn proc_exit(code: u32) -> ! {
    use crate::wasi::cli::exit;
    #[cfg(feature = "exit-with-code")]
    if code <= 255 {
        exit::exit_with_code(code as u8);
    }
    exit::exit(if code == 0 { Ok(()) } else { Err(()) });
    // The host does not return from `exit`.
    core::arch::wasm32::unreachable()
}

/// A `wasi:http/proxy` component has no way to exit with a status: the
/// world has no `wasi:cli/exit`. Ending the request is all that is left.
#[cfg(feature = "proxy")]
pub fn proc_exit(code: u32) -> ! {
    crate::fatal!("proc_exit called in a wasi:http/proxy component, which cannot exit; exit code:", code)
}

/// WASI 0.2 has no signals; the native host answers NOTSUP (EINVAL for a
/// number that is no P1 signal).
pub fn proc_raise(_state: &mut State, signal: u32) -> Result<(), Errno> {
    Err(if signal > SIGNAL_MAX { errno::INVAL } else { errno::NOTSUP })
}

/// Nothing to yield to in a single-threaded component.
pub fn sched_yield(_state: &mut State) -> Result<(), Errno> {
    Ok(())
}

/// Fills `[buf, buf + len)` with secure random bytes, straight from the host
/// into the guest's buffer.
pub fn random_get(state: &mut State, buf: u32, len: u32) -> Result<(), Errno> {
    Guest::of(state).check_inline(buf, u64::from(len))?;
    let mut filled = 0usize;
    while filled < len as usize {
        let want = len as usize - filled;
        let plan = BufferPlan::new(&mut state.alloc, buf as usize + filled, want);
        let bytes = random::get_random_bytes(&plan, want as u64);
        if bytes.len() == 0 {
            return Err(errno::IO);
        }
        filled += bytes.len();
    }
    Ok(())
}

/// `random_get` inside a host-started allocation: from the pool unpaused
/// calls refill (ENOTSUP when it holds too little; see `pause`).
pub fn random_get_paused(state: &mut State, buf: u32, len: u32) -> Result<(), Errno> {
    Guest::of(state).check(buf, u64::from(len))?;
    state.pause.take_random(buf as usize, len as usize)
}
