/*
 * rng.c - Philox streams as GSL generators (see rng.h).
 *
 * Random123's gsl_microrng adapter puts its own draw counter in the last
 * counter word, so the stream's identity uses the first three words:
 * path (two words) and purpose << 24 | index.
 */
#include "rng.h"

#include <Random123/philox.h>
#include <Random123/gsl_microrng.h>

GSL_MICRORNG(cpc_philox, philox4x32);

gsl_rng *rng_new(void)
{
    return gsl_rng_alloc(gsl_rng_cpc_philox);
}

void rng_select(gsl_rng *r, uint64_t seed, uint64_t path, enum rng_purpose purpose, uint32_t index)
{
    philox4x32_ctr_t c = { { (uint32_t)path, (uint32_t)(path >> 32),
                             ((uint32_t)purpose << 24) | (index & (RNG_INDEX_LIMIT - 1)), 0 } };
    philox4x32_key_t k = { { (uint32_t)seed, (uint32_t)(seed >> 32) } };
    cpc_philox_reset(r, c, k);
}

double rng_uniform(gsl_rng *r)
{
    return gsl_rng_uniform_pos(r);
}

uint32_t rng_cell(unsigned file, unsigned long row, unsigned col)
{
    return ((uint32_t)file << 20) | ((uint32_t)(row & 0x1FFFF) << 3) | (col & 7);
}
