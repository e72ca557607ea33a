/*
 * heap: allocation-heavy program.
 *
 * Reads argv and environ first (as real programs do), then mallocs 400 MiB
 * in 1 MiB chunks, writes a pattern over every byte of every chunk (touching
 * every page), checks the chunks are disjoint, frees half of them, allocates
 * again, grows a buffer with realloc, checks calloc memory is zeroed, calls
 * getenv() after all that, and finally verifies every live chunk still holds
 * its pattern and prints a checksum.
 *
 * Anything else writing into memory the allocator handed out (for instance
 * state that an adapter placed in the same region) shows up as a broken
 * pattern or a different checksum.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;

#define MIB (1024u * 1024u)
#define NCHUNKS 400
#define NSMALL 256

static unsigned char *chunks[NCHUNKS];
static size_t chunk_size[NCHUNKS];
static uint32_t chunk_gen[NCHUNKS];
static unsigned char *small[NSMALL];
static size_t small_size[NSMALL];

static uint32_t pattern_word(uint32_t id, uint32_t gen, uint32_t word) {
    uint32_t x = id * 0x9E3779B1u ^ gen * 0x7FEB352Du ^ word * 0x85EBCA77u;
    x ^= x >> 15;
    x *= 0x2C1B3C6Du;
    x ^= x >> 12;
    return x;
}

/* Fill a buffer with its pattern; every page is written. */
static void fill(unsigned char *p, size_t size, uint32_t id, uint32_t gen) {
    uint32_t *w = (uint32_t *)p;
    size_t words = size / 4;
    for (size_t i = 0; i < words; i++)
        w[i] = pattern_word(id, gen, (uint32_t)i);
    for (size_t i = words * 4; i < size; i++)
        p[i] = (unsigned char)(id + gen + i);
}

/* Returns the number of mismatching words/bytes; folds everything into *sum. */
static size_t verify(const unsigned char *p, size_t size, uint32_t id, uint32_t gen,
                     uint64_t *sum) {
    const uint32_t *w = (const uint32_t *)p;
    size_t words = size / 4, bad = 0;
    uint64_t s = *sum;
    for (size_t i = 0; i < words; i++) {
        uint32_t v = w[i];
        if (v != pattern_word(id, gen, (uint32_t)i))
            bad++;
        s = (s ^ v) * 0x100000001b3ULL;
    }
    for (size_t i = words * 4; i < size; i++) {
        if (p[i] != (unsigned char)(id + gen + i))
            bad++;
        s = (s ^ p[i]) * 0x100000001b3ULL;
    }
    *sum = s;
    return bad;
}

struct span {
    uintptr_t start, end;
};

static int cmp_span(const void *a, const void *b) {
    uintptr_t x = ((const struct span *)a)->start, y = ((const struct span *)b)->start;
    return x < y ? -1 : x > y;
}

/* Checks that all live blocks (chunks and small ones) are pairwise disjoint. */
static int all_disjoint(void) {
    static struct span spans[NCHUNKS + NSMALL];
    size_t n = 0;
    for (int i = 0; i < NCHUNKS; i++)
        if (chunks[i]) {
            spans[n].start = (uintptr_t)chunks[i];
            spans[n].end = (uintptr_t)chunks[i] + chunk_size[i];
            n++;
        }
    for (int i = 0; i < NSMALL; i++)
        if (small[i]) {
            spans[n].start = (uintptr_t)small[i];
            spans[n].end = (uintptr_t)small[i] + small_size[i];
            n++;
        }
    qsort(spans, n, sizeof spans[0], cmp_span);
    for (size_t i = 0; i + 1 < n; i++)
        if (spans[i].end > spans[i + 1].start)
            return 0;
    return 1;
}

static int chunks_aligned(void) {
    int ok = 1;
    for (int i = 0; i < NCHUNKS; i++)
        ok &= ((uintptr_t)chunks[i] % 16) == 0;
    return ok;
}

static const char *yes_no(int b) { return b ? "yes" : "no"; }

static void print_var(const char *name) {
    const char *v = getenv(name);
    printf("getenv(%s) = %s%s%s\n", name, v ? "[" : "", v ? v : "(unset)", v ? "]" : "");
}

int main(int argc, char **argv) {
    /* Read argv and environ first thing. */
    size_t arg_bytes = 0, env_count = 0, env_bytes = 0;
    for (int i = 0; i < argc; i++)
        arg_bytes += strlen(argv[i]);
    for (char **e = environ; *e; e++) {
        env_count++;
        env_bytes += strlen(*e);
    }
    printf("heap: argc=%d arg bytes=%zu env vars=%zu env bytes=%zu\n", argc, arg_bytes,
           env_count, env_bytes);

    /* Phase 1: 400 x 1 MiB, every byte written. */
    for (int i = 0; i < NCHUNKS; i++) {
        chunks[i] = malloc(MIB);
        if (!chunks[i]) {
            printf("malloc(1 MiB) #%d failed\n", i);
            return 1;
        }
        chunk_size[i] = MIB;
        chunk_gen[i] = 1;
        fill(chunks[i], MIB, (uint32_t)i, 1);
    }
    printf("phase 1: allocated and filled %d MiB\n", NCHUNKS);
    printf("phase 1: chunks 16-byte aligned: %s\n", yes_no(chunks_aligned()));
    printf("phase 1: blocks disjoint: %s\n", yes_no(all_disjoint()));

    size_t bad = 0;
    uint64_t sum = 0xcbf29ce484222325ULL;
    for (int i = 0; i < NCHUNKS; i++)
        bad += verify(chunks[i], chunk_size[i], (uint32_t)i, chunk_gen[i], &sum);
    printf("phase 1: patterns intact: %s (checksum %016llx)\n", yes_no(bad == 0),
           (unsigned long long)sum);

    /* Free every other chunk. */
    for (int i = 1; i < NCHUNKS; i += 2) {
        free(chunks[i]);
        chunks[i] = NULL;
    }
    printf("freed %d chunks\n", NCHUNKS / 2);

    /* Phase 2: small blocks of many sizes, then the big ones again with
     * slightly varying sizes. */
    for (int i = 0; i < NSMALL; i++) {
        small_size[i] = 1 + (size_t)((i * 37) % 4096);
        small[i] = malloc(small_size[i]);
        if (!small[i]) {
            printf("malloc(%zu) failed\n", small_size[i]);
            return 1;
        }
        fill(small[i], small_size[i], 1000u + (uint32_t)i, 2);
    }
    for (int i = 1; i < NCHUNKS; i += 2) {
        size_t size = MIB - (size_t)(i % 7) * 4096 + (size_t)(i % 3) * 8;
        chunks[i] = malloc(size);
        if (!chunks[i]) {
            printf("malloc(%zu) #%d failed\n", size, i);
            return 1;
        }
        chunk_size[i] = size;
        chunk_gen[i] = 2;
        fill(chunks[i], size, (uint32_t)i, 2);
    }
    printf("phase 2: reallocated %d chunks and %d small blocks\n", NCHUNKS / 2, NSMALL);
    printf("phase 2: blocks disjoint: %s\n", yes_no(all_disjoint()));

    /* realloc growth: 16 bytes doubling up to 8 MiB, contents must follow. */
    size_t rsize = 16;
    unsigned char *r = malloc(rsize);
    int realloc_ok = r != NULL;
    if (r)
        fill(r, rsize, 5000, 3);
    while (realloc_ok && rsize < 8 * MIB) {
        size_t old = rsize;
        rsize *= 2;
        unsigned char *nr = realloc(r, rsize);
        if (!nr) {
            realloc_ok = 0;
            break;
        }
        r = nr;
        uint64_t dummy = 0;
        if (verify(r, old, 5000, 3, &dummy) != 0)
            realloc_ok = 0;
        fill(r, rsize, 5000, 3);
    }
    printf("realloc growth to %zu bytes preserved contents: %s\n", rsize, yes_no(realloc_ok));
    free(r);

    /* calloc must hand out zeroed memory. */
    size_t csize = 16 * MIB;
    unsigned char *c = calloc(csize, 1);
    int zero = c != NULL;
    for (size_t i = 0; zero && i < csize; i++)
        zero = c[i] == 0;
    printf("calloc(16 MiB) zeroed: %s\n", yes_no(zero));
    free(c);

    /* Environment access after the heap has grown. */
    print_var("CASE");
    print_var("VAR_0000");
    print_var("VAR_1999");
    print_var("NOT_SET_ANYWHERE");

    /* Final verification of everything still live. */
    bad = 0;
    sum = 0xcbf29ce484222325ULL;
    for (int i = 0; i < NCHUNKS; i++)
        bad += verify(chunks[i], chunk_size[i], (uint32_t)i, chunk_gen[i], &sum);
    for (int i = 0; i < NSMALL; i++)
        bad += verify(small[i], small_size[i], 1000u + (uint32_t)i, 2, &sum);
    printf("final: mismatches = %zu\n", bad);
    printf("final: checksum = %016llx\n", (unsigned long long)sum);

    for (int i = 0; i < NCHUNKS; i++)
        free(chunks[i]);
    for (int i = 0; i < NSMALL; i++)
        free(small[i]);
    printf("heap: done\n");
    return 0;
}
