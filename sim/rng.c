/*
 * rng.c - Philox streams as GSL generators (see rng.h).
 *
 * Random123's gsl_microrng adapter puts its own draw counter in the last
 * counter word, so the stream's identity uses the first three words:
 * path (two words) and purpose << 24 | index.
 */
#include "rng.h"

static unsigned long philox_get(void *state)
{
    return rng_state_next(state);
}

static double philox_get_double(void *state)
{
    return rng_state_next(state) / 4294967296.0;
}

static void philox_set(void *state, unsigned long seed)
{
    (void)seed; /* streams are selected with rng_select, not seeded */
    struct rng_state *s = state;
    *s = (struct rng_state){ { { 0 } }, { { 0 } }, { { 0 } }, 0, 0 };
}

static const gsl_rng_type philox_type = {
    "philox4x32-10", 0xffffffffUL, 0, sizeof(struct rng_state), philox_set, philox_get, philox_get_double,
};

const gsl_rng_type *const rng_philox = &philox_type;

gsl_rng *rng_new(void)
{
    return gsl_rng_alloc(rng_philox);
}

/* The counter and key of stream (SEED, PATH, PURPOSE, INDEX). */
static philox4x32_ctr_t stream_counter(uint64_t path, enum rng_purpose purpose, uint32_t index)
{
    return (philox4x32_ctr_t){ { (uint32_t)path, (uint32_t)(path >> 32),
                                 ((uint32_t)purpose << 24) | (index & (RNG_INDEX_LIMIT - 1)), 0 } };
}

static philox4x32_key_t stream_key(uint64_t seed)
{
    return (philox4x32_key_t){ { (uint32_t)seed, (uint32_t)(seed >> 32) } };
}

void rng_select(gsl_rng *r, uint64_t seed, uint64_t path, enum rng_purpose purpose, uint32_t index)
{
    struct rng_state *s = r->state;
    s->ctr = stream_counter(path, purpose, index);
    s->key = stream_key(seed);
    s->n = 0;
    s->elem = 0;
}

rng_block rng_first_block(uint64_t seed, uint64_t path, enum rng_purpose purpose, uint32_t index)
{
    return philox4x32(stream_counter(path, purpose, index), stream_key(seed)); /* block 0: n = 0 */
}

void rng_select_from(gsl_rng *r, uint64_t seed, uint64_t path, enum rng_purpose purpose, uint32_t index,
                     const rng_block *first)
{
    rng_select(r, seed, path, purpose, index);
    struct rng_state *s = r->state;
    s->out = *first;
    s->n = 1;
    s->elem = 4;
}

uint32_t rng_cell(unsigned file, unsigned long row, unsigned col)
{
    return ((uint32_t)file << 20) | ((uint32_t)(row & 0x1FFFF) << 3) | (col & 7);
}
