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

#include "calendar.h"
#include "diag.h"
#include "dist.h"
#include "plans.h"
#include "schema.h"
#include "staff.h"
#include "table.h"

struct feature {
    struct row_head head;
    char *name;
    char *plans_text;      /* "all" or names separated by ';' (NULL: all) */
    struct dist effort;    /* person-months */
    char *role_name;
    int from;
    double build_months;
    struct dist run_cost;              /* per month once built */
    struct dist run_cost_per_customer; /* per customer on its plans per month */
    int optional;          /* must_have = no: scope may drop it */
    /* resolved against plans and roles by features_load */
    int role;              /* index into the roles, -1 when none */
    int all_plans;
    unsigned char *on_plan; /* per plan: 1 when the feature serves it */
};

enum { FEAT_EFFORT, FEAT_RUN, FEAT_RUN_PER_CUSTOMER, FEAT_NVALUES };

struct feature_draw {
    double effort, run, run_per_customer;
};

/* Loads features.csv; names of plans and the role must exist in PLANS and
 * ROLES.  As plans_load otherwise. */
size_t features_load(const struct table *t, const struct calendar *cal, struct diag *d,
                     const struct plan *plans, size_t nplans, const struct role *roles, size_t nroles,
                     struct feature **features, size_t *n);
void features_free(struct feature *features, size_t n);

void features_draw(const struct feature *f, const double *u, struct feature_draw *out);
void features_eval(const struct feature *f, struct feature_draw *out);

/* The months 1..H that carry the feature's build cost, FIRST..LAST (from,
 * for build_months months); 0 when none (no role, or nothing to build). */
int features_build_months(const struct feature *f, int horizon, int *first, int *last);
/* The build cost of one of those months, given the role's loaded monthly
 * rate that month: effort * rate / build_months. */
double features_build_cost(const struct feature *f, const struct feature_draw *dr, double rate);
/* The first month the feature runs (and has run costs): from + build_months. */
int features_run_from(const struct feature *f);

/* Non-zero when the feature has a build line / a run line at all. */
int features_has_build(const struct feature *f);
int features_has_run(const struct feature *f);

#endif
