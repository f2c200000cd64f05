/*
 * design.h - how the per-path uniforms are spread: plain Monte Carlo, Latin
 * hypercube or randomised quasi-Monte Carlo (Sobol).
 *
 * Each path draws its uncertain values (and whether each deal and funding
 * round happens) from one uniform per dimension; the monthly arrivals and
 * churn stay plain Monte Carlo whatever the design.  Paths come in blocks
 * of DESIGN_BLOCK consecutive paths, and each block is an independent
 * randomised design:
 *   mc     the uniform of the dimension's own stream, unchanged;
 *   lhs    in each dimension the block's paths take one stratum of width
 *          1/DESIGN_BLOCK each, in an order given by a keyed random
 *          permutation, at a point within the stratum from the stream;
 *   sobol  the first DESIGN_SOBOL_DIMS dimensions take the block's points of
 *          the Sobol sequence (GSL), shifted by a keyed uniform per block and
 *          dimension (a Cranley-Patterson rotation); further dimensions, which
 *          GSL's Sobol does not have, are Latin hypercube.
 * Every single uniform is uniform on (0,1), so every estimate stays
 * unbiased; blocks are independent replicates, so the spread of block means
 * gives an honest standard error (engine.c).
 */
#ifndef CPC_DESIGN_H
#define CPC_DESIGN_H

#include <stddef.h>
#include <stdint.h>

#define DESIGN_BLOCK 1024
#define DESIGN_SOBOL_DIMS 40

enum sampling { SAMPLING_MC, SAMPLING_LHS, SAMPLING_SOBOL };

extern const char *const sampling_names[]; /* "mc", "lhs", "sobol", NULL */

struct design;

/* A design for DIMS dimensions; NULL when memory runs out. */
struct design *design_new(enum sampling s, uint64_t seed, size_t dims);
void design_free(struct design *d);

/* The uniform of dimension DIM on path PATH, from the plain uniform V of
 * that dimension's stream. */
double design_uniform(const struct design *d, uint64_t path, size_t dim, double v);

#endif
