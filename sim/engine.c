/*
 * engine.c - threads, chunks and the merging of statistics (see engine.h).
 */
#include "sim/engine.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "models/category.h"
#include "sim/correl.h"
#include "sim/costlines.h"
#include "sim/design.h"
#include "sim/mem.h"
#include "sim/path.h"
#include "sim/sensitivity.h"
#include "sim/stats.h"

const double engine_quantiles[Q_COUNT] = { 0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95 };

/* pthread_create, as the one place a thread starts.  Built with
 * -DCPC_FAULT_INJECTION (make faults), the thread numbered
 * CPCSIM_FAIL_THREAD (from the environment, counting from 1) and every one
 * after it are refused with EAGAIN, as the system refuses a thread it has no
 * memory or room for. */
static int thread_start(pthread_t *t, void *(*fn)(void *), void *arg)
{
#ifdef CPC_FAULT_INJECTION
    static atomic_long started;
    const char *env = getenv("CPCSIM_FAIL_THREAD");
    long fail_at = env ? strtol(env, NULL, 10) : 0;
    if (fail_at > 0 && atomic_fetch_add(&started, 1) + 1 >= fail_at)
        return EAGAIN;
#endif
    return pthread_create(t, NULL, fn, arg);
}

/* The status of a thread that cannot be started, or of a lock that cannot
 * be made: the system's refusal for want of memory or room is ST_NOMEM (71,
 * as for memory), anything else a bug. */
static enum status refused(int err)
{
    return err == EAGAIN || err == ENOMEM ? ST_NOMEM : ST_SOFTWARE;
}



struct worker {
    struct engine *e;
    int id;
    struct path **lane;          /* [nlanes]: paths run side by side, month by month */
    size_t nlanes;
    struct chunk_moments *chunk; /* [nmoments] */
    struct histset *hist;        /* [nhist] */
    uint64_t *good;              /* [S * SM_COUNT]: paths at least as good as the plan */
    uint64_t *runway;            /* [S * (H + 2)]: paths by runway month */
    uint64_t *worse;             /* [S * ncmp]: paths where the scenario does worse than the baseline */
    double *batch;               /* [nhist * batch_paths]: figures of the last paths, by figure, then path,
                                    at a cache line's start (in batch_mem) */
    double *batch_mem;
    size_t batch_paths;          /* paths a batch holds: a multiple of nlanes */
    size_t nbatch;               /* paths in the batch */
    struct correl_block *correl; /* the lanes' scratch for correlated blocks; NULL: none */
    double *cl_cost;             /* [L]: some cost lines of one month of one path */
    double *cl_sum;              /* [ncl]: this chunk's sums of cost_lines.csv's figures */
    double *cl_path;             /* [ncl]: a sampled path's figures, every scenario's */
    double *cl_sample;           /* [ncl_hist * CL_SAMPLE]: the chunk's sampled paths' categories, by figure */
    uint64_t first;              /* the path in lane 0 */
};

struct engine {
    const struct model *m;
    const struct run_options *o;
    size_t S, L;
    int H;
    size_t nmonthly, nsummary, ncompare, nlines_m, nmoments, nhist;
    size_t base;                       /* the baseline's position in the scenarios */
    size_t ncmp;                       /* metrics compared */
    const int *cmp_metric, *cmp_worse; /* [ncmp] */
    const double *cmp_threshold;       /* [ncmp] or NULL */
    double *plan_month, *plan_summary; /* [S * H * MM], [S * SM] */
    struct moments *moments;           /* [nmoments] */
    /* with a sampling design: each block's mean per figure, and the moments
     * of those means (blocks are independent replicates) */
    struct design *design;
    struct correl *correl;             /* correlations.csv's, NULL: none (or all 0) */
    double *block_sum, *block_n;       /* [nmoments]: the block being merged */
    struct moments *between;           /* [nmoments] */
    int nthreads, inited, sync_ready;
    struct worker *w;            /* [nthreads] */
    uint64_t paths;              /* simulated so far */
    uint64_t nchunks;            /* chunks of those paths */
    atomic_uint_fast64_t next_chunk;
    atomic_uint_fast64_t done_paths;
    atomic_int failed;           /* 1, or ST_NOMEM when a worker ran out of memory */
    uint64_t next_merge;
    /* chunks finished before their turn to merge, parked so that their
     * workers go on (rather than wait for a slower chunk before them): slot
     * k holds the moments of chunk parked_at[k], UINT64_MAX when free */
    size_t nparked;
    struct chunk_moments *parked; /* [nparked * nmoments] */
    uint64_t *parked_at;          /* [nparked] */
    pthread_mutex_t lock;
    pthread_cond_t merged;
    struct sensitivity_sample *sample; /* the subsample sensitivity.csv is worked out from; NULL: none */
    /* cost_lines.csv (run_options.cost_lines): per scenario, line or
     * category and month, NCL figures (cl_figure); their sums over the
     * paths merged so far (chunk by chunk, in chunk order, as the moments),
     * the histograms of the categories of the sampled paths, shared by the
     * threads (counts: the order of adding does not matter), and the
     * lines' exact sample (costlines.h) in columns cl_col */
    size_t ncl, clw, ncl_hist;         /* ncl_hist: the figures with histograms, the categories' */
    unsigned char *cl_cat;             /* [L]: each line's category */
    size_t *cl_steady, ncl_steady;     /* the lines that do not depend on customers (month_line_fixed) */
    unsigned char *cl_steady_of;       /* [L]: 1 for the lines in cl_steady */
    unsigned char *cl_changes;         /* [L * (H + 1)]: month_line_changes of each steady line */
    size_t *cl_due, *cl_due_at;        /* the steady lines that change in month m: cl_due[cl_due_at[m] ..] */
    uint32_t *cl_col;                  /* [S * L * H]: each line figure's column of the sample; UINT32_MAX: none */
    size_t ncl_cols;
    struct costlines_sample *cl_keep;  /* NULL: the lines have no percentiles */
    double *cl_total;                  /* [ncl] */
    double *parked_cl;                 /* [nparked * ncl] */
    struct histset *cl_hist;           /* [ncl_hist figures] */
    uint64_t cl_sampled;
    pthread_mutex_t cl_lock;
    int cl_lock_ready;
    struct timespec started;
    double last_draw;
#ifdef CPC_MPI
    struct engine_ranks *ranks; /* cpcsim-mpi's ranks (engine_ranks.inc); NULL: this process alone */
#endif
};

static int stopped(const struct engine *e)
{
    return (e->o->stop && *e->o->stop) || atomic_load(&e->failed);
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static void progress(struct engine *e, int final)
{
    double elapsed = seconds_since(&e->started);
    if (!e->o->progress || elapsed < 1.0 || (!final && elapsed - e->last_draw < 0.2))
        return;
    e->last_draw = elapsed;
    uint64_t done = atomic_load(&e->done_paths);
    double frac = (double)done / (double)e->o->paths;
    int width = 30, filled = (int)(frac * width);
    char bar[64];
    for (int i = 0; i < width; i++)
        bar[i] = i < filled ? '#' : '.';
    bar[width] = '\0';
    double left = frac > 0 ? elapsed * (1 - frac) / frac : 0;
    fprintf(stderr, "\r[%s] %3.0f%%  %llu/%llu paths  %.0fs left ", bar, 100 * frac, (unsigned long long)done,
            (unsigned long long)e->o->paths, left);
    if (final)
        fputc('\n', stderr);
    fflush(stderr);
}

/* Paths run side by side, month by month, in lanes: their draws are made
 * together (path_month_lanes), and the lanes' workspaces should mostly stay
 * in the first-level cache, so a group is kept small (LANES; more lanes
 * draw more at once but miss the cache more).  Lanes take memory for a
 * path's workspace each, so long horizons run fewer side by side, within
 * LANE_BYTES a thread.
 *
 * Their figures are held back for BATCH paths and then added together,
 * figure by figure, so that each histogram is touched many times in a row
 * rather than once per lane group: the histograms are far larger than the
 * caches.  The batch takes 8 bytes a figure and path, so long horizons
 * batch fewer paths, within BATCH_BYTES a thread (a 600-month model has
 * 25,000 figures).  tests/bench/README.md has the timings behind LANES and
 * BATCH.
 *
 * Neither changes a result: each figure still takes its values in path
 * order. */
#define LANES 8 /* at most PATH_LANES */
#define LANES_MIN 4
#define LANE_BYTES (2u << 20)
#define BATCH 128
#define BATCH_BYTES (4u << 20)
#define PARK_BYTES (32u << 20) /* for all the chunks parked (see merge_in_order) */
#define CACHE_LINE 64
/* a group of lanes holds at most one sampled path of cost_lines.csv, so
 * one record a worker does */
_Static_assert(ENGINE_LINE_EVERY >= LANES, "one sampled path a group of lanes");
#define CL_SAMPLE (ENGINE_CHUNK / ENGINE_LINE_EVERY) /* sampled paths a chunk */

#ifdef CPC_MPI
#include "sim/engine_ranks.inc"
#endif

/* Adds the batched figures to the chunk's moments and the histograms, in
 * path order, and empties the batch.  The windows of the figure
 * PREFETCH_AHEAD on are fetched meanwhile: the windows of all figures are
 * far larger than the caches, and a figure's counting is long enough to
 * hide the fetch of the one two ahead. */
#define PREFETCH_AHEAD 2
static enum status flush(struct worker *w)
{
    struct engine *e = w->e;
    enum status st = ST_OK;
    if (!e->o->draws_only) /* the floor's batch is left empty */
        for (size_t i = 0; i < e->nhist; i++) {
            if (i + PREFETCH_AHEAD < e->nhist)
                histset_prefetch(w->hist, i + PREFETCH_AHEAD, w->batch + (i + PREFETCH_AHEAD) * w->batch_paths,
                                 w->nbatch);
            /* a figure whose values leave its windows for a new range of
             * magnitudes takes a page of counts, once per range */
            if (histset_add_chunk(w->hist, i, w->batch + i * w->batch_paths, w->nbatch, &w->chunk[i]) != ST_OK)
                st = ST_NOMEM;
        }
    w->nbatch = 0;
    return st;
}

/* The figure of cost_lines.csv of line or category L in month MO of
 * scenario S: a line's months side by side (path_sum_lines). */
static size_t cl_figure(const struct engine *e, size_t s, int mo, size_t l)
{
    return (s * e->clw + l) * (size_t)e->H + (size_t)(mo - 1);
}

/* The histogram of category C in month MO of scenario S (only the
 * categories have histograms). */
static size_t hist_of_category(const struct engine *e, size_t s, int mo, size_t c)
{
    return (s * (size_t)e->H + (size_t)(mo - 1)) * CAT_COUNT + c;
}

/* Adds the cost lines that do not depend on customers (month_line_fixed)
 * of the path in lane J to the chunk's sums, and, for a sampled path, its
 * cost lines and categories of scenario S to the chunk's sample of the
 * categories (for add_cost_line_sample) and to the lines' sample.  The
 * lines that depend on customers were summed as the lanes ran
 * (path_sum_lines).  The sums skip what the means do not need: a line that
 * does not depend on customers costs the same in every scenario and in
 * every month up to its next change (month_line_changes; test_path checks
 * it), so only scenario 0's months of its changes are priced and summed
 * (collect_cost_lines reads the rest from them), and a category's mean is
 * the sum of its lines'.  Allocates nothing; ST_OK. */
static enum status accumulate_cost_lines(struct worker *w, size_t s, size_t j)
{
    struct engine *e = w->e;
    struct path *p = w->lane[j];
    const size_t L = e->L, H = (size_t)e->H;
    const uint64_t path = w->first + j;
    double *cost = w->cl_cost;
    /* a sampled path's every line and month, in cl_path: the lanes wrote
     * the lines that depend on customers, scenario by scenario; the others
     * are scenario 0's, the same in every scenario */
    double *record = path % ENGINE_LINE_EVERY == 0 ? w->cl_path : NULL;
    for (int mo = 1; mo <= e->H && s == 0; mo++) {
        const size_t *due = e->cl_due + e->cl_due_at[mo], n = e->cl_due_at[mo + 1] - e->cl_due_at[mo];
        if (!n)
            continue;
        path_line_costs_of(p, mo, due, n, cost);
        for (size_t k = 0; k < n; k++)
            w->cl_sum[cl_figure(e, 0, mo, due[k])] += cost[k];
        for (size_t k = 0; record && k < n; k++)
            record[cl_figure(e, 0, mo, due[k])] = cost[k];
    }
    if (!record)
        return ST_OK;
    double *at = record + cl_figure(e, s, 1, 0);
    for (size_t k = 0; k < e->ncl_steady; k++) {
        const size_t l = e->cl_steady[k];
        const unsigned char *changes = e->cl_changes + l * (H + 1);
        double *row = at + l * H;
        if (s > 0)
            memcpy(row, record + cl_figure(e, 0, 1, l), H * sizeof *row);
        else
            for (size_t mo = 2; mo <= H; mo++) /* unchanged: the month before's */
                if (!changes[mo])
                    row[mo - 1] = row[mo - 2];
    }
    memset(at + L * H, 0, CAT_COUNT * H * sizeof *at);
    for (size_t l = 0; l < L; l++) {
        double *cat = at + (L + e->cl_cat[l]) * H;
        const double *row = at + l * H;
        for (size_t mo = 0; mo < H; mo++)
            cat[mo] += row[mo];
    }
    /* into the chunk's sample of the categories, at the path's place in
     * it, and the lines' into their sample */
    const size_t slot = (size_t)(path % ENGINE_CHUNK) / ENGINE_LINE_EVERY;
    for (int mo = 1; mo <= e->H; mo++)
        for (size_t c = 0; c < CAT_COUNT; c++)
            w->cl_sample[hist_of_category(e, s, mo, c) * CL_SAMPLE + slot] = at[(L + c) * H + (size_t)(mo - 1)];
    double *keep = costlines_sample_row(e->cl_keep, path);
    for (size_t l = 0; keep && l < L; l++) {
        const uint32_t *col = e->cl_col + (s * L + l) * H;
        const unsigned char *changes = e->cl_changes + l * (H + 1) + 1;
        if (!e->cl_steady_of[l] && col[0] != UINT32_MAX)
            for (size_t mo = 0; mo < H; mo++)
                keep[col[mo]] = at[l * H + mo];
        else if (e->cl_steady_of[l] && s == 0) /* its columns are its stretches' */
            for (size_t mo = 0; mo < H; mo++)
                if (changes[mo])
                    keep[col[mo]] = at[l * H + mo];
    }
    return ST_OK;
}

/* Adds the sampled paths of the chunk of paths FIRST .. LAST - 1 to the
 * shared histograms, figure by figure (a figure's window is fetched once
 * for all of them: the windows of all figures are far larger than the
 * caches).  ST_NOMEM when a histogram's page cannot be allocated. */
static enum status add_cost_line_sample(struct worker *w, uint64_t first, uint64_t last)
{
    struct engine *e = w->e;
    const size_t n = (size_t)((last - first + ENGINE_LINE_EVERY - 1) / ENGINE_LINE_EVERY); /* FIRST: a multiple */
    enum status st = ST_OK;
    pthread_mutex_lock(&e->cl_lock);
    for (size_t i = 0; i < e->ncl_hist && st == ST_OK; i++)
        for (size_t k = 0; k < n && st == ST_OK; k++)
            st = histset_add(e->cl_hist, i, w->cl_sample[i * CL_SAMPLE + k]);
    if (st == ST_OK)
        e->cl_sampled += n;
    pthread_mutex_unlock(&e->cl_lock);
    return st;
}

/* Takes the summary and cost lines of the paths of lanes 0..N-1 (paths in
 * order), for scenario S, once their months are done.  ST_NOMEM as
 * accumulate_cost_lines. */
static enum status accumulate_ends(struct worker *w, size_t s, size_t n)
{
    enum status st = ST_OK;
    struct engine *e = w->e;
    const double *plan = e->plan_summary + s * SM_COUNT;
    double *at = w->batch + (e->nmonthly + s * SM_COUNT) * w->batch_paths + w->nbatch;
    for (size_t j = 0; j < n; j++) {
        const struct path *p = w->lane[j];
        const double *sv = path_summary(p);
        for (size_t k = 0; k < SM_COUNT; k++) {
            double v = sv[k];
            at[k * w->batch_paths + j] = v;
            int dir = summary_metric_direction[k];
            if (dir && !isnan(v) && !isnan(plan[k]) && (dir > 0 ? v >= plan[k] : v <= plan[k]))
                w->good[s * SM_COUNT + k]++;
        }
        w->runway[s * ((size_t)e->H + 2) + (size_t)sv[SM_RUNWAY]]++;
        if (e->ncl && accumulate_cost_lines(w, s, j) != ST_OK)
            st = ST_NOMEM; /* the other figures are still taken: the run stops at the chunk's end */
        /* cost lines have moments only */
        const double *lv = path_lines(p);
        struct chunk_moments *c = w->chunk + e->nmonthly + e->nsummary + e->ncompare + s * e->L * LF_COUNT;
        for (size_t i = 0; i < e->L * LF_COUNT; i++)
            if (!isnan(lv[i]))
                chunk_add(&c[i], lv[i]);
    }
    return st;
}

/* The position among the compared figures of scenario S's, or -1 for the
 * baseline (which is not compared with itself). */
static long compared(const struct engine *e, size_t s)
{
    return s == e->base ? -1 : (long)(s < e->base ? s : s - 1);
}

/* The differences of the paths of lanes 0..N-1, each scenario minus the
 * baseline on the same path, from their summary figures in the batch. */
static void accumulate_differences(struct worker *w, size_t n)
{
    struct engine *e = w->e;
    const double *base = w->batch + (e->nmonthly + e->base * SM_COUNT) * w->batch_paths + w->nbatch;
    for (size_t s = 0; s < e->S; s++) {
        long c = compared(e, s);
        if (c < 0)
            continue;
        const double *v = w->batch + (e->nmonthly + s * SM_COUNT) * w->batch_paths + w->nbatch;
        double *at = w->batch + (e->nmonthly + e->nsummary + (size_t)c * e->ncmp) * w->batch_paths + w->nbatch;
        for (size_t k = 0; k < e->ncmp; k++) {
            const size_t metric = (size_t)e->cmp_metric[k];
            const double limit = e->cmp_threshold ? e->cmp_threshold[k] : 0;
            for (size_t j = 0; j < n; j++) {
                double d = v[metric * w->batch_paths + j] - base[metric * w->batch_paths + j];
                at[k * w->batch_paths + j] = d;
                if (e->cmp_worse[k] > 0 ? d < -limit : d > limit) /* false for NAN */
                    w->worse[s * e->ncmp + k]++;
            }
        }
    }
}

/* Runs paths FIRST .. FIRST + N - 1 (N at most nlanes) side by side, into
 * the batch. */
static enum status run_lanes(struct worker *w, uint64_t first, size_t n)
{
    enum status st = ST_OK;
    w->first = first;
    struct engine *e = w->e;
    const struct run_options *o = e->o;
    const enum path_mode mode = o->draws_only ? PATH_DRAWS_ONLY : PATH_RANDOM;
    for (size_t j = 0; j < n; j++)
        path_draw_shared(w->lane[j], o->seed, first + j);
    const int sample = e->sample && first < sensitivity_sample_paths(e->sample);
    for (size_t j = 0; sample && j < n; j++)
        sensitivity_record_inputs(e->sample, first + j, path_uniforms(w->lane[j]));
    for (size_t s = 0; s < e->S; s++) {
        for (size_t j = 0; j < n; j++) {
            path_set_variant(w->lane[j], o->variants ? o->variants[s] : NULL);
            path_draw_scenario(w->lane[j], o->scenarios[s]);
            path_begin(w->lane[j], mode);
            if (e->ncl && mode != PATH_DRAWS_ONLY) /* lanes add to the sums in path order */
                path_sum_lines(w->lane[j], w->cl_sum + cl_figure(e, s, 1, 0),
                               (first + j) % ENGINE_LINE_EVERY == 0 ? w->cl_path + cl_figure(e, s, 1, 0) : NULL,
                               (size_t)e->H);
        }
        for (int mo = 1; mo <= e->H; mo++) {
            size_t at = (s * (size_t)e->H + (size_t)(mo - 1)) * MM_COUNT;
            path_month_lanes(w->lane, n, o->seed, first, mo, w->batch + at * w->batch_paths + w->nbatch,
                             w->batch_paths);
        }
        for (size_t j = 0; j < n; j++)
            path_end(w->lane[j]);
        if (mode != PATH_DRAWS_ONLY && accumulate_ends(w, s, n) != ST_OK)
            st = ST_NOMEM;
        for (size_t j = 0; sample && j < n; j++)
            sensitivity_record_outputs(e->sample, s, first + j, path_summary(w->lane[j]));
    }
    if (mode != PATH_DRAWS_ONLY && e->ncompare)
        accumulate_differences(w, n);
    return st;
}

/* Adds the block being merged, as one replicate, to the moments INTO, and
 * starts the next block. */
static void close_block(struct engine *e, struct moments *into)
{
    for (size_t i = 0; i < e->nmoments; i++) {
        if (e->block_n[i] > 0) {
            struct chunk_moments one = { 0 };
            chunk_add(&one, e->block_sum[i] / e->block_n[i]);
            moments_merge(&into[i], &one);
        }
        e->block_sum[i] = e->block_n[i] = 0;
    }
}

/* Merges the moments C and cost_lines.csv's sums CL of chunk CHUNK, whose
 * turn it is (and clears them). */
static void merge_chunk(struct engine *e, uint64_t chunk, struct chunk_moments *c, double *cl)
{
#ifdef CPC_MPI
    if (e->ranks && e->ranks->me != 0) { /* rank 0 merges */
        ranks_send_chunk(e, chunk, c, cl);
        return;
    }
#endif
    for (size_t i = 0; i < e->ncl; i++) {
        e->cl_total[i] += cl[i];
        cl[i] = 0;
    }
    if (e->design) {
        for (size_t i = 0; i < e->nmoments; i++) {
            e->block_sum[i] += c[i].shift * (double)c[i].n + c[i].s1;
            e->block_n[i] += (double)c[i].n;
        }
        if ((chunk + 1) % (DESIGN_BLOCK / ENGINE_CHUNK) == 0)
            close_block(e, e->between);
    }
    for (size_t i = 0; i < e->nmoments; i++)
        moments_merge(&e->moments[i], &c[i]);
    e->next_merge++;
}

/* Merges the parked chunks (and cpcsim-mpi's chunks from other ranks that
 * have come) whose turns follow. */
static void merge_followers(struct engine *e)
{
    for (int found = 1; found;) {
        found = 0;
        for (size_t k = 0; k < e->nparked; k++)
            if (e->parked_at[k] == e->next_merge) {
                e->parked_at[k] = UINT64_MAX;
                merge_chunk(e, e->next_merge, e->parked + k * e->nmoments, e->ncl ? e->parked_cl + k * e->ncl : NULL);
                found = 1;
            }
#ifdef CPC_MPI
        while (ranks_merge_remote(e, 0))
            found = 1;
#endif
    }
}

/*
 * Merges this chunk's moments in chunk order, so that floating-point sums
 * do not depend on the thread count: now if it is the chunk's turn (and
 * then the parked chunks whose turns follow), or else parked in a free
 * slot, to be merged in its turn by the worker that merges the chunk before
 * it.  Waits only when no slot is free.  0 if stopped.
 */
static int merge_in_order(struct worker *w, uint64_t chunk)
{
    struct engine *e = w->e;
    int ok = 0;
    pthread_mutex_lock(&e->lock);
    for (;;) {
        if (e->next_merge == chunk) {
            merge_chunk(e, chunk, w->chunk, w->cl_sum);
            merge_followers(e);
            pthread_cond_broadcast(&e->merged);
            ok = 1;
            break;
        }
        if (stopped(e))
            break;
#ifdef CPC_MPI
        if (ranks_merge_remote(e, 0)) { /* another rank's chunk, in its turn */
            merge_followers(e);
            pthread_cond_broadcast(&e->merged);
            continue;
        }
#endif
        size_t k = 0;
        while (k < e->nparked && e->parked_at[k] != UINT64_MAX)
            k++;
        if (k < e->nparked) {
            memcpy(e->parked + k * e->nmoments, w->chunk, e->nmoments * sizeof *w->chunk);
            memset(w->chunk, 0, e->nmoments * sizeof *w->chunk);
            if (e->ncl) {
                memcpy(e->parked_cl + k * e->ncl, w->cl_sum, e->ncl * sizeof *w->cl_sum);
                memset(w->cl_sum, 0, e->ncl * sizeof *w->cl_sum);
            }
            e->parked_at[k] = chunk;
            ok = 1;
            break;
        }
#ifdef CPC_MPI
        if (ranks_merge_remote(e, 1)) { /* no room to park: wait for another rank's chunk in its turn */
            merge_followers(e);
            pthread_cond_broadcast(&e->merged);
            continue;
        }
#endif
        struct timespec t;
        clock_gettime(CLOCK_REALTIME, &t);
        t.tv_nsec += 100000000;
        if (t.tv_nsec >= 1000000000) {
            t.tv_sec++;
            t.tv_nsec -= 1000000000;
        }
        pthread_cond_timedwait(&e->merged, &e->lock, &t);
    }
    pthread_mutex_unlock(&e->lock);
    return ok;
}

static void *work(void *arg)
{
    struct worker *w = arg;
    struct engine *e = w->e;
    const struct run_options *o = e->o;
    for (;;) {
        uint64_t chunk = atomic_fetch_add(&e->next_chunk, 1);
        if (chunk >= e->nchunks || stopped(e))
            break;
#ifdef CPC_MPI
        if (!ranks_runs(e, chunk)) /* another rank's */
            continue;
#endif
        uint64_t first = chunk * ENGINE_CHUNK;
        uint64_t last = first + ENGINE_CHUNK < e->paths ? first + ENGINE_CHUNK : e->paths;
        enum status st = ST_OK;
        for (uint64_t i = first; i < last && st == ST_OK; i += w->nlanes) {
            size_t n = last - i < w->nlanes ? (size_t)(last - i) : w->nlanes;
            st = run_lanes(w, i, n);
            w->nbatch += n;
            if (w->nbatch == w->batch_paths && flush(w) != ST_OK)
                st = ST_NOMEM;
        }
        if (st == ST_OK && !o->draws_only)
            st = flush(w);
        if (st == ST_OK && e->ncl)
            st = add_cost_line_sample(w, first, last);
        if (st != ST_OK) {
            atomic_store(&e->failed, st);
            break;
        }
        if (!o->draws_only && !merge_in_order(w, chunk))
            break;
        atomic_fetch_add(&e->done_paths, last - first);
        if (w->id == 0)
            progress(e, 0);
    }
    return NULL;
}

static void evaluate_plan(struct engine *e, struct path *p)
{
    path_eval_shared(p);
    for (size_t s = 0; s < e->S; s++) {
        path_set_variant(p, e->o->variants ? e->o->variants[s] : NULL);
        path_eval_scenario(p, e->o->scenarios[s]);
        path_simulate(p, PATH_PLAN, 0, 0, NULL);
        memcpy(e->plan_month + s * (size_t)e->H * MM_COUNT, path_monthly(p),
               (size_t)e->H * MM_COUNT * sizeof(double));
        memcpy(e->plan_summary + s * SM_COUNT, path_summary(p), SM_COUNT * sizeof(double));
    }
}

static void worker_free(struct worker *w)
{
    if (w->lane)
        for (size_t j = 0; j < w->nlanes; j++)
            path_free(w->lane[j]);
    mem_free(w->lane);
    mem_free(w->chunk);
    histset_free(w->hist);
    mem_free(w->good);
    mem_free(w->runway);
    mem_free(w->worse);
    mem_free(w->batch_mem);
    correl_block_free(w->correl);
    mem_free(w->cl_cost);
    mem_free(w->cl_sum);
    mem_free(w->cl_path);
    mem_free(w->cl_sample);
}

static int worker_init(struct worker *w, struct engine *e, int id)
{
    memset(w, 0, sizeof *w);
    w->e = e;
    w->id = id;
    size_t fit = LANE_BYTES / path_bytes(e->m);
    w->nlanes = fit > LANES ? LANES : fit < LANES_MIN ? LANES_MIN : fit;
    w->lane = mem_calloc(w->nlanes, sizeof *w->lane);
    if (!w->lane)
        return -1;
    for (size_t j = 0; j < w->nlanes; j++)
        if (!(w->lane[j] = path_new(e->m)))
            return -1;
    w->chunk = mem_calloc(e->nmoments, sizeof *w->chunk);
    w->hist = histset_new(e->nhist);
    w->good = mem_calloc(e->S * SM_COUNT, sizeof *w->good);
    w->runway = mem_calloc(e->S * ((size_t)e->H + 2), sizeof *w->runway);
    w->worse = mem_calloc(e->S * e->ncmp + 1, sizeof *w->worse);
    fit = BATCH_BYTES / (sizeof *w->batch * (e->nhist ? e->nhist : 1));
    fit = fit > BATCH ? BATCH : fit;
    w->batch_paths = fit > w->nlanes ? fit / w->nlanes * w->nlanes : w->nlanes;
    /* eight lanes' figures are one cache line when the batch starts a line
     * (a large calloc starts 16 bytes into a page) */
    w->batch_mem = mem_calloc(e->nhist * w->batch_paths + CACHE_LINE / sizeof(double), sizeof *w->batch);
    if (!w->batch_mem)
        return -1;
    w->batch = w->batch_mem + (CACHE_LINE - (uintptr_t)w->batch_mem % CACHE_LINE) % CACHE_LINE / sizeof(double);
    if (e->ncl) {
        w->cl_cost = mem_calloc(e->L + 1, sizeof *w->cl_cost);
        w->cl_sum = mem_calloc(e->ncl, sizeof *w->cl_sum);
        w->cl_path = mem_calloc(e->ncl, sizeof *w->cl_path);
        w->cl_sample = mem_calloc(e->ncl_hist * CL_SAMPLE, sizeof *w->cl_sample);
        if (!w->cl_cost || !w->cl_sum || !w->cl_path || !w->cl_sample)
            return -1;
    }
    return w->chunk && w->hist && w->good && w->runway && w->worse ? 0 : -1;
}

double results_worst_error(const struct results *r, double cash, size_t *scenario, int *metric)
{
    enum scale { OF_MEAN, OF_CASH, AS_PROBABILITY };
    static const struct {
        int metric;
        enum scale scale;
    } key[] = {
        { SM_CUSTOMERS_FINAL, OF_MEAN }, { SM_REVENUE_FINAL, OF_MEAN }, { SM_COST_FINAL, OF_MEAN },
        { SM_CPC_FINAL, OF_MEAN },       { SM_CASH_FINAL, OF_CASH },    { SM_PROB_CASH_OUT, AS_PROBABILITY },
        { SM_DEFAULT_ALIVE, AS_PROBABILITY },
    };
    double worst = 0;
    *scenario = 0;
    *metric = SM_PROB_CASH_OUT;
    for (size_t s = 0; s < r->nscenarios; s++) {
        for (size_t k = 0; k < sizeof key / sizeof key[0]; k++) {
            const struct stat_row *x = &r->summary[s * SM_COUNT + (size_t)key[k].metric];
            double err;
            if (x->n < 2 || isnan(x->mc_se))
                err = x->n ? INFINITY : 0; /* undefined on every path: nothing to bound */
            else if (key[k].scale == OF_MEAN)
                err = x->mean != 0 ? x->mc_se / fabs(x->mean) : x->mc_se > 0 ? INFINITY : 0;
            else if (key[k].scale == OF_CASH)
                err = x->mc_se / fmax(fabs(x->mean), fabs(cash) > 0 ? fabs(cash) : 1);
            else
                err = x->mc_se;
            if (err > worst || (err == worst && isinf(err))) {
                worst = err;
                *scenario = s;
                *metric = key[k].metric;
            }
        }
    }
    return worst;
}

void results_free(struct results *r)
{
    if (!r)
        return;
    mem_free(r->scenarios);
    mem_free(r->monthly);
    mem_free(r->summary);
    mem_free(r->line_mean);
    mem_free(r->cash_out_by_month);
    mem_free(r->compare);
    mem_free(r->prob_worse);
    mem_free(r->compare_metric);
    sensitivity_free(r->sensitivity);
    mem_free(r->cl_mean);
    mem_free(r->cl_q);
    mem_free(r);
}

/* Statistics of entry I.  Quantiles are clamped to the smallest and largest
 * value seen, so a figure that never varies reads exactly; those of a WHOLE
 * figure are whole numbers within the bin of the exact order statistic. */
static void fill_row(const struct engine *e, struct stat_row *row, const struct moments *mo,
                     const struct moments *between, const struct worker *w, size_t nthreads, size_t i, double plan,
                     int whole, uint64_t *scratch)
{
    const struct histset *sets[256 + 1]; /* the threads (and cpcsim-mpi's other ranks) */
    for (size_t t = 0; t < nthreads; t++)
        sets[t] = w[t].hist;
    row->plan = plan;
    row->n = (uint64_t)mo->n;
    row->mean = mo->n > 0 ? mo->mean : NAN;
    row->sd = moments_sd(mo);
    row->mc_se = mo->n >= 2 ? row->sd / sqrt(mo->n) : NAN;
    if (between) /* a design's blocks are the independent replicates */
        row->mc_se = between[i].n >= 2 ? moments_sd(&between[i]) / sqrt(between[i].n) : NAN;
    double lo, hi;
    histset_quantiles(sets, nthreads, i, row->n, engine_quantiles, Q_COUNT, whole, scratch, row->q, &lo, &hi);
    row->q_extra = NAN;
    if (e->o->quantile_extra > 0) /* a second scan: the quantiles of one are read in order */
        histset_quantiles(sets, nthreads, i, row->n, &e->o->quantile_extra, 1, whole, scratch, &row->q_extra, &lo,
                          &hi);
    row->prob_plan = NAN;
}

/* cost_lines.csv's figures into R (which has room for them): a line that
 * does not depend on customers has scenario 0's sum of the month its
 * stretch without change starts in; a category's mean is the sum of its
 * lines' means, in line order.  SCRATCH holds COSTLINES_BLOCK *
 * COSTLINES_MOST doubles.  ST_OK, or ST_NOMEM. */
static enum status collect_cost_lines(const struct engine *e, struct results *r, uint64_t *counts, double *scratch)
{
    static const double q[3] = { 0.10, 0.50, 0.90 };
    const struct histset *set[2] = { e->cl_hist, NULL };
    size_t nset = 1;
    const size_t L = e->L, H = (size_t)e->H;
    r->cl_sampled = e->cl_sampled;
#ifdef CPC_MPI
    if (e->ranks) { /* the other ranks' sampled paths (their rows of the lines' sample came at collect) */
        set[nset++] = e->ranks->cl_extra;
        r->cl_sampled += e->ranks->cl_sampled_extra;
    }
#endif
    r->cl_line_sampled = costlines_sample_rows(e->cl_keep, e->paths);
    r->cl_line_quantiles = e->cl_keep != NULL;
    double *col_q = mem_calloc(3 * e->ncl_cols + 1, sizeof *col_q);
    if (!col_q)
        return ST_NOMEM;
    for (size_t c = 0; c < e->ncl_cols && e->cl_keep; c += COSTLINES_BLOCK)
        costlines_sample_quantiles(e->cl_keep, e->paths, c,
                                   e->ncl_cols - c < COSTLINES_BLOCK ? e->ncl_cols - c : COSTLINES_BLOCK, q, 3,
                                   scratch, col_q + 3 * c);
    for (size_t s = 0; s < e->S; s++) {
        for (int mo = 1; mo <= e->H; mo++) {
            const size_t row = (s * H + (size_t)(mo - 1)) * e->clw; /* the results' */
            double *mean = r->cl_mean + row;
            for (size_t c = 0; c < CAT_COUNT; c++)
                mean[L + c] = 0;
            for (size_t l = 0; l < L; l++) {
                int start = mo; /* of the steady line's stretch without change */
                while (e->cl_steady_of[l] && !e->cl_changes[l * (H + 1) + (size_t)start])
                    start--;
                mean[l] = e->cl_total[e->cl_steady_of[l] ? cl_figure(e, 0, start, l) : cl_figure(e, s, mo, l)] /
                          (double)e->paths;
                mean[L + e->cl_cat[l]] += mean[l];
            }
            for (size_t l = 0; l < e->clw; l++) {
                double lo, hi, *out = r->cl_q + 3 * (row + l);
                const uint32_t col = l < L ? e->cl_col[(s * L + l) * H + (size_t)(mo - 1)] : UINT32_MAX;
                out[0] = out[1] = out[2] = NAN;
                if (l >= L)
                    histset_quantiles(set, nset, hist_of_category(e, s, mo, l - L), r->cl_sampled, q, 3, 0, counts,
                                      out, &lo, &hi);
                else if (col != UINT32_MAX)
                    memcpy(out, col_q + 3 * (size_t)col, 3 * sizeof *out);
            }
        }
    }
    mem_free(col_q);
    return ST_OK;
}

static enum status collect(struct engine *e, struct worker *w, int nthreads, struct results *r)
{
    uint64_t *scratch = mem_calloc(HIST_PAGE, sizeof *scratch);
    struct moments *between = NULL;
    if (e->design) {
        /* the blocks done, and the block in progress as one more replicate */
        between = mem_calloc(e->nmoments, sizeof *between);
        double *sum = mem_calloc(e->nmoments, sizeof *sum), *n = mem_calloc(e->nmoments, sizeof *n);
        if (between && sum && n) {
            memcpy(between, e->between, e->nmoments * sizeof *between);
            memcpy(sum, e->block_sum, e->nmoments * sizeof *sum);
            memcpy(n, e->block_n, e->nmoments * sizeof *n);
            close_block(e, between);
            memcpy(e->block_sum, sum, e->nmoments * sizeof *sum);
            memcpy(e->block_n, n, e->nmoments * sizeof *n);
        }
        mem_free(sum);
        mem_free(n);
        if (!between) {
            mem_free(scratch);
            return ST_NOMEM;
        }
    }
    if (!scratch) {
        mem_free(between);
        return ST_NOMEM;
    }
    const int H = e->H;
    /* heads from a ratio are ceilings, whole numbers, but staff.csv's
     * headcount is any number at least 0 (a half-time role is 0.5): the
     * headcount is a count of people when every role's headcount is whole */
    int whole_heads = 1;
    for (size_t i = 0; i < e->m->nroles; i++)
        if (e->m->roles[i].headcount != floor(e->m->roles[i].headcount))
            whole_heads = 0;
    for (size_t s = 0; s < e->S; s++) {
        for (int mo = 1; mo <= H; mo++) {
            for (size_t k = 0; k < MM_COUNT; k++) {
                size_t i = (s * (size_t)H + (size_t)(mo - 1)) * MM_COUNT + k;
                fill_row(e, &r->monthly[i], &e->moments[i], between, w, (size_t)nthreads, i, e->plan_month[i],
                         monthly_metric_whole[k] || (k == MM_HEADCOUNT && whole_heads), scratch);
            }
        }
        for (size_t k = 0; k < SM_COUNT; k++) {
            size_t i = e->nmonthly + s * SM_COUNT + k;
            struct stat_row *row = &r->summary[s * SM_COUNT + k];
            fill_row(e, row, &e->moments[i], between, w, (size_t)nthreads, i, e->plan_summary[s * SM_COUNT + k],
                     summary_metric_whole[k] || (k == SM_HEADCOUNT_FINAL && whole_heads), scratch);
            if (k == SM_PROB_CASH_OUT || k == SM_DEFAULT_ALIVE)
                for (int q = 0; q < Q_COUNT; q++)
                    row->q[q] = NAN;
            if (k == SM_RUNWAY || k == SM_BREAKEVEN) {
                for (int q = 0; q < Q_COUNT; q++)
                    if (row->q[q] > H)
                        row->q[q] = NAN;
                if (row->plan > H)
                    row->plan = NAN;
            }
            if (summary_metric_direction[k] && !isnan(e->plan_summary[s * SM_COUNT + k]) && row->n) {
                uint64_t good = 0;
                for (int t = 0; t < nthreads; t++)
                    good += w[t].good[s * SM_COUNT + k];
                row->prob_plan = (double)good / (double)row->n;
            }
        }
        uint64_t out = 0;
        for (int mo = 1; mo <= H; mo++) {
            for (int t = 0; t < nthreads; t++)
                out += w[t].runway[s * ((size_t)H + 2) + (size_t)mo];
            r->cash_out_by_month[s * (size_t)H + (size_t)(mo - 1)] = (double)out / (double)e->paths;
        }
        long c = compared(e, s);
        for (size_t k = 0; c >= 0 && k < e->ncmp; k++) {
            size_t i = e->nmonthly + e->nsummary + (size_t)c * e->ncmp + k;
            struct stat_row *row = &r->compare[s * e->ncmp + k];
            const int metric = e->cmp_metric[k];
            /* differences of whole numbers are whole */
            fill_row(e, row, &e->moments[i], between, w, (size_t)nthreads, i, NAN,
                     summary_metric_whole[metric] || metric == SM_DEFAULT_ALIVE ||
                         (metric == SM_HEADCOUNT_FINAL && whole_heads), scratch);
            uint64_t worse = 0;
            for (int t = 0; t < nthreads; t++)
                worse += w[t].worse[s * e->ncmp + k];
            r->prob_worse[s * e->ncmp + k] = row->n ? (double)worse / (double)row->n : NAN;
        }
        for (size_t l = 0; l < e->L * LF_COUNT; l++) {
            const struct moments *mo = &e->moments[e->nmonthly + e->nsummary + e->ncompare + s * e->L * LF_COUNT + l];
            r->line_mean[s * e->L * LF_COUNT + l] = mo->n > 0 ? mo->mean : NAN;
        }
    }
    if (e->ncl) {
        double *sample = mem_calloc(COSTLINES_BLOCK * COSTLINES_MOST, sizeof *sample);
        if (!sample) {
            mem_free(scratch);
            mem_free(between);
            return ST_NOMEM;
        }
        enum status st = collect_cost_lines(e, r, scratch, sample);
        mem_free(sample);
        if (st != ST_OK) {
            mem_free(scratch);
            mem_free(between);
            return st;
        }
    }
    mem_free(scratch);
    mem_free(between);
    return ST_OK;
}

/* Which lines depend on customers, as the paths run the model, and for
 * the others their own months of change and the months each is priced in;
 * the lines' sample and its columns: a line that depends on customers has
 * one per scenario and month, any other one per stretch without change
 * (the same in every scenario).  ST_NOMEM. */
static enum status cost_lines_plan(struct engine *e)
{
    const struct path *p = e->w[0].lane[0];
    const size_t L = e->L, H = (size_t)e->H;
    for (size_t l = 0; l < L; l++) {
        const char *kind, *name;
        int category, exists;
        path_line_info(e->m, l, &kind, &name, &category, &exists);
        e->cl_cat[l] = (unsigned char)category;
        e->cl_steady_of[l] = (unsigned char)path_line_fixed(p, l);
        if (e->cl_steady_of[l])
            e->cl_steady[e->ncl_steady++] = l;
        path_line_changes(p, l, e->cl_changes + l * (H + 1));
    }
    size_t n = 0;
    for (size_t mo = 1; mo <= H; mo++) {
        e->cl_due_at[mo] = n;
        for (size_t k = 0; k < e->ncl_steady; k++)
            if (e->cl_changes[e->cl_steady[k] * (H + 1) + mo])
                e->cl_due[n++] = e->cl_steady[k];
    }
    e->cl_due_at[H + 1] = n;
    size_t cols = 0;
    for (size_t s = 0; s < e->S; s++)
        for (size_t l = 0; l < L; l++)
            for (size_t mo = 1; mo <= H; mo++) {
                uint32_t *col = &e->cl_col[(s * L + l) * H + mo - 1];
                if (e->cl_steady_of[l])
                    *col = s > 0 ? e->cl_col[l * H + mo - 1] : e->cl_changes[l * (H + 1) + mo] ? (uint32_t)cols++ : col[-1];
                else
                    *col = path_line_varies(p, l) ? (uint32_t)cols++ : UINT32_MAX;
            }
    e->ncl_cols = cols;
    int nomem = 0;
    e->cl_keep = cols < UINT32_MAX ? costlines_sample_new(cols, ENGINE_LINE_EVERY, ENGINE_LINE_SAMPLE_BYTES, &nomem)
                                   : NULL;
    return e->cl_keep || !nomem ? ST_OK : ST_NOMEM;
}

/* engine_new on this process. */
static struct engine *engine_open(const struct model *m, const struct run_options *o, enum status *status)
{
    struct engine *e = mem_calloc(1, sizeof *e);
    *status = ST_NOMEM;
    if (!e)
        return NULL;
    e->m = m;
    e->o = o;
    e->S = o->nscenarios;
    e->H = m->cal.months;
    e->L = path_nlines(m);
    e->nmonthly = e->S * (size_t)e->H * MM_COUNT;
    e->nsummary = e->S * SM_COUNT;
    e->base = o->baseline < e->S ? o->baseline : 0;
    e->cmp_metric = o->compare_metric ? o->compare_metric : compare_metrics;
    e->cmp_worse = o->compare_metric ? o->compare_worse : compare_direction;
    e->cmp_threshold = o->compare_metric ? o->compare_threshold : NULL;
    e->ncmp = o->compare_metric ? o->ncompare : CMP_COUNT;
    e->ncompare = e->S > 1 ? (e->S - 1) * e->ncmp : 0;
    e->nlines_m = e->S * e->L * LF_COUNT;
    e->nmoments = e->nmonthly + e->nsummary + e->ncompare + e->nlines_m;
    e->nhist = e->nmonthly + e->nsummary + e->ncompare;
    if (o->cost_lines && !o->draws_only && !o->variants) {
        e->clw = e->L + CAT_COUNT;
        e->ncl = e->S * (size_t)e->H * e->clw;
        e->ncl_hist = e->S * (size_t)e->H * CAT_COUNT;
    }
    uint64_t most = (o->paths + ENGINE_CHUNK - 1) / ENGINE_CHUNK;
    e->nthreads = o->threads < 1 ? 1 : o->threads > 256 ? 256 : o->threads;
    if ((uint64_t)e->nthreads > most)
        e->nthreads = most ? (int)most : 1;
    atomic_init(&e->next_chunk, 0);
    atomic_init(&e->done_paths, 0);
    atomic_init(&e->failed, 0);
    clock_gettime(CLOCK_MONOTONIC, &e->started);
    e->w = mem_calloc((size_t)e->nthreads, sizeof *e->w);
    e->plan_month = mem_calloc(e->nmonthly, sizeof *e->plan_month);
    e->plan_summary = mem_calloc(e->nsummary, sizeof *e->plan_summary);
    e->moments = mem_calloc(e->nmoments, sizeof *e->moments);
    /* two slots a thread (one thread merges every chunk in turn), within
     * PARK_BYTES: a model of very many cost lines has large moments */
    e->nparked = e->nthreads > 1 ? 2 * (size_t)e->nthreads : 0;
    if (e->nparked > PARK_BYTES / (e->nmoments * sizeof *e->parked + e->ncl * sizeof *e->parked_cl))
        e->nparked = PARK_BYTES / (e->nmoments * sizeof *e->parked + e->ncl * sizeof *e->parked_cl);
    e->parked = mem_calloc(e->nparked * e->nmoments + 1, sizeof *e->parked);
    e->parked_at = mem_calloc(e->nparked + 1, sizeof *e->parked_at);
    if (!e->w || !e->plan_month || !e->plan_summary || !e->moments || !e->parked || !e->parked_at) {
        engine_free(e);
        return NULL;
    }
    if (e->ncl) {
        e->cl_cat = mem_calloc(e->L + 1, sizeof *e->cl_cat);
        e->cl_total = mem_calloc(e->ncl, sizeof *e->cl_total);
        e->parked_cl = mem_calloc(e->nparked * e->ncl + 1, sizeof *e->parked_cl);
        e->cl_hist = histset_new(e->ncl_hist);
        e->cl_steady = mem_calloc(e->L + 1, sizeof *e->cl_steady);
        e->cl_steady_of = mem_calloc(e->L + 1, sizeof *e->cl_steady_of);
        e->cl_changes = mem_calloc(e->L * ((size_t)e->H + 1) + 1, sizeof *e->cl_changes);
        e->cl_due = mem_calloc(e->L * (size_t)e->H + 1, sizeof *e->cl_due);
        e->cl_due_at = mem_calloc((size_t)e->H + 2, sizeof *e->cl_due_at);
        e->cl_col = mem_calloc(e->S * e->L * (size_t)e->H + 1, sizeof *e->cl_col);
        if (!e->cl_cat || !e->cl_total || !e->parked_cl || !e->cl_hist || !e->cl_steady || !e->cl_steady_of ||
            !e->cl_changes || !e->cl_due || !e->cl_due_at || !e->cl_col) {
            engine_free(e);
            return NULL;
        }
        int err = pthread_mutex_init(&e->cl_lock, NULL);
        if (err) {
            *status = refused(err);
            engine_free(e);
            return NULL;
        }
        e->cl_lock_ready = 1;
    }
    for (size_t k = 0; k < e->nparked; k++)
        e->parked_at[k] = UINT64_MAX;
    for (; e->inited < e->nthreads; e->inited++) {
        if (worker_init(&e->w[e->inited], e, e->inited)) {
            e->inited++;
            engine_free(e);
            return NULL;
        }
    }
    if (e->ncl && cost_lines_plan(e) != ST_OK) {
        engine_free(e);
        return NULL;
    }
    int err = pthread_mutex_init(&e->lock, NULL);
    if (!err && (err = pthread_cond_init(&e->merged, NULL)) != 0)
        pthread_mutex_destroy(&e->lock);
    if (err) {
        *status = refused(err);
        engine_free(e);
        return NULL;
    }
    e->sync_ready = 1;
    if (o->sampling != SAMPLING_MC) {
        e->design = design_new(o->sampling, o->seed, path_dimensions(e->w[0].lane[0]));
        e->block_sum = mem_calloc(e->nmoments, sizeof *e->block_sum);
        e->block_n = mem_calloc(e->nmoments, sizeof *e->block_n);
        e->between = mem_calloc(e->nmoments, sizeof *e->between);
        if (!e->design || !e->block_sum || !e->block_n || !e->between) {
            engine_free(e);
            return NULL;
        }
        for (int t = 0; t < e->nthreads; t++)
            for (size_t j = 0; j < e->w[t].nlanes; j++)
                path_set_design(e->w[t].lane[j], e->design);
    }
    if (correl_new(m, e->w[0].lane[0], &e->correl) != ST_OK) {
        engine_free(e);
        return NULL;
    }
    for (int t = 0; e->correl && t < e->nthreads; t++) {
        if (!(e->w[t].correl = correl_block_new(e->correl))) {
            engine_free(e);
            return NULL;
        }
        for (size_t j = 0; j < e->w[t].nlanes; j++)
            path_set_correl(e->w[t].lane[j], e->w[t].correl);
    }
    if (o->sensitivity && !o->draws_only &&
        !(e->sample = sensitivity_sample_new(m, o->scenarios, e->S, o->paths, e->w[0].lane[0]))) {
        engine_free(e);
        return NULL;
    }
    evaluate_plan(e, e->w[0].lane[0]);
    *status = ST_OK;
    return e;
}

struct engine *engine_new(const struct model *m, const struct run_options *o, enum status *status)
{
    struct engine *e = engine_open(m, o, status);
#ifdef CPC_MPI
    e = ranks_engine_new(e, status);
#endif
    return e;
}

void engine_free(struct engine *e)
{
    if (!e)
        return;
#ifdef CPC_MPI
    ranks_free(e->ranks);
#endif
    for (int t = 0; t < e->inited; t++)
        worker_free(&e->w[t]);
    if (e->sync_ready) {
        pthread_mutex_destroy(&e->lock);
        pthread_cond_destroy(&e->merged);
    }
    mem_free(e->w);
    mem_free(e->plan_month);
    mem_free(e->plan_summary);
    mem_free(e->moments);
    mem_free(e->parked);
    mem_free(e->parked_at);
    mem_free(e->cl_cat);
    mem_free(e->cl_steady);
    mem_free(e->cl_steady_of);
    mem_free(e->cl_changes);
    mem_free(e->cl_due);
    mem_free(e->cl_due_at);
    mem_free(e->cl_col);
    costlines_sample_free(e->cl_keep);
    mem_free(e->cl_total);
    mem_free(e->parked_cl);
    histset_free(e->cl_hist);
    if (e->cl_lock_ready)
        pthread_mutex_destroy(&e->cl_lock);
    design_free(e->design);
    correl_free(e->correl);
    mem_free(e->block_sum);
    mem_free(e->block_n);
    mem_free(e->between);
    sensitivity_sample_free(e->sample);
    mem_free(e);
}

enum status engine_extend(struct engine *e, uint64_t paths)
{
    /* only the last extension may end inside a chunk (inside a design's block) */
    uint64_t unit = e->design ? DESIGN_BLOCK : ENGINE_CHUNK;
    paths = (paths + unit - 1) / unit * unit;
    if (paths > e->o->paths)
        paths = e->o->paths;
    if (paths <= e->paths)
        return ST_OK;
    e->paths = paths;
    e->nchunks = (paths + ENGINE_CHUNK - 1) / ENGINE_CHUNK;
    costlines_sample_reach(e->cl_keep, paths);
    pthread_t tid[256];
    int started = 1;
    enum status st = ST_OK;
#ifdef CPC_MPI
    ranks_extend_begin(e);
#endif
    for (int t = 1; t < e->nthreads; t++, started++) {
        int err = thread_start(&tid[t], work, &e->w[t]);
        if (err) {
            atomic_store(&e->failed, 1);
            st = refused(err);
            break;
        }
    }
    if (st == ST_OK)
        work(&e->w[0]);
    for (int t = 1; t < started; t++)
        pthread_join(tid[t], NULL);
    /* a chunk taken past the end is handed back for the next extension */
    atomic_store(&e->next_chunk, e->nchunks);
    if (st == ST_OK && atomic_load(&e->failed) == ST_NOMEM)
        st = ST_NOMEM;
    if (st == ST_OK && e->o->stop && *e->o->stop)
        st = ST_INTERRUPT;
#ifdef CPC_MPI
    st = ranks_extend_end(e, st);
#endif
    return st;
}

uint64_t engine_paths(const struct engine *e)
{
    return e->paths;
}

enum status engine_sensitivity(struct engine *e, struct results *r)
{
    if (!e->sample)
        return ST_OK;
#ifdef CPC_MPI
    if (e->ranks)
        return ranks_sensitivity(e, r);
#endif
    struct sensitivity *sv;
    enum status st = sensitivity_compute(e->sample, e->paths, &sv);
    if (st == ST_OK) {
        sensitivity_free(r->sensitivity);
        r->sensitivity = sv;
    }
    return st;
}

void engine_end_progress(struct engine *e)
{
    progress(e, 1);
}

/* engine_collect out of memory: ST_NOMEM; in cpcsim-mpi, where the other
 * ranks would wait for this one in collect, every rank is stopped. */
static enum status collect_nomem(const struct engine *e)
{
#ifdef CPC_MPI
    if (e->ranks)
        ranks_abort(ST_NOMEM, "out of memory");
#else
    (void)e;
#endif
    return ST_NOMEM;
}

enum status engine_collect(struct engine *e, struct results **out)
{
    *out = NULL;
    if (e->o->draws_only)
        return ST_OK;
    struct results *r = mem_calloc(1, sizeof *r);
    if (!r)
        return collect_nomem(e);
    r->nscenarios = e->S;
    r->months = e->H;
    r->nlines = e->L;
    r->paths = e->paths;
    r->threads = e->nthreads;
    r->scenarios = mem_calloc(e->S, sizeof *r->scenarios);
    r->monthly = mem_calloc(e->nmonthly, sizeof *r->monthly);
    r->summary = mem_calloc(e->nsummary, sizeof *r->summary);
    r->line_mean = mem_calloc(e->nlines_m, sizeof *r->line_mean);
    r->cash_out_by_month = mem_calloc(e->S * (size_t)e->H, sizeof *r->cash_out_by_month);
    r->baseline = e->base;
    r->ncompare = e->ncmp;
    r->compare_metric = mem_calloc(e->ncmp + 1, sizeof *r->compare_metric);
    r->compare = mem_calloc(e->S * e->ncmp + 1, sizeof *r->compare);
    r->prob_worse = mem_calloc(e->S * e->ncmp + 1, sizeof *r->prob_worse);
    if (!r->scenarios || !r->monthly || !r->summary || !r->line_mean || !r->cash_out_by_month || !r->compare ||
        !r->prob_worse || !r->compare_metric) {
        results_free(r);
        return collect_nomem(e);
    }
    if (e->ncl) {
        r->cl_width = e->clw;
        r->cl_mean = mem_calloc(e->ncl, sizeof *r->cl_mean);
        r->cl_q = mem_calloc(3 * e->ncl, sizeof *r->cl_q);
        if (!r->cl_mean || !r->cl_q) {
            results_free(r);
            return collect_nomem(e);
        }
    }
    memcpy(r->scenarios, e->o->scenarios, e->S * sizeof *r->scenarios);
    memcpy(r->compare_metric, e->cmp_metric, e->ncmp * sizeof *r->compare_metric);
#ifdef CPC_MPI
    enum status st = e->ranks ? ranks_collect(e, r) : collect(e, e->w, e->nthreads, r);
#else
    enum status st = collect(e, e->w, e->nthreads, r);
#endif
    if (st != ST_OK) {
        results_free(r);
        return st;
    }
    *out = r;
    return ST_OK;
}

enum status engine_run(const struct model *m, const struct run_options *o, struct results **out)
{
    *out = NULL;
    enum status st;
    struct engine *e = engine_new(m, o, &st);
    if (!e)
        return st;
    st = engine_extend(e, o->paths);
    if (st == ST_OK) {
        engine_end_progress(e);
        st = engine_collect(e, out);
    }
    if (st == ST_OK && *out && (st = engine_sensitivity(e, *out)) != ST_OK) {
        results_free(*out);
        *out = NULL;
    }
    engine_free(e);
    return st;
}
