/*
 * timers: sleeps with nanosleep/usleep/poll and checks CLOCK_MONOTONIC and
 * CLOCK_REALTIME. Only booleans are printed, never durations.
 */
#define _DEFAULT_SOURCE /* POSIX/BSD declarations even under -std=c11 */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static int64_t now_ns(clockid_t clk) {
    struct timespec ts;
    if (clock_gettime(clk, &ts) != 0)
        return -1;
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static const char *yes_no(int b) { return b ? "yes" : "no"; }

int main(void) {
    const int64_t ms = 1000000;

    struct timespec res;
    printf("clock_getres(MONOTONIC) ok and nonzero: %s\n",
           yes_no(clock_getres(CLOCK_MONOTONIC, &res) == 0 &&
                  (res.tv_sec > 0 || res.tv_nsec > 0)));
    printf("clock_getres(REALTIME) ok and nonzero: %s\n",
           yes_no(clock_getres(CLOCK_REALTIME, &res) == 0 &&
                  (res.tv_sec > 0 || res.tv_nsec > 0)));

    /* REALTIME: after 2020-01-01 and before 2200-01-01. */
    int64_t rt = now_ns(CLOCK_REALTIME);
    printf("realtime plausible: %s\n",
           yes_no(rt / 1000000000 > 1577836800LL && rt / 1000000000 < 7258118400LL));

    /* MONOTONIC never goes backwards. */
    int64_t prev = now_ns(CLOCK_MONOTONIC), first = prev;
    int backwards = 0;
    for (int i = 0; i < 10000; i++) {
        int64_t t = now_ns(CLOCK_MONOTONIC);
        if (t < prev)
            backwards = 1;
        prev = t;
    }
    printf("monotonic readable: %s\n", yes_no(first >= 0));
    printf("monotonic non-decreasing over 10000 reads: %s\n", yes_no(!backwards));

    int64_t t0 = now_ns(CLOCK_MONOTONIC);
    struct timespec req = {0, 10 * ms};
    int rc = nanosleep(&req, NULL);
    int64_t t1 = now_ns(CLOCK_MONOTONIC);
    printf("nanosleep(10ms) returned 0: %s\n", yes_no(rc == 0));
    printf("slept >= 10ms: %s\n", yes_no(t1 - t0 >= 10 * ms));

    t0 = now_ns(CLOCK_MONOTONIC);
    rc = usleep(20000);
    t1 = now_ns(CLOCK_MONOTONIC);
    printf("usleep(20000) returned 0: %s\n", yes_no(rc == 0));
    printf("slept >= 20ms: %s\n", yes_no(t1 - t0 >= 20 * ms));

    t0 = now_ns(CLOCK_MONOTONIC);
    for (int i = 0; i < 5; i++) {
        req.tv_sec = 0;
        req.tv_nsec = 2 * ms;
        nanosleep(&req, NULL);
    }
    t1 = now_ns(CLOCK_MONOTONIC);
    printf("5 x nanosleep(2ms) slept >= 10ms: %s\n", yes_no(t1 - t0 >= 10 * ms));

    req.tv_sec = 0;
    req.tv_nsec = 0;
    printf("nanosleep(0) returned 0: %s\n", yes_no(nanosleep(&req, NULL) == 0));

    req.tv_sec = 0;
    req.tv_nsec = 1000000000; /* out of range */
    errno = 0;
    rc = nanosleep(&req, NULL);
    printf("nanosleep(tv_nsec=1e9) fails with EINVAL: %s\n", yes_no(rc == -1 && errno == EINVAL));

    t0 = now_ns(CLOCK_MONOTONIC);
    rc = poll(NULL, 0, 15);
    t1 = now_ns(CLOCK_MONOTONIC);
    printf("poll(no fds, 15ms) returned 0: %s\n", yes_no(rc == 0));
    printf("slept >= 15ms: %s\n", yes_no(t1 - t0 >= 15 * ms));

    t0 = now_ns(CLOCK_MONOTONIC);
    struct timespec abs;
    clock_gettime(CLOCK_MONOTONIC, &abs);
    abs.tv_nsec += 10 * ms;
    if (abs.tv_nsec >= 1000000000) {
        abs.tv_sec += 1;
        abs.tv_nsec -= 1000000000;
    }
    rc = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &abs, NULL);
    t1 = now_ns(CLOCK_MONOTONIC);
    printf("clock_nanosleep(MONOTONIC, ABSTIME +10ms) returned 0: %s\n", yes_no(rc == 0));
    printf("slept >= 10ms: %s\n", yes_no(t1 - t0 >= 10 * ms));

    int64_t rt2 = now_ns(CLOCK_REALTIME);
    printf("realtime advanced during the run: %s\n", yes_no(rt2 > rt));
    printf("timers: done\n");
    return 0;
}
