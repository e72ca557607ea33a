//! sock_accept, sock_recv, sock_send, sock_shutdown.
//!
//! Sockets only reach a P1 program as preopened descriptors, and neither
//! this adapter nor the native host hands any out yet: like the native host,
//! a valid descriptor answers ENOTSOCK and an invalid one EBADF. Flag
//! arguments with unknown bits are EINVAL first, as the native host decodes
//! them before anything else.

use crate::errno::{self, Errno};
use crate::state;

const FDFLAGS_ALL: u32 = 0x1f;
const RIFLAGS_ALL: u32 = 0x3;
const SDFLAGS_ALL: u32 = 0x3;

fn not_a_socket(fd: u32, flags: u32, known: u32) -> Errno {
    if flags & !known != 0 {
        return errno::INVAL;
    }
    match state::get().descriptors.get(fd) {
        Ok(_) => errno::NOTSOCK,
        Err(e) => e,
    }
}

pub fn sock_accept(fd: u32, flags: u32) -> Errno {
    not_a_socket(fd, flags, FDFLAGS_ALL)
}

pub fn sock_recv(fd: u32, ri_flags: u32) -> Errno {
    not_a_socket(fd, ri_flags, RIFLAGS_ALL)
}

/// `siflags` is a plain 16-bit integer in P1 (no flag bits are defined):
/// the native host takes any value that fits, and traps decoding a larger
/// one (EINVAL here).
pub fn sock_send(fd: u32, si_flags: u32) -> Errno {
    not_a_socket(fd, si_flags, 0xffff)
}

pub fn sock_shutdown(fd: u32, how: u32) -> Errno {
    not_a_socket(fd, how, SDFLAGS_ALL)
}
