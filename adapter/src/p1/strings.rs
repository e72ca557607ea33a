//! Guest strings passed to the host as WIT `string`s.
//!
//! The canonical ABI traps when it lifts a string that is not UTF-8; the
//! native host answers EILSEQ instead, so paths are checked first
//! (`crate::utf8`).

use super::Guest;
use crate::errno::{self, Errno};

/// Checks guest paths the way the native host reads them: its length
/// against what is left of the call's copy budget (ENOMEM; two paths of one
/// call share it), then its bounds (EFAULT, where the native host traps),
/// then its encoding (EILSEQ).
pub struct Paths {
    guest: Guest,
    budget: u64,
}

impl Paths {
    pub fn new(guest: Guest) -> Paths {
        Paths { guest, budget: super::HOSTCALL_BUDGET }
    }

    pub fn check(&mut self, ptr: u32, len: u32) -> Result<(), Errno> {
        if u64::from(len) > self.budget {
            return Err(errno::NOMEM);
        }
        self.budget -= u64::from(len);
        check_utf8(self.guest, ptr, len)
    }
}

/// EFAULT unless `[ptr, ptr + len)` is in memory, then EILSEQ unless it is
/// valid UTF-8.
pub fn check_utf8(guest: Guest, ptr: u32, len: u32) -> Result<(), Errno> {
    guest.check_inline(ptr, u64::from(len))?;
    // SAFETY: inside memory (checked above).
    if unsafe { crate::utf8::is_utf8(ptr as usize, len as usize) } {
        Ok(())
    } else {
        Err(errno::ILSEQ)
    }
}
