/*
 * sampler.c - Poisson and binomial variates (see sampler.h).
 *
 * The constants of PTRS and BTRS are Hormann's; the rejection tests follow
 * his papers, in the form numpy (Poisson) and TensorFlow (binomial) use.
 */
#include "sim/sampler.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "sim/rng.h"
#include "sim/simd.h"

#if SIMD_X86
#include <immintrin.h> /* movemask, in search_lanes.inc */
#endif

/* 1/k for k = 1 .. RECIP_N, so that the inversion searches multiply where
 * they would divide: a division takes four to five times a multiplication's
 * throughput, and each step of a search takes one.  Folded by the compiler,
 * correctly rounded. */
#define RECIP_N 1024
#define R1(k) 1.0 / (k)
#define R4(k) R1(k), R1((k) + 1), R1((k) + 2), R1((k) + 3)
#define R16(k) R4(k), R4((k) + 4), R4((k) + 8), R4((k) + 12)
#define R64(k) R16(k), R16((k) + 16), R16((k) + 32), R16((k) + 48)
#define R256(k) R64(k), R64((k) + 64), R64((k) + 128), R64((k) + 192)
static const double recip[RECIP_N] = { R256(1), R256(257), R256(513), R256(769) };

/* 1/K for a whole K >= 1: from the table, or divided past its end. */
static inline double recip_of(double k)
{
    return k <= RECIP_N ? recip[(int)k - 1] : 1 / k;
}

/* exp(-X) for X in [0, SAMPLER_EXP_MAX], by the steps L_(exp_neg) takes in
 * lanes (search_lanes.inc): X = k ln 2 + r with |r| <= ln(2) / 2 (Cody and
 * Waite's two-part ln 2: taking k ln2_hi away is exact), e^-r by its Taylor series to r^13
 * (the rest is below 2^-57 of it), times 2^-k made from k's bits.  About
 * an ulp from the exact value: the inversion that starts from it is exact
 * as its draws can tell.  Only +, -, * and bit moves, so every machine
 * gives the same bits (libm picks its exp by processor), and it works out
 * a vector of lanes at a time. */
#define EXP_INV_LN2 0x1.71547652b82fep0
#define EXP_LN2_HI 0x1.62e42fee00000p-1 /* k ln2_hi is exact for |k| < 2^11 */
#define EXP_LN2_LO 0x1.a39ef35793c76p-33
#define EXP_ROUND 0x1.8p52             /* adding it rounds to a whole number, kept in the low bits */
#define EXP_TAYLOR(p, r)                                                                                           \
    do {                                                                                                           \
        (p) = (r) * (1.0 / 6227020800.0) + 1.0 / 479001600.0;                                                      \
        (p) = (p) * (r) + 1.0 / 39916800.0;                                                                        \
        (p) = (p) * (r) + 1.0 / 3628800.0;                                                                         \
        (p) = (p) * (r) + 1.0 / 362880.0;                                                                          \
        (p) = (p) * (r) + 1.0 / 40320.0;                                                                           \
        (p) = (p) * (r) + 1.0 / 5040.0;                                                                            \
        (p) = (p) * (r) + 1.0 / 720.0;                                                                             \
        (p) = (p) * (r) + 1.0 / 120.0;                                                                             \
        (p) = (p) * (r) + 1.0 / 24.0;                                                                              \
        (p) = (p) * (r) + 1.0 / 6.0;                                                                               \
        (p) = (p) * (r) + 0.5;                                                                                     \
        (p) = (p) * (r) + 1.0;                                                                                     \
        (p) = (p) * (r) + 1.0;                                                                                     \
    } while (0)

_Static_assert((long)SAMPLER_POISSON_SWITCH <= (long)SAMPLER_EXP_MAX, "Poisson inversion starts from sampler_exp_neg");

double sampler_exp_neg(double x)
{
    const double y = -x, t = y * EXP_INV_LN2 + EXP_ROUND, k = t - EXP_ROUND;
    const double r = (y - k * EXP_LN2_HI) - k * EXP_LN2_LO;
    double p;
    EXP_TAYLOR(p, r);
    int64_t tb, rb;
    memcpy(&tb, &t, sizeof tb);
    const double round = EXP_ROUND;
    memcpy(&rb, &round, sizeof rb);
    uint64_t sb = (uint64_t)(tb - rb + 1023) << 52; /* 2^k */
    double scale;
    memcpy(&scale, &sb, sizeof scale);
    return p * scale;
}

/* Inversion by sequential search from 0 of the uniform U, for a Poisson mean
 * MU with E = exp(-MU): exact for the means it is used for, where exp(-mu)
 * is far from underflow.  Counts are whole doubles (sampler_poisson_lanes
 * does the same steps in SIMD registers). */
static double poisson_search(double u, double mu, double e)
{
    double p = e, cum = p, k = 0;
    while (u > cum && k < 1000) {
        k += 1;
        p *= mu * recip_of(k);
        cum += p;
    }
    return k;
}

static unsigned long poisson_inversion(const gsl_rng *r, double mu)
{
    double u = rng_fast_uniform(r);
    return (unsigned long)poisson_search(u, mu, sampler_exp_neg(mu));
}

static unsigned long poisson_ptrs(const gsl_rng *r, double mu)
{
    const double slam = sqrt(mu);
    const double b = 0.931 + 2.53 * slam;
    const double a = -0.059 + 0.02483 * b;
    const double vr = 0.9277 - 3.6224 / (b - 2);
    double loglam = NAN, invalpha = NAN; /* for the full test only, which most draws skip */
    for (;;) {
        double U = rng_fast_uniform(r) - 0.5;
        double V = rng_fast_uniform(r);
        double us = 0.5 - fabs(U);
        double k = floor((2 * a / us + b) * U + mu + 0.43);
        if (!(k < SAMPLER_MAX_MEAN * 2))
            k = SAMPLER_MAX_MEAN * 2; /* only past the largest mean the model allows */
        if (us >= 0.07 && V <= vr)
            return (unsigned long)k;
        if (k < 0 || (us < 0.013 && V > us))
            continue;
        if (isnan(loglam)) {
            loglam = log(mu);
            invalpha = 1.1239 + 1.1328 / (b - 3.4);
        }
        if (log(V) + log(invalpha) - log(a / (us * us) + b) <= -mu + k * loglam - lgamma(k + 1))
            return (unsigned long)k;
    }
}

/* The mean drawn for MU: at most SAMPLER_MAX_MEAN. */
static double poisson_mean(double mu)
{
    return mu > SAMPLER_MAX_MEAN ? SAMPLER_MAX_MEAN : mu;
}

/* Whether a Poisson draw of mean MU (> 0, from poisson_mean) inverts; the
 * one rule for draws made one by one and in lanes. */
static int poisson_inverts(double mu)
{
    return mu < SAMPLER_POISSON_SWITCH;
}

unsigned long sampler_poisson(const gsl_rng *r, double mu)
{
    if (!(mu > 0))
        return 0;
    mu = poisson_mean(mu);
    return poisson_inverts(mu) ? poisson_inversion(r, mu) : poisson_ptrs(r, mu);
}

/* log(k!) - (k + 1/2) log(k + 1) + (k + 1) - log(sqrt(2 pi)) ... the tail of
 * Stirling's series, tabulated for small k. */
static double stirling_tail(double k)
{
    static const double small[] = {
        0.0810614667953272, 0.0413406959554092, 0.0276779256849983, 0.02079067210376509,
        0.0166446911898211, 0.0138761288230707, 0.0118967099458917, 0.0104112652619720,
        0.00925546218271273, 0.00833056343336287,
    };
    if (k <= 9)
        return small[(int)k];
    double kp1sq = (k + 1) * (k + 1);
    return (1.0 / 12 - (1.0 / 360 - 1.0 / 1260 / kp1sq) / kp1sq) / (k + 1);
}

/* (1 - p)^N, the chance of no success, where binomial inversion starts. */
static double binomial_start(const struct binomial_p *bp, unsigned long n)
{
    return n < BINOMIAL_POW * BINOMIAL_POW ? bp->high[n / BINOMIAL_POW] * bp->low[n % BINOMIAL_POW]
                                           : exp((double)n * bp->logq);
}

/* Inversion by sequential search from 0 of the uniform U: PROB = (1 - p)^n,
 * A = (n + 1) p / (1 - p), S = p / (1 - p), N trials; a whole double. */
static double binomial_search(double u, double prob, double a, double s, double n)
{
    double x = 0;
    while (u > prob && x < n) {
        u -= prob;
        x += 1;
        prob *= a * recip_of(x) - s;
    }
    return x;
}

/* Where the inversion of a binomial draw of N trials of BP starts: the
 * arguments of binomial_search, with its uniform drawn from R (the one
 * setup of draws made one by one and in lanes). */
struct binomial_start {
    double u, prob, a, s, n;
};

static inline struct binomial_start binomial_setup(const gsl_rng *r, const struct binomial_p *bp, unsigned long n)
{
    struct binomial_start v;
    v.s = bp->odds;
    v.a = (double)(n + 1) * bp->odds;
    v.prob = binomial_start(bp, n);
    v.n = (double)n;
    v.u = rng_fast_uniform(r);
    return v;
}

static unsigned long binomial_inversion(const gsl_rng *r, const struct binomial_p *bp, unsigned long n)
{
    struct binomial_start v = binomial_setup(r, bp, n);
    return (unsigned long)binomial_search(v.u, v.prob, v.a, v.s, v.n);
}

static unsigned long binomial_btrs(const gsl_rng *r, double p, unsigned long n)
{
    const double dn = (double)n, q = 1 - p;
    const double spq = sqrt(dn * p * q);
    const double b = 1.15 + 2.53 * spq;
    const double a = -0.0873 + 0.0248 * b + 0.01 * p;
    const double c = dn * p + 0.5;
    const double vr = 0.92 - 4.2 / b;
    const double rr = p / q;
    const double alpha = (2.83 + 5.1 / b) * spq;
    const double m = floor((dn + 1) * p);
    for (;;) {
        double u = rng_fast_uniform(r) - 0.5;
        double v = rng_fast_uniform(r);
        double us = 0.5 - fabs(u);
        double k = floor((2 * a / us + b) * u + c);
        if (k < 0 || k > dn)
            continue;
        if (us >= 0.07 && v <= vr)
            return (unsigned long)k;
        v = log(v * alpha / (a / (us * us) + b));
        double bound = (m + 0.5) * log((m + 1) / (rr * (dn - m + 1))) + (dn + 1) * log((dn - m + 1) / (dn - k + 1)) +
                       (k + 0.5) * log(rr * (dn - k + 1) / (k + 1)) + stirling_tail(m) + stirling_tail(dn - m) -
                       stirling_tail(k) - stirling_tail(dn - k);
        if (v <= bound)
            return (unsigned long)k;
    }
}

void sampler_binomial_prepare(double p, struct binomial_p *out)
{
    out->flip = p > 0.5;
    out->p = out->flip ? 1 - p : p;
    out->never = !(out->p > 0);
    out->logq = out->never ? 0 : log1p(-out->p);
    out->odds = out->p / (1 - out->p);
    /* powers by repeated multiplication: within 130 ulps of (1 - p)^n, closer
     * than exp(n log(1 - p)), whose argument carries n times log's rounding */
    double q = 1 - out->p;
    out->low[0] = out->high[0] = 1;
    for (int k = 1; k < BINOMIAL_POW; k++)
        out->low[k] = out->low[k - 1] * q;
    double q64 = out->low[BINOMIAL_POW - 1] * q;
    for (int k = 1; k < BINOMIAL_POW; k++)
        out->high[k] = out->high[k - 1] * q64;
}

/* Whether a binomial draw of N > 0 trials of BP (not never) inverts; the
 * one rule for draws made one by one and in lanes. */
static int binomial_inverts(const struct binomial_p *bp, unsigned long n)
{
    return (double)n * bp->p < SAMPLER_BINOMIAL_SWITCH;
}

unsigned long sampler_binomial_prepared(const gsl_rng *r, const struct binomial_p *bp, unsigned long n)
{
    unsigned long k = 0;
    if (n && !bp->never)
        k = binomial_inverts(bp, n) ? binomial_inversion(r, bp, n) : binomial_btrs(r, bp->p, n);
    return bp->flip ? n - k : k;
}

/* The inversion searches of many lanes, in two bodies: two vectors of two
 * lanes (SSE2) and of four (AVX2, where the machine has it); see
 * search_lanes.inc. */
#define LANES_BODY "search_lanes.inc"
#include "sim/lanes_bodies.inc"
#undef LANES_BODY

/* The lanes' searches, eight at a time with AVX2 or four at a time: the
 * lanes past N (up to SEARCH_PAD of them) are padding whose search never
 * runs.  OUT[i] is lane i's count. */
#define SEARCH_PAD 7
static const double pad_zeros[SEARCH_PAD], pad_ones[SEARCH_PAD] = { 1, 1, 1, 1, 1, 1, 1 };
static void poisson_searches(const double *u, const double *m, size_t n, double *out)
{
#if SIMD_X86
    if (simd_avx2()) {
        for (size_t i = 0; i < n; i += 8)
            poisson_search_4(u + i, m + i, out + i);
        return;
    }
#endif
    for (size_t i = 0; i < n; i += 4)
        poisson_search_2(u + i, m + i, out + i);
}

static void binomial_searches(const double *u, const double *prob, const double *a, const double *s,
                              const double *trials, size_t n, double *out)
{
#if SIMD_X86
    if (simd_avx2()) {
        for (size_t i = 0; i < n; i += 8)
            binomial_search_4(u + i, prob + i, a + i, s + i, trials + i, out + i);
        return;
    }
#endif
    for (size_t i = 0; i < n; i += 4)
        binomial_search_2(u + i, prob + i, a + i, s + i, trials + i, out + i);
}

void sampler_exp_neg_lanes(const double *x, size_t n, double *out)
{
#if SIMD_X86
    if (simd_avx2()) {
        for (size_t i = 0; i < n; i += 4)
            exp_negs_4(x + i, out + i);
        return;
    }
#endif
    for (size_t i = 0; i < n; i += 2)
        exp_negs_2(x + i, out + i);
}

void sampler_poisson_lanes(gsl_rng *const *r, const double *mu, size_t count, unsigned long *out)
{
    /* the lanes drawn by inversion: their index, uniform and mean, and their
     * counts; spare slots pad the lanes with searches that never run */
    size_t at[SAMPLER_LANES];
    double u[SAMPLER_LANES + SEARCH_PAD], m[SAMPLER_LANES + SEARCH_PAD], k[SAMPLER_LANES + SEARCH_PAD];
    size_t n = 0;
    for (size_t j = 0; j < count; j++) {
        double x = poisson_mean(mu[j]);
        if (!(x > 0) || !poisson_inverts(x)) {
            out[j] = sampler_poisson(r[j], mu[j]);
            continue;
        }
        at[n] = j;
        u[n] = rng_fast_uniform(r[j]);
        m[n] = x;
        n++;
    }
    /* padding whose search never runs, copied from constants (as loops,
     * they were calls of memset a draw) */
    memcpy(u + n, pad_zeros, sizeof pad_zeros);
    memcpy(m + n, pad_ones, sizeof pad_ones);
    poisson_searches(u, m, n, k);
    for (size_t i = 0; i < n; i++)
        out[at[i]] = (unsigned long)(long)k[i]; /* at most 1000 */
}

void sampler_binomial_lanes(gsl_rng *const *r, const struct binomial_p *const *bp, const unsigned long *n,
                            size_t count, unsigned long *out)
{
    size_t at[SAMPLER_LANES];
    double u[SAMPLER_LANES + SEARCH_PAD], prob[SAMPLER_LANES + SEARCH_PAD], a[SAMPLER_LANES + SEARCH_PAD],
        s[SAMPLER_LANES + SEARCH_PAD], trials[SAMPLER_LANES + SEARCH_PAD], x[SAMPLER_LANES + SEARCH_PAD];
    size_t m = 0;
    for (size_t j = 0; j < count; j++) {
        const struct binomial_p *b = bp[j];
        unsigned long t = n[j];
        if (!t || b->never || !binomial_inverts(b, t)) {
            out[j] = sampler_binomial_prepared(r[j], b, t);
            continue;
        }
        struct binomial_start v = binomial_setup(r[j], b, t);
        at[m] = j;
        u[m] = v.u;
        prob[m] = v.prob;
        a[m] = v.a;
        s[m] = v.s;
        trials[m] = v.n;
        m++;
    }
    memcpy(u + m, pad_zeros, sizeof pad_zeros); /* as in sampler_poisson_lanes */
    memcpy(a + m, pad_zeros, sizeof pad_zeros);
    memcpy(s + m, pad_zeros, sizeof pad_zeros);
    memcpy(trials + m, pad_zeros, sizeof pad_zeros);
    memcpy(prob + m, pad_ones, sizeof pad_ones);
    binomial_searches(u, prob, a, s, trials, m, x);
    for (size_t i = 0; i < m; i++) {
        size_t j = at[i];
        unsigned long k = (unsigned long)(long)x[i]; /* a whole number below 2^53 */
        out[j] = bp[j]->flip ? n[j] - k : k;
    }
}

unsigned long sampler_binomial(const gsl_rng *r, double p, unsigned long n)
{
    struct binomial_p bp;
    sampler_binomial_prepare(p < 0 ? 0 : p > 1 ? 1 : p, &bp);
    return sampler_binomial_prepared(r, &bp, n);
}
