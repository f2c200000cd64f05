/*
 * sweep.h - the summary metrics over a grid of one or two inputs, on common
 * random numbers (cpcsim sweep), and the statistic of a metric that sweep
 * shows and goal aims at.
 *
 * The grid is the product of the inputs' values (vary.h), the first input
 * the slower: point P is value P / n2 of the first and P % n2 of the
 * second.  The model is loaded, checked and its draws prepared once; each
 * point puts its values into the cells in place, runs the engine with the
 * run's seed on every core, and puts the model's own values back.  Streams
 * are keyed by cell, so every point runs on the same random numbers and a
 * point's statistics are the bits of a run of the model with its cells
 * edited by hand (under --sampling mc; lhs and sobol too when every value of
 * a cell is a distribution, or every one a plain number).
 */
#ifndef CPC_SWEEP_H
#define CPC_SWEEP_H

#include <stdio.h>

#include "sim/engine.h"
#include "sim/model.h"
#include "sim/status.h"
#include "sim/vary.h"

#define SWEEP_MAX_INPUTS 2
/* The most points of a grid. */
#define SWEEP_MAX_POINTS 10000

/* The statistics sweep.csv keeps of a figure. */
struct sweep_stat {
    double mean, mc_se, p10, p50, p90;
};

struct sweep {
    size_t nvary;
    const struct vary *vary[SWEEP_MAX_INPUTS]; /* borrowed */
    size_t npoints;
    size_t nscenarios;
    size_t *scenarios;       /* model indices (owned) */
    uint64_t paths;
    struct sweep_stat *stat; /* [(point * nscenarios + s) * SM_REPORTED + metric] */
};

/*
 * Runs model M at every point of the grid of the NVARY inputs VARY (1 or
 * 2), each with options O (its scenarios, seed, paths, threads, sampling).
 * Returns ST_OK with *OUT (free with sweep_free), ST_NOMEM, ST_INTERRUPT or
 * what the engine returns; M is as it was either way.  With PROGRESS, says
 * on stderr which point is running.
 */
enum status sweep_run(struct model *m, struct vary *const *vary, size_t nvary, const struct run_options *o,
                      int progress, struct sweep **out);
void sweep_free(struct sweep *s);

/* sweep.csv: a column per input (its value at the point: a number, or the
 * distribution as written), then scenario,metric,mean,mc_se,p10,p50,p90. */
int sweep_report(FILE *f, const struct model *m, const struct sweep *s);

/* The grid of METRIC's STAT (sweep_metric) per scenario, for the terminal. */
void sweep_terminal(FILE *f, const struct model *m, const struct sweep *s, int metric, int stat);

/* A statistic of a summary metric, written [STAT:]METRIC: STAT is mean
 * (the default) or one of p5, p10, p25, p50, p75, p90, p95.  Reads TEXT
 * (LEN bytes) into *METRIC (enum summary_figure, below SM_REPORTED) and
 * *STAT (-1 for the mean, else an enum stat_quantile); returns 0, or -1
 * with the reason in WHY (an unknown metric with the nearest named). */
int sweep_metric(const char *text, size_t len, int *metric, int *stat, char *why, size_t whylen);
/* The value of statistic STAT of ROW. */
double sweep_stat_of(const struct stat_row *row, int stat);
/* "p50:gross_margin_final", "default_alive" into BUF. */
void sweep_metric_name(int metric, int stat, char *buf, size_t len);

#endif
