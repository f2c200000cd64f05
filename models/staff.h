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

#include <math.h>
#include <stddef.h>

#include "models/calendar.h"
#include "models/dist.h"
#include "models/infra.h"

struct role {
    long line;              /* the row's line in staff.csv, for messages */
    char *name;
    double headcount;       /* people regardless of customers */
    double per_customers;   /* one person per this many customers; NAN: none */
    double lag;             /* months from a customer count to its hire */
    struct dist salary_per_year;
    struct dist overhead;   /* multiplier for taxes, benefits, equipment */
    struct dist raise;      /* yearly raise */
    int category;
    int from, to;           /* months the role is staffed (from >= 1) */
};

enum { ROLE_SALARY, ROLE_OVERHEAD, ROLE_RAISE, ROLE_NVALUES };

struct role_draw {
    double rate_per_month; /* salary / 12 * overhead in year 0: a person's loaded monthly cost */
    double growth;         /* 1 + raise: the rate's factor from one year to the next */
};

void staff_draw(const struct role *r, const double *u, struct role_draw *out);
void staff_eval(const struct role *r, struct role_draw *out);
/* The months 1..H the role is staffed, FIRST..LAST; 0 when none. */
int staff_months(const struct role *r, int horizon, int *first, int *last);
/* A person's loaded monthly cost in month M: rate(m). */
double staff_rate(const struct role_draw *d, int m);
/* Non-zero when the role grows with customers. */
static inline int staff_is_variable(const struct role *r)
{
    return !isnan(r->per_customers);
}

/* The month whose customers set the role's headcount in month M: M - lag,
 * or 0 (the start) when that is before the first month. */
static inline int staff_lag_month(const struct role *r, int m)
{
    int back = m - (int)r->lag;
    return back > 0 ? back : 0;
}

/* People in the role in month M, given C(m - lag), the customers lag months
 * before (C(0) when that is before the start).  0 outside from..to. */
static inline double staff_heads(const struct role *r, int m, double lagged_customers)
{
    if (m < r->from || m > r->to)
        return 0;
    if (!staff_is_variable(r))
        return r->headcount;
    double needed = infra_ceil(lagged_customers / r->per_customers);
    return needed > r->headcount ? needed : r->headcount;
}

/* The cost of HEADS people (staff_heads) at RATE (staff_rate) a month. */
static inline double staff_cost(double heads, double rate)
{
    return heads * rate;
}

#endif
