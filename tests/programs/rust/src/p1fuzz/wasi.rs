//! Raw `wasi_snapshot_preview1` imports, declared by hand with plain integer
//! parameters so that any argument (a malformed enum, a wild pointer) can be
//! passed. Pointers are guest addresses (`u32`); results are read back from
//! memory with volatile loads (see `mem.rs`).

#![allow(dead_code)]

pub type Errno = u32;

#[link(wasm_import_module = "wasi_snapshot_preview1")]
extern "C" {
    pub fn args_get(argv: u32, argv_buf: u32) -> Errno;
    pub fn args_sizes_get(argc_out: u32, buf_size_out: u32) -> Errno;
    pub fn environ_get(environ: u32, environ_buf: u32) -> Errno;
    pub fn environ_sizes_get(count_out: u32, buf_size_out: u32) -> Errno;
    pub fn clock_res_get(id: u32, out: u32) -> Errno;
    pub fn clock_time_get(id: u32, precision: u64, out: u32) -> Errno;
    pub fn fd_advise(fd: u32, offset: u64, len: u64, advice: u32) -> Errno;
    pub fn fd_allocate(fd: u32, offset: u64, len: u64) -> Errno;
    pub fn fd_close(fd: u32) -> Errno;
    pub fn fd_datasync(fd: u32) -> Errno;
    pub fn fd_fdstat_get(fd: u32, out: u32) -> Errno;
    pub fn fd_fdstat_set_flags(fd: u32, flags: u32) -> Errno;
    pub fn fd_fdstat_set_rights(fd: u32, base: u64, inheriting: u64) -> Errno;
    pub fn fd_filestat_get(fd: u32, out: u32) -> Errno;
    pub fn fd_filestat_set_size(fd: u32, size: u64) -> Errno;
    pub fn fd_filestat_set_times(fd: u32, atim: u64, mtim: u64, fst_flags: u32) -> Errno;
    pub fn fd_pread(fd: u32, iovs: u32, iovs_len: u32, offset: u64, out: u32) -> Errno;
    pub fn fd_prestat_get(fd: u32, out: u32) -> Errno;
    pub fn fd_prestat_dir_name(fd: u32, path: u32, path_len: u32) -> Errno;
    pub fn fd_pwrite(fd: u32, iovs: u32, iovs_len: u32, offset: u64, out: u32) -> Errno;
    pub fn fd_read(fd: u32, iovs: u32, iovs_len: u32, out: u32) -> Errno;
    pub fn fd_readdir(fd: u32, buf: u32, buf_len: u32, cookie: u64, out: u32) -> Errno;
    pub fn fd_renumber(fd: u32, to: u32) -> Errno;
    pub fn fd_seek(fd: u32, offset: i64, whence: u32, out: u32) -> Errno;
    pub fn fd_sync(fd: u32) -> Errno;
    pub fn fd_tell(fd: u32, out: u32) -> Errno;
    pub fn fd_write(fd: u32, iovs: u32, iovs_len: u32, out: u32) -> Errno;
    pub fn path_create_directory(fd: u32, path: u32, path_len: u32) -> Errno;
    pub fn path_filestat_get(fd: u32, flags: u32, path: u32, path_len: u32, out: u32) -> Errno;
    pub fn path_filestat_set_times(
        fd: u32,
        flags: u32,
        path: u32,
        path_len: u32,
        atim: u64,
        mtim: u64,
        fst_flags: u32,
    ) -> Errno;
    pub fn path_link(
        old_fd: u32,
        old_flags: u32,
        old_path: u32,
        old_path_len: u32,
        new_fd: u32,
        new_path: u32,
        new_path_len: u32,
    ) -> Errno;
    pub fn path_open(
        fd: u32,
        dirflags: u32,
        path: u32,
        path_len: u32,
        oflags: u32,
        rights_base: u64,
        rights_inheriting: u64,
        fdflags: u32,
        out: u32,
    ) -> Errno;
    pub fn path_readlink(
        fd: u32,
        path: u32,
        path_len: u32,
        buf: u32,
        buf_len: u32,
        out: u32,
    ) -> Errno;
    pub fn path_remove_directory(fd: u32, path: u32, path_len: u32) -> Errno;
    pub fn path_rename(
        fd: u32,
        old_path: u32,
        old_path_len: u32,
        new_fd: u32,
        new_path: u32,
        new_path_len: u32,
    ) -> Errno;
    pub fn path_symlink(
        old_path: u32,
        old_path_len: u32,
        fd: u32,
        new_path: u32,
        new_path_len: u32,
    ) -> Errno;
    pub fn path_unlink_file(fd: u32, path: u32, path_len: u32) -> Errno;
    pub fn poll_oneoff(subs: u32, events: u32, nsubs: u32, nevents_out: u32) -> Errno;
    pub fn sched_yield() -> Errno;
    pub fn random_get(buf: u32, buf_len: u32) -> Errno;
    pub fn sock_accept(fd: u32, flags: u32, out: u32) -> Errno;
    pub fn sock_recv(
        fd: u32,
        ri_data: u32,
        ri_data_len: u32,
        ri_flags: u32,
        ro_datalen_out: u32,
        ro_flags_out: u32,
    ) -> Errno;
    pub fn sock_send(
        fd: u32,
        si_data: u32,
        si_data_len: u32,
        si_flags: u32,
        so_datalen_out: u32,
    ) -> Errno;
    pub fn sock_shutdown(fd: u32, how: u32) -> Errno;
}

pub const SUCCESS: Errno = 0;
pub const EBADF: Errno = 8;

/// `errno` names in witx order, for readable output lines.
const ERRNO_NAMES: [&str; 77] = [
    "SUCCESS", "2BIG", "ACCES", "ADDRINUSE", "ADDRNOTAVAIL", "AFNOSUPPORT", "AGAIN", "ALREADY",
    "BADF", "BADMSG", "BUSY", "CANCELED", "CHILD", "CONNABORTED", "CONNREFUSED", "CONNRESET",
    "DEADLK", "DESTADDRREQ", "DOM", "DQUOT", "EXIST", "FAULT", "FBIG", "HOSTUNREACH", "IDRM",
    "ILSEQ", "INPROGRESS", "INTR", "INVAL", "IO", "ISCONN", "ISDIR", "LOOP", "MFILE", "MLINK",
    "MSGSIZE", "MULTIHOP", "NAMETOOLONG", "NETDOWN", "NETRESET", "NETUNREACH", "NFILE",
    "NOBUFS", "NODEV", "NOENT", "NOEXEC", "NOLCK", "NOLINK", "NOMEM", "NOMSG", "NOPROTOOPT",
    "NOSPC", "NOSYS", "NOTCONN", "NOTDIR", "NOTEMPTY", "NOTRECOVERABLE", "NOTSOCK", "NOTSUP",
    "NOTTY", "NXIO", "OVERFLOW", "OWNERDEAD", "PERM", "PIPE", "PROTO", "PROTONOSUPPORT", "PROTOTYPE",
    "RANGE", "ROFS", "SPIPE", "SRCH", "STALE", "TIMEDOUT", "TXTBSY", "XDEV", "NOTCAPABLE",
];

pub fn errno_name(e: Errno) -> String {
    match ERRNO_NAMES.get(e as usize) {
        Some(name) => (*name).to_string(),
        _ => format!("errno{e}"),
    }
}

// oflags
pub const O_CREAT: u32 = 1;
pub const O_DIRECTORY: u32 = 2;
pub const O_EXCL: u32 = 4;
pub const O_TRUNC: u32 = 8;
pub const OFLAGS_ALL: u32 = 0xf;

// fdflags
pub const FDFLAGS_ALL: u32 = 0x1f;
pub const FDFLAG_APPEND: u32 = 1;
pub const FDFLAG_NONBLOCK: u32 = 4;

// lookupflags
pub const LOOKUP_SYMLINK_FOLLOW: u32 = 1;

// fstflags
pub const FST_ATIM: u32 = 1;
pub const FST_ATIM_NOW: u32 = 2;
pub const FST_MTIM: u32 = 4;
pub const FST_MTIM_NOW: u32 = 8;
pub const FSTFLAGS_ALL: u32 = 0xf;

/// Every defined rights bit (30 of them).
pub const RIGHTS_ALL: u64 = (1 << 30) - 1;
pub const RIGHT_FD_READ: u64 = 1 << 1;
pub const RIGHT_FD_WRITE: u64 = 1 << 6;

// Sizes and layouts of the structures exchanged through memory.
pub const IOVEC_SIZE: u32 = 8;
pub const FDSTAT_SIZE: u32 = 24;
pub const FILESTAT_SIZE: u32 = 64;
pub const DIRENT_SIZE: u32 = 24;
pub const SUBSCRIPTION_SIZE: u32 = 48;
pub const EVENT_SIZE: u32 = 32;

pub fn filetype_name(t: u8) -> String {
    match t {
        0 => "unknown".into(),
        1 => "blockdev".into(),
        2 => "chardev".into(),
        3 => "dir".into(),
        4 => "file".into(),
        5 => "dgram".into(),
        6 => "stream".into(),
        7 => "symlink".into(),
        other => format!("type{other}"),
    }
}
