/*
 * main.c - the cpcsim command line: commands, options, exit codes.
 *
 * Only this file prints diagnostics and chooses the exit status.  The
 * process stays in the "C" locale (setlocale is never called), so numbers
 * are read and written with '.' whatever LC_ALL says.  GSL's abort-on-error
 * handler is turned off; statuses are checked instead.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>

#include "sim/design.h"
#include "sim/diag.h"
#include "sim/engine.h"
#include "sim/mem.h"
#include "sim/model.h"
#include "sim/outdir.h"
#include "sim/report.h"
#include "sim/status.h"

#define CPCSIM_VERSION "0.1.0"

static volatile sig_atomic_t stop_signal = 0;

static void on_signal(int sig)
{
    stop_signal = sig;
}

static void install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
}

static const char usage_main[] =
    "usage: cpcsim COMMAND [options] ...\n"
    "\n"
    "Monte Carlo cost per customer, runway and breakeven for a software company.\n"
    "\n"
    "commands:\n"
    "  run MODEL    simulate every scenario and write the reports (cpcsim run --help)\n"
    "  check MODEL  validate a model folder without simulating (cpcsim check --help)\n"
    "\n"
    "options:\n"
    "  --help       show this help\n"
    "  --version    show the version\n"
    "\n"
    "A MODEL is a folder of CSV files (company.csv, plans.csv, scenarios.csv, infra.csv,\n"
    "staff.csv, and optionally features.csv, pipeline.csv, funding.csv); see README.md.\n"
    "Exit codes: 0 ok, 64 usage, 65 bad model data, 66 missing input, 70 internal error,\n"
    "71 out of memory, 73 output cannot be created, 74 output not written in full,\n"
    "130 interrupted.\n";

static const char usage_run[] =
    "usage: cpcsim run MODEL [-o OUT] [-n PATHS] [-s SEED] [-j THREADS] [--scenario NAME]...\n"
    "                  [--sampling mc|lhs|sobol] [--precision P] [--quiet]\n"
    "\n"
    "Simulate the model's scenarios month by month along many paths and write the\n"
    "reports summary.csv, monthly.csv, runway.csv, costs.csv and run.csv into OUT,\n"
    "then print a short summary per scenario.\n"
    "\n"
    "  -o, --output OUT     folder for the reports (default: out; created if missing)\n"
    "  -n, --paths PATHS    number of paths (default: 10000; at most 1000000000)\n"
    "  -s, --seed SEED      random seed, a whole number from 0 to 2^64-1 (default: 1)\n"
    "  -j, --threads N      threads to use (default: all cores); results do not depend on it\n"
    "      --scenario NAME  simulate only this scenario (repeat for several)\n"
    "      --sampling S     how each path's uncertain values spread: mc (plain Monte Carlo,\n"
    "                       the default), lhs (Latin hypercube) or sobol (randomised\n"
    "                       quasi-Monte Carlo), in independent blocks of 1024 paths\n"
    "      --precision P    run batches of paths (10240, then doubling) until the Monte Carlo\n"
    "                       error of the key figures is below P (such as 0.5%); -n is then the\n"
    "                       most paths to run (default 1000000)\n"
    "  -q, --quiet          no progress bar\n"
    "  -h, --help           show this help\n"
    "\n"
    "Same model, seed and paths give byte-identical reports on any thread count and locale\n"
    "(run.csv aside, which records the time and thread count). Reports appear complete or\n"
    "not at all.\n";

static const char usage_check[] =
    "usage: cpcsim check MODEL\n"
    "\n"
    "Validate the model folder without simulating: print what it holds (plans, scenarios,\n"
    "cost lines, roles, features, deals, funding, horizon, uncertain cells) and every\n"
    "problem found, each with its file, line and column. Exit 0 when the model can be\n"
    "run, 65 when its data is wrong, 66 when a file is missing.\n";

__attribute__((format(printf, 2, 3)))
static int usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "cpcsim%s%s: ", cmd ? " " : "", cmd ? cmd : "");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'cpcsim %s%s--help'.\n", cmd ? cmd : "", cmd ? " " : "");
    return ST_USAGE;
}

/* A whole number from MIN to MAX written in decimal digits; 0 on success. */
static int parse_whole(const char *text, unsigned long long min, unsigned long long max, unsigned long long *out)
{
    if (!*text)
        return -1;
    for (const char *p = text; *p; p++)
        if (*p < '0' || *p > '9')
            return -1;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno || *end || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

static void print_diag(const struct diag *d)
{
    diag_print(d, stderr);
}

static enum status load(const char *dir, struct diag *d, struct model **m)
{
    enum status st = model_load(dir, d, m);
    if (st != ST_OK) {
        print_diag(d);
        size_t n = diag_errors(d);
        if (st == ST_DATA)
            fprintf(stderr, "cpcsim: %zu problem%s in %s; nothing was simulated or written\n", n, n == 1 ? "" : "s",
                    dir);
        else if (st == ST_NOMEM)
            fprintf(stderr, "cpcsim: out of memory\n");
    }
    return st;
}

static void command_line(int argc, char **argv, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < argc && used < len; i++) {
        int spaced = strpbrk(argv[i], " \t\"'") != NULL;
        used += (size_t)snprintf(buf + used, len - used, "%s%s%s%s", i ? " " : "", spaced ? "'" : "", argv[i],
                                 spaced ? "'" : "");
    }
}

static int exit_code(enum status st)
{
    if (st == ST_INTERRUPT)
        return stop_signal == SIGTERM ? 143 : stop_signal == SIGHUP ? 129 : 130;
    return (int)st;
}

static enum status write_reports(const char *out, const struct model *m, const struct results *r,
                                 const struct run_info *info, struct diag *d)
{
    struct outdir *o;
    enum status st = outdir_open(out, report_files, d, &o);
    if (st != ST_OK)
        return st;
    int (*writers[])(FILE *, const struct model *, const struct results *) = {
        report_summary, report_monthly, report_runway, report_costs,
    };
    for (size_t i = 0; i < 4; i++) {
        FILE *f = outdir_file(o, report_files[i], d);
        if (!f) {
            outdir_abort(o);
            return diag_status(d) == ST_OK ? ST_CANTCREAT : diag_status(d);
        }
        writers[i](f, m, r);
        if (stop_signal) {
            outdir_abort(o);
            return ST_INTERRUPT;
        }
    }
    FILE *f = outdir_file(o, "run.csv", d);
    if (!f) {
        outdir_abort(o);
        return diag_status(d) == ST_OK ? ST_CANTCREAT : diag_status(d);
    }
    report_run(f, m, r, info);
    return outdir_commit(o, &stop_signal, d);
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
            *out = r;
            break;
        }
        results_free(r);
        n = done * 2;
    }
    engine_free(e);
    return st;
}

static int cmd_run(int argc, char **argv)
{
    const char *model_dir = NULL, *out = "out";
    unsigned long long paths = 10000, seed = 1, threads = 0;
    int quiet = 0, paths_given = 0;
    double precision = 0;
    int sampling = SAMPLING_MC;
    const char *names[64];
    size_t nnames = 0;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        const char *val = NULL;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(usage_run, stdout);
            return 0;
        }
        if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
            quiet = 1;
            continue;
        }
        int takes = !strcmp(a, "-o") || !strcmp(a, "--output") || !strcmp(a, "-n") || !strcmp(a, "--paths") ||
                    !strcmp(a, "-s") || !strcmp(a, "--seed") || !strcmp(a, "-j") || !strcmp(a, "--threads") ||
                    !strcmp(a, "--scenario") || !strcmp(a, "--precision") || !strcmp(a, "--sampling");
        if (takes) {
            if (i + 1 >= argc)
                return usage_error("run", "option '%s' needs a value", a);
            val = argv[++i];
        } else if (a[0] == '-' && a[1] != '\0') {
            return usage_error("run", "unknown option '%s'", a);
        } else {
            if (model_dir)
                return usage_error("run", "one MODEL folder only; '%s' is one too many", a);
            model_dir = a;
            continue;
        }
        if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
            if (!*val)
                return usage_error("run", "the output folder is empty");
            out = val;
        } else if (!strcmp(a, "-n") || !strcmp(a, "--paths")) {
            if (parse_whole(val, 1, ENGINE_MAX_PATHS, &paths))
                return usage_error("run", "-n takes a whole number of paths from 1 to 1000000000, got '%s'", val);
            paths_given = 1;
        } else if (!strcmp(a, "--sampling")) {
            for (sampling = 0; sampling_names[sampling] && strcmp(sampling_names[sampling], val); sampling++)
                ;
            if (!sampling_names[sampling])
                return usage_error("run", "--sampling takes mc, lhs or sobol, got '%s'", val);
        } else if (!strcmp(a, "--precision")) {
            char why[256];
            if (dist_parse_number(val, &precision, why, sizeof why) || !(precision > 0 && precision < 1))
                return usage_error("run", "--precision takes a target above 0 and below 100%%, such as 0.5%%, got '%s'",
                                   val);
        } else if (!strcmp(a, "-s") || !strcmp(a, "--seed")) {
            if (parse_whole(val, 0, ULLONG_MAX, &seed))
                return usage_error("run", "-s takes a whole number from 0 to 18446744073709551615, got '%s'", val);
        } else if (!strcmp(a, "-j") || !strcmp(a, "--threads")) {
            if (parse_whole(val, 1, 256, &threads))
                return usage_error("run", "-j takes a number of threads from 1 to 256, got '%s'", val);
        } else {
            if (nnames == sizeof names / sizeof names[0])
                return usage_error("run", "too many --scenario options (at most 64)");
            names[nnames++] = val;
        }
    }
    if (!model_dir)
        return usage_error("run", "missing the MODEL folder");
    if (precision > 0 && !paths_given)
        paths = 1000000;
    if (!threads) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        threads = n > 0 ? (unsigned long long)(n > 256 ? 256 : n) : 1;
    }

    struct diag *d = diag_new();
    if (!d)
        return ST_NOMEM;
    struct model *m = NULL;
    enum status st = load(model_dir, d, &m);
    if (st == ST_OK && (st = model_prepare_draws(m)) != ST_OK) {
        fprintf(stderr, "cpcsim: out of memory\n");
        model_free(m);
    }
    if (st != ST_OK) {
        diag_free(d);
        return exit_code(st);
    }
    print_diag(d); /* warnings */
    size_t chosen[64];
    size_t nchosen = 0;
    size_t *all = NULL;
    if (nnames) {
        for (size_t i = 0; i < nnames; i++) {
            size_t k;
            for (k = 0; k < m->nscenarios; k++)
                if (!strcmp(m->scenarios[k].name, names[i]))
                    break;
            if (k == m->nscenarios) {
                fprintf(stderr, "cpcsim run: no scenario called '%s' in %s/scenarios.csv; scenarios are:", names[i],
                        m->dir);
                for (k = 0; k < m->nscenarios; k++)
                    fprintf(stderr, "%s %s", k ? "," : "", m->scenarios[k].name);
                fputc('\n', stderr);
                model_free(m);
                diag_free(d);
                return ST_USAGE;
            }
            int again = 0;
            for (size_t j = 0; j < nchosen; j++)
                again |= chosen[j] == k;
            if (!again) /* a scenario named twice is simulated once */
                chosen[nchosen++] = k;
        }
    } else {
        all = mem_calloc(m->nscenarios, sizeof *all);
        if (!all) {
            model_free(m);
            diag_free(d);
            return ST_NOMEM;
        }
        for (size_t k = 0; k < m->nscenarios; k++)
            all[k] = k;
    }
    install_signals();
    char started[64];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(started, sizeof started, "%Y-%m-%dT%H:%M:%SZ", &tm);
    char cmdline[4096];
    command_line(argc, argv, cmdline, sizeof cmdline);

    struct run_options o = {
        .seed = seed,
        .paths = paths,
        .threads = (int)threads,
        .scenarios = nnames ? chosen : all,
        .nscenarios = nnames ? nchosen : m->nscenarios,
        .progress = !quiet && isatty(STDERR_FILENO),
        .stop = &stop_signal,
        .sampling = sampling,
    };
    struct results *r = NULL;
    char reached[256] = "";
    if (precision > 0)
        st = run_to_precision(m, &o, precision, &r, reached, sizeof reached);
    else
        st = engine_run(m, &o, &r);
    if (st == ST_OK) {
        struct run_info info = { CPCSIM_VERSION, cmdline, started, seed, precision, sampling_names[sampling] };
        st = write_reports(out, m, r, &info, d);
        if (st == ST_OK) {
            report_terminal(stdout, m, r);
            if (*reached)
                printf("\n%s\n", reached);
            size_t outlen = strlen(out);
            while (outlen > 1 && out[outlen - 1] == '/')
                outlen--;
            printf("\nreports in %.*s/: summary.csv monthly.csv runway.csv costs.csv run.csv\n", (int)outlen, out);
            if (fflush(stdout) != 0)
                st = ST_IOERR;
        } else {
            /* only the problems added since the warnings were printed */
            for (size_t i = diag_count(d) - diag_errors(d); i < diag_count(d); i++)
                fprintf(stderr, "%s\n", diag_message(d, i));
        }
    }
    if (st == ST_NOMEM)
        fprintf(stderr, "cpcsim run: out of memory; nothing was written\n");
    else if (st == ST_INTERRUPT)
        fprintf(stderr, "\ncpcsim run: interrupted; no report was written or replaced\n");
    else if (st == ST_SOFTWARE)
        fprintf(stderr, "cpcsim run: internal error (could not start a thread); please report it\n");
    results_free(r);
    mem_free(all);
    model_free(m);
    diag_free(d);
    return exit_code(st);
}

static void list_names(const char *what, size_t n, const char *(*name)(const struct model *, size_t),
                       const struct model *m)
{
    printf("  %-14s %zu", what, n);
    for (size_t i = 0; i < n && i < 12; i++)
        printf("%s %s", i ? "," : ":", name(m, i));
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

struct shown {
    const struct model *m;
    size_t n;
};

static void show_uncertain(void *ctx, enum model_file f, long line, const char *col, const struct dist *v)
{
    struct shown *sh = ctx;
    if (!dist_is_uncertain(v))
        return;
    char desc[256];
    dist_describe(v, desc, sizeof desc);
    printf("  %s/%s:%ld %s: %s\n", sh->m->dir, model_file_name(f), line, col, desc);
    sh->n++;
}

static int cmd_check(int argc, char **argv)
{
    const char *model_dir = NULL;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            fputs(usage_check, stdout);
            return 0;
        }
        if (argv[i][0] == '-' && argv[i][1])
            return usage_error("check", "unknown option '%s'", argv[i]);
        if (model_dir)
            return usage_error("check", "one MODEL folder only; '%s' is one too many", argv[i]);
        model_dir = argv[i];
    }
    if (!model_dir)
        return usage_error("check", "missing the MODEL folder");
    struct diag *d = diag_new();
    if (!d)
        return ST_NOMEM;
    struct model *m = NULL;
    enum status st = load(model_dir, d, &m);
    if (st != ST_OK) {
        diag_free(d);
        return exit_code(st);
    }
    model_warn_clamping(m, d);
    char date[16];
    calendar_format(&m->cal, 1, date, sizeof date);
    char last[16];
    calendar_format(&m->cal, m->cal.months, last, sizeof last);
    printf("model %s: %d months from %s to %s, cash %.2f %s, min_cash %.2f, target margin %g, confidence %g\n",
           m->dir, m->cal.months, date, last, m->cash, m->currency, m->min_cash, m->target_margin, m->confidence);
    list_names("plans", m->nplans, plan_name, m);
    list_names("scenarios", m->nscenarios, scenario_name, m);
    list_names("infra lines", m->ninfra, infra_name, m);
    list_names("roles", m->nroles, role_name, m);
    list_names("features", m->nfeatures, feature_name, m);
    list_names("deals", m->ndeals, deal_name, m);
    list_names("funding", m->nrounds, round_name, m);
    printf("uncertain cells (drawn once per path):\n");
    struct shown sh = { m, 0 };
    model_for_each_value(m, show_uncertain, &sh);
    if (!sh.n)
        printf("  none: every cell is a single number, so every path is the plan but for arrivals, churn and deals\n");
    fflush(stdout);
    print_diag(d);
    printf("ok: no problems%s\n", diag_warnings(d) ? " (see the warnings above)" : "");
    model_free(m);
    diag_free(d);
    return fflush(stdout) == 0 ? 0 : ST_IOERR;
}

/* Standard output that could not be written (a full disk, a closed pipe) is
 * an output error, not a success. */
static int finish(int rc)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "cpcsim: could not write to standard output: %s\n", strerror(errno));
        return rc ? rc : ST_IOERR;
    }
    return rc;
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    if (argc < 2) {
        fputs(usage_main, stderr);
        return ST_USAGE;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        fputs(usage_main, stdout);
        return finish(0);
    }
    if (!strcmp(cmd, "--version")) {
        printf("cpcsim %s\n", CPCSIM_VERSION);
        return finish(0);
    }
    if (!strcmp(cmd, "run"))
        return finish(cmd_run(argc, argv));
    if (!strcmp(cmd, "check"))
        return finish(cmd_check(argc, argv));
    return usage_error(NULL, "unknown command '%s'; commands are run and check", cmd);
}
