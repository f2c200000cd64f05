/*
 * model.c - loading a model folder (see model.h).
 *
 * company.csv is a list of settings (columns setting,value); the other files
 * are tables described in their model modules.  Each file is read and
 * checked even when an earlier one failed, so one run reports everything.
 */
#include "sim/model.h"

#include <ctype.h>
#include <dirent.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sim/bounds.h"
#include "sim/cli.h"
#include "sim/correl.h"
#include "sim/load.h"
#include "sim/mem.h"
#include "sim/names.h"
#include "sim/rng.h"
#include "sim/schema.h"
#include "sim/table.h"

static const char *const file_names[MF_COUNT] = {
    "company.csv", "plans.csv", "scenarios.csv", "infra.csv",
    "staff.csv", "features.csv", "pipeline.csv", "funding.csv", "correlations.csv",
};
static const int file_required[MF_COUNT] = { 1, 1, 1, 1, 1, 0, 0, 0, 0 };
/* The rows each file can have: a row keys the random streams of its cells
 * (rng_cell), or of its deal (RNG_DEAL, index the row), so more rows than
 * the streams can tell apart would silently share draws (path.c's
 * assign_slots says which streams each file takes).  company.csv's rows
 * are settings, and scenarios share the streams of their columns (common
 * random numbers), so neither is limited. */
static const unsigned long file_stream_rows[MF_COUNT] = {
    0, RNG_CELL_ROWS, 0, RNG_CELL_ROWS, RNG_CELL_ROWS, RNG_CELL_ROWS, RNG_INDEX_LIMIT, RNG_CELL_ROWS, 0,
};

uint64_t model_fnv1a(const void *data, size_t len, uint64_t h)
{
    const unsigned char *p = data;
    if (!h)
        h = 14695981039346656037ULL;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 1099511628211ULL;
    }
    return h;
}

static uint64_t file_checksum(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    unsigned char buf[65536];
    uint64_t h = 0;
    size_t got;
    while ((got = fread(buf, 1, sizeof buf, f)) > 0)
        h = model_fnv1a(buf, got, h);
    fclose(f);
    return h ? h : 14695981039346656037ULL;
}

/* company.csv's settings into M: the calendar, cash and pricing targets.
 * Returns whether the horizon is known (company.csv gives a good one, or
 * none, which is the default's). */
static int load_company(struct model *m, const struct table *t, struct diag *d)
{
    struct settings set;
    load_settings(t, d, &set);
    m->cash = set.cash;
    m->min_cash = set.min_cash;
    m->target_margin = set.target_margin;
    m->confidence = set.confidence;
    m->cal.months = (int)set.months;
    if (set.start >= 0) {
        m->cal.start_year = set.start / 12;
        m->cal.start_month = set.start % 12 + 1;
    }
    m->currency = set.currency;
    if (!m->currency && !(m->currency = mem_strdup("USD")))
        diag_nomem(d);
    return set.horizon_known;
}

static enum status read_file(struct model *m, enum model_file f, struct diag *d, struct table **t)
{
    char path[4096]; /* also how messages name the file */
    snprintf(path, sizeof path, "%s/%s", m->dir, file_names[f]);
    *t = NULL;
    m->sources[f].file = file_names[f];
    struct stat st;
    /* lstat: a link to nothing is there, and refused (table_open), not
     * skipped as an absent optional file */
    if (!file_required[f] && lstat(path, &st) != 0)
        return ST_OK;
    enum status s = table_read(path, path, d, t);
    if (s == ST_OK || s == ST_DATA) {
        m->sources[f].present = 1;
        m->sources[f].checksum = file_checksum(path);
    }
    if (*t) {
        m->sources[f].rows = (*t)->nrows;
        if ((*t)->ncols && !(m->sources[f].head = mem_calloc((*t)->ncols, sizeof *m->sources[f].head)))
            diag_nomem(d);
        for (size_t i = 0; m->sources[f].head && i < (*t)->ncols; i++)
            if (!(m->sources[f].head[m->sources[f].ncols++] = mem_strdup((*t)->head[i])))
                diag_nomem(d);
        if (file_stream_rows[f] && (*t)->nrows > file_stream_rows[f])
            diag_error(d, path, table_line(*t, file_stream_rows[f], 0), 1,
                       "%zu rows; cpcsim can draw distinct random numbers for at most %lu rows a file "
                       "(this row is the first beyond it): merge rows to stay within the limit",
                       (*t)->nrows, file_stream_rows[f]);
    }
    return s;
}

/* The value cells of each file, the fields that may hold a distribution
 * (the spec's U), in column order: both walks below visit these, row by
 * row, so that a new value column is added here only. */
static const struct value_column {
    enum model_file file;
    const char *name;
    size_t offset; /* of its struct dist within the file's row struct */
} value_columns[] = {
    { MF_PLANS, "price", offsetof(struct plan, price) },
    { MF_SCENARIOS, "new_customers", offsetof(struct scenario, new_customers) },
    { MF_SCENARIOS, "growth", offsetof(struct scenario, growth) },
    { MF_SCENARIOS, "churn", offsetof(struct scenario, churn) },
    { MF_SCENARIOS, "deal_slip", offsetof(struct scenario, deal_slip) },
    { MF_SCENARIOS, "deal_loss", offsetof(struct scenario, deal_loss) },
    { MF_SCENARIOS, "deal_delay", offsetof(struct scenario, deal_delay) },
    { MF_INFRA, "cost", offsetof(struct infra_line, cost) },
    { MF_INFRA, "escalation", offsetof(struct infra_line, escalation) },
    { MF_STAFF, "salary", offsetof(struct role, salary_per_year) },
    { MF_STAFF, "overhead", offsetof(struct role, overhead) },
    { MF_STAFF, "raise", offsetof(struct role, raise) },
    { MF_FEATURES, "effort", offsetof(struct feature, effort) },
    { MF_FEATURES, "run_cost", offsetof(struct feature, run_cost) },
    { MF_FEATURES, "run_cost_per_customer", offsetof(struct feature, run_cost_per_customer) },
    { MF_FUNDING, "amount", offsetof(struct round, amount) },
};
#define NVALUE_COLUMNS (sizeof value_columns / sizeof value_columns[0])

/* Calls FN on the value cells of file F's N rows of SIZE bytes at ROWS,
 * with each row's line (the first member of every row struct, schema.h). */
static void visit_rows(enum model_file f, const void *rows, size_t n, size_t size,
                       void (*fn)(void *ctx, enum model_file f, long line, const char *column,
                                  const struct dist *v),
                       void *ctx)
{
    const char *row = rows;
    for (size_t r = 0; r < n; r++, row += size)
        for (size_t k = 0; k < NVALUE_COLUMNS; k++)
            if (value_columns[k].file == f)
                fn(ctx, f, *(const long *)(const void *)row, value_columns[k].name,
                   (const struct dist *)(const void *)(row + value_columns[k].offset));
}

void model_for_each_value(const struct model *m,
                          void (*fn)(void *ctx, enum model_file f, long line, const char *column,
                                     const struct dist *v),
                          void *ctx)
{
    visit_rows(MF_PLANS, m->plans, m->nplans, sizeof *m->plans, fn, ctx);
    visit_rows(MF_SCENARIOS, m->scenarios, m->nscenarios, sizeof *m->scenarios, fn, ctx);
    visit_rows(MF_INFRA, m->infra, m->ninfra, sizeof *m->infra, fn, ctx);
    visit_rows(MF_STAFF, m->roles, m->nroles, sizeof *m->roles, fn, ctx);
    visit_rows(MF_FEATURES, m->features, m->nfeatures, sizeof *m->features, fn, ctx);
    visit_rows(MF_FUNDING, m->rounds, m->nrounds, sizeof *m->rounds, fn, ctx);
}

/* The offset of each file's row name (its first column) within its row
 * struct, for the files that have value cells. */
static size_t name_offset(enum model_file f)
{
    switch (f) {
    case MF_PLANS: return offsetof(struct plan, name);
    case MF_SCENARIOS: return offsetof(struct scenario, name);
    case MF_INFRA: return offsetof(struct infra_line, item);
    case MF_STAFF: return offsetof(struct role, name);
    case MF_FEATURES: return offsetof(struct feature, name);
    case MF_FUNDING: return offsetof(struct round, name);
    default: return 0;
    }
}

static void cell_rows(enum model_file f, const void *rows, size_t n, size_t size,
                      void (*fn)(void *ctx, const struct model_cell *c), void *ctx)
{
    const char *row = rows;
    for (size_t r = 0; r < n; r++, row += size) {
        struct model_cell c = { .file = f, .row = r, .line = *(const long *)(const void *)row,
                                .row_name = *(char *const *)(const void *)(row + name_offset(f)) };
        for (size_t k = 0; k < NVALUE_COLUMNS; k++) {
            if (value_columns[k].file != f)
                continue;
            c.column_name = value_columns[k].name;
            c.value = (const struct dist *)(const void *)(row + value_columns[k].offset);
            fn(ctx, &c);
            c.column++;
        }
    }
}

void model_for_each_cell(const struct model *m, void (*fn)(void *ctx, const struct model_cell *c), void *ctx)
{
    cell_rows(MF_PLANS, m->plans, m->nplans, sizeof *m->plans, fn, ctx);
    cell_rows(MF_SCENARIOS, m->scenarios, m->nscenarios, sizeof *m->scenarios, fn, ctx);
    cell_rows(MF_INFRA, m->infra, m->ninfra, sizeof *m->infra, fn, ctx);
    cell_rows(MF_STAFF, m->roles, m->nroles, sizeof *m->roles, fn, ctx);
    cell_rows(MF_FEATURES, m->features, m->nfeatures, sizeof *m->features, fn, ctx);
    cell_rows(MF_FUNDING, m->rounds, m->nrounds, sizeof *m->rounds, fn, ctx);
}

struct dist *model_cell_value(struct model *m, enum model_file f, size_t row, unsigned column)
{
    char *rows = NULL;
    size_t n = 0, size = 0;
    switch (f) {
    case MF_PLANS: rows = (char *)m->plans, n = m->nplans, size = sizeof *m->plans; break;
    case MF_SCENARIOS: rows = (char *)m->scenarios, n = m->nscenarios, size = sizeof *m->scenarios; break;
    case MF_INFRA: rows = (char *)m->infra, n = m->ninfra, size = sizeof *m->infra; break;
    case MF_STAFF: rows = (char *)m->roles, n = m->nroles, size = sizeof *m->roles; break;
    case MF_FEATURES: rows = (char *)m->features, n = m->nfeatures, size = sizeof *m->features; break;
    case MF_FUNDING: rows = (char *)m->rounds, n = m->nrounds, size = sizeof *m->rounds; break;
    default: return NULL;
    }
    if (row >= n)
        return NULL;
    unsigned k = 0;
    for (size_t i = 0; i < NVALUE_COLUMNS; i++) {
        if (value_columns[i].file != f)
            continue;
        if (k++ == column)
            return (struct dist *)(void *)(rows + row * size + value_columns[i].offset);
    }
    return NULL;
}

/* As visit_rows, for a walk that changes the cells. */
static void change_rows(enum model_file f, void *rows, size_t n, size_t size, void (*fn)(struct dist *v, void *ctx),
                        void *ctx)
{
    char *row = rows;
    for (size_t r = 0; r < n; r++, row += size)
        for (size_t k = 0; k < NVALUE_COLUMNS; k++)
            if (value_columns[k].file == f)
                fn((struct dist *)(void *)(row + value_columns[k].offset), ctx);
}

/* As model_for_each_value, in the same order, for what changes M's value
 * cells: the tables that speed up their draws. */
static void change_each_value(struct model *m, void (*fn)(struct dist *v, void *ctx), void *ctx)
{
    change_rows(MF_PLANS, m->plans, m->nplans, sizeof *m->plans, fn, ctx);
    change_rows(MF_SCENARIOS, m->scenarios, m->nscenarios, sizeof *m->scenarios, fn, ctx);
    change_rows(MF_INFRA, m->infra, m->ninfra, sizeof *m->infra, fn, ctx);
    change_rows(MF_STAFF, m->roles, m->nroles, sizeof *m->roles, fn, ctx);
    change_rows(MF_FEATURES, m->features, m->nfeatures, sizeof *m->features, fn, ctx);
    change_rows(MF_FUNDING, m->rounds, m->nrounds, sizeof *m->rounds, fn, ctx);
}

/* What model_prepare_draws and model_free do to each value cell: make and
 * free the tables that speed up its draws (dist_prepare). */
static void prepare_value(struct dist *v, void *ctx)
{
    int *failed = ctx;
    if (!*failed && dist_prepare(v))
        *failed = 1;
}

static void release_value(struct dist *v, void *ctx)
{
    (void)ctx;
    dist_release(v);
}

/* Whether NAME ends in ".csv", in any case. */
static int is_csv(const char *name)
{
    size_t n = strlen(name);
    return n >= 4 && schema_name_eq(name + n - 4, ".csv");
}

static int by_text(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Reports every CSV file of the folder M->dir that is not a model file
 * (Funding.csv, pipline.csv: a file cpcsim would silently not read), in
 * name order, naming the closest model file when one is close.  Names
 * starting with a dot (editors' and systems' own files) are left alone. */
static void check_folder(const struct model *m, struct diag *d)
{
    DIR *dir = opendir(m->dir);
    if (!dir)
        return; /* the model's files then say why */
    char **stray = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(dir)) != NULL) {
        if (e->d_name[0] == '.' || !is_csv(e->d_name))
            continue;
        int known = 0;
        for (int f = 0; f < MF_COUNT && !known; f++)
            known = !strcmp(e->d_name, file_names[f]);
        if (known)
            continue;
        if (n == cap) {
            size_t grown_cap = cap ? 2 * cap : 8;
            char **grown = mem_realloc(stray, grown_cap, sizeof *grown);
            if (!grown)
                break;
            stray = grown;
            cap = grown_cap;
        }
        if (!(stray[n] = mem_strdup(e->d_name)))
            break;
        n++;
    }
    if (e) /* stopped early: memory ran out */
        diag_nomem(d);
    closedir(dir);
    if (n) /* qsort takes no NULL array, even empty */
        qsort(stray, n, sizeof *stray, by_text);
    for (size_t i = 0; i < n; i++) {
        /* the closest model file, compared in lower case */
        char lower[64];
        size_t len = strlen(stray[i]), best = SIZE_MAX;
        int near = -1;
        for (size_t k = 0; k < len && k < sizeof lower; k++)
            lower[k] = (char)tolower((unsigned char)stray[i][k]);
        for (int f = 0; f < MF_COUNT && len < sizeof lower; f++) {
            size_t dist = cli_distance(lower, len, file_names[f], strlen(file_names[f]));
            if (dist <= 2 && dist < best) {
                best = dist;
                near = f;
            }
        }
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", m->dir, stray[i]);
        if (near >= 0)
            diag_error(d, path, 0, 0, "not a file of a model; did you mean %s? (cpcsim reads %s only by that name)",
                       file_names[near], file_names[near]);
        else
            diag_error(d, path, 0, 0, "not a file of a model: a model folder holds company.csv, plans.csv, "
                       "scenarios.csv, infra.csv, staff.csv, features.csv, pipeline.csv, funding.csv and "
                       "correlations.csv only; "
                       "move other CSV files out of it");
        mem_free(stray[i]);
    }
    mem_free(stray);
}

static size_t check_arrivals(const struct model *m, struct diag *d);

enum status model_load(const char *dir, struct diag *d, struct model **out)
{
    *out = NULL;
    struct stat st;
    if (stat(dir, &st) == 0 && !S_ISDIR(st.st_mode)) {
        diag_fail(d, ST_NOINPUT, dir, 0, 0, "is a file, not a model folder (a model is a folder of CSV files: "
                  "company.csv, plans.csv, scenarios.csv, infra.csv, staff.csv, ...)");
        return ST_NOINPUT;
    }
    if (stat(dir, &st) != 0) {
        diag_fail(d, ST_NOINPUT, dir, 0, 0, "no such model folder (a model is a folder of CSV files: company.csv, "
                  "plans.csv, scenarios.csv, infra.csv, staff.csv, ...)");
        return ST_NOINPUT;
    }
    struct model *m = mem_calloc(1, sizeof *m);
    if (!m || !(m->dir = mem_strdup(dir))) {
        mem_free(m);
        diag_nomem(d);
        return ST_NOMEM;
    }
    m->cpc_plan = -1;
    size_t len = strlen(m->dir);
    while (len > 1 && m->dir[len - 1] == '/')
        m->dir[--len] = '\0';
    struct table *t[MF_COUNT] = { 0 };
    enum status worst = ST_OK;
    check_folder(m, d);
    for (int f = 0; f < MF_COUNT; f++)
        worst = status_worse(worst, read_file(m, (enum model_file)f, d, &t[f]));
    m->cal.months = 36;
    int horizon_known = t[MF_COMPANY] && load_company(m, t[MF_COMPANY], d);
    if (!horizon_known) /* the model is refused: months are read against any horizon cpcsim allows */
        m->cal.months = CALENDAR_MAX_MONTHS;
    if (t[MF_PLANS])
        load_plans(t[MF_PLANS], &m->cal, d, &m->plans, &m->nplans);
    if (t[MF_COMPANY]) {
        schema_setting_place(t[MF_COMPANY], "cash", &m->cash_at[0], &m->cash_at[1]);
        schema_setting_place(t[MF_COMPANY], "min_cash", &m->min_cash_at[0], &m->min_cash_at[1]);
    }
    if (t[MF_SCENARIOS])
        load_scenarios(t[MF_SCENARIOS], &m->cal, d, &m->scenarios, &m->nscenarios);
    if (t[MF_INFRA])
        load_infra(t[MF_INFRA], &m->cal, d, &m->infra, &m->ninfra);
    if (t[MF_STAFF])
        load_staff(t[MF_STAFF], &m->cal, d, &m->roles, &m->nroles);
    /* the names other files refer to, indexed once: a lookup per reference
     * is then a binary search, not a walk over every row */
    struct names *plan_names = names_new(m->plans, m->nplans, sizeof *m->plans, offsetof(struct plan, name));
    struct names *role_names = names_new(m->roles, m->nroles, sizeof *m->roles, offsetof(struct role, name));
    if (!plan_names || !role_names)
        diag_nomem(d);
    const struct load_refs refs = {
        m->plans, m->nplans, plan_names, plan_names && load_plans_whole(t[MF_PLANS], m->plans, m->nplans),
        m->roles, m->nroles, role_names, role_names && load_staff_whole(t[MF_STAFF], m->roles, m->nroles),
    };
    if (t[MF_FEATURES])
        load_features(t[MF_FEATURES], &m->cal, d, &refs, &m->features, &m->nfeatures);
    if (t[MF_PIPELINE])
        load_deals(t[MF_PIPELINE], &m->cal, d, &refs, &m->deals, &m->ndeals);
    names_free(plan_names);
    names_free(role_names);
    if (t[MF_FUNDING])
        load_rounds(t[MF_FUNDING], &m->cal, d, &m->rounds, &m->nrounds);
    const size_t before = diag_errors(d);
    if (t[MF_CORRELATIONS])
        correl_load(t[MF_CORRELATIONS], &m->cal, d, &m->correlations, &m->ncorrelations);
    const size_t correl_errors = diag_errors(d) - before;
    if (worst == ST_OK && diag_status(d) != ST_NOMEM && diag_errors(d) == correl_errors && horizon_known) {
        /* names resolve only against a model that checks whole */
        if (!model_check(m, NULL, 0, d) && t[MF_CORRELATIONS])
            correl_check(m, t[MF_CORRELATIONS], d);
    } else if (diag_status(d) != ST_NOMEM && horizon_known) {
        /* a model with other problems is not checked whole, but a growth
         * of 50 meant as 50% is said with them: it needs only the
         * scenarios' own cells */
        check_arrivals(m, d);
    }
    for (int f = 0; f < MF_COUNT; f++)
        table_free(t[f]);
    worst = status_worse(worst, diag_status(d));
    if (worst != ST_OK) {
        model_free(m);
        return worst;
    }
    *out = m;
    return ST_OK;
}

void model_free(struct model *m)
{
    if (!m)
        return;
    change_each_value(m, release_value, NULL);
    load_free_plans(m->plans, m->nplans);
    load_free_scenarios(m->scenarios, m->nscenarios);
    load_free_infra(m->infra, m->ninfra);
    load_free_staff(m->roles, m->nroles);
    load_free_features(m->features, m->nfeatures);
    load_free_deals(m->deals, m->ndeals);
    load_free_rounds(m->rounds, m->nrounds);
    correl_free_rows(m->correlations, m->ncorrelations);
    for (int f = 0; f < MF_COUNT; f++) {
        for (size_t i = 0; i < m->sources[f].ncols; i++)
            mem_free(m->sources[f].head[i]);
        mem_free(m->sources[f].head);
    }
    mem_free(m->currency);
    mem_free(m->dir);
    mem_free(m);
}

enum status model_prepare_draws(struct model *m)
{
    int failed = 0;
    change_each_value(m, prepare_value, &failed);
    return failed ? ST_NOMEM : ST_OK;
}

const char *model_file_name(enum model_file f)
{
    return file_names[f];
}

void model_file_path(const struct model *m, enum model_file f, char *buf, size_t len)
{
    snprintf(buf, len, "%s/%s", m->dir, file_names[f]);
}

int model_column(const struct model *m, enum model_file f, const char *name)
{
    const struct model_source *s = &m->sources[f];
    for (size_t i = 0; i < s->ncols; i++)
        if (schema_name_eq(s->head[i], name))
            return (int)i + 1;
    return 0;
}

int model_check_wants(const struct model_cell_id *edited, size_t n, enum model_file f, size_t row, int column)
{
    if (!edited)
        return 1;
    for (size_t i = 0; i < n; i++)
        if (edited[i].file == f && edited[i].row == row && (column < 0 || edited[i].column == (unsigned)column))
            return 1;
    return 0;
}

/* Every scenario's arrival rate in the last month, at the means of
 * new_customers and growth, within SCENARIO_MAX_RATE: beyond it cpcsim
 * cannot count customers (a growth of 50 meant as 50% is the usual
 * cause).  Returns the number of errors. */
static size_t check_arrivals(const struct model *m, struct diag *d)
{
    char path[4096];
    model_file_path(m, MF_SCENARIOS, path, sizeof path);
    int new_col = model_column(m, MF_SCENARIOS, "new_customers"), growth_col = model_column(m, MF_SCENARIOS, "growth");
    size_t errors = 0;
    for (size_t i = 0; i < m->nscenarios; i++) {
        const struct scenario *s = &m->scenarios[i];
        double start = dist_mean(&s->new_customers), g = dist_mean(&s->growth);
        double last = start * pow(1 + g, m->cal.months - 1);
        if (!(last <= SCENARIO_MAX_RATE) && isfinite(start) && isfinite(g)) {
            diag_error(d, path, s->line, g > 0 && growth_col > 0 ? growth_col : new_col,
                       "%s: %g new customers a month%s would reach %.3g a month by month %d, beyond the %g cpcsim "
                       "can count; is a growth of %g meant as %g%%?",
                       g > 0 ? "growth" : "new_customers", start, g > 0 ? " growing at that rate" : "", last,
                       m->cal.months, SCENARIO_MAX_RATE, g, g);
            errors++;
        }
    }
    return errors;
}

struct clamp_ctx {
    const struct model *m;
    const struct model_cell_id *edited;
    size_t nedited;
    struct diag *d;
};

static void warn_clamped(void *ctx, const struct model_cell *cell)
{
    const struct clamp_ctx *c = ctx;
    const struct dist *v = cell->value;
    if (!dist_is_uncertain(v) || !model_check_wants(c->edited, c->nedited, cell->file, cell->row, (int)cell->column))
        return;
    double out = dist_mass_outside(v);
    if (out > 0.01) {
        char name[4096], desc[256];
        model_file_path(c->m, cell->file, name, sizeof name);
        dist_describe(v, desc, sizeof desc);
        diag_warn(c->d, name, cell->line, 0, "%s: %s puts %.1f%% of its draws %s; they are clamped", cell->column_name,
                  desc, 100 * out,
                  v->range == RANGE_RATE ? "outside 0 to 1" : v->range == RANGE_CHANGE ? "below -100%" : "below 0");
    }
}

size_t model_check(const struct model *m, const struct model_cell_id *edited, size_t n, struct diag *d)
{
    /* arrivals beyond counting would make every bound below overflow too */
    size_t errors = check_arrivals(m, d);
    if (errors)
        return errors;
    errors = bounds_check(m, edited, n, d);
    struct clamp_ctx c = { m, edited, n, d };
    model_for_each_cell(m, warn_clamped, &c);
    return errors;
}
