/*
 * sensitivity.h - what drives each key output: rank statistics of every
 * uncertain input (inputs.h) against the run's key figures, on a fixed
 * subsample of its paths (sensitivity.csv).
 *
 * The subsample is the run's first SENSITIVITY_PATHS paths (all of them
 * when fewer).  Paths are independent draws, each from its own streams
 * keyed by the seed and its index, so the first ones are a simple random
 * sample of the run's paths, drawn by the seed; they are the same paths on
 * any thread count, for any -n beyond them, and when --precision extends a
 * run.  While the engine runs, it records for each of them the uniform
 * every input was drawn from and each scenario's key outputs, into arrays
 * allocated before the run: memory is bounded by the subsample, flat in
 * paths, and nothing is allocated per path.
 *
 * Every uncertain cell is drawn once per path (SPEC.md: no cell is redrawn
 * month by month), so each input has one value per path.  The model's own
 * chance (arrivals, churn, which deals close, whether funding arrives) is
 * not an input: it is the spread that no input explains.
 *
 * For an input X and an output Y, over the n paths of the subsample where
 * Y is defined (cost per customer is not where a path has no customers):
 * - spearman: Spearman's rank correlation, Pearson's correlation of the
 *   mid-ranks (tied values share the mean of their ranks);
 * - spearman_se: its standard error, (1 - r^2) sqrt((1 + r^2 / 2) / (n - 3)),
 *   the delta method on Fisher's z = atanh(r) with Bonett and Wright's
 *   variance of z for Spearman's r ("Sample size requirements for
 *   estimating Pearson, Kendall and Spearman correlations", Psychometrika
 *   65, 2000); undefined for n <= 3;
 * - variance_share: the correlation ratio eta^2 over SENSITIVITY_BINS bins
 *   of equal count of X (by rank; a group of tied values goes whole into
 *   the bin of its first rank): sum over bins of n_b (mean_b - mean)^2,
 *   over sum of (y - mean)^2, the share of Y's variance explained by X
 *   alone (first order; effects that are not monotone count too).  An input
 *   without effect gets about (SENSITIVITY_BINS - 1) / n, not 0;
 * - tornado_low, tornado_high: Y's mean over the paths where X is in its
 *   lowest tenth (at or below its ceil(n/10)-th smallest value) and in its
 *   highest tenth (at or above its ceil(n/10)-th largest); tied values go
 *   in whole;
 * - rank: 1 for the input with the largest |spearman| within a scenario
 *   and output, then down (ties by variance_share, then by input order);
 *   0 (an empty cell) where spearman is undefined because Y or X does not
 *   vary.
 * An input is ranked by the uniform it is drawn from (its draw is a
 * non-decreasing function of it, so the order is the same); draws that
 * clamping holds at a bound of the field's range tie.
 */
#ifndef CPC_SENSITIVITY_H
#define CPC_SENSITIVITY_H

#include <stddef.h>
#include <stdint.h>

#include "sim/inputs.h"
#include "sim/model.h"
#include "sim/status.h"

#define SENSITIVITY_PATHS 10000 /* the subsample */
#define SENSITIVITY_BINS 20     /* of variance_share */
#define SENSITIVITY_TAIL 10     /* tornado: the lowest and highest 1/SENSITIVITY_TAIL */

/* The key outputs (summary metrics), in report order: cpc_final,
 * cpc_horizon, runway_months, cash_final, funding_need, customers_final. */
enum { SENSITIVITY_OUTPUTS = 6 };
extern const int sensitivity_outputs[SENSITIVITY_OUTPUTS];

/* The statistics of one input against one output (see above); NAN where
 * undefined. */
struct sensitivity_stat {
    double spearman, spearman_se, variance_share, tornado_low, tornado_high;
    uint64_t n; /* paths where the output is defined */
};

/* The statistics of X[i] against Y[i], i < N (a Y that is NAN is left out;
 * X is finite), as the run works them out, ties by equal values.  ST_OK,
 * or ST_NOMEM with *OUT untouched. */
enum status sensitivity_pair(const double *x, const double *y, size_t n, struct sensitivity_stat *out);

struct sensitivity_row {
    size_t scenario; /* position among the run's scenarios */
    size_t input;    /* index in struct sensitivity's inputs */
    int output;      /* summary metric */
    struct sensitivity_stat stat;
    size_t rank;     /* 1 the strongest; 0 where spearman is undefined */
};

/* What a run found: rows by scenario, output (sensitivity_outputs' order),
 * then rank (the unranked last, in input order).  Each scenario has a row
 * per output for every input of the model's other files and of its own
 * row of scenarios.csv. */
struct sensitivity {
    uint64_t paths;         /* the subsample */
    struct inputs *inputs;  /* the names, owned */
    struct sensitivity_row *row;
    size_t nrows;
};
void sensitivity_free(struct sensitivity *s);
/* The rows of scenario S and output OUTPUT (a summary metric): the first
 * is returned and their number set in *N (0 and NULL when none). */
const struct sensitivity_row *sensitivity_rows(const struct sensitivity *sv, size_t s, int output, size_t *n);

/*
 * The record of the subsample, for a run of PATHS paths of the model's
 * scenarios SCENARIOS[0..S) (model indices, borrowed, as M is); P is a path
 * workspace of M (for the slot each cell's uniform takes; borrowed only
 * here).  NULL when memory runs out.  Free with sensitivity_sample_free
 * (NULL does nothing).
 */
struct path;
struct sensitivity_sample;
struct sensitivity_sample *sensitivity_sample_new(const struct model *m, const size_t *scenarios, size_t S,
                                                  uint64_t paths, const struct path *p);
void sensitivity_sample_free(struct sensitivity_sample *x);
/* Paths below this index are recorded. */
uint64_t sensitivity_sample_paths(const struct sensitivity_sample *x);
/* Records path PATH's uniforms U (path_uniforms, by slot), and scenario
 * S's (its position) summary figures SUMMARY[SM_COUNT]; nothing for a path
 * beyond the subsample.  Threads may record different paths at once. */
void sensitivity_record_inputs(struct sensitivity_sample *x, uint64_t path, const double *u);
void sensitivity_record_outputs(struct sensitivity_sample *x, size_t s, uint64_t path, const double *summary);
/* The record of paths FIRST .. FIRST + N - 1 (below the subsample), for
 * another process (cpcsim-mpi): sensitivity_sample_get copies it into BUF,
 * sensitivity_sample_span_bytes(X, N) bytes, and sensitivity_sample_put
 * copies it back, into a record of the same run. */
size_t sensitivity_sample_span_bytes(const struct sensitivity_sample *x, size_t n);
void sensitivity_sample_get(const struct sensitivity_sample *x, uint64_t first, size_t n, void *buf);
void sensitivity_sample_put(struct sensitivity_sample *x, uint64_t first, size_t n, const void *buf);
/* The statistics of the first min(subsample, DONE) paths, which must all
 * have been recorded.  ST_OK with *OUT set (free with sensitivity_free), or
 * ST_NOMEM. */
enum status sensitivity_compute(const struct sensitivity_sample *x, uint64_t done, struct sensitivity **out);

#endif
