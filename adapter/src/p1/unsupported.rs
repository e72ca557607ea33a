//! P1 functions this version does not implement yet: each answers ENOSYS
//! (the README lists them).

use crate::errno::{self, Errno};

#[inline(never)]
pub fn not_implemented() -> Errno {
    errno::NOSYS
}
