/*
 * test_stats.c - histograms and moments: bins ordered as values over every
 * double, quantiles within 1 / (2 * HIST_SUB) relative error of the exact
 * order statistic (type 1) on samples from several distributions and at
 * every magnitude money takes (1e-9 to 1e15 of either sign, mixtures over
 * 20 orders of magnitude, and on to 1e-300 and 1e300), the same bits
 * whichever sets (threads) the values were spread over and in whatever
 * order those are merged, memory that follows the range of the values and
 * not their number, those of whole numbers whole numbers within the order
 * statistic's bin (the order statistic itself below 256), and moments
 * merged chunk by chunk equal to two-pass ones.
 */
#include "testutil.h"

#include <float.h>

#include <gsl/gsl_errno.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics.h>

#include "sim/stats.h"

static void bins_are_ordered_as_values(void **state)
{
    (void)state;
    double xs[] = { -INFINITY, -DBL_MAX, -1e300, -1e15, -5e12, -5e11, -1234.5, -1, -0.002, -1e-5, -1e-9, -1e-300,
                    -DBL_MIN, 0, DBL_MIN, 1e-300, 1e-9, 1e-6, 1e-5, 0.001, 0.5, 1, 1.0078125, 3, 1e6, 1e12, 5e12,
                    1e15, 1e300, DBL_MAX, INFINITY };
    for (size_t i = 1; i < sizeof xs / sizeof xs[0]; i++)
        assert_true(hist_bin(xs[i - 1]) < hist_bin(xs[i]));
    assert_int_equal(hist_bin(0), HIST_HALF);
    assert_int_equal(hist_bin(-0.0), HIST_HALF);
    assert_int_equal(hist_bin(DBL_MIN / 4), HIST_HALF); /* subnormal: reads as 0 */
    assert_int_equal(hist_bin(-DBL_MIN / 4), HIST_HALF);
    assert_int_equal(hist_bin(DBL_MIN), HIST_HALF + 1); /* the smallest normal double has the first bin */
    assert_int_equal(hist_bin(-DBL_MIN), HIST_HALF - 1);
    assert_true(hist_bin(INFINITY) < HIST_BINS && hist_bin(-INFINITY) < HIST_BINS);
    assert_close(hist_mid(HIST_HALF), 0, 0);
    assert_true(hist_mid(hist_bin(INFINITY)) == INFINITY && hist_mid(hist_bin(-INFINITY)) == -INFINITY);
    /* each bin's middle lies in the bin and within 1/256 of any value in
     * it, at every magnitude of a double: 1e-9 and 5e12 as 1.0, the
     * smallest and largest normal doubles too */
    double vals[] = { 1, 1.5, 7.3, 123456.7, -0.75, -98765.4, 0.0013, 1e-9, -1e-6, 5e12, -1e15, 3.3e-300, -7e300,
                      DBL_MIN, nextafter(2 * DBL_MIN, 0), -DBL_MAX, DBL_MAX };
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        double mid = hist_mid(hist_bin(vals[i]));
        assert_true(isfinite(mid));
        assert_int_equal(hist_bin(mid), hist_bin(vals[i]));
        if (fabs(mid - vals[i]) > fabs(vals[i]) / (2.0 * HIST_SUB))
            fail_msg("%.17g reads as %.17g", vals[i], mid);
    }
}

static void check_sample(gsl_rng *r, int kind, size_t n)
{
    double *x = malloc(n * sizeof *x);
    uint32_t *h = calloc(HIST_BINS, sizeof *h);
    for (size_t i = 0; i < n; i++) {
        switch (kind) {
        case 0: x[i] = gsl_ran_lognormal(r, 10, 1.5); break;
        case 1: x[i] = gsl_ran_gaussian(r, 2e5) + 1e5; break;  /* both signs */
        case 2: x[i] = (double)gsl_ran_poisson(r, 30); break;   /* integers, ties */
        default: x[i] = gsl_rng_uniform(r); break;
        }
        h[hist_bin(x[i])]++;
    }
    gsl_sort(x, 1, n);
    const double q[] = { 0.01, 0.05, 0.10, 0.25, 0.5, 0.75, 0.90, 0.95, 0.99 };
    enum { NQ = sizeof q / sizeof q[0] };
    double got[NQ];
    const uint32_t *hs[1] = { h };
    hist_quantiles(hs, 1, n, q, NQ, got);
    for (int k = 0; k < NQ; k++) {
        double exact = x[(size_t)ceil(q[k] * (double)n) - 1]; /* type 1: smallest x with F(x) >= q */
        double tol = fabs(exact) / (2.0 * HIST_SUB) + 1e-12;
        if (fabs(exact) < DBL_MIN)
            tol = DBL_MIN; /* the zero bin */
        if (fabs(got[k] - exact) > tol)
            fail_msg("kind %d q %g: histogram %.10g, exact %.10g", kind, q[k], got[k], exact);
    }
    free(x);
    free(h);
}

static void quantiles_are_within_bin_accuracy(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 42);
    for (int kind = 0; kind < 4; kind++) {
        check_sample(r, kind, 1001);
        check_sample(r, kind, 50000);
    }
    gsl_rng_free(r);
}

static void merged_histograms_give_the_same_quantiles(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 7);
    uint32_t *all = calloc(HIST_BINS, sizeof *all), *a = calloc(HIST_BINS, sizeof *a),
             *b = calloc(HIST_BINS, sizeof *b);
    for (int i = 0; i < 10000; i++) {
        double v = gsl_ran_gaussian(r, 1000);
        all[hist_bin(v)]++;
        (i % 3 ? a : b)[hist_bin(v)]++;
    }
    const double q[] = { 0.05, 0.5, 0.95 };
    double one[3], two[3];
    const uint32_t *h1[1] = { all }, *h2[2] = { a, b };
    hist_quantiles(h1, 1, 10000, q, 3, one);
    hist_quantiles(h2, 2, 10000, q, 3, two);
    assert_memory_equal(one, two, sizeof one);
    double none[1];
    hist_quantiles(h1, 1, 0, q, 1, none);
    assert_true(isnan(none[0]));
    free(all);
    free(a);
    free(b);
    gsl_rng_free(r);
}

/* Windows change where a count is kept, never what is counted: a set split
 * over two threads, with values far outside the windows, gives the same
 * quantiles as one plain histogram. */
static void histogram_sets_count_like_one_histogram(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 11);
    struct histset *a = histset_new(2), *b = histset_new(2);
    uint32_t *plain = calloc(HIST_BINS, sizeof *plain);
    uint64_t *scratch = calloc(HIST_PAGE, sizeof *scratch);
    const int n = 20000;
    double lo = INFINITY, hi = -INFINITY;
    for (int i = 0; i < n; i++) {
        /* starts narrow (the windows settle there), then spreads over both signs */
        double v = i < 100 ? 1000 + i : gsl_ran_cauchy(r, 5000);
        histset_add(i % 2 ? a : b, 1, v);
        plain[hist_bin(v)]++;
        lo = fmin(lo, v);
        hi = fmax(hi, v);
    }
    const double q[] = { 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99 };
    double want[7], got[7], glo, ghi;
    const uint32_t *hs[1] = { plain };
    hist_quantiles(hs, 1, n, q, 7, want);
    const struct histset *sets[2] = { a, b };
    histset_quantiles(sets, 2, 1, n, q, 7, 0, scratch, got, &glo, &ghi);
    for (int k = 0; k < 7; k++)
        assert_close(got[k], fmin(fmax(want[k], lo), hi), 0);
    assert_close(glo, lo, 0);
    assert_close(ghi, hi, 0);
    /* an untouched histogram has no quantiles */
    histset_quantiles(sets, 2, 0, 0, q, 7, 0, scratch, got, &glo, &ghi);
    assert_true(isnan(got[0]));
    histset_free(a);
    histset_free(b);
    histset_free(NULL);
    free(plain);
    free(scratch);
    gsl_rng_free(r);
}

/* A window keeps 8 bits of a count and its carry 16 more: counts past 255
 * and past 2^24 in one bin (every path's headcount can be the same number)
 * are counted whole. */
static void counts_past_the_window_bits_are_kept(void **state)
{
    (void)state;
    struct histset *h = histset_new(1);
    uint64_t *scratch = calloc(HIST_PAGE, sizeof *scratch);
    const uint64_t many = (1u << 24) + 300; /* wraps the low bits 65,537 times, the carry once */
    for (uint64_t i = 0; i < many; i++)
        histset_add(h, 0, 1.0);
    for (int i = 0; i < 100; i++)
        histset_add(h, 0, 2.0);
    const uint64_t n = many + 100;
    const double q[] = { 0.5, (double)many / (double)n, (double)(many + 1) / (double)n };
    double got[3], lo, hi;
    const struct histset *sets[1] = { h };
    histset_quantiles(sets, 1, 0, n, q, 3, 0, scratch, got, &lo, &hi);
    assert_close(got[0], hist_mid(hist_bin(1.0)), 0);
    assert_close(got[1], hist_mid(hist_bin(1.0)), 0); /* the last of the ones */
    assert_close(got[2], 2.0, 0);                     /* the first two (its bin's middle, clamped to the largest) */
    histset_free(h);
    free(scratch);
}

/* cpcsim-mpi's other ranks send their counts packed: unpacked into an
 * empty set (and added to one that has counts of its own) they give the
 * quantiles, extremes and counts of the set they came from, every value in
 * its window, its pages (magnitudes from 1e-300 to 1e300, both signs) or
 * the zeros. */
static void packed_sets_unpack_to_the_same_counts(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    struct histset *h = histset_new(3), *other = histset_new(3), *both = histset_new(3), *copy = histset_new(3);
    uint64_t *scratch = calloc(HIST_PAGE, sizeof *scratch);
    const uint64_t n = 20000;
    for (uint64_t i = 0; i < n; i++) {
        const double wide = (gsl_rng_uniform(r) < 0.5 ? -1 : 1) * pow(10, 600 * gsl_rng_uniform(r) - 300);
        const double v[3] = { wide, 1000 + 10 * gsl_rng_uniform(r), i % 7 ? 0.0 : -3.5 };
        for (size_t f = 0; f < 3; f++) {
            histset_add(h, f, v[f]);
            histset_add(both, f, v[f]);
            histset_add(other, f, v[f] * 2);
        }
    }
    size_t words = histset_pack(h, NULL);
    uint64_t *packed = calloc(words + 1, sizeof *packed);
    assert_int_equal(histset_pack(h, packed), words);
    enum status st;
    assert_int_equal(histset_unpack_add(copy, packed, words, &st), words);
    assert_int_equal(st, ST_OK);
    /* OTHER's counts, packed, added to a set that already has H's */
    size_t owords = histset_pack(other, NULL);
    uint64_t *opacked = calloc(owords + 1, sizeof *opacked);
    histset_pack(other, opacked);
    assert_int_equal(histset_unpack_add(both, opacked, owords, &st), owords);
    assert_int_equal(st, ST_OK);
    const double q[] = { 0.001, 0.05, 0.25, 0.5, 0.75, 0.95, 0.999 };
    for (size_t f = 0; f < 3; f++) {
        double want[7], got[7], wlo, whi, glo, ghi;
        const struct histset *orig[1] = { h }, *back[1] = { copy };
        histset_quantiles(orig, 1, f, n, q, 7, 0, scratch, want, &wlo, &whi);
        histset_quantiles(back, 1, f, n, q, 7, 0, scratch, got, &glo, &ghi);
        for (int k = 0; k < 7; k++)
            assert_memory_equal(&want[k], &got[k], sizeof want[k]);
        assert_memory_equal(&wlo, &glo, sizeof wlo);
        assert_memory_equal(&whi, &ghi, sizeof whi);
        const struct histset *two[2] = { h, other }, *one[1] = { both };
        histset_quantiles(two, 2, f, 2 * n, q, 7, 0, scratch, want, &wlo, &whi);
        histset_quantiles(one, 1, f, 2 * n, q, 7, 0, scratch, got, &glo, &ghi);
        for (int k = 0; k < 7; k++)
            assert_memory_equal(&want[k], &got[k], sizeof want[k]);
    }
    /* words that are not a packed set are refused */
    histset_unpack_add(copy, packed, 3, &st);
    assert_int_equal(st, ST_SOFTWARE);
    free(packed);
    free(opacked);
    free(scratch);
    histset_free(h);
    histset_free(other);
    histset_free(both);
    histset_free(copy);
    gsl_rng_free(r);
}

/* Figure FIG of H has the quantiles Q (NQ of them) of the plain histogram
 * PLAIN of the same N values, clamped to the figure's extremes, which come
 * back through LO and HI. */
static void assert_quantiles_match(const struct histset *h, size_t fig, const uint32_t *plain, uint64_t n,
                                   const double *q, size_t nq, double *lo, double *hi)
{
    double *want = calloc(nq, sizeof *want), *got = calloc(nq, sizeof *got);
    uint64_t *scratch = calloc(HIST_PAGE, sizeof *scratch);
    const uint32_t *hs[1] = { plain };
    hist_quantiles(hs, 1, n, q, nq, want);
    const struct histset *sets[1] = { h };
    histset_quantiles(sets, 1, fig, n, q, nq, 0, scratch, got, lo, hi);
    for (size_t k = 0; k < nq; k++)
        assert_close(got[k], fmin(fmax(want[k], *lo), *hi), 0);
    free(want);
    free(got);
    free(scratch);
}

/* Adds X[0..N-1] to a figure in chunks of SIZES[0], SIZES[1], ... (cycled)
 * and checks it counts like a plain histogram filled value by value
 * (hist_bin, an independent reference) at quantiles Q, with the same
 * extremes and bit-for-bit the same moments as chunk_add; NANs skipped. */
static void assert_chunks_add_as_values(const double *x, size_t n, const size_t *sizes, size_t nsizes,
                                        const double *q, size_t nq)
{
    struct histset *h = histset_new(3);
    uint32_t *plain = calloc(HIST_BINS, sizeof *plain);
    struct chunk_moments want = { 0 }, got = { 0 };
    double lo = INFINITY, hi = -INFINITY;
    uint64_t counted = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i])) {
            chunk_add(&want, x[i]);
            plain[hist_bin(x[i])]++;
            lo = fmin(lo, x[i]);
            hi = fmax(hi, x[i]);
            counted++;
        }
    for (size_t i = 0, k = 0; i < n; k++) {
        size_t m = sizes[k % nsizes] < n - i ? sizes[k % nsizes] : n - i;
        histset_add_chunk(h, 2, x + i, m, &got);
        i += m;
    }
    assert_true(want.n == got.n && want.shift == got.shift && want.s1 == got.s1 && want.s2 == got.s2);
    double glo, ghi;
    assert_quantiles_match(h, 2, plain, counted, q, nq, &glo, &ghi);
    assert_close(glo, lo, 0);
    assert_close(ghi, hi, 0);
    histset_free(h);
    free(plain);
}

/* A batch added in one pass, moments and all, is each value added: values
 * of both signs, zeros and NANs. */
static void adding_a_batch_is_adding_each_value(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 5);
    double x[300];
    for (int i = 0; i < 300; i++)
        x[i] = i % 17 == 0 ? NAN : i % 23 == 0 ? 0 : gsl_ran_gaussian(r, 1e5);
    const size_t sizes[] = { 100, 200 };
    const double q[] = { 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99 };
    assert_chunks_add_as_values(x, 300, sizes, 2, q, 7);
    gsl_rng_free(r);
}

/* Chunks of values all above zero take a leaner loop: they too are each
 * value added, for chunks of odd and even sizes (one value too), values
 * below 2^HIST_EMIN and near the largest double, a first chunk that places the
 * window, and, among positive chunks, chunks that hold a NAN or a zero
 * (which take the general loop); at every rank. */
static void positive_chunks_are_added_as_each_value(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 17);
    enum { N = 5000 };
    static double x[N], q[N];
    for (int mixed = 0; mixed < 2; mixed++) { /* all positive; then some NANs and zeros too */
        size_t nan = 0;
        for (size_t i = 0; i < N; i++) {
            double v = 3000 * exp(gsl_ran_gaussian(r, 0.4));
            switch (gsl_rng_uniform_int(r, mixed ? 40 : 30)) {
            case 0: v = ldexp(1.0, HIST_EMIN - 3); break; /* subnormal: the zero bin */
            case 1: v = ldexp(1.5, 1000 - (int)(i % 3)); break; /* 1e301: a page far from the window */
            case 2: v = v * 1e6; break;                   /* outside the window */
            case 30: v = i % 3 ? v : NAN; break;
            case 31: v = i % 2 ? v : 0; break;
            default: break;
            }
            nan += isnan(v);
            x[i] = v;
        }
        for (size_t i = 0; i < N - nan; i++) /* every rank of the values counted */
            q[i] = (double)(i + 1) / (double)(N - nan);
        const size_t sizes[] = { 1, 2, 3, 127, 128, 5, 64, 33 };
        assert_chunks_add_as_values(x, N, sizes, 8, q, N - nan);
    }
    gsl_rng_free(r);
}

/* Every value lands in the bin hist_bin gives it, whichever path of
 * histset_add_chunk counts it (a window's fast path by the double's bits, or
 * hist_bin): each rank's quantile, for values of both signs around the
 * windows' edges, at bin edges, at every exponent of a double (subnormal
 * ones too), and zeros of both signs, agrees with a plain histogram. */
static void every_value_is_counted_in_its_bin(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 11);
    enum { N = 6000 };
    static double x[N];
    const double first[] = { 1000.0, -3.0 }; /* place the windows: 2^10 and -2^1.6 */
    size_t n = 0;
    x[n++] = first[0];
    x[n++] = first[1];
    while (n < N) {
        /* 2^-15 .. 2^45 (inside and outside the windows), or any exponent */
        double e = gsl_rng_uniform_int(r, 4) ? gsl_rng_uniform(r) * 60 - 15 : gsl_rng_uniform(r) * 2097 - 1074;
        double v = ldexp(1.0, (int)floor(e));
        switch (gsl_rng_uniform_int(r, 5)) {
        case 0: v *= 1 + gsl_rng_uniform_int(r, HIST_SUB) / (double)HIST_SUB; break; /* a bin's lower edge */
        case 1: v = nextafter(v * (1 + gsl_rng_uniform_int(r, HIST_SUB) / (double)HIST_SUB), 0); break;
        case 2: v = gsl_rng_uniform_int(r, 3) ? v * (1 + gsl_rng_uniform(r)) : 0; break;
        default: v = ldexp(1.0 + gsl_rng_uniform(r), (int)floor(gsl_rng_uniform(r) * 8)) * 1000 / 16; break;
        }
        x[n++] = gsl_rng_uniform(r) < 0.4 ? -v : v;
    }
    struct histset *h = histset_new(2);
    uint32_t *plain = calloc(HIST_BINS, sizeof *plain);
    struct chunk_moments c = { 0 };
    for (size_t i = 0; i < N; i += 128)
        histset_add_chunk(h, 1, x + i, i + 128 < N ? 128 : N - i, &c);
    for (size_t i = 0; i < N; i++)
        plain[hist_bin(x[i])]++;
    static double q[N];
    for (size_t i = 0; i < N; i++)
        q[i] = (double)(i + 1) / N;
    double lo, hi;
    assert_quantiles_match(h, 1, plain, N, q, N, &lo, &hi);
    histset_free(h);
    free(plain);
    gsl_rng_free(r);
}

/* Figures of whole numbers (customers, months, people) read each
 * percentile as a whole number in the bin of the exact order statistic
 * (type 1): that order statistic itself below 256, where bins are at most 1
 * wide, and within 1 / (2 * HIST_SUB) of it from 256 up; at every rank, for
 * samples of only 2s and 4s (never a 3), Poisson counts around 180 (in
 * [128, 256) a bin's middle is a whole number and a half, which rounding
 * would have taken into the next bin) and counts spread from 0 to about
 * 10^7. */
static void whole_quantiles_are_whole_numbers_in_their_bin(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 23);
    enum { N = 4000 };
    static double x[N], sorted[N], q[N], got[N];
    uint64_t *scratch = calloc(HIST_PAGE, sizeof *scratch);
    for (size_t i = 0; i < N; i++)
        q[i] = (double)(i + 1) / N;
    for (int kind = 0; kind < 3; kind++) {
        for (size_t i = 0; i < N; i++) {
            switch (kind) {
            case 0: x[i] = gsl_rng_uniform(r) < 0.3 ? 2 : 4; break;
            case 1: x[i] = (double)gsl_ran_poisson(r, 180); break;
            default: x[i] = gsl_rng_uniform_int(r, 20) ? floor(exp(gsl_rng_uniform(r) * 16)) : 0; break;
            }
            sorted[i] = x[i];
        }
        gsl_sort(sorted, 1, N);
        struct histset *h = histset_new(1);
        struct chunk_moments c = { 0 };
        for (size_t i = 0; i < N; i += 128)
            histset_add_chunk(h, 0, x + i, i + 128 < N ? 128 : N - i, &c);
        const struct histset *sets[1] = { h };
        double lo, hi;
        histset_quantiles(sets, 1, 0, N, q, N, 1, scratch, got, &lo, &hi);
        for (size_t k = 0; k < N; k++) {
            double rank = ceil(q[k] * N); /* the type-1 rank, as stats.c takes it */
            double exact = sorted[(size_t)(rank < 1 ? 1 : rank > N ? N : rank) - 1];
            int ok = got[k] == floor(got[k]) && hist_bin(got[k]) == hist_bin(exact) &&
                     (exact < 256 ? got[k] == exact : fabs(got[k] - exact) <= exact / (2.0 * HIST_SUB));
            if (!ok)
                fail_msg("kind %d rank %zu: whole quantile %.10g, exact %.10g", kind, k + 1, got[k], exact);
        }
        histset_free(h);
    }
    /* the bins' whole numbers themselves */
    assert_close(hist_mid_whole(hist_bin(0)), 0, 0);
    assert_close(hist_mid_whole(hist_bin(128)), 128, 0);
    assert_close(hist_mid_whole(hist_bin(255)), 255, 0);
    assert_close(hist_mid_whole(hist_bin(256)), 257, 0);  /* the bin [256, 258) */
    assert_close(hist_mid_whole(hist_bin(-130)), -130, 0);
    free(scratch);
    gsl_rng_free(r);
}

/* The exact type-1 quantile Q of the N sorted values S. */
static double order_statistic(const double *s, size_t n, double q)
{
    double rank = ceil(q * (double)n);
    return s[(size_t)(rank < 1 ? 1 : rank > (double)n ? (double)n : rank) - 1];
}

/* Samples at a magnitude: SCALE times a lognormal around 1 (of SCALE's
 * sign), times a normal around 0.3 (both signs, down to tiny magnitudes),
 * times 10^U(-10, 10) of either sign (a mixture over 20 orders of
 * magnitude), 10^U(-300, 300) of either sign with zeros, and whole numbers
 * of SCALE's size (floored). */
enum magnitude_kind { MK_LOGNORMAL, MK_SIGNS, MK_SPAN20, MK_FULL, MK_WHOLE, MK_COUNT };

static double draw_at(gsl_rng *r, enum magnitude_kind kind, double scale)
{
    switch (kind) {
    case MK_LOGNORMAL: return scale * exp(gsl_ran_gaussian(r, 0.5));
    case MK_SIGNS: return scale * (0.3 + gsl_ran_gaussian(r, 1));
    case MK_SPAN20: return (gsl_rng_uniform(r) < 0.3 ? -scale : scale) * pow(10, gsl_rng_uniform(r) * 20 - 10);
    case MK_FULL:
        return gsl_rng_uniform_int(r, 50) == 0 ? 0
                                               : (gsl_rng_uniform(r) < 0.4 ? -1 : 1) *
                                                     pow(10, gsl_rng_uniform(r) * 600 - 300);
    default: return floor(fabs(scale) * exp(gsl_ran_gaussian(r, 0.5)));
    }
}

/* N values of KIND at SCALE, added in chunks of 128 (as the engine adds a
 * batch) to figure 1 of three sets in turn (three threads), read at 201
 * quantiles, each within 1 / (2 * HIST_SUB) of the exact order statistic
 * of a sorted copy; whole numbers read as whole numbers. */
static void check_magnitude(gsl_rng *r, enum magnitude_kind kind, double scale, size_t n)
{
    double *x = malloc(n * sizeof *x), *sorted = malloc(n * sizeof *sorted);
    struct histset *h[3] = { histset_new(2), histset_new(2), histset_new(2) };
    uint64_t *scratch = calloc(HIST_PAGE, sizeof *scratch);
    assert_true(x && sorted && h[0] && h[1] && h[2] && scratch);
    for (size_t i = 0; i < n; i++)
        sorted[i] = x[i] = draw_at(r, kind, scale);
    gsl_sort(sorted, 1, n);
    struct chunk_moments c = { 0 };
    for (size_t i = 0; i < n; i += 128)
        assert_int_equal(histset_add_chunk(h[i / 128 % 3], 1, x + i, i + 128 < n ? 128 : n - i, &c), ST_OK);
    enum { NQ = 201 };
    double q[NQ], got[NQ], lo, hi;
    for (int k = 0; k < NQ; k++)
        q[k] = k == 0 ? 1e-6 : k == NQ - 1 ? 1 : k / 200.0;
    const struct histset *sets[3] = { h[0], h[1], h[2] };
    int whole = kind == MK_WHOLE;
    histset_quantiles(sets, 3, 1, n, q, NQ, whole, scratch, got, &lo, &hi);
    assert_true(lo == sorted[0] && hi == sorted[n - 1]);
    for (int k = 0; k < NQ; k++) {
        double exact = order_statistic(sorted, n, q[k]);
        double tol = fabs(exact) / (2.0 * HIST_SUB) * (1 + 1e-12);
        if (!(fabs(got[k] - exact) <= tol) || (whole && got[k] != floor(got[k])))
            fail_msg("kind %d scale %g q %g: %.17g, exact %.17g (relative error %.3g)", (int)kind, scale, q[k], got[k],
                     exact, fabs(got[k] - exact) / fabs(exact));
    }
    for (int t = 0; t < 3; t++)
        histset_free(h[t]);
    free(scratch);
    free(x);
    free(sorted);
}

/* Percentiles keep their relative accuracy at every magnitude money takes:
 * about 1e-9 and 1e-6 (money counted in billions), 1e12, 5e12 (cash in
 * rupiah or dong) and 1e15, each of either sign, with signs mixed, spread
 * over 20 orders of magnitude, and over the whole range of doubles. */
static void quantiles_hold_their_accuracy_at_every_magnitude(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 1013);
    const double scales[] = { 1e-9, 1e-6, 1e12, 5e12, 1e15 };
    for (size_t k = 0; k < sizeof scales / sizeof scales[0]; k++)
        for (int sign = -1; sign <= 1; sign += 2)
            for (int kind = 0; kind < MK_COUNT; kind++)
                if (kind != MK_FULL && (kind != MK_WHOLE || scales[k] >= 1e12))
                    check_magnitude(r, (enum magnitude_kind)kind, sign * scales[k], 5000);
    check_magnitude(r, MK_FULL, 1, 20000);
    check_magnitude(r, MK_SPAN20, 1e3, 20000);
    gsl_rng_free(r);
}

/* Counts merge exactly: the values of a mixture over 20 orders of
 * magnitude and both signs (zeros and NANs too), spread over 1, 2, 3 or 7
 * sets in chunks assigned in turn, in blocks or at random, give the same
 * bits at every rank whatever the order the sets are merged in. */
static void merging_in_any_order_gives_the_same_bits(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 29);
    enum { N = 12000, CH = 100, MAXT = 7 };
    static double x[N], q[N], want[N], got[N];
    size_t counted = 0;
    for (size_t i = 0; i < N; i++) {
        x[i] = i % 97 == 0 ? NAN : i % 89 == 0 ? 0 : draw_at(r, MK_SPAN20, 5e5);
        counted += !isnan(x[i]);
    }
    for (size_t i = 0; i < counted; i++)
        q[i] = (double)(i + 1) / (double)counted;
    uint64_t *scratch = calloc(HIST_PAGE, sizeof *scratch);
    const size_t threads[] = { 1, 2, 3, 7 };
    double wlo = 0, whi = 0;
    for (size_t ti = 0; ti < sizeof threads / sizeof threads[0]; ti++) {
        size_t nt = threads[ti];
        for (int how = 0; how < 3; how++) {
            struct histset *h[MAXT];
            struct chunk_moments c = { 0 };
            for (size_t t = 0; t < nt; t++)
                h[t] = histset_new(3);
            for (size_t i = 0, k = 0; i < N; i += CH, k++) {
                size_t t = how == 0 ? k % nt : how == 1 ? k * nt / (N / CH) : gsl_rng_uniform_int(r, nt);
                assert_int_equal(histset_add_chunk(h[t], 2, x + i, CH, &c), ST_OK);
            }
            for (int order = 0; order < 2; order++) { /* as made, then reversed */
                const struct histset *sets[MAXT];
                for (size_t t = 0; t < nt; t++)
                    sets[t] = h[order ? nt - 1 - t : t];
                double lo, hi;
                histset_quantiles(sets, nt, 2, counted, q, counted, 0, scratch, got, &lo, &hi);
                if (ti == 0 && how == 0 && order == 0) {
                    memcpy(want, got, sizeof got);
                    wlo = lo;
                    whi = hi;
                }
                assert_memory_equal(want, got, sizeof got);
                assert_true(lo == wlo && hi == whi);
            }
            for (size_t t = 0; t < nt; t++)
                histset_free(h[t]);
        }
    }
    free(scratch);
    gsl_rng_free(r);
}

/* Memory follows the range a figure's values take, not their number: a
 * figure spread from 1e-9 to 1e15 in both signs takes at most 11 pages a
 * sign (and its directory), and a hundred thousand more values in that
 * range take nothing more; a figure whose values stay in its windows takes
 * no page at all. */
static void memory_follows_the_range_not_the_count(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 31);
    struct histset *h = histset_new(2);
    const size_t empty = histset_bytes(h);
    double x[128];
    struct chunk_moments c = { 0 };
    for (int k = 0; k < 1000; k++) { /* figure 0: 1000 (placing the window), then within a factor of 10 */
        for (int j = 0; j < 128; j++)
            x[j] = k + j == 0 ? 1000 : 1000 * pow(10, gsl_rng_uniform(r) * 2 - 1);
        assert_int_equal(histset_add_chunk(h, 0, x, 128, &c), ST_OK);
    }
    assert_int_equal(histset_bytes(h), empty);
    for (int k = 0; k < 100; k++) { /* figure 1: 1e-9 .. 1e15, either sign */
        for (int j = 0; j < 128; j++)
            x[j] = (j % 2 ? -1 : 1) * pow(10, gsl_rng_uniform(r) * 24 - 9);
        assert_int_equal(histset_add_chunk(h, 1, x, 128, &c), ST_OK);
    }
    const size_t spread = histset_bytes(h);
    assert_true(spread > empty);
    assert_true(spread <= empty + 2 * HIST_PAGES * sizeof(void *) + 2 * 11 * HIST_PAGE * sizeof(uint32_t));
    for (int k = 0; k < 1000; k++) {
        for (int j = 0; j < 128; j++)
            x[j] = (j % 2 ? -1 : 1) * pow(10, gsl_rng_uniform(r) * 24 - 9);
        assert_int_equal(histset_add_chunk(h, 1, x, 128, &c), ST_OK);
    }
    assert_int_equal(histset_bytes(h), spread);
    histset_free(h);
    gsl_rng_free(r);
}

/* Past the normal doubles: subnormal magnitudes (below 2^-1022) read as 0,
 * kept within the smallest and largest value; the largest doubles within
 * 1 / (2 * HIST_SUB), finite; infinities, which a figure should never
 * take, are counted and read as infinite rather than as the largest bin. */
static void values_past_the_normal_range(void **state)
{
    (void)state;
    struct histset *h = histset_new(1);
    uint64_t *scratch = calloc(HIST_PAGE, sizeof *scratch);
    double x[] = { -DBL_MIN / 8, DBL_MIN / 8, DBL_MIN / 2, -INFINITY, DBL_MAX, DBL_MAX / 1.5, INFINITY, INFINITY };
    enum { N = sizeof x / sizeof x[0] };
    for (size_t i = 0; i < N; i++)
        assert_int_equal(histset_add(h, 0, x[i]), ST_OK);
    const double q[] = { 1.0 / N, 2.0 / N, 3.0 / N, 4.0 / N, 5.0 / N, 6.0 / N, 7.0 / N, 1 };
    double got[N], lo, hi;
    const struct histset *sets[1] = { h };
    histset_quantiles(sets, 1, 0, N, q, N, 0, scratch, got, &lo, &hi);
    assert_true(lo == -INFINITY && hi == INFINITY);
    assert_true(got[0] == -INFINITY);
    assert_true(got[1] == 0 && got[2] == 0 && got[3] == 0); /* the subnormals */
    assert_true(isfinite(got[4]) && fabs(got[4] - DBL_MAX / 1.5) <= DBL_MAX / 1.5 / (2.0 * HIST_SUB));
    assert_true(isfinite(got[5]) && fabs(got[5] - DBL_MAX) <= DBL_MAX / (2.0 * HIST_SUB));
    assert_true(got[6] == INFINITY && got[7] == INFINITY);
    histset_free(h);
    free(scratch);
}

static void moments_merge_like_two_passes(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 3);
    enum { N = 10000 };
    static double x[N];
    struct moments m = { 0 };
    struct chunk_moments c = { 0 };
    for (int i = 0; i < N; i++) {
        x[i] = 3.8e6 + gsl_ran_gaussian(r, 1e4); /* large level, small spread */
        chunk_add(&c, x[i]);
        if (i % 256 == 255)
            moments_merge(&m, &c);
    }
    moments_merge(&m, &c);
    assert_close(m.n, N, 0);
    assert_close(m.mean, gsl_stats_mean(x, 1, N), 1e-9 * 3.8e6);
    assert_close(moments_sd(&m), gsl_stats_sd(x, 1, N), 1e-7 * 1e4);
    gsl_rng_free(r);
}

static void constant_values_have_exact_mean_and_zero_sd(void **state)
{
    (void)state;
    struct moments m = { 0 };
    struct chunk_moments c = { 0 };
    for (int i = 0; i < 1000; i++) {
        chunk_add(&c, 0.1);
        if (i % 100 == 99)
            moments_merge(&m, &c);
    }
    assert_true(m.mean == 0.1);
    assert_true(moments_sd(&m) == 0);
    struct moments one = { 0 };
    struct chunk_moments c1 = { 0 };
    chunk_add(&c1, 5);
    moments_merge(&one, &c1);
    assert_true(isnan(moments_sd(&one)));
}

int main(void)
{
    gsl_set_error_handler_off(); /* as cpcsim's main does: statuses are checked instead */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bins_are_ordered_as_values),
        cmocka_unit_test(quantiles_are_within_bin_accuracy),
        cmocka_unit_test(merged_histograms_give_the_same_quantiles),
        cmocka_unit_test(histogram_sets_count_like_one_histogram),
        cmocka_unit_test(counts_past_the_window_bits_are_kept),
        cmocka_unit_test(packed_sets_unpack_to_the_same_counts),
        cmocka_unit_test(adding_a_batch_is_adding_each_value),
        cmocka_unit_test(positive_chunks_are_added_as_each_value),
        cmocka_unit_test(every_value_is_counted_in_its_bin),
        cmocka_unit_test(whole_quantiles_are_whole_numbers_in_their_bin),
        cmocka_unit_test(quantiles_hold_their_accuracy_at_every_magnitude),
        cmocka_unit_test(merging_in_any_order_gives_the_same_bits),
        cmocka_unit_test(memory_follows_the_range_not_the_count),
        cmocka_unit_test(values_past_the_normal_range),
        cmocka_unit_test(moments_merge_like_two_passes),
        cmocka_unit_test(constant_values_have_exact_mean_and_zero_sd),
    };
    return cmocka_run_group_tests_name("stats", tests, NULL, NULL);
}
