/*
 * cmd_run.c - "cpcsim run MODEL": simulate the scenarios, write the reports.
 *
 * Reads the options (one table, cli_parse), loads and checks the model,
 * runs the engine (a fixed number of paths, or batches until a target
 * precision), writes the report set into the output folder as one atomic
 * commit, and prints the terminal summary.  Nothing is written unless the
 * whole report set is.
 */
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sim/term.h"
#include "sim/cli.h"
#include "sim/design.h"
#include "sim/diag.h"
#include "sim/engine.h"
#include "sim/ledger.h"
#include "sim/mem.h"
#include "sim/model.h"
#include "sim/outdir.h"
#include "sim/report.h"
#include "sim/status.h"

#define CLI_MAX_THREADS 256
#define DEFAULT_PATHS 10000
#define DEFAULT_PATHS_PRECISION 1000000 /* with --precision: the most paths */

struct run_args {
    const char *model;
    const char *output;
    unsigned long long paths; /* 0: not given */
    unsigned long long seed;
    unsigned long long threads; /* 0: all cores */
    struct cli_list scenarios;
    const char *baseline; /* NULL: the first scenario */
    int sampling; /* enum sampling */
    double precision; /* 0: a fixed number of paths */
    unsigned long long ledger_path; /* 0: none */
    int no_sensitivity;
    int cost_lines;
    int quiet;
};

#define RUN_FIELD(f) offsetof(struct run_args, f)

static const struct cli_operand run_operands[] = {
    { "MODEL", "MODEL folder", RUN_FIELD(model) },
};

static const struct cli_option run_options[] = {
    { "output", 'o', "OUT", CLI_TEXT, RUN_FIELD(output),
      .help = "folder for the reports (default: out; created if missing)", .expects = "a folder name" },
    { "paths", 'n', "PATHS", CLI_WHOLE, RUN_FIELD(paths),
      .help = "number of paths (default: 10000; at most 1000000000)", .unit = "paths", .min = 1,
      .max = ENGINE_MAX_PATHS },
    { "seed", 's', "SEED", CLI_WHOLE, RUN_FIELD(seed),
      .help = "random seed, a whole number from 0 to 2^64-1 (default: 1)", .min = 0, .max = ULLONG_MAX },
    { "threads", 'j', "THREADS", CLI_WHOLE, RUN_FIELD(threads),
      .help = "threads to use (default: all cores); results do not depend on it", .unit = "threads", .min = 1,
      .max = CLI_MAX_THREADS },
    { "scenario", 0, "NAME", CLI_LIST, RUN_FIELD(scenarios),
      .help = "simulate only this scenario (repeat for several)", .max = CLI_LIST_MAX },
    { "baseline", 0, "NAME", CLI_TEXT, RUN_FIELD(baseline),
      .help = "the scenario compare.csv compares the others with (default: the\n"
              "first simulated); simulated too when --scenario leaves it out",
      .expects = "a scenario's name" },
    { "sampling", 0, "S", CLI_CHOICE, RUN_FIELD(sampling),
      .help = "how each path's uncertain values spread: mc (plain Monte Carlo,\n"
              "the default), lhs (Latin hypercube) or sobol (randomised\n"
              "quasi-Monte Carlo), in independent blocks of 1024 paths",
      .choices = sampling_names },
    { "precision", 0, "P", CLI_FRACTION, RUN_FIELD(precision),
      .help = "run batches of paths (10240, then doubling) until the Monte\n"
              "Carlo error of the key figures is below P (such as 0.5%);\n"
              "-n is then the most paths to run (default 1000000)",
      .expects = "a target above 0 and below 100%, such as 0.5%" },
    { "ledger-path", 0, "K", CLI_WHOLE, RUN_FIELD(ledger_path),
      .help = "also write ledger_path.csv: every revenue and cost line of path K\n"
              "(1 to PATHS), month by month; path K is the same whatever -n",
      .min = 1, .max = ENGINE_MAX_PATHS },
    { "no-sensitivity", 0, NULL, CLI_FLAG, RUN_FIELD(no_sensitivity),
      .help = "do not work out sensitivity.csv (what drives each key output)\n"
              "nor the drivers in the summary; an earlier sensitivity.csv in OUT\n"
              "is removed" },
    { "cost-lines", 0, NULL, CLI_FLAG, RUN_FIELD(cost_lines),
      .help = "also write cost_lines.csv: every cost line's and category's cost,\n"
              "month by month, with percentiles (the run takes about 1.15 times\n"
              "as long); an earlier cost_lines.csv in OUT is removed when not\n"
              "given" },
    { "quiet", 'q', NULL, CLI_FLAG, RUN_FIELD(quiet), .help = "no progress bar" },
    { "help", 'h', NULL, CLI_SHOW_HELP, 0, .help = "show this help" },
};
_Static_assert(CLI_COUNT(run_options) <= CLI_MAX_OPTIONS, "run: more options than cli_parse takes");

static int run_main(int argc, char **argv);

const struct cli_command cmd_run_command = {
    .name = "run",
    .main = run_main,
    .summary = "simulate every scenario and write the reports",
    .operands = run_operands,
    .noperands = CLI_COUNT(run_operands),
    .options = run_options,
    .noptions = CLI_COUNT(run_options),
    .about = "Simulate the model's scenarios month by month along many paths and write the\n"
             "reports summary.csv, monthly.csv, runway.csv, costs.csv, compare.csv (each\n"
             "scenario against the baseline, path by path), ledger.csv (the plan's every\n"
             "revenue and cost line, month by month), sensitivity.csv (what drives each key\n"
             "output, from the first 10000 paths), cost_lines.csv with --cost-lines (every\n"
             "cost line and category, month by month) and run.csv into OUT, then print a\n"
             "short summary per scenario.\n",
    .notes = "Runway and breakeven: their mean and sd (runway_months and breakeven_month in\n"
             "summary.csv) count a path that never gets there within the horizon of H months\n"
             "as H+1, a restricted mean. So on a 24-month horizon a mean runway of 25 is not\n"
             "25 months of runway: it says that no path ran out of cash within the 24 months,\n"
             "and nothing about how long the cash lasts after that. Read the percentiles\n"
             "(shown as >H, left empty in the reports) and prob_cash_out beside the mean.\n"
             "\n"
             "Same model, seed and paths give byte-identical reports on any thread count and locale\n"
             "(run.csv aside, which records the time and thread count). Reports appear complete or\n"
             "not at all.\n",
};

/* Which ledgers a run writes besides the plan's, and whether
 * cost_lines.csv. */
struct ledger_ask {
    const struct run_options *o;
    int sampling;
    uint64_t path; /* 1-based; 0: none */
    int cost_lines;
};

/* Which reports write_reports writes (the others are retired), in order:
 * those of the statistics, the ledgers, sensitivity.csv, run.csv. */
enum report_slot { R_SUMMARY, R_MONTHLY, R_RUNWAY, R_COSTS, R_COMPARE, R_COST_LINES, R_LEDGER, R_LEDGER_PATH,
                   R_SENSITIVITY, R_RUN, R_COUNT };

/* Writes every report into OUT as one set (outdir.h): the statistics'
 * reports, the plan's ledger, path K's ledger when asked for (an earlier
 * run's ledger_path.csv is removed when not), cost_lines.csv when asked
 * for and sensitivity.csv when R has it (each removed likewise when not),
 * and run.csv. */
static enum status write_reports(const char *out, const struct model *m, const struct results *r,
                                 const struct run_info *info, const struct ledger_ask *ask, struct diag *d)
{
    struct outdir *o;
    enum status st = outdir_open(out, report_files, d, &o);
    if (st != ST_OK)
        return st;
    int (*writers[])(FILE *, const struct model *, const struct results *) = {
        report_summary, report_monthly, report_runway, report_costs, report_compare, report_cost_lines,
    };
    const char *names[R_COUNT] = { "summary.csv", "monthly.csv", "runway.csv", "costs.csv", "compare.csv",
                                   "cost_lines.csv", "ledger.csv", "ledger_path.csv", "sensitivity.csv", "run.csv" };
    enum { FIRST_LEDGER = R_LEDGER };
    for (size_t i = 0; i < R_COUNT; i++) {
        if ((i == R_LEDGER_PATH && !ask->path) || (i == R_SENSITIVITY && !r->sensitivity) ||
            (i == R_COST_LINES && !ask->cost_lines)) {
            outdir_retire(o, names[i]);
            continue;
        }
        FILE *f = outdir_file(o, names[i], d);
        if (!f) {
            outdir_abort(o);
            return diag_status(d) == ST_OK ? ST_CANTCREAT : diag_status(d);
        }
        if (i < FIRST_LEDGER)
            writers[i](f, m, r);
        else if (i == FIRST_LEDGER)
            st = ledger_write_plan(f, m, ask->o->scenarios, ask->o->nscenarios);
        else if (i == R_LEDGER_PATH)
            st = ledger_write_path(f, m, ask->o->scenarios, ask->o->nscenarios, ask->o->seed, ask->sampling,
                                   ask->path);
        else if (i == R_SENSITIVITY)
            report_sensitivity(f, m, r);
        else
            report_run(f, m, r, info);
        if (st == ST_NOMEM || cli_stop_signal) {
            outdir_abort(o);
            return st == ST_NOMEM ? ST_NOMEM : ST_INTERRUPT;
        }
    }
    return outdir_commit(o, &cli_stop_signal, d);
}

/* Runs batches of paths, 10240 and then doubling, until the key figures'
 * Monte Carlo error (results_worst_error) is below TARGET or O->paths paths
 * are done; says which in SAY.  The results are those of a plain run of the
 * same number of paths. */
static enum status run_to_precision(const struct model *m, const struct run_options *o, double target,
                                    struct results **out, char *say, size_t saylen)
{
    *out = NULL;
    enum status st;
    struct engine *e = engine_new(m, o, &st);
    if (!e)
        return st;
    uint64_t n = 10 * DESIGN_BLOCK; /* 10,240: whole chunks, and ten replicates for a design */
    for (;;) {
        st = engine_extend(e, n < o->paths ? n : o->paths);
        struct results *r = NULL;
        if (st == ST_OK)
            st = engine_collect(e, &r);
        if (st != ST_OK)
            break;
        size_t s;
        int k;
        double err = results_worst_error(r, m->cash, &s, &k);
        uint64_t done = engine_paths(e);
        if (err <= target || done >= o->paths) {
            engine_end_progress(e);
            snprintf(say, saylen, "precision %g%%: %s after %llu paths (largest error %.3g%%, %s %s)", 100 * target,
                     err <= target ? "reached" : "NOT reached: the path limit (-n) came first",
                     (unsigned long long)done, 100 * err, m->scenarios[o->scenarios[s]].name,
                     summary_metric_names[k]);
            if ((st = engine_sensitivity(e, r)) != ST_OK)
                results_free(r);
            else
                *out = r;
            break;
        }
        results_free(r);
        n = done * 2;
    }
    engine_free(e);
    return st;
}

/* Puts into CHOSEN (*N of them) the model's indices of the scenarios NAMES,
 * each once.  Returns ST_USAGE, with a message that lists the scenarios,
 * for a name the model does not have. */
static enum status choose_scenarios(const struct model *m, const struct cli_list *names, size_t *chosen, size_t *n)
{
    *n = 0;
    for (size_t i = 0; i < names->n; i++) {
        size_t k;
        if (cli_find_scenario(m, "run", names->item[i], &k) != ST_OK)
            return ST_USAGE;
        int again = 0;
        for (size_t j = 0; j < *n; j++)
            again |= chosen[j] == k;
        if (!again) /* a scenario named twice is simulated once */
            chosen[(*n)++] = k;
    }
    return ST_OK;
}

static const struct cli_option *option_named(const char *name)
{
    for (size_t i = 0; i < CLI_COUNT(run_options); i++)
        if (!strcmp(run_options[i].name, name))
            return &run_options[i];
    return NULL;
}

/* The text given to --ledger-path (the last one given), for its message. */
static const char *ledger_path_text(int argc, char **argv)
{
    const char *text = "";
    for (int i = 1; i < argc; i++) {
        if (!strncmp(argv[i], "--ledger-path=", 14))
            text = argv[i] + 14;
        else if (!strcmp(argv[i], "--ledger-path") && i + 1 < argc)
            text = argv[++i];
    }
    return text;
}

static int run_main(int argc, char **argv)
{
    struct run_args a = { .output = "out", .seed = 1, .sampling = SAMPLING_MC };
    struct cli_failure fail;
    if (cli_parse(&cmd_run_command, argc - 1, argv + 1, &a, &fail) != CLI_OK)
        return cli_usage(&fail);
    if (!a.paths)
        a.paths = a.precision > 0 ? DEFAULT_PATHS_PRECISION : DEFAULT_PATHS;
    if (a.ledger_path > a.paths) {
        fail = (struct cli_failure){ .error = CLI_ABOVE_OTHER, .command = &cmd_run_command,
                                     .option = option_named("ledger-path"), .other = option_named("paths"),
                                     .limit = a.paths, .value = ledger_path_text(argc, argv) };
        return cli_usage(&fail);
    }
    if (!a.threads)
        a.threads = cli_default_threads();

    struct diag *d = diag_new();
    if (!d)
        return ST_NOMEM;
    struct model *m = NULL;
    enum status st = cli_load_model(a.model, d, &m);
    if (st == ST_OK && (st = model_prepare_draws(m)) != ST_OK) {
        fprintf(stderr, "cpcsim: out of memory\n");
        model_free(m);
    }
    if (st != ST_OK) {
        diag_free(d);
        return cli_exit_code(st);
    }
    diag_print(d, stderr); /* warnings */
    size_t chosen[CLI_LIST_MAX + 1]; /* the baseline may come on top */
    size_t nchosen = 0;
    size_t *all = NULL;
    if (a.scenarios.n) {
        st = choose_scenarios(m, &a.scenarios, chosen, &nchosen);
    } else {
        all = mem_calloc(m->nscenarios, sizeof *all);
        if (!all)
            st = ST_NOMEM;
        for (size_t k = 0; all && k < m->nscenarios; k++)
            all[k] = k;
    }
    size_t baseline = 0; /* its position among the scenarios run */
    if (st == ST_OK && a.baseline) {
        size_t k;
        st = cli_find_scenario(m, "run", a.baseline, &k);
        if (st == ST_OK && all) {
            baseline = k;
        } else if (st == ST_OK) {
            while (baseline < nchosen && chosen[baseline] != k)
                baseline++;
            if (baseline == nchosen) /* compared with, so simulated too */
                chosen[nchosen++] = k;
        }
    }
    if (st != ST_OK) {
        mem_free(all);
        model_free(m);
        diag_free(d);
        return st;
    }
    cli_catch_signals();
    char started[64];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(started, sizeof started, "%Y-%m-%dT%H:%M:%SZ", &tm);
    char *cmdline = cli_command_line(argc, argv);
    if (!cmdline) {
        fprintf(stderr, "cpcsim: out of memory\n");
        mem_free(all);
        model_free(m);
        diag_free(d);
        return cli_exit_code(ST_NOMEM);
    }

    struct run_options o = {
        .seed = a.seed,
        .paths = a.paths,
        .threads = (int)a.threads,
        .scenarios = all ? all : chosen,
        .nscenarios = all ? m->nscenarios : nchosen,
        .progress = !a.quiet && isatty(STDERR_FILENO),
        .stop = &cli_stop_signal,
        .sampling = a.sampling,
        .baseline = baseline,
        .sensitivity = !a.no_sensitivity,
        .cost_lines = a.cost_lines,
    };
    struct results *r = NULL;
    char reached[256] = "";
    if (a.precision > 0)
        st = run_to_precision(m, &o, a.precision, &r, reached, sizeof reached);
    else
        st = engine_run(m, &o, &r);
    if (st == ST_OK) {
        struct run_info info = { CPCSIM_VERSION, cmdline, started, a.seed, a.precision, sampling_names[a.sampling] };
        const struct ledger_ask ask = { &o, a.sampling, a.ledger_path, o.cost_lines };
        st = write_reports(a.output, m, r, &info, &ask, d);
        if (st == ST_OK) {
            report_terminal(stdout, m, r);
            if (*reached)
            {
                fputs("\n", stdout);
                term_put(stdout, reached); /* it names a scenario */
                putchar('\n');
            }
            size_t outlen = strlen(a.output);
            while (outlen > 1 && a.output[outlen - 1] == '/')
                outlen--;
            char *shown = mem_strndup(a.output, outlen);
            fputs("\nreports in ", stdout);
            term_put(stdout, shown ? shown : a.output);
            mem_free(shown);
            printf("/: summary.csv monthly.csv runway.csv costs.csv compare.csv%s ledger.csv%s%s run.csv\n",
                   o.cost_lines ? " cost_lines.csv" : "", a.ledger_path ? " ledger_path.csv" : "",
                   r->sensitivity ? " sensitivity.csv" : "");
            if (fflush(stdout) != 0)
                st = ST_IOERR;
        } else {
            /* only the problems added since the warnings were printed */
            diag_print(d, stderr);
        }
    }
    cli_say_stopped("run", st);
    mem_free(cmdline);
    results_free(r);
    mem_free(all);
    model_free(m);
    diag_free(d);
    return cli_exit_code(st);
}
