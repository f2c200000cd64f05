/*
 * fuzz_model.c - libFuzzer harness for model_load (sim/model.h) and a tiny
 * engine_run (sim/engine.h) on what loads, after model_prepare_draws.
 *
 * The input is a model folder written as one text: its files in the order
 * company.csv, plans.csv, scenarios.csv, infra.csv, staff.csv, features.csv,
 * pipeline.csv, funding.csv, correlations.csv, separated by the line "====="
 * (the bytes "\n=====\n").  Files past the input's parts are absent; a part
 * that is exactly "!absent" leaves its file absent too (so pipeline.csv can
 * be given without features.csv); the ninth part takes the rest of the input.
 * The files are written into one temporary folder per process (under
 * $TMPDIR, removed at exit), rewritten for every input.
 *
 * Checks, abort() when broken: a load that fails has an error in the diag
 * and returns the status the diag holds (ST_NOINPUT for a missing file); a
 * load that succeeds has no error.  A model that loads, with a horizon of at
 * most 120 months, is run for 8 paths on one thread over all its scenarios
 * (as many as fit ENGINE_HIST_BUDGET, at least one), which must give ST_OK
 * and results of the model's shape, with P(runway <= m) within 0..1 and
 * non-decreasing in m.
 *
 * Built and run by tests/fuzz/run.sh.
 */
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

static char dir[4096];
static char paths[NFILES][4200];

static void remove_dir(void)
{
    if (!dir[0])
        return;
    for (int f = 0; f < NFILES; f++)
        unlink(paths[f]);
    rmdir(dir);
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
    int f = 0, written[NFILES] = { 0 };
    for (; f < NFILES && p; f++) {
        const uint8_t *next = f + 1 < NFILES ? find_sep(p, end) : NULL;
        size_t n = (size_t)((next ? next : end) - p);
        if (n == sizeof absent - 1 && !memcmp(p, absent, n)) {
            unlink(paths[f]);
        } else {
            write_file(paths[f], p, n);
            written[f] = 1;
        }
        p = next ? next + sizeof sep - 1 : NULL;
    }
    for (; f < NFILES; f++)
        unlink(paths[f]);

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
        diag_free(d);
        return 0;
    }
    CHECK(m != NULL);
    CHECK(diag_errors(d) == 0);
    CHECK(m->cal.months >= 1 && m->cal.months <= CALENDAR_MAX_MONTHS);
    CHECK(m->nplans >= 1 && m->nscenarios >= 1);
    for (int i = 0; i < NFILES; i++)
        CHECK(m->sources[i].present == written[i]);
    model_warn_clamping(m, d);

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
