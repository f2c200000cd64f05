/*
 * goal.c - the value of an input at which a target is met (see goal.h).
 */
#include "sim/goal.h"

#include <math.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_roots.h>

#include "sim/mem.h"
#include "sim/metrics.h"
#include "sim/report.h"
#include "sim/sweep.h"

/* Every evaluation made: GSL's solver asks again for points it has (the
 * ends), and they are answered from here. */
struct search {
    struct model *m;
    struct vary *v;
    const struct goal_ask *ask;
    const struct run_options *o;
    enum status st;
    size_t n;
    double x[GOAL_MAX_EVALUATIONS], y[GOAL_MAX_EVALUATIONS], se[GOAL_MAX_EVALUATIONS];
};

/* The statistic at X (NAN once a run failed: S->st says why). */
static double evaluate(struct search *s, double x, size_t *at)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->x[i] == x) {
            if (at)
                *at = i;
            return s->y[i];
        }
    if (s->st != ST_OK)
        return NAN;
    vary_apply_number(s->v, s->m, x);
    struct results *r = NULL;
    s->st = engine_run(s->m, s->o, &r);
    vary_restore(s->v, s->m);
    if (s->st != ST_OK)
        return NAN;
    const struct stat_row *row = &r->summary[s->ask->metric];
    s->x[s->n] = x;
    s->y[s->n] = sweep_stat_of(row, s->ask->stat);
    s->se[s->n] = s->ask->stat < 0 ? row->mc_se : NAN;
    results_free(r);
    if (at)
        *at = s->n;
    return s->y[s->n++];
}

static double distance_to_target(double x, void *ctx)
{
    struct search *s = ctx;
    return evaluate(s, x, NULL) - s->ask->target;
}

/* The Monte Carlo error of the value X found (evaluation AT): the metric's
 * error over the slope between the evaluations nearest X on either side,
 * at least 1% of the range away from it when there are such (a slope
 * across a bracket narrower than that is mostly the steps that a finite
 * number of paths makes). */
static double value_error(const struct search *s, size_t at)
{
    double x = s->x[at], far = 0.01 * (s->ask->hi - s->ask->lo);
    long below = -1, above = -1, near_below = -1, near_above = -1;
    for (size_t i = 0; i < s->n; i++) {
        double dx = s->x[i] - x;
        if (dx < 0 && (near_below < 0 || s->x[i] > s->x[near_below]))
            near_below = (long)i;
        if (dx > 0 && (near_above < 0 || s->x[i] < s->x[near_above]))
            near_above = (long)i;
        if (dx <= -far && (below < 0 || s->x[i] > s->x[below]))
            below = (long)i;
        if (dx >= far && (above < 0 || s->x[i] < s->x[above]))
            above = (long)i;
    }
    long a = below >= 0 ? below : near_below >= 0 ? near_below : (long)at;
    long b = above >= 0 ? above : near_above >= 0 ? near_above : (long)at;
    if (a == b)
        return NAN;
    double slope = (s->y[b] - s->y[a]) / (s->x[b] - s->x[a]);
    double se = s->se[at];
    if (!(fabs(slope) > 0) || isnan(se))
        return NAN;
    return se / fabs(slope);
}

enum status goal_seek(struct model *m, struct vary *v, const struct goal_ask *ask, const struct run_options *o,
                      struct goal *out)
{
    struct search *s = mem_calloc(1, sizeof *s);
    if (!s)
        return ST_NOMEM;
    *s = (struct search){ .m = m, .v = v, .ask = ask, .o = o, .st = ST_OK };
    size_t lo_at = 0, hi_at = 0, at;
    double f_lo = evaluate(s, ask->lo, &lo_at) - ask->target;
    double f_hi = evaluate(s, ask->hi, &hi_at) - ask->target;
    enum status st = s->st;
    *out = (struct goal){ .mc_se = NAN };
    if (st == ST_OK && (isnan(f_lo) || isnan(f_hi) || (f_lo > 0) == (f_hi > 0)) && f_lo != 0 && f_hi != 0) {
        /* not bracketed: the closest end (an end where the figure is undefined is never closer) */
        at = isnan(f_hi) || (!isnan(f_lo) && fabs(f_lo) <= fabs(f_hi)) ? lo_at : hi_at;
        *out = (struct goal){ s->x[at], NAN, s->y[at], 0, (unsigned)s->n };
    } else if (st == ST_OK && (f_lo == 0 || f_hi == 0)) {
        at = f_lo == 0 ? lo_at : hi_at;
        *out = (struct goal){ s->x[at], value_error(s, at), s->y[at], 1, (unsigned)s->n };
    } else if (st == ST_OK) {
        gsl_root_fsolver solver = { .type = gsl_root_fsolver_brent };
        if (!(solver.state = mem_alloc(gsl_root_fsolver_brent->size)))
            st = ST_NOMEM;
        gsl_function fn = { distance_to_target, s };
        if (st == ST_OK && gsl_root_fsolver_set(&solver, &fn, ask->lo, ask->hi) != GSL_SUCCESS)
            st = s->st != ST_OK ? s->st : ST_SOFTWARE;
        double root = ask->lo;
        while (st == ST_OK) {
            int status = gsl_root_fsolver_iterate(&solver);
            if (s->st != ST_OK || status != GSL_SUCCESS) {
                st = s->st != ST_OK ? s->st : ST_SOFTWARE;
                break;
            }
            root = gsl_root_fsolver_root(&solver);
            double a = gsl_root_fsolver_x_lower(&solver), b = gsl_root_fsolver_x_upper(&solver);
            /* within 1% of the value, or, for a value at 0, of a millionth of the range */
            if (evaluate(s, root, NULL) == ask->target || s->n == GOAL_MAX_EVALUATIONS ||
                gsl_root_test_interval(a, b, 1e-6 * (ask->hi - ask->lo), GOAL_TOLERANCE) == GSL_SUCCESS)
                break;
        }
        mem_free(solver.state);
        if (st == ST_OK) {
            evaluate(s, root, &at);
            *out = (struct goal){ root, value_error(s, at), s->y[at], 1, (unsigned)s->n };
        }
    }
    mem_free(s);
    return st;
}

int goal_report(FILE *f, const struct vary *v, const struct goal_ask *ask, const struct goal *g)
{
    char metric[96];
    sweep_metric_name(ask->metric, ask->stat, metric, sizeof metric);
    fputs("input,value,mc_se,metric,target,achieved,reached,evaluations\n", f);
    report_text(f, v->name);
    fputc(',', f);
    report_number(f, g->value);
    fputc(',', f);
    report_number(f, g->mc_se);
    fprintf(f, ",%s,", metric);
    report_number(f, ask->target);
    fputc(',', f);
    report_number(f, g->achieved);
    fprintf(f, ",%s,%u\n", g->reached ? "yes" : "no", g->evaluations);
    return ferror(f) ? -1 : 0;
}
