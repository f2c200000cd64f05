/*
 * sweep.c - the summary metrics over a grid of inputs (see sweep.h).
 */
#include "sim/sweep.h"

#include <math.h>
#include <string.h>

#include "sim/cli.h"
#include "sim/mem.h"
#include "sim/metrics.h"
#include "sim/report.h"
#include "sim/term.h"

static const char *const stat_names[Q_COUNT] = { "p5", "p10", "p25", "p50", "p75", "p90", "p95" };

double sweep_stat_of(const struct stat_row *row, int stat)
{
    return stat < 0 ? row->mean : row->q[stat];
}

void sweep_metric_name(int metric, int stat, char *buf, size_t len)
{
    snprintf(buf, len, "%s%s%s", stat < 0 ? "" : stat_names[stat], stat < 0 ? "" : ":",
             summary_metric_names[metric]);
}

int sweep_metric(const char *text, size_t len, int *metric, int *stat, char *why, size_t whylen)
{
    *stat = -1;
    const char *colon = memchr(text, ':', len);
    if (colon) {
        size_t n = (size_t)(colon - text);
        int found = n == 4 && !memcmp(text, "mean", 4);
        for (int q = 0; q < Q_COUNT && !found; q++)
            if (strlen(stat_names[q]) == n && !memcmp(text, stat_names[q], n))
                found = 1, *stat = q;
        if (!found) {
            snprintf(why, whylen, "'%.*s' is not a statistic: write mean, p5, p10, p25, p50, p75, p90 or p95 before "
                     "the ':'", (int)(n > 64 ? 64 : n), text);
            return -1;
        }
        len -= n + 1;
        text = colon + 1;
    }
    size_t best = SIZE_MAX;
    int near = -1;
    for (int k = 0; k < SM_REPORTED; k++) {
        const char *name = summary_metric_names[k];
        if (strlen(name) == len && !memcmp(text, name, len)) {
            *metric = k;
            return 0;
        }
        size_t d = cli_distance(text, len, name, strlen(name));
        if (d < best) {
            best = d;
            near = k;
        }
    }
    char shown[160], cut[100];
    snprintf(cut, sizeof cut, "%.*s", (int)(len > 96 ? 96 : len), text);
    term_escape(cut, shown, sizeof shown);
    if (near >= 0 && best <= 3)
        snprintf(why, whylen, "no metric called '%s'; did you mean '%s'? (the metrics of summary.csv)", shown,
                 summary_metric_names[near]);
    else
        snprintf(why, whylen, "no metric called '%s'; the metrics are those of summary.csv, such as "
                 "default_alive, prob_cash_out, runway_months, cpc_final, gross_margin_final", shown);
    return -1;
}

void sweep_free(struct sweep *s)
{
    if (!s)
        return;
    mem_free(s->scenarios);
    mem_free(s->stat);
    mem_free(s);
}

enum status sweep_run(struct model *m, struct vary *const *vary, size_t nvary, const struct run_options *o,
                      int progress, struct sweep **out)
{
    *out = NULL;
    struct sweep *s = mem_calloc(1, sizeof *s);
    if (!s)
        return ST_NOMEM;
    s->nvary = nvary;
    s->npoints = 1;
    for (size_t i = 0; i < nvary; i++) {
        s->vary[i] = vary[i];
        s->npoints *= vary[i]->n;
    }
    s->nscenarios = o->nscenarios;
    s->paths = o->paths;
    s->scenarios = mem_calloc(o->nscenarios, sizeof *s->scenarios);
    s->stat = mem_calloc(s->npoints * o->nscenarios * SM_REPORTED, sizeof *s->stat);
    if (!s->scenarios || !s->stat) {
        sweep_free(s);
        return ST_NOMEM;
    }
    memcpy(s->scenarios, o->scenarios, o->nscenarios * sizeof *s->scenarios);
    size_t n2 = nvary > 1 ? vary[1]->n : 1;
    enum status st = ST_OK;
    for (size_t p = 0; p < s->npoints && st == ST_OK; p++) {
        if (progress)
            fprintf(stderr, "\rsweep: point %zu of %zu", p + 1, s->npoints);
        vary_apply(vary[0], m, p / n2);
        if (nvary > 1)
            vary_apply(vary[1], m, p % n2);
        struct results *r = NULL;
        st = engine_run(m, o, &r);
        for (size_t i = nvary; i-- > 0;)
            vary_restore(vary[i], m);
        for (size_t sc = 0; st == ST_OK && sc < s->nscenarios; sc++) {
            for (size_t k = 0; k < SM_REPORTED; k++) {
                const struct stat_row *row = &r->summary[sc * SM_COUNT + k];
                s->stat[(p * s->nscenarios + sc) * SM_REPORTED + k] =
                    (struct sweep_stat){ row->mean, row->mc_se, row->q[Q_P10], row->q[Q_P50], row->q[Q_P90] };
            }
        }
        results_free(r);
    }
    if (progress)
        fputs("\r\033[K", stderr);
    if (st != ST_OK) {
        sweep_free(s);
        return st;
    }
    *out = s;
    return ST_OK;
}

/* Writes value K of V as a CSV field: its number, or the text of a
 * distribution. */
static void value_cell(FILE *f, const struct vary *v, size_t k)
{
    if (v->text[k])
        report_text(f, v->text[k]);
    else
        report_number(f, v->value[k].p[0]);
}

int sweep_report(FILE *f, const struct model *m, const struct sweep *s)
{
    for (size_t i = 0; i < s->nvary; i++) {
        report_text(f, s->vary[i]->name);
        fputc(',', f);
    }
    fputs("scenario,metric,mean,mc_se,p10,p50,p90\n", f);
    size_t n2 = s->nvary > 1 ? s->vary[1]->n : 1;
    for (size_t p = 0; p < s->npoints; p++) {
        for (size_t sc = 0; sc < s->nscenarios; sc++) {
            for (size_t k = 0; k < SM_REPORTED; k++) {
                const struct sweep_stat *x = &s->stat[(p * s->nscenarios + sc) * SM_REPORTED + k];
                value_cell(f, s->vary[0], p / n2);
                fputc(',', f);
                if (s->nvary > 1) {
                    value_cell(f, s->vary[1], p % n2);
                    fputc(',', f);
                }
                report_text(f, m->scenarios[s->scenarios[sc]].name);
                fprintf(f, ",%s,", summary_metric_names[k]);
                const double cells[] = { x->mean, x->mc_se, x->p10, x->p50, x->p90 };
                for (size_t c = 0; c < sizeof cells / sizeof cells[0]; c++) {
                    if (c)
                        fputc(',', f);
                    report_number(f, cells[c]);
                }
                fputc('\n', f);
            }
        }
    }
    return ferror(f) ? -1 : 0;
}

/* Value K of V as the terminal shows it, into BUF. */
static void value_text(const struct vary *v, size_t k, char *buf, size_t len)
{
    if (v->text[k])
        term_escape(v->text[k], buf, len);
    else
        snprintf(buf, len, "%.6g", v->value[k].p[0]);
}

/* X as the terminal shows a figure: a probability or margin in percent, a
 * percentile of runway or breakeven beyond the horizon of MONTHS as >MONTHS. */
static void figure_text(double x, int metric, int stat, int months, char *buf, size_t len)
{
    if (isnan(x) && stat >= 0 && (metric == SM_RUNWAY || metric == SM_BREAKEVEN))
        snprintf(buf, len, ">%d", months); /* a percentile beyond the horizon */
    else if (isnan(x))
        snprintf(buf, len, "-");
    else if (stat < 0 && (metric == SM_PROB_CASH_OUT || metric == SM_DEFAULT_ALIVE))
        snprintf(buf, len, "%.1f%%", 100 * x);
    else if (metric == SM_GROSS_MARGIN_FINAL)
        snprintf(buf, len, "%.1f%%", 100 * x);
    else
        snprintf(buf, len, "%.4g", x);
}

void sweep_terminal(FILE *f, const struct model *m, const struct sweep *s, int metric, int stat)
{
    char name[96], cell[256];
    sweep_metric_name(metric, stat, name, sizeof name);
    const struct vary *rows = s->vary[0], *cols = s->nvary > 1 ? s->vary[1] : NULL;
    size_t n2 = cols ? cols->n : 1;
    for (size_t sc = 0; sc < s->nscenarios; sc++) {
        if (sc)
            fputc('\n', f);
        term_put(f, m->scenarios[s->scenarios[sc]].name);
        fprintf(f, ": %s, %llu paths a point, %d months\n", name, (unsigned long long)s->paths, m->cal.months);
        fputs("  ", f);
        term_column(f, rows->name, 34);
        if (cols) {
            fputs("  ", f);
            term_put(f, cols->name);
            fputs(" =\n  ", f);
            term_column(f, "", 34);
            for (size_t j = 0; j < n2; j++) {
                value_text(cols, j, cell, sizeof cell);
                fprintf(f, " %10s", cell);
            }
        } else {
            fprintf(f, " %10s", name);
        }
        fputc('\n', f);
        for (size_t i = 0; i < rows->n; i++) {
            value_text(rows, i, cell, sizeof cell);
            fputs("  ", f);
            term_column(f, cell, 34);
            for (size_t j = 0; j < n2; j++) {
                const struct sweep_stat *x = &s->stat[((i * n2 + j) * s->nscenarios + sc) * SM_REPORTED + metric];
                double v = stat < 0 ? x->mean : stat == Q_P10 ? x->p10 : stat == Q_P50 ? x->p50 : x->p90;
                figure_text(v, metric, stat, m->cal.months, cell, sizeof cell);
                fprintf(f, " %*s", cols ? 10 : (int)(strlen(name) > 10 ? strlen(name) : 10), cell);
            }
            fputc('\n', f);
        }
    }
}
