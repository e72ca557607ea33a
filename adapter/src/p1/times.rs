//! Converting P1 `fstflags` + timestamps to `new-timestamp`.

use super::types::fstflags;
use crate::errno::{self, Errno};
use crate::wasi::clocks::wall_clock::Datetime;
use crate::wasi::filesystem::types::NewTimestamp;

/// Unknown `fstflags` bits are EINVAL (the native host traps decoding
/// them).
pub fn check_flags(flags: u32) -> Result<(), Errno> {
    if flags & !fstflags::ALL != 0 {
        Err(errno::INVAL)
    } else {
        Ok(())
    }
}

/// Which of the two timestamps: its (set, now) flag bits.
pub struct Which(u32, u32);
pub const ACCESS: Which = Which(fstflags::ATIM, fstflags::ATIM_NOW);
pub const MODIFICATION: Which = Which(fstflags::MTIM, fstflags::MTIM_NOW);

/// Setting a time and "now" at once is EINVAL, as on the native host.
pub fn new_timestamp(flags: u32, nanos: u64, which: Which) -> Result<NewTimestamp, Errno> {
    let set = flags & which.0 != 0;
    let now = flags & which.1 != 0;
    match (set, now) {
        (true, true) => Err(errno::INVAL),
        (true, false) => Ok(NewTimestamp::Timestamp(Datetime {
            seconds: nanos / 1_000_000_000,
            nanoseconds: (nanos % 1_000_000_000) as u32,
        })),
        (false, true) => Ok(NewTimestamp::Now),
        (false, false) => Ok(NewTimestamp::NoChange),
    }
}
