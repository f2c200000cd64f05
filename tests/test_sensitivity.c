/*
 * test_sensitivity.c - sensitivity.csv's statistics: Spearman with ties,
 * the correlation ratio and the tornado of a small sample worked out by
 * hand; then whole runs of a model whose answer is known: a dominant input
 * ranks first with the right sign, inputs without effect have |spearman|
 * within 3 standard errors of 0, the tornado of an output linear in a
 * uniform input matches its conditional means, an output undefined on
 * some paths, identical results on any thread count, and input names.
 */
#include "testutil.h"

#include <gsl/gsl_errno.h>

#include "sim/engine.h"
#include "sim/inputs.h"
#include "sim/model.h"
#include "sim/sensitivity.h"

/* Nine pairs (and one whose output is undefined), ties in x at 2, 5 and 6.
 * Mid-ranks of x: 4 1 2.5 2.5 6.5 5 6.5 8.5 8.5; of y: 4 1 3 2 6 5 7 9 8.
 * Centred (mean rank 5): sxy = 58.5, sxx = 58.5, syy = 60, so
 * r = sqrt(58.5 / 60) = 0.98742088290657; se = (1 - r^2) sqrt((1 + r^2/2) / 6).
 * Bins (20 over 9 paths, a group in the bin of its first rank, 0-based
 * a * 20 / 9): x=1 bin 0 {10}, x=2 bin 2 {25, 15}, x=3 bin 6 {30}, x=4
 * bin 8 {35}, x=5 bin 11 {40, 50}, x=6 bin 15 {60, 55}; eta^2 =
 * 2309.7222 / 2422.2222 = 0.95355504587156.  Tenths: ceil(9/10) = 1, so
 * x <= 1 gives {10} and x >= 6 (the largest, tied) gives {60, 55}. */
static void spearman_with_ties_by_hand(void **state)
{
    (void)state;
    const double x[] = { 3, 1, 2, 2, 5, 4, 5, 6, 6, 0 };
    const double y[] = { 30, 10, 25, 15, 40, 35, 50, 60, 55, NAN };
    struct sensitivity_stat st = { 0 };
    assert_int_equal(sensitivity_pair(x, y, 10, &st), ST_OK);
    assert_int_equal(st.n, 9);
    const double r = 0.98742088290657;
    assert_close(st.spearman, r, 1e-12);
    assert_close(st.spearman_se, (1 - r * r) * sqrt((1 + r * r / 2) / 6), 1e-12);
    assert_close(st.variance_share, 0.95355504587156, 1e-12);
    assert_close(st.tornado_low, 10, 1e-12);
    assert_close(st.tornado_high, 57.5, 1e-12);

    /* reversed order of y: -r; a constant y: undefined, the tornado its value */
    double neg[10], flat[10];
    for (int i = 0; i < 10; i++) {
        neg[i] = -y[i];
        flat[i] = 7;
    }
    assert_int_equal(sensitivity_pair(x, neg, 10, &st), ST_OK);
    assert_close(st.spearman, -r, 1e-12);
    assert_int_equal(sensitivity_pair(x, flat, 10, &st), ST_OK);
    assert_true(isnan(st.spearman) && isnan(st.spearman_se) && isnan(st.variance_share));
    assert_close(st.tornado_low, 7, 0);
    assert_close(st.tornado_high, 7, 0);
}

/* Negative values, -0 and 0 tied, large magnitudes: ranks follow values. */
static void ranks_follow_values_of_any_sign(void **state)
{
    (void)state;
    const double x[] = { -1e300, -2.5, -0.0, 0.0, 1e-300, 3, 1e12 };
    const double y[] = { 1, 2, 3, 3, 5, 6, 7 }; /* x's order, ties where x ties */
    struct sensitivity_stat st = { 0 };
    assert_int_equal(sensitivity_pair(x, y, 7, &st), ST_OK);
    assert_close(st.spearman, 1, 1e-15);
}

/* Cash 1,000,000, 12 months, no revenue; two fixed lines, big ~ U(1000,
 * 2000) and small ~ U(1, 2): cash_final = 1e6 - 12 (big + small).  New
 * customers U(1, 3) a month drive customers_final and nothing of cash;
 * deal_slip U(0.1, 0.5) has no deal to slip. */
static const char *linear_files[][2] = {
    { "company.csv", "setting,value\ncash,1000000\nstart,2027-01\nmonths,12\n" },
    { "plans.csv", "plan,price,customers\np,0,10\n" },
    { "scenarios.csv", "scenario,new_customers,growth,churn,deal_slip\ns,\"uniform(1, 3)\",0,0,\"uniform(0.1, 0.5)\"\n" },
    { "infra.csv", "item,driver,cost\nbig,fixed,\"uniform(1000, 2000)\"\nsmall,fixed,\"uniform(1, 2)\"\n" },
    { "staff.csv", "role,headcount,salary\nnobody,0,1000\n" },
};

static struct results *run(const struct model *m, uint64_t paths, int threads)
{
    static size_t scen[8];
    for (size_t i = 0; i < m->nscenarios; i++)
        scen[i] = i;
    struct run_options o = { .seed = 7, .paths = paths, .threads = threads, .scenarios = scen,
                             .nscenarios = m->nscenarios, .sensitivity = 1 };
    struct results *r = NULL;
    assert_int_equal(engine_run(m, &o, &r), ST_OK);
    assert_non_null(r->sensitivity);
    return r;
}

/* The row of INPUT against OUTPUT in scenario 0. */
static const struct sensitivity_row *row_of(const struct results *r, const char *input, int output)
{
    size_t n;
    const struct sensitivity_row *rows = sensitivity_rows(r->sensitivity, 0, output, &n);
    long i = inputs_find(r->sensitivity->inputs, input);
    assert_true(i >= 0);
    for (size_t k = 0; k < n; k++)
        if (rows[k].input == (size_t)i)
            return &rows[k];
    fail_msg("no row for %s", input);
    return NULL;
}

static void dominant_input_ranks_first(void **state)
{
    (void)state;
    char *dir;
    struct model *m = tu_model(linear_files, sizeof linear_files / sizeof linear_files[0], &dir);
    struct results *r = run(m, 20000, 2);
    const struct sensitivity *sv = r->sensitivity;
    assert_int_equal(sv->paths, SENSITIVITY_PATHS); /* the first 10,000 of 20,000 */
    /* 4 inputs x 6 outputs */
    assert_int_equal(sv->nrows, 4 * SENSITIVITY_OUTPUTS);
    const struct sensitivity_row *big = row_of(r, "infra.csv:big:cost", SM_CASH_FINAL);
    assert_int_equal(big->rank, 1);
    assert_true(big->stat.spearman < -0.99);
    const struct sensitivity_row *cpc = row_of(r, "infra.csv:big:cost", SM_CPC_FINAL);
    assert_true(cpc->stat.spearman > 0);
    const struct sensitivity_row *cust = row_of(r, "scenarios.csv:s:new_customers", SM_CUSTOMERS_FINAL);
    assert_int_equal(cust->rank, 1);
    assert_true(cust->stat.spearman > 0.5);
    /* no effect: within 3 standard errors of 0 */
    const struct {
        const char *input;
        int output;
    } none[] = {
        { "scenarios.csv:s:deal_slip", SM_CASH_FINAL },      { "scenarios.csv:s:deal_slip", SM_CUSTOMERS_FINAL },
        { "scenarios.csv:s:new_customers", SM_CASH_FINAL },  { "infra.csv:big:cost", SM_CUSTOMERS_FINAL },
        { "infra.csv:small:cost", SM_CUSTOMERS_FINAL },
    };
    for (size_t i = 0; i < sizeof none / sizeof none[0]; i++) {
        const struct sensitivity_row *x = row_of(r, none[i].input, none[i].output);
        assert_true(fabs(x->stat.spearman) < 3 * x->stat.spearman_se);
        assert_true(x->rank > 1);
    }
    /* funding_need is 0 on every path: nothing ranked */
    size_t n;
    const struct sensitivity_row *need = sensitivity_rows(sv, 0, SM_FUNDING_NEED, &n);
    assert_int_equal(n, 4);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(need[i].rank, 0);
        assert_true(isnan(need[i].stat.spearman));
        assert_close(need[i].stat.tornado_low, 0, 0);
    }
    results_free(r);
    model_free(m);
    tu_rmdir(dir);
}

/* cash_final = 1e6 - 12 big - 12 small, big ~ U(1000, 2000): over big's
 * lowest tenth, big averages 1000 + 100/2 = 1050 and small 1.5, so
 * tornado_low = 1e6 - 12 * 1051.5 = 987382 and tornado_high =
 * 1e6 - 12 * 1951.5 = 976582.  Monte Carlo error: big's mean over 1,000
 * paths has sd 100 / sqrt(12) / sqrt(1000) = 0.91, and the tenth's edge
 * (the empirical decile, sd about 3) moves it by about half that: about
 * 12 * 2 = 24 in cash; the tolerance is 4 of those.  Within 20 bins of a
 * uniform, eta^2 = 1 - 1/400 (less small's share, 1e-4); its error about
 * 0.0003. */
static void tornado_of_a_linear_model(void **state)
{
    (void)state;
    char *dir;
    struct model *m = tu_model(linear_files, sizeof linear_files / sizeof linear_files[0], &dir);
    struct results *r = run(m, 10000, 1);
    const struct sensitivity_row *big = row_of(r, "infra.csv:big:cost", SM_CASH_FINAL);
    assert_close(big->stat.tornado_low, 1e6 - 12 * 1051.5, 100);
    assert_close(big->stat.tornado_high, 1e6 - 12 * 1951.5, 100);
    assert_close(big->stat.variance_share, 1 - 1.0 / 400, 0.0015);
    /* cost per customer of the final month, (big + small) / customers:
     * the input's effect through a ratio, so only its direction is known */
    const struct sensitivity_row *cpc = row_of(r, "infra.csv:big:cost", SM_CPC_FINAL);
    assert_true(cpc->stat.tornado_low < cpc->stat.tornado_high);
    results_free(r);
    model_free(m);
    tu_rmdir(dir);
}

/* No customers at all on many paths (new_customers U(0, 0.2) a month for
 * 2 months, none at the start): cpc_final is undefined there, and the
 * statistics are those of the paths where it is defined. */
static const char *sparse_files[][2] = {
    { "company.csv", "setting,value\ncash,1000\nstart,2027-01\nmonths,2\n" },
    { "plans.csv", "plan,price\np,10\n" },
    { "scenarios.csv", "scenario,new_customers\ns,\"uniform(0, 0.2)\"\n" },
    { "infra.csv", "item,driver,cost\nbig,fixed,\"uniform(1000, 2000)\"\n" },
    { "staff.csv", "role,headcount,salary\nnobody,0,1000\n" },
};

static void undefined_outputs_are_left_out(void **state)
{
    (void)state;
    char *dir;
    struct model *m = tu_model(sparse_files, sizeof sparse_files / sizeof sparse_files[0], &dir);
    struct results *r = run(m, 4000, 2);
    const struct sensitivity_row *cpc = row_of(r, "infra.csv:big:cost", SM_CPC_FINAL);
    const struct stat_row *sum = &r->summary[SM_CPC_FINAL];
    assert_true(cpc->stat.n > 50 && cpc->stat.n < 4000);
    assert_int_equal(cpc->stat.n, sum->n); /* all 4,000 paths are the subsample */
    assert_true(cpc->stat.spearman > 0);
    const struct sensitivity_row *cash = row_of(r, "infra.csv:big:cost", SM_CASH_FINAL);
    assert_int_equal(cash->stat.n, 4000);
    assert_true(cash->stat.spearman < -0.9);
    results_free(r);
    model_free(m);
    tu_rmdir(dir);
}

static void results_do_not_depend_on_threads(void **state)
{
    (void)state;
    char *dir;
    struct model *m = tu_model(linear_files, sizeof linear_files / sizeof linear_files[0], &dir);
    struct results *a = run(m, 3000, 1), *b = run(m, 3000, 3);
    assert_int_equal(a->sensitivity->nrows, b->sensitivity->nrows);
    assert_int_equal(a->sensitivity->paths, 3000);
    for (size_t i = 0; i < a->sensitivity->nrows; i++) {
        const struct sensitivity_row *x = &a->sensitivity->row[i], *y = &b->sensitivity->row[i];
        assert_int_equal(x->input, y->input);
        assert_int_equal(x->rank, y->rank);
        assert_memory_equal(&x->stat, &y->stat, sizeof x->stat);
    }
    results_free(a);
    results_free(b);
    model_free(m);
    tu_rmdir(dir);
}

/* Names are file:row:column, row names as written; only uncertain cells. */
static void inputs_are_named_by_cell(void **state)
{
    (void)state;
    char *dir;
    struct model *m = tu_model(linear_files, sizeof linear_files / sizeof linear_files[0], &dir);
    struct inputs *in = inputs_new(m);
    assert_non_null(in);
    assert_int_equal(in->n, 4);
    assert_string_equal(in->item[0].name, "scenarios.csv:s:new_customers");
    assert_string_equal(in->item[1].name, "scenarios.csv:s:deal_slip");
    assert_int_equal(in->item[1].column, 3);
    assert_string_equal(in->item[2].name, "infra.csv:big:cost");
    assert_string_equal(in->item[3].name, "infra.csv:small:cost");
    assert_int_equal(in->item[3].row, 1);
    assert_int_equal(inputs_find(in, "infra.csv:small:cost"), 3);
    assert_int_equal(inputs_find(in, "infra.csv:Small:cost"), -1);
    assert_int_equal(inputs_find(in, "plans.csv:p:price"), -1); /* a plain number */
    inputs_free(in);
    inputs_free(NULL);
    model_free(m);
    tu_rmdir(dir);
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(spearman_with_ties_by_hand),
        cmocka_unit_test(ranks_follow_values_of_any_sign),
        cmocka_unit_test(dominant_input_ranks_first),
        cmocka_unit_test(tornado_of_a_linear_model),
        cmocka_unit_test(undefined_outputs_are_left_out),
        cmocka_unit_test(results_do_not_depend_on_threads),
        cmocka_unit_test(inputs_are_named_by_cell),
    };
    return cmocka_run_group_tests_name("sensitivity", tests, NULL, NULL);
}
