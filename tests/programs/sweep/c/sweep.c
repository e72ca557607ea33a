/*
 * sweep: one program, several "what to do" modes, run by the sweep harness
 * (tests/src/sweeps.rs) at many sizes. The mode is the SWEEP environment
 * variable (unset: "report", so the environment and argument sweeps control
 * the whole environment); numeric parameters are the arguments.
 *
 *   report                  arguments and environment, then some heap work
 *   preopens                every preopen (raw fd_prestat_*), its marker file
 *   iovec <n> <pattern>     writev/readv/pwritev/preadv with n iovecs
 *   readdir <bufsize>       raw fd_readdir of "d" with a fixed buffer size
 *   listdir                 readdir(3) of "d"
 *   paths <comp> <depth>    nested directories, a file at the leaf, cleanup
 *
 * Built as a command and, with -DSWEEP_REACTOR, as a reactor exporting
 * `report`. Output must be deterministic: no inode numbers, no addresses.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>
#include <wasi/api.h>

extern char **environ;

static uint64_t fnv1a(uint64_t h, const void *data, size_t n) {
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}
#define FNV_START 0xcbf29ce484222325ULL

/* At most 48 bytes of `s`, for showing a sample of a long string. */
static void print_sample(const char *label, size_t index, const char *s) {
    size_t n = strlen(s);
    printf("%s[%zu] len=%zu fnv=%016llx text=%.48s\n", label, index, n,
           (unsigned long long)fnv1a(FNV_START, s, n), s);
}

/* Summary of a NULL-terminated string list plus the first 3 and last 2. */
static void print_list(const char *label, char **list, size_t count) {
    size_t bytes = 0;
    uint64_t h = FNV_START;
    for (size_t i = 0; i < count; i++) {
        size_t n = strlen(list[i]);
        bytes += n;
        h = fnv1a(h, list[i], n + 1); /* including the NUL separator */
    }
    printf("%sc=%zu bytes=%zu fnv=%016llx\n", label, count, bytes, (unsigned long long)h);
    for (size_t i = 0; i < count; i++)
        if (i < 3 || i + 2 >= count)
            print_sample(label, i, list[i]);
}

static void print_lookup(const char *name) {
    const char *v = getenv(name);
    if (v)
        printf("getenv(%.48s) len=%zu fnv=%016llx\n", name, strlen(v),
               (unsigned long long)fnv1a(FNV_START, v, strlen(v)));
    else
        printf("getenv(%.48s) unset\n", name);
}

/* Looks up the variable whose "K=V" entry is `entry`. */
static void lookup_entry(const char *entry) {
    const char *eq = strchr(entry, '=');
    size_t n = eq ? (size_t)(eq - entry) : strlen(entry);
    char *name = malloc(n + 1);
    memcpy(name, entry, n);
    name[n] = 0;
    print_lookup(name);
    free(name);
}

/* Allocations after start-up, so a heap the adapter disturbed shows. */
static void heap_work(void) {
    enum { BLOCKS = 64, BLOCK = 256 << 10 };
    unsigned char *blocks[BLOCKS];
    uint64_t sum = 0;
    for (int round = 0; round < 2; round++) {
        for (int i = 0; i < BLOCKS; i++) {
            if (round == 1 && i % 2 == 0)
                continue; /* keep the even blocks from round 0 */
            blocks[i] = malloc(BLOCK);
            if (!blocks[i]) {
                printf("heap: malloc failed\n");
                return;
            }
            memset(blocks[i], (i * 7 + round) & 0xff, BLOCK);
        }
        if (round == 0)
            for (int i = 1; i < BLOCKS; i += 2)
                free(blocks[i]);
    }
    for (int i = 0; i < BLOCKS; i++) {
        sum = fnv1a(sum, blocks[i], 64);
        sum += blocks[i][BLOCK - 1];
        free(blocks[i]);
    }
    printf("heap ok sum=%016llx\n", (unsigned long long)sum);
}

static int report(int argc, char **argv) {
    print_list("arg", argv, (size_t)argc);
    size_t envc = 0;
    while (environ && environ[envc])
        envc++;
    print_list("env", environ, envc);
    if (envc > 0) {
        lookup_entry(environ[0]);
        lookup_entry(environ[envc / 2]);
        lookup_entry(environ[envc - 1]);
    }
    print_lookup("SWEEP_SURELY_UNSET");
    heap_work();
    return 0;
}

#ifndef SWEEP_REACTOR /* the reactor only reports */

/* ---- preopens ---------------------------------------------------------- */

static int preopens(void) {
    int found = 0;
    for (__wasi_fd_t fd = 3;; fd++) {
        __wasi_prestat_t prestat;
        __wasi_errno_t err = __wasi_fd_prestat_get(fd, &prestat);
        if (err == __WASI_ERRNO_BADF)
            break;
        if (err != 0) {
            printf("fd %u: fd_prestat_get errno %u\n", fd, err);
            continue;
        }
        size_t len = prestat.u.dir.pr_name_len;
        char *name = calloc(len + 1, 1);
        err = __wasi_fd_prestat_dir_name(fd, (uint8_t *)name, len);
        printf("fd %u: tag=%u len=%zu errno=%u fnv=%016llx name=%.48s\n", fd, prestat.tag, len, err,
               (unsigned long long)fnv1a(FNV_START, name, len), name);
        found++;

        /* The marker the harness put in this preopen, found through the
         * libc's own preopen table by name. */
        char *path = malloc(len + 16);
        snprintf(path, len + 16, "%s/marker", name);
        FILE *f = fopen(path, "r");
        if (f) {
            char text[64] = {0};
            size_t n = fread(text, 1, sizeof text - 1, f);
            fclose(f);
            while (n > 0 && text[n - 1] == '\n')
                n--;
            printf("  marker: %.*s\n", (int)n, text);
        } else {
            printf("  marker: %s\n", strerror(errno));
        }
        snprintf(path, len + 16, "%s/seen", name);
        f = fopen(path, "w");
        if (f) {
            fprintf(f, "fd %u\n", fd);
            fclose(f);
        } else {
            printf("  seen: %s\n", strerror(errno));
        }
        free(path);
        free(name);
    }
    printf("preopens=%d\n", found);
    return 0;
}

/* ---- iovec -------------------------------------------------------------- */

/* Size of iovec `i` for a pattern; the same formulas in every language. */
static size_t iov_size(const char *pattern, size_t i, size_t n) {
    if (strcmp(pattern, "ones") == 0)
        return 1;
    if (strcmp(pattern, "mixed") == 0)
        return (i * 7919) % 5000; /* includes zero-length iovecs */
    if (strcmp(pattern, "alternate") == 0)
        return i % 2 ? 4096 : 0;
    if (strcmp(pattern, "last") == 0)
        return i + 1 == n ? 65536 : 0;
    if (strcmp(pattern, "large") == 0)
        return 65536 + i;
    return (size_t)atol(pattern); /* a constant size */
}

/* Writes all iovecs, looping over short writes as a caller must. */
static int write_all(int fd, struct iovec *iov, int n, off_t offset, int positional) {
    struct iovec *rest = malloc(sizeof *iov * (n ? n : 1));
    memcpy(rest, iov, sizeof *iov * n);
    struct iovec *cur = rest;
    int left = n;
    while (left > 0) {
        while (left > 0 && cur->iov_len == 0) {
            cur++;
            left--;
        }
        if (left == 0)
            break;
        ssize_t w = positional ? pwritev(fd, cur, left, offset) : writev(fd, cur, left);
        if (w <= 0) {
            fprintf(stderr, "write failed: %s\n", w < 0 ? strerror(errno) : "0 bytes");
            free(rest);
            return -1;
        }
        offset += w;
        while (w > 0) {
            size_t step = (size_t)w < cur->iov_len ? (size_t)w : cur->iov_len;
            cur->iov_base = (char *)cur->iov_base + step;
            cur->iov_len -= step;
            w -= step;
            if (cur->iov_len == 0) {
                cur++;
                left--;
            }
        }
    }
    free(rest);
    return 0;
}

/* Reads until every iovec is full or end of file; returns bytes read. */
static ssize_t read_all(int fd, struct iovec *iov, int n, off_t offset, int positional) {
    struct iovec *rest = malloc(sizeof *iov * (n ? n : 1));
    memcpy(rest, iov, sizeof *iov * n);
    struct iovec *cur = rest;
    int left = n;
    ssize_t total = 0;
    for (;;) {
        while (left > 0 && cur->iov_len == 0) {
            cur++;
            left--;
        }
        if (left == 0)
            break;
        ssize_t r = positional ? preadv(fd, cur, left, offset) : readv(fd, cur, left);
        if (r < 0) {
            printf("read failed: %s\n", strerror(errno));
            break;
        }
        if (r == 0)
            break;
        total += r;
        offset += r;
        while (r > 0) {
            size_t step = (size_t)r < cur->iov_len ? (size_t)r : cur->iov_len;
            cur->iov_base = (char *)cur->iov_base + step;
            cur->iov_len -= step;
            r -= step;
            if (cur->iov_len == 0) {
                cur++;
                left--;
            }
        }
    }
    free(rest);
    return total;
}

static uint64_t iov_hash(struct iovec *iov, int n) {
    uint64_t h = FNV_START;
    for (int i = 0; i < n; i++)
        h = fnv1a(h, iov[i].iov_base, iov[i].iov_len);
    return h;
}

static struct iovec *make_iovecs(int n, const char *pattern, size_t *total, int fill) {
    struct iovec *iov = calloc(n ? n : 1, sizeof *iov);
    *total = 0;
    for (int i = 0; i < n; i++) {
        size_t len = iov_size(pattern, i, n);
        unsigned char *buf = malloc(len ? len : 1);
        for (size_t j = 0; j < len; j++)
            buf[j] = fill ? 'a' + (i + j) % 26 : 0;
        if (len)
            buf[len - 1] = fill ? '\n' : 0;
        iov[i].iov_base = buf;
        iov[i].iov_len = len;
        *total += len;
    }
    return iov;
}

static int iovec_mode(int n, const char *pattern) {
    size_t total;
    struct iovec *out = make_iovecs(n, pattern, &total, 1);
    fprintf(stderr, "iovec n=%d pattern=%s total=%zu fnv=%016llx\n", n, pattern, total,
            (unsigned long long)iov_hash(out, n));
    fflush(stdout);
    if (write_all(1, out, n, 0, 0) != 0)
        return 1;

    int fd = open("iov.out", O_CREAT | O_TRUNC | O_RDWR, 0644);
    if (fd < 0 || write_all(fd, out, n, 0, 0) != 0) {
        fprintf(stderr, "iov.out: %s\n", strerror(errno));
        return 1;
    }
    /* Positional writes land 3 bytes further into a second file. */
    int pfd = open("iov.pos", O_CREAT | O_TRUNC | O_RDWR, 0644);
    if (pfd < 0 || write_all(pfd, out, n, 3, 1) != 0) {
        fprintf(stderr, "iov.pos: %s\n", strerror(errno));
        return 1;
    }

    size_t ignored;
    struct iovec *in = make_iovecs(n, pattern, &ignored, 0);
    lseek(fd, 0, SEEK_SET);
    ssize_t got = read_all(fd, in, n, 0, 0);
    fprintf(stderr, "readv file: %zd bytes fnv=%016llx\n", got, (unsigned long long)iov_hash(in, n));
    in = make_iovecs(n, pattern, &ignored, 0);
    got = read_all(pfd, in, n, 3, 1);
    fprintf(stderr, "preadv file: %zd bytes fnv=%016llx\n", got, (unsigned long long)iov_hash(in, n));
    in = make_iovecs(n, pattern, &ignored, 0);
    got = read_all(0, in, n, 0, 0);
    fprintf(stderr, "readv stdin: %zd bytes fnv=%016llx\n", got, (unsigned long long)iov_hash(in, n));
    close(fd);
    close(pfd);
    return 0;
}

/* ---- readdir ------------------------------------------------------------ */

enum { DIRENT_HEADER = 24 };

/* Raw fd_readdir with a fixed buffer size. When the buffer holds no whole
 * entry the next call uses a buffer big enough for one (as wasi-libc grows
 * its buffer), then the fixed size again. d_ino differs between runs
 * (fresh directories), so it is zeroed before hashing. */
static int readdir_mode(size_t bufsize) {
    int fd = open("d", O_RDONLY | O_DIRECTORY);
    if (fd < 0) {
        printf("open d: %s\n", strerror(errno));
        return 1;
    }
    enum { BIG = 65536 };
    unsigned char *buf = malloc(bufsize > BIG ? bufsize : BIG);
    uint64_t cookie = 0;
    int entries = 0;
    for (int call = 0; call < 100000; call++) {
        size_t size = bufsize;
        __wasi_size_t used = 0;
        memset(buf, 0xee, size);
        __wasi_errno_t err = __wasi_fd_readdir(fd, buf, size, cookie, &used);
        int whole = 0;
        size_t at = 0;
        if (err == 0) {
            /* Count whole entries; zero the inode of every header seen. */
            while (at + DIRENT_HEADER <= used) {
                uint32_t namlen;
                memcpy(&namlen, buf + at + 16, 4);
                memset(buf + at + 8, 0, 8);
                if (at + DIRENT_HEADER + namlen > used)
                    break;
                at += DIRENT_HEADER + namlen;
                whole++;
            }
            /* A truncated last entry may still show (part of) its inode. */
            if (at < used && used - at > 8)
                memset(buf + at + 8, 0, (used - at >= 16 ? 16 : used - at) - 8);
        }
        printf("call %d cookie=%llu size=%zu errno=%u used=%u whole=%d fnv=%016llx\n", call,
               (unsigned long long)cookie, size, err, (unsigned)used, whole,
               (unsigned long long)fnv1a(FNV_START, buf, err == 0 ? used : 0));
        if (err != 0)
            return 1;
        if (whole == 0 && used == size) {
            /* Nothing whole fitted: fetch one entry with a big buffer. */
            memset(buf, 0, BIG);
            err = __wasi_fd_readdir(fd, buf, BIG, cookie, &used);
            if (err != 0 || used < DIRENT_HEADER) {
                printf("  big call errno=%u used=%u\n", err, (unsigned)used);
                return 1;
            }
            whole = 1;
            at = 0;
        } else {
            at = 0;
        }
        /* Print the whole entries (one only, after a big call). */
        int shown = 0;
        while (at + DIRENT_HEADER <= used && shown < whole) {
            uint64_t next;
            uint32_t namlen;
            memcpy(&next, buf + at, 8);
            memcpy(&namlen, buf + at + 16, 4);
            if (at + DIRENT_HEADER + namlen > used)
                break;
            const char *name = (const char *)buf + at + DIRENT_HEADER;
            printf("  next=%llu type=%u namlen=%u fnv=%016llx name=%.*s\n", (unsigned long long)next,
                   buf[at + 20], namlen, (unsigned long long)fnv1a(FNV_START, name, namlen),
                   namlen > 40 ? 40 : (int)namlen, name);
            cookie = next;
            at += DIRENT_HEADER + namlen;
            shown++;
            entries++;
        }
        if (used < size && shown == whole && at == used)
            break; /* a short buffer: end of the directory */
    }
    printf("entries=%d\n", entries);
    return 0;
}

static int compare_names(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int listdir_mode(void) {
    DIR *dir = opendir("d");
    if (!dir) {
        printf("opendir d: %s\n", strerror(errno));
        return 1;
    }
    size_t count = 0, cap = 16;
    char **names = malloc(cap * sizeof *names);
    struct dirent *e;
    while ((e = readdir(dir))) {
        if (count == cap)
            names = realloc(names, (cap *= 2) * sizeof *names);
        names[count++] = strdup(e->d_name);
    }
    closedir(dir);
    qsort(names, count, sizeof *names, compare_names);
    uint64_t h = FNV_START;
    for (size_t i = 0; i < count; i++)
        h = fnv1a(h, names[i], strlen(names[i]) + 1);
    printf("listdir count=%zu fnv=%016llx\n", count, (unsigned long long)h);
    for (size_t i = 0; i < count; i++)
        if (i < 3 || i + 2 >= count)
            print_sample("name", i, names[i]);
    return 0;
}

/* ---- paths -------------------------------------------------------------- */

static void show(const char *what, size_t len, int rc) {
    printf("%s len=%zu -> %s\n", what, len, rc == 0 ? "ok" : strerror(errno));
}

/* Directories nested `depth` deep, each component `comp` bytes, a file at
 * the leaf written, read back, renamed and removed, then the directories. */
static int paths_mode(size_t comp, size_t depth) {
    size_t max = depth * (comp + 1) + 16;
    char *path = calloc(max, 1);
    size_t len = 0;
    size_t made = 0;
    for (size_t level = 0; level < depth; level++) {
        if (level)
            path[len++] = '/';
        memset(path + len, 'a' + level % 26, comp);
        len += comp;
        path[len] = 0;
        int rc = mkdir(path, 0755);
        if (rc == 0)
            made++;
        /* Print the first levels, the last ones and every failure. */
        if (level < 2 || level + 2 >= depth || rc != 0)
            show("mkdir", len, rc);
        if (rc != 0)
            break;
    }
    strcpy(path + len, "/f");
    size_t flen = len + 2;
    int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
    show("create", flen, fd < 0 ? -1 : 0);
    if (fd >= 0) {
        ssize_t w = write(fd, "leaf\n", 5);
        printf("write -> %zd\n", w);
        close(fd);
        struct stat st;
        int rc = stat(path, &st);
        show("stat", flen, rc);
        if (rc == 0)
            printf("  size=%lld regular=%d\n", (long long)st.st_size, S_ISREG(st.st_mode));
        char text[16] = {0};
        fd = open(path, O_RDONLY);
        show("open", flen, fd < 0 ? -1 : 0);
        if (fd >= 0) {
            printf("read -> %zd [%.5s]\n", read(fd, text, sizeof text - 1), text);
            close(fd);
        }
        char *renamed = strdup(path);
        renamed[flen - 1] = 'g';
        show("rename", flen, rename(path, renamed));
        show("unlink", flen, unlink(renamed));
        free(renamed);
    }
    /* Remove what was made, deepest first. */
    for (size_t level = made; level > 0; level--) {
        len = level * (comp + 1) - 1;
        path[len] = 0;
        int rc = rmdir(path);
        if (level <= 2 || level + 1 >= made || rc != 0)
            show("rmdir", len, rc);
    }
    printf("made=%zu\n", made);
    return 0;
}

#endif /* !SWEEP_REACTOR */

#ifdef SWEEP_REACTOR
/* The reactor flavour: _initialize has run (environment included); the
 * host calls this with the process's own arguments. */
__attribute__((export_name("report"))) int report_export(void) {
    __wasi_size_t argc, argv_size;
    if (__wasi_args_sizes_get(&argc, &argv_size) != 0)
        return -1;
    char **argv = calloc(argc + 1, sizeof *argv);
    char *argv_buf = malloc(argv_size ? argv_size : 1);
    if (__wasi_args_get((uint8_t **)argv, (uint8_t *)argv_buf) != 0)
        return -1;
    int rc = report((int)argc, argv);
    fflush(stdout);
    free(argv);
    free(argv_buf);
    return rc;
}
#else
int main(int argc, char **argv) {
    const char *mode = getenv("SWEEP");
    int rc;
    if (!mode)
        rc = report(argc, argv);
    else if (strcmp(mode, "preopens") == 0)
        rc = preopens();
    else if (strcmp(mode, "iovec") == 0 && argc == 3)
        rc = iovec_mode(atoi(argv[1]), argv[2]);
    else if (strcmp(mode, "readdir") == 0 && argc == 2)
        rc = readdir_mode((size_t)atol(argv[1]));
    else if (strcmp(mode, "listdir") == 0)
        rc = listdir_mode();
    else if (strcmp(mode, "paths") == 0 && argc == 3)
        rc = paths_mode((size_t)atol(argv[1]), (size_t)atol(argv[2]));
    else {
        printf("unknown mode %s (argc %d)\n", mode, argc);
        rc = 2;
    }
    fflush(stdout);
    return rc;
}
#endif
