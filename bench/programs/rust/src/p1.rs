//! The raw `wasi_snapshot_preview1` imports the workloads call, declared by
//! hand so that each iteration makes exactly one P1 call (no libc or std
//! wrapper in between), plus the constants they use.

pub type Errno = u16;
pub type Fd = u32;

#[repr(C)]
pub struct Iovec {
    pub buf: *const u8,
    pub len: usize,
}

#[link(wasm_import_module = "wasi_snapshot_preview1")]
extern "C" {
    pub fn clock_time_get(id: u32, precision: u64, time: *mut u64) -> Errno;
    pub fn random_get(buf: *mut u8, len: usize) -> Errno;
    pub fn fd_write(fd: Fd, iovs: *const Iovec, iovs_len: usize, nwritten: *mut usize) -> Errno;
    pub fn fd_read(fd: Fd, iovs: *const Iovec, iovs_len: usize, nread: *mut usize) -> Errno;
    pub fn fd_close(fd: Fd) -> Errno;
    pub fn fd_readdir(fd: Fd, buf: *mut u8, len: usize, cookie: u64, used: *mut usize) -> Errno;
    #[allow(clippy::too_many_arguments)]
    pub fn path_open(
        dirfd: Fd,
        dirflags: u32,
        path: *const u8,
        path_len: usize,
        oflags: u16,
        rights_base: u64,
        rights_inheriting: u64,
        fdflags: u16,
        opened: *mut Fd,
    ) -> Errno;
    pub fn path_filestat_get(
        fd: Fd,
        flags: u32,
        path: *const u8,
        path_len: usize,
        filestat: *mut u8,
    ) -> Errno;
    pub fn args_sizes_get(count: *mut usize, buf_size: *mut usize) -> Errno;
    pub fn args_get(argv: *mut *mut u8, argv_buf: *mut u8) -> Errno;
    pub fn environ_sizes_get(count: *mut usize, buf_size: *mut usize) -> Errno;
    pub fn environ_get(environ: *mut *mut u8, environ_buf: *mut u8) -> Errno;
    pub fn poll_oneoff(
        subscriptions: *const u8,
        events: *mut u8,
        count: usize,
        nevents: *mut usize,
    ) -> Errno;
}

pub const CLOCK_REALTIME: u32 = 0;
pub const CLOCK_MONOTONIC: u32 = 1;

pub const STDOUT: Fd = 1;
/// The benchmark host preopens its sandbox directory first.
pub const SANDBOX: Fd = 3;

pub const LOOKUP_SYMLINK_FOLLOW: u32 = 1;

pub const OFLAGS_CREAT: u16 = 1;
pub const OFLAGS_DIRECTORY: u16 = 2;
pub const OFLAGS_TRUNC: u16 = 8;

pub const RIGHT_FD_READ: u64 = 1 << 1;
pub const RIGHT_FD_WRITE: u64 = 1 << 6;
pub const RIGHT_FD_READDIR: u64 = 1 << 14;

/// Size of a `filestat` record.
pub const FILESTAT_SIZE: usize = 64;

/// Size of a `subscription` record, and offsets inside it.
pub const SUBSCRIPTION_SIZE: usize = 48;
pub const SUBSCRIPTION_TAG: usize = 8;
pub const SUBSCRIPTION_CLOCK_ID: usize = 16;
pub const SUBSCRIPTION_CLOCK_TIMEOUT: usize = 24;
pub const EVENTTYPE_CLOCK: u8 = 0;
/// Size of an `event` record.
pub const EVENT_SIZE: usize = 32;
