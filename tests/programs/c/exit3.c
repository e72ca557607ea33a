/*
 * exit3: prints to stdout (buffered, so exit() must flush it) and stderr,
 * then exits with status 3 from a nested call.
 */
#include <stdio.h>
#include <stdlib.h>

static void finish(int status) {
    printf("exiting with status %d\n", status);
    exit(status);
}

int main(void) {
    printf("exit3: about to exit\n");
    fprintf(stderr, "exit3: this goes to stderr\n");
    finish(3);
    printf("not reached\n");
    return 0;
}
