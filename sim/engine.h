/*
 * engine.h - the Monte Carlo run: paths over threads, statistics merged.
 *
 * Paths are processed in chunks of ENGINE_CHUNK consecutive paths, whatever
 * the thread count; each thread takes the next chunk, simulates every
 * selected scenario on each path (common random numbers), and merges the
 * chunk's moments into the totals in chunk order.  Histograms and counters
 * are integers, merged at the end.  So the same model, seed and path count
 * give the same bits on any number of threads, and memory depends on the
 * model (months, metrics, cost lines, threads), never on the path count.
 */
#ifndef CPC_ENGINE_H
#define CPC_ENGINE_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "metrics.h"
#include "model.h"
#include "status.h"

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
    int draws_only;            /* make every random draw of the run and nothing else
                                * (the benchmark's floor); no results */
};

/* The statistics of one figure. */
struct stat_row {
    double plan;      /* the deterministic plan; NAN when undefined */
    double mean, sd, mc_se;
    double q[5];      /* P5, P25, P50, P75, P95; NAN when empty */
    double prob_plan; /* share of paths at least as good as the plan; NAN when empty */
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
};

/* The probabilities of the reported quantiles. */
extern const double engine_quantiles[5];

/*
 * Simulates O->paths paths of model M.  Returns ST_OK with *out set (free
 * with results_free; NULL with O->draws_only), ST_NOMEM, ST_SOFTWARE when a thread cannot be
 * started, or ST_INTERRUPT when *O->stop was set.
 */
enum status engine_run(const struct model *m, const struct run_options *o, struct results **out);
void results_free(struct results *r);

#endif
