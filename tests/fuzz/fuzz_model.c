/*
 * fuzz_model.c - libFuzzer harness for model_load (sim/model.h) and a tiny
 * engine_run (sim/engine.h) on what loads, after model_prepare_draws.
 *
 * The input is a model folder written as one text: its files in the order
 * company.csv, plans.csv, scenarios.csv, infra.csv, staff.csv, features.csv,
 * pipeline.csv, funding.csv, correlations.csv, separated by the line "====="
 * (the bytes "\n=====\n").  Files past the input's parts are absent; a part
 * that is exactly "!absent" leaves its file absent too (so pipeline.csv can
 * be given without features.csv).  A part that is exactly "!fifo", "!dir"
 * or "!dangling" puts a FIFO, a folder or a symbolic link to nothing where
 * the file should be.  A tenth part, when there is one, is another file of
 * the folder: its first line is its name (kept to [A-Za-z0-9._-], at most
 * 40 bytes, a leading '.' dropped), the rest its contents; the tenth part
 * takes the rest of the input.  The files are written into one temporary
 * folder per process (under $TMPDIR, removed at exit), rewritten for every
 * input.
 *
 * Checks, abort() when broken: a load that fails has an error in the diag
 * and returns the status the diag holds (ST_NOINPUT for a missing file); a
 * load that succeeds has no error; a FIFO, folder or dangling link where a
 * model file should be fails the load with ST_NOINPUT (at once, never a
 * hang), and a CSV file in the folder that is not a model file fails it too.  A model that loads, with a horizon of at
 * most 120 months, is run for 8 paths on one thread over all its scenarios
 * (as many as fit ENGINE_HIST_BUDGET, at least one), which must give ST_OK
 * and results of the model's shape, with P(runway <= m) within 0..1 and
 * non-decreasing in m.
 *
 * Built and run by tests/fuzz/run.sh.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>

#include "sim/diag.h"
#include "sim/engine.h"
#include "sim/model.h"
#include "sim/stats.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_model: invariant broken: %s (%s:%d)\n", #cond, __FILE__,       \
                    __LINE__);                                                                     \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

#define NFILES 9
#define EXTRA_NAME_MAX 40
#define MAX_ENGINE_MONTHS 120
#define ENGINE_PATHS 8
/* The engine keeps a histogram per figure, per month and per scenario: two
 * windows of HISTSET_WINDOW counts of 3 bytes, and for values outside them a
 * directory of pages and at most one page of HIST_PAGE counts a value (42
 * KiB at ENGINE_PATHS values): about 72 MB per scenario at 120 months.
 * Scenarios past this budget are left out of the run, so that a model with
 * many scenarios is not reported as an out-of-memory crash of the harness. */
#define ENGINE_HIST_BUDGET (256.0 * 1024 * 1024)

static const char *const files[NFILES] = {
    "company.csv", "plans.csv", "scenarios.csv", "infra.csv",
    "staff.csv", "features.csv", "pipeline.csv", "funding.csv", "correlations.csv",
};
static const char sep[] = "\n=====\n";
static const char absent[] = "!absent";
/* what stands where a model file should be, instead of a file */
static const char *const odd_kinds[] = { "!fifo", "!dir", "!dangling" };

static char dir[4096];
static char paths[NFILES][4200];
static char extra[4200]; /* the tenth part's file, "" when none */

/* Removes whatever stands at PATH: a file, a FIFO, a link or a folder. */
static void clear(const char *path)
{
    if (unlink(path) != 0 && errno != ENOENT)
        rmdir(path);
}

static void remove_dir(void)
{
    if (!dir[0])
        return;
    for (int f = 0; f < NFILES; f++)
        clear(paths[f]);
    if (extra[0])
        clear(extra);
    rmdir(dir);
}

/* Puts odd kind K (an index of odd_kinds) at PATH. */
static void make_odd(const char *path, int k)
{
    int r = k == 0 ? mkfifo(path, 0600) : k == 1 ? mkdir(path, 0700) : symlink("no-such-file.csv", path);
    if (r != 0) {
        fprintf(stderr, "fuzz_model: cannot make %s %s: %s\n", odd_kinds[k] + 1, path, strerror(errno));
        exit(1);
    }
}

static int odd_kind(const uint8_t *p, size_t n)
{
    for (int k = 0; k < (int)(sizeof odd_kinds / sizeof *odd_kinds); k++)
        if (n == strlen(odd_kinds[k]) && !memcmp(p, odd_kinds[k], n))
            return k;
    return -1;
}

static int ends_csv(const char *name)
{
    size_t n = strlen(name);
    return n >= 4 && (name[n - 4] == '.') && (name[n - 3] | 0x20) == 'c' && (name[n - 2] | 0x20) == 's' &&
           (name[n - 1] | 0x20) == 'v';
}

/* Writes the tenth part P..END (a name line, then contents) as a file of the
 * folder; returns 1 when it is a CSV file that is not a model file (a load
 * must then fail), 0 otherwise (no file, or one cpcsim does not read). */
static void write_file(const char *path, const uint8_t *p, size_t n);

static int write_extra(const uint8_t *p, const uint8_t *end)
{
    char name[EXTRA_NAME_MAX + 1];
    size_t n = 0;
    const uint8_t *q = p;
    for (; q < end && *q != '\n'; q++)
        if (n < EXTRA_NAME_MAX && (isalnum(*q) || *q == '.' || *q == '_' || *q == '-') && (n || *q != '.'))
            name[n++] = (char)*q;
    name[n] = 0;
    if (q < end)
        q++;
    if (!n)
        return 0;
    for (int f = 0; f < NFILES; f++)
        if (!strcmp(name, files[f]))
            return 0; /* a model file: its own part says what it holds */
    snprintf(extra, sizeof extra, "%s/%s", dir, name);
    write_file(extra, q, (size_t)(end - q));
    return ends_csv(name);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    gsl_set_error_handler_off(); /* as main() does */
    const char *tmp = getenv("TMPDIR");
    if (!tmp || !*tmp)
        tmp = "/tmp";
    snprintf(dir, sizeof dir, "%s/cpcsim-fuzz-model-XXXXXX", tmp);
    if (!mkdtemp(dir)) {
        fprintf(stderr, "fuzz_model: cannot create a folder under %s: %s\n", tmp, strerror(errno));
        exit(1);
    }
    for (int f = 0; f < NFILES; f++)
        snprintf(paths[f], sizeof paths[f], "%s/%s", dir, files[f]);
    atexit(remove_dir);
    return 0;
}

static const uint8_t *find_sep(const uint8_t *p, const uint8_t *end)
{
    size_t n = sizeof sep - 1;
    for (; (size_t)(end - p) >= n; p++)
        if (*p == (uint8_t)sep[0] && !memcmp(p, sep, n))
            return p;
    return NULL;
}

static void write_file(const char *path, const uint8_t *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(p, 1, n, f) != n || fclose(f) != 0) {
        fprintf(stderr, "fuzz_model: cannot write %s: %s\n", path, strerror(errno));
        exit(1);
    }
}

/* A figure's statistics: at most one value per path, quantiles in order,
 * a share within 0..1. */
static void check_row(const struct stat_row *row)
{
    CHECK(row->n <= ENGINE_PATHS);
    double prev = -INFINITY;
    for (int q = 0; q < Q_COUNT; q++) {
        if (isnan(row->q[q]))
            continue;
        CHECK(row->q[q] >= prev);
        prev = row->q[q];
    }
    CHECK(isnan(row->prob_plan) || (row->prob_plan >= 0 && row->prob_plan <= 1));
}

static void check_results(const struct model *m, const struct results *r, const size_t *scen)
{
    CHECK(r->nscenarios >= 1 && r->nscenarios <= m->nscenarios);
    CHECK(r->months == m->cal.months);
    CHECK(r->paths == ENGINE_PATHS);
    for (size_t s = 0; s < r->nscenarios; s++) {
        CHECK(r->scenarios[s] == scen[s]);
        double prev = 0;
        for (int mo = 1; mo <= r->months; mo++) {
            double p = r->cash_out_by_month[s * (size_t)r->months + (size_t)(mo - 1)];
            CHECK(p >= prev && p <= 1);
            prev = p;
        }
        for (size_t k = 0; k < SM_COUNT; k++)
            check_row(&r->summary[s * SM_COUNT + k]);
        for (size_t i = 0; i < (size_t)r->months * MM_COUNT; i++)
            check_row(&r->monthly[s * (size_t)r->months * MM_COUNT + i]);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *p = data, *end = data + size;
    int f = 0, written[NFILES] = { 0 }, odd = 0;
    if (extra[0]) {
        clear(extra);
        extra[0] = 0;
    }
    for (; f < NFILES && p; f++) {
        const uint8_t *next = find_sep(p, end);
        size_t n = (size_t)((next ? next : end) - p);
        int k = odd_kind(p, n);
        clear(paths[f]);
        if (n == sizeof absent - 1 && !memcmp(p, absent, n)) {
            /* left absent */
        } else if (k >= 0) {
            make_odd(paths[f], k);
            odd = 1;
        } else {
            write_file(paths[f], p, n);
            written[f] = 1;
        }
        p = next ? next + sizeof sep - 1 : NULL;
    }
    for (; f < NFILES; f++)
        clear(paths[f]);
    int stray = p ? write_extra(p, end) : 0;

    struct diag *d = diag_new();
    if (!d)
        return 0;
    struct model *m = (struct model *)0x1; /* model_load must set it */
    enum status st = model_load(dir, d, &m);
    if (st != ST_OK) {
        CHECK(m == NULL);
        CHECK(st == ST_DATA || st == ST_NOINPUT || st == ST_NOMEM);
        CHECK(diag_status(d) == st);
        if (st != ST_NOMEM)
            CHECK(diag_errors(d) >= 1);
        if (odd)
            CHECK(st == ST_NOINPUT || st == ST_NOMEM);
        diag_free(d);
        return 0;
    }
    CHECK(!odd && !stray);
    CHECK(m != NULL);
    CHECK(diag_errors(d) == 0);
    CHECK(m->cal.months >= 1 && m->cal.months <= CALENDAR_MAX_MONTHS);
    CHECK(m->nplans >= 1 && m->nscenarios >= 1);
    for (int i = 0; i < NFILES; i++)
        CHECK(m->sources[i].present == written[i]);
    model_check(m, NULL, 0, d);

    /* as run does: beta and PERT cells draw through their quantile tables */
    enum status prepared = model_prepare_draws(m);
    CHECK(prepared == ST_OK || prepared == ST_NOMEM);
    if (prepared == ST_OK && m->cal.months <= MAX_ENGINE_MONTHS) {
        size_t *scen = calloc(m->nscenarios, sizeof *scen);
        if (scen) {
            double per = ((double)m->cal.months * MM_COUNT + SM_COUNT) *
                         (6.0 * HISTSET_WINDOW + 2.0 * HIST_PAGES * sizeof(void *) +
                          ENGINE_PATHS * HIST_PAGE * sizeof(uint32_t));
            size_t ns = 0;
            while (ns < m->nscenarios && (ns == 0 || (double)(ns + 1) * per <= ENGINE_HIST_BUDGET)) {
                scen[ns] = ns;
                ns++;
            }
            struct run_options o = {
                .seed = 20270101, .paths = ENGINE_PATHS, .threads = 1,
                .scenarios = scen, .nscenarios = ns,
            };
            struct results *r = NULL;
            enum status rs = engine_run(m, &o, &r);
            CHECK(rs == ST_OK || rs == ST_NOMEM);
            if (rs == ST_OK) {
                CHECK(r != NULL);
                check_results(m, r, scen);
            }
            results_free(r);
            free(scen);
        }
    }
    model_free(m);
    diag_free(d);
    return 0;
}
