/*
 * infra.h - infrastructure, hosting and tooling cost lines (infra.csv).
 *
 * A line costs, in month m within its from..to months (amounts in the
 * model's currency per month):
 *   fixed         amount
 *   per_customer  amount * C(m)
 *   step          amount * max(1, ceil(C(m) / step))
 * where amount = cost * (1 + escalation)^y(m), y(m) = floor((m - 1) / 12)
 * (calendar_escalate).  per_customer and step lines move with customers and
 * count in the variable cost per customer.
 */
#ifndef CPC_INFRA_H
#define CPC_INFRA_H

#include <stddef.h>

#include "models/calendar.h"
#include "models/dist.h"

enum infra_driver { DRIVER_FIXED, DRIVER_PER_CUSTOMER, DRIVER_STEP };

struct infra_line {
    long line;              /* the row's line in infra.csv, for messages */
    char *item;
    int driver;             /* enum infra_driver */
    struct dist cost;       /* per month, per customer or per block */
    double step;            /* customers per block (step driver) */
    int category;           /* enum category */
    int from, to;           /* months the line applies (from >= 1) */
    struct dist escalation; /* yearly price change */
};

enum { INFRA_COST, INFRA_ESCALATION, INFRA_NVALUES };

/* A line's values on one path (or, from infra_eval, in the plan). */
struct infra_draw {
    double cost;
    double growth; /* 1 + escalation */
};

/* Draws a line's values from U[INFRA_NVALUES] uniforms in (0,1). */
void infra_draw(const struct infra_line *l, const double *u, struct infra_draw *out);
/* The plan's values: each at the mean of its distribution as written. */
void infra_eval(const struct infra_line *l, struct infra_draw *out);

/* The months 1..H the line applies, FIRST..LAST; 0 when none. */
int infra_months(const struct infra_line *l, int horizon, int *first, int *last);
/* Non-zero when month M is within the line's from..to. */
static inline int infra_applies(const struct infra_line *l, int m)
{
    return m >= l->from && m <= l->to;
}

/* The line's amount in month M's year: cost * (1 + escalation)^y(M). */
double infra_amount(const struct infra_draw *d, int m);

/* ceil(x) that forgives the rounding of sums of fractions: values within
 * 1e-9 (relative) above a whole number count as that number.  Written
 * without calls: on baseline x86-64, ceil is a library call, and this runs
 * for every step line and staffed role every month. */
static inline double infra_ceil(double x)
{
    if (x >= 0 && x < 4.0e15) { /* customers over a ratio: the case that runs every month */
        const double big = 0x1p52;
        double y = x - 1e-9 * (x > 1 ? x : 1); /* a maximum, not a branch */
        /* y rounded to a whole number (adding and taking away 2^52 does
         * that for y from -1 to 2^52), then up by one when below y: ceil(y)
         * with no branch, which would go one way or the other with the
         * data */
        double r = (y + big) - big;
        return r + (double)(y > r);
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

/*
 * The line's cost in month M with C customers, given AMOUNT (infra_amount):
 * 0 outside from..to, else AMOUNT for a fixed line, AMOUNT * C per
 * customer, AMOUNT * infra_blocks(C) for a step line.
 */
static inline double infra_cost(const struct infra_line *l, double amount, int m, double customers)
{
    if (!infra_applies(l, m))
        return 0;
    switch (l->driver) {
    case DRIVER_PER_CUSTOMER: return amount * customers;
    case DRIVER_STEP: return amount * infra_blocks(l, customers);
    default: return amount;
    }
}

#endif
