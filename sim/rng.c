/*
 * rng.c - Philox streams as GSL generators (see rng.h).
 *
 * Random123's gsl_microrng adapter puts its own draw counter in the last
 * counter word, so the stream's identity uses the first three words:
 * path (two words) and purpose << 24 | index.
 */
#include "sim/rng.h"

#include <assert.h>

#include "sim/mem.h"
#include "sim/simd.h"

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

/* The generator and its state, together. */
struct rng_with_state {
    gsl_rng r;
    struct rng_state state;
};

size_t rng_bytes(void)
{
    return sizeof(struct rng_with_state);
}

gsl_rng *rng_place(void *mem)
{
    struct rng_with_state *w = mem;
    w->r.type = rng_philox;
    w->r.state = &w->state;
    philox_set(&w->state, 0);
    return &w->r;
}

gsl_rng *rng_new(void)
{
    void *mem = mem_alloc(rng_bytes());
    return mem ? rng_place(mem) : NULL;
}

void rng_free(gsl_rng *r)
{
    mem_free(r); /* the generator is the first member of its block */
}

/* The counter and key of stream (SEED, PATH, PURPOSE, INDEX). */
static philox4x32_ctr_t stream_counter(uint64_t path, enum rng_purpose purpose, uint32_t index)
{
    assert(index < RNG_INDEX_LIMIT); /* model loading refuses files with more rows */
    return (philox4x32_ctr_t){ { (uint32_t)path, (uint32_t)(path >> 32), ((uint32_t)purpose << 24) | index, 0 } };
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

int rng_block_uniform(const rng_block *b, unsigned nth, double *u)
{
    for (int w = 3; w >= 0; w--) /* as rng_state_next gives them */
        if (b->v[w] != 0 && nth-- == 0) {
            *u = b->v[w] / 4294967296.0; /* as rng_fast_uniform */
            return 0;
        }
    return -1;
}

rng_block rng_stream_counter(uint64_t path, enum rng_purpose purpose, uint32_t index)
{
    return stream_counter(path, purpose, index); /* block 0: n = 0 in the last word */
}

#ifdef __SSE2__
#include <emmintrin.h>

/* The high and low 32 bits of the four products M * X (Philox's mulhilo, in
 * each 32-bit lane). */
static inline void mulhilo4(__m128i m, __m128i x, __m128i *hi, __m128i *lo)
{
    __m128i even = _mm_mul_epu32(x, m);                    /* lanes 0, 2: lo, hi, lo, hi */
    __m128i odd = _mm_mul_epu32(_mm_srli_epi64(x, 32), m); /* lanes 1, 3 */
    __m128i e = _mm_shuffle_epi32(even, _MM_SHUFFLE(3, 1, 2, 0)); /* lo0 lo2 hi0 hi2 */
    __m128i o = _mm_shuffle_epi32(odd, _MM_SHUFFLE(3, 1, 2, 0));  /* lo1 lo3 hi1 hi3 */
    *lo = _mm_unpacklo_epi32(e, o);
    *hi = _mm_unpackhi_epi32(e, o);
}

/* Philox4x32-10 of four counters at once, word w of all four in register
 * X[w]; the same rounds and key schedule as Random123's philox4x32. */
static void philox4x32_x4(__m128i x[4], philox4x32_key_t key)
{
    const __m128i m0 = _mm_set1_epi32((int)PHILOX_M4x32_0), m1 = _mm_set1_epi32((int)PHILOX_M4x32_1);
    uint32_t k0 = key.v[0], k1 = key.v[1];
    for (int r = 0; r < philox4x32_rounds; r++) {
        __m128i hi0, lo0, hi1, lo1;
        mulhilo4(m0, x[0], &hi0, &lo0);
        mulhilo4(m1, x[2], &hi1, &lo1);
        x[0] = _mm_xor_si128(_mm_xor_si128(hi1, x[1]), _mm_set1_epi32((int)k0));
        x[1] = lo1;
        x[2] = _mm_xor_si128(_mm_xor_si128(hi0, x[3]), _mm_set1_epi32((int)k1));
        x[3] = lo0;
        k0 += PHILOX_W32_0;
        k1 += PHILOX_W32_1;
    }
}

/* Swaps rows and columns of the 4x4 words in A..D. */
static inline void transpose4(__m128i *a, __m128i *b, __m128i *c, __m128i *d)
{
    __m128i t0 = _mm_unpacklo_epi32(*a, *b), t1 = _mm_unpacklo_epi32(*c, *d);
    __m128i t2 = _mm_unpackhi_epi32(*a, *b), t3 = _mm_unpackhi_epi32(*c, *d);
    *a = _mm_unpacklo_epi64(t0, t1);
    *b = _mm_unpackhi_epi64(t0, t1);
    *c = _mm_unpacklo_epi64(t2, t3);
    *d = _mm_unpackhi_epi64(t2, t3);
}

#if SIMD_X86
#include <immintrin.h>

/* mulhilo4, philox4x32_x4 and transpose4 in AVX2 registers: the same
 * steps in each 128-bit half (the shuffles and unpacks of AVX2 work within
 * halves), so eight counters at once, four in each half. */
__attribute__((target("avx2"))) static inline void mulhilo8(__m256i m, __m256i x, __m256i *hi, __m256i *lo)
{
    __m256i even = _mm256_mul_epu32(x, m);
    __m256i odd = _mm256_mul_epu32(_mm256_srli_epi64(x, 32), m);
    __m256i e = _mm256_shuffle_epi32(even, _MM_SHUFFLE(3, 1, 2, 0));
    __m256i o = _mm256_shuffle_epi32(odd, _MM_SHUFFLE(3, 1, 2, 0));
    *lo = _mm256_unpacklo_epi32(e, o);
    *hi = _mm256_unpackhi_epi32(e, o);
}

__attribute__((target("avx2"))) static inline void transpose8(__m256i *a, __m256i *b, __m256i *c, __m256i *d)
{
    __m256i t0 = _mm256_unpacklo_epi32(*a, *b), t1 = _mm256_unpacklo_epi32(*c, *d);
    __m256i t2 = _mm256_unpackhi_epi32(*a, *b), t3 = _mm256_unpackhi_epi32(*c, *d);
    *a = _mm256_unpacklo_epi64(t0, t1);
    *b = _mm256_unpackhi_epi64(t0, t1);
    *c = _mm256_unpacklo_epi64(t2, t3);
    *d = _mm256_unpackhi_epi64(t2, t3);
}

/* Blocks I .. I + 7: blocks I + k in the low halves and I + 4 + k in the
 * high halves, each half transposed and run as philox4x32_x4 does. */
__attribute__((target("avx2"))) static void philox_eight(philox4x32_key_t key, const rng_block *counter,
                                                        rng_block *out)
{
    const __m256i m0 = _mm256_set1_epi32((int)PHILOX_M4x32_0), m1 = _mm256_set1_epi32((int)PHILOX_M4x32_1);
    __m256i x[4];
    for (int k = 0; k < 4; k++)
        x[k] = _mm256_loadu2_m128i((const __m128i *)(const void *)counter[4 + k].v,
                                   (const __m128i *)(const void *)counter[k].v);
    transpose8(&x[0], &x[1], &x[2], &x[3]);
    uint32_t k0 = key.v[0], k1 = key.v[1];
    for (int r = 0; r < philox4x32_rounds; r++) {
        __m256i hi0, lo0, hi1, lo1;
        mulhilo8(m0, x[0], &hi0, &lo0);
        mulhilo8(m1, x[2], &hi1, &lo1);
        x[0] = _mm256_xor_si256(_mm256_xor_si256(hi1, x[1]), _mm256_set1_epi32((int)k0));
        x[1] = lo1;
        x[2] = _mm256_xor_si256(_mm256_xor_si256(hi0, x[3]), _mm256_set1_epi32((int)k1));
        x[3] = lo0;
        k0 += PHILOX_W32_0;
        k1 += PHILOX_W32_1;
    }
    transpose8(&x[0], &x[1], &x[2], &x[3]);
    for (int k = 0; k < 4; k++)
        _mm256_storeu2_m128i((__m128i *)(void *)out[4 + k].v, (__m128i *)(void *)out[k].v, x[k]);
}
#endif

void rng_first_blocks(uint64_t seed, const rng_block *counter, size_t n, rng_block *out)
{
    const philox4x32_key_t key = stream_key(seed);
    size_t i = 0;
#if SIMD_X86
    if (simd_avx2())
        for (; i + 8 <= n; i += 8)
            philox_eight(key, counter + i, out + i);
#endif
    for (; i + 4 <= n; i += 4) {
        __m128i x[4];
        for (int k = 0; k < 4; k++)
            x[k] = _mm_loadu_si128((const __m128i *)(const void *)counter[i + (size_t)k].v);
        transpose4(&x[0], &x[1], &x[2], &x[3]);
        philox4x32_x4(x, key);
        transpose4(&x[0], &x[1], &x[2], &x[3]);
        for (int k = 0; k < 4; k++)
            _mm_storeu_si128((__m128i *)(void *)out[i + (size_t)k].v, x[k]);
    }
    for (; i < n; i++)
        out[i] = philox4x32(counter[i], key);
}
#else
void rng_first_blocks(uint64_t seed, const rng_block *counter, size_t n, rng_block *out)
{
    const philox4x32_key_t key = stream_key(seed);
    for (size_t i = 0; i < n; i++)
        out[i] = philox4x32(counter[i], key);
}
#endif

void rng_select_from(gsl_rng *r, uint64_t seed, uint64_t path, enum rng_purpose purpose, uint32_t index,
                     const rng_block *first)
{
    rng_select(r, seed, path, purpose, index);
    struct rng_state *s = r->state;
    s->out = *first;
    s->n = 1;
    s->elem = 4;
}

double rng_stream_uniform(gsl_rng *r, uint64_t seed, uint64_t path, enum rng_purpose purpose, uint32_t index,
                          const rng_block *first, unsigned nth)
{
    double u;
    if (rng_block_uniform(first, nth, &u) == 0)
        return u;
    rng_select_from(r, seed, path, purpose, index, first); /* about once in 2^96 streams */
    for (unsigned k = 0; k <= nth; k++)
        u = rng_uniform(r);
    return u;
}

/* A cell's file, row and column fill a stream's index exactly. */
_Static_assert(16 * RNG_CELL_ROWS * 8 == RNG_INDEX_LIMIT, "rng_cell's index is 4 + 17 + 3 bits");

uint32_t rng_cell(unsigned file, unsigned long row, unsigned col)
{
    assert(file < 16 && row < RNG_CELL_ROWS && col < 8); /* model loading refuses files with more rows */
    return ((uint32_t)file << 20) | ((uint32_t)row << 3) | col;
}
