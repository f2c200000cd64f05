/*
 * stats.h - accumulating statistics over paths in memory that does not grow
 * with the number of paths, with results that do not depend on how paths
 * were spread over threads.
 *
 * Quantiles come from log-scale histograms over every finite double: the
 * bins split every power of two into HIST_SUB equal parts for magnitudes
 * from 2^HIST_EMIN (2^-1022, about 2.2e-308, the smallest normal double)
 * up, for both signs, plus one bin for magnitudes below 2^HIST_EMIN (zero
 * and the subnormal numbers), which reads as 0.  A quantile is reported as
 * the middle of the bin that holds the exact order statistic, so its
 * relative error is at most 1 / (2 * HIST_SUB) = 0.39% at every magnitude
 * a double can take, 1e-300 as well as 1e300; below 2^-1022 its absolute
 * error is below 2.3e-308.  The exponent of infinity has bins too: an
 * infinite value is counted, and reads, as infinite.  A quantile of whole
 * numbers is read as the bin's whole number nearest its middle, exact below
 * 256 and as accurate above.  Counts are integers, so histograms from
 * threads merge exactly in any order.
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

#include "sim/status.h"

#define HIST_SUB_BITS 7
#define HIST_SUB (1 << HIST_SUB_BITS)
#define HIST_EMIN (-1022) /* the smallest normal exponent */
#define HIST_EMAX 1025    /* past the exponent of infinity, 1024 */
#define HIST_HALF ((HIST_EMAX - HIST_EMIN) * HIST_SUB)
#define HIST_BINS (2 * HIST_HALF + 1) /* negative bins, the zero bin, positive bins */

/* The bin of X (not NAN); bins are ordered as the values they hold. */
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
 * N is 0.  A plain reference for the sets below (tests use it).
 */
void hist_quantiles(const uint32_t *const *hists, size_t nh, uint64_t n, const double *q, size_t nq,
                    double *out);

/*
 * A set of histograms (one per reported figure) for one thread, stored so
 * that memory follows the range each figure actually takes.  Each
 * histogram has a count of zeros, a window of HISTSET_WINDOW bins for each
 * sign placed around the first value of that sign, and pages of HIST_PAGE
 * bins for the values outside the windows, allocated the first time a
 * value falls in their range (a figure's directory of pages, too, the first
 * time one of its values misses both windows).  Memory is thus bounded by
 * the ranges the figures' values take, never by their number: a figure
 * whose values span 1e-9 to 1e15 holds at most 11 pages (of 4 KiB) a sign.  A window
 * keeps the low 8 bits of its counts in one array and the next 16 in
 * another, so that the windows of a few thousand figures fit in cache.
 * Where a count is kept never changes what is counted, so results do not
 * depend on window placement.  Also keeps each figure's smallest and
 * largest value.
 */
#define HISTSET_WINDOW 1024
#define HIST_PAGE_BITS 10
#define HIST_PAGE (1 << HIST_PAGE_BITS)                          /* bins a page */
#define HIST_PAGES (1 << (63 - 52 + HIST_SUB_BITS - HIST_PAGE_BITS)) /* pages a sign: every magnitude key */

struct histset;

/* A set of N empty histograms; NULL when memory runs out. */
struct histset *histset_new(size_t n);
/* Frees H and its pages; histset_free(NULL) does nothing. */
void histset_free(struct histset *h);
/* Adds X (not NAN) to histogram I.  ST_NOMEM when a page it needs cannot be
 * allocated: the value is then not counted, and the set is good only for
 * histset_free. */
enum status histset_add(struct histset *h, size_t i, double x);
/* The bytes H holds: its windows and counters, and the pages its figures
 * have taken so far. */
size_t histset_bytes(const struct histset *h);
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
 * holds HIST_PAGE counts.  Reads only the pages and windows that hold
 * counts.
 */
void histset_quantiles(const struct histset *const *h, size_t nh, size_t i, uint64_t n, const double *q, size_t nq,
                       int whole, uint64_t *scratch, double *out, double *lo, double *hi);

/*
 * The counts of H (and each figure's smallest and largest value) as words,
 * for another process (cpcsim-mpi): histset_pack writes them into OUT and
 * returns their number (with OUT NULL, only counts them); their number
 * follows the ranges the figures' values take, as H's memory does.
 * histset_unpack_add adds one such set, from the first of the NWORDS words
 * at IN, to the counts of H (which has as many figures), and returns the
 * words it read; *ST is ST_OK, ST_NOMEM (a page could not be allocated: H is
 * then good only for histset_free), or ST_SOFTWARE (IN is not such a set).
 * Counts added this way are kept in pages: quantiles read them as any.
 */
size_t histset_pack(const struct histset *h, uint64_t *out);
size_t histset_unpack_add(struct histset *h, const uint64_t *in, size_t nwords, enum status *st);

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
 * in fewer instructions.  ST_NOMEM as histset_add (every other value is
 * still counted). */
enum status histset_add_chunk(struct histset *h, size_t i, const double *x, size_t n, struct chunk_moments *c);

/* Merges chunk C into M, then clears C. */
void moments_merge(struct moments *m, struct chunk_moments *c);
/* Standard deviation (n - 1 in the denominator); NAN below 2 values. */
double moments_sd(const struct moments *m);

#endif
