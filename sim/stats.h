/*
 * stats.h - accumulating statistics over paths in memory that does not grow
 * with the number of paths, with results that do not depend on how paths
 * were spread over threads.
 *
 * Quantiles come from fixed-bin log-scale histograms: the bins split every
 * power of two into HIST_SUB equal parts for magnitudes from 2^HIST_EMIN
 * (about 0.001) to 2^HIST_EMAX (about 1.1e12), for both signs, plus one bin
 * for magnitudes below 2^HIST_EMIN, which reads as 0.  A quantile is
 * reported as the middle of the bin that holds the exact order statistic,
 * so its relative error is at most 1 / (2 * HIST_SUB) = 0.39% within that
 * range; a quantile of whole numbers as the bin's whole number nearest its
 * middle, exact below 256 and as accurate above.  Counts are integers, so
 * histograms from threads merge exactly in any order.  Magnitudes beyond
 * 2^HIST_EMAX fall into the last bin.
 *
 * Means and variances come from moments: each chunk of paths sums x - shift
 * and (x - shift)^2 (shift: the chunk's first value), and chunks are merged
 * in chunk order with Chan, Golub and LeVeque's pairwise update, so sums are
 * formed in the same order whatever the thread count.
 */
#ifndef CPC_STATS_H
#define CPC_STATS_H

#include <stddef.h>
#include <stdint.h>

#define HIST_SUB_BITS 7
#define HIST_SUB (1 << HIST_SUB_BITS)
#define HIST_EMIN (-10)
#define HIST_EMAX 40
#define HIST_HALF ((HIST_EMAX - HIST_EMIN) * HIST_SUB)
#define HIST_BINS (2 * HIST_HALF + 1) /* negative bins, the zero bin, positive bins */

/* The bin of X (finite); bins are ordered as the values they hold. */
size_t hist_bin(double x);
/* The middle of bin B (0 for the zero bin). */
double hist_mid(size_t b);
/*
 * The whole number in bin B nearest its middle, for a bin that holds one.
 * Below 2^(HIST_SUB_BITS + 1) = 256 a bin is at most 1 wide, and a whole
 * number in it is the edge nearer zero: that one (the middle rounded would
 * not do: 128.5, the middle of [128, 129), rounds to 129).  From 256 up a
 * bin is 2 or more wide and its edges and middle are whole numbers: the
 * middle.
 */
double hist_mid_whole(size_t b);

/*
 * The type-1 quantiles (the smallest x with at least ceil(q * n) of n values
 * at or below it) for the NQ increasing probabilities Q, into OUT, from NH
 * histograms of HIST_BINS counts each, whose counts add up to N.  NAN when
 * N is 0.
 */
void hist_quantiles(const uint32_t *const *hists, size_t nh, uint64_t n, const double *q, size_t nq,
                    double *out);

/*
 * A set of histograms (one per reported figure) for one thread, stored in
 * two tiers so that adding a value usually touches a small, hot array: each
 * histogram has a count of zeros, a window of HISTSET_WINDOW bins for each
 * sign placed around the first value of that sign, and a full-size fallback (HIST_BINS counts, allocated but
 * left untouched by the operating system until a value falls outside the
 * window).  A window keeps the low 8 bits of its counts in one array and the
 * next 16 in another, so that the windows of a few thousand figures fit in
 * cache.  Where a count is kept never changes what is counted, so results
 * do not depend on window placement.  Also keeps each figure's smallest and
 * largest value.
 */
#define HISTSET_WINDOW 1024

struct histset;

/* A set of N empty histograms; NULL when memory runs out. */
struct histset *histset_new(size_t n);
void histset_free(struct histset *h);
/* Adds finite X to histogram I. */
void histset_add(struct histset *h, size_t i, double x);
/* Asks the cache for the window lines that values X[0..N-1] of figure I
 * will count in, judged by every HISTSET_PREFETCH_EVERY-th value (a
 * figure's values cluster in a few lines), so that adding them a little
 * later does not wait on memory.  Changes nothing else. */
#define HISTSET_PREFETCH_EVERY 16
void histset_prefetch(const struct histset *h, size_t i, const double *x, size_t n);
/*
 * Quantiles of histogram I merged over the NH sets H (threads), whose counts
 * add up to N, into OUT (NAN when N is 0), clamped to the smallest and
 * largest value seen, which are returned through LO and HI.  With WHOLE, for
 * a figure whose values are whole numbers, each is read as hist_mid_whole
 * of its bin instead of hist_mid: a whole number within the bin of the
 * exact order statistic, which is that order statistic below 256.  SCRATCH
 * holds HIST_BINS counts.
 */
void histset_quantiles(const struct histset *const *h, size_t nh, size_t i, uint64_t n, const double *q, size_t nq,
                       int whole, uint64_t *scratch, double *out, double *lo, double *hi);

/* Running sums of one chunk of values. */
struct chunk_moments {
    double shift, s1, s2;
    uint64_t n;
};

/* Mean and sum of squared deviations of everything merged so far. */
struct moments {
    double n, mean, m2;
};

static inline void chunk_add(struct chunk_moments *c, double x)
{
    if (c->n == 0)
        c->shift = x;
    double dx = x - c->shift;
    c->s1 += dx;
    c->s2 += dx * dx;
    c->n++;
}

/* Adds the N values X (NANs skipped) to histogram I of H and to the chunk's
 * moments C, in order: the same as histset_add and chunk_add of each value,
 * in fewer instructions. */
void histset_add_chunk(struct histset *h, size_t i, const double *x, size_t n, struct chunk_moments *c);

/* Merges chunk C into M, then clears C. */
void moments_merge(struct moments *m, struct chunk_moments *c);
/* Standard deviation (n - 1 in the denominator); NAN below 2 values. */
double moments_sd(const struct moments *m);

#endif
