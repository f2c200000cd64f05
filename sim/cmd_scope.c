/*
 * cmd_scope.c - "cpcsim scope MODEL --price P": the smallest feature scope
 * of a plan whose cost per customer fits the price at the target margin
 * (see sim/scope.h); the report is scope.csv.
 */
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <unistd.h>

#include "sim/term.h"
#include "sim/cli.h"
#include "sim/design.h"
#include "sim/diag.h"
#include "sim/engine.h"
#include "sim/model.h"
#include "sim/outdir.h"
#include "sim/scope.h"
#include "sim/status.h"

struct scope_args {
    const char *model, *output, *scenario, *plan;
    double price, margin, confidence; /* margin, confidence 0: the model's */
    unsigned long long paths, seed, threads;
    int sampling, quiet;
};

#define SCOPE_FIELD(f) offsetof(struct scope_args, f)

static const struct cli_operand scope_operands[] = {
    { "MODEL", "MODEL folder", SCOPE_FIELD(model) },
};

static const struct cli_option scope_options[] = {
    { "price", 0, "P", CLI_AMOUNT, SCOPE_FIELD(price),
      .help = "the price per customer per month the plan's cost must fit (required)",
      .expects = "a price above 0, such as 499", .required = 1 },
    { "plan", 0, "NAME", CLI_TEXT, SCOPE_FIELD(plan), .help = "the plan whose features to scope (default: the first of plans.csv)",
      .expects = "a plan's name" },
    { "output", 'o', "OUT", CLI_TEXT, SCOPE_FIELD(output), .help = "folder for scope.csv (default: out)",
      .expects = "a folder name" },
    { "scenario", 0, "NAME", CLI_TEXT, SCOPE_FIELD(scenario),
      .help = "the scenario the company follows (default: the first of scenarios.csv)",
      .expects = "a scenario's name" },
    { "margin", 0, "M", CLI_FRACTION, SCOPE_FIELD(margin),
      .help = "the gross margin the price must leave (default: target_margin of\ncompany.csv)",
      .expects = "a margin above 0 and below 100%, such as 70%" },
    { "confidence", 0, "C", CLI_FRACTION, SCOPE_FIELD(confidence),
      .help = "how sure the cost per customer must be to fit (default: confidence\nof company.csv)",
      .expects = "a probability above 0 and below 1, such as 90%" },
    CLI_SIMULATION_OPTIONS(struct scope_args),
};
_Static_assert(CLI_COUNT(scope_options) <= CLI_MAX_OPTIONS, "scope: more options than cli_parse takes");

static int scope_main(int argc, char **argv);

const struct cli_command cmd_scope_command = {
    .name = "scope",
    .main = scope_main,
    .summary = "the smallest feature scope of a plan that fits a price",
    .operands = scope_operands,
    .noperands = CLI_COUNT(scope_operands),
    .options = scope_options,
    .noptions = CLI_COUNT(scope_options),
    .about = "Rank the plan's features by what each adds to the plan's cost per customer over\n"
             "the horizon (what dropping it alone saves, path by path), keep every must_have\n"
             "feature, and drop the others, most costly first, until the cost per customer\n"
             "at the confidence quantile fits price x (1 - target margin). Every scope is run\n"
             "on the same paths. Write scope.csv and print the verdict; a price that even the\n"
             "must-haves do not fit is an answer too (exit 0).\n",
    .notes = "The plan's cost per customer shares each cost line's cost over the horizon over\n"
             "the customer-months of the plans it serves (a feature: its plans; any other\n"
             "line: every plan). A dropped feature is dropped from the company: no plan has\n"
             "it.\n",
};

static int scope_main(int argc, char **argv)
{
    struct scope_args a = { .output = "out", .seed = 1, .paths = 10000, .sampling = SAMPLING_MC };
    struct cli_failure fail;
    if (cli_parse(&cmd_scope_command, argc - 1, argv + 1, &a, &fail) != CLI_OK)
        return cli_usage(&fail);
    if (!a.threads)
        a.threads = cli_default_threads();
    struct diag *d = diag_new();
    if (!d)
        return cli_exit_code(ST_NOMEM);
    struct model *m = NULL;
    struct scope *s = NULL;
    size_t scenario = 0, plan = 0;
    enum status st = cli_load_model(a.model, d, &m);
    if (st == ST_OK && a.plan)
        st = cli_find_plan(m, "scope", a.plan, &plan);
    if (st == ST_OK && a.scenario)
        st = cli_find_scenario(m, "scope", a.scenario, &scenario);
    if (st == ST_OK && (st = model_prepare_draws(m)) != ST_OK)
        fprintf(stderr, "cpcsim scope: out of memory\n");
    if (st == ST_OK) {
        diag_print(d, stderr); /* warnings */
        const struct scope_ask ask = { plan, scenario, a.price, a.margin > 0 ? a.margin : m->target_margin,
                                       a.confidence > 0 ? a.confidence : m->confidence };
        const struct run_options o = {
            .seed = a.seed, .paths = a.paths, .threads = (int)a.threads,
            .progress = !a.quiet && isatty(STDERR_FILENO), .stop = &cli_stop_signal, .sampling = a.sampling,
        };
        cli_catch_signals();
        st = scope_find(m, &ask, &o, &s);
        if (st == ST_OK) {
            static const char *const names[] = { "scope.csv", NULL };
            struct outdir *out;
            if ((st = outdir_open(a.output, names, d, &out)) == ST_OK) {
                FILE *f = outdir_file(out, names[0], d);
                if (!f) {
                    outdir_abort(out);
                    st = diag_status(d) == ST_OK ? ST_CANTCREAT : diag_status(d);
                } else {
                    scope_report(f, m, s);
                    st = outdir_commit(out, &cli_stop_signal, d);
                }
            }
            if (st == ST_OK) {
                fputs("plan ", stdout);
                term_put(stdout, m->plans[plan].name);
                printf(" at %g/month, scenario ", a.price);
                term_put(stdout, m->scenarios[scenario].name);
                printf(": %llu paths, %d months, ", (unsigned long long)s->paths, m->cal.months);
                term_put(stdout, m->currency);
                putchar('\n');
                scope_terminal(stdout, m, s);
                fputs("\nreport in ", stdout);
                term_put(stdout, a.output);
                fputs("/: scope.csv\n", stdout);
                if (fflush(stdout) != 0)
                    st = ST_IOERR;
            } else {
                diag_print(d, stderr);
            }
        }
        cli_say_stopped("scope", st);
    }
    scope_free(s);
    model_free(m);
    diag_free(d);
    return cli_exit_code(st);
}
