/*
 * engine.h - the Monte Carlo run: paths over threads, statistics merged.
 *
 * Paths are processed in chunks of ENGINE_CHUNK consecutive paths, whatever
 * the thread count; each thread takes the next chunk, simulates every
 * selected scenario on each path (common random numbers), and merges the
 * chunk's moments into the totals in chunk order (a chunk done before its
 * turn is parked, up to two per thread within 32 MiB, and merged in its
 * turn by whoever merges the chunk before it, so that threads do not wait
 * on each other).  Histograms and counters are integers, merged at the
 * end.  So the same model, seed and path count give the same bits on any
 * number of threads, and memory depends on the model (months, metrics, cost
 * lines, threads), never on the path count.  Built as cpcsim-mpi, the
 * engine also deals the chunks to MPI ranks and merges them on rank 0 in
 * the same order (engine_ranks.inc): the same bits on any number of ranks,
 * and every function below is then called by every rank alike.
 */
#ifndef CPC_ENGINE_H
#define CPC_ENGINE_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "models/month.h"
#include "sim/metrics.h"
#include "sim/model.h"
#include "sim/sensitivity.h"
#include "sim/status.h"

#define ENGINE_CHUNK 256
#define ENGINE_MAX_PATHS 1000000000ULL

struct run_options {
    uint64_t seed;
    uint64_t paths;
    int threads;               /* at least 1 */
    const size_t *scenarios;   /* indices into the model's scenarios */
    size_t nscenarios;
    int progress;              /* draw a progress bar on stderr */
    volatile sig_atomic_t *stop; /* set by a signal handler to stop early; may be NULL */
    int sampling;              /* enum sampling (design.h): how per-path uniforms spread */
    size_t baseline;           /* the position in SCENARIOS of compare.csv's baseline (0: the first) */
    /* the variant of the model each position of SCENARIOS runs (DESIGN.md:
     * the same scenario may come twice, once with a contract); NULL, or a
     * NULL entry: the model as it is */
    const struct month_variant *const *variants;
    /* what compare.csv compares (NULL: compare_metrics, compare_direction):
     * NCOMPARE summary metrics, each with the side on which a path does
     * worse (+1: lower values are worse) and the difference beyond which it
     * counts as worse (NULL: 0) */
    const int *compare_metric, *compare_worse;
    const double *compare_threshold;
    size_t ncompare;
    double quantile_extra;     /* a further quantile of every figure, in stat_row.q_extra (0: none) */
    int sensitivity;           /* record the subsample of sensitivity.h, for engine_sensitivity */
    int cost_lines;            /* work out every cost line's and category's monthly cost (cost_lines.csv) */
    int draws_only;            /* make every random draw of the run and nothing else
                                * (the benchmark's floor); no results */
};

/* The reported percentiles, in percentile order (the order of the report
 * columns p5 .. p95); engine_quantiles holds their probabilities. */
enum stat_quantile { Q_P5, Q_P10, Q_P25, Q_P50, Q_P75, Q_P90, Q_P95, Q_COUNT };

/* The statistics of one figure. */
struct stat_row {
    double plan;      /* the deterministic plan; NAN when undefined */
    double mean, sd, mc_se;
    double q[Q_COUNT]; /* by enum stat_quantile; NAN when empty */
    double prob_plan; /* share of paths at least as good as the plan; NAN when empty */
    double q_extra;   /* the quantile run_options.quantile_extra asks for; NAN when none */
    uint64_t n;       /* paths where the figure is defined */
};

struct results {
    size_t nscenarios;
    size_t *scenarios;    /* model indices, in report order */
    int months;
    size_t nlines;
    uint64_t paths;
    int threads;
    struct stat_row *monthly;   /* [(s * months + m - 1) * MM_COUNT + k] */
    struct stat_row *summary;   /* [s * SM_COUNT + k] */
    double *line_mean;          /* [(s * nlines + l) * LF_COUNT + f]: mean over paths */
    double *cash_out_by_month;  /* [s * months + m - 1]: P(runway <= m) */
    /* each scenario against the baseline, path by path: the statistics of
     * the differences (scenario minus baseline) of compare_metrics[k], and
     * the share of paths where the scenario does worse; the baseline's own
     * rows are unused */
    size_t baseline;            /* its position in scenarios */
    size_t ncompare;            /* the metrics compared, by summary metric in compare_metric */
    int *compare_metric;        /* [ncompare] */
    struct stat_row *compare;   /* [s * ncompare + k] */
    double *prob_worse;         /* [s * ncompare + k] */
    struct sensitivity *sensitivity; /* what drives the key outputs (engine_sensitivity); NULL: not asked */
    /* with run_options.cost_lines, each cost line's (l < nlines) and each
     * category's (nlines + enum category) cost in each month: its mean over
     * every path, and its 10th, 50th and 90th percentiles: a category's
     * from the histograms of the paths whose index is a multiple of
     * ENGINE_LINE_EVERY (cl_sampled of them), a line's the exact order
     * statistics of a sample of those paths (cl_line_sampled of them,
     * within ENGINE_LINE_SAMPLE_BYTES; costlines.h); NAN when none was
     * (and for every line when too few fit); NULL when not asked */
    size_t cl_width;            /* nlines + CAT_COUNT */
    double *cl_mean;            /* [(s * months + m - 1) * cl_width + l] */
    double *cl_q;               /* [((s * months + m - 1) * cl_width + l) * 3 + k]: p10, p50, p90 */
    uint64_t cl_sampled, cl_line_sampled;
    int cl_line_quantiles;      /* the lines have percentiles (their sample fitted) */
};

/* cost_lines.csv's percentiles come from every ENGINE_LINE_EVERY-th path:
 * the categories' held in one set of histograms for all threads, the
 * lines' in an exact sample of at most ENGINE_LINE_SAMPLE_BYTES (8 bytes a
 * figure and sampled path; tests/bench/README.md has what they cost). */
#define ENGINE_LINE_EVERY 16
#define ENGINE_LINE_SAMPLE_BYTES (4u << 20)

/* The probabilities of the reported quantiles, by enum stat_quantile. */
extern const double engine_quantiles[Q_COUNT];

/*
 * A run in steps, for runs that stop at a precision: engine_new prepares
 * the run (and evaluates the plan), engine_extend simulates paths until
 * PATHS have been done (rounded up to a whole chunk, at most O->paths),
 * engine_collect reports on the paths done so far and may be called after
 * each step.  A run extended to N paths gives the same results, bit for bit,
 * as engine_run with N paths.  O and M are borrowed for the engine's life.
 */
struct engine;
struct engine *engine_new(const struct model *m, const struct run_options *o, enum status *status);
enum status engine_extend(struct engine *e, uint64_t paths);
enum status engine_collect(struct engine *e, struct results **out);
uint64_t engine_paths(const struct engine *e);
/* Works out sensitivity.csv's statistics from the paths done so far (the
 * run's options asked for them) into R->sensitivity (replacing any there).
 * ST_OK or ST_NOMEM. */
enum status engine_sensitivity(struct engine *e, struct results *r);
/* Ends the progress bar's line, if one was drawn. */
void engine_end_progress(struct engine *e);
void engine_free(struct engine *e);

/*
 * Simulates O->paths paths of model M (with O->sensitivity, R->sensitivity
 * too).  Returns ST_OK with *out set (free with results_free; NULL with
 * O->draws_only), ST_NOMEM (out of memory, or a thread the system has no memory
 * or room for: EAGAIN, ENOMEM), ST_SOFTWARE when a thread cannot be started for
 * another reason, or ST_INTERRUPT when *O->stop was set.
 */
enum status engine_run(const struct model *m, const struct run_options *o, struct results **out);
void results_free(struct results *r);

/*
 * The largest Monte Carlo error of the key figures of R, the figure --precision
 * bounds: over scenarios, the standard error of the mean of customers_final,
 * revenue_final, cost_final and cpc_final relative to the mean; of cash_final
 * relative to the larger of its mean and the starting cash CASH; and of
 * prob_cash_out and default_alive as a probability.  *SCENARIO and *METRIC
 * name the worst.  Infinite when fewer than 2 paths were run.
 */
double results_worst_error(const struct results *r, double cash, size_t *scenario, int *metric);

#endif
