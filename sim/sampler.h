/*
 * sampler.h - exact, fast Poisson, binomial and multinomial draws.
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

/* Means below this use inversion; from it on, transformed rejection. */
#define SAMPLER_SWITCH 10.0

/* A Poisson variate of mean MU (0 for MU <= 0). */
unsigned long sampler_poisson(const gsl_rng *r, double mu);
/* A binomial variate: successes in N trials of probability P. */
unsigned long sampler_binomial(const gsl_rng *r, double p, unsigned long n);
/* Splits N over K categories of probabilities P (summing to 1) into OUT,
 * by conditional binomials. */
void sampler_multinomial(const gsl_rng *r, size_t k, unsigned long n, const double *p, unsigned int *out);

#endif
