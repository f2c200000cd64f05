/*
 * bounds.h - whether a loaded model's figures can be computed at all.
 *
 * Every cell may be a valid number and the model still ask for sums no
 * double holds: a cost line of 1e308 over 36 months, a step of 1e-306
 * customers, a raise of 1e6 a year over 50 years.  Such a model would run
 * and report empty means.  bounds_check works out, from each cell's largest
 * draw (dist_top) and the largest customer count a path can reach, the
 * largest amount each line, each plan's revenue and each round of funding
 * can add up to over the horizon, and refuses the cell behind any amount
 * above BOUNDS_FIGURE_MAX.  model_check runs it, at load for every command
 * and after each edit of sweep and goal; nothing of it runs per path.
 */
#ifndef CPC_BOUNDS_H
#define CPC_BOUNDS_H

#include "sim/diag.h"
#include "sim/model.h"

/* The largest amount (money over the horizon, customers, blocks, people)
 * cpcsim computes with: far beyond any company in any currency, and small
 * enough that sums over every line and month, and the squares that
 * standard deviations take, stay finite. */
#define BOUNDS_FIGURE_MAX 1e100

/*
 * Checks model M (placing messages by its files' headers, model_column),
 * and adds to D an error for every cell whose amounts overflow, and a
 * warning for every scenario whose arrivals can pass the most cpcsim draws
 * in a month (SAMPLER_MAX_MEAN, where they are capped), for the scenarios
 * model_check_wants of the N cells EDITED (NULL: all).  Returns the number
 * of errors.  M must have loaded without errors.
 */
size_t bounds_check(const struct model *m, const struct model_cell_id *edited, size_t nedited, struct diag *d);

#endif
