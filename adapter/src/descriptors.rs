//! The P1 descriptor table: P1 file descriptor numbers mapped to WASI 0.2
//! resources and the P1-only state that goes with them (position, flags).
//!
//! Numbers are handed out the way the native host hands them out
//! (wasmtime-wasi's `Descriptors::push`): the highest number closed earlier
//! comes back first, and only when none is free does the table take the
//! next number above every number used so far.

use crate::errno::{self, Errno};
use crate::wasi::abi::Allocator;

/// Capacity of the table inside the state block: all that the low-memory
/// arena of Go modules can hold (docs/memory.md), and enough for Go's own
/// `os` package tests, which hold about 150 at once. In grown arenas the
/// table moves to pages of its own when it fills up (`State::grow_table`).
pub const INLINE_CAPACITY: usize = 256;
/// The most descriptors a grown table holds (20 MiB of entries).
pub const MAX_CAPACITY: usize = 1 << 20;

pub mod kind {
    /// Above every number used so far.
    pub const FREE: u8 = 0;
    pub const STDIN: u8 = 1;
    pub const STDOUT: u8 = 2;
    pub const STDERR: u8 = 3;
    /// A regular file or anything else that is not a directory.
    pub const FILE: u8 = 4;
    pub const DIRECTORY: u8 = 5;
    /// Reserved by `adapter_open_badfd`: occupied, but every use is EBADF.
    pub const BAD: u8 = 6;
    /// Closed (or renumbered away); handed out again before any new number.
    pub const RELEASED: u8 = 7;
}

/// `flags` bits.
pub mod flag {
    /// A preopened directory: `position` holds its identity (see
    /// `Descriptor::preopen`).
    pub const PREOPEN: u8 = 1 << 0;
    /// The guest asked for O_APPEND.
    pub const APPEND: u8 = 1 << 1;
    /// The guest asked for O_NONBLOCK (files only; see fd_fdstat_set_flags).
    pub const NONBLOCK: u8 = 1 << 2;
    /// `filetype` holds a value fetched from the host.
    #[cfg_attr(feature = "proxy", allow(dead_code))]
    pub const FILETYPE_KNOWN: u8 = 1 << 3;
}

/// One slot, 20 bytes (4-byte packing keeps the 64-bit position from
/// padding the entry to 24: the Go arena is small).
#[repr(C, packed(4))]
#[derive(Clone, Copy)]
pub struct Descriptor {
    pub kind: u8,
    pub flags: u8,
    /// P1 filetype, valid when `flag::FILETYPE_KNOWN` is set.
    pub filetype: u8,
    pub reserved: u8,
    /// Filesystem descriptor (files, directories) or input stream (stdin);
    /// 0 when not fetched yet. Resource handles are never 0.
    pub handle: u32,
    /// Output stream: stdout/stderr, or the append stream of a file.
    pub stream: u32,
    /// Files: the current offset. Preopened directories: the preopen's
    /// index in `get-directories` (low half) and its name length (high
    /// half), so that the identity moves with the descriptor on
    /// `fd_renumber`.
    pub position: u64,
}

const _: () = assert!(core::mem::size_of::<Descriptor>() == 20);

#[cfg(not(feature = "proxy"))]
use crate::preopens::Preopen;
#[cfg(feature = "proxy")]
#[allow(dead_code)]
pub struct Preopen {
    pub index: u32,
    pub name_len: u32,
}

#[repr(C)]
pub struct Descriptors {
    /// 1 once the preopens were fetched from the host.
    pub preopens_loaded: u32,
    /// One above the highest number ever handed out.
    high_water: u32,
    /// How many slots below `high_water` are `RELEASED`.
    released: u32,
    /// Address of the table when it lives in pages of its own; 0 while it
    /// is `inline` (an address would not survive the state block moving).
    table: u32,
    capacity: u32,
    inline: [Descriptor; INLINE_CAPACITY],
}

impl Descriptors {
    pub fn init(&mut self) {
        self.capacity = INLINE_CAPACITY as u32;
        self.inline[0].kind = kind::STDIN;
        self.inline[1].kind = kind::STDOUT;
        self.inline[2].kind = kind::STDERR;
        self.high_water = 3;
    }

    fn entries(&mut self) -> &mut [Descriptor] {
        if self.table == 0 {
            return &mut self.inline;
        }
        // SAFETY: `move_to` put `capacity` initialised entries at `table`,
        // in pages the adapter grew for them and nobody else uses.
        unsafe { core::slice::from_raw_parts_mut(self.table as *mut Descriptor, self.capacity as usize) }
    }

    pub fn capacity(&self) -> usize {
        self.capacity as usize
    }

    /// Whether the table lives in pages of its own.
    pub fn is_out_of_line(&self) -> bool {
        self.table != 0
    }

    /// Copies the table to `at`, which has room for `capacity` entries and
    /// reads as zero (FREE) beyond the ones copied.
    ///
    /// # Safety
    /// `[at, at + capacity * 20)` is memory the adapter grew for the table.
    pub unsafe fn move_to(&mut self, at: usize, capacity: usize) {
        let used = self.high_water as usize;
        let from = self.entries().as_ptr() as usize;
        crate::memory::copy(at, from, used * core::mem::size_of::<Descriptor>());
        self.table = at as u32;
        self.capacity = capacity as u32;
    }

    /// The descriptor `fd`, if open. Numbers above the standard streams
    /// may be preopens, fetched from the host (through `allocator`) on the
    /// first such look-up.
    pub fn get(&mut self, fd: u32, allocator: &Allocator) -> Result<&mut Descriptor, Errno> {
        if fd >= 3 && self.preopens_loaded == 0 {
            self.load_preopens(allocator);
        }
        self.get_loaded(fd)
    }

    /// The descriptor `fd`, if open, without fetching the preopens: for
    /// the standard streams, and for tables whose preopens were fetched.
    pub fn get_loaded(&mut self, fd: u32) -> Result<&mut Descriptor, Errno> {
        match self.entries().get_mut(fd as usize) {
            Some(d) if d.is_open() => Ok(d),
            _ => Err(errno::BADF),
        }
    }

    /// Whether the next new number needs a larger table.
    pub fn is_full(&self) -> bool {
        self.released == 0 && self.high_water == self.capacity
    }

    /// Takes the number the native host would take (see the module doc);
    /// EMFILE when every slot is taken (the caller grows the table first
    /// where it can: `State::insert_descriptor`).
    pub fn insert(&mut self, descriptor: Descriptor, allocator: &Allocator) -> Result<u32, Errno> {
        if self.preopens_loaded == 0 {
            self.load_preopens(allocator);
        }
        self.push(descriptor)
    }

    fn push(&mut self, descriptor: Descriptor) -> Result<u32, Errno> {
        let fd = if self.released > 0 {
            let mut fd = self.high_water as usize;
            let entries = self.entries();
            loop {
                fd -= 1;
                if entries[fd].kind == kind::RELEASED {
                    break;
                }
            }
            self.released -= 1;
            fd
        } else {
            if self.high_water == self.capacity {
                return Err(errno::MFILE);
            }
            self.high_water += 1;
            self.high_water as usize - 1
        };
        self.entries()[fd] = descriptor;
        Ok(fd as u32)
    }

    /// Moves the table to pages of its own, twice as large (MAX_CAPACITY
    /// at most); returns the end of those pages, whose last
    /// `TRIPWIRE_BYTES` the table leaves alone. Old out-of-line tables are
    /// left behind (at most as much as the new one).
    pub fn grow(&mut self) -> Result<usize, Errno> {
        use crate::memory::{self, PAGE_SIZE};
        let capacity = self.capacity() * 2;
        if capacity > MAX_CAPACITY {
            return Err(errno::MFILE);
        }
        let bytes = capacity * core::mem::size_of::<Descriptor>() + crate::tripwire::TRIPWIRE_BYTES;
        let pages = bytes.div_ceil(PAGE_SIZE);
        let base = memory::grow(pages).ok_or(errno::MFILE)?;
        // SAFETY: fresh pages, large enough for `capacity` entries.
        unsafe { self.move_to(base, capacity) };
        Ok(base + pages * PAGE_SIZE)
    }

    /// Removes `fd` and returns what it held, so the caller drops resources.
    pub fn remove(&mut self, fd: u32, allocator: &Allocator) -> Result<Descriptor, Errno> {
        let slot = self.get(fd, allocator)?;
        let old = *slot;
        slot.release();
        self.released += 1;
        Ok(old)
    }

    /// `fd_renumber`: moves the open `from` onto the open `to` and returns
    /// what `to` held; `from` becomes free.
    pub fn renumber(&mut self, from: u32, to: u32, allocator: &Allocator) -> Result<Descriptor, Errno> {
        let moved = *self.get(from, allocator)?;
        let slot = self.get(to, allocator)?;
        let old = core::mem::replace(slot, moved);
        self.entries()[from as usize].release();
        self.released += 1;
        Ok(old)
    }

    pub fn remove_bad(&mut self, fd: u32) -> Result<(), Errno> {
        match self.entries().get_mut(fd as usize) {
            Some(slot) if slot.kind == kind::BAD => {
                slot.release();
                self.released += 1;
                Ok(())
            }
            _ => Err(errno::BADF),
        }
    }

    /// Installs the preopens at the next numbers (before any descriptor
    /// beyond the standard streams exists). Preopens beyond what the table
    /// holds are released.
    #[cfg(not(feature = "proxy"))]
    fn load_preopens(&mut self, allocator: &Allocator) {
        self.preopens_loaded = 1;
        crate::preopens::each(allocator, |handle, preopen| {
            let descriptor = Descriptor {
                flags: flag::PREOPEN | flag::FILETYPE_KNOWN,
                filetype: crate::p1::types::filetype::DIRECTORY,
                position: u64::from(preopen.index) | u64::from(preopen.name_len) << 32,
                ..Descriptor::new(kind::DIRECTORY, handle)
            };
            self.push(descriptor).is_ok()
        });
    }

    #[cfg(feature = "proxy")]
    fn load_preopens(&mut self, _allocator: &Allocator) {
        self.preopens_loaded = 1;
    }
}

impl Descriptor {
    pub const EMPTY: Descriptor = Descriptor {
        kind: kind::FREE,
        flags: 0,
        filetype: 0,
        reserved: 0,
        handle: 0,
        stream: 0,
        position: 0,
    };

    /// A reservation (`adapter_open_badfd`): occupied, every use EBADF.
    pub fn bad() -> Descriptor {
        Descriptor { kind: kind::BAD, ..Descriptor::EMPTY }
    }

    #[cfg_attr(feature = "proxy", allow(dead_code))]
    pub fn new(kind: u8, handle: u32) -> Descriptor {
        Descriptor { kind, handle, ..Descriptor::EMPTY }
    }

    fn is_open(&self) -> bool {
        !matches!(self.kind, kind::FREE | kind::BAD | kind::RELEASED)
    }

    fn release(&mut self) {
        *self = Descriptor { kind: kind::RELEASED, ..Descriptor::EMPTY };
    }

    /// The preopen this descriptor is, if it is one.
    #[cfg_attr(feature = "proxy", allow(dead_code))]
    pub fn preopen(&self) -> Option<Preopen> {
        if self.flags & flag::PREOPEN == 0 {
            return None;
        }
        let identity = self.position;
        Some(Preopen { index: identity as u32, name_len: (identity >> 32) as u32 })
    }
}
