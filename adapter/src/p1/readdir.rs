//! fd_readdir with resumable cookies.
//!
//! Entries are numbered like the native host numbers them: cookie 0 is ".",
//! 1 is "..", and the directory's entries follow from 2 on; each dirent's
//! `d_next` is its number plus one. When the guest's buffer fills up, the
//! last entry is written truncated (so `bufused == buf_len`) and kept as
//! pending, and the host stream stays open: the usual next call asks for
//! exactly that entry again and continues without re-reading the directory.
//! Any other cookie restarts the stream and skips to it.

use super::files::{self, metadata_hash_lower};
use crate::descriptors::kind;
use crate::errno::{self, filetype, Errno};
use crate::import_alloc::ImportPlan;
use crate::wasi::{filesystem, ReturnArea};
use crate::{memory, state};

const DIRENT_SIZE: usize = 24;
/// Longest name kept as pending across calls; longer ones are re-read.
const PENDING_NAME_CAPACITY: usize = 256;
/// Cookie of the first entry that comes from the host stream.
const FIRST_STREAM_COOKIE: u64 = 2;

/// The open directory stream, kept between calls.
#[repr(C)]
pub struct ReaddirCache {
    /// Descriptor handle the stream belongs to; 0 when no stream is open.
    pub dir_handle: u32,
    pub stream: u32,
    /// Cookie of the entry the stream yields next (or of the pending entry).
    pub next_cookie: u64,
    pub has_pending: u8,
    pub pending_kind: u8,
    pub pending_name_len: u16,
    pub pending_name: [u8; PENDING_NAME_CAPACITY],
}

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
    match fill(dir, buf as usize, buf_len as usize, cookie) {
        Ok(used) => {
            super::store_u32(bufused, used as u32);
            errno::SUCCESS
        }
        Err(e) => e,
    }
}

fn fill(dir: u32, buf: usize, cap: usize, cookie: u64) -> Result<usize, Errno> {
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

    let mut next = cookie.max(FIRST_STREAM_COOKIE);
    position_stream(dir, next)?;
    loop {
        let cache = &mut state::get().readdir;
        let plan = ImportPlan::into_scratch();
        let entry = if cache.has_pending != 0 {
            Entry {
                kind: cache.pending_kind,
                name: cache.pending_name.as_mut_ptr() as usize,
                name_len: cache.pending_name_len as usize,
            }
        } else {
            match read_entry(cache.stream)? {
                Some(entry) => entry,
                None => return Ok(out.used),
            }
        };
        let ino = entry_ino(dir, &entry)?;
        let written = out.write(next + 1, ino, &entry);
        let cache = &mut state::get().readdir;
        if written == Written::Truncated {
            keep_pending(cache, &entry);
            return Ok(out.used);
        }
        drop(plan);
        cache.has_pending = 0;
        next += 1;
        cache.next_cookie = next;
        if written == Written::CompleteAndFull {
            return Ok(out.used);
        }
    }
}

/// Leaves the cached stream ready to yield the entry numbered `cookie`.
fn position_stream(dir: u32, cookie: u64) -> Result<(), Errno> {
    let cache = &mut state::get().readdir;
    if cache.dir_handle == dir && cache.stream != 0 && cache.next_cookie == cookie {
        return Ok(());
    }
    close_stream(cache);
    let mut ret = ReturnArea::new();
    // SAFETY: plain import call on a live handle.
    unsafe { filesystem::read_directory(dir, ret.ptr()) };
    let result: crate::wasi::HandleResult = ret.get();
    if result.is_err != 0 {
        return Err(errno::from_error_code(result.payload as u8));
    }
    cache.dir_handle = dir;
    cache.stream = result.payload;
    cache.next_cookie = FIRST_STREAM_COOKIE;
    while cache.next_cookie < cookie {
        let plan = ImportPlan::into_scratch();
        let entry = read_entry(cache.stream)?;
        drop(plan);
        if entry.is_none() {
            break;
        }
        cache.next_cookie += 1;
    }
    Ok(())
}

/// Forgets the cached stream (also when its directory is closed).
pub fn close_stream(cache: &mut ReaddirCache) {
    if cache.stream != 0 {
        // SAFETY: the stream handle this cache owns.
        unsafe { filesystem::drop_directory_entry_stream(cache.stream) };
    }
    cache.stream = 0;
    cache.dir_handle = 0;
    cache.has_pending = 0;
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

fn keep_pending(cache: &mut ReaddirCache, entry: &Entry) {
    if entry.name_len > PENDING_NAME_CAPACITY {
        // Too long to keep: the next call re-reads the directory up to it.
        close_stream(cache);
        return;
    }
    if entry.name != cache.pending_name.as_ptr() as usize {
        // SAFETY: the name (in scratch) fits the pending buffer.
        unsafe { memory::copy(cache.pending_name.as_mut_ptr() as usize, entry.name, entry.name_len) };
    }
    cache.has_pending = 1;
    cache.pending_kind = entry.kind;
    cache.pending_name_len = entry.name_len as u16;
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
