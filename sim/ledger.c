/*
 * ledger.c - the plan's and one path's month by month audit trail (see
 * ledger.h).
 */
#include "sim/ledger.h"

#include <math.h>

#include "models/category.h"
#include "sim/correl.h"
#include "sim/design.h"
#include "sim/path.h"
#include "sim/report.h"

struct ledger_out {
    FILE *f;
    const struct model *m;
    const char *scenario;
    uint64_t path; /* 0: the plan */
};

/* The start of a row: scenario, [path,] month and date. */
static void row_start(const struct ledger_out *o, int month)
{
    char date[16];
    calendar_format(&o->m->cal, month, date, sizeof date);
    report_text(o->f, o->scenario);
    if (o->path)
        fprintf(o->f, ",%llu", (unsigned long long)o->path);
    fprintf(o->f, ",%d,%s,", month, date);
}

static void row(const struct ledger_out *o, int month, const char *line, const char *kind, const char *category,
                double amount)
{
    row_start(o, month);
    report_text(o->f, line);
    fprintf(o->f, ",%s,%s,", kind, category);
    report_number(o->f, amount);
    fputc('\n', o->f);
}

static void month_rows(void *ctx, int month, const double *fig, const double *revenue, const double *line_cost)
{
    const struct ledger_out *o = ctx;
    const struct model *m = o->m;
    for (size_t p = 0; p < m->nplans; p++)
        row(o, month, m->plans[p].name, "revenue", "", revenue[p]);
    const size_t L = path_nlines(m);
    for (size_t l = 0; l < L; l++) {
        const char *kind, *name;
        int category, exists;
        path_line_info(m, l, &kind, &name, &category, &exists);
        if (exists)
            row(o, month, name, kind, category_names[category], line_cost[l]);
    }
    row(o, month, "revenue", "total", "", fig[MM_REVENUE]);
    row(o, month, "cost", "total", "", fig[MM_COST]);
    row(o, month, "cogs", "total", "", fig[MM_COGS]);
    row(o, month, "cash", "total", "", fig[MM_CASH]);
}

enum status ledger_write_plan(FILE *f, const struct model *m, const size_t *scenarios, size_t nscenarios)
{
    struct path *p = path_new(m);
    if (!p)
        return ST_NOMEM;
    fputs("scenario,month,date,line,kind,category,amount\n", f);
    struct ledger_out o = { f, m, NULL, 0 };
    const struct path_ledger sink = { month_rows, &o };
    path_eval_shared(p);
    for (size_t s = 0; s < nscenarios; s++) {
        o.scenario = m->scenarios[scenarios[s]].name;
        path_eval_scenario(p, scenarios[s]);
        path_simulate(p, PATH_PLAN, 0, 0, &sink);
    }
    path_free(p);
    return ferror(f) ? ST_IOERR : ST_OK;
}

enum status ledger_write_path(FILE *f, const struct model *m, const size_t *scenarios, size_t nscenarios,
                              uint64_t seed, int sampling, uint64_t k)
{
    struct path *p = path_new(m);
    struct design *d = NULL; /* as the engine: none for plain Monte Carlo */
    if (p && sampling != SAMPLING_MC)
        d = design_new((enum sampling)sampling, seed, path_dimensions(p));
    if (!p || (sampling != SAMPLING_MC && !d)) {
        path_free(p);
        return ST_NOMEM;
    }
    path_set_design(p, d);
    struct correl *c = NULL; /* as the engine: path K's block correlated as the run's */
    struct correl_block *cb = NULL;
    if (correl_new(m, p, &c) != ST_OK || (c && !(cb = correl_block_new(c)))) {
        correl_free(c);
        path_free(p);
        design_free(d);
        return ST_NOMEM;
    }
    path_set_correl(p, cb);
    fputs("scenario,path,month,date,line,kind,category,amount\n", f);
    struct ledger_out o = { f, m, NULL, k };
    const struct path_ledger sink = { month_rows, &o };
    path_draw_shared(p, seed, k - 1); /* the engine numbers paths from 0 */
    for (size_t s = 0; s < nscenarios; s++) {
        o.scenario = m->scenarios[scenarios[s]].name;
        path_draw_scenario(p, scenarios[s]);
        path_simulate(p, PATH_RANDOM, seed, k - 1, &sink);
    }
    correl_block_free(cb);
    correl_free(c);
    path_free(p);
    design_free(d);
    return ferror(f) ? ST_IOERR : ST_OK;
}
