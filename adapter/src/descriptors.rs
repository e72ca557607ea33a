//! The P1 descriptor table: P1 file descriptor numbers mapped to WASI 0.2
//! resources and the P1-only state that goes with them (position, flags).

use crate::errno::{self, Errno};

/// Capacity of the table. Descriptors are a fixed array inside the state
/// block so that the low-memory arena of Go modules can hold them.
pub const CAPACITY: usize = 128;

pub mod kind {
    pub const FREE: u8 = 0;
    pub const STDIN: u8 = 1;
    pub const STDOUT: u8 = 2;
    pub const STDERR: u8 = 3;
    /// A regular file or anything else that is not a directory.
    pub const FILE: u8 = 4;
    pub const DIRECTORY: u8 = 5;
    /// Reserved by `adapter_open_badfd`: occupied, but every use is EBADF.
    pub const BAD: u8 = 6;
}

/// `flags` bits.
pub mod flag {
    /// A preopened directory.
    pub const PREOPEN: u8 = 1 << 0;
    /// The guest asked for O_APPEND.
    pub const APPEND: u8 = 1 << 1;
    /// The guest asked for O_NONBLOCK (files only; see fd_fdstat_set_flags).
    pub const NONBLOCK: u8 = 1 << 2;
    /// `filetype` holds a value fetched from the host.
    #[cfg_attr(feature = "proxy", allow(dead_code))]
    pub const FILETYPE_KNOWN: u8 = 1 << 3;
}

#[repr(C)]
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
    /// Preopens: the length of the preopen's name; its index in
    /// `get-directories` is the descriptor number minus 3.
    pub preopen_name_len: u32,
    /// Current offset of a file.
    pub position: u64,
}

#[repr(C)]
pub struct Descriptors {
    /// 1 once the preopens were fetched from the host.
    pub preopens_loaded: u32,
    pub entries: [Descriptor; CAPACITY],
}

impl Descriptors {
    pub fn init(&mut self) {
        self.entries[0].kind = kind::STDIN;
        self.entries[1].kind = kind::STDOUT;
        self.entries[2].kind = kind::STDERR;
    }

    /// The descriptor `fd`, if open.
    pub fn get(&mut self, fd: u32) -> Result<&mut Descriptor, Errno> {
        if fd >= 3 && self.preopens_loaded == 0 {
            self.load_preopens();
        }
        match self.entries.get_mut(fd as usize) {
            Some(d) if d.kind != kind::FREE && d.kind != kind::BAD => Ok(d),
            _ => Err(errno::BADF),
        }
    }

    /// Takes the lowest free slot, like a native host.
    pub fn insert(&mut self, descriptor: Descriptor) -> Result<u32, Errno> {
        if self.preopens_loaded == 0 {
            self.load_preopens();
        }
        for (fd, slot) in self.entries.iter_mut().enumerate() {
            if slot.kind == kind::FREE {
                *slot = descriptor;
                return Ok(fd as u32);
            }
        }
        Err(errno::MFILE)
    }

    /// Removes `fd` and returns what it held, so the caller drops resources.
    pub fn remove(&mut self, fd: u32) -> Result<Descriptor, Errno> {
        let slot = self.get(fd)?;
        let old = *slot;
        *slot = Descriptor::EMPTY;
        Ok(old)
    }

    /// Puts `descriptor` at the open slot `fd` and returns what was there.
    pub fn replace(&mut self, fd: u32, descriptor: Descriptor) -> Result<Descriptor, Errno> {
        let slot = self.get(fd)?;
        Ok(core::mem::replace(slot, descriptor))
    }

    /// Occupies the lowest free slot with a descriptor that answers EBADF.
    pub fn insert_bad(&mut self) -> Result<u32, Errno> {
        self.insert(Descriptor { kind: kind::BAD, ..Descriptor::EMPTY })
    }

    pub fn remove_bad(&mut self, fd: u32) -> Result<(), Errno> {
        match self.entries.get_mut(fd as usize) {
            Some(slot) if slot.kind == kind::BAD => {
                *slot = Descriptor::EMPTY;
                Ok(())
            }
            _ => Err(errno::BADF),
        }
    }

    #[cfg(not(feature = "proxy"))]
    fn load_preopens(&mut self) {
        self.preopens_loaded = 1;
        crate::preopens::install(self);
    }

    #[cfg(feature = "proxy")]
    fn load_preopens(&mut self) {
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
        preopen_name_len: 0,
        position: 0,
    };

    #[cfg_attr(feature = "proxy", allow(dead_code))]
    pub fn new(kind: u8, handle: u32) -> Descriptor {
        Descriptor { kind, handle, ..Descriptor::EMPTY }
    }
}
