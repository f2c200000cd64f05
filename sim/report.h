/*
 * report.h - the run's reports, as CSV, and the terminal summary.
 *
 * Numbers are written with 12 significant digits and '.' as the decimal
 * point (the process never leaves the "C" locale), never as -0; undefined
 * figures are empty cells.  Text from a user's file that a spreadsheet would
 * run as a formula (starting with =, +, -, @, tab or carriage return) is
 * prefixed with a single quote.
 */
#ifndef CPC_REPORT_H
#define CPC_REPORT_H

#include <stdio.h>

#include "sim/engine.h"
#include "sim/model.h"

/* What run.csv records of the invocation. */
struct run_info {
    const char *version;
    const char *command_line;
    const char *started_utc; /* ISO 8601 */
    uint64_t seed;
    double precision; /* --precision target, 0 when not used */
    const char *sampling; /* "mc", "lhs" or "sobol" */
};

/* The names of the report files, NULL-terminated. */
extern const char *const report_files[];

/* Each writes one report; they return 0, or -1 when a write failed (the
 * stream's error flag tells the rest). */
int report_summary(FILE *f, const struct model *m, const struct results *r);
int report_monthly(FILE *f, const struct model *m, const struct results *r);
int report_runway(FILE *f, const struct model *m, const struct results *r);
int report_costs(FILE *f, const struct model *m, const struct results *r);
/* compare.csv: each scenario but the baseline, against it, path by path. */
int report_compare(FILE *f, const struct model *m, const struct results *r);
/* sensitivity.csv: what drives each key output (sensitivity.h); the header
 * only when R has no sensitivity. */
int report_sensitivity(FILE *f, const struct model *m, const struct results *r);
/* cost_lines.csv: each cost line's and each category's cost in each month
 * of each scenario (mean, p10, p50, p90); the header only when R has no
 * such figures (run_options.cost_lines). */
int report_cost_lines(FILE *f, const struct model *m, const struct results *r);
int report_run(FILE *f, const struct model *m, const struct results *r, const struct run_info *info);

/* The human summary: per scenario, plan and P5/P50/P95 of runway, cost per
 * customer and final customers, and the probability of running out of cash. */
void report_terminal(FILE *f, const struct model *m, const struct results *r);

/* Writes TEXT as one CSV field: quoted when needed, neutralised when a
 * spreadsheet would take it for a formula. */
void report_text(FILE *f, const char *text);
/* Writes X as a CSV number (empty when NAN). */
void report_number(FILE *f, double x);

#endif
