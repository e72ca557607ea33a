// parity: one check per divergence from the native host found by trying
// the adapter as a user would (issue "Parity beyond the examples"). Each
// block prints errnos and deterministic results; the adapter must print
// exactly what the native host prints.
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>

#define IMPORT(name) __attribute__((import_module("wasi_snapshot_preview1"), import_name(#name)))
IMPORT(fd_read) int32_t raw_fd_read(int32_t fd, const void *iovs, int32_t len, int32_t *out);
IMPORT(fd_write) int32_t raw_fd_write(int32_t fd, const void *iovs, int32_t len, int32_t *out);
IMPORT(fd_pread) int32_t raw_fd_pread(int32_t fd, const void *iovs, int32_t len, int64_t off, int32_t *out);
IMPORT(fd_pwrite) int32_t raw_fd_pwrite(int32_t fd, const void *iovs, int32_t len, int64_t off, int32_t *out);
IMPORT(poll_oneoff) int32_t raw_poll(const void *subs, void *events, int32_t n, int32_t *out);

#define SHOW(label, call) printf("%-52s errno=%d\n", label, (int)(call))

static __wasi_fd_t dir = 0;

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

static __wasi_fd_t open_at(__wasi_fd_t at, const char *path, __wasi_oflags_t oflags, __wasi_rights_t rights,
                           __wasi_fdflags_t fdflags) {
    __wasi_fd_t fd = 0;
    __wasi_errno_t e = __wasi_path_open(at, 0, path, oflags, rights, rights, fdflags, &fd);
    printf("open %-47s errno=%d fd=%d\n", path, e, e == 0 ? (int)fd : -1);
    return e == 0 ? fd : (__wasi_fd_t)-1;
}

// Lists `fd` from `cookie` with a buffer of `len` bytes; prints the names
// (the order is the host's, so only the count and an order-free name sum).
static __wasi_dircookie_t list(const char *label, __wasi_fd_t fd, __wasi_dircookie_t cookie, size_t len) {
    static uint8_t buf[4096];
    __wasi_size_t used = 0;
    __wasi_errno_t e = __wasi_fd_readdir(fd, buf, len, cookie, &used);
    printf("%-40s errno=%d", label, e);
    __wasi_dircookie_t last = cookie;
    size_t at = 0, names = 0;
    unsigned sum = 0;
    while (e == 0 && at + sizeof(__wasi_dirent_t) <= used) {
        __wasi_dirent_t d;
        memcpy(&d, buf + at, sizeof d);
        at += sizeof d;
        if (at + d.d_namlen > used) break;
        unsigned h = 0;
        for (size_t i = 0; i < d.d_namlen; i++) h = h * 31 + buf[at + i];
        sum += h; // order-insensitive: the host's directory order is its own
        at += d.d_namlen;
        last = d.d_next;
        names++;
    }
    printf(" entries=%zu names-hash=%u full=%d\n", names, sum, used == len);
    return last;
}

static void zero_length_io(void) {
    puts("-- zero-length I/O meets every check");
    __wasi_fd_t ro = open_at(dir, "ro.txt", __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_READ, 0);
    __wasi_fd_t wo = open_at(dir, "wo.txt", __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_WRITE, 0);
    __wasi_fd_t ap = open_at(dir, "ap.txt", __WASI_OFLAGS_CREAT,
                             __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_SEEK,
                             __WASI_FDFLAGS_APPEND);
    struct { const void *buf; int32_t len; } empty[2] = {{"x", 0}, {"y", 0}};
    int32_t n = -1;
    SHOW("fd_read(dir, no iovecs)", raw_fd_read(dir, empty, 0, &n));
    SHOW("fd_read(dir, empty iovecs)", raw_fd_read(dir, empty, 2, &n));
    SHOW("fd_read(stdout, empty)", raw_fd_read(1, empty, 1, &n));
    SHOW("fd_write(stdin, empty)", raw_fd_write(0, empty, 1, &n));
    SHOW("fd_write(dir, empty)", raw_fd_write(dir, empty, 2, &n));
    SHOW("fd_read(write-only file, empty)", raw_fd_read(wo, empty, 1, &n));
    SHOW("fd_write(read-only file, empty)", raw_fd_write(ro, empty, 1, &n));
    SHOW("fd_pread(write-only file, empty)", raw_fd_pread(wo, empty, 1, 0, &n));
    SHOW("fd_pwrite(read-only file, empty)", raw_fd_pwrite(ro, empty, 1, 0, &n));
    SHOW("fd_pread(file, empty, offset 2^63)", raw_fd_pread(ro, empty, 1, INT64_MIN, &n));
    SHOW("fd_pwrite(file, empty, offset 2^63)", raw_fd_pwrite(wo, empty, 1, INT64_MIN, &n));
    SHOW("fd_read(read-only file, empty)", raw_fd_read(ro, empty, 1, &n));
    printf("  nread=%d\n", n);
    struct { const void *buf; int32_t len; } some = {"0123456789", 10};
    SHOW("fd_write(append file, 10 bytes)", raw_fd_write(ap, &some, 1, &n));
    __wasi_filesize_t pos = 0;
    SHOW("fd_seek(append file, SET 0)", __wasi_fd_seek(ap, 0, __WASI_WHENCE_SET, &pos));
    SHOW("fd_write(append file, empty)", raw_fd_write(ap, empty, 1, &n));
    SHOW("fd_tell(append file)", __wasi_fd_tell(ap, &pos));
    printf("  position after an empty append=%llu\n", (unsigned long long)pos);
    __wasi_fd_close(ro);
    __wasi_fd_close(wo);
    __wasi_fd_close(ap);
}

static void positional_stdio(void) {
    puts("-- positional I/O on standard streams");
    char byte = 0;
    struct { void *buf; int32_t len; } iov = {&byte, 1};
    int32_t n = 0;
    for (int fd = 0; fd < 3; fd++) {
        char label[64];
        snprintf(label, sizeof label, "fd_pread(%d)", fd);
        SHOW(label, raw_fd_pread(fd, &iov, 1, 0, &n));
        snprintf(label, sizeof label, "fd_pwrite(%d)", fd);
        SHOW(label, raw_fd_pwrite(fd, &iov, 1, 0, &n));
    }
}

static void append_without_rights(void) {
    puts("-- appending through a descriptor without write rights");
    __wasi_fd_t fd = open_at(dir, "ap-ro.txt", __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_READ, __WASI_FDFLAGS_APPEND);
    struct { const void *buf; int32_t len; } iov = {"abc", 3};
    int32_t n = 0;
    SHOW("fd_write(append, read-only)", raw_fd_write(fd, &iov, 1, &n));
    SHOW("fd_pwrite(append, read-only)", raw_fd_pwrite(fd, &iov, 1, 0, &n));
    SHOW("fd_write(append, read-only) again", raw_fd_write(fd, &iov, 1, &n));
    __wasi_fd_close(fd);
}

static void stale_listing(void) {
    puts("-- fd_readdir sees the directory as it is at each call");
    __wasi_errno_t e = __wasi_path_create_directory(dir, "list");
    printf("mkdir list errno=%d\n", e);
    __wasi_fd_t d = open_at(dir, "list", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READDIR, 0);
    list("empty", d, 0, 4096);
    __wasi_fd_close(open_at(d, "first", __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_WRITE, 0));
    list("after creating one, from 0", d, 0, 4096);
    __wasi_dircookie_t c = list("partial (buffer of 40)", d, 0, 40);
    __wasi_fd_close(open_at(d, "second", __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_WRITE, 0));
    __wasi_fd_close(open_at(d, "third", __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_WRITE, 0));
    list("resumed after adding two", d, c, 4096);
    c = list("partial again (buffer of 60)", d, 0, 60);
    printf("unlink first errno=%d\n", __wasi_path_unlink_file(d, "first"));
    printf("unlink second errno=%d\n", __wasi_path_unlink_file(d, "second"));
    list("resumed after removing two", d, c, 4096);
    list("from 0 again", d, 0, 4096);
    __wasi_fd_close(d);
}

struct subscription {
    uint64_t userdata;
    uint8_t tag;
    uint8_t pad[7];
    uint32_t clock_id; // or fd
    uint32_t pad2;
    uint64_t timeout;
    uint64_t precision;
    uint16_t flags;
    uint8_t pad3[6];
};
struct event {
    uint64_t userdata;
    uint16_t error;
    uint8_t type;
    uint8_t pad[5];
    uint64_t nbytes;
    uint16_t flags;
    uint8_t pad2[6];
};

static void poll_case(const char *label, struct subscription *subs, int n) {
    struct event events[4];
    memset(events, 0xee, sizeof events);
    int32_t count = -1;
    __wasi_errno_t e = raw_poll(subs, events, n, &count);
    printf("%-44s errno=%d", label, e);
    if (e == 0) {
        printf(" n=%d", count);
        for (int i = 0; i < count; i++)
            printf(" [ud=%llu err=%d type=%d nbytes=%llu flags=%d]", (unsigned long long)events[i].userdata,
                   events[i].error, events[i].type, (unsigned long long)events[i].nbytes, events[i].flags);
    }
    printf("\n");
}

static struct subscription clock_sub(uint64_t ud, uint32_t id, uint64_t timeout, uint16_t flags) {
    struct subscription s;
    memset(&s, 0, sizeof s);
    s.userdata = ud;
    s.tag = 0;
    s.clock_id = id;
    s.timeout = timeout;
    s.flags = flags;
    return s;
}

static struct subscription fd_sub(uint64_t ud, uint8_t tag, uint32_t fd) {
    struct subscription s;
    memset(&s, 0, sizeof s);
    s.userdata = ud;
    s.tag = tag;
    s.clock_id = fd;
    return s;
}

static void polls(void) {
    puts("-- poll_oneoff");
    struct subscription s[3];
    s[0] = clock_sub(1, 1, 1000, 0);
    poll_case("lone relative clock", s, 1);
    s[0] = clock_sub(1, 2, 1000, 0);
    poll_case("lone relative CPU-time clock", s, 1);
    s[0] = clock_sub(1, 1, 0, 0);
    s[1] = clock_sub(2, 1, 0, 2);
    poll_case("unknown subclock flag bits", s, 2);
    s[1] = clock_sub(2, 9, 0, 0);
    poll_case("unknown clock id", s, 2);
    s[1] = clock_sub(2, 2, 0, 0);
    poll_case("CPU-time clock with another subscription", s, 2);
    s[1] = fd_sub(2, 7, 1);
    poll_case("unknown event tag", s, 2);
    s[1] = fd_sub(2, 1, 999);
    poll_case("read on a closed descriptor", s, 2);
    s[1] = fd_sub(2, 1, dir);
    poll_case("read on a directory", s, 2);
    s[1] = fd_sub(2, 1, 1);
    poll_case("read on stdout", s, 2);
    s[1] = fd_sub(2, 2, 1);
    s[2] = clock_sub(3, 0, 0, 0);
    poll_case("write on stdout + two zero clocks", s, 3);
}

static void numbering(void) {
    puts("-- descriptor numbers: the highest freed first");
    __wasi_fd_t fds[5];
    for (int i = 0; i < 5; i++) {
        char name[16];
        snprintf(name, sizeof name, "num%d", i);
        fds[i] = open_at(dir, name, __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_WRITE, 0);
    }
    __wasi_fd_close(fds[1]);
    __wasi_fd_close(fds[3]);
    __wasi_fd_t a = open_at(dir, "num0", 0, __WASI_RIGHTS_FD_WRITE, 0);
    __wasi_fd_t b = open_at(dir, "num1", 0, __WASI_RIGHTS_FD_WRITE, 0);
    __wasi_fd_t c = open_at(dir, "num2", 0, __WASI_RIGHTS_FD_WRITE, 0);
    printf("renumber %d -> %d errno=%d\n", c, fds[0], __wasi_fd_renumber(c, fds[0]));
    __wasi_fd_t d = open_at(dir, "num3", 0, __WASI_RIGHTS_FD_WRITE, 0);
    __wasi_fd_close(a);
    __wasi_fd_close(b);
    __wasi_fd_close(d);
    __wasi_fd_close(fds[0]);
    __wasi_fd_close(fds[2]);
    __wasi_fd_close(fds[4]);
}

static void renumbered_preopen(void) {
    puts("-- a preopen keeps its identity through fd_renumber");
    __wasi_fd_t f = open_at(dir, "victim", __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_WRITE, 0);
    __wasi_fd_t copy = open_at(dir, ".", __WASI_OFLAGS_DIRECTORY, 0, 0);
    __wasi_prestat_t p;
    printf("renumber %d -> %d errno=%d\n", dir, f, __wasi_fd_renumber(dir, f));
    SHOW("fd_prestat_get(old number)", __wasi_fd_prestat_get(dir, &p));
    SHOW("fd_prestat_get(new number)", __wasi_fd_prestat_get(f, &p));
    printf("  name length=%d\n", (int)p.u.dir.pr_name_len);
    char name[8] = "zzzzzzz";
    SHOW("fd_prestat_dir_name(new number)", __wasi_fd_prestat_dir_name(f, (uint8_t *)name, 7));
    printf("  name=%s\n", name);
    printf("renumber %d -> 0 errno=%d\n", f, __wasi_fd_renumber(f, 0));
    memset(name, 'z', 7);
    SHOW("fd_prestat_dir_name(0)", __wasi_fd_prestat_dir_name(0, (uint8_t *)name, 7));
    printf("  name=%s\n", name);
    SHOW("fd_prestat_get(copy of the directory)", __wasi_fd_prestat_get(copy, &p));
    dir = 0;
    __wasi_fd_close(copy);
}

static void budgets(void) {
    puts("-- sizes the native host refuses with ENOMEM");
    static struct { const void *buf; int32_t len; } iov = {"x", 144 << 20};
    int32_t n = 0;
    SHOW("fd_write(stdout, 0x20000000 iovecs)", raw_fd_write(1, &iov, 0x20000000, &n));
    SHOW("fd_write(stdout, one 144 MiB iovec)", raw_fd_write(1, &iov, 1, &n));
    SHOW("fd_read(stdin, one 144 MiB iovec)", raw_fd_read(0, &iov, 1, &n));
    struct subscription s[2];
    s[0] = clock_sub(1, 1, 0, 0);
    s[1] = clock_sub(2, 1, 0, 0);
    struct event e[2];
    SHOW("poll_oneoff(0x10000000 subscriptions)", raw_poll(s, e, 0x10000000, &n));
}

int main(void) {
    find_dot_preopen();
    printf("found the \".\" preopen: %s\n", dir ? "yes" : "no");
    zero_length_io();
    positional_stdio();
    append_without_rights();
    stale_listing();
    polls();
    numbering();
    budgets();
    renumbered_preopen();
    return 0;
}
