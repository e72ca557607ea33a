//! Converting P1 `fstflags` + timestamps to `new-timestamp`.

use crate::errno::{self, Errno};
use crate::wasi::filesystem::new_timestamp;

const FSTFLAGS_ATIM: u32 = 1 << 0;
const FSTFLAGS_ATIM_NOW: u32 = 1 << 1;
const FSTFLAGS_MTIM: u32 = 1 << 2;
const FSTFLAGS_MTIM_NOW: u32 = 1 << 3;

/// Unknown `fstflags` bits are EINVAL (the native host traps decoding
/// them).
pub fn check_flags(flags: u32) -> Result<(), Errno> {
    if flags & !(FSTFLAGS_ATIM | FSTFLAGS_ATIM_NOW | FSTFLAGS_MTIM | FSTFLAGS_MTIM_NOW) != 0 {
        Err(errno::INVAL)
    } else {
        Ok(())
    }
}

/// Which of the two timestamps: its (set, now) flag bits.
pub struct Which(u32, u32);
pub const ACCESS: Which = Which(FSTFLAGS_ATIM, FSTFLAGS_ATIM_NOW);
pub const MODIFICATION: Which = Which(FSTFLAGS_MTIM, FSTFLAGS_MTIM_NOW);

/// A flattened `new-timestamp`.
pub struct NewTimestamp {
    pub tag: u32,
    pub seconds: u64,
    pub nanoseconds: u32,
}

/// Setting a time and "now" at once is EINVAL, as on the native host.
pub fn new_timestamp(flags: u32, nanos: u64, which: Which) -> Result<NewTimestamp, Errno> {
    let set = flags & which.0 != 0;
    let now = flags & which.1 != 0;
    match (set, now) {
        (true, true) => Err(errno::INVAL),
        (true, false) => Ok(NewTimestamp {
            tag: new_timestamp::TIMESTAMP,
            seconds: nanos / 1_000_000_000,
            nanoseconds: (nanos % 1_000_000_000) as u32,
        }),
        (false, true) => Ok(NewTimestamp { tag: new_timestamp::NOW, seconds: 0, nanoseconds: 0 }),
        (false, false) => Ok(NewTimestamp { tag: new_timestamp::NO_CHANGE, seconds: 0, nanoseconds: 0 }),
    }
}
