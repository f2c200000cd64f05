/*
 * rng.h - random streams keyed by (seed, path, purpose, index).
 *
 * Every random number cpcsim draws comes from a counter-based generator,
 * Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2,
 * 3", SC 2011, via Random123), wrapped as a GSL generator so that every
 * gsl_ran_* sampler works on it.  A stream is selected, never seeded: the
 * 64-bit seed is the key and (path, purpose, index) the counter, so a path's
 * numbers are the same whichever thread draws them, and two scenarios that
 * select the same stream get the same numbers (common random numbers).
 * Each stream gives up to 2^34 uniforms, far more than a month needs.
 */
#ifndef CPC_RNG_H
#define CPC_RNG_H

#include <stdint.h>

#include <gsl/gsl_rng.h>
#include <Random123/philox.h>

enum rng_purpose {
    RNG_PARAM = 1,    /* index: the cell (file, row, column) of an uncertain value */
    RNG_ARRIVALS = 2, /* index: month */
    RNG_CHURN = 3,    /* index: month */
    RNG_DEAL = 4,     /* index: deal */
    RNG_FUNDING = 5,  /* index: round */
    RNG_CONTRACT = 6, /* index: the contract's cell (enum in contract.h) */
    RNG_CORREL = 7    /* path: a block of correlated paths (correl.h); index: the input correlated */
};

/* Indices are below 2^24: a stream's purpose and index share one 32-bit
 * counter word.  Deals and funding rounds take their row as the index, so
 * pipeline.csv and funding.csv can have at most this many rows. */
#define RNG_INDEX_LIMIT (1u << 24)

/* Rows of one model file that rng_cell tells apart: the cells of uncertain
 * values of plans.csv, infra.csv, staff.csv, features.csv and funding.csv
 * take their row into their stream's index, so each file can have at most
 * this many rows.  Model loading refuses a file with more (model.c), so
 * that no two rows ever draw the same numbers. */
#define RNG_CELL_ROWS (1ul << 17)

/* The name written in run.csv. */
#define RNG_NAME "philox4x32-10 (Random123), streams keyed by seed, path, purpose, index"

/* A new generator; select a stream with rng_select before drawing.  NULL
 * when memory runs out (it is allocated through mem.h, like everything
 * else).  Free with rng_free; rng_free(NULL) does nothing. */
gsl_rng *rng_new(void);
void rng_free(gsl_rng *r);
/* The bytes a generator takes, and a generator made in caller's memory MEM
 * of that size (aligned for a double), for a workspace that is one
 * allocation; it is freed with that memory. */
size_t rng_bytes(void);
gsl_rng *rng_place(void *mem);

/* Points R at the start of the stream (SEED, PATH, PURPOSE, INDEX). */
void rng_select(gsl_rng *r, uint64_t seed, uint64_t path, enum rng_purpose purpose, uint32_t index);

/*
 * The generator's state.  It is a GSL generator like any other (its words
 * are those of Random123's gsl_microrng adapter: block n of a stream is
 * Philox of the counter with n in its last word, and its four words are
 * given last first), but the samplers, which run millions of times a
 * second, draw through rng_fast_uniform: inline, with no call through GSL's
 * function pointers.
 */
struct rng_state {
    philox4x32_ctr_t ctr, out;
    philox4x32_key_t key;
    uint32_t n; /* blocks drawn from this stream */
    int elem;   /* words of OUT left */
};

extern const gsl_rng_type *const rng_philox;

static inline uint32_t rng_state_next(struct rng_state *s)
{
    if (s->elem == 0) {
        philox4x32_ctr_t c = s->ctr;
        c.v[3] |= s->n++;
        s->out = philox4x32(c, s->key);
        s->elem = 4;
    }
    return s->out.v[--s->elem];
}

/* A block of four words of a stream.  Scenarios share the streams of
 * arrivals and churn, so a path computes their first blocks once and each
 * scenario starts from them (rng_select_from); a path's uncertain cells
 * take their uniforms straight from their streams' first blocks. */
typedef philox4x32_ctr_t rng_block;
/* The counter of the first block of stream (PATH, PURPOSE, INDEX). */
rng_block rng_stream_counter(uint64_t path, enum rng_purpose purpose, uint32_t index);
/* The first blocks of N streams of seed SEED: OUT[i] is the first block of
 * the stream whose rng_stream_counter is COUNTER[i] (OUT may be COUNTER),
 * the words a generator selected on it gives first (last word first).
 * Four streams at a time in SIMD registers where there are some (SSE2, part
 * of every x86-64). */
void rng_first_blocks(uint64_t seed, const rng_block *counter, size_t n, rng_block *out);
/* The (NTH + 1)-th uniform rng_uniform gives on a stream just selected,
 * read off the stream's first block B (its words last first, zeros
 * skipped): 0 with *U set, or -1 when the block has too few nonzero words
 * (then draw through a generator, as rng_stream_uniform does). */
int rng_block_uniform(const rng_block *b, unsigned nth, double *u);
/* As rng_select, with FIRST the stream's first block from rng_first_blocks. */
void rng_select_from(gsl_rng *r, uint64_t seed, uint64_t path, enum rng_purpose purpose, uint32_t index,
                     const rng_block *first);
/* The (NTH + 1)-th uniform rng_uniform gives on stream (SEED, PATH, PURPOSE,
 * INDEX), whose first block is FIRST: read off the block, or, when the
 * block has too few nonzero words, drawn through R (selected on the
 * stream from FIRST; its position is then past that uniform). */
double rng_stream_uniform(gsl_rng *r, uint64_t seed, uint64_t path, enum rng_purpose purpose, uint32_t index,
                          const rng_block *first, unsigned nth);

/* As gsl_rng_uniform(R): [0, 1), inline for cpcsim's own generator. */
static inline double rng_fast_uniform(const gsl_rng *r)
{
    if (r->type == rng_philox)
        return rng_state_next((struct rng_state *)r->state) / 4294967296.0;
    return gsl_rng_uniform(r);
}

/* A uniform in the open interval (0, 1), as gsl_rng_uniform_pos(R). */
static inline double rng_uniform(const gsl_rng *r)
{
    double x;
    do
        x = rng_fast_uniform(r);
    while (x == 0);
    return x;
}

/* The cell index of an uncertain value: FILE (< 16), ROW (< RNG_CELL_ROWS),
 * COL (< 8); a distinct index for every cell within those bounds, which the
 * caller keeps (an assertion checks them). */
uint32_t rng_cell(unsigned file, unsigned long row, unsigned col);

#endif
