// poll: poll_oneoff directly, with the subscription mixes a runtime uses.
// Prints every event's fields except timing-dependent ones, so native and
// adapted runs must agree exactly.
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <wasi/api.h>

static int file_fd;

static __wasi_subscription_t clock_sub(uint64_t userdata, __wasi_clockid_t id, uint64_t timeout, int absolute) {
    __wasi_subscription_t s;
    memset(&s, 0, sizeof s);
    s.userdata = userdata;
    s.u.tag = __WASI_EVENTTYPE_CLOCK;
    s.u.u.clock.id = id;
    s.u.u.clock.timeout = timeout;
    s.u.u.clock.flags = absolute ? __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME : 0;
    return s;
}

static __wasi_subscription_t fd_sub(uint64_t userdata, __wasi_eventtype_t type, int fd) {
    __wasi_subscription_t s;
    memset(&s, 0, sizeof s);
    s.userdata = userdata;
    s.u.tag = type;
    if (type == __WASI_EVENTTYPE_FD_READ) s.u.u.fd_read.file_descriptor = fd;
    else s.u.u.fd_write.file_descriptor = fd;
    return s;
}

static void run(const char *name, __wasi_subscription_t *subs, size_t n) {
    __wasi_event_t events[8];
    __wasi_size_t count = 0;
    memset(events, 0xee, sizeof events);
    __wasi_errno_t err = __wasi_poll_oneoff(subs, events, n, &count);
    printf("%s: errno=%d events=%u\n", name, err, (unsigned)count);
    for (__wasi_size_t i = 0; i < count && err == 0; i++) {
        printf("  userdata=%llu error=%d type=%d", (unsigned long long)events[i].userdata,
               events[i].error, events[i].type);
        if (events[i].type != __WASI_EVENTTYPE_CLOCK)
            printf(" nbytes=%llu flags=%d", (unsigned long long)events[i].fd_readwrite.nbytes,
                   events[i].fd_readwrite.flags);
        printf("\n");
    }
}

int main(void) {
    file_fd = open("poll-data.txt", O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (file_fd < 0) { perror("open"); return 1; }
    write(file_fd, "0123456789", 10);
    lseek(file_fd, 0, SEEK_SET);

    __wasi_subscription_t one_clock[] = {clock_sub(1, __WASI_CLOCKID_MONOTONIC, 10 * 1000 * 1000, 0)};
    run("one relative clock", one_clock, 1);

    // Mixes whose readiness the native host decides by racing host
    // streams (a zero timeout next to a file read, say) are left out: the
    // native answer differs from run to run.
    __wasi_subscription_t writable[] = {
        fd_sub(12, __WASI_EVENTTYPE_FD_WRITE, file_fd),
        fd_sub(13, __WASI_EVENTTYPE_FD_WRITE, 1),
        clock_sub(14, __WASI_CLOCKID_MONOTONIC, 5ull * 1000 * 1000 * 1000, 0),
    };
    run("writable file and stdout before a long clock", writable, 3);

    __wasi_subscription_t readable[] = {fd_sub(11, __WASI_EVENTTYPE_FD_READ, file_fd)};
    run("file read with data", readable, 1);

    lseek(file_fd, 0, SEEK_END);
    __wasi_subscription_t at_end[] = {fd_sub(20, __WASI_EVENTTYPE_FD_READ, file_fd)};
    run("file read at end", at_end, 1);

    __wasi_subscription_t two_clocks[] = {
        clock_sub(30, __WASI_CLOCKID_MONOTONIC, 200ull * 1000 * 1000, 0),
        clock_sub(31, __WASI_CLOCKID_MONOTONIC, 5 * 1000 * 1000, 0),
    };
    run("earliest of two clocks", two_clocks, 2);

    __wasi_timestamp_t now = 0;
    __wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &now);
    __wasi_subscription_t absolute[] = {clock_sub(40, __WASI_CLOCKID_MONOTONIC, now + 5 * 1000 * 1000, 1)};
    run("absolute monotonic deadline", absolute, 1);

    __wasi_subscription_t past[] = {clock_sub(50, __WASI_CLOCKID_REALTIME, 1, 1)};
    run("realtime deadline in the past", past, 1);

    run("no subscriptions", NULL, 0);

    close(file_fd);
    return 0;
}
