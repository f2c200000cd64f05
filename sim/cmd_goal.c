/*
 * cmd_goal.c - "cpcsim goal MODEL --vary INPUT --target METRIC=VALUE": the
 * value of an input at which a target is met, with its Monte Carlo error
 * (see sim/goal.h); the report, with -o, is goal.csv.
 */
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "models/dist.h"
#include "sim/cli.h"
#include "sim/design.h"
#include "sim/diag.h"
#include "sim/engine.h"
#include "sim/goal.h"
#include "sim/inputs.h"
#include "sim/metrics.h"
#include "sim/model.h"
#include "sim/outdir.h"
#include "sim/status.h"
#include "sim/sweep.h"
#include "sim/term.h"
#include "sim/vary.h"

struct goal_args {
    const char *model, *output, *vary, *target, *scenario, *range;
    unsigned long long paths, seed, threads;
    int sampling, quiet;
};

#define GOAL_FIELD(f) offsetof(struct goal_args, f)

static const struct cli_operand goal_operands[] = {
    { "MODEL", "MODEL folder", GOAL_FIELD(model) },
};

static const struct cli_option goal_options[] = {
    { "vary", 0, "INPUT", CLI_TEXT, GOAL_FIELD(vary),
      .help = "the input to find a value of, such as company.csv:cash (required)",
      .expects = "an input's name, such as company.csv:cash", .required = 1 },
    { "target", 0, "METRIC=VALUE", CLI_TEXT, GOAL_FIELD(target),
      .help = "the target, [mean|p5|p10|p25|p50|p75|p90|p95:]METRIC=VALUE, such as\n"
              "default_alive=80% or p50:gross_margin_final=70% (required)",
      .expects = "a target such as default_alive=80%", .required = 1 },
    { "scenario", 0, "NAME", CLI_TEXT, GOAL_FIELD(scenario),
      .help = "the scenario the target is for (default: the input's own for a\n"
              "cell of scenarios.csv, else the first)",
      .expects = "a scenario's name" },
    { "range", 0, "LO..HI", CLI_TEXT, GOAL_FIELD(range),
      .help = "where to look (default: 0..100% for a rate, else 0 to four\ntimes the model's value)",
      .expects = "a range such as 2%..8%" },
    { "output", 'o', "OUT", CLI_TEXT, GOAL_FIELD(output), .help = "write goal.csv into OUT", .expects = "a folder name" },
    CLI_SIMULATION_OPTIONS(struct goal_args),
};
_Static_assert(CLI_COUNT(goal_options) <= CLI_MAX_OPTIONS, "goal: more options than cli_parse takes");

static int goal_main(int argc, char **argv);

const struct cli_command cmd_goal_command = {
    .name = "goal",
    .main = goal_main,
    .summary = "the value of an input at which a target is met",
    .operands = goal_operands,
    .noperands = CLI_COUNT(goal_operands),
    .options = goal_options,
    .noptions = CLI_COUNT(goal_options),
    .about = "Find the value of one input (named as sensitivity.csv names it) at which a\n"
             "statistic of a summary metric of one scenario meets a target: the growth that\n"
             "makes default_alive 80%, the price that makes P50 gross_margin_final 70%, the\n"
             "cash that makes prob_cash_out 10%. The input's cell is set to a plain number;\n"
             "every evaluation runs on the same random numbers, and a bracketing solver\n"
             "(Brent) stops when the value is known to within 1%. Print the value with its\n"
             "Monte Carlo error; a target the range cannot reach is an answer too: the\n"
             "closest value, marked not reached (exit 0).\n",
    .notes = "goal.csv: input,value,mc_se,metric,target,achieved,reached,evaluations. mc_se\n"
             "is the metric's Monte Carlo error over its slope against the input; empty for\n"
             "a percentile target and when the target is not reached.\n",
};

static int usage(const char *why)
{
    fputs("cpcsim goal: ", stderr);
    term_put(stderr, why);
    fputs("\nTry 'cpcsim goal --help'.\n", stderr);
    return ST_USAGE;
}

/* The target METRIC=VALUE into ASK; 0, or -1 with WHY. */
static int read_target(const char *text, struct goal_ask *ask, char *why, size_t whylen)
{
    const char *eq = strrchr(text, '=');
    if (!eq) {
        snprintf(why, whylen, "--target '%s' has no value: write METRIC=VALUE, such as default_alive=80%%", text);
        return -1;
    }
    char reason[512];
    if (sweep_metric(text, (size_t)(eq - text), &ask->metric, &ask->stat, reason, sizeof reason)) {
        snprintf(why, whylen, "--target: %s", reason);
        return -1;
    }
    if (dist_parse_number(eq + 1, &ask->target, reason, sizeof reason)) {
        snprintf(why, whylen, "--target: %s", reason);
        return -1;
    }
    return 0;
}

/* ASK's range: --range RANGE read by V's column, or the default; its ends
 * checked in M as a model is (their problems placed in D). */
static enum status read_range(struct vary *v, struct model *m, const char *range, struct goal_ask *ask,
                              struct diag *d, char *why, size_t whylen)
{
    if (!range) {
        double now = vary_current(v, m);
        if (v->range == RANGE_RATE) {
            ask->lo = 0, ask->hi = 1;
        } else if (now != 0 && isfinite(now)) {
            ask->lo = fmin(0, 4 * now), ask->hi = fmax(0, 4 * now);
        } else {
            snprintf(why, whylen, "%s is 0 in the model: give the range to look in with --range LO..HI", v->name);
            return ST_USAGE;
        }
    } else {
        char lo[256], hi[256], reason[512];
        size_t count;
        int r = vary_range_split(range, 0, lo, hi, sizeof lo, &count, reason, sizeof reason);
        if (r <= 0) {
            snprintf(why, whylen, "--range %s", r ? reason : "takes LO..HI, such as 2%..8%");
            if (!r)
                snprintf(why, whylen, "--range '%s' is not a range: write LO..HI, such as 2%%..8%%", range);
            return ST_USAGE;
        }
        enum status st = vary_number(v, m, lo, &ask->lo, why, whylen);
        if (st == ST_OK)
            st = vary_number(v, m, hi, &ask->hi, why, whylen);
        if (st != ST_OK)
            return st;
        if (!(ask->lo < ask->hi)) {
            snprintf(why, whylen, "--range '%s': the low end must be below the high end", range);
            return ST_USAGE;
        }
    }
    enum status st = vary_check_number(v, m, ask->lo, d, why, whylen);
    return st == ST_OK ? vary_check_number(v, m, ask->hi, d, why, whylen) : st;
}

/* X as the terminal shows a figure of METRIC: a probability or margin in percent. */
static void show(FILE *f, double x, int metric)
{
    if (isnan(x))
        fputs("undefined", f);
    else if (metric == SM_PROB_CASH_OUT || metric == SM_DEFAULT_ALIVE || metric == SM_GROSS_MARGIN_FINAL)
        fprintf(f, "%.3g%%", 100 * x);
    else
        fprintf(f, "%.6g", x);
}

static int goal_main(int argc, char **argv)
{
    struct goal_args a = { .seed = 1, .paths = 10000, .sampling = SAMPLING_MC };
    struct cli_failure fail;
    if (cli_parse(&cmd_goal_command, argc - 1, argv + 1, &a, &fail) != CLI_OK)
        return cli_usage(&fail);
    if (!a.threads)
        a.threads = cli_default_threads();
    char why[1024];
    struct goal_ask ask = { 0 };
    if (read_target(a.target, &ask, why, sizeof why))
        return usage(why);
    struct diag *d = diag_new();
    if (!d)
        return cli_exit_code(ST_NOMEM);
    struct model *m = NULL;
    struct inputs *in = NULL;
    struct vary *v = NULL;
    size_t scenario = 0;
    enum status st = cli_load_model(a.model, d, &m);
    if (st == ST_OK && (st = model_prepare_draws(m)) != ST_OK)
        fprintf(stderr, "cpcsim goal: out of memory\n");
    if (st == ST_OK && !(in = inputs_new_cells(m))) {
        fprintf(stderr, "cpcsim goal: out of memory\n");
        st = ST_NOMEM;
    }
    if (st == ST_OK) {
        const char *what = "--vary ";
        st = vary_new(m, in, a.vary, 0, d, &v, why, sizeof why);
        if (st == ST_OK) {
            st = read_range(v, m, a.range, &ask, d, why, sizeof why);
            /* an end the column refuses names the input; the rest say --range */
            what = a.range && strncmp(why, "--range", 7) ? "--range " : "";
        }
        if (st == ST_DATA)
            diag_print(d, stderr); /* the placed problem, and the model's warnings */
        if (st == ST_USAGE || st == ST_DATA) {
            fprintf(stderr, "cpcsim goal: %s", what);
            term_put(stderr, why);
            fputc('\n', stderr);
            if (st == ST_USAGE)
                fputs("Try 'cpcsim goal --help'.\n", stderr);
        } else if (st == ST_NOMEM) {
            fprintf(stderr, "cpcsim goal: out of memory\n");
        }
    }
    if (st == ST_OK && a.scenario)
        st = cli_find_scenario(m, "goal", a.scenario, &scenario);
    else if (st == ST_OK && v->file == MF_SCENARIOS)
        scenario = v->row;
    if (st == ST_OK) {
        diag_print(d, stderr); /* warnings */
        const struct run_options o = {
            .seed = a.seed, .paths = a.paths, .threads = (int)a.threads, .scenarios = &scenario, .nscenarios = 1,
            .stop = &cli_stop_signal, .sampling = a.sampling,
        };
        struct goal g;
        cli_catch_signals();
        st = goal_seek(m, v, &ask, &o, &g);
        if (st == ST_OK && a.output) {
            static const char *const names[] = { "goal.csv", NULL };
            struct outdir *out;
            if ((st = outdir_open(a.output, names, d, &out)) == ST_OK) {
                FILE *f = outdir_file(out, names[0], d);
                if (!f) {
                    outdir_abort(out);
                    st = diag_status(d) == ST_OK ? ST_CANTCREAT : diag_status(d);
                } else {
                    goal_report(f, v, &ask, &g);
                    st = outdir_commit(out, &cli_stop_signal, d);
                }
            }
            if (st != ST_OK)
                diag_print(d, stderr);
        }
        if (st == ST_OK) {
            char metric[96];
            sweep_metric_name(ask.metric, ask.stat, metric, sizeof metric);
            fputs("scenario ", stdout);
            term_put(stdout, m->scenarios[scenario].name);
            printf(": %llu paths an evaluation, %u evaluations, %d months\n", (unsigned long long)a.paths,
                   g.evaluations, m->cal.months);
            if (g.reached) {
                fputs("  ", stdout);
                term_put(stdout, v->name);
                printf(" = %.6g", g.value);
                if (!isnan(g.mc_se))
                    printf(" (+/- %.2g)", g.mc_se);
                printf(" gives %s ", metric);
                show(stdout, g.achieved, ask.metric);
                fputs(" (target ", stdout);
                show(stdout, ask.target, ask.metric);
                fputs(")\n", stdout);
            } else {
                printf("  target %s = ", metric);
                show(stdout, ask.target, ask.metric);
                fputs(" not reached with ", stdout);
                term_put(stdout, v->name);
                printf(" from %.6g to %.6g: the closest is ", ask.lo, ask.hi);
                show(stdout, g.achieved, ask.metric);
                printf(" at %.6g\n", g.value);
            }
            if (a.output) {
                fputs("\nreport in ", stdout);
                term_put(stdout, a.output);
                fputs("/: goal.csv\n", stdout);
            }
            if (fflush(stdout) != 0)
                st = ST_IOERR;
        }
        cli_say_stopped("goal", st);
    }
    vary_free(v);
    inputs_free(in);
    model_free(m);
    diag_free(d);
    return cli_exit_code(st);
}
