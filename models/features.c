/*
 * features.c - features.csv and feature costs (see features.h).
 */
#include "features.h"

#include <stdio.h>
#include <stddef.h>
#include <string.h>

#include "mem.h"

static const char *const yes_no[] = { "yes", "no", NULL };

static const struct column cols[] = {
    { "feature", COL_TEXT, COL_REQUIRED | COL_KEY, offsetof(struct feature, name), RANGE_ANY, 0, NULL },
    { "plans", COL_TEXT, 0, offsetof(struct feature, plans_text), RANGE_ANY, 0, NULL },
    { "effort", COL_VALUE, COL_UNCERTAIN, offsetof(struct feature, effort), RANGE_NONNEG, 0, NULL },
    { "role", COL_TEXT, 0, offsetof(struct feature, role_name), RANGE_ANY, 0, NULL },
    { "from", COL_MONTH, 0, offsetof(struct feature, from), RANGE_ANY, 1, NULL },
    { "build_months", COL_COUNT, 0, offsetof(struct feature, build_months), RANGE_NONNEG, 1, NULL },
    { "run_cost", COL_VALUE, COL_UNCERTAIN, offsetof(struct feature, run_cost), RANGE_NONNEG, 0, NULL },
    { "run_cost_per_customer", COL_VALUE, COL_UNCERTAIN, offsetof(struct feature, run_cost_per_customer),
      RANGE_NONNEG, 0, NULL },
    { "must_have", COL_CHOICE, 0, offsetof(struct feature, optional), RANGE_ANY, 0, yes_no },
};
#define NCOLS (sizeof cols / sizeof cols[0])

/* The feature has something to build (its effort is not a plain 0). */
static int has_effort(const struct feature *f)
{
    return dist_is_uncertain(&f->effort) || dist_mean(&f->effort) > 0;
}

static void names_of_plans(const struct plan *plans, size_t n, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && used < len; i++)
        used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? ", " : "", plans[i].name ? plans[i].name : "");
}

/* Resolves "all" or "a;b;c" into f->on_plan; returns the number of errors. */
static size_t resolve_plans(struct feature *f, const struct table *t, struct diag *d,
                            const struct plan *plans, size_t nplans, int col)
{
    f->on_plan = mem_calloc(nplans ? nplans : 1, 1);
    if (!f->on_plan) {
        diag_nomem(d);
        return 1;
    }
    const char *text = f->plans_text;
    if (!text || schema_name_eq(text, "all")) {
        f->all_plans = 1;
        memset(f->on_plan, 1, nplans);
        return 0;
    }
    size_t errors = 0, named = 0;
    const char *p = text;
    while (*p) {
        const char *end = strchr(p, ';');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        char name[256];
        const char *a = p, *b = p + len;
        while (a < b && (*a == ' ' || *a == '\t')) a++;
        while (b > a && (b[-1] == ' ' || b[-1] == '\t')) b--;
        if (b > a) {
            snprintf(name, sizeof name, "%.*s", (int)(b - a), a);
            int k = plans_find(plans, nplans, name);
            if (k < 0) {
                char known[512];
                names_of_plans(plans, nplans, known, sizeof known);
                diag_error(d, t->name, f->head.line, col, "plans: no plan called '%s'; plans are: %s "
                           "(or write all)", name, known);
                errors++;
            } else {
                f->on_plan[k] = 1;
                named++;
            }
        }
        if (!end)
            break;
        p = end + 1;
    }
    if (!named && !errors) {
        diag_error(d, t->name, f->head.line, col, "plans: names no plan; write all, or plan names separated by ';'");
        errors++;
    }
    return errors;
}

size_t features_load(const struct table *t, const struct calendar *cal, struct diag *d,
                     const struct plan *plans, size_t nplans, const struct role *roles, size_t nroles,
                     struct feature **features, size_t *n)
{
    void *rows;
    size_t errors = schema_load(t, cols, NCOLS, cal, d, &rows, sizeof(struct feature));
    *features = rows;
    *n = rows ? t->nrows : 0;
    if (!rows)
        return errors;
    int plans_col = schema_find(t, "plans") + 1, role_col = schema_find(t, "role") + 1;
    for (size_t i = 0; i < *n; i++) {
        struct feature *f = &(*features)[i];
        f->role = -1;
        if (f->from < 1)
            f->from = 1;
        errors += resolve_plans(f, t, d, plans, nplans, plans_col);
        if (f->build_months == 0 && has_effort(f)) {
            diag_error(d, t->name, f->head.line, schema_find(t, "build_months") + 1,
                       "build_months: 0 means the feature already runs, but it has effort to build; give the "
                       "months the build takes (1 or more), or an effort of 0");
            errors++;
        }
        if (f->role_name) {
            for (size_t k = 0; k < nroles; k++)
                if (roles[k].name && !strcmp(roles[k].name, f->role_name))
                    f->role = (int)k;
            if (f->role < 0) {
                diag_error(d, t->name, f->head.line, role_col,
                           "role: no role called '%s' in staff.csv", f->role_name);
                errors++;
            }
        } else if (has_effort(f)) {
            diag_error(d, t->name, f->head.line, role_col > 0 ? role_col : 0,
                       "role: a feature with effort needs the role whose rate prices it (a role of staff.csv)");
            errors++;
        }
    }
    return errors;
}

void features_free(struct feature *features, size_t n)
{
    if (!features)
        return;
    for (size_t i = 0; i < n; i++)
        mem_free(features[i].on_plan);
    schema_free(cols, NCOLS, features, n, sizeof(struct feature));
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

double features_build_cost(const struct feature *f, const struct feature_draw *dr, double rate)
{
    return dr->effort * rate / f->build_months;
}

int features_run_from(const struct feature *f)
{
    return f->from + (int)f->build_months;
}

int features_has_build(const struct feature *f)
{
    return f->role >= 0 && has_effort(f);
}

int features_has_run(const struct feature *f)
{
    return dist_is_uncertain(&f->run_cost) || dist_mean(&f->run_cost) != 0 ||
           dist_is_uncertain(&f->run_cost_per_customer) || dist_mean(&f->run_cost_per_customer) != 0;
}
