/*
 * sampler.h - exact, fast Poisson and binomial draws.
 *
 * GSL's own samplers for these are exact but slow for the means a monthly
 * model meets (Poisson above ~10, binomial with many trials).  These use
 * inversion for small means and Hormann's transformed rejection with
 * squeeze for large ones: PTRS for the Poisson ("The transformed rejection
 * method for generating Poisson random variables", Insurance: Mathematics
 * and Economics 12, 1993) and BTRS for the binomial ("The generation of
 * binomial random variates", J. Statist. Comput. Simul. 46, 1993).  Both are
 * exact (the rejection step accepts with the true probability), and draw
 * their uniforms from any GSL generator.
 */
#ifndef CPC_SAMPLER_H
#define CPC_SAMPLER_H

#include <stddef.h>

#include <gsl/gsl_rng.h>

/* Means below these use inversion; from them on, transformed rejection.
 * Hormann's methods need means of at least 10, but inversion is the faster
 * well above that, because a fifth to half of the rejection draws at such
 * means miss the squeeze and take logarithms (the timings that set the
 * switches are in tests/bench/README.md; numpy switches binomials at 30
 * too).  Either way a draw is exact, so the switch changes no
 * distribution. */
#define SAMPLER_POISSON_SWITCH 40.0
#define SAMPLER_BINOMIAL_SWITCH 30.0
/* The largest Poisson mean drawn; larger means are taken as this one, so a
 * count always fits the integer it is returned in. */
#define SAMPLER_MAX_MEAN 1e12

/* exp(-X) for X in [0, SAMPLER_EXP_MAX], within about an ulp, and the same
 * bits on every machine and in lanes; where Poisson inversion starts. */
#define SAMPLER_EXP_MAX 700.0
double sampler_exp_neg(double x);
/* OUT[i] = sampler_exp_neg(X[i]) for i < N, bit for bit, by the vector
 * steps the lanes' Poisson searches start from (so the tests can compare
 * them): X and OUT have room for N rounded up to a multiple of 4, and what
 * X holds there is in [0, SAMPLER_EXP_MAX] too. */
void sampler_exp_neg_lanes(const double *x, size_t n, double *out);

/* A Poisson variate of mean MU (0 for MU <= 0). */
unsigned long sampler_poisson(const gsl_rng *r, double mu);
/* A binomial variate: successes in N trials of probability P. */
unsigned long sampler_binomial(const gsl_rng *r, double p, unsigned long n);

/* A success probability prepared once for many binomial draws (churn on
 * every plan and month of a path). */
#define BINOMIAL_POW 64
struct binomial_p {
    double p;    /* the probability of the rarer outcome, at most 0.5 */
    double logq; /* log(1 - p) */
    double odds; /* p / (1 - p) */
    int flip;    /* the draw counts failures: return n - k */
    int never;   /* P is 0 (or 1 with flip) */
    /* (1 - p)^n = high[n / 64] * low[n % 64] for n below 64^2, the chance of
     * no success that inversion starts from, without an exp per draw */
    double low[BINOMIAL_POW], high[BINOMIAL_POW];
};

void sampler_binomial_prepare(double p, struct binomial_p *out);
unsigned long sampler_binomial_prepared(const gsl_rng *r, const struct binomial_p *bp, unsigned long n);

/*
 * Draws for COUNT independent lanes at once (paths run side by side):
 * OUT[j] is what sampler_poisson(R[j], MU[j]), or
 * sampler_binomial_prepared(R[j], BP[j], N[j]), would give, bit for bit,
 * drawing the same words from R[j].  Lanes drawn by inversion share one
 * search loop, four at a time in SIMD registers; the others are drawn one by
 * one.  COUNT is at most SAMPLER_LANES.
 */
#define SAMPLER_LANES 256
void sampler_poisson_lanes(gsl_rng *const *r, const double *mu, size_t count, unsigned long *out);
void sampler_binomial_lanes(gsl_rng *const *r, const struct binomial_p *const *bp, const unsigned long *n,
                            size_t count, unsigned long *out);

#endif
