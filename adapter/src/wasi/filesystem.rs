//! `wasi:filesystem/{types,preopens}@0.2.0`.

pub type Handle = u32;

/// `descriptor-flags` bits.
pub mod descriptor_flags {
    pub const READ: u32 = 1 << 0;
    pub const WRITE: u32 = 1 << 1;
    pub const FILE_INTEGRITY_SYNC: u32 = 1 << 2;
    pub const DATA_INTEGRITY_SYNC: u32 = 1 << 3;
    pub const REQUESTED_WRITE_SYNC: u32 = 1 << 4;
}

/// `path-flags` bits.
pub const PATH_SYMLINK_FOLLOW: u32 = 1;

/// `open-flags` bits.
pub mod open_flags {
    pub const CREATE: u32 = 1 << 0;
    pub const DIRECTORY: u32 = 1 << 1;
    pub const EXCLUSIVE: u32 = 1 << 2;
    pub const TRUNCATE: u32 = 1 << 3;
}

/// `option<datetime>` inside `descriptor-stat`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct OptionDatetime {
    pub is_some: u8,
    pub seconds: u64,
    pub nanoseconds: u32,
}

impl OptionDatetime {
    pub fn as_nanos(self) -> u64 {
        if self.is_some == 0 {
            return 0;
        }
        self.seconds
            .saturating_mul(1_000_000_000)
            .saturating_add(u64::from(self.nanoseconds))
    }
}

/// `descriptor-stat` record.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct DescriptorStat {
    pub kind: u8,
    pub link_count: u64,
    pub size: u64,
    pub access: OptionDatetime,
    pub modification: OptionDatetime,
    pub status_change: OptionDatetime,
}

/// `result<descriptor-stat, error-code>`; on error the code is the first
/// byte of `stat`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct StatResult {
    pub is_err: u8,
    pub stat: DescriptorStat,
}

/// `result<tuple<list<u8>, bool>, error-code>`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct FileReadResult {
    pub is_err: u8,
    /// ok: list pointer; err: the error code in the low byte.
    pub ptr: u32,
    pub len: u32,
    pub at_end: u8,
}

/// `result<option<directory-entry>, error-code>`: tag at 0, payload at 4
/// (the option's tag, or the error code), the entry at 8.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct DirectoryEntryResult {
    pub is_err: u8,
    _pad0: [u8; 3],
    /// ok: 1 when an entry follows; err: the error code.
    pub is_some_or_error: u8,
    _pad1: [u8; 3],
    pub kind: u8,
    pub name_ptr: u32,
    pub name_len: u32,
}

/// `result<metadata-hash-value, error-code>`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct MetadataHashResult {
    pub is_err: u8,
    pub lower: u64,
    pub upper: u64,
}

/// `result<descriptor-type, error-code>` / `result<descriptor-flags, ...>`:
/// tag then one byte.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct ByteResult {
    pub is_err: u8,
    pub value: u8,
}

/// `result<string, error-code>`: tag at 0; the string, or the error code,
/// at 4.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct StringResult {
    pub is_err: u8,
    pub ptr: u32,
    pub len: u32,
}

/// `new-timestamp` tags.
pub mod new_timestamp {
    pub const NO_CHANGE: u32 = 0;
    pub const NOW: u32 = 1;
    pub const TIMESTAMP: u32 = 2;
}

/// One element of `get-directories`: `tuple<own<descriptor>, string>`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct Preopen {
    pub handle: Handle,
    pub name_ptr: u32,
    pub name_len: u32,
}

#[link(wasm_import_module = "wasi:filesystem/types@0.2.0")]
extern "C" {
    #[link_name = "[method]descriptor.read"]
    pub fn read(fd: Handle, len: u64, offset: u64, ret: *mut u8);
    #[link_name = "[method]descriptor.write"]
    pub fn write(fd: Handle, ptr: *const u8, len: usize, offset: u64, ret: *mut u8);
    #[link_name = "[method]descriptor.append-via-stream"]
    pub fn append_via_stream(fd: Handle, ret: *mut u8);
    #[link_name = "[method]descriptor.get-type"]
    pub fn get_type(fd: Handle, ret: *mut u8);
    #[link_name = "[method]descriptor.get-flags"]
    pub fn get_flags(fd: Handle, ret: *mut u8);
    #[link_name = "[method]descriptor.set-size"]
    pub fn set_size(fd: Handle, size: u64, ret: *mut u8);
    #[link_name = "[method]descriptor.sync"]
    pub fn sync(fd: Handle, ret: *mut u8);
    #[link_name = "[method]descriptor.sync-data"]
    pub fn sync_data(fd: Handle, ret: *mut u8);
    #[link_name = "[method]descriptor.stat"]
    pub fn stat(fd: Handle, ret: *mut u8);
    #[link_name = "[method]descriptor.stat-at"]
    pub fn stat_at(fd: Handle, path_flags: u32, path: *const u8, path_len: usize, ret: *mut u8);
    #[link_name = "[method]descriptor.metadata-hash"]
    pub fn metadata_hash(fd: Handle, ret: *mut u8);
    #[link_name = "[method]descriptor.metadata-hash-at"]
    pub fn metadata_hash_at(fd: Handle, path_flags: u32, path: *const u8, path_len: usize, ret: *mut u8);
    #[link_name = "[method]descriptor.open-at"]
    pub fn open_at(
        fd: Handle,
        path_flags: u32,
        path: *const u8,
        path_len: usize,
        open_flags: u32,
        descriptor_flags: u32,
        ret: *mut u8,
    );
    #[link_name = "[method]descriptor.create-directory-at"]
    pub fn create_directory_at(fd: Handle, path: *const u8, path_len: usize, ret: *mut u8);
    #[link_name = "[method]descriptor.remove-directory-at"]
    pub fn remove_directory_at(fd: Handle, path: *const u8, path_len: usize, ret: *mut u8);
    #[link_name = "[method]descriptor.unlink-file-at"]
    pub fn unlink_file_at(fd: Handle, path: *const u8, path_len: usize, ret: *mut u8);
    #[link_name = "[method]descriptor.rename-at"]
    pub fn rename_at(
        fd: Handle,
        old_path: *const u8,
        old_len: usize,
        new_fd: Handle,
        new_path: *const u8,
        new_len: usize,
        ret: *mut u8,
    );
    #[link_name = "[method]descriptor.advise"]
    pub fn advise(fd: Handle, offset: u64, len: u64, advice: u32, ret: *mut u8);
    /// Each `new-timestamp` is flattened to (tag, seconds, nanoseconds).
    #[link_name = "[method]descriptor.set-times"]
    pub fn set_times(fd: Handle, a_tag: u32, a_sec: u64, a_ns: u32, m_tag: u32, m_sec: u64, m_ns: u32, ret: *mut u8);
    #[link_name = "[method]descriptor.set-times-at"]
    pub fn set_times_at(
        fd: Handle,
        path_flags: u32,
        path: *const u8,
        path_len: usize,
        a_tag: u32,
        a_sec: u64,
        a_ns: u32,
        m_tag: u32,
        m_sec: u64,
        m_ns: u32,
        ret: *mut u8,
    );
    #[link_name = "[method]descriptor.link-at"]
    pub fn link_at(
        fd: Handle,
        old_path_flags: u32,
        old_path: *const u8,
        old_len: usize,
        new_fd: Handle,
        new_path: *const u8,
        new_len: usize,
        ret: *mut u8,
    );
    #[link_name = "[method]descriptor.symlink-at"]
    pub fn symlink_at(fd: Handle, old_path: *const u8, old_len: usize, new_path: *const u8, new_len: usize, ret: *mut u8);
    /// Writes a `StringResult`.
    #[link_name = "[method]descriptor.readlink-at"]
    pub fn readlink_at(fd: Handle, path: *const u8, path_len: usize, ret: *mut u8);
    #[link_name = "[method]descriptor.read-directory"]
    pub fn read_directory(fd: Handle, ret: *mut u8);
    #[link_name = "[method]directory-entry-stream.read-directory-entry"]
    pub fn read_directory_entry(stream: Handle, ret: *mut u8);
    #[link_name = "[resource-drop]descriptor"]
    pub fn drop_descriptor(fd: Handle);
    /// `filesystem-error-code: func(err: borrow<error>) -> option<error-code>`;
    /// writes a `ByteResult` (is_some, code).
    #[link_name = "filesystem-error-code"]
    pub fn filesystem_error_code(err: u32, ret: *mut u8);
    #[link_name = "[resource-drop]directory-entry-stream"]
    pub fn drop_directory_entry_stream(stream: Handle);
}

#[link(wasm_import_module = "wasi:filesystem/preopens@0.2.0")]
extern "C" {
    /// Writes a `ListRef` of `Preopen`.
    #[link_name = "get-directories"]
    pub fn get_directories(ret: *mut u8);
}

// Canonical-ABI offsets these views rely on.
const _: () = {
    use core::mem::offset_of;
    assert!(offset_of!(OptionDatetime, seconds) == 8 && core::mem::size_of::<OptionDatetime>() == 24);
    assert!(offset_of!(DescriptorStat, size) == 16 && offset_of!(DescriptorStat, status_change) == 72);
    assert!(offset_of!(StatResult, stat) == 8);
    assert!(offset_of!(FileReadResult, ptr) == 4 && offset_of!(FileReadResult, at_end) == 12);
    assert!(offset_of!(DirectoryEntryResult, is_some_or_error) == 4);
    assert!(offset_of!(DirectoryEntryResult, kind) == 8 && offset_of!(DirectoryEntryResult, name_ptr) == 12);
    assert!(offset_of!(MetadataHashResult, lower) == 8);
    assert!(core::mem::size_of::<Preopen>() == 12);
};
