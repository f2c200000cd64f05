/*
 * staff.c - the people in a role and what they cost (see staff.h).
 */
#include "models/staff.h"

#include <math.h>

#include "models/infra.h"

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

double staff_rate(const struct role_draw *d, int m)
{
    return calendar_escalate(d->rate_per_month, d->growth, m);
}
