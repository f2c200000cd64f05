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

enum monthly_metric {
    MM_CUSTOMERS, MM_NEW_CUSTOMERS, MM_CHURNED, MM_REVENUE, MM_COST, MM_COST_INFRA, MM_COST_STAFF,
    MM_COST_FEATURES, MM_COGS, MM_GROSS_MARGIN, MM_CPC, MM_CPC_VARIABLE, MM_CASH, MM_HEADCOUNT, MM_COUNT
};

enum summary_metric {
    SM_RUNWAY, SM_PROB_CASH_OUT, SM_DEFAULT_ALIVE, SM_BREAKEVEN, SM_CUSTOMERS_FINAL, SM_REVENUE_FINAL,
    SM_COST_FINAL, SM_CASH_FINAL, SM_CPC_FINAL, SM_CPC_VARIABLE_FINAL, SM_CPC_HORIZON,
    SM_GROSS_MARGIN_FINAL, SM_MIN_CASH, SM_FUNDING_NEED, SM_HEADCOUNT_FINAL, SM_COUNT
};

/* Per cost line and path: total over the horizon, final month, and total
 * over customer-months (its part of cpc_horizon). */
enum line_figure { LF_TOTAL, LF_FINAL, LF_CPC, LF_COUNT };

extern const char *const monthly_metric_names[MM_COUNT];
extern const char *const summary_metric_names[SM_COUNT];

/* +1 when a higher value is better for prob_plan, -1 when lower is better,
 * 0 when prob_plan is left empty. */
extern const int summary_metric_direction[SM_COUNT];

/* Non-zero for metrics that count whole things (customers, months). */
extern const int monthly_metric_whole[MM_COUNT];
extern const int summary_metric_whole[SM_COUNT];

#endif
