/*
 * features.c - what a feature costs to build and to run (see features.h).
 */
#include "models/features.h"

int features_has_effort(const struct feature *f)
{
    return dist_is_uncertain(&f->effort) || dist_mean(&f->effort) > 0;
}

void features_draw(const struct feature *f, const double *u, struct feature_draw *out)
{
    out->effort = dist_draw(&f->effort, u[FEAT_EFFORT]);
    out->run = dist_draw(&f->run_cost, u[FEAT_RUN]);
    out->run_per_customer = dist_draw(&f->run_cost_per_customer, u[FEAT_RUN_PER_CUSTOMER]);
}

void features_eval(const struct feature *f, struct feature_draw *out)
{
    out->effort = dist_mean(&f->effort);
    out->run = dist_mean(&f->run_cost);
    out->run_per_customer = dist_mean(&f->run_cost_per_customer);
}

int features_build_months(const struct feature *f, int horizon, int *first, int *last)
{
    int any = calendar_clip(f->from, features_run_from(f) - 1, horizon, first, last);
    return f->role >= 0 && f->build_months > 0 && any;
}

double features_build_cost(const struct feature *f, const struct feature_draw *dr, int m, double rate)
{
    if (f->role < 0 || !(f->build_months > 0) || m < f->from || m >= features_run_from(f))
        return 0;
    return dr->effort * rate / f->build_months;
}

double features_customers(const struct feature *f, const double *customers, size_t nplans)
{
    double c = 0;
    for (size_t p = 0; p < nplans; p++)
        if (features_serves(f, p))
            c += customers[p];
    return c;
}

double features_run_cost(const struct feature *f, const struct feature_draw *dr, int m, double customers)
{
    if (!features_runs(f, m))
        return 0;
    return dr->run + dr->run_per_customer * customers;
}

int features_has_build(const struct feature *f)
{
    return f->role >= 0 && features_has_effort(f);
}

int features_has_run(const struct feature *f)
{
    return dist_is_uncertain(&f->run_cost) || dist_mean(&f->run_cost) != 0 ||
           dist_is_uncertain(&f->run_cost_per_customer) || dist_mean(&f->run_cost_per_customer) != 0;
}
