/*
 * cmd_quote.c - "cpcsim quote MODEL CONTRACT": the incremental cost, margin
 * and risk of a custom contract, and the floor price that reaches the
 * target margin with the target confidence (see sim/quote.h).
 *
 * One scenario is simulated twice on every path, without the contract and
 * with it, on the same random numbers, over the months up to the
 * contract's end; the reports are quote.csv and quote_costs.csv.
 */
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sim/term.h"
#include "sim/cli.h"
#include "sim/design.h"
#include "sim/diag.h"
#include "sim/engine.h"
#include "sim/mem.h"
#include "sim/model.h"
#include "sim/outdir.h"
#include "sim/quote.h"
#include "sim/status.h"

struct quote_args {
    const char *model, *contract, *output, *scenario;
    unsigned long long paths, seed, threads;
    double margin, confidence; /* 0: the model's */
    int sampling, quiet;
};

#define QUOTE_FIELD(f) offsetof(struct quote_args, f)

static const struct cli_operand quote_operands[] = {
    { "MODEL", "MODEL folder", QUOTE_FIELD(model) },
    { "CONTRACT", "CONTRACT file", QUOTE_FIELD(contract) },
};

static const struct cli_option quote_options[] = {
    { "output", 'o', "OUT", CLI_TEXT, QUOTE_FIELD(output),
      .help = "folder for quote.csv and quote_costs.csv (default: out)", .expects = "a folder name" },
    { "scenario", 0, "NAME", CLI_TEXT, QUOTE_FIELD(scenario),
      .help = "the scenario the company follows (default: the first of scenarios.csv)",
      .expects = "a scenario's name" },
    { "margin", 0, "M", CLI_FRACTION, QUOTE_FIELD(margin),
      .help = "the gross margin the price must reach (default: target_margin of\ncompany.csv)",
      .expects = "a margin above 0 and below 100%, such as 70%" },
    { "confidence", 0, "C", CLI_FRACTION, QUOTE_FIELD(confidence),
      .help = "how sure the floor price must be to reach it (default: confidence\nof company.csv)",
      .expects = "a probability above 0 and below 1, such as 90%" },
    CLI_SIMULATION_OPTIONS(struct quote_args),
};
_Static_assert(CLI_COUNT(quote_options) <= CLI_MAX_OPTIONS, "quote: more options than cli_parse takes");

static int quote_main(int argc, char **argv);

const struct cli_command cmd_quote_command = {
    .name = "quote",
    .main = quote_main,
    .summary = "the cost, margin, risk and floor price of a custom contract",
    .operands = quote_operands,
    .noperands = CLI_COUNT(quote_operands),
    .options = quote_options,
    .noptions = CLI_COUNT(quote_options),
    .about = "Simulate the company with and without the CONTRACT (a settings file: customers,\n"
             "plan, price, term, start, discount, features, custom_effort, effort_role,\n"
             "support_hours, support_role, onboarding) on the same paths, up to the\n"
             "contract's last month, and write what it adds: its incremental cost, revenue,\n"
             "profit and margin over the term, the chance of a loss, and the floor price that\n"
             "reaches the target margin with the target confidence (quote.csv), and its\n"
             "incremental cost by line (quote_costs.csv). Then print the verdict.\n",
    .notes = "The contract's customers count as its plan's customers wherever customers drive a\n"
             "cost, pay the contract's price, and neither churn nor slip. A feature it names\n"
             "that its plan does not have is built for it from its start.\n",
};

/* Writes quote.csv and quote_costs.csv into OUT, as one set. */
static enum status write_quote(const char *out, const struct model *m, const struct results *r,
                               const struct quote *q, struct diag *d)
{
    static const char *const names[] = { "quote.csv", "quote_costs.csv", NULL };
    struct outdir *o;
    enum status st = outdir_open(out, names, d, &o);
    if (st != ST_OK)
        return st;
    for (int i = 0; names[i]; i++) {
        FILE *f = outdir_file(o, names[i], d);
        if (!f) {
            outdir_abort(o);
            return diag_status(d) == ST_OK ? ST_CANTCREAT : diag_status(d);
        }
        if (i == 0)
            quote_report(f, q);
        else if (quote_costs_report(f, m, r) != 0 && !ferror(f)) {
            outdir_abort(o);
            return ST_NOMEM;
        }
    }
    return outdir_commit(o, &cli_stop_signal, d);
}

static int quote_main(int argc, char **argv)
{
    struct quote_args a = { .output = "out", .seed = 1, .paths = 10000, .sampling = SAMPLING_MC };
    struct cli_failure fail;
    if (cli_parse(&cmd_quote_command, argc - 1, argv + 1, &a, &fail) != CLI_OK)
        return cli_usage(&fail);
    if (!a.threads)
        a.threads = cli_default_threads();
    struct diag *d = diag_new();
    if (!d)
        return cli_exit_code(ST_NOMEM);
    struct model *m = NULL;
    struct contract *c = NULL;
    struct results *r = NULL;
    enum status st = cli_load_model(a.model, d, &m);
    if (st == ST_OK) {
        st = quote_load(a.contract, a.contract, m, d, &c);
        if (st != ST_OK) {
            diag_print(d, stderr);
            if (st == ST_DATA)
            {
                fputs("cpcsim quote: problems in ", stderr);
                term_put(stderr, a.contract);
                fputs("; nothing was simulated or written\n", stderr);
            }
        }
    }
    size_t scenario = 0;
    if (st == ST_OK && a.scenario)
        st = cli_find_scenario(m, "quote", a.scenario, &scenario);
    if (st == ST_OK && (st = model_prepare_draws(m)) != ST_OK)
        fprintf(stderr, "cpcsim quote: out of memory\n");
    if (st == ST_OK) {
        diag_print(d, stderr); /* warnings */
        /* the company over the months up to the contract's end, without it
         * and with it, on the same paths */
        m->contract = c;
        m->cal.months = contract_end(c);
        const double margin = a.margin > 0 ? a.margin : m->target_margin;
        const double confidence = a.confidence > 0 ? a.confidence : m->confidence;
        const size_t scenarios[2] = { scenario, scenario };
        static const struct month_variant with = { 1, NULL };
        const struct month_variant *const variants[2] = { NULL, &with };
        const int metric[1] = { SM_COST_TOTAL }, worse[1] = { -1 };
        const double loss[1] = { c->customers * (c->price * (1 - c->discount)) * c->term };
        const struct run_options o = {
            .seed = a.seed, .paths = a.paths, .threads = (int)a.threads, .scenarios = scenarios, .nscenarios = 2,
            .progress = !a.quiet && isatty(STDERR_FILENO), .stop = &cli_stop_signal, .sampling = a.sampling,
            .variants = variants, .compare_metric = metric, .compare_worse = worse, .compare_threshold = loss,
            .ncompare = 1, .quantile_extra = confidence,
        };
        cli_catch_signals();
        st = engine_run(m, &o, &r);
        if (st == ST_OK) {
            struct quote q;
            quote_figures(r, c, margin, confidence, &q);
            st = write_quote(a.output, m, r, &q, d);
            if (st == ST_OK) {
                term_put(stdout, m->scenarios[scenario].name);
                printf(": %llu paths, months 1 to %d, ", (unsigned long long)r->paths, m->cal.months);
                term_put(stdout, m->currency);
                putchar('\n');
                quote_terminal(stdout, m, r, c, &q);
                fputs("\nreports in ", stdout);
                term_put(stdout, a.output);
                fputs("/: quote.csv quote_costs.csv\n", stdout);
                if (fflush(stdout) != 0)
                    st = ST_IOERR;
            } else {
                diag_print(d, stderr);
            }
        }
        cli_say_stopped("quote", st);
        m->contract = NULL;
    }
    results_free(r);
    quote_free(c);
    model_free(m);
    diag_free(d);
    return cli_exit_code(st);
}
