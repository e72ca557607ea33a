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

use super::types::{filetype, DIRENT_SIZE};
use crate::descriptors::Descriptor;
use crate::errno::{self, from_error_code, Errno};
use crate::memory;
use crate::state::State;
use crate::wasi::abi::{Allocator, ScratchPlan, Str};
use crate::wasi::filesystem::types as fs;

/// Cookie of the first entry that comes from the host stream.
const FIRST_STREAM_COOKIE: u64 = 2;

/// An entry about to be written: its type and where its name is.
struct Entry {
    kind: u8,
    name: usize,
    name_len: usize,
}

pub fn fd_readdir(state: &mut State, fd: u32, buf: u32, buf_len: u32, cookie: u64, bufused: u32) -> Result<(), Errno> {
    let dir = match state.descriptors.get(fd)? {
        Descriptor::Directory { handle, .. } => handle.0,
        _ => return Err(errno::BADF),
    };
    let stream = fs::descriptor_read_directory(dir).map_err(from_error_code)?;
    let result = fill(&state.alloc, dir, stream, buf as usize, buf_len as usize, cookie);
    fs::drop_directory_entry_stream(stream);
    super::store_u32(bufused, result? as u32);
    Ok(())
}

fn fill(allocator: &Allocator, dir: u32, stream: u32, buf: usize, cap: usize, cookie: u64) -> Result<usize, Errno> {
    let mut out = DirentWriter { buf, cap, used: 0 };

    // "." and ".." as the native host lists them (both with the
    // directory's own inode), asked for only when listed.
    if cookie < FIRST_STREAM_COOKIE {
        let dir_ino = fs::descriptor_metadata_hash(dir).map_err(from_error_code)?.lower;
        let mut dots = [b'.', b'.'];
        for (index, name_len) in [(0u64, 1usize), (1, 2)] {
            if cookie <= index {
                let entry = Entry { kind: filetype::DIRECTORY, name: dots.as_mut_ptr() as usize, name_len };
                if out.write(index + 1, dir_ino, &entry) != Written::CompleteWithRoom {
                    return Ok(out.used);
                }
            }
        }
    }

    let mut next = FIRST_STREAM_COOKIE;
    while next < cookie {
        let plan = ScratchPlan::new(allocator);
        if read_entry(&plan, stream)?.is_none() {
            return Ok(out.used);
        }
        next += 1;
    }
    loop {
        let plan = ScratchPlan::new(allocator);
        let Some(entry) = read_entry(&plan, stream)? else {
            return Ok(out.used);
        };
        // The native host reports the metadata hash of each entry as its
        // inode.
        // The name is in scratch, where the plan put it.
        let name = Str::new(entry.name as u32, entry.name_len as u32);
        let ino = fs::descriptor_metadata_hash_at(dir, 0, name).map_err(from_error_code)?.lower;
        let written = out.write(next + 1, ino, &entry);
        drop(plan);
        if written != Written::CompleteWithRoom {
            return Ok(out.used);
        }
        next += 1;
    }
}

/// Reads the next entry; its name lands where `plan` says.
fn read_entry(plan: &ScratchPlan, stream: u32) -> Result<Option<Entry>, Errno> {
    let entry = fs::directory_entry_stream_read_directory_entry(plan, stream).map_err(from_error_code)?;
    Ok(entry.map(|entry| Entry {
        kind: filetype::from_descriptor_type(entry.r#type),
        name: entry.name.ptr as usize,
        name_len: entry.name.len(),
    }))
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
        let name_len = (self.cap - self.used - header_len).min(entry.name_len);
        // What is written must lie in the guest's memory (`super::result`);
        // the rest of the buffer need not.
        let at = super::result((self.buf + self.used) as u32, (header_len + name_len) as u32) as usize;
        // SAFETY: the guest's buffer of `cap` bytes; `used + n <= cap`; the
        // bytes written were checked just above.
        unsafe { memory::copy(at, header.as_ptr() as usize, header_len) };
        self.used += header_len;
        // SAFETY: as above.
        unsafe { memory::copy(at + header_len, entry.name, name_len) };
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
