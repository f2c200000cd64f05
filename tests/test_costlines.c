/*
 * test_costlines.c - cost_lines.csv's exact sample of the lines: its
 * quantiles are the type-1 order statistics (checked against a sort, with
 * ties and every size up to a few hundred), its rows are the paths a run
 * of that many paths keeps whether it got there at once or in steps, and
 * it refuses to exist when too few rows fit.
 */
#include "testutil.h"

#include "sim/costlines.h"

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* A small generator of our own, so that the cases do not depend on libc. */
static uint64_t next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static void quantiles_are_order_statistics(void **state)
{
    (void)state;
    static const double q[] = { 0.0, 0.10, 0.25, 0.50, 0.50, 0.90, 1.0 };
    enum { NQ = sizeof q / sizeof q[0], MOST = 400 };
    double x[MOST], sorted[MOST], out[NQ];
    uint64_t s = 88172645463325252u;
    for (size_t n = 1; n <= MOST; n += n < 40 ? 1 : 37) {
        for (int kind = 0; kind < 3; kind++) { /* distinct values, many ties, all equal */
            for (size_t i = 0; i < n; i++)
                x[i] = kind == 0 ? (double)(next(&s) % 1000000) / 7 : kind == 1 ? (double)(next(&s) % 5) : 42;
            memcpy(sorted, x, n * sizeof *x);
            qsort(sorted, n, sizeof *sorted, by_value);
            costlines_quantiles(x, n, q, NQ, out);
            for (size_t k = 0; k < NQ; k++) {
                double want = ceil(q[k] * (double)n);
                size_t at = want < 1 ? 0 : (size_t)want - 1;
                if (out[k] != sorted[at])
                    fail_msg("n %zu kind %d q %g: %.17g, the order statistic %zu is %.17g", n, kind, q[k], out[k],
                             at + 1, sorted[at]);
            }
        }
    }
    costlines_quantiles(x, 0, q, 1, out);
    assert_true(isnan(out[0]));
}

/* The rows of a sample extended to 20,000 paths in steps are those of a
 * sample of 20,000 paths at once: each path's row holds its index. */
static void steps_keep_what_a_whole_run_keeps(void **state)
{
    (void)state;
    const size_t cols = 3;
    int nomem;
    struct costlines_sample *whole = costlines_sample_new(cols, 16, 200 * cols * sizeof(double), &nomem);
    struct costlines_sample *steps = costlines_sample_new(cols, 16, 200 * cols * sizeof(double), &nomem);
    assert_non_null(whole);
    assert_non_null(steps);
    const uint64_t ends[] = { 5000, 10240, 12000, 20000 };
    costlines_sample_reach(whole, 20000);
    uint64_t done = 0;
    for (size_t e = 0; e < sizeof ends / sizeof ends[0]; e++) {
        costlines_sample_reach(steps, ends[e]);
        for (; done < ends[e]; done++) {
            double *row = costlines_sample_row(steps, done);
            for (size_t c = 0; row && c < cols; c++)
                row[c] = (double)done + (double)c / 10;
        }
    }
    for (uint64_t p = 0; p < 20000; p++) {
        double *row = costlines_sample_row(whole, p);
        for (size_t c = 0; row && c < cols; c++)
            row[c] = (double)p + (double)c / 10;
    }
    /* 20,000 / 16 = 1,250 rows do not fit in 200: every 128th path, 157 rows */
    assert_int_equal(costlines_sample_rows(whole, 20000), 157);
    assert_int_equal(costlines_sample_rows(steps, 20000), 157);
    assert_non_null(costlines_sample_row(whole, 19968));
    assert_null(costlines_sample_row(whole, 64));
    static const double q[] = { 0.10, 0.50, 0.90 };
    static double scratch[COSTLINES_BLOCK * COSTLINES_MOST];
    double a[3], b[3], all[3 * 3];
    costlines_sample_quantiles(whole, 20000, 0, cols, q, 3, scratch, all);
    for (size_t c = 0; c < cols; c++) {
        costlines_sample_quantiles(whole, 20000, c, 1, q, 3, scratch, a);
        costlines_sample_quantiles(steps, 20000, c, 1, q, 3, scratch, b);
        assert_memory_equal(a, all + 3 * c, sizeof a);
        assert_memory_equal(a, b, sizeof a);
        /* the 16th, 79th and 142nd of paths 0, 128, 256, ... */
        assert_close(a[0], 15 * 128 + (double)c / 10, 0);
        assert_close(a[1], 78 * 128 + (double)c / 10, 0);
        assert_close(a[2], 141 * 128 + (double)c / 10, 0);
    }
    costlines_sample_free(whole);
    costlines_sample_free(steps);
}

static void too_few_rows_is_none(void **state)
{
    (void)state;
    int nomem = 1;
    assert_null(costlines_sample_new(1000, 16, (COSTLINES_FEWEST - 1) * 1000 * sizeof(double), &nomem));
    assert_int_equal(nomem, 0);
    struct costlines_sample *c = costlines_sample_new(1000, 16, COSTLINES_FEWEST * 1000 * sizeof(double), &nomem);
    assert_non_null(c);
    assert_int_equal(costlines_sample_rows(c, 1), 1);
    assert_int_equal(costlines_sample_rows(NULL, 100), 0);
    assert_null(costlines_sample_row(NULL, 0));
    costlines_sample_free(c);
    costlines_sample_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(quantiles_are_order_statistics),
        cmocka_unit_test(steps_keep_what_a_whole_run_keeps),
        cmocka_unit_test(too_few_rows_is_none),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
