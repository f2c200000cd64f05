/*
 * path.h - one path of the monthly model, or the plan.
 *
 * A path workspace is one allocation, made once per thread (path_new) and
 * reused for every path and scenario: simulating allocates nothing.  For a
 * path, the shared values (prices, costs, salaries, efforts, funding) are
 * drawn once (path_draw_shared) and each scenario then draws its own
 * values and deals (path_draw_scenario).  The plan (path_eval_shared,
 * path_eval_scenario) takes every value at its mean.
 *
 * The months are those of the plain monthly model (models/month.h), run in
 * one of two ways that give the same bits:
 * - path_simulate runs it as written, month by month: each month's values
 *   worked out from the draws, its customer-independent part, its flows
 *   (expected in the plan, drawn on a path), its close.  The plan, the
 *   ledgers and the tests' reference paths use it.
 * - path_begin, path_month_lanes and path_end are what the engine runs:
 *   the customer-independent part of every month is worked out once per
 *   path for all its scenarios, and many paths run side by side, month by
 *   month, their random draws made together.
 */
#ifndef CPC_PATH_H
#define CPC_PATH_H

#include <stdint.h>

#include "sim/metrics.h"
#include "sim/model.h"

struct path;

/* A workspace for model M (borrowed; it must outlive the workspace).
 * NULL when memory runs out. */
struct path *path_new(const struct model *m);
void path_free(struct path *p);
/* The bytes a workspace for model M takes. */
size_t path_bytes(const struct model *m);

/* Draws the path's uniforms (all of them, scenarios' included, so that
 * scenarios share them) and the values that do not depend on the scenario. */
void path_draw_shared(struct path *p, uint64_t seed, uint64_t path_index);
/* Draws the scenario's own values and its deals from the path's uniforms. */
void path_draw_scenario(struct path *p, size_t scenario);
void path_eval_shared(struct path *p);
void path_eval_scenario(struct path *p, size_t scenario);

/* Runs the months to come as variant V of the model (NULL: the model as it
 * is, without its contract): the contract (struct model's) signed or not,
 * some features switched off.  The draws do not change. */
void path_set_variant(struct path *p, const struct month_variant *v);

/* The slot of value cell (FILE, ROW, COLUMN) of the model (struct
 * model_cell's numbering; for scenarios.csv, all rows of a column share
 * one), or -1 when the cell takes no uniform (it is certain); and the
 * uniforms of the path last drawn (path_draw_shared), by slot: the cell's
 * value is dist_draw of its uniform. */
int path_cell_slot(const struct path *p, enum model_file file, size_t row, unsigned column);
const double *path_uniforms(const struct path *p);

struct design;
struct correl_block;
/* The number of per-path uniforms (the dimensions of a sampling design). */
size_t path_dimensions(const struct path *p);
/* Spreads the per-path uniforms by design D (borrowed); NULL: plain Monte Carlo. */
void path_set_design(struct path *p, const struct design *d);
/* Correlates the per-path uniforms by B (correl.h; borrowed, and it may be
 * shared by the workspaces of one thread); NULL: none. */
void path_set_correl(struct path *p, struct correl_block *b);
/* The uniform of slot K on path PATH before any correlation: its stream's,
 * spread by the design.  Reselects P's generator. */
double path_slot_uniform(struct path *p, uint64_t seed, uint64_t path, size_t k);

enum path_mode {
    PATH_PLAN,      /* arrivals and churn at their expectations */
    PATH_RANDOM,    /* arrivals and churn drawn from the streams of (seed, path) */
    PATH_DRAWS_ONLY /* the draws of PATH_RANDOM and nothing else: the benchmark's floor */
};

/* An audit trail of one run of path_simulate: MONTH is called after each
 * month with the month's figures (FIG[MM_COUNT]), each plan's revenue
 * (REVENUE[nplans]) and each cost line's cost (LINE_COST[path_nlines]). */
struct path_ledger {
    void (*month)(void *ctx, int m, const double *fig, const double *revenue, const double *line_cost);
    void *ctx;
};

/* Runs the plain model over months 1..H in MODE (PATH_PLAN or
 * PATH_RANDOM), reporting each month to LEDGER when it is not NULL. */
void path_simulate(struct path *p, enum path_mode mode, uint64_t seed, uint64_t path_index,
                   const struct path_ledger *ledger);

/*
 * The engine's way through the months: path_begin, then
 * path_month_lanes for months 1..H in order, then path_end, which sets
 * path_summary and path_lines (path_monthly is set by path_simulate only).
 * path_month_lanes runs month MO of paths FIRST .. FIRST + N - 1 in the N
 * workspaces LANE (N at most PATH_LANES, all begun in the same mode,
 * PATH_RANDOM or PATH_DRAWS_ONLY), their draws made together; lane j
 * writes its MM_COUNT figures to OUT[k * STRIDE + j] (nothing in
 * PATH_DRAWS_ONLY).
 */
#define PATH_LANES 16
void path_begin(struct path *p, enum path_mode mode);
void path_month_lanes(struct path *const *lane, size_t n, uint64_t seed, uint64_t first, int month, double *out,
                      size_t stride);
void path_end(struct path *p);

/* Each cost line's cost in month MO of the last run (path_simulate, or the
 * engine's way once path_end is done), into LINE_COST[path_nlines], priced
 * line by line as month_ledger prices them from the path's values of MO's
 * year and its customers: what cost_lines.csv reports.  Allocates
 * nothing. */
void path_line_costs(struct path *p, int mo, double *line_cost);
/* The same for the N lines LINES only, into LINE_COST[N]. */
void path_line_costs_of(struct path *p, int mo, const size_t *lines, size_t n, double *line_cost);
/* While SUMS is not NULL, the engine's way through the months adds the
 * cost in each month MO of every line of the model (a contract's aside)
 * that depends on customers (month_line_fixed false), as month_line_cost
 * prices it, to SUMS[l * STRIDE + MO - 1] (STRIDE at least H): the step
 * lines and growing roles as month_close prices them, the others at
 * path_end, from the customers' sums.  While RECORD is not NULL, those
 * lines' rows of RECORD (same layout) are set to the path's costs, and
 * added to SUMS at path_end.  Both borrowed; call after path_begin. */
void path_sum_lines(struct path *p, double *sums, double *record, size_t stride);
/* month_line_fixed of line L in the variant P runs, and month_changes of
 * it: CHANGES[m], m = 1..H. */
int path_line_fixed(const struct path *p, size_t l);
/* Non-zero when path_sum_lines sums line L: one that depends on customers
 * (a contract's aside). */
int path_line_varies(const struct path *p, size_t l);
/* month_line_changes of line L in the variant P runs. */
void path_line_changes(const struct path *p, size_t l, unsigned char *changed);
const unsigned char *path_changes(const struct path *p);

/* Results of the last run: monthly figures [(m - 1) * MM_COUNT + k]
 * (path_simulate only), summary figures [k], cost line figures
 * [line * LF_COUNT + f]. */
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
