/*
 * design.c - Latin hypercube and shifted Sobol designs (see design.h).
 *
 * The permutation of a block's strata is a 4-round Feistel network on the
 * 10 bits of a path's place in its block, with round keys hashed (SplitMix64)
 * from the seed, the dimension and the block: a bijection, so every stratum
 * is taken exactly once, and needs no memory per path.
 */
#include "sim/design.h"

#include <math.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_qrng.h>

#include "sim/mem.h"

const char *const sampling_names[] = { "mc", "lhs", "sobol", NULL };

struct design {
    enum sampling s;
    uint64_t seed;
    size_t dims, sobol_dims;
    double *sobol; /* [DESIGN_BLOCK * sobol_dims] */
};

static uint64_t mix(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

/* Makes Q a quasi-random generator of type T in DIM dimensions, as
 * gsl_qrng_alloc does, but with its state allocated through mem.h like
 * every other allocation (so that the allocation-failure walk reaches it)
 * and the generator itself in the caller's Q.  Returns 0, or -1 when memory
 * runs out or T has fewer dimensions (nothing is then allocated).  The
 * caller frees the state with mem_free(Q->state). */
static int qrng_init(gsl_qrng *q, const gsl_qrng_type *T, unsigned dim)
{
    if (dim == 0 || dim > T->max_dimension)
        return -1;
    q->type = T;
    q->dimension = dim;
    q->state_size = T->state_size(dim);
    q->state = mem_alloc(q->state_size);
    if (!q->state)
        return -1;
    if (T->init_state(q->state, dim) != GSL_SUCCESS) {
        mem_free(q->state);
        return -1;
    }
    return 0;
}

struct design *design_new(enum sampling s, uint64_t seed, size_t dims)
{
    struct design *d = mem_calloc(1, sizeof *d);
    if (!d)
        return NULL;
    d->s = s;
    d->seed = seed;
    d->dims = dims;
    if (s == SAMPLING_SOBOL && dims > 0) {
        d->sobol_dims = dims < DESIGN_SOBOL_DIMS ? dims : DESIGN_SOBOL_DIMS;
        d->sobol = mem_calloc(DESIGN_BLOCK * d->sobol_dims, sizeof *d->sobol);
        gsl_qrng q;
        if (!d->sobol || qrng_init(&q, gsl_qrng_sobol, (unsigned)d->sobol_dims)) {
            design_free(d);
            return NULL;
        }
        /* GSL's sequence starts after the origin; with it, the first 1024
         * points are a net: one point in each 1/1024 of every coordinate */
        for (size_t i = 1; i < DESIGN_BLOCK; i++)
            gsl_qrng_get(&q, d->sobol + i * d->sobol_dims);
        mem_free(q.state);
    }
    return d;
}

void design_free(struct design *d)
{
    if (!d)
        return;
    mem_free(d->sobol);
    mem_free(d);
}

/* The stratum of place J (0 .. DESIGN_BLOCK-1) under KEY's permutation. */
static unsigned permute(uint64_t key, unsigned j)
{
    unsigned left = j >> 5, right = j & 31;
    for (int round = 0; round < 4; round++) {
        unsigned f = (unsigned)(mix(key + (uint64_t)round * 0x1000193ULL + right) & 31);
        unsigned next = left ^ f;
        left = right;
        right = next;
    }
    return (left << 5) | right;
}

double design_uniform(const struct design *d, uint64_t path, size_t dim, double v)
{
    if (d->s == SAMPLING_MC)
        return v;
    uint64_t block = path / DESIGN_BLOCK;
    unsigned j = (unsigned)(path % DESIGN_BLOCK);
    uint64_t key = mix(d->seed ^ mix(((uint64_t)dim << 40) ^ block));
    double u;
    if (d->s == SAMPLING_SOBOL && dim < d->sobol_dims) {
        double shift = (double)(mix(key) >> 11) * 0x1.0p-53;
        u = d->sobol[(size_t)j * d->sobol_dims + dim] + shift;
        u -= floor(u);
    } else {
        u = ((double)permute(key, j) + v) / DESIGN_BLOCK;
    }
    /* the samplers want the open interval (0, 1) */
    if (!(u > 0))
        u = 0x1.0p-53;
    if (!(u < 1))
        u = 1 - 0x1.0p-53;
    return u;
}
