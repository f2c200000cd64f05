/*
 * month.c - the monthly model (see month.h).
 *
 * Each function follows a step of SPEC.md's "The monthly model"; each cost
 * line is priced by its own module (infra_cost, staff_cost,
 * features_build_cost, features_run_cost).  The order of every sum is the
 * one month.h gives, so that the plan, a path run alone and paths run side
 * by side by the engine give the same bits.
 */
#include "models/month.h"

#include <math.h>

#include "models/category.h"

/* Appends to AT the indices below N of the rows that KEEP (called with
 * ROWS and a row's index) says are of the kind; returns their count. */
static size_t list_of(size_t *at, size_t n, int (*keep)(const void *rows, size_t i), const void *rows)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (keep(rows, i))
            at[k++] = i;
    return k;
}

static int is_fixed_infra(const void *rows, size_t i)
{
    return ((const struct infra_line *)rows)[i].driver == DRIVER_FIXED;
}

static int is_step(const void *rows, size_t i)
{
    return ((const struct infra_line *)rows)[i].driver == DRIVER_STEP;
}

static int is_per_customer(const void *rows, size_t i)
{
    return ((const struct infra_line *)rows)[i].driver == DRIVER_PER_CUSTOMER;
}

static int is_fixed_role(const void *rows, size_t i)
{
    return !staff_is_variable(&((const struct role *)rows)[i]);
}

static int is_staffed(const void *rows, size_t i)
{
    return staff_is_variable(&((const struct role *)rows)[i]);
}

static int is_metered(const void *rows, size_t i)
{
    const struct dist *rpc = &((const struct feature *)rows)[i].run_cost_per_customer;
    return dist_is_uncertain(rpc) || dist_mean(rpc) != 0;
}

void month_index(struct month_model *mm, size_t *index)
{
    /* infra and roles each fall into two lists; features into at most one */
    size_t *at = index;
    mm->fixed_infra = at;
    at += mm->nfixed_infra = list_of(at, mm->ninfra, is_fixed_infra, mm->infra);
    mm->steps = at;
    at += mm->nsteps = list_of(at, mm->ninfra, is_step, mm->infra);
    mm->per_customer = at;
    at += mm->nper_customer = list_of(at, mm->ninfra, is_per_customer, mm->infra);
    mm->fixed_roles = at;
    at += mm->nfixed_roles = list_of(at, mm->nroles, is_fixed_role, mm->roles);
    mm->staffed = at;
    at += mm->nstaffed = list_of(at, mm->nroles, is_staffed, mm->roles);
    mm->metered = at;
    mm->nmetered = list_of(at, mm->nfeatures, is_metered, mm->features);
}

int month_feature_on(const struct month_model *mm, size_t i)
{
    return !mm->features[i].for_contracts && !(mm->feature_off && mm->feature_off[i]);
}

size_t month_nlines(const struct month_model *mm)
{
    return mm->ninfra + mm->nroles + 2 * mm->nfeatures + (mm->contract ? contract_nlines(mm->contract) : 0);
}

enum line_kind month_line(const struct month_model *mm, size_t l, size_t *row)
{
    if (l < mm->ninfra) {
        *row = l;
        return LINE_INFRA;
    }
    l -= mm->ninfra;
    if (l < mm->nroles) {
        *row = l;
        return LINE_STAFF;
    }
    l -= mm->nroles;
    if (l < mm->nfeatures) {
        *row = l;
        return LINE_FEATURE_BUILD;
    }
    l -= mm->nfeatures;
    if (l < mm->nfeatures) {
        *row = l;
        return LINE_FEATURE_RUN;
    }
    *row = l - mm->nfeatures;
    return LINE_CONTRACT;
}

/* Adds COST to line L's total in LINES (when there are lines), and in
 * month H to its final month's cost. */
static void line_add(double *lines, size_t l, int m, int horizon, double cost)
{
    if (!lines)
        return;
    lines[l * LF_COUNT + LF_TOTAL] += cost;
    if (m == horizon)
        lines[l * LF_COUNT + LF_FINAL] += cost;
}

/* Marks month M as a change, when within the horizon. */
static void mark(unsigned char *changed, int horizon, int m)
{
    if (m >= 1 && m <= horizon)
        changed[m] = 1;
}

void month_changes(const struct month_model *mm, unsigned char *changed)
{
    const int H = mm->horizon;
    for (int m = 1; m <= H; m++)
        changed[m] = calendar_year(m) != calendar_year(m - 1) || m == 1;
    for (size_t i = 0; i < mm->ninfra; i++) {
        mark(changed, H, mm->infra[i].from);
        if (mm->infra[i].to < H)
            mark(changed, H, mm->infra[i].to + 1);
    }
    for (size_t i = 0; i < mm->nroles; i++) {
        mark(changed, H, mm->roles[i].from);
        if (mm->roles[i].to < H)
            mark(changed, H, mm->roles[i].to + 1);
    }
    for (size_t i = 0; i < mm->nfeatures; i++) {
        mark(changed, H, mm->features[i].from);
        if (features_run_from(&mm->features[i]) <= H)
            mark(changed, H, features_run_from(&mm->features[i]));
    }
    const struct contract *c = mm->contract;
    if (c) {
        mark(changed, H, c->start);
        mark(changed, H, c->start + 1); /* after the start month's one-off costs */
        if (contract_end(c) < H)
            mark(changed, H, contract_end(c) + 1);
        for (size_t k = 0; k < c->nbuilt; k++)
            mark(changed, H, c->start + (int)mm->features[c->built[k]].build_months);
    }
}

/* The contract's own costs in month M that do not depend on the company's
 * customers, into *FX: its features' builds and fixed runs (with the
 * model's), their run cost per customer (for its customers), its effort,
 * support and onboarding. */
static void contract_fixed(const struct month_model *mm, const struct month_values *v, int m, struct month_fixed *fx)
{
    const struct contract *c = mm->contract;
    const struct contract_draw *d = v->contract;
    for (size_t k = 0; k < c->nbuilt; k++) {
        const size_t i = c->built[k];
        const struct feature *f = &mm->features[i];
        const struct feature_draw *fd = &v->features[i];
        if (f->role >= 0)
            fx->build += contract_build_cost(c, f, fd, m, v->role_rate[f->role]);
        if (contract_feature_runs(c, f, m)) {
            fx->run += fd->run;
            fx->contract_unit += fd->run_per_customer;
        }
    }
    const double effort = c->effort_role >= 0 ? contract_effort_cost(c, d, m, v->role_rate[c->effort_role]) : 0;
    const double support = c->support_role >= 0 ? contract_support_cost(c, d, m, v->role_rate[c->support_role]) : 0;
    const double onboarding = contract_onboarding_cost(c, d, m);
    fx->contract_staff = effort + support + onboarding;
    fx->contract_staff_cogs = (c->effort_role >= 0 && mm->roles[c->effort_role].category == CAT_COGS ? effort : 0) +
                              (c->support_role >= 0 && mm->roles[c->support_role].category == CAT_COGS ? support : 0) +
                              onboarding;
}

void month_fixed(const struct month_model *mm, const struct month_values *v, int m, struct month_fixed *fx,
                 double *unit_by_plan)
{
    *fx = (struct month_fixed){ 0 };
    for (size_t p = 0; p < mm->nplans; p++)
        unit_by_plan[p] = 0;
    /* step 6, infra: fixed lines priced whole */
    for (size_t k = 0; k < mm->nfixed_infra; k++) {
        const size_t i = mm->fixed_infra[k];
        const struct infra_line *l = &mm->infra[i];
        if (!infra_applies(l, m))
            continue;
        const double cost = infra_cost(l, v->infra_amount[i], m, 0);
        fx->infra += cost;
        if (l->category == CAT_COGS)
            fx->infra_cogs += cost;
    }
    /* per_customer lines as a rate, which month_close multiplies by customers */
    for (size_t k = 0; k < mm->nper_customer; k++) {
        const size_t i = mm->per_customer[k];
        const struct infra_line *l = &mm->infra[i];
        if (!infra_applies(l, m))
            continue;
        fx->unit += v->infra_amount[i];
        if (l->category == CAT_COGS)
            fx->unit_cogs += v->infra_amount[i];
    }
    /* staff: roles whose headcount does not depend on customers */
    for (size_t k = 0; k < mm->nfixed_roles; k++) {
        const size_t i = mm->fixed_roles[k];
        const struct role *r = &mm->roles[i];
        if (m < r->from || m > r->to)
            continue;
        const double heads = staff_heads(r, m, 0), cost = staff_cost(heads, v->role_rate[i]);
        fx->staff += cost;
        if (r->category == CAT_COGS)
            fx->staff_cogs += cost;
        fx->heads += heads;
    }
    /* features: builds at their role's rate, then what runs */
    for (size_t i = 0; i < mm->nfeatures; i++) {
        const struct feature *f = &mm->features[i];
        const struct feature_draw *fd = &v->features[i];
        if (!month_feature_on(mm, i))
            continue;
        if (f->role >= 0 && m >= f->from && m < features_run_from(f))
            fx->build += features_build_cost(f, fd, m, v->role_rate[f->role]);
        if (!features_runs(f, m))
            continue;
        fx->run += fd->run;
        if (fd->run_per_customer != 0)
            for (size_t p = 0; p < mm->nplans; p++)
                if (features_serves(f, p))
                    unit_by_plan[p] += fd->run_per_customer;
    }
    if (mm->contract)
        contract_fixed(mm, v, m, fx);
}

double month_flow(double before, double churned, double arrived, double deals)
{
    return before - churned + arrived + deals;
}

void month_expect(const struct plan *p, double before, double rate, double churn, double *arrived,
                  double *churned)
{
    *churned = before * churn;
    *arrived = rate * p->mix;
}

/* month_close and month_close_lines, inlined into each so that
 * month_close, with LINE_COST a constant NULL, is the code it was before
 * cost_lines.csv: none of the tests of LINE_COST in the run's inner loop. */
__attribute__((always_inline)) static inline void
close_month(const struct month_model *mm, const struct month_values *v, int m, const struct month_fixed *fx,
            const double *unit_by_plan, const double *customers, const struct month_history *hist, double arrived,
            double churned, double funding, struct month_tally *t, double *fig, size_t stride, double *lines,
            double *line_cost, size_t line_stride)
{
    const size_t P = mm->nplans, I = mm->ninfra;
    const int H = mm->horizon;
    /* step 5: customers and revenue, plan by plan, and what the features
     * that run cost per customer of each plan */
    double total = 0, revenue = 0, run_variable = 0;
    const struct contract *deal = mm->contract;
    const double signed_up = deal ? contract_customers(deal, m) : 0; /* the contract's, on its plan */
    for (size_t p = 0; p < P; p++) {
        double c = customers[p];
        if (signed_up > 0 && p == (size_t)deal->plan) { /* they count as the plan's customers, at their own price */
            revenue += c * v->price[p] + contract_revenue(deal, m);
            c += signed_up;
        } else {
            revenue += c * v->price[p];
        }
        total += c;
        run_variable += c * unit_by_plan[p];
        hist->plan_sum[(size_t)m * P + p] = hist->plan_sum[(size_t)(m - 1) * P + p] + c;
    }
    if (signed_up > 0) /* what the features built for the contract cost per customer of it */
        run_variable += fx->contract_unit * signed_up;
    hist->total[m] = total;
    hist->total_sum[m] = hist->total_sum[m - 1] + total;
    /* step 6, infra: fixed lines, per-customer lines at their summed rate,
     * then each step line */
    const double per_customer = fx->unit * total;
    double infra = fx->infra + per_customer, cogs = fx->infra_cogs + fx->unit_cogs * total;
    double variable = per_customer;
    for (size_t k = 0; k < mm->nsteps; k++) {
        const size_t i = mm->steps[k];
        const struct infra_line *l = &mm->infra[i];
        if (!infra_applies(l, m)) {
            continue;
        }
        const double cost = v->infra_amount[i] * infra_blocks(l, total); /* infra_cost of a step line */
        infra += cost;
        if (l->category == CAT_COGS)
            cogs += cost;
        variable += cost;
        line_add(lines, i, m, H, cost);
        if (line_cost)
            line_cost[i * line_stride] += cost;
    }
    /* staff: roles of fixed headcount, then each role that grows with
     * customers, LAG months back; a contract's effort, support and
     * onboarding after them */
    double staff = fx->staff, heads = fx->heads;
    cogs += fx->staff_cogs;
    for (size_t k = 0; k < mm->nstaffed; k++) {
        const size_t i = mm->staffed[k];
        const struct role *r = &mm->roles[i];
        const double people = staff_heads(r, m, hist->total[staff_lag_month(r, m)]);
        const double cost = staff_cost(people, v->role_rate[i]);
        heads += people;
        staff += cost;
        if (r->category == CAT_COGS)
            cogs += cost;
        variable += cost;
        line_add(lines, I + i, m, H, cost);
        if (line_cost)
            line_cost[(I + i) * line_stride] += cost;
    }
    if (deal) {
        staff += fx->contract_staff;
        cogs += fx->contract_staff_cogs;
    }
    /* features: builds, and what runs, fixed and per customer */
    const double run = fx->run + run_variable;
    const double features = fx->build + run;
    cogs += run;
    variable += run_variable;
    /* step 7: cash, and the month's figures */
    const double cost = infra + staff + features;
    t->cash += revenue - cost + funding;
    fig[MM_CUSTOMERS * stride] = total;
    fig[MM_NEW_CUSTOMERS * stride] = arrived;
    fig[MM_CHURNED * stride] = churned;
    fig[MM_REVENUE * stride] = revenue;
    fig[MM_COST * stride] = cost;
    fig[MM_COST_INFRA * stride] = infra;
    fig[MM_COST_STAFF * stride] = staff;
    fig[MM_COST_FEATURES * stride] = features;
    fig[MM_COGS * stride] = cogs;
    fig[MM_GROSS_MARGIN * stride] = revenue > 0 ? (revenue - cogs) / revenue : NAN;
    fig[MM_CPC * stride] = total > 0 ? cost / total : NAN;
    fig[MM_CPC_VARIABLE * stride] = total > 0 ? variable / total : NAN;
    fig[MM_CASH * stride] = t->cash;
    fig[MM_HEADCOUNT * stride] = heads;
    /* the path's figures so far */
    if (t->cash < t->min_cash)
        t->min_cash = t->cash;
    if (t->runway > H && t->cash < mm->min_cash)
        t->runway = m;
    if (t->breakeven > H && revenue >= cost)
        t->breakeven = m;
    t->sum_cost += cost;
    t->customer_months += total;
    if (m == H)
        for (size_t k = 0; k < MM_COUNT; k++)
            t->last[k] = fig[k * stride];
}

void month_close(const struct month_model *mm, const struct month_values *v, int m, const struct month_fixed *fx,
                 const double *unit_by_plan, const double *customers, const struct month_history *hist,
                 double arrived, double churned, double funding, struct month_tally *t, double *fig, size_t stride,
                 double *lines)
{
    close_month(mm, v, m, fx, unit_by_plan, customers, hist, arrived, churned, funding, t, fig, stride, lines, NULL,
                0);
}

void month_close_lines(const struct month_model *mm, const struct month_values *v, int m,
                       const struct month_fixed *fx, const double *unit_by_plan, const double *customers,
                       const struct month_history *hist, double arrived, double churned, double funding,
                       struct month_tally *t, double *fig, size_t stride, double *lines, double *line_cost,
                       size_t line_stride)
{
    close_month(mm, v, m, fx, unit_by_plan, customers, hist, arrived, churned, funding, t, fig, stride, lines,
                line_cost, line_stride);
}

void month_customer_lines(const struct month_model *mm, const struct month_years *y,
                          const struct month_history *hist, double *line_cost, size_t stride, double *scratch)
{
    const int H = mm->horizon;
    const size_t I = mm->ninfra, R = mm->nroles, F = mm->nfeatures, P = mm->nplans;
    int first, last;
    for (size_t k = 0; k < mm->nper_customer; k++) {
        const size_t i = mm->per_customer[k];
        if (!infra_months(&mm->infra[i], H, &first, &last))
            continue;
        double *cost = line_cost + i * stride - 1;
        for (int yr = calendar_year(first); yr <= calendar_year(last); yr++) { /* infra_cost, year by year */
            const int a = yr * 12 + 1 < first ? first : yr * 12 + 1, b = yr * 12 + 12 > last ? last : yr * 12 + 12;
            const double amount = y->infra_amount[(size_t)yr * I + i];
            for (int m = a; m <= b; m++)
                cost[m] += amount * hist->total[m];
        }
    }
    /* each plan's customers month by month, the contract's among them
     * (month_line_cost adds them to the plans' when a feature serves its
     * plan), at scratch[p * (H + 1) + m]: whole numbers, exact in any order */
    double *on = scratch + P * ((size_t)H + 1);
    for (size_t p = 0; mm->nmetered && p < P; p++)
        for (int m = 1; m <= H; m++)
            scratch[p * ((size_t)H + 1) + (size_t)m] =
                hist->plan_sum[(size_t)m * P + p] - hist->plan_sum[(size_t)(m - 1) * P + p];
    for (size_t k = 0; k < mm->nmetered; k++) {
        const size_t i = mm->metered[k];
        const struct feature *f = &mm->features[i];
        const struct feature_draw *fd = &y->features[i];
        const int from = features_run_from(f) > 1 ? features_run_from(f) : 1;
        if (!month_feature_on(mm, i) || from > H)
            continue;
        const double *c = hist->total; /* features_customers */
        if (!f->all_plans) {
            for (int m = from; m <= H; m++)
                on[m] = 0;
            for (size_t p = 0; p < P; p++)
                if (f->on_plan[p])
                    for (int m = from; m <= H; m++)
                        on[m] += scratch[p * ((size_t)H + 1) + (size_t)m];
            c = on;
        }
        double *cost = line_cost + (I + R + F + i) * stride - 1;
        const double run = fd->run, per_customer = fd->run_per_customer;
        for (int m = from; m <= H; m++)
            cost[m] += run + per_customer * c[m]; /* features_run_cost */
    }
}

void month_tally_begin(const struct month_model *mm, struct month_tally *t)
{
    t->cash = mm->cash;
    t->min_cash = INFINITY;
    t->sum_cost = t->customer_months = 0;
    t->runway = t->breakeven = mm->horizon + 1;
    for (size_t k = 0; k < MM_COUNT; k++)
        t->last[k] = NAN;
}

/* Sums V(y) x (the months of year y within FIRST..LAST) over the years
 * (V(y) = MULT x BY_YEAR[y * STRIDE]); *FINAL gets V of month LAST's year. */
static double by_years(int first, int last, const double *by_year, size_t stride, double mult, double *final)
{
    double total = 0, v = 0;
    for (int y = calendar_year(first); y <= calendar_year(last); y++) {
        const int a = 12 * y + 1 < first ? first : 12 * y + 1, b = 12 * y + 12 > last ? last : 12 * y + 12;
        v = mult * by_year[(size_t)y * stride];
        total += v * (b - a + 1);
    }
    *final = v;
    return total;
}

/* The role's rate in month M, from the year-by-year rates. */
static double rate_in(const struct month_model *mm, const struct month_years *yv, int role, int m)
{
    return yv->role_rate[(size_t)calendar_year(m) * mm->nroles + (size_t)role];
}

/* The totals and final months of a contract's own lines, month by month
 * over the horizon, into LINES (its first line at LINES[0]). */
static void contract_totals(const struct month_model *mm, const struct month_years *yv, double *lines)
{
    const struct contract *c = mm->contract;
    const struct contract_draw *d = yv->contract;
    const int H = mm->horizon;
    for (int m = 1; m <= H; m++) {
        for (size_t l = 0; l < contract_nlines(c); l++) {
            size_t i;
            double cost = 0;
            switch (contract_line(c, l, &i)) {
            case CONTRACT_LINE_BUILD:
                if (mm->features[i].role >= 0)
                    cost = contract_build_cost(c, &mm->features[i], &yv->features[i], m,
                                               rate_in(mm, yv, mm->features[i].role, m));
                break;
            case CONTRACT_LINE_RUN:
                if (contract_feature_runs(c, &mm->features[i], m))
                    cost = yv->features[i].run + yv->features[i].run_per_customer * contract_customers(c, m);
                break;
            case CONTRACT_LINE_EFFORT:
                if (c->effort_role >= 0)
                    cost = contract_effort_cost(c, d, m, rate_in(mm, yv, c->effort_role, m));
                break;
            case CONTRACT_LINE_SUPPORT:
                if (c->support_role >= 0)
                    cost = contract_support_cost(c, d, m, rate_in(mm, yv, c->support_role, m));
                break;
            case CONTRACT_LINE_ONBOARDING:
                cost = contract_onboarding_cost(c, d, m);
                break;
            }
            line_add(lines, l, m, H, cost);
        }
    }
}

void month_fixed_totals(const struct month_model *mm, const struct month_years *yv, double *lines)
{
    const int H = mm->horizon;
    const size_t I = mm->ninfra, R = mm->nroles, F = mm->nfeatures;
    int first, last;
    double final;
    for (size_t k = 0; k < mm->nfixed_infra; k++) {
        const size_t i = mm->fixed_infra[k];
        if (!infra_months(&mm->infra[i], H, &first, &last))
            continue;
        double *line = lines + i * LF_COUNT;
        line[LF_TOTAL] = by_years(first, last, yv->infra_amount + i, I, 1, &final);
        if (last == H)
            line[LF_FINAL] = final;
    }
    for (size_t k = 0; k < mm->nfixed_roles; k++) {
        const size_t i = mm->fixed_roles[k];
        const struct role *r = &mm->roles[i];
        if (!staff_months(r, H, &first, &last))
            continue;
        double *line = lines + (I + i) * LF_COUNT;
        line[LF_TOTAL] = by_years(first, last, yv->role_rate + i, R, r->headcount, &final);
        if (last == H)
            line[LF_FINAL] = final;
    }
    for (size_t i = 0; i < F; i++) {
        const struct feature *f = &mm->features[i];
        const struct feature_draw *fd = &yv->features[i];
        if (!month_feature_on(mm, i))
            continue;
        if (features_build_months(f, H, &first, &last)) {
            double *line = lines + (I + R + i) * LF_COUNT;
            for (int m = first; m <= last; m++) {
                const double rate = yv->role_rate[(size_t)calendar_year(m) * R + (size_t)f->role];
                line[LF_TOTAL] += features_build_cost(f, fd, m, rate);
                if (m == H)
                    line[LF_FINAL] = features_build_cost(f, fd, m, rate);
            }
        }
        first = features_run_from(f);
        if (first > H)
            continue;
        double *line = lines + (I + R + F + i) * LF_COUNT;
        line[LF_TOTAL] = fd->run * (H - first + 1);
        line[LF_FINAL] = fd->run;
    }
    if (mm->contract)
        contract_totals(mm, yv, lines + (I + R + 2 * F) * LF_COUNT);
}

/* The customer parts of the lines' totals and final months that
 * month_close does not price one by one: per_customer lines and the
 * features' run costs per customer (see month_summary). */
static void customer_totals(const struct month_model *mm, const struct month_years *yv,
                            const struct month_history *hist, const double *customers_now, double *lines)
{
    const int H = mm->horizon;
    const size_t I = mm->ninfra, R = mm->nroles, F = mm->nfeatures, P = mm->nplans;
    const double *sum = hist->total_sum;
    int first, last;
    for (size_t k = 0; k < mm->nper_customer; k++) {
        const size_t i = mm->per_customer[k];
        if (!infra_months(&mm->infra[i], H, &first, &last))
            continue;
        double *line = lines + i * LF_COUNT;
        for (int y = calendar_year(first); y <= calendar_year(last); y++) {
            int a = y * 12 + 1, b = y * 12 + 12;
            a = a < first ? first : a;
            b = b > last ? last : b;
            line[LF_TOTAL] += yv->infra_amount[(size_t)y * I + i] * (sum[b] - sum[a - 1]);
        }
        if (last == H)
            line[LF_FINAL] = yv->infra_amount[(size_t)calendar_year(H) * I + i] * hist->total[H];
    }
    for (size_t k = 0; k < mm->nmetered; k++) {
        const size_t i = mm->metered[k];
        if (!month_feature_on(mm, i))
            continue;
        const struct feature *f = &mm->features[i];
        const struct feature_draw *fd = &yv->features[i];
        first = features_run_from(f);
        if (first > H || fd->run_per_customer == 0)
            continue;
        double months = 0, customers = 0; /* on its plans while it runs; in month H */
        if (f->all_plans) {
            months = sum[H] - sum[first - 1];
            customers = hist->total[H];
        } else {
            for (size_t p = 0; p < P; p++)
                if (f->on_plan[p]) {
                    months += hist->plan_sum[(size_t)H * P + p] - hist->plan_sum[(size_t)(first - 1) * P + p];
                    customers += customers_now[p];
                }
        }
        double *line = lines + (I + R + F + i) * LF_COUNT;
        line[LF_TOTAL] += fd->run_per_customer * months;
        line[LF_FINAL] += fd->run_per_customer * customers;
    }
}

/* The cost per customer over the horizon of plan P: each line's cost over
 * the horizon shared over the customer-months of the plans it serves (a
 * feature: its plans; any other line: every plan), the plan's shares summed
 * and divided by its customer-months.  A line whose plans had no customers
 * is no plan's; a contract's customers and lines are left out. */
static double plan_cpc(const struct month_model *mm, const struct month_history *hist, const double *lines,
                       size_t p)
{
    const size_t P = mm->nplans, H = (size_t)mm->horizon;
    const double *cm = hist->plan_sum + H * P; /* each plan's customer-months */
    double all = 0;
    for (size_t q = 0; q < P; q++)
        all += cm[q];
    if (!(cm[p] > 0))
        return NAN;
    double cost = 0;
    const size_t L = mm->ninfra + mm->nroles + 2 * mm->nfeatures;
    for (size_t l = 0; l < L; l++) {
        size_t row;
        double served = all;
        const enum line_kind kind = month_line(mm, l, &row);
        if (kind == LINE_FEATURE_BUILD || kind == LINE_FEATURE_RUN) {
            const struct feature *f = &mm->features[row];
            if (!f->all_plans) {
                if (!f->on_plan[p])
                    continue;
                served = 0;
                for (size_t q = 0; q < P; q++)
                    if (f->on_plan[q])
                        served += cm[q];
            }
        }
        if (served > 0)
            cost += lines[l * LF_COUNT + LF_TOTAL] * (cm[p] / served);
    }
    return cost / cm[p];
}

void month_summary(const struct month_model *mm, const struct month_years *y, const struct month_history *hist,
                   const double *customers, const struct month_tally *t, int fixed_done, double *lines, double *s)
{
    const int H = mm->horizon;
    const double *row = t->last;
    s[SM_RUNWAY] = t->runway;
    s[SM_PROB_CASH_OUT] = t->runway <= H;
    s[SM_DEFAULT_ALIVE] = t->breakeven <= H && t->breakeven < t->runway;
    s[SM_BREAKEVEN] = t->breakeven;
    s[SM_CUSTOMERS_FINAL] = row[MM_CUSTOMERS];
    s[SM_REVENUE_FINAL] = row[MM_REVENUE];
    s[SM_COST_FINAL] = row[MM_COST];
    s[SM_CASH_FINAL] = row[MM_CASH];
    s[SM_CPC_FINAL] = row[MM_CPC];
    s[SM_CPC_VARIABLE_FINAL] = row[MM_CPC_VARIABLE];
    s[SM_CPC_HORIZON] = t->customer_months > 0 ? t->sum_cost / t->customer_months : NAN;
    s[SM_GROSS_MARGIN_FINAL] = row[MM_GROSS_MARGIN];
    s[SM_MIN_CASH] = t->min_cash;
    s[SM_FUNDING_NEED] = fmax(0, mm->min_cash - t->min_cash);
    s[SM_HEADCOUNT_FINAL] = row[MM_HEADCOUNT];
    s[SM_COST_TOTAL] = t->sum_cost;
    if (!fixed_done)
        month_fixed_totals(mm, y, lines);
    customer_totals(mm, y, hist, customers, lines);
    const size_t L = month_nlines(mm);
    for (size_t l = 0; l < L; l++)
        lines[l * LF_COUNT + LF_CPC] =
            t->customer_months > 0 ? lines[l * LF_COUNT + LF_TOTAL] / t->customer_months : NAN;
    s[SM_CPC_PLAN] = mm->cpc_plan >= 0 ? plan_cpc(mm, hist, lines, (size_t)mm->cpc_plan) : NAN;
}

int month_line_fixed(const struct month_model *mm, size_t l)
{
    size_t i;
    switch (month_line(mm, l, &i)) {
    case LINE_INFRA:
        return is_fixed_infra(mm->infra, i);
    case LINE_STAFF:
        return is_fixed_role(mm->roles, i);
    case LINE_FEATURE_BUILD:
        return 1;
    case LINE_FEATURE_RUN:
        return !is_metered(mm->features, i);
    case LINE_CONTRACT:
        break;
    }
    return 0;
}

double month_line_cost(const struct month_model *mm, const struct month_values *v, int m, size_t l,
                       const double *customers, double total, const double *history)
{
    const struct contract *c = mm->contract;
    const double signed_up = c ? contract_customers(c, m) : 0;
    size_t i;
    switch (month_line(mm, l, &i)) {
    case LINE_INFRA:
        return infra_cost(&mm->infra[i], v->infra_amount[i], m, total);
    case LINE_STAFF: {
        const struct role *r = &mm->roles[i];
        return staff_cost(staff_heads(r, m, history[staff_lag_month(r, m)]), v->role_rate[i]);
    }
    case LINE_FEATURE_BUILD: {
        const struct feature *f = &mm->features[i];
        if (!month_feature_on(mm, i) || f->role < 0)
            return 0;
        return features_build_cost(f, &v->features[i], m, v->role_rate[f->role]);
    }
    case LINE_FEATURE_RUN: {
        const struct feature *f = &mm->features[i];
        if (!month_feature_on(mm, i))
            return 0;
        double on_plans = features_customers(f, customers, mm->nplans);
        if (signed_up > 0 && features_serves(f, (size_t)c->plan))
            on_plans += signed_up;
        return features_run_cost(f, &v->features[i], m, on_plans);
    }
    case LINE_CONTRACT:
        break;
    }
    double cost = 0;
    switch (contract_line(c, i, &i)) {
    case CONTRACT_LINE_BUILD:
        if (mm->features[i].role >= 0)
            cost = contract_build_cost(c, &mm->features[i], &v->features[i], m, v->role_rate[mm->features[i].role]);
        break;
    case CONTRACT_LINE_RUN:
        if (contract_feature_runs(c, &mm->features[i], m))
            cost = v->features[i].run + v->features[i].run_per_customer * signed_up;
        break;
    case CONTRACT_LINE_EFFORT:
        if (c->effort_role >= 0)
            cost = contract_effort_cost(c, v->contract, m, v->role_rate[c->effort_role]);
        break;
    case CONTRACT_LINE_SUPPORT:
        if (c->support_role >= 0)
            cost = contract_support_cost(c, v->contract, m, v->role_rate[c->support_role]);
        break;
    case CONTRACT_LINE_ONBOARDING:
        cost = contract_onboarding_cost(c, v->contract, m);
        break;
    }
    return cost;
}

void month_line_changes(const struct month_model *mm, size_t l, unsigned char *changed)
{
    const int H = mm->horizon;
    size_t i;
    const enum line_kind kind = month_line(mm, l, &i);
    for (int m = 1; m <= H; m++)
        changed[m] = m == 1 || calendar_year(m) != calendar_year(m - 1) || kind == LINE_CONTRACT;
    switch (kind) {
    case LINE_INFRA:
        mark(changed, H, mm->infra[i].from);
        if (mm->infra[i].to < H)
            mark(changed, H, mm->infra[i].to + 1);
        break;
    case LINE_STAFF:
        mark(changed, H, mm->roles[i].from);
        if (mm->roles[i].to < H)
            mark(changed, H, mm->roles[i].to + 1);
        break;
    case LINE_FEATURE_BUILD: /* it ends where the run starts */
        mark(changed, H, mm->features[i].from);
        if (features_run_from(&mm->features[i]) <= H)
            mark(changed, H, features_run_from(&mm->features[i]));
        break;
    case LINE_FEATURE_RUN:
        if (features_run_from(&mm->features[i]) <= H)
            mark(changed, H, features_run_from(&mm->features[i]));
        break;
    case LINE_CONTRACT:
        break;
    }
}

void month_ledger(const struct month_model *mm, const struct month_values *v, int m, const double *customers,
                  const double *history, double *line_cost, double *revenue)
{
    const struct contract *c = mm->contract;
    const double signed_up = c ? contract_customers(c, m) : 0;
    double total = 0;
    for (size_t p = 0; p < mm->nplans; p++) { /* as month_close sums them */
        revenue[p] = customers[p] * v->price[p];
        if (signed_up > 0 && p == (size_t)c->plan) {
            revenue[p] += contract_revenue(c, m);
            total += customers[p] + signed_up;
        } else {
            total += customers[p];
        }
    }
    for (size_t l = 0; l < month_nlines(mm); l++)
        line_cost[l] = month_line_cost(mm, v, m, l, customers, total, history);
}
