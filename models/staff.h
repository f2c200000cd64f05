/*
 * staff.h - roles and their cost (staff.csv).
 *
 * Within from..to, a role has heads(m) = max(headcount,
 * ceil(C(m - lag) / per_customers)) people (C(k) = C(0) for k <= 0; the
 * ratio only when per_customers is set), each costing
 * rate(m) = salary / 12 * overhead * (1 + raise)^y(m) a month.  The rate also
 * prices feature effort done by the role, in any month.  Salaries are yearly.
 */
#ifndef CPC_STAFF_H
#define CPC_STAFF_H

#include <stddef.h>

#include "calendar.h"
#include "diag.h"
#include "dist.h"
#include "schema.h"
#include "table.h"

struct role {
    struct row_head head;
    char *name;
    double headcount;       /* people regardless of customers */
    double per_customers;   /* one person per this many customers; NAN: none */
    double lag;             /* months from a customer count to its hire */
    struct dist salary_per_year;
    struct dist overhead;   /* multiplier for taxes, benefits, equipment */
    struct dist raise;      /* yearly raise */
    int category;
    int from, to;
};

enum { ROLE_SALARY, ROLE_OVERHEAD, ROLE_RAISE, ROLE_NVALUES };

struct role_draw {
    double rate_per_month; /* salary / 12 * overhead in year 0: a person's loaded monthly cost */
    double growth;         /* 1 + raise: the rate's factor from one year to the next */
};

size_t staff_load(const struct table *t, const struct calendar *cal, struct diag *d,
                  struct role **roles, size_t *n);
void staff_free(struct role *roles, size_t n);

void staff_draw(const struct role *r, const double *u, struct role_draw *out);
void staff_eval(const struct role *r, struct role_draw *out);
/* The months 1..H the role is staffed, FIRST..LAST; 0 when none. */
int staff_months(const struct role *r, int horizon, int *first, int *last);
/* People in the role in month M, given C(m - lag), the customers lag months
 * before (C(0) when that is before the start).  0 outside from..to. */
double staff_heads(const struct role *r, int m, double lagged_customers);
/* Non-zero when the role grows with customers. */
int staff_is_variable(const struct role *r);

#endif
