/*
 * files: filesystem operations in the preopened directory (relative paths,
 * resolved against the preopen).
 *
 * Creates, writes, appends (O_APPEND), seeks and reads back, pread/pwrite,
 * ftruncate (shrink and extend), rename, unlink, mkdir, fills a subdirectory
 * with 300 files and reads it back with readdir (twice, with rewinddir),
 * checks several error cases (printed as errno names, not strerror text),
 * and stats sizes. Leaves renamed.txt, summary.txt and keep/ (10 files) behind.
 *
 * Output contains no inode numbers, timestamps or addresses.
 */
#define _DEFAULT_SOURCE /* POSIX/BSD declarations even under -std=c11 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#define NFILES 300
#define NKEEP 10

static const char *errno_name(int e) {
    switch (e) {
    case 0: return "OK";
    case EPERM: return "EPERM";
    case ENOENT: return "ENOENT";
    case EIO: return "EIO";
    case EBADF: return "EBADF";
    case EAGAIN: return "EAGAIN";
    case ENOMEM: return "ENOMEM";
    case EACCES: return "EACCES";
    case EFAULT: return "EFAULT";
    case EBUSY: return "EBUSY";
    case EEXIST: return "EEXIST";
    case EXDEV: return "EXDEV";
    case ENOTDIR: return "ENOTDIR";
    case EISDIR: return "EISDIR";
    case EINVAL: return "EINVAL";
    case ENFILE: return "ENFILE";
    case EMFILE: return "EMFILE";
    case EFBIG: return "EFBIG";
    case ENOSPC: return "ENOSPC";
    case ESPIPE: return "ESPIPE";
    case EROFS: return "EROFS";
    case EMLINK: return "EMLINK";
    case ENAMETOOLONG: return "ENAMETOOLONG";
    case ENOSYS: return "ENOSYS";
    case ENOTEMPTY: return "ENOTEMPTY";
    case ELOOP: return "ELOOP";
    case ENOTSUP: return "ENOTSUP";
    case ENOTCAPABLE: return "ENOTCAPABLE";
    default: return "E(other)";
    }
}

/* Prints "<what>: ok" or "<what>: failed <ERRNO>" and returns the result. */
static int check(const char *what, int rc) {
    if (rc < 0)
        printf("%s: failed %s\n", what, errno_name(errno));
    else
        printf("%s: ok\n", what);
    return rc;
}

/* Expects a failure; prints the errno name (or "unexpectedly succeeded"). */
static void expect_fail(const char *what, int rc) {
    if (rc < 0)
        printf("%s: %s\n", what, errno_name(errno));
    else
        printf("%s: unexpectedly succeeded\n", what);
}

static void print_size(const char *path) {
    struct stat st;
    if (stat(path, &st) < 0) {
        printf("stat(%s): %s\n", path, errno_name(errno));
        return;
    }
    const char *kind = S_ISREG(st.st_mode) ? "file" : S_ISDIR(st.st_mode) ? "dir" : "other";
    if (S_ISDIR(st.st_mode))
        printf("stat(%s): %s\n", path, kind);
    else
        printf("stat(%s): %s, %lld bytes\n", path, kind, (long long)st.st_size);
}

static int write_all(int fd, const void *buf, size_t n) {
    const char *p = buf;
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static int write_file(const char *path, const char *content, size_t len) {
    int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
    if (fd < 0)
        return -1;
    int rc = write_all(fd, content, len);
    if (close(fd) < 0)
        rc = -1;
    return rc;
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Lists a directory: returns the number of entries other than . and .. and
 * prints the sorted first and last names. */
static int list_dir(const char *path, int print_names) {
    DIR *d = opendir(path);
    if (!d) {
        printf("opendir(%s): %s\n", path, errno_name(errno));
        return -1;
    }
    char **names = NULL;
    size_t n = 0, cap = 0, second = 0;
    int dots = 0, regular = 0, pass;
    for (pass = 0; pass < 2; pass++) {
        size_t count = 0;
        struct dirent *ent;
        errno = 0;
        while ((ent = readdir(d)) != NULL) {
            if (strcmp(ent->d_name, ".") == 0 || strcmp(ent->d_name, "..") == 0) {
                if (pass == 0)
                    dots++;
                continue;
            }
            count++;
            if (pass == 1)
                continue;
            if (ent->d_type == DT_REG)
                regular++;
            if (n == cap) {
                cap = cap ? cap * 2 : 64;
                names = realloc(names, cap * sizeof *names);
            }
            names[n++] = strdup(ent->d_name);
        }
        if (errno != 0)
            printf("readdir(%s): %s\n", path, errno_name(errno));
        if (pass == 1)
            second = count;
        rewinddir(d);
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_str);
    printf("readdir(%s): %zu entries (+%d dot entries), %d regular files\n", path, n, dots,
           regular);
    if (n > 0 && print_names)
        printf("readdir(%s): first=%s last=%s\n", path, names[0], names[n - 1]);
    printf("readdir(%s) after rewinddir: same count: %s\n", path, second == n ? "yes" : "no");
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return (int)n;
}

int main(void) {
    char buf[256];
    int fd;
    ssize_t n;

    printf("files: start\n");

    /* Leftovers from an earlier run in the same directory would change the
     * output; the harness gives a fresh directory, so report them. */
    if (access("renamed.txt", F_OK) == 0 || access("keep", F_OK) == 0)
        printf("warning: directory not empty at start\n");

    /* create + write */
    fd = check("open(data.txt, O_CREAT|O_WRONLY|O_TRUNC)",
               open("data.txt", O_CREAT | O_WRONLY | O_TRUNC, 0644));
    if (fd < 0)
        return 1;
    for (int i = 0; i < 10; i++) {
        int len = snprintf(buf, sizeof buf, "line %02d: the quick brown fox\n", i);
        if (write_all(fd, buf, (size_t)len) < 0)
            printf("write: %s\n", errno_name(errno));
    }
    check("fsync(data.txt)", fsync(fd));
    check("close", close(fd));
    print_size("data.txt");

    /* append: even after seeking to 0, writes go to the end */
    fd = check("open(data.txt, O_WRONLY|O_APPEND)", open("data.txt", O_WRONLY | O_APPEND));
    if (fd < 0)
        return 1;
    printf("lseek(0, SEEK_SET) = %lld\n", (long long)lseek(fd, 0, SEEK_SET));
    if (write_all(fd, "appended line\n", 14) < 0)
        printf("write: %s\n", errno_name(errno));
    printf("offset after append = %lld\n", (long long)lseek(fd, 0, SEEK_CUR));
    check("close", close(fd));
    print_size("data.txt");

    /* read back with seeks */
    fd = check("open(data.txt, O_RDWR)", open("data.txt", O_RDWR));
    if (fd < 0)
        return 1;
    printf("lseek(SEEK_END) = %lld\n", (long long)lseek(fd, 0, SEEK_END));
    printf("lseek(-14, SEEK_END) = %lld\n", (long long)lseek(fd, -14, SEEK_END));
    n = read(fd, buf, sizeof buf - 1);
    buf[n < 0 ? 0 : n] = 0;
    printf("read %zd bytes: [%.*s]\n", n, n > 0 ? (int)n - 1 : 0, buf);
    printf("read at EOF = %zd\n", read(fd, buf, sizeof buf));
    printf("lseek(40, SEEK_SET) = %lld\n", (long long)lseek(fd, 40, SEEK_SET));
    n = read(fd, buf, 20);
    printf("read %zd bytes: [%.*s]\n", n, (int)(n < 0 ? 0 : n), buf);
    printf("lseek(-5, SEEK_CUR) = %lld\n", (long long)lseek(fd, -5, SEEK_CUR));
    n = read(fd, buf, 5);
    printf("read %zd bytes: [%.*s]\n", n, (int)(n < 0 ? 0 : n), buf);
    errno = 0;
    expect_fail("lseek(-1000, SEEK_SET)", (int)lseek(fd, -1000, SEEK_SET));

    /* pwrite/pread do not move the offset */
    off_t before = lseek(fd, 0, SEEK_CUR);
    printf("pwrite = %zd\n", pwrite(fd, "LINE", 4, 0));
    n = pread(fd, buf, 12, 0);
    printf("pread %zd bytes: [%.*s]\n", n, (int)(n < 0 ? 0 : n), buf);
    printf("offset unchanged by pread/pwrite: %s\n",
           lseek(fd, 0, SEEK_CUR) == before ? "yes" : "no");

    /* ftruncate shrink then extend; the extension reads back as zeros */
    check("ftruncate(20)", ftruncate(fd, 20));
    struct stat st;
    if (fstat(fd, &st) == 0)
        printf("fstat size after shrink = %lld\n", (long long)st.st_size);
    check("ftruncate(100)", ftruncate(fd, 100));
    if (fstat(fd, &st) == 0)
        printf("fstat size after extend = %lld\n", (long long)st.st_size);
    n = pread(fd, buf, sizeof buf, 0);
    int zeros = 0;
    for (ssize_t i = 20; i < n; i++)
        zeros += buf[i] == 0;
    printf("pread after extend = %zd bytes, %d zero bytes past 20, head=[%.20s]\n", n, zeros,
           buf);
    check("close", close(fd));
    errno = 0;
    expect_fail("close(closed fd)", close(fd));

    /* rename and unlink */
    check("rename(data.txt, renamed.txt)", rename("data.txt", "renamed.txt"));
    print_size("data.txt");
    print_size("renamed.txt");
    check("write_file(temp.txt)", write_file("temp.txt", "temporary\n", 10));
    print_size("temp.txt");
    check("unlink(temp.txt)", unlink("temp.txt"));
    expect_fail("access(temp.txt)", access("temp.txt", F_OK));
    expect_fail("unlink(temp.txt) again", unlink("temp.txt"));

    /* error cases */
    expect_fail("open(missing.txt, O_RDONLY)", open("missing.txt", O_RDONLY));
    expect_fail("open(missing/x.txt, O_CREAT)", open("missing/x.txt", O_CREAT | O_WRONLY, 0644));
    expect_fail("open(renamed.txt, O_CREAT|O_EXCL)",
                open("renamed.txt", O_CREAT | O_EXCL | O_WRONLY, 0644));
    expect_fail("open(renamed.txt/x, O_RDONLY)", open("renamed.txt/x", O_RDONLY));
    expect_fail("open(../escape.txt, O_CREAT)",
                open("../escape.txt", O_CREAT | O_WRONLY, 0644));

    /* directory with many files */
    check("mkdir(many)", mkdir("many", 0755));
    expect_fail("mkdir(many) again", mkdir("many", 0755));
    int created = 0;
    for (int i = 0; i < NFILES; i++) {
        char path[64], content[64];
        snprintf(path, sizeof path, "many/file_%03d.txt", i);
        int len = snprintf(content, sizeof content, "file number %d\n", i);
        if (write_file(path, content, (size_t)len) == 0)
            created++;
        else
            printf("create %s: %s\n", path, errno_name(errno));
    }
    printf("created %d files in many/\n", created);
    print_size("many");
    print_size("many/file_000.txt");
    print_size("many/file_299.txt");
    list_dir("many", 1);

    long long total = 0;
    for (int i = 0; i < NFILES; i++) {
        char path[64];
        snprintf(path, sizeof path, "many/file_%03d.txt", i);
        if (stat(path, &st) == 0)
            total += st.st_size;
    }
    printf("total size of many/*: %lld bytes\n", total);

    expect_fail("rmdir(many) while not empty", rmdir("many"));
    expect_fail("unlink(many)", unlink("many"));
    expect_fail("opendir(renamed.txt)", opendir("renamed.txt") ? 0 : -1);

    /* keep NKEEP files: move them to keep/, delete the rest, remove many/ */
    check("mkdir(keep)", mkdir("keep", 0755));
    int moved = 0, removed = 0;
    for (int i = 0; i < NFILES; i++) {
        char path[64], dest[64];
        snprintf(path, sizeof path, "many/file_%03d.txt", i);
        if (i % (NFILES / NKEEP) == 0) {
            snprintf(dest, sizeof dest, "keep/kept_%03d.txt", i);
            if (rename(path, dest) == 0)
                moved++;
            else
                printf("rename %s: %s\n", path, errno_name(errno));
        } else {
            if (unlink(path) == 0)
                removed++;
            else
                printf("unlink %s: %s\n", path, errno_name(errno));
        }
    }
    printf("moved %d files to keep/, removed %d\n", moved, removed);
    list_dir("many", 0);
    check("rmdir(many) once empty", rmdir("many"));
    print_size("many");
    list_dir("keep", 1);

    /* a summary file left behind */
    int len = snprintf(buf, sizeof buf, "created=%d moved=%d removed=%d total=%lld\n", created,
                       moved, removed, total);
    check("write_file(summary.txt)", write_file("summary.txt", buf, (size_t)len));
    print_size("summary.txt");
    list_dir(".", 1);

    printf("files: done\n");
    return 0;
}
