//! sock_accept, sock_recv, sock_send, sock_shutdown.
//!
//! Sockets only reach a P1 program as preopened descriptors, and neither
//! this adapter nor the native host hands any out yet: like the native host,
//! a valid descriptor answers ENOTSOCK and an invalid one EBADF. Flag
//! arguments with unknown bits are EINVAL first, as the native host decodes
//! them before anything else.

use super::types::{fdflags, riflags, sdflags, SIFLAGS_MAX};
use crate::errno::{self, Errno};
use crate::state::State;

fn not_a_socket(state: &mut State, fd: u32, flags: u32, known: u32) -> Result<(), Errno> {
    if flags & !known != 0 {
        return Err(errno::INVAL);
    }
    state.descriptors.get(fd)?;
    Err(errno::NOTSOCK)
}

pub fn sock_accept(state: &mut State, fd: u32, flags: u32) -> Result<(), Errno> {
    not_a_socket(state, fd, flags, fdflags::ALL)
}

pub fn sock_recv(state: &mut State, fd: u32, ri_flags: u32) -> Result<(), Errno> {
    not_a_socket(state, fd, ri_flags, riflags::ALL)
}

/// `siflags` is a plain 16-bit integer in P1 (no flag bits are defined):
/// the native host takes any value that fits, and traps decoding a larger
/// one (EINVAL here).
pub fn sock_send(state: &mut State, fd: u32, si_flags: u32) -> Result<(), Errno> {
    not_a_socket(state, fd, si_flags, SIFLAGS_MAX)
}

pub fn sock_shutdown(state: &mut State, fd: u32, how: u32) -> Result<(), Errno> {
    not_a_socket(state, fd, how, sdflags::ALL)
}
