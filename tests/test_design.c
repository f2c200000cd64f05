/*
 * test_design.c - sampling designs: a Latin hypercube block takes every
 * stratum of every dimension exactly once; a Sobol block's shifted points are
 * as evenly spread as the sequence's (every stratum of 1/1024 in each of its
 * first dimensions holds one point); dimensions past GSL's 40 fall back to
 * Latin hypercube; the Sobol points are GSL's own, though the design builds
 * GSL's generator itself; every uniform lies in (0, 1); plain Monte Carlo
 * passes the stream's uniform through.
 */
#include "testutil.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_qrng.h>

#include "sim/design.h"

static void strata_taken_once(const struct design *d, uint64_t block, size_t dim)
{
    static unsigned char seen[DESIGN_BLOCK];
    memset(seen, 0, sizeof seen);
    for (uint64_t j = 0; j < DESIGN_BLOCK; j++) {
        double v = (double)((j * 2654435761u) % 1000 + 1) / 1002.0; /* any point within the stratum */
        double u = design_uniform(d, block * DESIGN_BLOCK + j, dim, v);
        assert_true(u > 0 && u < 1);
        size_t stratum = (size_t)(u * DESIGN_BLOCK);
        assert_true(stratum < DESIGN_BLOCK);
        if (seen[stratum])
            fail_msg("dimension %zu block %llu: stratum %zu taken twice", dim, (unsigned long long)block, stratum);
        seen[stratum] = 1;
    }
}

static void latin_hypercube_takes_every_stratum_once(void **state)
{
    (void)state;
    struct design *d = design_new(SAMPLING_LHS, 42, 60);
    assert_non_null(d);
    for (size_t dim = 0; dim < 60; dim += 7)
        for (uint64_t block = 0; block < 3; block++)
            strata_taken_once(d, block, dim);
    /* blocks and dimensions are permuted differently */
    assert_true(design_uniform(d, 5, 0, 0.5) != design_uniform(d, 5, 1, 0.5));
    assert_true(design_uniform(d, 5, 0, 0.5) != design_uniform(d, DESIGN_BLOCK + 5, 0, 0.5));
    design_free(d);
}

static void sobol_blocks_are_spread_evenly_and_past_40_are_latin(void **state)
{
    (void)state;
    struct design *d = design_new(SAMPLING_SOBOL, 7, 45);
    assert_non_null(d);
    /* the first 1024 Sobol points put one point in each 1/1024 stratum of
     * each coordinate, and a shift modulo 1 keeps that */
    for (size_t dim = 0; dim < 45; dim += 4)
        strata_taken_once(d, 2, dim);
    strata_taken_once(d, 0, 44);
    design_free(d);
}

/* The design builds GSL's Sobol generator itself (its state through
 * mem.h): its points are GSL's own, each dimension shifted by one amount
 * modulo 1 within a block. */
static void sobol_points_are_gsls(void **state)
{
    (void)state;
    enum { DIMS = 40 };
    struct design *d = design_new(SAMPLING_SOBOL, 11, DIMS);
    assert_non_null(d);
    gsl_qrng *q = gsl_qrng_alloc(gsl_qrng_sobol, DIMS);
    assert_non_null(q);
    double x[DIMS] = { 0 }, shift[DIMS];
    for (uint64_t j = 0; j < DESIGN_BLOCK; j++) {
        if (j > 0) /* the design's first point is the origin, GSL's sequence starts after it */
            assert_int_equal(gsl_qrng_get(q, x), GSL_SUCCESS);
        for (size_t dim = 0; dim < DIMS; dim++) {
            double u = design_uniform(d, 3 * DESIGN_BLOCK + j, dim, 0.5);
            double s = u - x[dim];
            s -= floor(s);
            if (j == 0)
                shift[dim] = s;
            else if (fabs(s - shift[dim]) > 1e-12 && fabs(fabs(s - shift[dim]) - 1) > 1e-12)
                fail_msg("point %llu, dimension %zu: shift %.17g, not %.17g", (unsigned long long)j, dim, s,
                         shift[dim]);
        }
    }
    gsl_qrng_free(q);
    design_free(d);
}

static void plain_monte_carlo_passes_uniforms_through(void **state)
{
    (void)state;
    struct design *d = design_new(SAMPLING_MC, 1, 3);
    assert_close(design_uniform(d, 12345, 2, 0.123), 0.123, 0);
    design_free(d);
    design_free(NULL);
    assert_string_equal(sampling_names[SAMPLING_SOBOL], "sobol");
}

int main(void)
{
    gsl_set_error_handler_off(); /* as cpcsim's main does: statuses are checked instead */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(latin_hypercube_takes_every_stratum_once),
        cmocka_unit_test(sobol_blocks_are_spread_evenly_and_past_40_are_latin),
        cmocka_unit_test(sobol_points_are_gsls),
        cmocka_unit_test(plain_monte_carlo_passes_uniforms_through),
    };
    return cmocka_run_group_tests_name("design", tests, NULL, NULL);
}
