/*
 * costlines.h - cost_lines.csv's percentiles of the lines: an exact sample
 * of the figures of every EVERY-th path, in memory fixed before the run.
 *
 * A run keeps the paths whose index is a multiple of EVERY: a given
 * minimum times the smallest power of two for which the rows of the paths
 * run so far fit in the sample's rows (at most COSTLINES_MOST, within a
 * budget of memory fixed at the start); when the run goes on beyond them,
 * every other row is dropped and EVERY doubles (costlines_sample_reach,
 * between extensions).  EVERY thus depends only on the number of paths,
 * and a run extended to N paths keeps the rows a run of N paths keeps.
 * Each path writes its own row, at its index / EVERY, so no row depends on
 * which thread ran it and threads share nothing but disjoint rows.  A
 * percentile is the type-1 quantile of a column over the rows written (the
 * smallest value with at least ceil(q n) of the n values at or below it):
 * the exact order statistic of the sampled paths, so its only error is
 * Monte Carlo's over n paths (at least half the rows once the run has that
 * many sampled paths, and none below COSTLINES_FEWEST rows of room).
 */
#ifndef CPC_COSTLINES_H
#define CPC_COSTLINES_H

#include <stddef.h>
#include <stdint.h>

#define COSTLINES_MOST 256
#define COSTLINES_FEWEST 64

struct costlines_sample;

/* An empty sample of NCOLS columns, keeping every MIN_EVERY-th path at
 * first, in as many rows as fit in BUDGET bytes (at most COSTLINES_MOST);
 * NULL when memory runs out (*NOMEM is then 1) or fewer than
 * COSTLINES_FEWEST rows fit (*NOMEM 0). */
struct costlines_sample *costlines_sample_new(size_t ncols, uint64_t min_every, size_t budget, int *nomem);
/* Makes room for the rows of paths 0 .. PATHS - 1, dropping every other row
 * and doubling EVERY as often as needed.  Not while paths are written. */
void costlines_sample_reach(struct costlines_sample *c, uint64_t paths);
/* Frees C; costlines_sample_free(NULL) does nothing. */
void costlines_sample_free(struct costlines_sample *c);
/* The row of path PATH (NCOLS doubles to fill), NULL when it is not kept. */
double *costlines_sample_row(struct costlines_sample *c, uint64_t path);
/* The paths kept are those whose index is a multiple of this (the rows of
 * paths 0, EVERY, 2 EVERY, ...). */
uint64_t costlines_sample_every(const struct costlines_sample *c);
/* The paths kept among paths 0 .. PATHS - 1. */
uint64_t costlines_sample_rows(const struct costlines_sample *c, uint64_t paths);
/* The type-1 quantiles Q[0..NQ-1] (increasing) of each column COL ..
 * COL + NCOL - 1 over the rows of paths 0 .. PATHS - 1 into OUT[k * NQ ..]
 * for column COL + k (NAN when none), with SCRATCH room for NCOL *
 * COSTLINES_MOST doubles. */
#define COSTLINES_BLOCK 16 /* columns a call may take */
void costlines_sample_quantiles(const struct costlines_sample *c, uint64_t paths, size_t col, size_t ncol,
                                const double *q, size_t nq, double *scratch, double *out);

/* The type-1 quantiles Q[0..NQ-1] (increasing) of the N values X
 * (reordered) into OUT; NAN when N is 0.  No NAN among X. */
void costlines_quantiles(double *x, size_t n, const double *q, size_t nq, double *out);

#endif
