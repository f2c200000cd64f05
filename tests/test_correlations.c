/*
 * test_correlations.c - correlations.csv's Iman-Conover reordering: over
 * 20,000 paths, the induced Spearman rank correlation of every pair within
 * 0.03 of its target (pairs not given within 0.03 of 0) for several
 * matrices, negative correlations and a correlation of 1 among them, with
 * plain Monte Carlo, Latin hypercube and Sobol designs; each input's
 * values still from its own distribution (Kolmogorov-Smirnov at 1%);
 * inputs in no pair keep their draws bit for bit, and a file of only
 * zeros changes no draw; blocks the same whatever path a thread starts
 * from; the nearest correlation matrix of Higham's example.
 */
#include "testutil.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>

#include "sim/correl.h"
#include "sim/design.h"
#include "sim/model.h"
#include "sim/path.h"
#include "sim/sensitivity.h"

#define PATHS 20000
#define NIN 4

/* Four fixed cost lines of known distributions, and a fifth in no pair. */
static const char *base_files[][2] = {
    { "company.csv", "setting,value\ncash,1000000\nstart,2027-01\nmonths,12\n" },
    { "plans.csv", "plan,price,customers\np,100,10\n" },
    { "scenarios.csv", "scenario,new_customers\ns,\"uniform(1, 3)\"\n" },
    { "infra.csv", "item,driver,cost\n"
                   "flat,fixed,\"uniform(1000, 2000)\"\n"
                   "skewed,fixed,100 to 300\n"
                   "tri,fixed,\"triangular(1, 2, 5)\"\n"
                   "bell,fixed,\"normal(50, 5)\"\n"
                   "alone,fixed,\"uniform(0, 1)\"\n" },
    { "staff.csv", "role,headcount,salary\nnobody,0,1000\n" },
};
static const char *const names[NIN] = { "infra.csv:flat:cost", "infra.csv:skewed:cost", "infra.csv:tri:cost",
                                        "infra.csv:bell:cost" };

/* The model of base_files with CORRELATIONS (NULL: no file). */
static struct model *load(const char *correlations, char **dir)
{
    *dir = tu_tmpdir();
    tu_write_files(*dir, base_files, sizeof base_files / sizeof base_files[0]);
    if (correlations)
        tu_write(*dir, "correlations.csv", correlations);
    return tu_load_model(*dir);
}

/* The values of the five cost lines on PATHS paths (U: their uniforms),
 * as the engine draws them: [line * PATHS + path]. */
static void draw(const struct model *m, enum sampling s, uint64_t seed, double *value, double *u)
{
    struct path *p = path_new(m);
    assert_non_null(p);
    struct design *d = s == SAMPLING_MC ? NULL : design_new(s, seed, path_dimensions(p));
    path_set_design(p, d);
    struct correl *c = NULL;
    assert_int_equal(correl_new(m, p, &c), ST_OK);
    struct correl_block *b = c ? correl_block_new(c) : NULL;
    path_set_correl(p, b);
    for (uint64_t i = 0; i < PATHS; i++) {
        path_draw_shared(p, seed, i);
        for (size_t k = 0; k <= NIN; k++) {
            double x = path_uniforms(p)[path_cell_slot(p, MF_INFRA, k, 0)];
            u[k * PATHS + i] = x;
            value[k * PATHS + i] = dist_draw(&m->infra[k].cost, x);
        }
    }
    correl_block_free(b);
    correl_free(c);
    design_free(d);
    path_free(p);
}

static double spearman(const double *x, const double *y)
{
    struct sensitivity_stat st = { 0 };
    assert_int_equal(sensitivity_pair(x, y, PATHS, &st), ST_OK);
    return st.spearman;
}

/* Every pair's Spearman within 0.03 of TARGET (row major NIN x NIN). */
static void check_matrix(const char *csv, const double target[NIN][NIN])
{
    static double value[(NIN + 1) * PATHS], u[(NIN + 1) * PATHS];
    const enum sampling designs[] = { SAMPLING_MC, SAMPLING_LHS, SAMPLING_SOBOL };
    char *dir;
    struct model *m = load(csv, &dir);
    for (size_t s = 0; s < 3; s++) {
        draw(m, designs[s], 11 + s, value, u);
        for (size_t i = 0; i < NIN; i++)
            for (size_t j = i + 1; j <= NIN; j++) {
                double want = j < NIN ? target[i][j] : 0;
                double got = spearman(value + i * PATHS, value + j * PATHS);
                if (fabs(got - want) > 0.03)
                    print_error("%s, %s ~ %s (design %zu): %.4f, target %.4f\n", csv, names[i],
                                j < NIN ? names[j] : "alone", s, got, want);
                assert_close(got, want, 0.03);
            }
    }
    model_free(m);
    tu_rmdir(dir);
}

static void several_matrices_within_three_hundredths(void **state)
{
    (void)state;
    const double m1[NIN][NIN] = { { 1, 0.7, -0.5, 0 }, { 0.7, 1, -0.3, 0 }, { -0.5, -0.3, 1, 0 }, { 0, 0, 0, 1 } };
    check_matrix("input_a,input_b,rank_correlation\n"
                 "infra.csv:flat:cost,infra.csv:skewed:cost,0.7\n"
                 "infra.csv:flat:cost,infra.csv:tri:cost,-0.5\n"
                 "infra.csv:tri:cost,infra.csv:skewed:cost,-0.3\n", m1);
    const double m2[NIN][NIN] = { { 1, 0, 0, -0.9 }, { 0, 1, 0, 0 }, { 0, 0, 1, 0 }, { -0.9, 0, 0, 1 } };
    check_matrix("input_a,input_b,rank_correlation\ninfra.csv:flat:cost,infra.csv:bell:cost,-0.9\n", m2);
    const double m3[NIN][NIN] = { { 1, 0.3, 0, 0.2 }, { 0.3, 1, 0, 0 }, { 0, 0, 1, 0.95 }, { 0.2, 0, 0.95, 1 } };
    check_matrix("input_a,input_b,rank_correlation\n"
                 "infra.csv:flat:cost,infra.csv:skewed:cost,0.3\n"
                 "infra.csv:tri:cost,infra.csv:bell:cost,0.95\n"
                 "infra.csv:bell:cost,infra.csv:flat:cost,0.2\n"
                 "infra.csv:skewed:cost,infra.csv:tri:cost,0\n", m3);
    /* a correlation of 1 (a singular but valid matrix) */
    const double m4[NIN][NIN] = { { 1, 1, 0, 0 }, { 1, 1, 0, 0 }, { 0, 0, 1, 0 }, { 0, 0, 0, 1 } };
    check_matrix("input_a,input_b,rank_correlation\ninfra.csv:flat:cost,infra.csv:skewed:cost,1\n", m4);
}

/* The CDF of cost line K of base_files at X. */
static double cdf(size_t k, double x)
{
    const double z95 = 1.6448536269514722;
    switch (k) {
    case 0: return gsl_cdf_flat_P(x, 1000, 2000);
    case 1: return gsl_cdf_lognormal_P(x, (log(100) + log(300)) / 2, (log(300) - log(100)) / (2 * z95));
    case 2: return x <= 2 ? (x - 1) * (x - 1) / ((5 - 1) * (2 - 1)) : 1 - (5 - x) * (5 - x) / ((5 - 1) * (5 - 2));
    case 3: return gsl_cdf_gaussian_P(x - 50, 5);
    default: return gsl_cdf_flat_P(x, 0, 1);
    }
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Kolmogorov-Smirnov: the largest gap between the empirical CDF of the N
 * values X (sorted here) and line K's own CDF. */
static double ks(size_t k, double *x, size_t n)
{
    qsort(x, n, sizeof *x, by_value);
    double worst = 0;
    for (size_t i = 0; i < n; i++) {
        double f = cdf(k, x[i]);
        double gap = fmax(fabs((double)(i + 1) / (double)n - f), fabs(f - (double)i / (double)n));
        worst = fmax(worst, gap);
    }
    return worst;
}

static void marginals_keep_their_distribution(void **state)
{
    (void)state;
    static double value[(NIN + 1) * PATHS], u[(NIN + 1) * PATHS];
    char *dir;
    struct model *m = load("input_a,input_b,rank_correlation\n"
                           "infra.csv:flat:cost,infra.csv:skewed:cost,0.8\n"
                           "infra.csv:tri:cost,infra.csv:bell:cost,-0.6\n"
                           "infra.csv:skewed:cost,infra.csv:bell:cost,0.4\n", &dir);
    const double critical = 1.628 / sqrt(PATHS); /* 1%, Smirnov's asymptotic value */
    const enum sampling designs[] = { SAMPLING_MC, SAMPLING_LHS, SAMPLING_SOBOL };
    for (size_t s = 0; s < 3; s++) {
        draw(m, designs[s], 5, value, u);
        for (size_t k = 0; k <= NIN; k++) {
            double d = ks(k, value + k * PATHS, PATHS);
            if (d >= critical)
                print_error("line %zu, design %zu: KS %.5f, critical %.5f\n", k, s, d, critical);
            assert_true(d < critical);
        }
    }
    model_free(m);
    tu_rmdir(dir);
}

/* A block's values are each input's own uniforms of that block, reordered:
 * the same multiset, bit for bit; inputs in no pair are untouched. */
static void blocks_only_reorder(void **state)
{
    (void)state;
    static double v0[(NIN + 1) * PATHS], u0[(NIN + 1) * PATHS], v1[(NIN + 1) * PATHS], u1[(NIN + 1) * PATHS];
    char *dir0, *dir1;
    struct model *plain = load(NULL, &dir0);
    struct model *m = load("input_a,input_b,rank_correlation\ninfra.csv:flat:cost,infra.csv:tri:cost,0.6\n", &dir1);
    for (enum sampling s = SAMPLING_MC; s <= SAMPLING_SOBOL; s++) {
        draw(plain, s, 3, v0, u0);
        draw(m, s, 3, v1, u1);
        for (size_t k = 0; k <= NIN; k++) {
            int paired = k == 0 || k == 2;
            if (!paired) {
                assert_memory_equal(u0 + k * PATHS, u1 + k * PATHS, PATHS * sizeof *u0);
                continue;
            }
            assert_true(memcmp(u0 + k * PATHS, u1 + k * PATHS, PATHS * sizeof *u0) != 0);
            /* whole blocks: the sorted uniforms agree */
            for (size_t at = 0; at + CORREL_BLOCK <= PATHS; at += CORREL_BLOCK) {
                qsort(u0 + k * PATHS + at, CORREL_BLOCK, sizeof *u0, by_value);
                qsort(u1 + k * PATHS + at, CORREL_BLOCK, sizeof *u1, by_value);
                assert_memory_equal(u0 + k * PATHS + at, u1 + k * PATHS + at, CORREL_BLOCK * sizeof *u0);
            }
        }
    }
    model_free(plain);
    model_free(m);
    tu_rmdir(dir0);
    tu_rmdir(dir1);
}

/* Correlations of 0 are no correlations: the same draws as without the
 * file, bit for bit. */
static void zeros_change_nothing(void **state)
{
    (void)state;
    static double v0[(NIN + 1) * PATHS], u0[(NIN + 1) * PATHS], v1[(NIN + 1) * PATHS], u1[(NIN + 1) * PATHS];
    char *dir0, *dir1;
    struct model *plain = load(NULL, &dir0);
    struct model *m = load("input_a,input_b,rank_correlation\n"
                           "infra.csv:flat:cost,infra.csv:tri:cost,0\n"
                           "infra.csv:skewed:cost,infra.csv:bell:cost,0\n", &dir1);
    for (enum sampling s = SAMPLING_MC; s <= SAMPLING_SOBOL; s++) {
        draw(plain, s, 9, v0, u0);
        draw(m, s, 9, v1, u1);
        assert_memory_equal(u0, u1, sizeof u0);
        assert_memory_equal(v0, v1, sizeof v0);
    }
    model_free(plain);
    model_free(m);
    tu_rmdir(dir0);
    tu_rmdir(dir1);
}

/* A path's uniforms do not depend on the paths drawn before it with the
 * same scratch (a thread starting anywhere in a block, or moving on to
 * another block and back). */
static void paths_do_not_depend_on_the_order(void **state)
{
    (void)state;
    char *dir;
    struct model *m = load("input_a,input_b,rank_correlation\ninfra.csv:flat:cost,infra.csv:skewed:cost,-0.4\n",
                           &dir);
    struct path *p = path_new(m), *q = path_new(m);
    struct correl *c = NULL;
    assert_int_equal(correl_new(m, p, &c), ST_OK);
    assert_non_null(c);
    assert_int_equal(correl_inputs(c), 2);
    struct correl_block *b = correl_block_new(c), *e = correl_block_new(c);
    path_set_correl(p, b);
    path_set_correl(q, e);
    const size_t n = path_dimensions(p);
    const uint64_t order[] = { 3000, 5, 2047, 1024, 7, 3000 };
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        path_draw_shared(q, 21, order[i] + 1); /* E moves on, and comes back */
        path_draw_shared(q, 21, order[i]);
        for (uint64_t k = order[i] / CORREL_BLOCK * CORREL_BLOCK; k <= order[i]; k++)
            path_draw_shared(p, 21, k);
        assert_memory_equal(path_uniforms(p), path_uniforms(q), n * sizeof(double));
    }
    correl_block_free(b);
    correl_block_free(e);
    correl_free(c);
    path_free(p);
    path_free(q);
    model_free(m);
    tu_rmdir(dir);
}

/* Higham's example (IMA J. Numer. Anal. 22, 2002, section 4): the nearest
 * correlation matrix to [1 1 0; 1 1 1; 0 1 1]. */
static void nearest_matrix_of_highams_example(void **state)
{
    (void)state;
    const double a[9] = { 1, 1, 0, 1, 1, 1, 0, 1, 1 };
    double x[9];
    assert_int_equal(correl_nearest(a, 3, x), 0);
    const double want[9] = { 1, 0.7607, 0.1573, 0.7607, 1, 0.7607, 0.1573, 0.7607, 1 };
    for (int i = 0; i < 9; i++)
        assert_close(x[i], want[i], 1e-4);
    /* a valid matrix is its own nearest */
    const double ok[4] = { 1, -0.3, -0.3, 1 };
    assert_int_equal(correl_nearest(ok, 2, x), 0);
    for (int i = 0; i < 4; i++)
        assert_close(x[i], ok[i], 1e-12);
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(several_matrices_within_three_hundredths),
        cmocka_unit_test(marginals_keep_their_distribution),
        cmocka_unit_test(blocks_only_reorder),
        cmocka_unit_test(zeros_change_nothing),
        cmocka_unit_test(paths_do_not_depend_on_the_order),
        cmocka_unit_test(nearest_matrix_of_highams_example),
    };
    return cmocka_run_group_tests_name("correlations", tests, NULL, NULL);
}
