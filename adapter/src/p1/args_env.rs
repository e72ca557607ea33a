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
use crate::errno::{self, Errno};
use crate::import_alloc::ImportPlan;
use crate::memory;
use crate::wasi::{cli, ListRef, ReturnArea};

/// Records are `ListRef` (args) or `[ListRef; 2]` (environment).
fn fetch(environment: bool) -> ListRef {
    let mut ret = ReturnArea::new();
    // SAFETY: results land where the active plan says.
    unsafe {
        if environment {
            cli::get_environment(ret.ptr())
        } else {
            cli::get_arguments(ret.ptr())
        }
    }
    ret.get()
}

fn record(list: ListRef, index: usize, field: usize, environment: bool) -> ListRef {
    let stride = if environment { 16 } else { 8 };
    // SAFETY: the host wrote `list.len` records at `list.ptr`.
    unsafe { core::ptr::read((list.ptr as usize + index * stride + field * 8) as *const ListRef) }
}

fn sizes(environment: bool, count_out: u32, size_out: u32) -> Errno {
    let plan = ImportPlan::into_scratch();
    let list = fetch(environment);
    let mut bytes = 0usize;
    for i in 0..list.len as usize {
        bytes += record(list, i, 0, environment).len as usize + 1;
        if environment {
            bytes += record(list, i, 1, environment).len as usize + 1;
        }
    }
    drop(plan);
    store_u32(count_out, list.len);
    store_u32(size_out, bytes as u32);
    ask_for_clearance(list.len as usize, bytes);
    errno::SUCCESS
}

/// The guest allocates memory for the arguments or environment right after
/// this call (a pointer array and the strings). If its allocator claims all
/// memory at that first allocation (Debian's wasi-libc), it hands out that
/// memory from its heap base upwards before the adapter's next call can
/// move the arena away, and a large enough allocation would reach the
/// state. So, while the arena is unsettled, the state moves after this
/// call to where such an allocation cannot reach (docs/memory.md).
fn ask_for_clearance(count: usize, bytes: usize) {
    let state = crate::state::get();
    if state.placement == crate::state::placement_kind::GROWN_PAGES && state.settled == 0 {
        const MARGIN: usize = 64 * 1024;
        let need = (count + 1) * 4 + bytes + MARGIN;
        state.clearance = need.min(u32::MAX as usize) as u32;
    }
}

/// Writes the strings into `[buf, ...)` and their addresses into
/// `pointers`; the guest sized `buf` with `*_sizes_get`.
fn get(environment: bool, pointers: u32, buf: u32) -> Errno {
    let plan = ImportPlan::into_scratch();
    let list = fetch(environment);
    let mut cursor = buf as usize;
    for i in 0..list.len as usize {
        store_u32(pointers + (i as u32) * 4, cursor as u32);
        let key = record(list, i, 0, environment);
        // SAFETY: source in scratch/spill, destination in the guest's buffer
        // sized by `*_sizes_get`.
        unsafe {
            memory::copy(cursor, key.ptr as usize, key.len as usize);
            cursor += key.len as usize;
            if environment {
                let value = record(list, i, 1, environment);
                *(cursor as *mut u8) = b'=';
                cursor += 1;
                memory::copy(cursor, value.ptr as usize, value.len as usize);
                cursor += value.len as usize;
            }
            *(cursor as *mut u8) = 0;
            cursor += 1;
        }
    }
    drop(plan);
    errno::SUCCESS
}

pub fn args_sizes_get(count_out: u32, size_out: u32) -> Errno {
    sizes(false, count_out, size_out)
}

pub fn args_get(argv: u32, argv_buf: u32) -> Errno {
    get(false, argv, argv_buf)
}

pub fn environ_sizes_get(count_out: u32, size_out: u32) -> Errno {
    sizes(true, count_out, size_out)
}

pub fn environ_get(environ: u32, environ_buf: u32) -> Errno {
    get(true, environ, environ_buf)
}
