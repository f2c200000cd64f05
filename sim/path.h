/*
 * path.h - one path of the monthly model, or the plan.
 *
 * A path workspace is allocated once per thread (path_new) and reused for
 * every path and scenario: simulating allocates nothing.  For a path, the
 * shared values (prices, costs, salaries, efforts, funding) are drawn once
 * (path_draw_shared) and each scenario then draws its own values and deals
 * (path_draw_scenario) and runs its months (path_simulate).  The plan
 * (path_eval_shared, path_eval_scenario, path_simulate in PATH_PLAN)
 * takes every value at its mean and every random count at its expectation.
 *
 * The equations are those of the spec's "monthly model"; see the model
 * modules for each cost line.
 */
#ifndef CPC_PATH_H
#define CPC_PATH_H

#include <stdint.h>

#include "metrics.h"
#include "model.h"

struct path;

/* A workspace for model M (borrowed; it must outlive the workspace).
 * NULL when memory runs out. */
struct path *path_new(const struct model *m);
void path_free(struct path *p);
/* About the bytes a workspace for model M takes. */
size_t path_bytes(const struct model *m);

/* Draws the path's uniforms (all of them, scenarios' included, so that
 * scenarios share them) and the values that do not depend on the scenario. */
void path_draw_shared(struct path *p, uint64_t seed, uint64_t path_index);
/* Draws the scenario's own values and its deals from the path's uniforms. */
void path_draw_scenario(struct path *p, size_t scenario);
void path_eval_shared(struct path *p);

struct design;
/* The number of per-path uniforms (the dimensions of a sampling design). */
size_t path_dimensions(const struct path *p);
/* Spreads the per-path uniforms by design D (borrowed); NULL: plain Monte Carlo. */
void path_set_design(struct path *p, const struct design *d);
void path_eval_scenario(struct path *p, size_t scenario);

enum path_mode {
    PATH_PLAN,      /* arrivals and churn at their expectations */
    PATH_RANDOM,    /* arrivals and churn drawn from the streams of (seed, path) */
    PATH_DRAWS_ONLY /* the draws of PATH_RANDOM and nothing else: the benchmark's floor */
};

/* Runs the months in MODE.  PATH_DRAWS_ONLY leaves the results unset. */
void path_simulate(struct path *p, enum path_mode mode, uint64_t seed, uint64_t path_index);

/*
 * path_simulate in steps, so that the engine can run many paths month by
 * month side by side (each figure then takes a run of consecutive paths'
 * values at once): path_begin, path_month for months 1..H in order, and
 * path_end, which sets path_summary and path_lines (path_monthly is set by
 * path_simulate only).  path_month writes month MO's MM_COUNT figures to
 * OUT[k * STRIDE], k = 0 .. MM_COUNT - 1 (nothing in PATH_DRAWS_ONLY).
 */
void path_begin(struct path *p, enum path_mode mode);
void path_month(struct path *p, uint64_t seed, uint64_t path_index, int month, double *out, size_t stride);
void path_end(struct path *p);
/* path_month of paths FIRST .. FIRST + N - 1 in the N workspaces LANE (N at
 * most PATH_LANES, all begun in the same mode, PATH_RANDOM or
 * PATH_DRAWS_ONLY), their draws made together; lane j writes to OUT + j.
 * The lanes' running costs are kept side by side in LANE[0]'s workspace,
 * so a group keeps the same first workspace from month 1 to month H. */
#define PATH_LANES 16
void path_month_lanes(struct path *const *lane, size_t n, uint64_t seed, uint64_t first, int month, double *out,
                      size_t stride);

/* Results of the last path_simulate: monthly figures [(m - 1) * MM_COUNT + k],
 * summary figures [k], cost line figures [line * LF_COUNT + f]. */
const double *path_monthly(const struct path *p);
const double *path_summary(const struct path *p);
const double *path_lines(const struct path *p);

/* The number of cost lines and, for line L, its kind ("infra", "staff",
 * "feature_build", "feature_run"), name, category and whether it exists
 * (a feature without effort has no build line). */
size_t path_nlines(const struct model *m);
void path_line_info(const struct model *m, size_t l, const char **kind, const char **name, int *category,
                    int *exists);

#endif
