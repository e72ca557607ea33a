/*
 * hello: arguments and environment.
 *
 * Prints a greeting, every argument (with its byte length), the number of
 * environment variables, checksums over all "K=V" strings (one that depends
 * on their order and one that does not), the entries whose value contains
 * '=', and a few specific variables looked up with getenv().
 *
 * The harness runs it as: hello "a b" "ünïcode" with VAR_0000..VAR_1999 and a
 * few variables whose values contain '='.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;

#define FNV64_OFFSET 0xcbf29ce484222325ULL
#define FNV64_PRIME 0x100000001b3ULL

static uint64_t fnv1a(uint64_t h, const unsigned char *p, size_t n) {
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= FNV64_PRIME;
    }
    return h;
}

static void print_var(const char *name) {
    const char *v = getenv(name);
    if (v)
        printf("getenv(%s) = [%s]\n", name, v);
    else
        printf("getenv(%s) = (unset)\n", name);
}

int main(int argc, char **argv) {
    printf("Hello from C on WASI!\n");

    printf("argc = %d\n", argc);
    for (int i = 0; i < argc; i++) {
        printf("argv[%d] = [%s] (%zu bytes)\n", i, argv[i], strlen(argv[i]));
    }
    if (argv[argc] != NULL)
        printf("argv is not NULL-terminated!\n");

    size_t count = 0, total_bytes = 0, with_eq_in_value = 0;
    uint64_t ordered = FNV64_OFFSET; /* hash of the whole sequence */
    uint64_t unordered = 0;          /* sum of per-entry hashes */
    for (char **e = environ; *e; e++) {
        size_t n = strlen(*e);
        static const unsigned char sep = 0;
        count++;
        total_bytes += n;
        ordered = fnv1a(ordered, (const unsigned char *)*e, n);
        ordered = fnv1a(ordered, &sep, 1);
        unordered += fnv1a(FNV64_OFFSET, (const unsigned char *)*e, n);
        const char *eq = strchr(*e, '=');
        if (eq && strchr(eq + 1, '='))
            with_eq_in_value++;
    }
    printf("environ count = %zu\n", count);
    printf("environ bytes = %zu\n", total_bytes);
    printf("environ checksum (ordered) = %016llx\n", (unsigned long long)ordered);
    printf("environ checksum (unordered) = %016llx\n", (unsigned long long)unordered);

    printf("entries with '=' in the value: %zu\n", with_eq_in_value);
    for (char **e = environ; *e; e++) {
        const char *eq = strchr(*e, '=');
        if (eq && strchr(eq + 1, '='))
            printf("  [%s]\n", *e);
    }

    print_var("VAR_0000");
    print_var("VAR_0001");
    print_var("VAR_1000");
    print_var("VAR_1999");
    print_var("VAR_2000");
    print_var("NOT_SET_ANYWHERE");

    printf("Goodbye.\n");
    return 0;
}
