/*
 * metrics.h - the figures a run reports, in report order.
 *
 * Monthly metrics are figures of one month of one path; summary metrics are
 * figures of a whole path.  A figure that is undefined on a path (cost per
 * customer with no customers, margin with no revenue) is NAN there and left
 * out of that figure's statistics.  Runway and breakeven beyond the horizon
 * are H + 1 (a restricted mean, as in survival analysis).
 */
#ifndef CPC_METRICS_H
#define CPC_METRICS_H

#include "models/month.h" /* the figures: enum month_figure, summary_figure, line_figure */

extern const char *const monthly_metric_names[MM_COUNT];
extern const char *const summary_metric_names[SM_COUNT];

/* +1 when a higher value is better for prob_plan, -1 when lower is better,
 * 0 when prob_plan is left empty. */
extern const int summary_metric_direction[SM_COUNT];

/* The figures compare.csv compares path by path, scenario against the
 * baseline, and for each whether a higher value is better (+1) or worse
 * (-1): prob_worse counts the paths on the worse side. */
enum { CMP_COUNT = 8 };
extern const int compare_metrics[CMP_COUNT];
extern const int compare_direction[CMP_COUNT];

/* Non-zero for metrics that count whole things (customers, months). */
extern const int monthly_metric_whole[MM_COUNT];
extern const int summary_metric_whole[SM_COUNT];

#endif
