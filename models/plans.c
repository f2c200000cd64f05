/*
 * plans.c - plans.csv and scenarios.csv (see plans.h).
 */
#include "plans.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

#include "category.h"
#include "mem.h"

const char *const category_names[] = { "cogs", "rnd", "sm", "ga", NULL };

static const struct column plan_cols[] = {
    { "plan", COL_TEXT, COL_REQUIRED | COL_KEY, offsetof(struct plan, name), RANGE_ANY, 0, NULL },
    { "price", COL_VALUE, COL_REQUIRED | COL_UNCERTAIN, offsetof(struct plan, price), RANGE_NONNEG, 0, NULL },
    { "customers", COL_COUNT, 0, offsetof(struct plan, customers), RANGE_NONNEG, 0, NULL },
    { "mix", COL_NUMBER, COL_NO_DEFAULT, offsetof(struct plan, mix), RANGE_NONNEG, 0, NULL },
};
#define NPLAN_COLS (sizeof plan_cols / sizeof plan_cols[0])

static const struct column scenario_cols[] = {
    { "scenario", COL_TEXT, COL_REQUIRED | COL_KEY, offsetof(struct scenario, name), RANGE_ANY, 0, NULL },
    { "new_customers", COL_VALUE, COL_REQUIRED | COL_UNCERTAIN, offsetof(struct scenario, new_customers),
      RANGE_NONNEG, 0, NULL },
    { "growth", COL_VALUE, COL_UNCERTAIN, offsetof(struct scenario, growth), RANGE_CHANGE, 0, NULL },
    { "churn", COL_VALUE, COL_UNCERTAIN, offsetof(struct scenario, churn), RANGE_RATE, 0, NULL },
    { "deal_slip", COL_VALUE, COL_UNCERTAIN, offsetof(struct scenario, deal_slip), RANGE_RATE, 0, NULL },
    { "deal_loss", COL_VALUE, COL_UNCERTAIN, offsetof(struct scenario, deal_loss), RANGE_RATE, 0, NULL },
};
#define NSCENARIO_COLS (sizeof scenario_cols / sizeof scenario_cols[0])

size_t plans_load(const struct table *t, const struct calendar *cal, struct diag *d,
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
            if (isnan((*plans)[i].mix)) {
                diag_error(d, t->name, (*plans)[i].head.line, col,
                           "mix: empty, but other plans give one: give a mix for every plan or for none");
                errors++;
            }
    } else if (given && !(total > 0)) {
        diag_error(d, t->name, (*plans)[0].head.line, col, "mix: the shares add up to 0; at least one must be above 0");
        errors++;
    }
    for (size_t i = 0; i < *n; i++) {
        struct plan *p = &(*plans)[i];
        p->mix = given == *n && total > 0 ? p->mix / total : 1.0 / (double)*n;
    }
    return errors;
}

void plans_free(struct plan *plans, size_t n)
{
    schema_free(plan_cols, NPLAN_COLS, plans, n, sizeof(struct plan));
}

size_t scenarios_load(const struct table *t, const struct calendar *cal, struct diag *d,
                      struct scenario **scenarios, size_t *n)
{
    void *rows;
    size_t errors = schema_load(t, scenario_cols, NSCENARIO_COLS, cal, d, &rows, sizeof(struct scenario));
    *scenarios = rows;
    *n = rows ? t->nrows : 0;
    if (rows)
        errors += schema_require_rows(t, "scenarios", d);
    int new_col = schema_find(t, "new_customers") + 1, growth_col = schema_find(t, "growth") + 1;
    for (size_t i = 0; rows && i < *n; i++) {
        const struct scenario *s = &(*scenarios)[i];
        double start = dist_mean(&s->new_customers), g = dist_mean(&s->growth);
        double last = start * pow(1 + g, cal->months - 1);
        if (!(last <= SCENARIO_MAX_RATE) && isfinite(start) && isfinite(g)) {
            diag_error(d, t->name, s->head.line, g > 0 && growth_col > 0 ? growth_col : new_col,
                       "%s: %g new customers a month%s would reach %.3g a month by month %d, beyond the %g cpcsim "
                       "can count; is a growth of %g meant as %g%%?",
                       g > 0 ? "growth" : "new_customers", start, g > 0 ? " growing at that rate" : "", last,
                       cal->months, SCENARIO_MAX_RATE, g, g);
            errors++;
        }
    }
    return errors;
}

void scenarios_free(struct scenario *scenarios, size_t n)
{
    schema_free(scenario_cols, NSCENARIO_COLS, scenarios, n, sizeof(struct scenario));
}

void scenario_draw(const struct scenario *s, const double *u, struct scenario_draw *out)
{
    out->new_customers = dist_draw(&s->new_customers, u[SCEN_NEW]);
    out->growth = dist_draw(&s->growth, u[SCEN_GROWTH]);
    out->churn = dist_draw(&s->churn, u[SCEN_CHURN]);
    out->slip = dist_draw(&s->deal_slip, u[SCEN_SLIP]);
    out->loss = dist_draw(&s->deal_loss, u[SCEN_LOSS]);
}

void scenario_eval(const struct scenario *s, struct scenario_draw *out)
{
    out->new_customers = dist_mean(&s->new_customers);
    out->growth = dist_mean(&s->growth);
    out->churn = dist_mean(&s->churn);
    out->slip = dist_mean(&s->deal_slip);
    out->loss = dist_mean(&s->deal_loss);
}

int plans_find(const struct plan *plans, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(plans[i].name ? plans[i].name : "", name))
            return (int)i;
    return -1;
}
