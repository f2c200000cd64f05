/*
 * scope.c - the smallest feature scope that fits a price (see scope.h).
 */
#include "sim/term.h"
#include "sim/scope.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/month.h"
#include "sim/mem.h"
#include "sim/report.h"

/* The variants of one batch of scopes: each switches features off in place. */
struct batch {
    unsigned char *off;                   /* [SCOPE_BATCH * nfeatures] */
    struct month_variant *v;              /* [SCOPE_BATCH] */
    const struct month_variant **variants; /* [SCOPE_BATCH + 1]: the full scope (NULL), then v */
};

/* Runs the full scope (position 0) and the N scopes that switch off, for J
 * from 0 to N - 1, the feature of row B + J (ALONE) or those of rows 0 to
 * B + J, all of ASK's scenario on BASE's paths, comparing each scope's cost
 * per customer of the plan with the full scope's. */
static enum status run_scopes(const struct model *m, const struct scope *s, const struct run_options *base,
                              const struct batch *w, size_t b, size_t n, int alone, struct results **r)
{
    const size_t nf = m->nfeatures;
    size_t scenarios[SCOPE_BATCH + 1];
    memset(w->off, 0, SCOPE_BATCH * nf);
    scenarios[0] = s->ask.scenario;
    for (size_t j = 0; j < n; j++) {
        for (size_t k = alone ? b + j : 0; k <= b + j; k++)
            w->off[j * nf + s->rows[k].feature] = 1;
        w->v[j] = (struct month_variant){ 0, w->off + j * nf };
        w->variants[j + 1] = &w->v[j];
        scenarios[j + 1] = s->ask.scenario;
    }
    static const int metric[1] = { SM_CPC_PLAN }, worse[1] = { -1 };
    struct run_options o = *base;
    o.scenarios = scenarios;
    o.nscenarios = n + 1;
    o.variants = w->variants;
    o.baseline = 0;
    o.compare_metric = metric;
    o.compare_worse = worse;
    o.compare_threshold = NULL;
    o.ncompare = 1;
    o.quantile_extra = s->ask.confidence;
    return engine_run(m, &o, r);
}

/* Droppable features first, then the must-haves; each most costly first (a
 * contribution that cannot be told last), then in file order. */
static int dropping_order(const void *a, const void *b)
{
    const struct scope_row *x = a, *y = b;
    if (x->must_have != y->must_have)
        return x->must_have - y->must_have;
    const int xn = isnan(x->contribution), yn = isnan(y->contribution);
    if (xn != yn)
        return xn - yn;
    if (!xn && x->contribution != y->contribution)
        return x->contribution < y->contribution ? 1 : -1;
    return (x->feature > y->feature) - (x->feature < y->feature);
}

/* The plan's features switched off alone, in batches (one, of the full
 * scope alone, when the plan has none): each one's contribution; the full
 * scope's figures from the first batch. */
static enum status contributions(const struct model *m, struct scope *s, const struct run_options *base,
                                 const struct batch *w)
{
    size_t b = 0;
    do {
        const size_t n = s->nrows - b < SCOPE_BATCH ? s->nrows - b : SCOPE_BATCH;
        struct results *r;
        enum status st = run_scopes(m, s, base, w, b, n, 1, &r);
        if (st != ST_OK)
            return st;
        if (b == 0) {
            s->cpc_all = r->summary[SM_CPC_PLAN].q_extra;
            s->cpc_plan = r->summary[SM_CPC_PLAN].plan;
            s->paths = r->paths;
        }
        for (size_t j = 0; j < n; j++) {
            const struct stat_row *d = &r->compare[(j + 1) * r->ncompare]; /* without it minus with it */
            s->rows[b + j].contribution = -d->mean;
            s->rows[b + j].contribution_p90 = -d->q[Q_P10];
        }
        results_free(r);
        b += n;
    } while (b < s->nrows);
    return ST_OK;
}

/* The droppable features (the first DROPPABLE rows) switched off one more
 * at a time, in batches: the cost per customer at the confidence quantile
 * after each. */
static enum status cumulative(const struct model *m, struct scope *s, size_t droppable, const struct run_options *base,
                              const struct batch *w)
{
    for (size_t b = 0; b < droppable; b += SCOPE_BATCH) {
        const size_t n = droppable - b < SCOPE_BATCH ? droppable - b : SCOPE_BATCH;
        struct results *r;
        enum status st = run_scopes(m, s, base, w, b, n, 0, &r);
        if (st != ST_OK)
            return st;
        for (size_t j = 0; j < n; j++)
            s->rows[b + j].cpc_after = r->summary[(j + 1) * SM_COUNT + SM_CPC_PLAN].q_extra;
        results_free(r);
    }
    return ST_OK;
}

enum status scope_find(struct model *m, const struct scope_ask *ask, const struct run_options *base,
                       struct scope **out)
{
    *out = NULL;
    struct scope *s = mem_calloc(1, sizeof *s);
    const size_t nf = m->nfeatures;
    const struct batch w = { mem_calloc(SCOPE_BATCH * (nf ? nf : 1), 1), mem_calloc(SCOPE_BATCH, sizeof *w.v),
                             mem_calloc(SCOPE_BATCH + 1, sizeof *w.variants) };
    if (s)
        s->rows = mem_calloc(nf + 1, sizeof *s->rows);
    if (!s || !s->rows || !w.off || !w.v || !w.variants) {
        scope_free(s);
        mem_free(w.off);
        mem_free(w.v);
        mem_free(w.variants);
        return ST_NOMEM;
    }
    s->ask = *ask;
    s->target = ask->price * (1 - ask->margin);
    size_t droppable = 0;
    for (size_t i = 0; i < nf; i++) {
        const struct feature *f = &m->features[i];
        if (f->for_contracts || !(f->all_plans || f->on_plan[ask->plan]))
            continue;
        s->rows[s->nrows++] = (struct scope_row){ i, !f->optional, NAN, NAN, 1, NAN };
        droppable += f->optional != 0;
    }
    const int saved = m->cpc_plan;
    m->cpc_plan = (int)ask->plan;
    enum status st = contributions(m, s, base, &w);
    if (st == ST_OK) {
        qsort(s->rows, s->nrows, sizeof *s->rows, dropping_order);
        st = cumulative(m, s, droppable, base, &w);
    }
    m->cpc_plan = saved;
    mem_free(w.off);
    mem_free(w.v);
    mem_free(w.variants);
    if (st != ST_OK) {
        scope_free(s);
        return st;
    }
    /* the first scope that fits, dropping most costly first */
    s->cpc_kept = s->cpc_all;
    s->fits = s->cpc_all <= s->target;
    for (size_t k = 0; !s->fits && k < droppable; k++) {
        s->ndropped = k + 1;
        s->cpc_kept = s->rows[k].cpc_after;
        s->fits = s->cpc_kept <= s->target;
    }
    for (size_t k = 0; k < s->ndropped; k++)
        s->rows[k].kept = 0;
    *out = s;
    return ST_OK;
}

void scope_free(struct scope *s)
{
    if (!s)
        return;
    mem_free(s->rows);
    mem_free(s);
}

int scope_report(FILE *f, const struct model *m, const struct scope *s)
{
    fputs("feature,must_have,cpc_contribution_mean,cpc_contribution_p90,kept,cpc_after\n", f);
    for (size_t i = 0; i < s->nrows; i++) {
        const struct scope_row *row = &s->rows[i];
        report_text(f, m->features[row->feature].name);
        fprintf(f, ",%s,", row->must_have ? "yes" : "no");
        report_number(f, row->contribution);
        fputc(',', f);
        report_number(f, row->contribution_p90);
        fprintf(f, ",%s,", row->kept ? "yes" : "no");
        report_number(f, row->cpc_after);
        fputc('\n', f);
    }
    return ferror(f) ? -1 : 0;
}

/* X rounded to a whole number ("-" when undefined). */
static void amount(FILE *f, double x)
{
    if (isnan(x))
        fputs("-", f);
    else
        fprintf(f, "%.0f", x == 0 ? 0 : x);
}

void scope_terminal(FILE *f, const struct model *m, const struct scope *s)
{
    const double q = 100 * s->ask.confidence;
    size_t must = 0;
    for (size_t i = 0; i < s->nrows; i++)
        must += s->rows[i].must_have != 0;
    if (isnan(s->cpc_all)) {
        fputs("The plan ", f);
        term_put(f, m->plans[s->ask.plan].name);
        fputs(" has no customers on any path: it has no cost per customer to fit.\n", f);
        return;
    }
    if (s->fits && s->ndropped == 0) {
        fprintf(f, "Keep all %zu features: cost per customer at P%g is ", s->nrows, q);
        amount(f, s->cpc_all);
        fputs(", within", f);
    } else if (s->fits) {
        fprintf(f, "Keep %zu of %zu features; drop ", s->nrows - s->ndropped, s->nrows);
        for (size_t k = 0; k < s->ndropped; k++)
        {
            fputs(k ? ", " : "", f);
            term_put(f, m->features[s->rows[k].feature].name);
        }
        fprintf(f, "; cost per customer at P%g falls from ", q);
        amount(f, s->cpc_all);
        fputs(" to ", f);
        amount(f, s->cpc_kept);
        fputs(", under", f);
    } else {
        if (must)
            fprintf(f, "Even the %zu must-have feature%s do%s not fit: ", must, must == 1 ? "" : "s",
                    must == 1 ? "es" : "");
        else
            fputs("Even without features it does not fit: ", f);
        fprintf(f, "cost per customer at P%g is ", q);
        amount(f, s->cpc_kept);
        if (s->ndropped)
            fprintf(f, " with the other %zu dropped", s->ndropped);
        fputs(", ", f);
        amount(f, s->cpc_kept - s->target);
        fputs(" over", f);
    }
    fputs(" the ", f);
    amount(f, s->target);
    fprintf(f, " that a %g%% margin at %g allows.\n", 100 * s->ask.margin, s->ask.price);
    if (!s->nrows)
        return;
    fputs("Features of ", f);
    term_put(f, m->plans[s->ask.plan].name);
    fputs(", in the order they would be dropped (cost per customer, ", f);
    term_put(f, m->currency);
    fputs("):\n", f);
    for (size_t i = 0; i < s->nrows; i++) {
        const struct scope_row *row = &s->rows[i];
        fputs("  ", f);
        term_column(f, m->features[row->feature].name, 44);
        fprintf(f, " %10.0f  %s\n",
                isnan(row->contribution) ? 0.0 : row->contribution + 0.0,
                row->must_have ? "must have" : row->kept ? "keep" : "drop");
    }
}
