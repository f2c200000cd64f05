/*
 * deals.c - pipeline.csv, funding.csv and when deals close (see deals.h).
 */
#include "deals.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

#include "mem.h"

static const struct column deal_cols[] = {
    { "deal", COL_TEXT, COL_REQUIRED | COL_KEY, offsetof(struct deal, name), RANGE_ANY, 0, NULL },
    { "month", COL_MONTH, COL_REQUIRED | COL_NO_PAST, offsetof(struct deal, month), RANGE_ANY, 1, NULL },
    { "customers", COL_COUNT, 0, offsetof(struct deal, customers), RANGE_NONNEG, 1, NULL },
    { "plan", COL_TEXT, 0, offsetof(struct deal, plan_name), RANGE_ANY, 0, NULL },
    { "probability", COL_NUMBER, 0, offsetof(struct deal, probability), RANGE_RATE, 1, NULL },
};
#define NDEAL_COLS (sizeof deal_cols / sizeof deal_cols[0])

static const struct column round_cols[] = {
    { "round", COL_TEXT, COL_REQUIRED | COL_KEY, offsetof(struct round, name), RANGE_ANY, 0, NULL },
    { "month", COL_MONTH, COL_REQUIRED | COL_NO_PAST, offsetof(struct round, month), RANGE_ANY, 1, NULL },
    { "amount", COL_VALUE, COL_REQUIRED | COL_UNCERTAIN, offsetof(struct round, amount), RANGE_NONNEG, 0, NULL },
    { "probability", COL_NUMBER, 0, offsetof(struct round, probability), RANGE_RATE, 1, NULL },
};
#define NROUND_COLS (sizeof round_cols / sizeof round_cols[0])

size_t deals_load(const struct table *t, const struct calendar *cal, struct diag *d,
                  const struct plan *plans, size_t nplans, struct deal **deals, size_t *n)
{
    void *rows;
    size_t errors = schema_load(t, deal_cols, NDEAL_COLS, cal, d, &rows, sizeof(struct deal));
    *deals = rows;
    *n = rows ? t->nrows : 0;
    if (!rows)
        return errors;
    int plan_col = schema_find(t, "plan") + 1;
    for (size_t i = 0; i < *n; i++) {
        struct deal *dl = &(*deals)[i];
        dl->plan = 0;
        if (dl->plan_name) {
            int k = plans_find(plans, nplans, dl->plan_name);
            if (k < 0 && nplans) {
                diag_error(d, t->name, dl->head.line, plan_col, "plan: no plan called '%s' in plans.csv",
                           dl->plan_name);
                errors++;
            } else {
                dl->plan = k < 0 ? 0 : k;
            }
        }
    }
    return errors;
}

void deals_free(struct deal *deals, size_t n)
{
    schema_free(deal_cols, NDEAL_COLS, deals, n, sizeof(struct deal));
}

size_t rounds_load(const struct table *t, const struct calendar *cal, struct diag *d,
                   struct round **rounds, size_t *n)
{
    void *rows;
    size_t errors = schema_load(t, round_cols, NROUND_COLS, cal, d, &rows, sizeof(struct round));
    *rounds = rows;
    *n = rows ? t->nrows : 0;
    return errors;
}

void rounds_free(struct round *rounds, size_t n)
{
    schema_free(round_cols, NROUND_COLS, rounds, n, sizeof(struct round));
}

int deals_close_month(const struct deal *dl, double slip, double loss, double u_happen, double u_slip,
                      int horizon)
{
    if (!(u_happen < dl->probability * (1 - loss)))
        return 0;
    double s = 0;
    if (slip >= 1)
        return 0;
    if (slip > 0)
        s = floor(log(u_slip) / log(slip)); /* P(S >= k) = slip^k */
    double month = dl->month + s;
    return month > horizon ? 0 : (int)month;
}

void deals_expect(const struct deal *dl, double slip, double loss, int horizon, double *add, size_t stride)
{
    double weight = dl->customers * dl->probability * (1 - loss) * (1 - slip);
    for (int m = dl->month; m <= horizon && weight != 0; m++) {
        add[(size_t)m * stride] += weight;
        weight *= slip;
    }
}
