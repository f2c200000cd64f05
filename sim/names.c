/*
 * names.c - a sorted index of names (see names.h).
 *
 * Entries are sorted by their bytes, a name before every longer name it
 * begins (memcmp over the shorter length, then the length), and equal names
 * by row, so that the lower bound of a name is its first row.
 */
#include "sim/names.h"

#include <stdlib.h>
#include <string.h>

#include "sim/mem.h"

struct entry {
    const char *name;
    size_t len;
    size_t row;
};

struct names {
    struct entry *e;
    size_t n;
};

/* Orders A (ALEN bytes) and B (BLEN bytes) as strcmp orders them. */
static int order(const char *a, size_t alen, const char *b, size_t blen)
{
    int c = memcmp(a, b, alen < blen ? alen : blen);
    if (c)
        return c;
    return (alen > blen) - (alen < blen);
}

static int by_name_then_row(const void *pa, const void *pb)
{
    const struct entry *a = pa, *b = pb;
    int c = order(a->name, a->len, b->name, b->len);
    return c ? c : (a->row > b->row) - (a->row < b->row);
}

struct names *names_new(const void *rows, size_t n, size_t stride, size_t offset)
{
    struct names *x = mem_calloc(1, sizeof *x);
    if (!x || !(x->e = mem_calloc(n ? n : 1, sizeof *x->e))) {
        mem_free(x);
        return NULL;
    }
    const char *row = rows;
    for (size_t r = 0; r < n; r++, row += stride) {
        const char *name = *(const char *const *)(const void *)(row + offset);
        if (name)
            x->e[x->n++] = (struct entry){ name, strlen(name), r };
    }
    qsort(x->e, x->n, sizeof *x->e, by_name_then_row);
    return x;
}

void names_free(struct names *x)
{
    if (!x)
        return;
    mem_free(x->e);
    mem_free(x);
}

long names_find(const struct names *x, const char *name, size_t len)
{
    if (!x)
        return -1;
    size_t lo = 0, hi = x->n; /* the first entry not before NAME is in [lo, hi] */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (order(x->e[mid].name, x->e[mid].len, name, len) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < x->n && x->e[lo].len == len && !memcmp(x->e[lo].name, name, len))
        return (long)x->e[lo].row;
    return -1;
}
