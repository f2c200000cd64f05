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
    double factor; /* (1 + escalation)^y for the current year */
};

size_t infra_load(const struct table *t, const struct calendar *cal, struct diag *d,
                  struct infra_line **lines, size_t *n);
void infra_free(struct infra_line *lines, size_t n);

void infra_draw(const struct infra_line *l, const double *u, struct infra_draw *out);
void infra_eval(const struct infra_line *l, struct infra_draw *out);
/* Moves the yearly factor on by one year. */
void infra_new_year(struct infra_draw *dr);
/* The line's cost in month M with C customers at the end of the month. */
double infra_cost_month(const struct infra_line *l, const struct infra_draw *dr, int m, double customers);

/* ceil(x) that forgives the rounding of sums of fractions: values within
 * 1e-9 (relative) above a whole number count as that number. */
double infra_ceil(double x);

#endif
