/*
 * cmd_sweep.c - "cpcsim sweep MODEL --vary INPUT=VALUES [--vary ...]": the
 * summary metrics over a grid of one or two inputs on common random numbers
 * (see sim/sweep.h); the report is sweep.csv.
 */
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sim/cli.h"
#include "sim/design.h"
#include "sim/diag.h"
#include "sim/engine.h"
#include "sim/inputs.h"
#include "sim/mem.h"
#include "sim/metrics.h"
#include "sim/model.h"
#include "sim/outdir.h"
#include "sim/status.h"
#include "sim/sweep.h"
#include "sim/term.h"
#include "sim/vary.h"

struct sweep_args {
    const char *model, *output, *show;
    struct cli_list vary, scenarios;
    unsigned long long paths, seed, threads;
    int sampling, quiet;
};

#define SWEEP_FIELD(f) offsetof(struct sweep_args, f)

static const struct cli_operand sweep_operands[] = {
    { "MODEL", "MODEL folder", SWEEP_FIELD(model) },
};

static const struct cli_option sweep_options[] = {
    { "vary", 0, "INPUT=VALUES", CLI_LIST, SWEEP_FIELD(vary),
      .help = "an input and its values (required; twice for a grid of two):\n"
              "a list (2%,4%,6%; uniform(1, 2),uniform(2, 3)) or a range\n"
              "LO..HI/N of N evenly spaced points (2%..8%/7)",
      .max = SWEEP_MAX_INPUTS, .required = 1 },
    { "show", 0, "METRIC", CLI_TEXT, SWEEP_FIELD(show),
      .help = "the metric the terminal shows, [mean|p10|p50|p90:]METRIC\n(default: default_alive)",
      .expects = "a metric of summary.csv, such as prob_cash_out" },
    { "output", 'o', "OUT", CLI_TEXT, SWEEP_FIELD(output), .help = "folder for sweep.csv (default: out)",
      .expects = "a folder name" },
    { "scenario", 0, "NAME", CLI_LIST, SWEEP_FIELD(scenarios),
      .help = "sweep only this scenario (repeat for several; default: all)", .max = CLI_LIST_MAX },
    CLI_SIMULATION_OPTIONS(struct sweep_args),
};
_Static_assert(CLI_COUNT(sweep_options) <= CLI_MAX_OPTIONS, "sweep: more options than cli_parse takes");

static int sweep_main(int argc, char **argv);

const struct cli_command cmd_sweep_command = {
    .name = "sweep",
    .main = sweep_main,
    .summary = "the summary metrics over a grid of one or two inputs",
    .operands = sweep_operands,
    .noperands = CLI_COUNT(sweep_operands),
    .options = sweep_options,
    .noptions = CLI_COUNT(sweep_options),
    .about = "Run the model at every point of a grid of one or two inputs, each named\n"
             "FILE:ROW:COLUMN as sensitivity.csv names it (scenarios.csv:realistic:growth,\n"
             "plans.csv:team:price, company.csv:cash). A value replaces the whole cell: a\n"
             "plain number or a distribution, read as the model file's cell would be. Every\n"
             "point runs on the same random numbers, so neighbouring points differ by the\n"
             "input, not by noise. Write sweep.csv and print the grid of one metric.\n",
    .notes = "sweep.csv has a column per input (its value at the point), then\n"
             "scenario,metric,mean,mc_se,p10,p50,p90: a row per point, scenario and metric\n"
             "of summary.csv. The grid is the product of the inputs' values, at most 10000\n"
             "points.\n",
};

static int sweep_main(int argc, char **argv)
{
    struct sweep_args a = { .output = "out", .seed = 1, .paths = 10000, .sampling = SAMPLING_MC,
                            .show = "default_alive" };
    struct cli_failure fail;
    if (cli_parse(&cmd_sweep_command, argc - 1, argv + 1, &a, &fail) != CLI_OK)
        return cli_usage(&fail);
    if (!a.threads)
        a.threads = cli_default_threads();
    char why[1024];
    int metric, stat;
    if (sweep_metric(a.show, strlen(a.show), &metric, &stat, why, sizeof why) ||
        (stat >= 0 && stat != Q_P10 && stat != Q_P50 && stat != Q_P90)) {
        if (stat >= 0 && stat != Q_P10 && stat != Q_P50 && stat != Q_P90)
            snprintf(why, sizeof why, "--show takes mean, p10, p50 or p90 (the statistics of sweep.csv)");
        fprintf(stderr, "cpcsim sweep: %s\nTry 'cpcsim sweep --help'.\n", why);
        return ST_USAGE;
    }
    struct diag *d = diag_new();
    if (!d)
        return cli_exit_code(ST_NOMEM);
    struct model *m = NULL;
    struct inputs *in = NULL;
    struct vary *vary[SWEEP_MAX_INPUTS] = { NULL };
    struct sweep *s = NULL;
    size_t *chosen = NULL, nchosen = 0;
    enum status st = cli_load_model(a.model, d, &m);
    int loaded = st == ST_OK; /* from here, running out of memory is said below */
    if (st == ST_OK)
        st = model_prepare_draws(m);
    if (st == ST_OK && !(in = inputs_new_cells(m)))
        st = ST_NOMEM;
    for (size_t i = 0; st == ST_OK && i < a.vary.n; i++) {
        st = vary_new(m, in, a.vary.item[i], 1, d, &vary[i], why, sizeof why);
        if (st == ST_OK && i && !strcmp(vary[0]->name, vary[1]->name)) {
            snprintf(why, sizeof why, "%s is varied twice; vary two different inputs", vary[1]->name);
            st = ST_USAGE;
        }
        if (st == ST_OK && i && vary[0]->n * vary[1]->n > SWEEP_MAX_POINTS) {
            snprintf(why, sizeof why, "a grid of %zu x %zu points; at most %d", vary[0]->n, vary[1]->n,
                     SWEEP_MAX_POINTS);
            st = ST_USAGE;
        }
        if (st == ST_OK && i + 1 == a.vary.n)
            st = vary_check_grid(vary, a.vary.n, m, d, why, sizeof why);
        if (st == ST_DATA)
            diag_print(d, stderr); /* the placed problem, and the model's warnings */
        if (st == ST_USAGE || st == ST_DATA) {
            fputs("cpcsim sweep: --vary ", stderr);
            term_put(stderr, why);
            fputc('\n', stderr);
            if (st == ST_USAGE)
                fputs("Try 'cpcsim sweep --help'.\n", stderr);
        }
    }
    if (st == ST_OK && !(chosen = mem_calloc(m->nscenarios, sizeof *chosen)))
        st = ST_NOMEM;
    for (size_t i = 0; st == ST_OK && i < a.scenarios.n; i++) {
        size_t k;
        if ((st = cli_find_scenario(m, "sweep", a.scenarios.item[i], &k)) != ST_OK)
            break;
        int again = 0;
        for (size_t j = 0; j < nchosen; j++)
            again |= chosen[j] == k;
        if (!again)
            chosen[nchosen++] = k;
    }
    if (st == ST_OK && !a.scenarios.n)
        for (nchosen = 0; nchosen < m->nscenarios; nchosen++)
            chosen[nchosen] = nchosen;
    if (loaded && st == ST_NOMEM)
        fprintf(stderr, "cpcsim sweep: out of memory\n");
    if (st == ST_OK) {
        diag_print(d, stderr); /* warnings */
        const struct run_options o = {
            .seed = a.seed, .paths = a.paths, .threads = (int)a.threads, .scenarios = chosen,
            .nscenarios = nchosen, .stop = &cli_stop_signal, .sampling = a.sampling,
        };
        cli_catch_signals();
        st = sweep_run(m, vary, a.vary.n, &o, !a.quiet && isatty(STDERR_FILENO), &s);
        if (st == ST_OK) {
            static const char *const names[] = { "sweep.csv", NULL };
            struct outdir *out;
            if ((st = outdir_open(a.output, names, d, &out)) == ST_OK) {
                FILE *f = outdir_file(out, names[0], d);
                if (!f) {
                    outdir_abort(out);
                    st = diag_status(d) == ST_OK ? ST_CANTCREAT : diag_status(d);
                } else {
                    sweep_report(f, m, s);
                    st = outdir_commit(out, &cli_stop_signal, d);
                }
            }
            if (st == ST_OK) {
                sweep_terminal(stdout, m, s, metric, stat);
                fputs("\nreport in ", stdout);
                term_put(stdout, a.output);
                fputs("/: sweep.csv\n", stdout);
                if (fflush(stdout) != 0)
                    st = ST_IOERR;
            } else {
                diag_print(d, stderr);
            }
        }
        cli_say_stopped("sweep", st);
    }
    sweep_free(s);
    for (size_t i = 0; i < SWEEP_MAX_INPUTS; i++)
        vary_free(vary[i]);
    inputs_free(in);
    mem_free(chosen);
    model_free(m);
    diag_free(d);
    return cli_exit_code(st);
}
