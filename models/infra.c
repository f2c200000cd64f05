/*
 * infra.c - the cost of an infrastructure line in a month (see infra.h).
 */
#include "models/infra.h"

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

double infra_amount(const struct infra_draw *d, int m)
{
    return calendar_escalate(d->cost, d->growth, m);
}
