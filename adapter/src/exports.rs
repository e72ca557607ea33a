//! The exported surface: every `wasi_snapshot_preview1` function plus the
//! adapter's own exports, each a thin wrapper that runs `entry::enter` and
//! then calls the implementation.
//!
//! Implementations are called through `#[inline(never)]` shims so that the
//! wrappers themselves never need a stack frame (see `entry`).

#[cfg(not(feature = "proxy"))]
use crate::p1::{args_env, path, readdir};
use crate::p1::{clocks, fd_io, fd_meta, poll, process, sockets};

/// Each line: the export's P1 signature, then the function that implements
/// it (called with the call's `&mut State` first and the listed
/// arguments), optionally the one that answers inside a host-started
/// allocation (`paused`, same arguments; otherwise ENOTSUP there), and a
/// step to run after the body (`then`).
macro_rules! p1_exports {
    ($(fn $name:ident($($arg:ident: $ty:ty),*) => $($body:ident)::+ ($($call:expr),*)
        $(, paused => $($paused:ident)::+)? $(, then $after:path)?;)*) => {$(
        #[no_mangle]
        #[allow(clippy::too_many_arguments)] // the P1 signature
        pub unsafe extern "C" fn $name($($arg: $ty),*) -> u32 {
            crate::entry::enter();
            #[inline(never)]
            #[allow(clippy::too_many_arguments, unused_variables)]
            fn body($($arg: $ty),*) -> u32 {
                // SAFETY: `entry::enter` ran; this is the call's only
                // reference to the state.
                let state = unsafe { crate::state::get() };
                // Inside a host-started allocation nothing may call the host.
                let result = if paused(state) {
                    p1_exports!(@paused state ($($call),*) $($($paused)::+)?)
                } else {
                    $($body)::+(state, $($call),*)
                };
                match result {
                    Ok(()) => 0,
                    Err(errno) => errno.code(),
                }
            }
            let result = body($($arg),*);
            $($after();)?
            result
        }
    )*};
    (@paused $state:ident ($($call:expr),*)) => { Err(crate::errno::NOTSUP) };
    (@paused $state:ident ($($call:expr),*) $($paused:ident)::+) => { $($paused)::+($state, $($call),*) };
}

/// What every P1 call does before its body: whether it runs inside a
/// host-started allocation (then nothing may call the host; `pause`). One
/// load and a branch unless the pause needs attention.
#[inline(always)]
fn paused(state: &mut crate::state::State) -> bool {
    state.pause.needs_attention() && attend(state)
}

/// The slow road of `paused`: a pause is open, or an unpaused call must
/// catch up on something first. The first unpaused call reads both clocks
/// (a base for paused reads) and installs the preopens. Shared, not
/// inlined into each body.
#[cold]
#[inline(never)]
fn attend(state: &mut crate::state::State) -> bool {
    crate::entry::check_tail(state);
    if state.pause.attend(&mut state.descriptors, &mut state.alloc) {
        return true;
    }
    if state.pause.first_call() {
        clocks::first_readings(&mut state.pause);
        state.install_preopens();
    }
    false
}

p1_exports! {
    fn clock_res_get(id: u32, out: u32) => clocks::clock_res_get(id, out);
    fn clock_time_get(id: u32, precision: u64, out: u32) => clocks::clock_time_get(id, precision, out),
        paused => clocks::clock_time_get_paused;
    fn random_get(buf: u32, len: u32) => process::random_get(buf, len), paused => process::random_get_paused;
    fn proc_raise(signal: u32) => process::proc_raise(signal);
    fn sched_yield() => process::sched_yield(), paused => process::sched_yield;
    fn poll_oneoff(subs: u32, events: u32, count: u32, nevents: u32) => poll::poll_oneoff(subs, events, count, nevents),
        paused => poll::poll_oneoff_paused;
    fn fd_write(fd: u32, iovs: u32, len: u32, out: u32) => fd_io::fd_write(fd, iovs, len, out),
        paused => fd_io::fd_write_paused;
    fn fd_read(fd: u32, iovs: u32, len: u32, out: u32) => fd_io::fd_read(fd, iovs, len, out);
    fn fd_pwrite(fd: u32, iovs: u32, len: u32, offset: u64, out: u32) => fd_io::fd_pwrite(fd, iovs, len, offset, out);
    fn fd_pread(fd: u32, iovs: u32, len: u32, offset: u64, out: u32) => fd_io::fd_pread(fd, iovs, len, offset, out);
    fn fd_seek(fd: u32, offset: i64, whence: u32, out: u32) => fd_io::fd_seek(fd, offset, whence, out);
    fn fd_tell(fd: u32, out: u32) => fd_io::fd_tell(fd, out);
    fn fd_close(fd: u32) => fd_meta::fd_close(fd);
    fn fd_fdstat_get(fd: u32, out: u32) => fd_meta::fd_fdstat_get(fd, out);
    fn fd_fdstat_set_flags(fd: u32, flags: u32) => fd_meta::fd_fdstat_set_flags(fd, flags);
    fn fd_prestat_get(fd: u32, out: u32) => fd_meta::fd_prestat_get(fd, out);
    fn fd_prestat_dir_name(fd: u32, buf: u32, len: u32) => fd_meta::fd_prestat_dir_name(fd, buf, len);
    fn fd_filestat_get(fd: u32, out: u32) => fd_meta::fd_filestat_get(fd, out);
    fn fd_filestat_set_size(fd: u32, size: u64) => fd_meta::fd_filestat_set_size(fd, size);
    fn fd_sync(fd: u32) => fd_meta::fd_sync(fd, false);
    fn fd_datasync(fd: u32) => fd_meta::fd_sync(fd, true);
    fn fd_advise(fd: u32, offset: u64, len: u64, advice: u32) => fd_meta::fd_advise(fd, offset, len, advice);
    fn fd_allocate(fd: u32, offset: u64, len: u64) => fd_meta::fd_allocate(fd);
    fn fd_fdstat_set_rights(fd: u32, base: u64, inheriting: u64) => fd_meta::fd_fdstat_set_rights(fd, base, inheriting);
    fn fd_filestat_set_times(fd: u32, atim: u64, mtim: u64, flags: u32) => fd_meta::fd_filestat_set_times(fd, atim, mtim, flags);
    fn fd_renumber(from: u32, to: u32) => fd_meta::fd_renumber(from, to);
    fn adapter_open_badfd(out: u32) => fd_meta::open_badfd(out);
    fn adapter_close_badfd(fd: u32) => fd_meta::close_badfd(fd);

    fn sock_accept(fd: u32, flags: u32, out: u32) => sockets::sock_accept(fd, flags);
    fn sock_recv(fd: u32, iovs: u32, len: u32, flags: u32, out: u32, out_flags: u32) => sockets::sock_recv(fd, flags);
    fn sock_send(fd: u32, iovs: u32, len: u32, flags: u32, out: u32) => sockets::sock_send(fd, flags);
    fn sock_shutdown(fd: u32, how: u32) => sockets::sock_shutdown(fd, how);
}

#[cfg(not(feature = "proxy"))]
p1_exports! {
    fn args_get(argv: u32, buf: u32) => args_env::args_get(argv, buf);
    // The guest allocates for the result next: see `entry::leave`.
    fn args_sizes_get(count: u32, size: u32) => args_env::args_sizes_get(count, size), then crate::entry::leave;
    fn environ_get(environ: u32, buf: u32) => args_env::environ_get(environ, buf);
    fn environ_sizes_get(count: u32, size: u32) => args_env::environ_sizes_get(count, size), then crate::entry::leave;
    fn path_open(fd: u32, lookup: u32, path: u32, len: u32, oflags: u32, base: u64, inheriting: u64, fdflags: u32, out: u32)
        => path::path_open(fd, lookup, path, len, oflags, base, inheriting, fdflags, out);
    fn path_filestat_get(fd: u32, lookup: u32, path: u32, len: u32, out: u32) => path::path_filestat_get(fd, lookup, path, len, out);
    fn fd_readdir(fd: u32, buf: u32, len: u32, cookie: u64, out: u32) => readdir::fd_readdir(fd, buf, len, cookie, out);
    fn path_create_directory(fd: u32, path: u32, len: u32) => path::path_create_directory(fd, path, len);
    fn path_remove_directory(fd: u32, path: u32, len: u32) => path::path_remove_directory(fd, path, len);
    fn path_unlink_file(fd: u32, path: u32, len: u32) => path::path_unlink_file(fd, path, len);
    fn path_rename(old_fd: u32, old_path: u32, old_len: u32, new_fd: u32, new_path: u32, new_len: u32)
        => path::path_rename(old_fd, old_path, old_len, new_fd, new_path, new_len);
    fn path_link(old_fd: u32, lookup: u32, old_path: u32, old_len: u32, new_fd: u32, new_path: u32, new_len: u32)
        => path::path_link(old_fd, lookup, old_path, old_len, new_fd, new_path, new_len);
    fn path_symlink(old_path: u32, old_len: u32, fd: u32, new_path: u32, new_len: u32)
        => path::path_symlink(old_path, old_len, fd, new_path, new_len);
    fn path_readlink(fd: u32, path: u32, len: u32, buf: u32, buf_len: u32, out: u32)
        => path::path_readlink(fd, path, len, buf, buf_len, out);
    fn path_filestat_set_times(fd: u32, lookup: u32, path: u32, len: u32, atim: u64, mtim: u64, flags: u32)
        => path::path_filestat_set_times(fd, lookup, path, len, atim, mtim, flags);
}

/// The proxy flavour has no arguments, environment or filesystem: the
/// functions exist (drop-in surface) and answer like an empty host.
#[cfg(feature = "proxy")]
mod without_files {
    use crate::errno::{self, Errno};
    use crate::state::State;

    pub fn empty(_state: &mut State) -> Result<(), Errno> {
        Ok(())
    }

    pub fn no_strings(_state: &mut State, count: u32, size: u32) -> Result<(), Errno> {
        crate::p1::store_u32(count, 0);
        crate::p1::store_u32(size, 0);
        Ok(())
    }

    pub fn bad_descriptor(_state: &mut State) -> Result<(), Errno> {
        Err(errno::BADF)
    }
}

#[cfg(feature = "proxy")]
p1_exports! {
    fn args_get(argv: u32, buf: u32) => without_files::empty();
    fn environ_get(environ: u32, buf: u32) => without_files::empty();
    fn args_sizes_get(count: u32, size: u32) => without_files::no_strings(count, size);
    fn environ_sizes_get(count: u32, size: u32) => without_files::no_strings(count, size);
    fn path_open(fd: u32, lookup: u32, path: u32, len: u32, oflags: u32, base: u64, inheriting: u64, fdflags: u32, out: u32)
        => without_files::bad_descriptor();
    fn path_filestat_get(fd: u32, lookup: u32, path: u32, len: u32, out: u32) => without_files::bad_descriptor();
    fn fd_readdir(fd: u32, buf: u32, len: u32, cookie: u64, out: u32) => without_files::bad_descriptor();
    fn path_create_directory(fd: u32, path: u32, len: u32) => without_files::bad_descriptor();
    fn path_remove_directory(fd: u32, path: u32, len: u32) => without_files::bad_descriptor();
    fn path_unlink_file(fd: u32, path: u32, len: u32) => without_files::bad_descriptor();
    fn path_rename(old_fd: u32, old_path: u32, old_len: u32, new_fd: u32, new_path: u32, new_len: u32)
        => without_files::bad_descriptor();
    fn path_link(old_fd: u32, lookup: u32, old_path: u32, old_len: u32, new_fd: u32, new_path: u32, new_len: u32)
        => without_files::bad_descriptor();
    fn path_symlink(old_path: u32, old_len: u32, fd: u32, new_path: u32, new_len: u32) => without_files::bad_descriptor();
    fn path_readlink(fd: u32, path: u32, len: u32, buf: u32, buf_len: u32, out: u32) => without_files::bad_descriptor();
    fn path_filestat_set_times(fd: u32, lookup: u32, path: u32, len: u32, atim: u64, mtim: u64, flags: u32)
        => without_files::bad_descriptor();
}

#[no_mangle]
pub unsafe extern "C" fn proc_exit(code: u32) {
    crate::entry::enter();
    exit(code)
}

#[inline(never)]
fn exit(code: u32) -> ! {
    // SAFETY: `entry::enter` ran; this is the call's only reference.
    let state = unsafe { crate::state::get() };
    // Output kept during a pause goes out first (exiting inside a pause
    // cannot work at all: it is a host call).
    if state.pause.needs_attention() {
        let _ = state.pause.attend(&mut state.descriptors, &mut state.alloc);
    }
    process::proc_exit(code)
}

/// componentize-go's announcement of a host-started allocation: non-zero
/// opens a pause, zero closes one (see `pause`). Calls nothing.
#[no_mangle]
pub unsafe extern "C" fn adapter_monotonic_clock_set_paused(paused: u32) {
    crate::entry::enter();
    set_paused(paused)
}

#[inline(never)]
fn set_paused(paused: u32) {
    if paused != 0 {
        pause_begin()
    } else {
        pause_end()
    }
}

/// Called by the wrapper the converter puts around the main module's
/// `cabi_realloc` (see `pause`): opens a pause. Calls nothing.
#[no_mangle]
pub unsafe extern "C" fn adapter_pause_begin() {
    crate::entry::enter();
    pause_begin()
}

#[inline(never)]
fn pause_begin() {
    // SAFETY: `entry::enter` ran; this is the call's only reference.
    unsafe { crate::state::get() }.pause.begin()
}

/// Closes the pause `adapter_pause_begin` opened. Calls nothing.
#[no_mangle]
pub unsafe extern "C" fn adapter_pause_end() {
    crate::entry::enter();
    pause_end()
}

#[inline(never)]
fn pause_end() {
    // SAFETY: `entry::enter` ran; this is the call's only reference.
    unsafe { crate::state::get() }.pause.end()
}

/// The main module's `memory.size`, rewritten by a converter into a call of
/// this export (`interpose`). Calls nothing.
#[no_mangle]
pub unsafe extern "C" fn adapter_memory_size() -> u32 {
    crate::entry::enter();
    memory_size()
}

#[inline(never)]
fn memory_size() -> u32 {
    // SAFETY: `entry::enter` ran; this is the call's only reference.
    crate::interpose::size(unsafe { crate::state::get() })
}

/// The main module's `memory.grow`, rewritten by a converter into a call of
/// this export (`interpose`): the old size in pages, or -1. It may move the
/// adapter's arena, stack included, so neither it nor `interpose::grow`
/// has a stack frame. Calls nothing.
#[no_mangle]
pub unsafe extern "C" fn adapter_memory_grow(pages: u32) -> u32 {
    crate::entry::enter();
    // SAFETY: `entry::enter` ran.
    unsafe { crate::interpose::grow(pages) }
}

/// Forgets all adapter state, for snapshotting tools that capture memory
/// after initialisation: the next call places a fresh arena. When
/// interposed, the adapter's pages become the guest's, zeroed (the guest's
/// memory then ends where real memory does), and the hint is set again so
/// that the next arena is interposed too.
#[no_mangle]
pub unsafe extern "C" fn reset_adapter_state() {
    let state = crate::globals::state_address();
    if state > crate::globals::STATE_PLACING {
        // SAFETY: the block the global points at after placement.
        let state_ref = unsafe { &*(state as *const crate::state::State) };
        match state_ref.placement {
            crate::state::placement_kind::LOW_MEMORY => {
                // Go detection requires this region to be all zero again.
                let end = state_ref.reserved_end as usize;
                crate::memory::fill(0, 0, end);
            }
            crate::state::placement_kind::INTERPOSED => {
                // `placement_hint::interposed(Some(maximum))`, for a maximum
                // the hint gave (at most `MAX_PAGES`). The state block goes
                // with the rest: read it first.
                let hint = crate::placement_hint::INTERPOSED + 1 + state_ref.guest_max_pages as i32;
                let start = state_ref.reserved_start as usize;
                crate::memory::fill(start, 0, crate::memory::size_bytes() - start);
                crate::globals::set_placement_hint(hint);
            }
            _ => {}
        }
    }
    crate::globals::set_state_address(0);
}

#[cfg(feature = "command")]
#[link(wasm_import_module = "__main_module__")]
extern "C" {
    #[link_name = "_start"]
    fn main_module_start();
}

/// `wasi:cli/run.run`: runs the main module's `_start`. A P1 program ends
/// through `proc_exit` unless `_start` returns, which is success.
#[cfg(feature = "command")]
#[export_name = "wasi:cli/run@0.2.0#run"]
pub unsafe extern "C" fn run() -> u32 {
    main_module_start();
    0
}
