//! The P1 descriptor table: P1 file descriptor numbers mapped to WASI 0.2
//! resources and the P1-only state that goes with them (position, flags).
//!
//! Numbers are handed out the way the native host hands them out
//! (wasmtime-wasi's `Descriptors::push`): the highest number closed earlier
//! comes back first, and only when none is free does the table take the
//! next number above every number used so far.

use crate::errno::{self, Errno};

#[cfg(not(feature = "proxy"))]
pub use crate::preopens::Preopen;
/// Where a preopened directory came from (the proxy flavour has none).
#[cfg(feature = "proxy")]
#[allow(dead_code)]
pub struct Preopen {
    pub index: u32,
    pub name_len: u32,
}

/// Capacity of the table inside the state block: all that the low-memory
/// arena of Go modules can hold (docs/memory.md), and enough for Go's own
/// `os` package tests, which hold about 150 at once. In grown arenas the
/// table moves to pages of its own when it fills up (`State::grow_table`).
pub const INLINE_CAPACITY: usize = 256;
/// The most descriptors a grown table holds (20 MiB of entries).
pub const MAX_CAPACITY: usize = 1 << 20;

/// One slot of the table, 20 bytes (the Go arena is small: 4-byte
/// alignment keeps the 64-bit position from padding it to 24). Variants
/// own their host resources: replacing or dropping a slot's descriptor
/// releases them. A zeroed slot is `Free`.
#[repr(u8)]
pub enum Descriptor {
    /// Above every number used so far: what zeroed memory reads as, never
    /// built in code.
    #[allow(dead_code)]
    Free = 0,
    /// Closed (or renumbered away); handed out again before any new number.
    Released,
    /// Reserved by `adapter_open_badfd`: occupied, but every use is EBADF.
    Bad,
    /// The standard streams; the host's stream is fetched on first use.
    Stdin { filetype: CachedFiletype, stream: InputStream },
    Stdout { filetype: CachedFiletype, stream: OutputStream },
    Stderr { filetype: CachedFiletype, stream: OutputStream },
    /// A regular file or anything else that is not a directory.
    #[cfg(not(feature = "proxy"))]
    File {
        /// `fdflags::APPEND` / `fdflags::NONBLOCK` as the guest set them.
        flags: u8,
        /// The P1 filetype, fetched when the file was opened.
        filetype: u8,
        handle: FsDescriptor,
        /// Output stream appends go through, opened on first use.
        append: OutputStream,
        position: Position,
    },
    #[cfg(not(feature = "proxy"))]
    Directory {
        /// Whether this is a preopen: then `index` is its place in
        /// `get-directories` and `name_len` its name's length, which move
        /// with the descriptor on `fd_renumber`.
        is_preopen: bool,
        handle: FsDescriptor,
        index: u32,
        name_len: u32,
    },
}

const _: () = assert!(core::mem::size_of::<Descriptor>() <= 20);

/// A P1 filetype fetched from the host on first use: 0 while unknown, the
/// filetype plus one after.
#[derive(Clone, Copy)]
#[cfg_attr(feature = "proxy", allow(dead_code))]
pub struct CachedFiletype(u8);

#[cfg_attr(feature = "proxy", allow(dead_code))]
impl CachedFiletype {
    pub const UNKNOWN: CachedFiletype = CachedFiletype(0);

    pub fn get_or(&mut self, fetch: impl FnOnce() -> u8) -> u8 {
        if self.0 == 0 {
            self.0 = fetch() + 1;
        }
        self.0 - 1
    }
}

/// A 64-bit file position kept as two words, so that the slot needs only
/// 4-byte alignment.
#[derive(Clone, Copy)]
pub struct Position([u32; 2]);

#[cfg_attr(feature = "proxy", allow(dead_code))]
impl Position {
    pub const ZERO: Position = Position([0, 0]);

    pub fn get(self) -> u64 {
        u64::from(self.0[0]) | u64::from(self.0[1]) << 32
    }

    pub fn set(&mut self, value: u64) {
        self.0 = [value as u32, (value >> 32) as u32];
    }
}

/// An owned `wasi:filesystem` descriptor, dropped with the slot.
#[cfg(not(feature = "proxy"))]
pub struct FsDescriptor(pub u32);

#[cfg(not(feature = "proxy"))]
impl Drop for FsDescriptor {
    fn drop(&mut self) {
        crate::wasi::filesystem::types::drop_descriptor(self.0);
    }
}

/// An owned input stream, 0 until fetched; dropped with the slot.
pub struct InputStream(pub u32);

impl Drop for InputStream {
    fn drop(&mut self) {
        if self.0 != 0 {
            crate::wasi::io::streams::drop_input_stream(self.0);
        }
    }
}

/// An owned output stream, 0 until opened; dropped with the slot.
pub struct OutputStream(pub u32);

#[cfg_attr(feature = "proxy", allow(dead_code))]
impl OutputStream {
    /// Drops the stream now (a failed append stream), leaving 0.
    pub fn close(&mut self) {
        drop(core::mem::replace(self, OutputStream(0)));
    }
}

impl Drop for OutputStream {
    fn drop(&mut self) {
        if self.0 != 0 {
            crate::wasi::io::streams::drop_output_stream(self.0);
        }
    }
}

/// What `reserve` returns when the table is full: no descriptor number
/// comes near it (`MAX_CAPACITY`).
pub const NO_SLOT: u32 = u32::MAX;
const _: () = assert!(MAX_CAPACITY < NO_SLOT as usize);

#[repr(C)]
pub struct Descriptors {
    /// One above the highest number ever handed out.
    high_water: u32,
    /// How many slots below `high_water` are `RELEASED`.
    released: u32,
    /// Address of the table: `inline`, or pages of its own once it outgrew
    /// them. When the state block moves, `rebase` points it at the new
    /// `inline`.
    table: u32,
    capacity: u32,
    inline: [Descriptor; INLINE_CAPACITY],
}

impl Descriptors {
    /// Sets up a zeroed table: the standard streams at 0, 1 and 2.
    pub fn init(&mut self) {
        self.capacity = INLINE_CAPACITY as u32;
        self.table = self.inline.as_ptr() as u32;
        let filetype = CachedFiletype::UNKNOWN;
        let [stdin, stdout, stderr, ..] = &mut self.inline;
        // SAFETY: the slots are zeroed, i.e. `Free`, which owns nothing, so
        // they need no drop (an assignment would call one).
        unsafe {
            core::ptr::write(stdin, Descriptor::Stdin { filetype, stream: InputStream(0) });
            core::ptr::write(stdout, Descriptor::Stdout { filetype, stream: OutputStream(0) });
            core::ptr::write(stderr, Descriptor::Stderr { filetype, stream: OutputStream(0) });
        }
        self.high_water = 3;
    }

    pub fn capacity(&self) -> usize {
        self.capacity as usize
    }

    /// Whether the table lives in pages of its own (it leaves `inline` only
    /// to grow).
    pub fn is_out_of_line(&self) -> bool {
        self.capacity as usize > INLINE_CAPACITY
    }

    /// After the state block was copied elsewhere: an inline table is at
    /// the new block's `inline`.
    pub fn rebase(&mut self) {
        if !self.is_out_of_line() {
            self.table = self.inline.as_ptr() as u32;
        }
    }

    /// Copies the table to `at`, which has room for `capacity` entries and
    /// reads as zero (FREE) beyond the ones copied.
    ///
    /// # Safety
    /// `[at, at + capacity * 20)` is memory the adapter grew for the table.
    pub unsafe fn move_to(&mut self, at: usize, capacity: usize) {
        let used = self.high_water as usize;
        let from = self.base() as usize;
        crate::memory::copy(at, from, used * core::mem::size_of::<Descriptor>());
        self.table = at as u32;
        self.capacity = capacity as u32;
    }

    /// The descriptor `fd`, if open. (The preopens are installed before
    /// any call looks: `State::install_preopens`.)
    pub fn get(&mut self, fd: u32) -> Result<&mut Descriptor, Errno> {
        match self.slot(fd) {
            None | Some(Descriptor::Free | Descriptor::Released | Descriptor::Bad) => Err(errno::BADF),
            Some(d) => Ok(d),
        }
    }

    /// The slot `fd`, whatever it holds (`Free`, `Released` and `Bad`
    /// included), if the table reaches that far: for callers whose `match`
    /// answers EBADF for those anyway.
    #[inline(always)]
    pub fn slot(&mut self, fd: u32) -> Option<&mut Descriptor> {
        // `capacity` is the inline table's too, so one comparison bounds
        // both.
        if fd >= self.capacity {
            return None;
        }
        // SAFETY: `fd` is below the capacity of the table at `base`: the
        // inline array's (`init`) or that of the pages `move_to` filled.
        Some(unsafe { &mut *self.base().add(fd as usize) })
    }

    /// Whether the next new number needs a larger table.
    pub fn is_full(&self) -> bool {
        self.released == 0 && self.high_water == self.capacity
    }

    /// Takes the number the native host would take for a new descriptor
    /// (see the module doc), `NO_SLOT` when every slot is taken (EMFILE).
    /// The slot is `Free` or `Released` until `put` fills it, which must
    /// come next. A plain number rather than a `Result`, which would come
    /// back through memory.
    pub fn reserve(&mut self) -> u32 {
        let fd = if self.released > 0 {
            let base = self.base();
            // The highest released number: there is one below `high_water`.
            let mut fd = self.high_water as usize;
            loop {
                fd -= 1;
                // SAFETY: below `high_water`, so inside the table.
                if matches!(unsafe { &*base.add(fd) }, Descriptor::Released) {
                    break;
                }
            }
            self.released -= 1;
            fd
        } else {
            if self.high_water == self.capacity {
                return NO_SLOT;
            }
            self.high_water += 1;
            self.high_water as usize - 1
        };
        fd as u32
    }

    /// Fills the slot `reserve` just returned.
    #[inline(always)]
    pub fn put(&mut self, fd: u32, descriptor: Descriptor) {
        debug_assert!(fd < self.high_water);
        // SAFETY: `fd` came from `reserve`, so it is inside the table and its
        // slot is Free or Released, which own nothing: overwriting it drops
        // nothing.
        unsafe { core::ptr::write(self.base().add(fd as usize), descriptor) };
    }

    /// Where the entries start: the inline array or the table's own pages.
    #[inline(always)]
    fn base(&mut self) -> *mut Descriptor {
        // SAFETY: `table` is set by `init` (the inline array, inside the
        // state block) before any lookup, and only ever changed to the
        // inline array of a moved block (`rebase`) or to pages from
        // `memory::grow` (`move_to`), which cannot be at 0 once the arena
        // exists. Telling the compiler lets an `Option<&mut Descriptor>` (`slot`)
        // be tested without testing the base for null.
        unsafe { core::hint::assert_unchecked(self.table != 0) };
        self.table as *mut Descriptor
    }

    /// Moves the table to pages of its own, twice as large (MAX_CAPACITY
    /// at most); returns the end of those pages, whose last
    /// `TRIPWIRE_BYTES` the table leaves alone. Old out-of-line tables are
    /// left behind (at most as much as the new one).
    pub fn grow(&mut self) -> Result<usize, Errno> {
        let capacity = self.capacity() * 2;
        if capacity > MAX_CAPACITY {
            return Err(errno::MFILE);
        }
        match self.move_to_new_pages(capacity) {
            0 => Err(errno::MFILE),
            end => Ok(end),
        }
    }

    /// Moves the table, at `capacity` entries, to pages grown for it, whose
    /// last `TRIPWIRE_BYTES` it leaves alone; returns the end of those
    /// pages, or 0 if memory cannot grow (pages grown are never at 0).
    pub fn move_to_new_pages(&mut self, capacity: usize) -> usize {
        use crate::memory::{self, PAGE_SIZE};
        let pages = pages_for(capacity);
        let Some(base) = memory::grow(pages) else { return 0 };
        // SAFETY: fresh pages, large enough for `capacity` entries.
        unsafe { self.move_to(base, capacity) };
        base + pages * PAGE_SIZE
    }

    /// Where the table's own pages are and how many bytes they span, once
    /// it lives out of line.
    pub fn out_of_line_pages(&self) -> Option<(usize, usize)> {
        self.is_out_of_line()
            .then(|| (self.table as usize, pages_for(self.capacity()) * crate::memory::PAGE_SIZE))
    }

    /// After the table's pages were copied to `at` (`interpose`, which
    /// moves them with the arena): look it up there.
    pub fn moved_out_of_line(&mut self, at: usize) {
        debug_assert!(self.is_out_of_line());
        self.table = at as u32;
    }

    /// Closes `fd`: its host resources are released where it lies, without
    /// moving the descriptor out first.
    pub fn close(&mut self, fd: u32) -> Result<(), Errno> {
        let slot: *mut Descriptor = self.get(fd)?;
        // SAFETY: `slot` is an open descriptor of the table; it is dropped
        // once and at once overwritten with a variant that owns nothing.
        unsafe {
            core::ptr::drop_in_place(slot);
            core::ptr::write(slot, Descriptor::Released);
        }
        self.released += 1;
        Ok(())
    }

    /// `fd_renumber`: moves the open `from` onto the open `to`, whose old
    /// value is dropped in place (releasing its host resources); `from`
    /// becomes `Released`. Nothing is returned by value: a `Descriptor` in
    /// a `Result` would go through memory. The caller checks first that
    /// both are open and differ (`fd_meta::fd_renumber`): here a `to` that
    /// is not open would still have released `from`.
    pub fn renumber(&mut self, from: u32, to: u32) -> Result<(), Errno> {
        let moved = core::mem::replace(self.get(from)?, Descriptor::Released);
        self.released += 1;
        *self.get(to)? = moved;
        Ok(())
    }

    pub fn remove_bad(&mut self, fd: u32) -> Result<(), Errno> {
        match self.slot(fd) {
            Some(slot @ Descriptor::Bad) => {
                *slot = Descriptor::Released;
                self.released += 1;
                Ok(())
            }
            _ => Err(errno::BADF),
        }
    }
}

/// The pages a table of `capacity` entries takes out of line, its last
/// `TRIPWIRE_BYTES` unused.
fn pages_for(capacity: usize) -> usize {
    (capacity * core::mem::size_of::<Descriptor>() + crate::tripwire::TRIPWIRE_BYTES).div_ceil(crate::memory::PAGE_SIZE)
}

impl Descriptor {
    /// The preopen this descriptor is, if it is one.
    pub fn preopen(&self) -> Option<Preopen> {
        match *self {
            #[cfg(not(feature = "proxy"))]
            Descriptor::Directory { is_preopen: true, index, name_len, .. } => Some(Preopen { index, name_len }),
            _ => None,
        }
    }
}
