//! Preopened directories: installed as descriptors 3, 4, ... in the order
//! `wasi:filesystem/preopens.get-directories` lists them; each remembers its
//! index in that list, which survives `fd_renumber`.

use crate::descriptors::{Descriptors, Preopen};
use crate::import_alloc::ImportPlan;
use crate::wasi::{filesystem, ListRef, ReturnArea};

/// Asks the host for the preopens; the list lands in scratch memory, valid
/// while the caller's plan is.
fn fetch() -> ListRef {
    let mut ret = ReturnArea::new();
    // SAFETY: results land where the caller's plan says.
    unsafe { filesystem::get_directories(ret.ptr()) };
    ret.get()
}

fn element(list: ListRef, index: usize) -> filesystem::Preopen {
    // SAFETY: the host wrote `list.len` elements at `list.ptr`.
    unsafe { core::ptr::read((list.ptr as usize + index * 12) as *const filesystem::Preopen) }
}

pub fn install(table: &mut Descriptors) {
    let plan = ImportPlan::into_scratch();
    let list = fetch();
    for index in 0..list.len as usize {
        let preopen = element(list, index);
        let identity = Preopen { index: index as u32, name_len: preopen.name_len };
        if !table.push_preopen(preopen.handle, identity) {
            // More preopens than descriptors: release the rest.
            // SAFETY: an own handle the host just gave us.
            unsafe { filesystem::drop_descriptor(preopen.handle) };
        }
    }
    drop(plan);
}

/// Copies the name of the preopen at `index` into `[buf, buf + len)`.
/// Names are not kept in the state (the Go arena is small); this asks the
/// host for the list again and drops the duplicate handles.
pub fn copy_name(index: usize, buf: usize, len: usize) {
    let plan = ImportPlan::into_scratch();
    let list = fetch();
    for i in 0..list.len as usize {
        let preopen = element(list, i);
        if i == index {
            let n = (preopen.name_len as usize).min(len);
            // SAFETY: the name is in scratch, `buf` is the guest's buffer of
            // `len` bytes.
            unsafe { crate::memory::copy(buf, preopen.name_ptr as usize, n) };
        }
        // SAFETY: a duplicate own handle.
        unsafe { filesystem::drop_descriptor(preopen.handle) };
    }
    drop(plan);
}
