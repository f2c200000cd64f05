/*
 * month.h - the monthly model: one month of the company, as SPEC.md's "The
 * monthly model" writes it, in plain C.
 *
 * It knows nothing of paths, threads or random streams.  A caller hands it
 * a month's values (month_values: every price, cost, salary and effort as
 * drawn on a path, or at its mean for the plan) and the month's customer
 * flows (arrivals and churn as drawn, or at their expectations), and gets
 * the month's figures back.  The plan and a single path call
 * month_fixed, month_flow and month_close once a month, in that order, and
 * month_summary at the end; the engine calls month_fixed for the months of
 * a path once, before its scenarios (nothing in it depends on customers,
 * so it is the same for all of them; between the months month_changes
 * marks it is the same as the month before), and month_flow and
 * month_close per scenario and month.  Either way the figures are the same
 * bits: the sums below have one order.
 *
 * Amounts are in the model's currency per month; customers are counts
 * (fractional in the plan).  The lines' totals over the horizon come at the
 * end (month_fixed_totals, month_summary), from each year's amounts and the
 * customer-months of each year, as a spreadsheet would sum them.  Sums run
 * over lines in file order:
 *   fixed part (month_fixed): fixed infra lines; roles of fixed headcount;
 *     feature builds; features' fixed run costs; and, per customer, the
 *     per_customer infra lines' amounts and the features' run cost per
 *     customer of each plan (rates that month_close multiplies by
 *     customers).
 *   customer part (month_close): revenue and customers plan by plan; infra
 *     = fixed + per-customer rate x C + each step line; staff = fixed roles
 *     + each role that grows with customers; features = builds + (fixed run
 *     + each plan's customers x its per-customer run rate); COGS = fixed
 *     infra cogs + per-customer cogs rate x C + step lines of cogs + fixed
 *     roles of cogs + growing roles of cogs + the features' run.
 * COGS are the infra and staff lines of category cogs and every feature run
 * cost; the variable cost is the per_customer and step infra lines, the
 * roles that grow with customers and the features' per-customer run costs.
 */
#ifndef CPC_MONTH_H
#define CPC_MONTH_H

#include <stddef.h>

#include "models/contract.h"
#include "models/features.h"
#include "models/infra.h"
#include "models/plans.h"
#include "models/staff.h"

/* The figures of one month, in report order. */
enum month_figure {
    MM_CUSTOMERS, MM_NEW_CUSTOMERS, MM_CHURNED, MM_REVENUE, MM_COST, MM_COST_INFRA, MM_COST_STAFF,
    MM_COST_FEATURES, MM_COGS, MM_GROSS_MARGIN, MM_CPC, MM_CPC_VARIABLE, MM_CASH, MM_HEADCOUNT, MM_COUNT
};

/* The figures of a whole path, in report order; summary.csv shows the first
 * SM_REPORTED.  SM_CPC_PLAN, the cost per customer over the horizon of one
 * plan (month_model's cpc_plan; see month_summary), is for cpcsim scope. */
enum summary_figure {
    SM_RUNWAY, SM_PROB_CASH_OUT, SM_DEFAULT_ALIVE, SM_BREAKEVEN, SM_CUSTOMERS_FINAL, SM_REVENUE_FINAL,
    SM_COST_FINAL, SM_CASH_FINAL, SM_CPC_FINAL, SM_CPC_VARIABLE_FINAL, SM_CPC_HORIZON,
    SM_GROSS_MARGIN_FINAL, SM_MIN_CASH, SM_FUNDING_NEED, SM_HEADCOUNT_FINAL, SM_COST_TOTAL, SM_REPORTED,
    SM_CPC_PLAN = SM_REPORTED, SM_COUNT
};

/* Per cost line and path: its cost over the horizon, in the final month,
 * and over the customer-months of the horizon (its part of cpc_horizon). */
enum line_figure { LF_TOTAL, LF_FINAL, LF_CPC, LF_COUNT };

/* Cost lines in report order: the infra lines, the roles, the features'
 * builds, the features' runs. */
enum line_kind { LINE_INFRA, LINE_STAFF, LINE_FEATURE_BUILD, LINE_FEATURE_RUN, LINE_CONTRACT };

/* What the monthly model reads of a loaded model (every array borrowed).
 * CONTRACT and FEATURE_OFF make a variant of it (DESIGN.md): the company
 * with a custom contract, or with some features switched off in place (their
 * lines stay, at 0); a feature whose plans are `none` is off unless the
 * contract builds it. */
struct month_model {
    int horizon;                       /* H, months */
    double cash, min_cash;
    const struct plan *plans;
    size_t nplans;
    const struct infra_line *infra;
    size_t ninfra;
    const struct role *roles;
    size_t nroles;
    const struct feature *features;
    size_t nfeatures;
    const struct contract *contract;  /* NULL: none */
    const unsigned char *feature_off; /* [nfeatures]: 1 switches a feature off; NULL: none */
    int cpc_plan;                     /* the plan whose cost per customer SM_CPC_PLAN is; -1: none */
    /* the lines of each kind, by index in file order (month_index sets
     * them): fixed, step and per_customer infra lines; roles of fixed
     * headcount and roles that grow with customers; features with a run
     * cost per customer */
    const size_t *fixed_infra, *steps, *per_customer, *fixed_roles, *staffed, *metered;
    size_t nfixed_infra, nsteps, nper_customer, nfixed_roles, nstaffed, nmetered;
};

/* A variant of a model, run on the same random numbers as the model itself
 * (DESIGN.md): the company with the contract being quoted, and with some
 * features switched off in place. */
struct month_variant {
    int with_contract;                /* the contract is signed */
    const unsigned char *feature_off; /* [nfeatures]: 1 switches a feature off; NULL: none */
};

/* A month's values on a path or in the plan (every array borrowed). */
struct month_values {
    const double *price;                 /* [nplans] per customer per month */
    const double *infra_amount;          /* [ninfra] infra_amount of each line, this month's year */
    const double *role_rate;             /* [nroles] staff_rate of each role, this month's year */
    const struct feature_draw *features; /* [nfeatures] */
    const struct contract_draw *contract; /* the contract's, when the model has one */
};

/* A path's values year by year, for the lines' totals (every array
 * borrowed): year y's amounts at [y * ninfra], its rates at [y * nroles]. */
struct month_years {
    const double *infra_amount;          /* [Y * ninfra] */
    const double *role_rate;             /* [Y * nroles] */
    const struct feature_draw *features; /* [nfeatures] */
    const struct contract_draw *contract; /* the contract's, when the model has one */
};

/* The customer-independent sums of a month (see the top of this file). */
struct month_fixed {
    double infra, infra_cogs;        /* fixed infra lines; those of category cogs */
    double unit, unit_cogs;          /* per_customer infra lines' amounts per customer */
    double staff, staff_cogs, heads; /* roles of fixed headcount: cost, of category cogs, people */
    double build;                    /* feature builds */
    double run;                      /* features' fixed run costs */
    /* a contract's own: the run cost per customer of the features built
     * for it, and its effort, support and onboarding (in staff) */
    double contract_unit, contract_staff, contract_staff_cogs;
};

/* The customers of a path so far, month by month (index 0: the start);
 * month_close writes month m.  The sums are customer-months, for the
 * lines priced per customer. */
struct month_history {
    double *total;     /* [H + 1]: C(m) */
    double *total_sum; /* [H + 1]: C(1) + ... + C(m) */
    double *plan_sum;  /* [(H + 1) * nplans]: C(1, p) + ... + C(m, p) at [m * nplans + p] */
};

/* The running state of a path, month to month. */
struct month_tally {
    double cash, min_cash, sum_cost, customer_months;
    int runway, breakeven; /* H + 1 while not reached */
    double last[MM_COUNT]; /* the figures of month H */
};

/* Sets MM's lists of lines by kind, in INDEX (room for ninfra + nroles +
 * nfeatures entries, owned by the caller). */
void month_index(struct month_model *mm, size_t *index);

/* Sets CHANGED[m] (m = 1..H) when month m's customer-independent part
 * (month_fixed) may differ from month m - 1's: month 1, the first month of
 * each year, and each month a line, a fixed role, a build or a feature's
 * run starts or a month after one ends.  Between two such months,
 * month_fixed gives the same sums. */
void month_changes(const struct month_model *mm, unsigned char *changed);

/* Non-zero when feature I is in the model (variant) MM: not switched off,
 * and not kept for contracts. */
int month_feature_on(const struct month_model *mm, size_t i);

/* The number of cost lines, and line L's kind and index in its file (the
 * contract's own lines, after the model's, have kind LINE_CONTRACT and
 * their index among them). */
size_t month_nlines(const struct month_model *mm);
enum line_kind month_line(const struct month_model *mm, size_t l, size_t *row);

/*
 * The customer-independent part of month M: fills *FX, and UNIT_BY_PLAN
 * [nplans] with the run cost per customer of the features each plan has.
 */
void month_fixed(const struct month_model *mm, const struct month_values *v, int m, struct month_fixed *fx,
                 double *unit_by_plan);

/*
 * Steps 1 to 4 for one plan: the customers at the end of the month,
 * C(m - 1) - CHURNED + ARRIVED + DEALS (counts on a path, expectations in
 * the plan).
 */
double month_flow(double before, double churned, double arrived, double deals);

/*
 * The plan's flows of month M for plan P: ARRIVED = RATE x mix, CHURNED =
 * C(m - 1) x churn.
 */
void month_expect(const struct plan *p, double before, double rate, double churn, double *arrived,
                  double *churned);

/*
 * The rest of month M once its customers are known: CUSTOMERS[nplans] at
 * the end of the month (recorded into month M of *HIST; the roles read it
 * LAG months back); ARRIVED and CHURNED the month's totals; FUNDING the
 * cash raised.  Writes the MM_COUNT figures to FIG[k * STRIDE] and adds
 * the month to *T.  When LINES is not NULL, adds the cost of each step
 * line and each role that grows with customers to its
 * LINES[l * LF_COUNT + LF_TOTAL] and, in month H, to LF_FINAL (the other
 * lines' totals are month_summary's).
 */
void month_close(const struct month_model *mm, const struct month_values *v, int m, const struct month_fixed *fx,
                 const double *unit_by_plan, const double *customers, const struct month_history *hist,
                 double arrived, double churned, double funding, struct month_tally *t, double *fig, size_t stride,
                 double *lines);
/* month_close, and also adds the cost this month of each step line and
 * each role that grows with customers, as month_line_cost prices it, to
 * LINE_COST[l * LINE_STRIDE] (for cost_lines.csv; month_close itself does
 * none of this work; month_customer_lines adds the other lines that depend
 * on customers once the months are done). */
void month_close_lines(const struct month_model *mm, const struct month_values *v, int m,
                       const struct month_fixed *fx, const double *unit_by_plan, const double *customers,
                       const struct month_history *hist, double arrived, double churned, double funding,
                       struct month_tally *t, double *fig, size_t stride, double *lines, double *line_cost,
                       size_t line_stride);
/* Adds the cost in each month m = 1..H of each per_customer infra line and
 * each feature's run with a cost per customer, as month_line_cost prices it,
 * to LINE_COST[l * STRIDE + m - 1], from the path's values Y and HIST as
 * month_close left it after month H; SCRATCH holds (nplans + 1) (H + 1)
 * doubles.
 * Customers on a path are whole numbers, so their sums are exact in any
 * order and the costs are month_line_cost's bits. */
void month_customer_lines(const struct month_model *mm, const struct month_years *y,
                          const struct month_history *hist, double *line_cost, size_t stride, double *scratch);

/* The state before month 1: cash at the start, nothing reached. */
void month_tally_begin(const struct month_model *mm, struct month_tally *t);

/*
 * The totals and final months of the lines whose cost does not depend on
 * customers, into their LINES[l * LF_COUNT + ...] entries (the others'
 * are left as they are): a fixed line's total is each year's amount times
 * its months in that year, a role of fixed headcount's likewise, a build's
 * the sum of its months, a feature's fixed run cost times the months it
 * runs.
 */
void month_fixed_totals(const struct month_model *mm, const struct month_years *y, double *lines);

/*
 * The path's figures once month H is closed: SUMMARY[SM_COUNT] from *T,
 * and every line's LF_TOTAL, LF_FINAL and LF_CPC in LINES (the step lines'
 * and growing roles' totals as month_close left them; the customer-
 * independent lines' from month_fixed_totals, called here unless
 * FIXED_DONE says LINES hold them already): a per-customer line's total is
 * each year's amount times the customer-months of its months in that year
 * (from *HIST), a feature's run adds its cost per customer times the
 * customer-months on its plans.  CUSTOMERS[nplans] are those at the end of
 * month H.
 */
void month_summary(const struct month_model *mm, const struct month_years *y, const struct month_history *hist,
                   const double *customers, const struct month_tally *t, int fixed_done, double *lines,
                   double *summary);

/* Non-zero when line L's cost never depends on customers (a fixed infra
 * line, a role of fixed headcount, a build, a feature's run without a cost
 * per customer): the same in every scenario of a path, and the same from
 * one month to the next where month_changes marks no change. */
int month_line_fixed(const struct month_model *mm, size_t l);
/* Sets CHANGED[m] (m = 1..H) when line L's cost may differ from month
 * m - 1's for a line of month_line_fixed: month 1, the first month of each
 * year, and the months the line starts and the month after it ends (a
 * build's: its first month and its run's; a run's: its first month).  A
 * subset of month_changes' months; every month for a contract's line. */
void month_line_changes(const struct month_model *mm, size_t l, unsigned char *changed);

/* Line L's cost in month M, as month_ledger prices it: CUSTOMERS[nplans]
 * at the end of the month (the contract's not among them), TOTAL the
 * month's customers (the contract's among them: C(m) of month_close) and
 * HISTORY as month_close left it. */
double month_line_cost(const struct month_model *mm, const struct month_values *v, int m, size_t l,
                       const double *customers, double total, const double *history);

/*
 * Every line's cost in month M, for an audit trail: LINE_COST[month_nlines]
 * (each line priced on its own: infra_cost, staff_cost, features_build_cost,
 * features_run_cost) and REVENUE[nplans] (customers x price), from the
 * month's values, CUSTOMERS[nplans] at the end of the month and HISTORY as
 * month_close left it.  The lines add up to the month's cost and the plans
 * to its revenue within rounding (the figures sum in the order above).
 */
void month_ledger(const struct month_model *mm, const struct month_values *v, int m, const double *customers,
                  const double *history, double *line_cost, double *revenue);

#endif
