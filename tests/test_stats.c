/*
 * test_stats.c - histograms and moments: bins ordered as values, quantiles
 * within 1 / (2 * HIST_SUB) relative error of the exact order statistic
 * (type 1) on samples from several distributions, those of whole numbers
 * whole numbers within the order statistic's bin (the order statistic
 * itself below 256), merged histograms equal to one histogram, and moments
 * merged chunk by chunk equal to two-pass ones.
 */
#include "testutil.h"

#include <gsl/gsl_errno.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics.h>

#include "sim/stats.h"

static void bins_are_ordered_as_values(void **state)
{
    (void)state;
    double xs[] = { -1e15, -5e11, -1234.5, -1, -0.002, -1e-5, 0, 1e-5, 0.001, 0.5, 1, 1.0078125, 3, 1e6, 1e12, 1e15 };
    for (size_t i = 1; i < sizeof xs / sizeof xs[0]; i++)
        assert_true(hist_bin(xs[i - 1]) <= hist_bin(xs[i]));
    assert_int_equal(hist_bin(0), HIST_HALF);
    assert_int_equal(hist_bin(1e-5), HIST_HALF); /* below 2^-10 reads as 0 */
    assert_true(hist_bin(HIST_BINS) < HIST_BINS);
    assert_close(hist_mid(HIST_HALF), 0, 0);
    /* each bin's middle lies in the bin and within 1/256 of any value in it */
    double vals[] = { 1, 1.5, 7.3, 123456.7, -0.75, -98765.4, 0.0013 };
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        double mid = hist_mid(hist_bin(vals[i]));
        assert_int_equal(hist_bin(mid), hist_bin(vals[i]));
        assert_true(fabs(mid - vals[i]) <= fabs(vals[i]) / (2.0 * HIST_SUB));
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
        if (fabs(exact) < 0.0009765625)
            tol = 0.0009765625; /* the zero bin */
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
    uint64_t *scratch = calloc(HIST_BINS, sizeof *scratch);
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
    uint64_t *scratch = calloc(HIST_BINS, sizeof *scratch);
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

/* Figure FIG of H has the quantiles Q (NQ of them) of the plain histogram
 * PLAIN of the same N values, clamped to the figure's extremes, which come
 * back through LO and HI. */
static void assert_quantiles_match(const struct histset *h, size_t fig, const uint32_t *plain, uint64_t n,
                                   const double *q, size_t nq, double *lo, double *hi)
{
    double *want = calloc(nq, sizeof *want), *got = calloc(nq, sizeof *got);
    uint64_t *scratch = calloc(HIST_BINS, sizeof *scratch);
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
 * below 2^HIST_EMIN and past 2^HIST_EMAX, a first chunk that places the
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
            case 0: v = ldexp(1.0, HIST_EMIN - 3); break; /* below the range: the zero bin */
            case 1: v = ldexp(1.5, HIST_EMAX + 2); break; /* past it: the last bin */
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
 * windows' edges, at bin edges, below 2^HIST_EMIN and past 2^HIST_EMAX,
 * and zeros of both signs, agrees with a plain histogram. */
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
        double e = gsl_rng_uniform(r) * 60 - 15; /* 2^-15 .. 2^45: inside and outside the windows and the range */
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
    uint64_t *scratch = calloc(HIST_BINS, sizeof *scratch);
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
        cmocka_unit_test(adding_a_batch_is_adding_each_value),
        cmocka_unit_test(positive_chunks_are_added_as_each_value),
        cmocka_unit_test(every_value_is_counted_in_its_bin),
        cmocka_unit_test(whole_quantiles_are_whole_numbers_in_their_bin),
        cmocka_unit_test(moments_merge_like_two_passes),
        cmocka_unit_test(constant_values_have_exact_mean_and_zero_sd),
    };
    return cmocka_run_group_tests_name("stats", tests, NULL, NULL);
}
