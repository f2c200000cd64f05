/*
 * staff.c - staff.csv and the cost of a role (see staff.h).
 */
#include "staff.h"

#include <math.h>
#include <stddef.h>

#include "category.h"
#include "infra.h"
#include "mem.h"

static const struct column cols[] = {
    { "role", COL_TEXT, COL_REQUIRED | COL_KEY, offsetof(struct role, name), RANGE_ANY, 0, NULL },
    { "headcount", COL_NUMBER, 0, offsetof(struct role, headcount), RANGE_NONNEG, 0, NULL },
    { "per_customers", COL_NUMBER, COL_NO_DEFAULT, offsetof(struct role, per_customers), RANGE_NONNEG, 0, NULL },
    { "lag", COL_COUNT, 0, offsetof(struct role, lag), RANGE_NONNEG, 0, NULL },
    { "salary", COL_VALUE, COL_REQUIRED | COL_UNCERTAIN, offsetof(struct role, salary_per_year), RANGE_NONNEG, 0,
      NULL },
    { "overhead", COL_VALUE, COL_UNCERTAIN, offsetof(struct role, overhead), RANGE_NONNEG, 1, NULL },
    { "raise", COL_VALUE, COL_UNCERTAIN, offsetof(struct role, raise), RANGE_CHANGE, 0, NULL },
    { "category", COL_CHOICE, 0, offsetof(struct role, category), RANGE_ANY, CAT_RND, category_names },
    { "from", COL_MONTH, 0, offsetof(struct role, from), RANGE_ANY, 1, NULL },
    { "to", COL_MONTH, 0, offsetof(struct role, to), RANGE_ANY, MONTH_HORIZON, NULL },
};
#define NCOLS (sizeof cols / sizeof cols[0])

size_t staff_load(const struct table *t, const struct calendar *cal, struct diag *d,
                  struct role **roles, size_t *n)
{
    void *rows;
    size_t errors = schema_load(t, cols, NCOLS, cal, d, &rows, sizeof(struct role));
    *roles = rows;
    *n = rows ? t->nrows : 0;
    if (!rows)
        return errors;
    errors += schema_require_rows(t, "roles", d);
    int pc_col = schema_find(t, "per_customers") + 1, to_col = schema_find(t, "to") + 1;
    for (size_t i = 0; i < *n; i++) {
        struct role *r = &(*roles)[i];
        if (!isnan(r->per_customers) && !(r->per_customers > 0)) {
            diag_error(d, t->name, r->head.line, pc_col,
                       "per_customers: must be above 0 (one person per this many customers), or left empty");
            errors++;
        }
        if (r->from < 1)
            r->from = 1;
        if (r->to < r->from && to_col > 0) {
            diag_error(d, t->name, r->head.line, to_col, "to: the last month comes before the first (from)");
            errors++;
        }
    }
    return errors;
}

void staff_free(struct role *roles, size_t n)
{
    schema_free(cols, NCOLS, roles, n, sizeof(struct role));
}

void staff_draw(const struct role *r, const double *u, struct role_draw *out)
{
    out->rate_per_month = dist_draw(&r->salary_per_year, u[ROLE_SALARY]) / 12 *
                          dist_draw(&r->overhead, u[ROLE_OVERHEAD]);
    out->growth = 1 + dist_draw(&r->raise, u[ROLE_RAISE]);
}

void staff_eval(const struct role *r, struct role_draw *out)
{
    out->rate_per_month = dist_mean(&r->salary_per_year) / 12 * dist_mean(&r->overhead);
    out->growth = 1 + dist_mean(&r->raise);
}

int staff_months(const struct role *r, int horizon, int *first, int *last)
{
    return calendar_clip(r->from, r->to, horizon, first, last);
}

double staff_heads(const struct role *r, int m, double lagged_customers)
{
    if (m < r->from || m > r->to)
        return 0;
    if (isnan(r->per_customers))
        return r->headcount;
    double needed = infra_ceil(lagged_customers / r->per_customers);
    return needed > r->headcount ? needed : r->headcount;
}

int staff_is_variable(const struct role *r)
{
    return !isnan(r->per_customers);
}
