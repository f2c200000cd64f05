/*
 * infra.c - infra.csv and the cost of a line in a month (see infra.h).
 */
#include "infra.h"

#include <math.h>
#include <stddef.h>

#include "category.h"
#include "mem.h"

static const char *const drivers[] = { "fixed", "per_customer", "step", NULL };

static const struct column cols[] = {
    { "item", COL_TEXT, COL_REQUIRED | COL_KEY, offsetof(struct infra_line, item), RANGE_ANY, 0, NULL },
    { "driver", COL_CHOICE, 0, offsetof(struct infra_line, driver), RANGE_ANY, DRIVER_FIXED, drivers },
    { "cost", COL_VALUE, COL_REQUIRED | COL_UNCERTAIN, offsetof(struct infra_line, cost), RANGE_NONNEG, 0, NULL },
    { "step", COL_NUMBER, COL_NO_DEFAULT, offsetof(struct infra_line, step), RANGE_NONNEG, 0, NULL },
    { "category", COL_CHOICE, 0, offsetof(struct infra_line, category), RANGE_ANY, CAT_COGS, category_names },
    { "from", COL_MONTH, 0, offsetof(struct infra_line, from), RANGE_ANY, 1, NULL },
    { "to", COL_MONTH, 0, offsetof(struct infra_line, to), RANGE_ANY, MONTH_HORIZON, NULL },
    { "escalation", COL_VALUE, COL_UNCERTAIN, offsetof(struct infra_line, escalation), RANGE_CHANGE, 0, NULL },
};
#define NCOLS (sizeof cols / sizeof cols[0])

size_t infra_load(const struct table *t, const struct calendar *cal, struct diag *d,
                  struct infra_line **lines, size_t *n)
{
    void *rows;
    size_t errors = schema_load(t, cols, NCOLS, cal, d, &rows, sizeof(struct infra_line));
    *lines = rows;
    *n = rows ? t->nrows : 0;
    if (!rows)
        return errors;
    errors += schema_require_rows(t, "cost lines", d);
    int step_col = schema_find(t, "step") + 1, to_col = schema_find(t, "to") + 1;
    for (size_t i = 0; i < *n; i++) {
        struct infra_line *l = &(*lines)[i];
        if (l->driver == DRIVER_STEP && !(l->step > 0)) {
            diag_error(d, t->name, l->head.line, step_col,
                       "step: a step line needs the customers per block, a number above 0 (such as 200)");
            errors++;
        }
        if (l->from < 1)
            l->from = 1;
        if (l->to < l->from && to_col > 0) {
            diag_error(d, t->name, l->head.line, to_col, "to: the last month comes before the first (from)");
            errors++;
        }
    }
    return errors;
}

void infra_free(struct infra_line *lines, size_t n)
{
    schema_free(cols, NCOLS, lines, n, sizeof(struct infra_line));
}

void infra_draw(const struct infra_line *l, const double *u, struct infra_draw *out)
{
    out->cost = dist_draw(&l->cost, u[INFRA_COST]);
    out->growth = 1 + dist_draw(&l->escalation, u[INFRA_ESCALATION]);
}

void infra_eval(const struct infra_line *l, struct infra_draw *out)
{
    out->cost = dist_mean(&l->cost);
    out->growth = 1 + dist_mean(&l->escalation);
}

int infra_months(const struct infra_line *l, int horizon, int *first, int *last)
{
    return calendar_clip(l->from, l->to, horizon, first, last);
}
