// manyfds: holds many descriptors at once (argv[1], default 1000), closes
// every third, opens as many again (the native host hands the highest freed
// number out first), then closes everything. Prints what the numbers were,
// so the adapter's table must grow and number like the native host.
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

int main(int argc, char **argv) {
    int count = argc > 1 ? atoi(argv[1]) : 1000;
    int *fds = malloc(sizeof(int) * count);
    mkdir("many", 0755);
    long sum = 0;
    int lowest = 1 << 30, highest = -1;
    for (int i = 0; i < count; i++) {
        char name[32];
        snprintf(name, sizeof name, "many/f%d", i);
        fds[i] = open(name, O_CREAT | O_RDWR, 0644);
        if (fds[i] < 0) {
            printf("open %d failed: %s\n", i, strerror(errno));
            return 1;
        }
        sum += fds[i];
        if (fds[i] < lowest) lowest = fds[i];
        if (fds[i] > highest) highest = fds[i];
    }
    printf("opened %d: lowest=%d highest=%d sum=%ld\n", count, lowest, highest, sum);
    int closed = 0;
    for (int i = 0; i < count; i += 3, closed++) close(fds[i]);
    long resum = 0;
    int first = -1;
    for (int i = 0; i < count; i += 3) {
        char name[32];
        snprintf(name, sizeof name, "many/f%d", i);
        fds[i] = open(name, O_RDONLY);
        if (first < 0) first = fds[i];
        resum += fds[i];
    }
    printf("closed and reopened %d: first=%d sum=%ld\n", closed, first, resum);
    for (int i = 0; i < count; i++) {
        if (write(fds[i], "x", 1) == 1 || i % 3 == 0) continue;
        printf("write to %d failed\n", fds[i]);
        return 1;
    }
    for (int i = 0; i < count; i++) close(fds[i]);
    printf("closed all\n");
    return 0;
}
