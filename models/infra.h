/*
 * infra.h - infrastructure, hosting and tooling cost lines (infra.csv).
 *
 * A line costs, in month m within its from..to months (amounts in the
 * model's currency per month):
 *   fixed         cost
 *   per_customer  cost * C(m)
 *   step          cost * max(1, ceil(C(m) / step))
 * each times (1 + escalation)^y(m), y(m) = floor((m - 1) / 12), applied by
 * infra_new_year at each year boundary.  per_customer and step lines move
 * with customers and count in the variable cost per customer.
 */
#ifndef CPC_INFRA_H
#define CPC_INFRA_H

#include <stddef.h>

#include "calendar.h"
#include "diag.h"
#include "dist.h"
#include "schema.h"
#include "table.h"

enum infra_driver { DRIVER_FIXED, DRIVER_PER_CUSTOMER, DRIVER_STEP };

struct infra_line {
    struct row_head head;
    char *item;
    int driver;             /* enum infra_driver */
    struct dist cost;       /* per month, per customer or per block */
    double step;            /* customers per block (step driver) */
    int category;           /* enum category */
    int from, to;           /* months the line applies */
    struct dist escalation; /* yearly price change */
};

enum { INFRA_COST, INFRA_ESCALATION, INFRA_NVALUES };

struct infra_draw {
    double cost;
    double growth; /* 1 + escalation */
};

size_t infra_load(const struct table *t, const struct calendar *cal, struct diag *d,
                  struct infra_line **lines, size_t *n);
void infra_free(struct infra_line *lines, size_t n);

void infra_draw(const struct infra_line *l, const double *u, struct infra_draw *out);
void infra_eval(const struct infra_line *l, struct infra_draw *out);
/* The months 1..H the line applies, FIRST..LAST; 0 when none. */
int infra_months(const struct infra_line *l, int horizon, int *first, int *last);

/* ceil(x) that forgives the rounding of sums of fractions: values within
 * 1e-9 (relative) above a whole number count as that number.  Written
 * without calls: on baseline x86-64, ceil is a library call, and this runs
 * for every step line and staffed role every month. */
static inline double infra_ceil(double x)
{
    if (x >= 0 && x < 4.0e15) { /* customers over a ratio: the case that runs every month */
        double y = x > 1 ? x - 1e-9 * x : x - 1e-9;
        double t = (double)(long long)y; /* towards zero */
        return t < y ? t + 1 : t;
    }
    double mag = x < 0 ? -x : x;
    return __builtin_ceil(x - 1e-9 * (mag > 1 ? mag : 1));
}

/* The blocks a step line pays for with C customers: at least one. */
static inline double infra_blocks(const struct infra_line *l, double customers)
{
    double blocks = infra_ceil(customers / l->step);
    return blocks > 1 ? blocks : 1;
}

#endif
