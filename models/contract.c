/*
 * contract.c - what a custom contract brings and costs (see contract.h).
 */
#include "models/contract.h"

void contract_draw(const struct contract *c, const double *u, struct contract_draw *out)
{
    out->custom_effort = dist_draw(&c->custom_effort, u[CONTRACT_EFFORT]);
    out->support_hours = dist_draw(&c->support_hours, u[CONTRACT_SUPPORT]);
    out->onboarding = dist_draw(&c->onboarding, u[CONTRACT_ONBOARDING]);
}

void contract_eval(const struct contract *c, struct contract_draw *out)
{
    out->custom_effort = dist_mean(&c->custom_effort);
    out->support_hours = dist_mean(&c->support_hours);
    out->onboarding = dist_mean(&c->onboarding);
}

int contract_end(const struct contract *c)
{
    return c->start + c->term - 1;
}

int contract_runs(const struct contract *c, int m)
{
    return m >= c->start && m <= contract_end(c);
}

double contract_customers(const struct contract *c, int m)
{
    return contract_runs(c, m) ? c->customers : 0;
}

double contract_revenue(const struct contract *c, int m)
{
    return contract_runs(c, m) ? c->customers * (c->price * (1 - c->discount)) : 0;
}

size_t contract_nlines(const struct contract *c)
{
    return 2 * c->nbuilt + 3;
}

enum contract_line contract_line(const struct contract *c, size_t l, size_t *feature)
{
    *feature = 0;
    if (l < 2 * c->nbuilt) {
        *feature = c->built[l / 2];
        return l % 2 ? CONTRACT_LINE_RUN : CONTRACT_LINE_BUILD;
    }
    l -= 2 * c->nbuilt;
    return l == 0 ? CONTRACT_LINE_EFFORT : l == 1 ? CONTRACT_LINE_SUPPORT : CONTRACT_LINE_ONBOARDING;
}

double contract_build_cost(const struct contract *c, const struct feature *f, const struct feature_draw *fd, int m,
                           double rate)
{
    if (f->role < 0 || !(f->build_months > 0) || m < c->start || m >= c->start + (int)f->build_months ||
        m > contract_end(c))
        return 0;
    return fd->effort * rate / f->build_months;
}

int contract_feature_runs(const struct contract *c, const struct feature *f, int m)
{
    return m >= c->start + (int)f->build_months && m <= contract_end(c);
}

double contract_effort_cost(const struct contract *c, const struct contract_draw *d, int m, double rate)
{
    return c->effort_role >= 0 && m == c->start ? d->custom_effort * rate : 0;
}

double contract_support_cost(const struct contract *c, const struct contract_draw *d, int m, double rate)
{
    return c->support_role >= 0 && contract_runs(c, m) ? d->support_hours * rate / CONTRACT_HOURS_A_MONTH : 0;
}

double contract_onboarding_cost(const struct contract *c, const struct contract_draw *d, int m)
{
    return m == c->start ? d->onboarding : 0;
}
