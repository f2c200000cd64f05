/*
 * cmd_check.c - "cpcsim check MODEL": validate a model without simulating.
 *
 * Loads the model as a run would, then prints what it holds: the company's
 * settings, the names in each file, and every value cell (a field that may
 * hold a distribution): first those fixed at one number, then the uncertain
 * ones with their distribution and mean; then every warning.  A model with problems prints the problems instead
 * (cli_load_model) and exits 65 or 66.
 */
#include <stddef.h>
#include <stdio.h>

#include "sim/term.h"
#include "sim/cli.h"
#include "sim/correl.h"
#include "sim/diag.h"
#include "models/dist.h"
#include "sim/model.h"
#include "sim/status.h"

struct check_args {
    const char *model;
};

static const struct cli_operand check_operands[] = {
    { "MODEL", "MODEL folder", offsetof(struct check_args, model) },
};

static const struct cli_option check_options[] = {
    { "help", 'h', NULL, CLI_SHOW_HELP, 0, .help = "show this help" },
};
_Static_assert(CLI_COUNT(check_options) <= CLI_MAX_OPTIONS, "check: more options than cli_parse takes");

static int check_main(int argc, char **argv);

const struct cli_command cmd_check_command = {
    .name = "check",
    .main = check_main,
    .summary = "validate a model folder without simulating",
    .operands = check_operands,
    .noperands = CLI_COUNT(check_operands),
    .options = check_options,
    .noptions = CLI_COUNT(check_options),
    .about = "Validate the model folder without simulating: print what it holds (plans, scenarios,\n"
             "cost lines, roles, features, deals, funding, horizon), every value cell (first the\n"
             "fixed ones with their number, then the uncertain ones with their distribution and\n"
             "mean), the rank correlations correlations.csv asks for, and every problem found,\n"
             "each with its file, line and column. Exit 0 when the model can be run, 65 when\n"
             "its data is wrong, 66 when a file is missing.\n",
    .notes = NULL,
};

static void list_names(const char *what, size_t n, const char *(*name)(const struct model *, size_t),
                       const struct model *m)
{
    printf("  %-14s %zu", what, n);
    for (size_t i = 0; i < n && i < 12; i++)
    {
        printf("%s ", i ? "," : ":");
        term_put(stdout, name(m, i));
    }
    if (n > 12)
        printf(", ...");
    putchar('\n');
}

static const char *plan_name(const struct model *m, size_t i) { return m->plans[i].name; }
static const char *scenario_name(const struct model *m, size_t i) { return m->scenarios[i].name; }
static const char *infra_name(const struct model *m, size_t i) { return m->infra[i].item; }
static const char *role_name(const struct model *m, size_t i) { return m->roles[i].name; }
static const char *feature_name(const struct model *m, size_t i) { return m->features[i].name; }
static const char *deal_name(const struct model *m, size_t i) { return m->deals[i].name; }
static const char *round_name(const struct model *m, size_t i) { return m->rounds[i].name; }

/* Which value cells show_value prints (the fixed or the uncertain ones),
 * and how many it did. */
struct shown {
    const struct model *m;
    int uncertain;
    size_t n;
};

static void show_value(void *ctx, enum model_file f, long line, const char *col, const struct dist *v)
{
    struct shown *sh = ctx;
    if (!!dist_is_uncertain(v) != sh->uncertain)
        return;
    char desc[256];
    if (sh->uncertain)
        dist_describe(v, desc, sizeof desc);
    else /* 15 digits: a number as the user typed it, not %g's 6 */
        snprintf(desc, sizeof desc, "%.15g", dist_mean(v));
    fputs("  ", stdout);
    term_put(stdout, sh->m->dir);
    printf("/%s:%ld %s: %s\n", model_file_name(f), line, col, desc);
    sh->n++;
}

/* The pairs of correlations.csv that a run applies (those other than 0). */
static void show_correlations(const struct model *m)
{
    if (!m->sources[MF_CORRELATIONS].present)
        return;
    size_t n = 0;
    for (size_t r = 0; r < m->ncorrelations; r++)
        n += m->correlations[r].rank_correlation != 0;
    if (!n) {
        printf("correlations: none applied (every rank correlation in correlations.csv is 0)\n");
        return;
    }
    printf("correlations (rank correlations induced by Iman-Conover, in blocks of %d paths):\n", CORREL_BLOCK);
    for (size_t r = 0; r < m->ncorrelations; r++) {
        const struct correlation *c = &m->correlations[r];
        if (c->rank_correlation == 0)
            continue;
        fputs("  ", stdout);
        term_put(stdout, c->input_a);
        fputs(" ~ ", stdout);
        term_put(stdout, c->input_b);
        printf(": %.15g (line %ld)\n", c->rank_correlation, c->line);
    }
}

static int check_main(int argc, char **argv)
{
    struct check_args a = { NULL };
    struct cli_failure fail;
    if (cli_parse(&cmd_check_command, argc - 1, argv + 1, &a, &fail) != CLI_OK)
        return cli_usage(&fail);
    struct diag *d = diag_new();
    if (!d)
        return ST_NOMEM;
    struct model *m = NULL;
    enum status st = cli_load_model(a.model, d, &m);
    if (st != ST_OK) {
        diag_free(d);
        return cli_exit_code(st);
    }
    char date[16];
    calendar_format(&m->cal, 1, date, sizeof date);
    char last[16];
    calendar_format(&m->cal, m->cal.months, last, sizeof last);
    fputs("model ", stdout);
    term_put(stdout, m->dir);
    printf(": %d months from %s to %s, cash %.2f ", m->cal.months, date, last, m->cash);
    term_put(stdout, m->currency);
    printf(", min_cash %.2f, target margin %g, confidence %g\n", m->min_cash, m->target_margin, m->confidence);
    list_names("plans", m->nplans, plan_name, m);
    list_names("scenarios", m->nscenarios, scenario_name, m);
    list_names("infra lines", m->ninfra, infra_name, m);
    list_names("roles", m->nroles, role_name, m);
    list_names("features", m->nfeatures, feature_name, m);
    list_names("deals", m->ndeals, deal_name, m);
    size_t nsigned = 0;
    for (size_t i = 0; i < m->ndeals; i++)
        nsigned += m->deals[i].is_signed != 0;
    if (nsigned) { /* certain, whatever the scenario */
        printf("  %-14s %zu", "signed deals", nsigned);
        for (size_t i = 0, k = 0; i < m->ndeals && k < 12; i++)
            if (m->deals[i].is_signed)
            {
                printf("%s ", k++ ? "," : ":");
                term_put(stdout, m->deals[i].name);
            }
        if (nsigned > 12)
            printf(", ...");
        putchar('\n');
    }
    list_names("funding", m->nrounds, round_name, m);
    printf("fixed cells (one number, the same on every path):\n");
    struct shown fixed = { m, 0, 0 };
    model_for_each_value(m, show_value, &fixed);
    if (!fixed.n)
        printf("  none: every value cell holds a distribution\n");
    printf("uncertain cells (drawn once per path):\n");
    struct shown uncertain = { m, 1, 0 };
    model_for_each_value(m, show_value, &uncertain);
    if (!uncertain.n)
        printf("  none: every cell is a single number, so every path is the plan but for arrivals, churn and deals\n");
    show_correlations(m);
    fflush(stdout);
    diag_print(d, stderr);
    printf("ok: no problems%s\n", diag_warnings(d) ? " (see the warnings above)" : "");
    model_free(m);
    diag_free(d);
    return fflush(stdout) == 0 ? 0 : ST_IOERR;
}
