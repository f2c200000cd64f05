/*
 * report.c - CSV reports and the terminal summary (see report.h).
 */
#include "sim/term.h"
#include "sim/report.h"

#include <csv.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "models/category.h"
#include "sim/path.h"
#include "sim/ranks.h"
#include "sim/rng.h"

const char *const report_files[] = { "summary.csv", "monthly.csv", "runway.csv", "costs.csv", "compare.csv",
                                     "ledger.csv", "ledger_path.csv", "sensitivity.csv", "cost_lines.csv", "run.csv",
                                     NULL };

void report_number(FILE *f, double x)
{
    if (isnan(x) || isinf(x))
        return;
    if (x == 0)
        x = 0; /* -0 becomes 0 */
    fprintf(f, "%.12g", x);
}

void report_text(FILE *f, const char *text)
{
    if (!text)
        text = "";
    int formula = strchr("=+-@\t\r", text[0]) != NULL && text[0] != '\0';
    int quote = formula || strpbrk(text, ",\"\r\n") != NULL || text[0] == ' ' ||
                (text[0] && text[strlen(text) - 1] == ' ');
    if (!quote) {
        fputs(text, f);
        return;
    }
    if (formula) {
        /* the mark goes inside the quoted field, before the text */
        fputs("\"'", f);
        for (const char *c = text; *c; c++) {
            if (*c == '"')
                fputc('"', f);
            fputc(*c, f);
        }
        fputc('"', f);
        return;
    }
    csv_fwrite(f, text, strlen(text));
}

static void date_of(const struct model *m, int mo, char *buf, size_t len)
{
    calendar_format(&m->cal, mo, buf, len);
}

static void stat_cells(FILE *f, const struct stat_row *row, int with_se)
{
    report_number(f, row->plan);
    fputc(',', f);
    report_number(f, row->mean);
    fputc(',', f);
    report_number(f, row->sd);
    if (with_se) {
        fputc(',', f);
        report_number(f, row->mc_se);
    }
    for (int q = 0; q < Q_COUNT; q++) {
        fputc(',', f);
        report_number(f, row->q[q]);
    }
}

int report_summary(FILE *f, const struct model *m, const struct results *r)
{
    fputs("scenario,metric,plan,mean,sd,mc_se,p5,p10,p25,p50,p75,p90,p95,prob_plan\n", f);
    for (size_t s = 0; s < r->nscenarios; s++) {
        for (size_t k = 0; k < SM_REPORTED; k++) {
            const struct stat_row *row = &r->summary[s * SM_COUNT + k];
            report_text(f, m->scenarios[r->scenarios[s]].name);
            fprintf(f, ",%s,", summary_metric_names[k]);
            stat_cells(f, row, 1);
            fputc(',', f);
            report_number(f, row->prob_plan);
            fputc('\n', f);
        }
    }
    return ferror(f) ? -1 : 0;
}

int report_monthly(FILE *f, const struct model *m, const struct results *r)
{
    fputs("scenario,month,date,metric,plan,mean,sd,p5,p10,p25,p50,p75,p90,p95,n\n", f);
    for (size_t s = 0; s < r->nscenarios; s++) {
        for (int mo = 1; mo <= r->months; mo++) {
            char date[16];
            date_of(m, mo, date, sizeof date);
            for (size_t k = 0; k < MM_COUNT; k++) {
                const struct stat_row *row = &r->monthly[(s * (size_t)r->months + (size_t)(mo - 1)) * MM_COUNT + k];
                report_text(f, m->scenarios[r->scenarios[s]].name);
                fprintf(f, ",%d,%s,%s,", mo, date, monthly_metric_names[k]);
                stat_cells(f, row, 0);
                fprintf(f, ",%llu\n", (unsigned long long)row->n);
            }
        }
    }
    return ferror(f) ? -1 : 0;
}

int report_runway(FILE *f, const struct model *m, const struct results *r)
{
    fputs("scenario,month,date,prob_cash_out\n", f);
    for (size_t s = 0; s < r->nscenarios; s++) {
        for (int mo = 1; mo <= r->months; mo++) {
            char date[16];
            date_of(m, mo, date, sizeof date);
            report_text(f, m->scenarios[r->scenarios[s]].name);
            fprintf(f, ",%d,%s,", mo, date);
            report_number(f, r->cash_out_by_month[s * (size_t)r->months + (size_t)(mo - 1)]);
            fputc('\n', f);
        }
    }
    return ferror(f) ? -1 : 0;
}

int report_costs(FILE *f, const struct model *m, const struct results *r)
{
    fputs("scenario,line,kind,category,mean_month,mean_final,share,cpc_share\n", f);
    for (size_t s = 0; s < r->nscenarios; s++) {
        const double *lm = r->line_mean + s * r->nlines * LF_COUNT;
        double total = 0;
        for (size_t l = 0; l < r->nlines; l++)
            if (!isnan(lm[l * LF_COUNT + LF_TOTAL]))
                total += lm[l * LF_COUNT + LF_TOTAL];
        for (size_t l = 0; l < r->nlines; l++) {
            const char *kind, *name;
            int category, exists;
            path_line_info(m, l, &kind, &name, &category, &exists);
            if (!exists)
                continue;
            report_text(f, m->scenarios[r->scenarios[s]].name);
            fputc(',', f);
            report_text(f, name);
            fprintf(f, ",%s,%s,", kind, category_names[category]);
            report_number(f, lm[l * LF_COUNT + LF_TOTAL] / r->months);
            fputc(',', f);
            report_number(f, lm[l * LF_COUNT + LF_FINAL]);
            fputc(',', f);
            report_number(f, total > 0 ? lm[l * LF_COUNT + LF_TOTAL] / total : NAN);
            fputc(',', f);
            report_number(f, lm[l * LF_COUNT + LF_CPC]);
            fputc('\n', f);
        }
    }
    return ferror(f) ? -1 : 0;
}

/* report_number through a cache of the text of the numbers printed last
 * (by their bits): cost_lines.csv repeats most of its numbers (a line that
 * does not depend on customers has the same figures in every scenario and
 * month of a stretch without change), and printf's exact decimal
 * conversion is the slowest part of writing it.  The same text as
 * report_number, which it calls for what is not cached. */
#define NUMBER_CACHE 1024 /* 32 KiB, on the stack: writing allocates nothing */
struct number_cache {
    uint64_t bits[NUMBER_CACHE];
    char text[NUMBER_CACHE][24];
};

static void report_number_cached(FILE *f, double x, struct number_cache *c)
{
    if (isnan(x) || isinf(x)) {
        report_number(f, x);
        return;
    }
    uint64_t bits;
    memcpy(&bits, &x, sizeof bits);
    const size_t k = (size_t)((bits * 0x9E3779B97F4A7C15u) >> 54) % NUMBER_CACHE;
    if (c->bits[k] != bits || !c->text[k][0]) {
        int n = snprintf(c->text[k], sizeof c->text[k], "%.12g", x == 0 ? 0 : x);
        if (n < 0 || (size_t)n >= sizeof c->text[k]) {
            c->text[k][0] = '\0';
            report_number(f, x);
            return;
        }
        c->bits[k] = bits;
    }
    fputs(c->text[k], f);
}

int report_cost_lines(FILE *f, const struct model *m, const struct results *r)
{
    struct number_cache cache_mem, *cache = &cache_mem;
    memset(cache, 0, sizeof *cache); /* an empty text: nothing cached */
    fputs("scenario,month,date,line,kind,category,mean,p10,p50,p90\n", f);
    for (size_t s = 0; s < r->nscenarios && r->cl_mean; s++) {
        for (int mo = 1; mo <= r->months; mo++) {
            char date[16];
            date_of(m, mo, date, sizeof date);
            for (size_t l = 0; l < r->cl_width; l++) {
                const char *kind = "category", *name;
                int category = (int)(l - r->nlines), exists = 1;
                if (l < r->nlines)
                    path_line_info(m, l, &kind, &name, &category, &exists);
                else
                    name = category_names[category];
                if (!exists)
                    continue;
                const size_t i = (s * (size_t)r->months + (size_t)(mo - 1)) * r->cl_width + l;
                report_text(f, m->scenarios[r->scenarios[s]].name);
                fprintf(f, ",%d,%s,", mo, date);
                report_text(f, name);
                fprintf(f, ",%s,%s,", kind, category_names[category]);
                report_number_cached(f, r->cl_mean[i], cache);
                for (int k = 0; k < 3; k++) {
                    fputc(',', f);
                    report_number_cached(f, r->cl_q[3 * i + (size_t)k], cache);
                }
                fputc('\n', f);
            }
        }
    }
    return ferror(f) ? -1 : 0;
}

int report_compare(FILE *f, const struct model *m, const struct results *r)
{
    fputs("scenario,baseline,metric,mean_diff,mc_se,p5,p50,p95,prob_worse\n", f);
    const char *baseline = m->scenarios[r->scenarios[r->baseline]].name;
    for (size_t s = 0; s < r->nscenarios; s++) {
        if (s == r->baseline)
            continue;
        for (size_t k = 0; k < r->ncompare; k++) {
            const struct stat_row *row = &r->compare[s * r->ncompare + k];
            report_text(f, m->scenarios[r->scenarios[s]].name);
            fputc(',', f);
            report_text(f, baseline);
            fprintf(f, ",%s,", summary_metric_names[r->compare_metric[k]]);
            report_number(f, row->mean);
            fputc(',', f);
            report_number(f, row->mc_se);
            const int q[3] = { Q_P5, Q_P50, Q_P95 };
            for (int i = 0; i < 3; i++) {
                fputc(',', f);
                report_number(f, row->q[q[i]]);
            }
            fputc(',', f);
            report_number(f, r->prob_worse[s * r->ncompare + k]);
            fputc('\n', f);
        }
    }
    return ferror(f) ? -1 : 0;
}

int report_sensitivity(FILE *f, const struct model *m, const struct results *r)
{
    fputs("scenario,input,output,spearman,spearman_se,variance_share,tornado_low,tornado_high,rank\n", f);
    const struct sensitivity *sv = r->sensitivity;
    for (size_t i = 0; sv && i < sv->nrows; i++) {
        const struct sensitivity_row *row = &sv->row[i];
        report_text(f, m->scenarios[r->scenarios[row->scenario]].name);
        fputc(',', f);
        report_text(f, sv->inputs->item[row->input].name);
        fprintf(f, ",%s,", summary_metric_names[row->output]);
        const double cells[] = { row->stat.spearman, row->stat.spearman_se, row->stat.variance_share,
                                 row->stat.tornado_low, row->stat.tornado_high };
        for (size_t k = 0; k < sizeof cells / sizeof cells[0]; k++) {
            report_number(f, cells[k]);
            fputc(',', f);
        }
        if (row->rank)
            fprintf(f, "%zu", row->rank);
        fputc('\n', f);
    }
    return ferror(f) ? -1 : 0;
}

static void kv(FILE *f, const char *key, const char *value)
{
    report_text(f, key);
    fputc(',', f);
    report_text(f, value);
    fputc('\n', f);
}

int report_run(FILE *f, const struct model *m, const struct results *r, const struct run_info *info)
{
    char buf[256];
    fputs("key,value\n", f);
    kv(f, "cpcsim_version", info->version);
    kv(f, "command", info->command_line);
    snprintf(buf, sizeof buf, "%llu", (unsigned long long)info->seed);
    kv(f, "seed", buf);
    snprintf(buf, sizeof buf, "%llu", (unsigned long long)r->paths);
    kv(f, "paths", buf);
    if (r->sensitivity) { /* the subsample sensitivity.csv is worked out from */
        snprintf(buf, sizeof buf, "%llu", (unsigned long long)r->sensitivity->paths);
        kv(f, "sensitivity_paths", buf);
    }
    if (info->precision > 0) {
        snprintf(buf, sizeof buf, "%.12g", info->precision);
        kv(f, "precision", buf);
    }
    kv(f, "generator", RNG_NAME);
    kv(f, "sampling", info->sampling);
    snprintf(buf, sizeof buf, "%d", r->threads);
    kv(f, "threads", buf);
    if (ranks_under_mpi()) { /* cpcsim-mpi: threads is each rank's */
        snprintf(buf, sizeof buf, "%d", ranks_count());
        kv(f, "mpi_ranks", buf);
    }
    kv(f, "started_utc", info->started_utc);
    kv(f, "model", m->dir);
    snprintf(buf, sizeof buf, "%d", m->cal.months);
    kv(f, "months", buf);
    kv(f, "currency", m->currency);
    for (size_t s = 0; s < r->nscenarios; s++)
        kv(f, "scenario", m->scenarios[r->scenarios[s]].name);
    kv(f, "baseline", m->scenarios[r->scenarios[r->baseline]].name);
    for (int i = 0; i < MF_COUNT; i++) {
        const struct model_source *src = &m->sources[i];
        if (!src->present)
            continue;
        char key[128];
        snprintf(key, sizeof key, "file:%s", src->file);
        snprintf(buf, sizeof buf, "fnv1a64:%016llx rows:%zu", (unsigned long long)src->checksum, src->rows);
        kv(f, key, buf);
    }
    return ferror(f) ? -1 : 0;
}

/* A figure for the terminal: whole numbers without decimals, others with
 * up to 4 significant digits after rounding; "-" when undefined. */
static void term_number(char *buf, size_t len, double x, int months_beyond, int horizon)
{
    if (months_beyond && (isnan(x) || x > horizon)) {
        snprintf(buf, len, ">%d", horizon);
        return;
    }
    if (isnan(x)) {
        snprintf(buf, len, "-");
        return;
    }
    if (x == 0)
        x = 0;
    if (fabs(x) >= 100)
        snprintf(buf, len, "%.0f", x);
    else
        snprintf(buf, len, "%.4g", x);
}

/* A share of paths as a whole percent, saying "under 1%" and "over 99%"
 * rather than rounding a few paths to 0% or 100%. */
static void term_share(char *buf, size_t len, double p)
{
    if (p > 0 && p < 0.005)
        snprintf(buf, len, "under 1%%");
    else if (p < 1 && p > 0.995)
        snprintf(buf, len, "over 99%%");
    else
        snprintf(buf, len, "%.0f%%", 100 * p);
}

/* The hopeium gap of scenario S, in a founder's words: the plan's final
 * customers against the paths', and the plan's runway against theirs. */
static void term_gap(FILE *f, const struct model *m, const struct results *r, size_t s)
{
    const struct stat_row *sum = r->summary + s * SM_COUNT;
    const struct stat_row *cust = &sum[SM_CUSTOMERS_FINAL], *out = &sum[SM_PROB_CASH_OUT], *run = &sum[SM_RUNWAY];
    char end[16], share[32], when[16];
    calendar_format(&m->cal, r->months, end, sizeof end);
    term_share(share, sizeof share, cust->prob_plan);
    fprintf(f, "  Plan: %.0f customers by %s. Median %.0f. Chance of reaching plan: %s.\n", cust->plan, end,
            cust->q[Q_P50], share);
    fputs("  Runway: plan ", f);
    if (isnan(run->plan)) {
        fputs("never runs out", f);
    } else {
        calendar_format(&m->cal, (int)run->plan, when, sizeof when);
        fprintf(f, "runs out in %s", when);
    }
    term_share(share, sizeof share, out->mean);
    if (out->mean == 0) {
        fprintf(f, "; no future runs out by %s.\n", end);
    } else if (isnan(run->q[Q_P5])) { /* fewer than one in twenty run out within the horizon */
        fprintf(f, "; %s of futures run out by %s.\n", share, end);
    } else {
        calendar_format(&m->cal, (int)run->q[Q_P5], when, sizeof when);
        fprintf(f, "; %s of futures run out, one in twenty by %s.\n", share, when);
    }
}

/* TEXT with control characters written as \xNN. */
static void term_text(FILE *f, const char *text)
{
    for (const unsigned char *c = (const unsigned char *)text; *c; c++) {
        if (*c < 0x20 || *c == 0x7f)
            fprintf(f, "\\x%02x", *c);
        else
            fputc(*c, f);
    }
}

/* One line: the three inputs that drive OUTPUT of scenario S most, each
 * with its rank correlation. */
static void term_drivers(FILE *f, const struct results *r, size_t s, int output, const char *what)
{
    size_t n;
    const struct sensitivity_row *row = sensitivity_rows(r->sensitivity, s, output, &n);
    fprintf(f, "  Drivers of %s:", what);
    size_t shown = 0;
    for (size_t i = 0; i < n && shown < 3; i++) {
        if (!row[i].rank)
            break;
        fputs(shown ? "; " : " ", f);
        term_text(f, r->sensitivity->inputs->item[row[i].input].name);
        fprintf(f, " (%+.2f)", row[i].stat.spearman);
        shown++;
    }
    if (!shown)
        fputs(n ? " none: it is the same on every path sampled" : " none: no input is uncertain", f);
    fputc('\n', f);
}

void report_terminal(FILE *f, const struct model *m, const struct results *r)
{
    static const struct {
        int metric;
        const char *label;
        int months;
    } rows[] = {
        { SM_RUNWAY, "runway (month cash runs out)", 1 },
        { SM_CPC_FINAL, "cost per customer, final month", 0 },
        { SM_CUSTOMERS_FINAL, "customers, final month", 0 },
    };
    for (size_t s = 0; s < r->nscenarios; s++) {
        const struct stat_row *sum = r->summary + s * SM_COUNT;
        fputs(s ? "\n" : "", f);
        term_put(f, m->scenarios[r->scenarios[s]].name);
        fprintf(f, ": %llu paths, %d months, ", (unsigned long long)r->paths, r->months);
        term_put(f, m->currency);
        fputc('\n', f);
        term_gap(f, m, r, s);
        fprintf(f, "  %-32s %12s %12s %12s %12s\n", "", "plan", "P5", "P50", "P95");
        for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
            const struct stat_row *row = &sum[rows[i].metric];
            char c[4][32];
            term_number(c[0], sizeof c[0], row->plan, rows[i].months, r->months);
            term_number(c[1], sizeof c[1], row->q[Q_P5], rows[i].months, r->months);
            term_number(c[2], sizeof c[2], row->q[Q_P50], rows[i].months, r->months);
            term_number(c[3], sizeof c[3], row->q[Q_P95], rows[i].months, r->months);
            fprintf(f, "  %-32s %12s %12s %12s %12s\n", rows[i].label, c[0], c[1], c[2], c[3]);
        }
        const struct stat_row *out = &sum[SM_PROB_CASH_OUT];
        const struct stat_row *alive = &sum[SM_DEFAULT_ALIVE];
        fprintf(f, "  P(cash below %.0f within %d months): %.1f%% (+/- %.1f%%); plan: %s\n", m->min_cash,
                r->months, 100 * out->mean, 100 * (isnan(out->mc_se) ? 0 : out->mc_se),
                out->plan > 0 ? "runs out" : "does not run out");
        fprintf(f, "  P(default alive: breakeven before cash runs out): %.1f%%\n", 100 * alive->mean);
        if (r->sensitivity) {
            term_drivers(f, r, s, SM_CPC_FINAL, "cost per customer");
            term_drivers(f, r, s, SM_RUNWAY, "runway");
        }
    }
}
