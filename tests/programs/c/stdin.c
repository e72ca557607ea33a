/*
 * stdin: copies all of stdin to stdout unchanged, using read(2)/write(2)
 * directly, then reports the byte count, the number of reads that returned
 * data and an FNV-1a checksum on stderr.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

static unsigned char buf[65536];

int main(void) {
    uint64_t total = 0, hash = 0xcbf29ce484222325ULL;
    for (;;) {
        ssize_t n = read(0, buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN)
                continue;
            fprintf(stderr, "stdin: read failed: errno %d\n", errno);
            return 1;
        }
        if (n == 0)
            break;
        for (ssize_t i = 0; i < n; i++)
            hash = (hash ^ buf[i]) * 0x100000001b3ULL;
        total += (uint64_t)n;
        for (ssize_t off = 0; off < n;) {
            ssize_t w = write(1, buf + off, (size_t)(n - off));
            if (w < 0) {
                if (errno == EINTR || errno == EAGAIN)
                    continue;
                fprintf(stderr, "stdin: write failed: errno %d\n", errno);
                return 1;
            }
            off += w;
        }
    }
    fprintf(stderr, "stdin: copied %llu bytes, fnv1a %016llx\n", (unsigned long long)total,
            (unsigned long long)hash);
    return 0;
}
