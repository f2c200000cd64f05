/*
 * load.c - the column tables of the model files and their loaders (see
 * load.h).
 */
#include "sim/load.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "models/category.h"
#include "sim/mem.h"
#include "sim/schema.h"

/* ---- company.csv ---- */

static int check_months(double v, const char *text, char *why, size_t whylen)
{
    if (v == floor(v) && v >= 1 && v <= CALENDAR_MAX_MONTHS)
        return 0;
    snprintf(why, whylen, "the horizon must be a whole number from 1 to %d, got '%s'", CALENDAR_MAX_MONTHS, text);
    return -1;
}

static int check_margin(double v, const char *text, char *why, size_t whylen)
{
    if (v < 1)
        return 0;
    snprintf(why, whylen, "a gross margin must be below 1 (100%%), got '%s'", text);
    return -1;
}

static int check_confidence(double v, const char *text, char *why, size_t whylen)
{
    if (v > 0 && v < 1)
        return 0;
    snprintf(why, whylen, "a probability above 0 and below 1 (such as 0.9 or 90%%), got '%s'", text);
    return -1;
}

static const struct column settings_cols[] = {
    { "cash", COL_NUMBER, COL_REQUIRED, offsetof(struct settings, cash), RANGE_ANY, 0, NULL, NULL,
      "the cash in the bank at the start" },
    { "start", COL_DATE, COL_REQUIRED, offsetof(struct settings, start), RANGE_ANY, -1, NULL, NULL,
      "the first simulated month, YYYY-MM" },
    { "months", COL_NUMBER, 0, offsetof(struct settings, months), RANGE_ANY, 36, NULL, check_months, NULL },
    { "currency", COL_TEXT, 0, offsetof(struct settings, currency), RANGE_ANY, 0, NULL, NULL, NULL },
    { "min_cash", COL_NUMBER, 0, offsetof(struct settings, min_cash), RANGE_ANY, 0, NULL, NULL, NULL },
    { "target_margin", COL_NUMBER, COL_FRACTION, offsetof(struct settings, target_margin), RANGE_ANY, 0.7, NULL, check_margin,
      NULL },
    { "confidence", COL_NUMBER, COL_FRACTION, offsetof(struct settings, confidence), RANGE_ANY, 0.9, NULL, check_confidence,
      NULL },
};
#define NSETTINGS (sizeof settings_cols / sizeof settings_cols[0])

size_t load_settings(const struct table *t, struct diag *d, struct settings *out)
{
    const struct calendar none = { 0, 1, 36 };
    unsigned long unread;
    size_t errors = schema_load_settings(t, settings_cols, NSETTINGS, &none, d, out, &unread);
    int start_known = 1;
    for (size_t k = 0; k < NSETTINGS; k++) {
        if (settings_cols[k].offset == offsetof(struct settings, months))
            out->horizon_known = !(unread & 1UL << k);
        if (settings_cols[k].offset == offsetof(struct settings, start))
            start_known = !(unread & 1UL << k);
    }
    /* reports write months as YYYY-MM: the horizon ends by 9999-12 */
    int last = out->start + (int)out->months - 1;
    if (out->horizon_known && start_known && out->start >= 0 && last > CALENDAR_LAST_DATE) {
        long line, col;
        const char *at = "months";
        schema_setting_place(t, at, &line, &col);
        if (!line)
            schema_setting_place(t, at = "start", &line, &col);
        diag_error(d, t->name, line, col, "%s: %d months from %04d-%02d end in %d-%02d, past 9999-12 "
                   "(months are written YYYY-MM): start earlier or shorten the horizon to %d months",
                   at, (int)out->months, out->start / 12, out->start % 12 + 1, last / 12, last % 12 + 1,
                   CALENDAR_LAST_DATE - out->start + 1);
        out->horizon_known = 0;
        errors++;
    }
    return errors;
}

/* Whether the month in column COL (1-based; 0 when the file has none) of
 * row R is placed in the calendar: an index is; a date only when the start
 * is known (else calendar_parse_month read it as month 1, and comparing it
 * with another month would only follow from company.csv's error). */
static int month_placed(const struct table *t, const struct calendar *cal, size_t r, int col)
{
    int year, month;
    return cal->start_year || col <= 0 || calendar_parse_date(table_cell(t, r, (size_t)col - 1), &year, &month);
}

/* Whether the cell in column COL (1-based; 0 when absent) of row R holds
 * text: when it does but its value is not there, the cell was bad, and that
 * is already reported. */
static int cell_given(const struct table *t, size_t r, int col)
{
    return col > 0 && *table_cell(t, r, (size_t)col - 1);
}

/* ---- plans.csv and scenarios.csv ---- */

static const struct column plan_cols[] = {
    { "plan", COL_TEXT, COL_REQUIRED | COL_KEY, offsetof(struct plan, name), RANGE_ANY, 0, NULL, NULL, NULL },
    { "price", COL_VALUE, COL_REQUIRED | COL_UNCERTAIN, offsetof(struct plan, price), RANGE_NONNEG, 0, NULL, NULL, NULL },
    { "customers", COL_COUNT, 0, offsetof(struct plan, customers), RANGE_NONNEG, 0, NULL, NULL, NULL },
    { "mix", COL_NUMBER, COL_NO_DEFAULT | COL_FRACTION, offsetof(struct plan, mix), RANGE_NONNEG, 0, NULL, NULL, NULL },
};
#define NPLAN_COLS (sizeof plan_cols / sizeof plan_cols[0])

static const struct column scenario_cols[] = {
    { "scenario", COL_TEXT, COL_REQUIRED | COL_KEY, offsetof(struct scenario, name), RANGE_ANY, 0, NULL, NULL, NULL },
    { "new_customers", COL_VALUE, COL_REQUIRED | COL_UNCERTAIN, offsetof(struct scenario, new_customers),
      RANGE_NONNEG, 0, NULL, NULL, NULL },
    { "growth", COL_VALUE, COL_UNCERTAIN | COL_FRACTION, offsetof(struct scenario, growth), RANGE_CHANGE, 0, NULL, NULL, NULL },
    { "churn", COL_VALUE, COL_UNCERTAIN | COL_FRACTION, offsetof(struct scenario, churn), RANGE_RATE, 0, NULL, NULL, NULL },
    { "deal_slip", COL_VALUE, COL_UNCERTAIN | COL_FRACTION, offsetof(struct scenario, deal_slip), RANGE_RATE, 0, NULL, NULL, NULL },
    { "deal_loss", COL_VALUE, COL_UNCERTAIN | COL_FRACTION, offsetof(struct scenario, deal_loss), RANGE_RATE, 0, NULL, NULL, NULL },
    { "deal_delay", COL_VALUE, COL_UNCERTAIN, offsetof(struct scenario, deal_delay), RANGE_NONNEG, 0, NULL, NULL, NULL },
};
#define NSCENARIO_COLS (sizeof scenario_cols / sizeof scenario_cols[0])

/* How far from 1 the shares of mix may add up to before a warning: sums of
 * shares written with all their digits (1/3 as 0.3333333333) stay within
 * it, shares of 3 and 1 or 33% each do not. */
#define MIX_SUM_SLACK 1e-9
/* Plans whose normalised shares the warning lists (more would not read). */
#define MIX_LISTED_PLANS 6

/* Warns that the N plans' mix, given for every plan, adds up to TOTAL, not
 * 1, and was normalised: placed at the first plan's mix cell (column COL). */
static void warn_mix_normalised(const struct table *t, const struct plan *plans, size_t n, double total, int col,
                                struct diag *d)
{
    char shares[1024];
    size_t used = 0;
    shares[0] = '\0';
    if (n <= MIX_LISTED_PLANS)
        for (size_t i = 0; i < n && used < sizeof shares; i++)
            used += (size_t)snprintf(shares + used, sizeof shares - used, "%s%s %.3g%%", i ? ", " : "",
                                     plans[i].name ? plans[i].name : "", 100 * plans[i].mix);
    else
        snprintf(shares, sizeof shares, "each divided by %.10g", total);
    diag_warn(d, t->name, plans[0].line, col, "mix: the shares add up to %.10g, not 1; cpcsim normalises them (%s)",
              total, shares);
}

size_t load_plans(const struct table *t, const struct calendar *cal, struct diag *d,
                  struct plan **plans, size_t *n)
{
    void *rows;
    size_t errors = schema_load(t, plan_cols, NPLAN_COLS, cal, d, &rows, sizeof(struct plan));
    *plans = rows;
    *n = rows ? t->nrows : 0;
    if (!rows)
        return errors;
    if (schema_require_rows(t, "plans", d) || t->nrows == 0)
        return errors + 1;
    size_t given = 0;
    double total = 0;
    for (size_t i = 0; i < *n; i++) {
        if (!isnan((*plans)[i].mix)) {
            given++;
            total += (*plans)[i].mix;
        }
    }
    int col = schema_find(t, "mix") + 1;
    if (given && given < *n) {
        for (size_t i = 0; i < *n; i++)
            if (isnan((*plans)[i].mix) && !cell_given(t, i, col)) {
                diag_error(d, t->name, (*plans)[i].line, col,
                           "mix: empty, but other plans give one: give a mix for every plan or for none");
                errors++;
            }
    } else if (given && !(total > 0)) {
        diag_error(d, t->name, (*plans)[0].line, col, "mix: the shares add up to 0; at least one must be above 0");
        errors++;
    }
    for (size_t i = 0; i < *n; i++) {
        struct plan *p = &(*plans)[i];
        p->mix = given == *n && total > 0 ? p->mix / total : 1.0 / (double)*n;
    }
    if (given == *n && total > 0 && fabs(total - 1) > MIX_SUM_SLACK && !t->dropped)
        warn_mix_normalised(t, *plans, *n, total, col, d);
    return errors;
}

void load_free_plans(struct plan *plans, size_t n)
{
    schema_free(plan_cols, NPLAN_COLS, plans, n, sizeof(struct plan));
}

size_t load_scenarios(const struct table *t, const struct calendar *cal, struct diag *d, struct scenario **scenarios,
                      size_t *n)
{
    void *rows;
    size_t errors = schema_load(t, scenario_cols, NSCENARIO_COLS, cal, d, &rows, sizeof(struct scenario));
    *scenarios = rows;
    *n = rows ? t->nrows : 0;
    if (rows)
        errors += schema_require_rows(t, "scenarios", d);
    return errors;
}

void load_free_scenarios(struct scenario *scenarios, size_t n)
{
    schema_free(scenario_cols, NSCENARIO_COLS, scenarios, n, sizeof(struct scenario));
}

/* ---- infra.csv ---- */

static const char *const drivers[] = { "fixed", "per_customer", "step", NULL };

static const struct column infra_cols[] = {
    { "item", COL_TEXT, COL_REQUIRED | COL_KEY, offsetof(struct infra_line, item), RANGE_ANY, 0, NULL, NULL, NULL },
    { "driver", COL_CHOICE, 0, offsetof(struct infra_line, driver), RANGE_ANY, DRIVER_FIXED, drivers, NULL, NULL },
    { "cost", COL_VALUE, COL_REQUIRED | COL_UNCERTAIN, offsetof(struct infra_line, cost), RANGE_NONNEG, 0, NULL, NULL, NULL },
    { "step", COL_NUMBER, COL_NO_DEFAULT, offsetof(struct infra_line, step), RANGE_NONNEG, 0, NULL, NULL, NULL },
    { "category", COL_CHOICE, 0, offsetof(struct infra_line, category), RANGE_ANY, CAT_COGS, category_names, NULL, NULL },
    { "from", COL_MONTH, 0, offsetof(struct infra_line, from), RANGE_ANY, 1, NULL, NULL, NULL },
    { "to", COL_MONTH, 0, offsetof(struct infra_line, to), RANGE_ANY, MONTH_HORIZON, NULL, NULL, NULL },
    { "escalation", COL_VALUE, COL_UNCERTAIN | COL_FRACTION, offsetof(struct infra_line, escalation), RANGE_CHANGE, 0, NULL, NULL, NULL },
};
#define NINFRA_COLS (sizeof infra_cols / sizeof infra_cols[0])

size_t load_infra(const struct table *t, const struct calendar *cal, struct diag *d,
                  struct infra_line **lines, size_t *n)
{
    void *rows;
    size_t errors = schema_load(t, infra_cols, NINFRA_COLS, cal, d, &rows, sizeof(struct infra_line));
    *lines = rows;
    *n = rows ? t->nrows : 0;
    if (!rows)
        return errors;
    errors += schema_require_rows(t, "cost lines", d);
    int step_col = schema_find(t, "step") + 1, from_col = schema_find(t, "from") + 1, to_col = schema_find(t, "to") + 1;
    for (size_t i = 0; i < *n; i++) {
        struct infra_line *l = &(*lines)[i];
        if (l->driver == DRIVER_STEP && !(l->step > 0) && !(isnan(l->step) && cell_given(t, i, step_col))) {
            diag_error(d, t->name, l->line, step_col,
                       "step: a step line needs the customers per block, a number above 0 (such as 200)");
            errors++;
        }
        if (l->from < 1)
            l->from = 1;
        if (l->to < l->from && to_col > 0 && month_placed(t, cal, i, from_col) && month_placed(t, cal, i, to_col)) {
            diag_error(d, t->name, l->line, to_col, "to: the last month comes before the first (from)");
            errors++;
        }
    }
    return errors;
}

void load_free_infra(struct infra_line *lines, size_t n)
{
    schema_free(infra_cols, NINFRA_COLS, lines, n, sizeof(struct infra_line));
}

/* ---- staff.csv ---- */

static const struct column staff_cols[] = {
    { "role", COL_TEXT, COL_REQUIRED | COL_KEY, offsetof(struct role, name), RANGE_ANY, 0, NULL, NULL, NULL },
    { "headcount", COL_NUMBER, 0, offsetof(struct role, headcount), RANGE_NONNEG, 0, NULL, NULL, NULL },
    { "per_customers", COL_NUMBER, COL_NO_DEFAULT, offsetof(struct role, per_customers), RANGE_NONNEG, 0, NULL, NULL, NULL },
    { "lag", COL_COUNT, 0, offsetof(struct role, lag), RANGE_NONNEG, 0, NULL, NULL, NULL },
    { "salary", COL_VALUE, COL_REQUIRED | COL_UNCERTAIN, offsetof(struct role, salary_per_year), RANGE_NONNEG, 0,
      NULL, NULL, NULL },
    { "overhead", COL_VALUE, COL_UNCERTAIN | COL_FRACTION, offsetof(struct role, overhead), RANGE_NONNEG, 1, NULL, NULL, NULL },
    { "raise", COL_VALUE, COL_UNCERTAIN | COL_FRACTION, offsetof(struct role, raise), RANGE_CHANGE, 0, NULL, NULL, NULL },
    { "category", COL_CHOICE, 0, offsetof(struct role, category), RANGE_ANY, CAT_RND, category_names, NULL, NULL },
    { "from", COL_MONTH, 0, offsetof(struct role, from), RANGE_ANY, 1, NULL, NULL, NULL },
    { "to", COL_MONTH, 0, offsetof(struct role, to), RANGE_ANY, MONTH_HORIZON, NULL, NULL, NULL },
};
#define NSTAFF_COLS (sizeof staff_cols / sizeof staff_cols[0])

size_t load_staff(const struct table *t, const struct calendar *cal, struct diag *d,
                  struct role **roles, size_t *n)
{
    void *rows;
    size_t errors = schema_load(t, staff_cols, NSTAFF_COLS, cal, d, &rows, sizeof(struct role));
    *roles = rows;
    *n = rows ? t->nrows : 0;
    if (!rows)
        return errors;
    errors += schema_require_rows(t, "roles", d);
    int pc_col = schema_find(t, "per_customers") + 1, from_col = schema_find(t, "from") + 1,
        to_col = schema_find(t, "to") + 1;
    for (size_t i = 0; i < *n; i++) {
        struct role *r = &(*roles)[i];
        if (!isnan(r->per_customers) && !(r->per_customers > 0)) {
            diag_error(d, t->name, r->line, pc_col,
                       "per_customers: must be above 0 (one person per this many customers), or left empty");
            errors++;
        }
        if (r->from < 1)
            r->from = 1;
        if (r->to < r->from && to_col > 0 && month_placed(t, cal, i, from_col) && month_placed(t, cal, i, to_col)) {
            diag_error(d, t->name, r->line, to_col, "to: the last month comes before the first (from)");
            errors++;
        }
    }
    return errors;
}

int load_plans_whole(const struct table *t, const struct plan *plans, size_t n)
{
    if (!t || !plans || t->dropped || n == 0)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!plans[i].name)
            return 0;
    return 1;
}

int load_staff_whole(const struct table *t, const struct role *roles, size_t n)
{
    if (!t || !roles || t->dropped || n == 0)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!roles[i].name)
            return 0;
    return 1;
}

void load_free_staff(struct role *roles, size_t n)
{
    schema_free(staff_cols, NSTAFF_COLS, roles, n, sizeof(struct role));
}

/* ---- features.csv ---- */

static const char *const yes_no[] = { "yes", "no", NULL };

static const struct column feature_cols[] = {
    { "feature", COL_TEXT, COL_REQUIRED | COL_KEY, offsetof(struct feature, name), RANGE_ANY, 0, NULL, NULL, NULL },
    { "plans", COL_TEXT, 0, offsetof(struct feature, plans_text), RANGE_ANY, 0, NULL, NULL, NULL },
    { "effort", COL_VALUE, COL_UNCERTAIN, offsetof(struct feature, effort), RANGE_NONNEG, 0, NULL, NULL, NULL },
    { "role", COL_TEXT, 0, offsetof(struct feature, role_name), RANGE_ANY, 0, NULL, NULL, NULL },
    { "from", COL_MONTH, 0, offsetof(struct feature, from), RANGE_ANY, 1, NULL, NULL, NULL },
    { "build_months", COL_COUNT, 0, offsetof(struct feature, build_months), RANGE_NONNEG, 1, NULL, NULL, NULL },
    { "run_cost", COL_VALUE, COL_UNCERTAIN, offsetof(struct feature, run_cost), RANGE_NONNEG, 0, NULL, NULL, NULL },
    { "run_cost_per_customer", COL_VALUE, COL_UNCERTAIN, offsetof(struct feature, run_cost_per_customer),
      RANGE_NONNEG, 0, NULL, NULL, NULL },
    { "must_have", COL_CHOICE, 0, offsetof(struct feature, optional), RANGE_ANY, 0, yes_no, NULL, NULL },
};
#define NFEATURE_COLS (sizeof feature_cols / sizeof feature_cols[0])

static void names_of_plans(const struct plan *plans, size_t n, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && used < len; i++)
        used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? ", " : "", plans[i].name ? plans[i].name : "");
}

/* Resolves "all" or "a;b;c" into f->on_plan; returns the number of errors. */
static size_t resolve_plans(struct feature *f, const struct table *t, struct diag *d, const struct load_refs *refs,
                            int col)
{
    const struct plan *plans = refs->plans;
    size_t nplans = refs->nplans;
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
    if (schema_name_eq(text, "none")) { /* kept for the contracts that ask for it (cpcsim quote) */
        f->for_contracts = 1;
        return 0;
    }
    size_t errors = 0, named = 0, unknown = 0;
    const char *p = text;
    while (*p) {
        const char *end = strchr(p, ';');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        const char *a = p, *b = p + len;
        while (a < b && (*a == ' ' || *a == '\t')) a++;
        while (b > a && (b[-1] == ' ' || b[-1] == '\t')) b--;
        if (b > a) {
            long k = names_find(refs->plan_names, a, (size_t)(b - a));
            if (k < 0 && !refs->plans_whole) {
                unknown++;
            } else if (k < 0) {
                char known[512];
                names_of_plans(plans, nplans, known, sizeof known);
                diag_error(d, t->name, f->line, col, "plans: no plan called '%.*s'; plans are: %s "
                           "(or write all, or none)", (int)(b - a), a, known);
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
    if (!named && !errors && !unknown) {
        diag_error(d, t->name, f->line, col, "plans: names no plan; write all, none, or plan names separated by ';'");
        errors++;
    }
    return errors;
}

size_t load_features(const struct table *t, const struct calendar *cal, struct diag *d,
                     const struct load_refs *refs, struct feature **features, size_t *n)
{
    void *rows;
    size_t errors = schema_load(t, feature_cols, NFEATURE_COLS, cal, d, &rows, sizeof(struct feature));
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
        errors += resolve_plans(f, t, d, refs, plans_col);
        if (f->build_months == 0 && features_has_effort(f)) {
            diag_error(d, t->name, f->line, schema_find(t, "build_months") + 1,
                       "build_months: 0 means the feature already runs, but it has effort to build; give the "
                       "months the build takes (1 or more), or an effort of 0");
            errors++;
        }
        if (f->role_name) {
            f->role = (int)names_find(refs->role_names, f->role_name, strlen(f->role_name));
            if (f->role < 0 && refs->roles_whole) {
                diag_error(d, t->name, f->line, role_col,
                           "role: no role called '%s' in staff.csv", f->role_name);
                errors++;
            }
        } else if (features_has_effort(f)) {
            diag_error(d, t->name, f->line, role_col > 0 ? role_col : 0,
                       "role: a feature with effort needs the role whose rate prices it (a role of staff.csv)");
            errors++;
        }
    }
    return errors;
}

void load_free_features(struct feature *features, size_t n)
{
    if (!features)
        return;
    for (size_t i = 0; i < n; i++)
        mem_free(features[i].on_plan);
    schema_free(feature_cols, NFEATURE_COLS, features, n, sizeof(struct feature));
}

/* ---- pipeline.csv and funding.csv ---- */

static const char *const no_yes[] = { "no", "yes", NULL }; /* the index is the flag */

static const struct column deal_cols[] = {
    { "deal", COL_TEXT, COL_REQUIRED | COL_KEY, offsetof(struct deal, name), RANGE_ANY, 0, NULL, NULL, NULL },
    { "month", COL_MONTH, COL_REQUIRED | COL_NO_PAST, offsetof(struct deal, month), RANGE_ANY, 1, NULL, NULL, NULL },
    { "customers", COL_COUNT, 0, offsetof(struct deal, customers), RANGE_NONNEG, 1, NULL, NULL, NULL },
    { "plan", COL_TEXT, 0, offsetof(struct deal, plan_name), RANGE_ANY, 0, NULL, NULL, NULL },
    { "probability", COL_NUMBER, COL_FRACTION, offsetof(struct deal, probability), RANGE_RATE, 1, NULL, NULL, NULL },
    { "signed", COL_CHOICE, 0, offsetof(struct deal, is_signed), RANGE_ANY, 0, no_yes, NULL, NULL },
};
#define NDEAL_COLS (sizeof deal_cols / sizeof deal_cols[0])

static const struct column round_cols[] = {
    { "round", COL_TEXT, COL_REQUIRED | COL_KEY, offsetof(struct round, name), RANGE_ANY, 0, NULL, NULL, NULL },
    { "month", COL_MONTH, COL_REQUIRED | COL_NO_PAST, offsetof(struct round, month), RANGE_ANY, 1, NULL, NULL, NULL },
    { "amount", COL_VALUE, COL_REQUIRED | COL_UNCERTAIN, offsetof(struct round, amount), RANGE_NONNEG, 0, NULL, NULL, NULL },
    { "probability", COL_NUMBER, COL_FRACTION, offsetof(struct round, probability), RANGE_RATE, 1, NULL, NULL, NULL },
};
#define NROUND_COLS (sizeof round_cols / sizeof round_cols[0])

size_t load_deals(const struct table *t, const struct calendar *cal, struct diag *d, const struct load_refs *refs,
                  struct deal **deals, size_t *n)
{
    void *rows;
    size_t errors = schema_load(t, deal_cols, NDEAL_COLS, cal, d, &rows, sizeof(struct deal));
    *deals = rows;
    *n = rows ? t->nrows : 0;
    if (!rows)
        return errors;
    int plan_col = schema_find(t, "plan") + 1, probability_col = schema_find(t, "probability") + 1;
    for (size_t i = 0; i < *n; i++) {
        struct deal *dl = &(*deals)[i];
        if (dl->is_signed && dl->probability != 1) {
            diag_error(d, t->name, dl->line, probability_col,
                       "probability: a signed deal closes for sure, so its probability is 1 (or left empty), "
                       "got %g; write signed as no for a deal that may still fall through",
                       dl->probability);
            errors++;
        }
        dl->plan = 0;
        if (dl->plan_name) {
            int k = (int)names_find(refs->plan_names, dl->plan_name, strlen(dl->plan_name));
            if (k < 0 && refs->plans_whole) {
                diag_error(d, t->name, dl->line, plan_col, "plan: no plan called '%s' in plans.csv",
                           dl->plan_name);
                errors++;
            } else {
                dl->plan = k < 0 ? 0 : k;
            }
        }
    }
    return errors;
}

void load_free_deals(struct deal *deals, size_t n)
{
    schema_free(deal_cols, NDEAL_COLS, deals, n, sizeof(struct deal));
}

size_t load_rounds(const struct table *t, const struct calendar *cal, struct diag *d,
                   struct round **rounds, size_t *n)
{
    void *rows;
    size_t errors = schema_load(t, round_cols, NROUND_COLS, cal, d, &rows, sizeof(struct round));
    *rounds = rows;
    *n = rows ? t->nrows : 0;
    return errors;
}

void load_free_rounds(struct round *rounds, size_t n)
{
    schema_free(round_cols, NROUND_COLS, rounds, n, sizeof(struct round));
}


/* ---- one cell, outside a file (sweep, goal) ---- */

int load_parse_cell(const char *file, const char *column, const char *text, struct dist *out, char *why,
                    size_t whylen)
{
    static const struct {
        const char *file;
        const struct column *cols;
        size_t n;
    } files[] = {
        { "company.csv", settings_cols, NSETTINGS },   { "plans.csv", plan_cols, NPLAN_COLS },
        { "scenarios.csv", scenario_cols, NSCENARIO_COLS }, { "infra.csv", infra_cols, NINFRA_COLS },
        { "staff.csv", staff_cols, NSTAFF_COLS },       { "features.csv", feature_cols, NFEATURE_COLS },
        { "funding.csv", round_cols, NROUND_COLS },
    };
    for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
        if (strcmp(files[f].file, file))
            continue;
        for (size_t k = 0; k < files[f].n; k++) {
            const struct column *c = &files[f].cols[k];
            if (strcmp(c->name, column) || (c->type != COL_VALUE && c->type != COL_NUMBER))
                continue;
            unsigned flags = schema_value_flags(c);
            if (c->type == COL_NUMBER)
                flags &= ~(unsigned)DIST_UNCERTAIN;
            if (dist_parse(text, c->range, flags, out, why, whylen))
                return -1;
            if (c->type == COL_NUMBER && c->check && c->check(out->p[0], text, why, whylen))
                return -1;
            return 0;
        }
    }
    return -2;
}
