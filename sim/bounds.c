/*
 * bounds.c - the largest amounts a model can reach (see bounds.h).
 *
 * Each bound is a product of factors, each at its largest: a cell's top
 * draw (dist_top), the customers a path can have (every starting customer
 * and deal, plus each month's arrivals at the top draws of new_customers
 * and growth, capped where the sampler caps them), the blocks or people
 * those customers make, the yearly factor of an escalation or raise after
 * the horizon's last whole year, and the months of the horizon.  A bound
 * above BOUNDS_FIGURE_MAX is reported at the cell of its largest factor,
 * with every factor spelled out, so that the user sees which number to fix.
 */
#include "sim/bounds.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "models/calendar.h"
#include "sim/sampler.h"

struct factor {
    double value;
    const char *column; /* the cell it comes from; NULL: none of the row's (customers, months) */
    char text[96];      /* how the message spells it */
};

/* Reports the amount WHAT of row LINE of file FILE of M, the product of the
 * N factors F, when it exceeds BOUNDS_FIGURE_MAX; returns the number of
 * errors (0 or 1). */
static size_t check_amount(const struct model *m, enum model_file file, long line, const char *what,
                           const struct factor *f, size_t n, struct diag *d)
{
    double total = 1;
    size_t culprit = n;
    for (size_t i = 0; i < n; i++) {
        total *= f[i].value;
        if (f[i].column && (culprit == n || f[i].value > f[culprit].value))
            culprit = i;
    }
    if (total <= BOUNDS_FIGURE_MAX)
        return 0;
    char terms[512];
    size_t used = 0;
    terms[0] = '\0';
    for (size_t i = 0; i < n && used < sizeof terms; i++)
        if (i == 0 || f[i].value != 1) /* a factor of 1 (no escalation) says nothing */
            used += (size_t)snprintf(terms + used, sizeof terms - used, "%s%s", i ? " x " : "", f[i].text);
    char reach[64];
    if (isfinite(total))
        snprintf(reach, sizeof reach, "%.3g", total);
    else
        snprintf(reach, sizeof reach, "more than a double holds (%.3g)", DBL_MAX);
    int col = culprit < n ? model_column(m, file, f[culprit].column) : 0;
    char path[4096];
    model_file_path(m, file, path, sizeof path);
    diag_error(d, path, line, col, "%s: %s can reach %s (%s), beyond the %g cpcsim computes with; "
               "is the number too large?",
               culprit < n ? f[culprit].column : what, what, reach, terms, BOUNDS_FIGURE_MAX);
    return 1;
}

/* The factor a yearly change of top draw TOP makes over YEARS whole years
 * (at least 1: a fall only shrinks amounts). */
static double yearly_factor(double top, int years)
{
    return top > 0 ? pow(1 + top, years) : 1;
}

/* The largest customer count a path of scenario S can reach, with START
 * customers at first and up to DEALS from the pipeline; with WARN, warns
 * when its arrivals can pass SAMPLER_MAX_MEAN a month. */
static double scenario_customers(const struct model *m, const struct scenario *s, double start, double deals,
                                 int warn, struct diag *d)
{
    const int months = m->cal.months;
    double nc = dist_top(&s->new_customers), g = dist_top(&s->growth);
    double per_month = g > 0 ? 1 + g : 1, rate = nc, total = start + deals;
    int first_capped = 0;
    for (int mo = 1; mo <= months; mo++) {
        if (mo > 1)
            rate *= per_month;
        if (rate > SAMPLER_MAX_MEAN && !first_capped)
            first_capped = mo;
        /* a Poisson draw stays below twice its mean plus 50 with
         * probability 1 - 1e-20 at any mean (Chernoff) */
        total += rate > 0 ? 2 * fmin(rate, SAMPLER_MAX_MEAN) + 50 : 0;
    }
    if (first_capped && warn) {
        /* the share of paths whose rate passes the cap by the last month:
         * no more than those with the growth that takes the top
         * new_customers there, nor than those with the new_customers that
         * the top growth takes there */
        double years = months - 1, share_g = 1, share_nc;
        if (years > 0 && nc > 0)
            share_g = dist_mass_above(&s->growth, pow(SAMPLER_MAX_MEAN / nc, 1 / years) - 1);
        share_nc = dist_mass_above(&s->new_customers, SAMPLER_MAX_MEAN / pow(per_month, years));
        double share = fmin(share_g, share_nc);
        int growth_col = model_column(m, MF_SCENARIOS, "growth");
        int on_growth = g > 0 && growth_col > 0;
        char path[4096];
        model_file_path(m, MF_SCENARIOS, path, sizeof path);
        diag_warn(d, path, s->line, on_growth ? growth_col : model_column(m, MF_SCENARIOS, "new_customers"),
                  "%s: at its highest draws (new_customers %.3g, growth %.3g), arrivals pass %g a month, the most "
                  "cpcsim draws, from month %d; at most %.2g%% of paths get there, and their arrivals are capped "
                  "at %g a month",
                  on_growth ? "growth" : "new_customers", nc, g, SAMPLER_MAX_MEAN, first_capped, 100 * share,
                  SAMPLER_MAX_MEAN);
    }
    return total;
}

/* A factor of value V, spelled BEFORE V AFTER. */
static struct factor factor(double v, const char *column, const char *before, const char *after)
{
    struct factor f = { v, column, "" };
    snprintf(f.text, sizeof f.text, "%s%.3g%s", before, v, after);
    return f;
}

/* The customers-per-block or customers-per-person DIVISOR of row LINE of
 * file FILE of M: the count it makes of CUSTOMERS must be computable.
 * Returns the count (at least 1), or 0 after reporting the cell. */
static double count_of(const struct model *m, enum model_file file, long line, const char *column, double customers,
                       double divisor, const char *unit, size_t *errors, struct diag *d)
{
    double count = ceil(customers / divisor);
    if (count <= BOUNDS_FIGURE_MAX)
        return count > 1 ? count : 1;
    char made[64];
    if (isfinite(count))
        snprintf(made, sizeof made, "%.3g", count);
    else
        snprintf(made, sizeof made, "more than a double holds (%.3g)", DBL_MAX);
    char path[4096];
    model_file_path(m, file, path, sizeof path);
    diag_error(d, path, line, model_column(m, file, column),
               "%s: up to %.3g customers (the most a path can reach) in %s of %g make %s, beyond the %g "
               "cpcsim computes with; is the number too small?",
               column, customers, unit, divisor, made, BOUNDS_FIGURE_MAX);
    (*errors)++;
    return 0;
}

size_t bounds_check(const struct model *m, const struct model_cell_id *edited, size_t nedited, struct diag *d)
{
    const int months = m->cal.months, years = calendar_year(months);
    size_t errors = 0;
    if (fabs(m->cash) > BOUNDS_FIGURE_MAX || fabs(m->min_cash) > BOUNDS_FIGURE_MAX) {
        int cash = fabs(m->cash) > BOUNDS_FIGURE_MAX;
        const long *at = cash ? m->cash_at : m->min_cash_at;
        char path[4096];
        model_file_path(m, MF_COMPANY, path, sizeof path);
        diag_error(d, path, at[0], at[1], "%s: %.3g is beyond the %g cpcsim computes with", cash ? "cash" : "min_cash",
                   cash ? m->cash : m->min_cash, BOUNDS_FIGURE_MAX);
        errors++;
    }
    double start = 0, deals = 0, customers = 0;
    for (size_t i = 0; i < m->nplans; i++)
        start += m->plans[i].customers;
    for (size_t i = 0; i < m->ndeals; i++)
        deals += m->deals[i].customers;
    for (size_t i = 0; i < m->nscenarios; i++)
        customers = fmax(customers, scenario_customers(m, &m->scenarios[i], start, deals,
                                                          model_check_wants(edited, nedited, MF_SCENARIOS, i, -1), d));
    struct factor f[5];
    const struct factor horizon = factor(months, NULL, "", " months");
    const struct factor people = factor(customers, NULL, "", " customers");
    for (size_t i = 0; i < m->nplans; i++) {
        const struct plan *p = &m->plans[i];
        f[0] = factor(dist_top(&p->price), "price", "up to ", " a customer a month");
        f[1] = people;
        f[2] = horizon;
        errors += check_amount(m, MF_PLANS, p->line, "the plan's revenue", f, 3, d);
    }
    for (size_t i = 0; i < m->ninfra; i++) {
        const struct infra_line *l = &m->infra[i];
        size_t n = 0;
        f[n++] = factor(dist_top(&l->cost), "cost", "up to ", "");
        if (l->driver == DRIVER_PER_CUSTOMER) {
            f[n++] = people;
        } else if (l->driver == DRIVER_STEP) {
            double blocks = count_of(m, MF_INFRA, l->line, "step", customers, l->step, "blocks", &errors, d);
            if (!blocks)
                continue;
            f[n++] = factor(blocks, "step", "", " blocks");
        }
        f[n++] = factor(yearly_factor(dist_top(&l->escalation), years), "escalation", "", " from escalation");
        f[n++] = horizon;
        errors += check_amount(m, MF_INFRA, l->line, "the line's cost", f, n, d);
    }
    for (size_t i = 0; i < m->nroles; i++) {
        const struct role *r = &m->roles[i];
        double heads = r->headcount;
        if (!isnan(r->per_customers)) {
            double by_customers = count_of(m, MF_STAFF, r->line, "per_customers", customers, r->per_customers,
                                           "teams", &errors, d);
            if (!by_customers)
                continue;
            heads = fmax(heads, by_customers);
        }
        f[0] = factor(heads, r->per_customers > 0 ? "per_customers" : "headcount", "", " people");
        f[1] = factor(dist_top(&r->salary_per_year) / 12, "salary", "up to ", " a month");
        f[2] = factor(dist_top(&r->overhead), "overhead", "overhead up to ", "");
        f[3] = factor(yearly_factor(dist_top(&r->raise), years), "raise", "", " from raises");
        f[4] = horizon;
        errors += check_amount(m, MF_STAFF, r->line, "the role's cost", f, 5, d);
    }
    for (size_t i = 0; i < m->nfeatures; i++) {
        const struct feature *ft = &m->features[i];
        if (ft->role >= 0 && (size_t)ft->role < m->nroles) {
            const struct role *r = &m->roles[ft->role];
            f[0] = factor(dist_top(&ft->effort), "effort", "up to ", " person-months");
            f[1] = factor(dist_top(&r->salary_per_year) / 12 * dist_top(&r->overhead) *
                              yearly_factor(dist_top(&r->raise), years),
                          NULL, "up to ", " a person-month");
            errors += check_amount(m, MF_FEATURES, ft->line, "the feature's build", f, 2, d);
        }
        f[0] = factor(dist_top(&ft->run_cost), "run_cost", "up to ", " a month");
        f[1] = horizon;
        errors += check_amount(m, MF_FEATURES, ft->line, "the feature's running cost", f, 2, d);
        f[0] = factor(dist_top(&ft->run_cost_per_customer), "run_cost_per_customer", "up to ", " a customer");
        f[1] = people;
        f[2] = horizon;
        errors += check_amount(m, MF_FEATURES, ft->line, "the feature's running cost", f, 3, d);
    }
    for (size_t i = 0; i < m->nrounds; i++) {
        f[0] = factor(dist_top(&m->rounds[i].amount), "amount", "up to ", "");
        errors += check_amount(m, MF_FUNDING, m->rounds[i].line, "the round", f, 1, d);
    }
    return errors;
}
