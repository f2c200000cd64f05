/*
 * correl.h - rank correlations between uncertain inputs (correlations.csv),
 * induced by the Iman-Conover method.
 *
 * correlations.csv, an optional model file, has one row per pair:
 * input_a,input_b,rank_correlation, the inputs named as inputs.h names them
 * (staff.csv:Engineer:salary).  correl_check resolves and checks the pairs
 * once the model has loaded; correl_new turns the pairs with a correlation
 * other than 0 into what the paths apply.
 *
 * Iman and Conover ("A distribution-free approach to inducing rank
 * correlation among input variables", Commun. Statist. B 11, 1982), as
 * @RISK and Crystal Ball do it: paths come in blocks of CORREL_BLOCK
 * consecutive paths (the sampling designs' blocks, design.h), fixed by the
 * path's number alone, so a block is the same whatever the threads.  In a
 * block, each correlated input's uniforms (as the path's stream and design
 * give them) are reordered over the block's paths so that their ranks
 * follow the ranks of a matrix of normal scores given the target
 * correlation; every path then takes, for each correlated input, one of
 * the block's own uniforms.  Each input keeps exactly its block's values,
 * so its distribution is unchanged (and a Latin hypercube keeps its
 * strata).  The rank correlation that results differs from the target by
 * about 0.02 in a block (normal scores' rank correlation is
 * 6/pi asin(r/2), not r, and the block is finite); inputs in no pair with
 * a correlation other than 0 keep their draws bit for bit.
 *
 * Scenario cells (scenarios.csv:NAME:column) cannot be correlated: every
 * scenario draws them from the same uniforms (common random numbers), so a
 * correlation of one scenario's cell would reach every scenario's.
 */
#ifndef CPC_CORREL_H
#define CPC_CORREL_H

#include <stddef.h>
#include <stdint.h>

#include "sim/design.h"
#include "sim/diag.h"
#include "sim/model.h"
#include "sim/table.h"

#define CORREL_BLOCK DESIGN_BLOCK /* paths a block: 1024, the sampling designs' block */
#define CORREL_MAX_INPUTS 256 /* inputs correlations.csv may name, all pairs together */
#define CORREL_MAX_PAIRS (CORREL_MAX_INPUTS * (CORREL_MAX_INPUTS - 1) / 2) /* its rows */

/* A row of correlations.csv.  The schema fills LINE and the three
 * columns; correl_check sets the cells A and B name. */
struct correlation {
    long line;
    char *input_a, *input_b; /* owned */
    double rank_correlation;
    struct correl_cell {
        enum model_file file;
        size_t row;
        unsigned column;
    } a, b;
};

/* Loads correlations.csv's table T into *ROWS (N of them; free with
 * correl_free_rows), checking its cells: a number from -1 to 1.  Returns the
 * number of errors added to D. */
size_t correl_load(const struct table *t, const struct calendar *cal, struct diag *d, struct correlation **rows,
                   size_t *n);
void correl_free_rows(struct correlation *rows, size_t n);

/* Checks M's correlations (read from T) against the model: every name an
 * uncertain input (the nearest names suggested otherwise), not a scenario's
 * cell, not paired with itself, a pair given twice only with one value, and
 * the whole matrix positive semi-definite (otherwise the pairs in conflict
 * are named with the nearest valid matrix's values).  Returns the number
 * of errors added to D. */
size_t correl_check(struct model *m, const struct table *t, struct diag *d);

/* The nearest correlation matrix to the symmetric N x N matrix A (row
 * major, unit diagonal) in the Frobenius norm (Higham, "Computing the
 * nearest correlation matrix", IMA J. Numer. Anal. 22, 2002, alternating
 * projections), into OUT.  Returns 0, or -1 when memory runs out. */
int correl_nearest(const double *a, size_t n, double *out);

struct path;
struct correl;
struct correl_block;

/* What the paths of model M apply, for the per-path uniforms of workspace
 * P (path.h: path_cell_slot): *OUT NULL when M has no correlation other
 * than 0, so that such a run is the run without correlations.csv.  ST_OK or
 * ST_NOMEM. */
enum status correl_new(const struct model *m, const struct path *p, struct correl **out);
void correl_free(struct correl *c);
/* The number of inputs correlated. */
size_t correl_inputs(const struct correl *c);

/* A thread's scratch for C's blocks (C borrowed): NULL when memory runs
 * out.  Lanes of one thread may share one. */
struct correl_block *correl_block_new(const struct correl *c);
void correl_block_free(struct correl_block *b);

/* Sets the correlated inputs' uniforms in U (the per-path uniforms of path
 * PATH, by slot) to their values in the block of PATH, working the block
 * out first when B holds another one (from path_slot_uniform of workspace
 * P, whose generator it reselects). */
void correl_apply(struct correl_block *b, struct path *p, uint64_t seed, uint64_t path, double *u);

#endif
