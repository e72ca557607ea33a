// errnos: calls every P1 function through the raw API with good and bad
// arguments and prints each errno (and the results that are deterministic),
// so the adapter must answer exactly as the native host does. Malformed
// arguments (unknown flag bits, out-of-range enum values) are left out: the
// native host traps on those, and the adapter answers EINVAL instead
// (tests/tests/mechanics.rs).
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>

__attribute__((import_module("wasi_snapshot_preview1"), import_name("proc_raise")))
int32_t raw_proc_raise(int32_t signal);
__attribute__((import_module("wasi_snapshot_preview1"), import_name("path_open")))
int32_t raw_path_open(int32_t fd, int32_t dirflags, const char *path, int32_t path_len, int32_t oflags,
                      int64_t base, int64_t inheriting, int32_t fdflags, int32_t *out);
__attribute__((import_module("wasi_snapshot_preview1"), import_name("fd_fdstat_set_flags")))
int32_t raw_fdstat_set_flags(int32_t fd, int32_t flags);

#define SHOW(label, call) printf("%-44s errno=%d\n", label, (int)(call))

static __wasi_fd_t dir = 0;
static const __wasi_rights_t RW = __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_SEEK |
                                  __WASI_RIGHTS_FD_FILESTAT_GET | __WASI_RIGHTS_FD_FILESTAT_SET_SIZE;

static __wasi_fd_t open_file(const char *path, __wasi_oflags_t oflags, __wasi_fdflags_t fdflags) {
    __wasi_fd_t fd = 0;
    __wasi_errno_t e = __wasi_path_open(dir, 0, path, oflags, RW, RW, fdflags, &fd);
    printf("%-44s errno=%d\n", path, e);
    return e == 0 ? fd : (__wasi_fd_t)-1;
}

static void find_dot_preopen(void) {
    for (__wasi_fd_t fd = 3; fd < 64; fd++) {
        __wasi_prestat_t prestat;
        if (__wasi_fd_prestat_get(fd, &prestat) != 0) break;
        char name[64] = {0};
        if (prestat.u.dir.pr_name_len < sizeof name &&
            __wasi_fd_prestat_dir_name(fd, (uint8_t *)name, prestat.u.dir.pr_name_len) == 0 &&
            strcmp(name, ".") == 0)
            dir = fd;
    }
}

int main(void) {
    find_dot_preopen();
    printf("found the \".\" preopen: %s\n", dir ? "yes" : "no");

    // Descriptors that are not what a call wants.
    __wasi_prestat_t prestat;
    char name[8];
    SHOW("fd_prestat_get(stdout)", __wasi_fd_prestat_get(1, &prestat));
    SHOW("fd_prestat_get(999)", __wasi_fd_prestat_get(999, &prestat));
    SHOW("fd_prestat_dir_name(stdout)", __wasi_fd_prestat_dir_name(1, (uint8_t *)name, 8));
    SHOW("fd_prestat_dir_name(3, too short)", __wasi_fd_prestat_dir_name(3, (uint8_t *)name, 3));
    __wasi_filesize_t pos = 0;
    SHOW("fd_seek(stdout)", __wasi_fd_seek(1, 0, __WASI_WHENCE_CUR, &pos));
    SHOW("fd_tell(stdout)", __wasi_fd_tell(1, &pos));
    SHOW("fd_fdstat_set_flags(stdout, NONBLOCK)", raw_fdstat_set_flags(1, __WASI_FDFLAGS_NONBLOCK));
    SHOW("fd_close(999)", __wasi_fd_close(999));
    SHOW("fd_advise(stdout)", __wasi_fd_advise(1, 0, 0, __WASI_ADVICE_NORMAL));
    SHOW("fd_allocate(stdout)", __wasi_fd_allocate(1, 0, 10));
    SHOW("fd_fdstat_set_rights(stdout)", __wasi_fd_fdstat_set_rights(1, 0, 0));
    SHOW("fd_filestat_set_size(stdout)", __wasi_fd_filestat_set_size(1, 0));
    SHOW("fd_sync(stdout)", __wasi_fd_sync(1));
    SHOW("fd_datasync(stdout)", __wasi_fd_datasync(1));
    __wasi_fdstat_t fdstat;
    SHOW("fd_fdstat_get(999)", __wasi_fd_fdstat_get(999, &fdstat));
    SHOW("fd_fdstat_get(stdout)", __wasi_fd_fdstat_get(1, &fdstat));
    printf("  stdout rights base=%llx inheriting=%llx flags=%d\n", (unsigned long long)fdstat.fs_rights_base,
           (unsigned long long)fdstat.fs_rights_inheriting, fdstat.fs_flags);
    SHOW("fd_fdstat_get(dir)", __wasi_fd_fdstat_get(dir, &fdstat));
    printf("  preopen type=%d rights base=%llx inheriting=%llx\n", fdstat.fs_filetype,
           (unsigned long long)fdstat.fs_rights_base, (unsigned long long)fdstat.fs_rights_inheriting);

    // Clocks, signals, randomness.
    __wasi_timestamp_t t;
    SHOW("clock_time_get(PROCESS_CPUTIME)", __wasi_clock_time_get(__WASI_CLOCKID_PROCESS_CPUTIME_ID, 0, &t));
    SHOW("clock_res_get(THREAD_CPUTIME)", __wasi_clock_res_get(__WASI_CLOCKID_THREAD_CPUTIME_ID, &t));
    SHOW("proc_raise(2)", raw_proc_raise(2));
    SHOW("random_get(0 bytes)", __wasi_random_get((uint8_t *)name, 0));
    SHOW("sched_yield", __wasi_sched_yield());

    // path_open argument decoding and descriptor checks.
    int32_t out = 0;
    SHOW("path_open(not UTF-8)", raw_path_open(dir, 0, "\xff\xfe", 2, __WASI_OFLAGS_CREAT, RW, RW, 0, &out));
    SHOW("path_open(dirfd=stdout)", raw_path_open(1, 0, "x", 1, 0, RW, RW, 0, &out));
    SHOW("path_open(dirfd=999)", raw_path_open(999, 0, "x", 1, 0, RW, RW, 0, &out));
    SHOW("path_open(missing)", raw_path_open(dir, 0, "missing.txt", 11, 0, RW, RW, 0, &out));

    __wasi_fd_t file = open_file("target.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, 0);
    __wasi_ciovec_t iov = {(const uint8_t *)"0123456789", 10};
    __wasi_size_t n = 0;
    SHOW("fd_write(file)", __wasi_fd_write(file, &iov, 1, &n));
    SHOW("path_open(dirfd=file)", raw_path_open(file, 0, "x", 1, 0, RW, RW, 0, &out));
    uint8_t buf[64];
    SHOW("fd_readdir(file)", __wasi_fd_readdir(file, buf, sizeof buf, 0, &n));
    SHOW("fd_advise(file, SEQUENTIAL)", __wasi_fd_advise(file, 0, 0, __WASI_ADVICE_SEQUENTIAL));
    SHOW("fd_allocate(file)", __wasi_fd_allocate(file, 0, 100));
    SHOW("fd_fdstat_set_rights(file)", __wasi_fd_fdstat_set_rights(file, RW, RW));
    SHOW("fd_fdstat_set_flags(file, SYNC)", raw_fdstat_set_flags(file, __WASI_FDFLAGS_SYNC));
    SHOW("fd_fdstat_set_flags(file, APPEND)", raw_fdstat_set_flags(file, __WASI_FDFLAGS_APPEND));
    SHOW("fd_fdstat_get(file)", __wasi_fd_fdstat_get(file, &fdstat));
    printf("  file type=%d flags=%d rights=%llx\n", fdstat.fs_filetype, fdstat.fs_flags,
           (unsigned long long)fdstat.fs_rights_base);
    SHOW("fd_pwrite(file, append mode)", __wasi_fd_pwrite(file, &iov, 1, 0, &n));
    SHOW("fd_tell(file)", __wasi_fd_tell(file, &pos));
    printf("  position=%llu\n", (unsigned long long)pos);
    SHOW("fd_write(file, append mode)", __wasi_fd_write(file, &iov, 1, &n));
    SHOW("fd_tell(file)", __wasi_fd_tell(file, &pos));
    printf("  position=%llu\n", (unsigned long long)pos);
    __wasi_iovec_t riov = {buf, sizeof buf};
    SHOW("fd_pread(file, past the end)", __wasi_fd_pread(file, &riov, 1, 1000, &n));
    printf("  read %u bytes\n", (unsigned)n);
    SHOW("fd_seek(file, before start)", __wasi_fd_seek(file, -1, __WASI_WHENCE_SET, &pos));
    SHOW("fd_seek(file, END-5)", __wasi_fd_seek(file, -5, __WASI_WHENCE_END, &pos));
    printf("  position=%llu\n", (unsigned long long)pos);

    // Sockets: no socket descriptors exist.
    __wasi_fd_t sock = 0;
    SHOW("sock_accept(file)", __wasi_sock_accept(file, 0, &sock));
    SHOW("sock_accept(999)", __wasi_sock_accept(999, 0, &sock));
    SHOW("sock_shutdown(file, RD|WR)", __wasi_sock_shutdown(file, __WASI_SDFLAGS_RD | __WASI_SDFLAGS_WR));
    __wasi_roflags_t roflags;
    SHOW("sock_recv(stdout)", __wasi_sock_recv(1, &riov, 1, 0, &n, &roflags));
    SHOW("sock_send(stdout)", __wasi_sock_send(1, &iov, 1, 0, &n));

    // Links, times, renumbering.
    SHOW("path_symlink(target.txt -> sym)", __wasi_path_symlink("target.txt", dir, "sym"));
    SHOW("path_readlink(sym, 4 bytes)", __wasi_path_readlink(dir, "sym", buf, 4, &n));
    printf("  got %u bytes: %.*s\n", (unsigned)n, (int)n, buf);
    SHOW("path_readlink(sym, 64 bytes)", __wasi_path_readlink(dir, "sym", buf, sizeof buf, &n));
    printf("  got %u bytes: %.*s\n", (unsigned)n, (int)n, buf);
    SHOW("path_readlink(target.txt)", __wasi_path_readlink(dir, "target.txt", buf, sizeof buf, &n));
    SHOW("path_link(target.txt -> hard)", __wasi_path_link(dir, 0, "target.txt", dir, "hard"));
    __wasi_filestat_t st;
    SHOW("path_filestat_get(hard)", __wasi_path_filestat_get(dir, 0, "hard", &st));
    printf("  type=%d nlink=%llu size=%llu\n", st.filetype, (unsigned long long)st.nlink, (unsigned long long)st.size);
    SHOW("path_filestat_get(sym, no follow)", __wasi_path_filestat_get(dir, 0, "sym", &st));
    printf("  type=%d\n", st.filetype);
    SHOW("path_filestat_get(sym, follow)", __wasi_path_filestat_get(dir, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "sym", &st));
    printf("  type=%d size=%llu\n", st.filetype, (unsigned long long)st.size);
    SHOW("path_filestat_set_times(ATIM and ATIM_NOW)",
         __wasi_path_filestat_set_times(dir, 0, "hard", 0, 0, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW));
    SHOW("path_filestat_set_times(fixed)",
         __wasi_path_filestat_set_times(dir, 0, "hard", 1000000000000000000ull, 1100000000123456789ull,
                                        __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM));
    SHOW("fd_filestat_get(file)", __wasi_fd_filestat_get(file, &st));
    printf("  atim=%llu mtim=%llu\n", (unsigned long long)st.atim, (unsigned long long)st.mtim);
    SHOW("fd_filestat_set_times(file, fixed mtime)",
         __wasi_fd_filestat_set_times(file, 0, 1200000000000000000ull, __WASI_FSTFLAGS_MTIM));
    SHOW("fd_filestat_get(file)", __wasi_fd_filestat_get(file, &st));
    printf("  mtim=%llu\n", (unsigned long long)st.mtim);

    __wasi_fd_t other = open_file("other.txt", __WASI_OFLAGS_CREAT, 0);
    SHOW("fd_renumber(other, 999)", __wasi_fd_renumber(other, 999));
    SHOW("fd_renumber(other, other)", __wasi_fd_renumber(other, other));
    SHOW("fd_renumber(other, file)", __wasi_fd_renumber(other, file));
    SHOW("fd_close(other)", __wasi_fd_close(other));
    SHOW("fd_fdstat_get(file)", __wasi_fd_fdstat_get(file, &fdstat));
    printf("  flags after renumber=%d\n", fdstat.fs_flags);
    SHOW("fd_close(file)", __wasi_fd_close(file));
    SHOW("fd_close(file) again", __wasi_fd_close(file));

    // Directory operations that fail in the host.
    SHOW("path_create_directory(d)", __wasi_path_create_directory(dir, "d"));
    SHOW("path_create_directory(d) again", __wasi_path_create_directory(dir, "d"));
    __wasi_fd_t dfd = 0;
    SHOW("path_open(d, no O_DIRECTORY)", __wasi_path_open(dir, 0, "d", 0, RW, RW, 0, &dfd));
    SHOW("fd_write(directory)", __wasi_fd_write(dfd, &iov, 1, &n));
    SHOW("fd_seek(directory)", __wasi_fd_seek(dfd, 0, __WASI_WHENCE_SET, &pos));
    SHOW("fd_close(directory)", __wasi_fd_close(dfd));
    SHOW("path_open(target.txt, O_DIRECTORY)", __wasi_path_open(dir, 0, "target.txt", __WASI_OFLAGS_DIRECTORY, RW, RW, 0, &dfd));
    SHOW("path_open(sym, nofollow, O_DIRECTORY)", __wasi_path_open(dir, 0, "sym", __WASI_OFLAGS_DIRECTORY, RW, RW, 0, &dfd));
    SHOW("path_remove_directory(target.txt)", __wasi_path_remove_directory(dir, "target.txt"));
    SHOW("path_unlink_file(d)", __wasi_path_unlink_file(dir, "d"));
    SHOW("path_rename(missing, x)", __wasi_path_rename(dir, "missing", dir, "x"));
    SHOW("path_rename(hard, d)", __wasi_path_rename(dir, "hard", dir, "d"));
    SHOW("path_unlink_file(sym)", __wasi_path_unlink_file(dir, "sym"));
    SHOW("path_remove_directory(d)", __wasi_path_remove_directory(dir, "d"));
    return 0;
}
