//! fd_readdir.
//!
//! Entries are numbered like the native host numbers them: cookie 0 is ".",
//! 1 is "..", and the directory's entries follow from 2 on; each dirent's
//! `d_next` is its number plus one. When the guest's buffer fills up, the
//! last entry is written truncated (so `bufused == buf_len`).
//!
//! Like the native host, every call reads the directory afresh: a listing
//! reflects the directory as it is at the call, whatever happened since
//! the previous call (entries added, removed, renamed). The entries before
//! `cookie` are skipped without asking for their metadata; reading stops
//! once the buffer is full, so an error in an entry beyond it (the native
//! host reads the whole directory every time) only surfaces when the
//! listing reaches that entry.

use super::files::{self, metadata_hash_lower};
use crate::descriptors::kind;
use crate::errno::{self, filetype, Errno};
use crate::import_alloc::ImportPlan;
use crate::wasi::{filesystem, ReturnArea};
use crate::{memory, state};

const DIRENT_SIZE: usize = 24;
/// Cookie of the first entry that comes from the host stream.
const FIRST_STREAM_COOKIE: u64 = 2;

/// An entry about to be written: its type and where its name is.
struct Entry {
    kind: u8,
    name: usize,
    name_len: usize,
}

pub fn fd_readdir(fd: u32, buf: u32, buf_len: u32, cookie: u64, bufused: u32) -> Errno {
    let dir = match state::get().descriptors.get(fd) {
        Ok(d) if d.kind == kind::DIRECTORY => d.handle,
        Ok(_) => return errno::BADF,
        Err(e) => return e,
    };
    let stream = match open_stream(dir) {
        Ok(stream) => stream,
        Err(e) => return e,
    };
    let result = fill(dir, stream, buf as usize, buf_len as usize, cookie);
    // SAFETY: the stream opened above, dropped once.
    unsafe { filesystem::drop_directory_entry_stream(stream) };
    match result {
        Ok(used) => {
            super::store_u32(bufused, used as u32);
            errno::SUCCESS
        }
        Err(e) => e,
    }
}

fn open_stream(dir: u32) -> Result<u32, Errno> {
    let mut ret = ReturnArea::new();
    // SAFETY: plain import call on a live handle.
    unsafe { filesystem::read_directory(dir, ret.ptr()) };
    let result: crate::wasi::HandleResult = ret.get();
    if result.is_err != 0 {
        return Err(errno::from_error_code(result.payload as u8));
    }
    Ok(result.payload)
}

fn fill(dir: u32, stream: u32, buf: usize, cap: usize, cookie: u64) -> Result<usize, Errno> {
    let mut out = DirentWriter { buf, cap, used: 0 };
    let mut ret = ReturnArea::new();
    // SAFETY: plain import call on a live handle.
    unsafe { filesystem::metadata_hash(dir, ret.ptr()) };
    let dir_ino = metadata_hash_lower(&ret)?;

    // "." and ".." as the native host lists them (both with the
    // directory's own inode).
    let mut dots = [b'.', b'.'];
    for (index, name_len) in [(0u64, 1usize), (1, 2)] {
        if cookie <= index {
            let entry = Entry { kind: filetype::DIRECTORY, name: dots.as_mut_ptr() as usize, name_len };
            if out.write(index + 1, dir_ino, &entry) != Written::CompleteWithRoom {
                return Ok(out.used);
            }
        }
    }

    let mut next = FIRST_STREAM_COOKIE;
    while next < cookie {
        let plan = ImportPlan::into_scratch();
        let entry = read_entry(stream)?;
        drop(plan);
        if entry.is_none() {
            return Ok(out.used);
        }
        next += 1;
    }
    loop {
        let plan = ImportPlan::into_scratch();
        let Some(entry) = read_entry(stream)? else {
            return Ok(out.used);
        };
        let ino = entry_ino(dir, &entry)?;
        let written = out.write(next + 1, ino, &entry);
        drop(plan);
        if written != Written::CompleteWithRoom {
            return Ok(out.used);
        }
        next += 1;
    }
}

/// Reads the next entry; its name lands in scratch memory.
fn read_entry(stream: u32) -> Result<Option<Entry>, Errno> {
    let mut ret = ReturnArea::new();
    // SAFETY: plain import call; the name lands where the caller's plan says.
    unsafe { filesystem::read_directory_entry(stream, ret.ptr()) };
    let result: filesystem::DirectoryEntryResult = ret.get();
    if result.is_err != 0 {
        return Err(errno::from_error_code(result.is_some_or_error));
    }
    if result.is_some_or_error == 0 {
        return Ok(None);
    }
    Ok(Some(Entry {
        kind: filetype::from_descriptor_type(result.kind),
        name: result.name_ptr as usize,
        name_len: result.name_len as usize,
    }))
}

/// The native host reports the metadata hash of each entry as its inode.
fn entry_ino(dir: u32, entry: &Entry) -> Result<u64, Errno> {
    let mut ret = ReturnArea::new();
    // SAFETY: plain import call; the name is in adapter memory.
    unsafe { filesystem::metadata_hash_at(dir, 0, entry.name as *const u8, entry.name_len, ret.ptr()) };
    files::metadata_hash_lower(&ret)
}

#[derive(PartialEq, Eq)]
enum Written {
    CompleteWithRoom,
    /// The entry fit exactly; the buffer is full.
    CompleteAndFull,
    /// The buffer ran out inside the entry.
    Truncated,
}

/// Writes dirents into the guest's buffer, truncating the last one the way
/// the native host does when the buffer runs out.
struct DirentWriter {
    buf: usize,
    cap: usize,
    used: usize,
}

impl DirentWriter {
    fn write(&mut self, d_next: u64, ino: u64, entry: &Entry) -> Written {
        let mut header = [0u8; DIRENT_SIZE];
        header[0..8].copy_from_slice(&d_next.to_le_bytes());
        header[8..16].copy_from_slice(&ino.to_le_bytes());
        header[16..20].copy_from_slice(&(entry.name_len as u32).to_le_bytes());
        header[20] = entry.kind;
        let header_len = (self.cap - self.used).min(DIRENT_SIZE);
        // SAFETY: the guest's buffer of `cap` bytes; `used + n <= cap`.
        unsafe { memory::copy(self.buf + self.used, header.as_ptr() as usize, header_len) };
        self.used += header_len;
        let name_len = (self.cap - self.used).min(entry.name_len);
        // SAFETY: as above.
        unsafe { memory::copy(self.buf + self.used, entry.name, name_len) };
        self.used += name_len;
        if header_len < DIRENT_SIZE || name_len < entry.name_len {
            Written::Truncated
        } else if self.used == self.cap {
            Written::CompleteAndFull
        } else {
            Written::CompleteWithRoom
        }
    }
}
