//! args_get, args_sizes_get, environ_get, environ_sizes_get.
//!
//! The host hands out arguments as `list<string>` and the environment as
//! `list<tuple<string, string>>`, lowered into scratch memory (spilling into
//! transient pages for large environments). `*_sizes_get` adds up the
//! lengths; `*_get` copies the strings into the guest's buffer as P1 lays
//! them out: NUL-terminated, `KEY=VALUE` for the environment, with the
//! pointer array pointing into that buffer. The copy is one pass over data
//! a program reads once at start-up.

use super::store_u32;
use crate::errno::Errno;
use crate::memory;
use crate::state::{placement_kind, State};
use crate::wasi::abi::{Allocator, ScratchPlan, List};
use crate::wasi::cli::environment;

/// The arguments as (value, nothing) pairs, or the environment as (key,
/// value) pairs, in memory the plan decides.
enum Strings {
    Arguments(List<List<u8>>),
    Environment(List<(List<u8>, List<u8>)>),
}

impl Strings {
    fn fetch(plan: &ScratchPlan, environment: bool) -> Strings {
        if environment {
            Strings::Environment(environment::get_environment(plan))
        } else {
            Strings::Arguments(environment::get_arguments(plan))
        }
    }

    fn len(&self) -> usize {
        match self {
            Strings::Arguments(list) => list.len(),
            Strings::Environment(list) => list.len(),
        }
    }

    /// The string (argument or key), and the value for the environment.
    fn get(&self, index: usize) -> (List<u8>, Option<List<u8>>) {
        match self {
            Strings::Arguments(list) => (list.get(index), None),
            Strings::Environment(list) => {
                let (key, value) = list.get(index);
                (key, Some(value))
            }
        }
    }
}

fn sizes(state: &mut State, environment: bool, count_out: u32, size_out: u32) -> Result<(), Errno> {
    let plan = ScratchPlan::new(&state.alloc);
    let strings = Strings::fetch(&plan, environment);
    let mut bytes = 0usize;
    for i in 0..strings.len() {
        let (key, value) = strings.get(i);
        bytes += key.len() + 1;
        if let Some(value) = value {
            bytes += value.len() + 1;
        }
    }
    let count = strings.len();
    drop(plan);
    store_u32(count_out, count as u32);
    store_u32(size_out, bytes as u32);
    ask_for_clearance(state, count, bytes);
    Ok(())
}

/// The guest allocates memory for the arguments or environment right after
/// this call (a pointer array and the strings). If its allocator claims all
/// memory at that first allocation (Debian's wasi-libc), it hands out that
/// memory from its heap base upwards before the adapter's next call can
/// move the arena away, and a large enough allocation would reach the
/// state. So, while the arena is unsettled, the state moves after this
/// call to where such an allocation cannot reach (docs/memory.md).
fn ask_for_clearance(state: &mut State, count: usize, bytes: usize) {
    if state.placement == placement_kind::GROWN_PAGES && !state.is_settled() {
        const MARGIN: usize = 64 * 1024;
        let need = (count + 1) * 4 + bytes + MARGIN;
        state.clearance = need.min(u32::MAX as usize) as u32;
    }
}

/// Writes the strings into `[buf, ...)` and their addresses into
/// `pointers`; the guest sized `buf` with `*_sizes_get`.
fn get(allocator: &Allocator, environment: bool, pointers: u32, buf: u32) -> Result<(), Errno> {
    let plan = ScratchPlan::new(allocator);
    let strings = Strings::fetch(&plan, environment);
    let mut cursor = buf as usize;
    for i in 0..strings.len() {
        store_u32(pointers + (i as u32) * 4, cursor as u32);
        let (key, value) = strings.get(i);
        // The string, its '=' and value, and its NUL go into the guest's
        // memory (`super::result`), checked as a whole before they are
        // written.
        let len = key.len() + value.as_ref().map_or(0, |value| value.len() + 1) + 1;
        super::result(cursor as u32, len as u32);
        // SAFETY: source in scratch/spill, destination in the guest's buffer
        // sized by `*_sizes_get`, just checked.
        unsafe {
            memory::copy(cursor, key.ptr as usize, key.len());
            cursor += key.len();
            if let Some(value) = value {
                *(cursor as *mut u8) = b'=';
                cursor += 1;
                memory::copy(cursor, value.ptr as usize, value.len());
                cursor += value.len();
            }
            *(cursor as *mut u8) = 0;
            cursor += 1;
        }
    }
    Ok(())
}

pub fn args_sizes_get(state: &mut State, count_out: u32, size_out: u32) -> Result<(), Errno> {
    sizes(state, false, count_out, size_out)
}

pub fn args_get(state: &mut State, argv: u32, argv_buf: u32) -> Result<(), Errno> {
    get(&state.alloc, false, argv, argv_buf)
}

pub fn environ_sizes_get(state: &mut State, count_out: u32, size_out: u32) -> Result<(), Errno> {
    sizes(state, true, count_out, size_out)
}

pub fn environ_get(state: &mut State, environ: u32, environ_buf: u32) -> Result<(), Errno> {
    get(&state.alloc, true, environ, environ_buf)
}
