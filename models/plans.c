/*
 * plans.c - scenarios' values, and finding a plan by name (see plans.h).
 */
#include "models/plans.h"

#include <math.h>
#include <string.h>

void scenario_draw(const struct scenario *s, const double *u, struct scenario_draw *out)
{
    out->new_customers = dist_draw(&s->new_customers, u[SCEN_NEW]);
    out->growth = dist_draw(&s->growth, u[SCEN_GROWTH]);
    out->churn = dist_draw(&s->churn, u[SCEN_CHURN]);
    out->slip = dist_draw(&s->deal_slip, u[SCEN_SLIP]);
    out->loss = dist_draw(&s->deal_loss, u[SCEN_LOSS]);
    out->delay = round(dist_draw(&s->deal_delay, u[SCEN_DELAY]));
}

void scenario_eval(const struct scenario *s, struct scenario_draw *out)
{
    out->new_customers = dist_mean(&s->new_customers);
    out->growth = dist_mean(&s->growth);
    out->churn = dist_mean(&s->churn);
    out->slip = dist_mean(&s->deal_slip);
    out->loss = dist_mean(&s->deal_loss);
    out->delay = round(dist_mean(&s->deal_delay));
}

int plans_find(const struct plan *plans, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(plans[i].name ? plans[i].name : "", name))
            return (int)i;
    return -1;
}
