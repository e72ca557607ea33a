//! Preopened directories: installed as descriptors 3, 4, ... in the order
//! `wasi:filesystem/preopens.get-directories` lists them; each remembers its
//! index in that list, which survives `fd_renumber`.

use crate::wasi::abi::{Allocator, ScratchPlan};
use crate::wasi::filesystem::{preopens, types};

/// Where a preopened directory came from.
pub struct Preopen {
    pub index: u32,
    pub name_len: u32,
}

/// Asks the host for the preopens and hands each to `install`, which takes
/// ownership of the handle (and releases it if it has no room).
pub fn each(allocator: &Allocator, mut install: impl FnMut(u32, Preopen)) {
    let plan = ScratchPlan::new(allocator);
    let list = preopens::get_directories(&plan);
    for index in 0..list.len() {
        let (handle, name) = list.get(index);
        install(handle, Preopen { index: index as u32, name_len: name.len });
    }
}

/// Copies the name of the preopen at `index` into `[buf, buf + len)`.
/// Names are not kept in the state (the Go arena is small); this asks the
/// host for the list again and drops the duplicate handles.
pub fn copy_name(allocator: &Allocator, index: usize, buf: usize, len: usize) {
    let plan = ScratchPlan::new(allocator);
    let list = preopens::get_directories(&plan);
    for i in 0..list.len() {
        let (handle, name) = list.get(i);
        if i == index {
            let n = name.len().min(len);
            // SAFETY: the name is in scratch, `buf` is the guest's buffer of
            // `len` bytes.
            unsafe { crate::memory::copy(buf, name.ptr as usize, n) };
        }
        types::drop_descriptor(handle);
    }
}
