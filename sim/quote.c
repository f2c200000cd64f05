/*
 * quote.c - the contract file, and a quote's figures and reports (see
 * quote.h).
 */
#include "sim/term.h"
#include "sim/quote.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "models/category.h"
#include "sim/mem.h"
#include "sim/names.h"
#include "sim/path.h"
#include "sim/report.h"
#include "sim/schema.h"
#include "sim/table.h"

/* ---- the contract file ---- */

/* The settings as written, before names are resolved against the model. */
struct written {
    double customers, price, term, discount;
    int start;
    char *plan, *features, *effort_role, *support_role;
    struct dist custom_effort, support_hours, onboarding;
};

static int check_term(double v, const char *text, char *why, size_t whylen)
{
    if (v >= 1)
        return 0;
    snprintf(why, whylen, "a contract lasts at least 1 month, got '%s'", text);
    return -1;
}

#define AT(f) offsetof(struct written, f)
static const struct column contract_cols[] = {
    { "customers", COL_COUNT, COL_REQUIRED, AT(customers), RANGE_NONNEG, 0, NULL, NULL,
      "the accounts or seats the contract brings" },
    { "plan", COL_TEXT, COL_REQUIRED, AT(plan), RANGE_ANY, 0, NULL, NULL, "the plan it is based on" },
    { "price", COL_NUMBER, COL_REQUIRED, AT(price), RANGE_NONNEG, 0, NULL, NULL,
      "the proposed price per customer per month" },
    { "term", COL_COUNT, COL_REQUIRED, AT(term), RANGE_NONNEG, 0, NULL, check_term, "the months it lasts" },
    { "start", COL_MONTH, 0, AT(start), RANGE_ANY, 1, NULL, NULL, NULL },
    { "discount", COL_NUMBER, COL_FRACTION, AT(discount), RANGE_RATE, 0, NULL, NULL, NULL },
    { "features", COL_TEXT, 0, AT(features), RANGE_ANY, 0, NULL, NULL, NULL },
    { "custom_effort", COL_VALUE, COL_UNCERTAIN, AT(custom_effort), RANGE_NONNEG, 0, NULL, NULL, NULL },
    { "effort_role", COL_TEXT, 0, AT(effort_role), RANGE_ANY, 0, NULL, NULL, NULL },
    { "support_hours", COL_VALUE, COL_UNCERTAIN, AT(support_hours), RANGE_NONNEG, 0, NULL, NULL, NULL },
    { "support_role", COL_TEXT, 0, AT(support_role), RANGE_ANY, 0, NULL, NULL, NULL },
    { "onboarding", COL_VALUE, COL_UNCERTAIN, AT(onboarding), RANGE_NONNEG, 0, NULL, NULL, NULL },
};
#undef AT
#define NCONTRACT_COLS (sizeof contract_cols / sizeof contract_cols[0])

/* The line and column of setting NAME's value in T (0 when not given). */
static void place_of(const struct table *t, const char *name, long *line, long *col)
{
    int cs = schema_find(t, "setting"), cv = schema_find(t, "value");
    *line = *col = 0;
    for (size_t r = 0; cs >= 0 && cv >= 0 && r < t->nrows; r++)
        if (schema_name_eq(table_cell(t, r, (size_t)cs), name)) {
            *line = table_line(t, r, (size_t)cv);
            *col = cv + 1;
            return;
        }
}

/* The index of the role called NAME in M, or -1 with an error placed at
 * setting SETTING. */
static int role_named(const struct model *m, const struct table *t, const char *setting, const char *name,
                      struct diag *d)
{
    for (size_t k = 0; k < m->nroles; k++)
        if (m->roles[k].name && !strcmp(m->roles[k].name, name))
            return (int)k;
    long line, col;
    place_of(t, setting, &line, &col);
    diag_error(d, t->name, line, col, "%s: no role called '%s' in staff.csv", setting, name);
    return -1;
}

/* Something to spend needs a role to price it: an error at setting SETTING
 * when AMOUNT is not a plain 0 and ROLE names none. */
static int needs_role(const struct table *t, const struct dist *amount, const char *role, const char *setting,
                      const char *what, struct diag *d)
{
    if (role || !(dist_is_uncertain(amount) || dist_mean(amount) != 0))
        return 0;
    long line, col;
    place_of(t, setting, &line, &col);
    diag_error(d, t->name, line, col, "%s: %s needs %s, the role (of staff.csv) whose loaded rate prices it",
               setting, what, strcmp(setting, "custom_effort") ? "support_role" : "effort_role");
    return 1;
}

/* Resolves the `features` setting into C's list of features built for the
 * contract (those its plan does not have); returns the errors. */
static size_t resolve_features(struct contract *c, size_t *built, const struct written *w, const struct model *m,
                               const struct table *t, struct diag *d)
{
    size_t errors = 0;
    c->built = built;
    c->nbuilt = 0;
    struct names *index = NULL;
    unsigned char *seen = NULL; /* a feature named twice is built once */
    if (w->features && *w->features
        && (!(index = names_new(m->features, m->nfeatures, sizeof *m->features, offsetof(struct feature, name)))
            || !(seen = mem_calloc(m->nfeatures + 1, 1)))) {
        names_free(index);
        diag_nomem(d);
        return 1;
    }
    for (const char *p = w->features; p && *p;) {
        const char *end = strchr(p, ';'), *a = p, *b = end ? end : p + strlen(p);
        while (a < b && (*a == ' ' || *a == '\t'))
            a++;
        while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
            b--;
        size_t len = (size_t)(b - a);
        long found = len ? names_find(index, a, len) : -1;
        size_t k = found < 0 ? m->nfeatures : (size_t)found;
        if (len && k == m->nfeatures) {
            long line, col;
            place_of(t, "features", &line, &col);
            diag_error(d, t->name, line, col, "features: no feature called '%.*s' in features.csv", (int)len, a);
            errors++;
        } else if (len && c->plan >= 0 && !features_serves(&m->features[k], (size_t)c->plan)) {
            if (!seen[k]) {
                seen[k] = 1;
                built[c->nbuilt++] = k;
            }
        }
        p = end ? end + 1 : b;
    }
    names_free(index);
    mem_free(seen);
    return errors;
}

enum status quote_load(const char *path, const char *name, const struct model *m, struct diag *d,
                       struct contract **out)
{
    *out = NULL;
    struct table *t = NULL;
    enum status st = table_read(path, name, d, &t);
    if (st != ST_OK)
        return st;
    struct written w;
    unsigned long unread;
    size_t errors = schema_load_settings(t, contract_cols, NCONTRACT_COLS, &m->cal, d, &w, &unread);
    struct contract *c = mem_calloc(1, sizeof *c);
    size_t *built = mem_calloc(m->nfeatures + 1, sizeof *built);
    if (!c || !built) {
        mem_free(c);
        mem_free(built);
        mem_free(w.plan);
        mem_free(w.features);
        mem_free(w.effort_role);
        mem_free(w.support_role);
        table_free(t);
        diag_nomem(d);
        return ST_NOMEM;
    }
    *c = (struct contract){ .customers = w.customers, .price = w.price, .discount = w.discount,
                            .start = w.start, .term = (int)w.term, .custom_effort = w.custom_effort,
                            .support_hours = w.support_hours, .onboarding = w.onboarding, .plan = -1,
                            .effort_role = -1, .support_role = -1 };
    long line, col;
    if (w.plan && (c->plan = plans_find(m->plans, m->nplans, w.plan)) < 0) {
        place_of(t, "plan", &line, &col);
        diag_error(d, t->name, line, col, "plan: no plan called '%s' in plans.csv", w.plan);
        errors++;
    }
    errors += resolve_features(c, built, &w, m, t, d);
    errors += needs_role(t, &c->custom_effort, w.effort_role, "custom_effort", "custom work", d);
    errors += needs_role(t, &c->support_hours, w.support_role, "support_hours", "support", d);
    if (w.effort_role && (c->effort_role = role_named(m, t, "effort_role", w.effort_role, d)) < 0)
        errors++;
    if (w.support_role && (c->support_role = role_named(m, t, "support_role", w.support_role, d)) < 0)
        errors++;
    if (c->start < 1) {
        place_of(t, "start", &line, &col);
        diag_error(d, t->name, line, col, "start: the contract starts before the first simulated month");
        errors++;
    } else if (c->term >= 1 && contract_end(c) > m->cal.months) {
        place_of(t, "term", &line, &col);
        diag_error(d, t->name, line, col,
                   "term: the contract runs to month %d, past the horizon of %d months: shorten the term, start it "
                   "earlier, or lengthen months in company.csv",
                   contract_end(c), m->cal.months);
        errors++;
    }
    mem_free(w.plan);
    mem_free(w.features);
    mem_free(w.effort_role);
    mem_free(w.support_role);
    table_free(t);
    if (errors || diag_status(d) != ST_OK) {
        quote_free(c);
        return diag_status(d) == ST_OK ? ST_DATA : diag_status(d);
    }
    *out = c;
    return ST_OK;
}

void quote_free(struct contract *c)
{
    if (!c)
        return;
    mem_free(c->built);
    dist_release(&c->custom_effort);
    dist_release(&c->support_hours);
    dist_release(&c->onboarding);
    mem_free(c);
}

/* ---- figures ---- */

const char *const quote_metric_names[QM_COUNT] = {
    "incremental_cost_month", "incremental_cost_term", "revenue_term", "profit_term", "margin", "prob_loss",
    "required_price", "floor_price", "discount_headroom",
};

const int quote_quantiles[QUOTE_NQ] = { Q_P5, Q_P10, Q_P50, Q_P90, Q_P95 };

/* ROW as A + B x the incremental cost D (B may be negative: the percentiles
 * then swap ends). */
static void affine(struct quote_row *row, const struct stat_row *d, double plan, double a, double b)
{
    row->plan = a + b * plan;
    row->mean = a + b * d->mean;
    row->mc_se = fabs(b) * d->mc_se;
    for (int i = 0; i < QUOTE_NQ; i++)
        row->q[b >= 0 ? i : QUOTE_NQ - 1 - i] = a + b * d->q[quote_quantiles[i]];
}

static void empty(struct quote_row *row)
{
    row->plan = row->mean = row->mc_se = NAN;
    for (int i = 0; i < QUOTE_NQ; i++)
        row->q[i] = NAN;
}

void quote_figures(const struct results *r, const struct contract *c, double margin, double confidence,
                   struct quote *q)
{
    const struct stat_row *d = &r->compare[1 * r->ncompare + 0]; /* with minus without: cost_total */
    const double plan = r->summary[1 * SM_COUNT + SM_COST_TOTAL].plan - r->summary[0 * SM_COUNT + SM_COST_TOTAL].plan;
    const double revenue = c->customers * (c->price * (1 - c->discount)) * c->term;
    /* the price per customer per month that gives MARGIN: revenue x (1 - MARGIN) = cost */
    const double per_price = c->customers * (1 - c->discount) * c->term * (1 - margin);
    q->margin = margin;
    q->confidence = confidence;
    for (int k = 0; k < QM_COUNT; k++)
        empty(&q->row[k]);
    affine(&q->row[QM_COST_TERM], d, plan, 0, 1);
    affine(&q->row[QM_COST_MONTH], d, plan, 0, 1.0 / c->term);
    affine(&q->row[QM_REVENUE_TERM], d, plan, revenue, 0);
    q->row[QM_REVENUE_TERM].mc_se = 0;
    affine(&q->row[QM_PROFIT_TERM], d, plan, revenue, -1);
    if (revenue > 0)
        affine(&q->row[QM_MARGIN], d, plan, 1, -1 / revenue);
    const double p = r->prob_worse[1 * r->ncompare + 0];
    q->row[QM_PROB_LOSS].mean = p;
    q->row[QM_PROB_LOSS].mc_se = d->n ? sqrt(p * (1 - p) / (double)d->n) : NAN;
    q->row[QM_PROB_LOSS].plan = plan > revenue;
    if (per_price > 0) {
        affine(&q->row[QM_REQUIRED_PRICE], d, plan, 0, 1 / per_price);
        q->row[QM_FLOOR_PRICE].mean = d->q_extra / per_price;
        q->row[QM_FLOOR_PRICE].plan = plan / per_price;
        if (c->price > 0) {
            q->row[QM_HEADROOM].mean = (c->price - q->row[QM_FLOOR_PRICE].mean) / c->price;
            q->row[QM_HEADROOM].plan = (c->price - q->row[QM_FLOOR_PRICE].plan) / c->price;
        }
    }
}

/* ---- reports ---- */

int quote_report(FILE *f, const struct quote *q)
{
    fputs("metric,plan,mean,mc_se,p5,p10,p50,p90,p95\n", f);
    for (int k = 0; k < QM_COUNT; k++) {
        const struct quote_row *row = &q->row[k];
        fprintf(f, "%s,", quote_metric_names[k]);
        report_number(f, row->plan);
        fputc(',', f);
        report_number(f, row->mean);
        fputc(',', f);
        report_number(f, row->mc_se);
        for (int i = 0; i < QUOTE_NQ; i++) {
            fputc(',', f);
            report_number(f, row->q[i]);
        }
        fputc('\n', f);
    }
    return ferror(f) ? -1 : 0;
}

/* A line the contract moves: its index and its mean cost over the term. */
struct moved {
    size_t line;
    double cost;
};

static int largest_first(const void *a, const void *b)
{
    const struct moved *x = a, *y = b;
    if (x->cost != y->cost)
        return x->cost < y->cost ? 1 : -1;
    return (x->line > y->line) - (x->line < y->line);
}

/* The lines whose mean cost the contract changes, largest first, into
 * *OUT (allocated; free with mem_free) with their count; the total in
 * *TOTAL.  -1 when memory runs out. */
static long moved_lines(const struct model *m, const struct results *r, struct moved **out, double *total)
{
    const size_t L = r->nlines;
    struct moved *lines = mem_calloc(L + 1, sizeof *lines);
    if (!lines)
        return -1;
    size_t n = 0;
    *total = 0;
    for (size_t l = 0; l < L; l++) {
        const char *kind, *name;
        int category, exists;
        path_line_info(m, l, &kind, &name, &category, &exists);
        const double with = r->line_mean[(1 * L + l) * LF_COUNT + LF_TOTAL];
        const double without = r->line_mean[(0 * L + l) * LF_COUNT + LF_TOTAL];
        const double moved = with - without;
        if (!exists || !(moved != 0))
            continue;
        lines[n++] = (struct moved){ l, moved };
        *total += moved;
    }
    qsort(lines, n, sizeof *lines, largest_first);
    *out = lines;
    return (long)n;
}

int quote_costs_report(FILE *f, const struct model *m, const struct results *r)
{
    struct moved *lines;
    double total;
    long n = moved_lines(m, r, &lines, &total);
    if (n < 0)
        return -1;
    fputs("line,kind,category,mean_term,share\n", f);
    for (long i = 0; i < n; i++) {
        const char *kind, *name;
        int category, exists;
        path_line_info(m, lines[i].line, &kind, &name, &category, &exists);
        report_text(f, name);
        fprintf(f, ",%s,%s,", kind, category_names[category]);
        report_number(f, lines[i].cost);
        fputc(',', f);
        report_number(f, total != 0 ? lines[i].cost / total : NAN);
        fputc('\n', f);
    }
    mem_free(lines);
    return ferror(f) ? -1 : 0;
}

/* X rounded to a whole number, written plainly (no thousands separators). */
static void whole(FILE *f, double x)
{
    if (isnan(x))
        fputs("-", f);
    else
        fprintf(f, "%.0f", x == 0 ? 0 : x);
}

void quote_terminal(FILE *f, const struct model *m, const struct results *r, const struct contract *c,
                    const struct quote *q)
{
    const struct quote_row *margin = &q->row[QM_MARGIN], *loss = &q->row[QM_PROB_LOSS];
    const double floor_price = q->row[QM_FLOOR_PRICE].mean;
    fprintf(f, "Proposed %g/month for %g customers over %d months", c->price, c->customers, c->term);
    if (c->discount > 0)
        fprintf(f, " less %g%%", 100 * c->discount);
    fputs(": margin P50 ", f);
    if (isnan(margin->q[2]))
        fputs("-", f);
    else
        fprintf(f, "%.0f%%", 100 * margin->q[2] + 0.0);
    fprintf(f, ", P(loss) %.0f%%.", 100 * loss->mean);
    fprintf(f, " Floor for %.0f%% margin at %.0f%% confidence: ", 100 * q->margin, 100 * q->confidence);
    whole(f, floor_price);
    fputs("/month.", f);
    if (!isnan(floor_price)) {
        const double gap = c->price - floor_price;
        fprintf(f, " %s floor by ", gap < 0 ? "Below" : "Above");
        whole(f, fabs(gap));
        fputc('.', f);
    }
    fputc('\n', f);
    struct moved *lines;
    double total;
    long n = moved_lines(m, r, &lines, &total);
    if (n <= 0) {
        if (n == 0)
            fputs("The contract moves no cost line.\n", f);
        return;
    }
    fputs("Largest incremental costs over the term (", f);
    term_put(f, m->currency);
    fputs("):\n", f);
    for (long i = 0; i < n && i < 3; i++) {
        const char *kind, *name;
        int category, exists;
        path_line_info(m, lines[i].line, &kind, &name, &category, &exists);
        fputs("  ", f);
        term_column(f, name, 44);
        fprintf(f, " %14.0f  %3.0f%%  (%s)\n", lines[i].cost,
                total != 0 ? 100 * lines[i].cost / total : 0.0, kind);
    }
    mem_free(lines);
}
