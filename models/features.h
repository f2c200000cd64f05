/*
 * features.h - features in scope (features.csv): what they cost to build and
 * to run.
 *
 * Build: for from <= m < from + build_months, effort * rate(role, m) /
 * build_months a month, where effort is in person-months and rate is the
 * role's loaded monthly cost (staff.h); build costs are R&D.  Run: from the
 * month after the build ends (m >= from + build_months), run_cost +
 * run_cost_per_customer * (customers on the feature's plans); run costs are
 * COGS.  A feature with build_months 0 runs from its `from` month.
 */
#ifndef CPC_FEATURES_H
#define CPC_FEATURES_H

#include <stddef.h>

#include "models/calendar.h"
#include "models/dist.h"

struct feature {
    long line;             /* the row's line in features.csv, for messages */
    char *name;
    char *plans_text;      /* "all" or names separated by ';' (NULL: all) */
    struct dist effort;    /* person-months */
    char *role_name;
    int from;              /* >= 1 */
    double build_months;
    struct dist run_cost;              /* per month once built */
    struct dist run_cost_per_customer; /* per customer on its plans per month */
    int optional;          /* must_have = no: scope may drop it */
    /* resolved against plans and roles when the model is loaded */
    int role;              /* index into the roles, -1 when none */
    int all_plans;
    int for_contracts;     /* plans = none: built and run only for a contract that asks (cpcsim quote) */
    unsigned char *on_plan; /* per plan: 1 when the feature serves it */
};

enum { FEAT_EFFORT, FEAT_RUN, FEAT_RUN_PER_CUSTOMER, FEAT_NVALUES };

struct feature_draw {
    double effort, run, run_per_customer;
};

void features_draw(const struct feature *f, const double *u, struct feature_draw *out);
void features_eval(const struct feature *f, struct feature_draw *out);

/* The months 1..H that carry the feature's build cost, FIRST..LAST (from,
 * for build_months months); 0 when none (no role, or nothing to build). */
int features_build_months(const struct feature *f, int horizon, int *first, int *last);
/* The build cost in month M, given RATE, the loaded monthly rate of the
 * feature's role that month: effort * rate / build_months within the build
 * months, else 0. */
double features_build_cost(const struct feature *f, const struct feature_draw *dr, int m, double rate);
/* The first month the feature runs (and has run costs): from + build_months. */
static inline int features_run_from(const struct feature *f)
{
    return f->from + (int)f->build_months;
}
/* Non-zero when the feature runs in month M. */
static inline int features_runs(const struct feature *f, int m)
{
    return m >= features_run_from(f);
}

/* Non-zero when the feature serves plan P. */
static inline int features_serves(const struct feature *f, size_t p)
{
    return f->all_plans || f->on_plan[p];
}
/* The customers on the feature's plans, of CUSTOMERS[P] (NPLANS plans). */
double features_customers(const struct feature *f, const double *customers, size_t nplans);
/* The run cost in month M with C customers on its plans (features_customers):
 * run_cost + run_cost_per_customer * C once it runs, else 0. */
double features_run_cost(const struct feature *f, const struct feature_draw *dr, int m, double customers);

/* Non-zero when the feature has effort to build (not a plain 0). */
int features_has_effort(const struct feature *f);
/* Non-zero when the feature has a build line / a run line at all. */
int features_has_build(const struct feature *f);
int features_has_run(const struct feature *f);

#endif
