/*
 * mem.c - allocation wrappers (see mem.h).  Overflow in n * size is treated
 * as an allocation failure, never as a short block.
 *
 * Built with -DCPC_FAULT_INJECTION (the `make faults` test build), the
 * allocation numbered CPCSIM_FAIL_ALLOC (from the environment, counting from
 * 1) and every one after it fails, so a test can walk through every
 * allocation of a run and check that each failure ends in exit 71 with
 * nothing written and nothing leaked.
 */
#include "sim/mem.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#ifdef CPC_FAULT_INJECTION
#include <stdatomic.h>

static atomic_long calls;

static int should_fail(void)
{
    static long fail_at = -1;
    if (fail_at < 0) {
        const char *env = getenv("CPCSIM_FAIL_ALLOC");
        fail_at = env ? strtol(env, NULL, 10) : 0;
    }
    return fail_at > 0 && atomic_fetch_add(&calls, 1) + 1 >= fail_at;
}
#else
static int should_fail(void)
{
    return 0;
}
#endif

void *mem_alloc(size_t size)
{
    if (should_fail())
        return NULL;
    return malloc(size ? size : 1);
}

void *mem_calloc(size_t n, size_t size)
{
    if (should_fail())
        return NULL;
    if (n == 0 || size == 0)
        return calloc(1, 1);
    return calloc(n, size);
}

void *mem_realloc(void *p, size_t n, size_t size)
{
    if (should_fail())
        return NULL;
    if (size && n > SIZE_MAX / size)
        return NULL;
    size_t bytes = n * size;
    return realloc(p, bytes ? bytes : 1);
}

void *mem_realloc_bytes(void *p, size_t bytes)
{
    return mem_realloc(p, bytes, 1);
}

void mem_free(void *p)
{
    free(p);
}

char *mem_strndup(const char *s, size_t len)
{
    char *copy = mem_alloc(len + 1);
    if (!copy)
        return NULL;
    memcpy(copy, s, len);
    copy[len] = '\0';
    return copy;
}

char *mem_strdup(const char *s)
{
    return mem_strndup(s, strlen(s));
}
