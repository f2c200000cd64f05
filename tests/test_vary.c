/*
 * test_vary.c - the values of a varied input (sim/vary.c): lists split at
 * the commas outside parentheses, ranges LO..HI/N and their points, values
 * read by their column's rules and named by the input, cells put back,
 * values checked with the same placed messages as if written in the file;
 * sweep's points against runs of the model edited in place (sim/sweep.c),
 * and goal's answer on a model where it is known in closed form
 * (sim/goal.c).
 */
#include "testutil.h"

#include "sim/diag.h"
#include "sim/engine.h"
#include "sim/goal.h"
#include "sim/inputs.h"
#include "sim/mem.h"
#include "sim/metrics.h"
#include "sim/model.h"
#include "sim/sweep.h"
#include "sim/vary.h"

static void split_ok(const char *text, size_t n, const char *const *want)
{
    char *copy, **items, why[256];
    size_t got;
    assert_int_equal(vary_split(text, &copy, &items, &got, why, sizeof why), 0);
    assert_int_equal(got, n);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(items[i], want[i]);
    mem_free(copy);
    mem_free(items);
}

static void split_bad(const char *text, const char *why_want)
{
    char *copy, **items, why[256];
    size_t got;
    assert_int_equal(vary_split(text, &copy, &items, &got, why, sizeof why), -1);
    assert_string_equal(why, why_want);
    assert_null(copy);
}

static void test_split(void **state)
{
    (void)state;
    split_ok("2%,4%,6%", 3, (const char *const[]){ "2%", "4%", "6%" });
    /* a comma inside parentheses belongs to the distribution */
    split_ok("uniform(1, 2),uniform(2, 3)", 2, (const char *const[]){ "uniform(1, 2)", "uniform(2, 3)" });
    split_ok(" 5 , triangular(1, 2, 3) ,8 to 9", 3, (const char *const[]){ "5", "triangular(1, 2, 3)", "8 to 9" });
    split_ok("700", 1, (const char *const[]){ "700" });
    split_bad("1,,2", "an empty value in '1,,2' (value 2 of 3)");
    split_bad("1,", "an empty value in '1,' (value 2 of 2)");
    split_bad("", "an empty value in '' (value 1 of 1)");
    split_bad("uniform(1, 2", "an unclosed '(' in 'uniform(1, 2'");
    split_bad("1),2", "a ')' without its '(' in '1),2'");
}

static void test_range(void **state)
{
    (void)state;
    char lo[64], hi[64], why[256];
    size_t n;
    assert_int_equal(vary_range_split("2%..8%/7", 1, lo, hi, sizeof lo, &n, why, sizeof why), 1);
    assert_string_equal(lo, "2%");
    assert_string_equal(hi, "8%");
    assert_int_equal(n, 7);
    assert_int_equal(vary_range_split(" 1e6 .. 3e6 / 3 ", 1, lo, hi, sizeof lo, &n, why, sizeof why), 1);
    assert_string_equal(lo, "1e6");
    assert_string_equal(hi, "3e6");
    assert_int_equal(n, 3);
    assert_int_equal(vary_range_split("-5%..5%", 0, lo, hi, sizeof lo, &n, why, sizeof why), 1);
    assert_string_equal(lo, "-5%");
    assert_string_equal(hi, "5%");
    /* not ranges: a list, a decimal point, dots inside a distribution */
    assert_int_equal(vary_range_split("2%,4%", 1, lo, hi, sizeof lo, &n, why, sizeof why), 0);
    assert_int_equal(vary_range_split("1.5", 1, lo, hi, sizeof lo, &n, why, sizeof why), 0);
    assert_int_equal(vary_range_split("uniform(1..2, 3)", 1, lo, hi, sizeof lo, &n, why, sizeof why), 0);
    /* malformed */
    assert_int_equal(vary_range_split("2%..8%", 1, lo, hi, sizeof lo, &n, why, sizeof why), -1);
    assert_string_equal(why, "the range '2%..8%' has no count of points: write LO..HI/N, such as 2%..8%/7");
    assert_int_equal(vary_range_split("2%..8%/1", 1, lo, hi, sizeof lo, &n, why, sizeof why), -1);
    assert_int_equal(vary_range_split("2%..8%/x", 1, lo, hi, sizeof lo, &n, why, sizeof why), -1);
    assert_int_equal(vary_range_split("2%..8%/1001", 1, lo, hi, sizeof lo, &n, why, sizeof why), -1);
    assert_int_equal(vary_range_split("..8%/3", 1, lo, hi, sizeof lo, &n, why, sizeof why), -1);
    assert_int_equal(vary_range_split("2%..8%/3", 0, lo, hi, sizeof lo, &n, why, sizeof why), -1);
}

static void test_points(void **state)
{
    (void)state;
    double x[7];
    vary_points(0.02, 0.08, 7, x);
    for (int k = 0; k < 7; k++)
        assert_close(x[k], 0.02 + 0.01 * k, 1e-15);
    assert_true(x[0] == 0.02 && x[6] == 0.08); /* both ends exactly */
    vary_points(5, 1, 2, x);
    assert_true(x[0] == 5 && x[1] == 1);
}

/* A company with no uncertainty and no customers: rent of 10000 a month,
 * so cash(m) = cash - 10000 m, and runway = floor(cash / 10000) + 1. */
static const char *still_files[][2] = {
    { "company.csv", "setting,value\ncash,60000\nstart,2027-01\nmonths,24\n" },
    { "plans.csv", "plan,price\np,100\n" },
    { "scenarios.csv", "scenario,new_customers,growth,churn\ns,0,0,\"uniform(1%, 2%)\"\n" },
    { "infra.csv", "item,cost\nrent,10000\n" },
    { "staff.csv", "role,headcount,salary\nFounder,0,100000\n" },
};

static struct model *load(char **dir)
{
    return tu_model(still_files, sizeof still_files / sizeof still_files[0], dir);
}

static enum status vary(struct model *m, const char *arg, int values, struct vary **v, char *why)
{
    struct inputs *in = inputs_new_cells(m);
    struct diag *d = diag_new();
    assert_non_null(in);
    assert_non_null(d);
    enum status st = vary_new(m, in, arg, values, d, v, why, 512);
    inputs_free(in);
    diag_free(d);
    return st;
}

static void test_values(void **state)
{
    (void)state;
    char *dir, why[512];
    struct model *m = load(&dir);
    struct vary *v;
    assert_int_equal(vary(m, "scenarios.csv:s:churn=uniform(2%, 3%),4%", 1, &v, why), ST_OK);
    assert_int_equal(v->n, 2);
    assert_string_equal(v->text[0], "uniform(2%, 3%)");
    assert_null(v->text[1]);
    assert_close(v->value[1].p[0], 0.04, 0);
    vary_apply(v, m, 1);
    assert_close(dist_mean(&m->scenarios[0].churn), 0.04, 0);
    vary_restore(v, m);
    assert_close(dist_mean(&m->scenarios[0].churn), 0.015, 1e-15); /* the model's own, back */
    vary_free(v);
    assert_int_equal(vary(m, "company.csv:cash=1e5..3e5/3", 1, &v, why), ST_OK);
    assert_int_equal(v->n, 3);
    assert_close(v->value[1].p[0], 2e5, 0);
    vary_apply(v, m, 2);
    assert_close(m->cash, 3e5, 0);
    vary_restore(v, m);
    assert_close(m->cash, 60000, 0);
    vary_free(v);
    /* a plain number where the model has one (plans.csv:p:price), a distribution too */
    assert_int_equal(vary(m, "plans.csv:p:price=90,80 to 120", 1, &v, why), ST_OK);
    vary_free(v);
    /* refused as the model file's cell would be, the input named */
    assert_int_equal(vary(m, "scenarios.csv:s:churn=1%,2", 1, &v, why), ST_DATA);
    assert_string_equal(why, "scenarios.csv:s:churn: expected a number between 0 and 1 (or 0% to 100%), got '2'");
    assert_int_equal(vary(m, "plans.csv:p:price=5%", 1, &v, why), ST_DATA);
    assert_int_equal(vary(m, "infra.csv:rent:cost=-1 to 5", 1, &v, why), ST_DATA);
    assert_int_equal(vary(m, "company.csv:cash=1e101", 1, &v, why), ST_DATA);
    assert_int_equal(vary(m, "scenarios.csv:s:new_customers=1e6", 1, &v, why), ST_OK);
    vary_free(v);
    assert_int_equal(vary(m, "scenarios.csv:s:growth=200%", 1, &v, why), ST_OK); /* 0 arrivals grow to 0 */
    vary_free(v);
    /* usage: unknown names (the nearest suggested), a range of distributions, '=' */
    assert_int_equal(vary(m, "scenarios.csv:s:chrun=1%", 1, &v, why), ST_USAGE);
    assert_non_null(strstr(why, "'scenarios.csv:s:chrun': no such input; did you mean 'scenarios.csv:s:churn'?"));
    assert_int_equal(vary(m, "company.csv:months=12", 1, &v, why), ST_USAGE);
    assert_int_equal(vary(m, "scenarios.csv:s:churn=uniform(1%, 2%)..5%/3", 1, &v, why), ST_USAGE);
    assert_int_equal(vary(m, "scenarios.csv:s:churn", 1, &v, why), ST_USAGE);
    assert_int_equal(vary(m, "company.csv:cash=5", 0, &v, why), ST_USAGE);
    assert_int_equal(vary(m, "company.csv:cash", 0, &v, why), ST_OK);
    vary_free(v);
    model_free(m);
    tu_rmdir(dir);
}

static struct results *run(const struct model *m, uint64_t paths)
{
    static const size_t first = 0;
    const struct run_options o = { .seed = 7, .paths = paths, .threads = 2, .scenarios = &first, .nscenarios = 1 };
    struct results *r = NULL;
    assert_int_equal(engine_run(m, &o, &r), ST_OK);
    return r;
}

/* Each point of a sweep is the model with the cell edited: the same bits as
 * a run of the model edited in place. */
/* The messages of D, one a line, into BUF. */
static void messages_of(const struct diag *d, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < diag_count(d) && used < len; i++)
        used += (size_t)snprintf(buf + used, len - used, "%s\n", diag_message(d, i));
}

/* A value put into a cell by --vary is checked as the same value written
 * in the model's file: VARY (INPUT=VALUE) on still_files gives the same
 * placed messages, and the same verdict (WANT), as loading still_files
 * with file FILE written as TEXT instead. */
static void checked_as_written(const char *vary_arg, const char *file, const char *text, enum status want)
{
    char *dir, why[512], got[4096], written[4096];
    struct model *m = load(&dir);
    struct inputs *in = inputs_new_cells(m);
    struct diag *d = diag_new();
    assert_non_null(in);
    assert_non_null(d);
    struct vary *v = NULL;
    assert_int_equal(vary_new(m, in, vary_arg, 1, d, &v, why, sizeof why), want);
    messages_of(d, got, sizeof got);
    vary_free(v);
    inputs_free(in);
    diag_free(d);
    model_free(m);

    tu_write(dir, file, text);
    d = diag_new();
    assert_non_null(d);
    assert_int_equal(model_load(dir, d, &m), want);
    messages_of(d, written, sizeof written);
    model_free(m);
    diag_free(d);
    tu_rmdir(dir);
    if (!*got || strcmp(got, written)) {
        print_error("--vary %s said:\n%s\nthe file said:\n%s\n", vary_arg, got, written);
        fail();
    }
}

static void test_values_checked_as_written(void **state)
{
    (void)state;
    /* an amount beyond 1e100, placed at the cell behind it */
    checked_as_written("infra.csv:rent:cost=1e99", "infra.csv", "item,cost\nrent,1e99\n", ST_DATA);
    checked_as_written("company.csv:cash=1e200", "company.csv",
                       "setting,value\ncash,1e200\nstart,2027-01\nmonths,24\n", ST_DATA);
    /* arrivals beyond what cpcsim counts */
    checked_as_written("scenarios.csv:s:new_customers=2e9", "scenarios.csv",
                       "scenario,new_customers,growth,churn\ns,2e9,0,\"uniform(1%, 2%)\"\n", ST_DATA);
    /* more than 1% of the draws clamped: a warning, and the value taken */
    checked_as_written("scenarios.csv:s:churn=normal(1%, 2%)", "scenarios.csv",
                       "scenario,new_customers,growth,churn\ns,0,0,\"normal(1%, 2%)\"\n", ST_OK);
}

static void test_sweep_points(void **state)
{
    (void)state;
    char *dir, why[512];
    struct model *m = load(&dir);
    struct vary *v[2];
    assert_int_equal(vary(m, "scenarios.csv:s:churn=1%,uniform(3%, 5%)", 1, &v[0], why), ST_OK);
    assert_int_equal(vary(m, "company.csv:cash=50000..150000/3", 1, &v[1], why), ST_OK);
    static const size_t first = 0;
    const struct run_options o = { .seed = 7, .paths = 300, .threads = 2, .scenarios = &first, .nscenarios = 1 };
    struct sweep *s;
    assert_int_equal(sweep_run(m, v, 2, &o, 0, &s), ST_OK);
    assert_int_equal(s->npoints, 6);
    for (size_t p = 0; p < 6; p++) {
        vary_apply(v[0], m, p / 3);
        vary_apply(v[1], m, p % 3);
        struct results *r = run(m, 300);
        vary_restore(v[1], m);
        vary_restore(v[0], m);
        for (size_t k = 0; k < SM_REPORTED; k++) {
            const struct stat_row *row = &r->summary[k];
            const struct sweep_stat *x = &s->stat[p * SM_REPORTED + k];
            assert_memory_equal(&x->mean, &row->mean, sizeof(double));
            assert_memory_equal(&x->mc_se, &row->mc_se, sizeof(double));
            assert_memory_equal(&x->p50, &row->q[Q_P50], sizeof(double));
        }
        /* runway in closed form: floor(cash / 10000) + 1 */
        assert_close(r->summary[SM_RUNWAY].mean, (double)(5 + 5 * (p % 3)) + 1, 0);
        results_free(r);
    }
    sweep_free(s);
    vary_free(v[0]);
    vary_free(v[1]);
    model_free(m);
    tu_rmdir(dir);
}

/* goal: the cash that makes runway exactly 12 months is in [110000, 120000);
 * the cash that leaves 50000 at the end (cash - 24 x 10000) is 290000. */
static void test_goal_closed_form(void **state)
{
    (void)state;
    char *dir, why[512];
    struct model *m = load(&dir);
    struct vary *v;
    assert_int_equal(vary(m, "company.csv:cash", 0, &v, why), ST_OK);
    static const size_t first = 0;
    const struct run_options o = { .seed = 1, .paths = 100, .threads = 1, .scenarios = &first, .nscenarios = 1 };
    struct goal g;
    struct goal_ask ask = { SM_RUNWAY, -1, 12, 0, 240000 };
    assert_int_equal(goal_seek(m, v, &ask, &o, &g), ST_OK);
    assert_true(g.reached);
    assert_true(g.value >= 110000 && g.value < 120000);
    assert_close(g.achieved, 12, 0);
    assert_true(g.evaluations <= 12);
    ask = (struct goal_ask){ SM_CASH_FINAL, -1, 50000, 0, 1e6 };
    assert_int_equal(goal_seek(m, v, &ask, &o, &g), ST_OK);
    assert_true(g.reached);
    assert_close(g.value, 290000, 1e-6);
    assert_close(g.mc_se, 0, 0);
    assert_true(g.evaluations <= 12);
    /* out of reach: the closest end, not reached */
    ask = (struct goal_ask){ SM_CASH_FINAL, -1, 5e6, 0, 1e6 };
    assert_int_equal(goal_seek(m, v, &ask, &o, &g), ST_OK);
    assert_false(g.reached);
    assert_close(g.value, 1e6, 0);
    assert_close(g.achieved, 1e6 - 240000, 0);
    assert_int_equal(g.evaluations, 2);
    assert_close(m->cash, 60000, 0); /* the model as it was */
    vary_free(v);
    model_free(m);
    tu_rmdir(dir);
}

static void test_metric(void **state)
{
    (void)state;
    int metric, stat;
    char why[256];
    assert_int_equal(sweep_metric("default_alive", 13, &metric, &stat, why, sizeof why), 0);
    assert_int_equal(metric, SM_DEFAULT_ALIVE);
    assert_int_equal(stat, -1);
    const char *t = "p50:gross_margin_final=70%";
    assert_int_equal(sweep_metric(t, strchr(t, '=') - t, &metric, &stat, why, sizeof why), 0);
    assert_int_equal(metric, SM_GROSS_MARGIN_FINAL);
    assert_int_equal(stat, Q_P50);
    assert_int_equal(sweep_metric("mean:cpc_final", 14, &metric, &stat, why, sizeof why), 0);
    assert_int_equal(stat, -1);
    assert_int_equal(sweep_metric("defualt_alive", 13, &metric, &stat, why, sizeof why), -1);
    assert_string_equal(why, "no metric called 'defualt_alive'; did you mean 'default_alive'? (the metrics of "
                             "summary.csv)");
    assert_int_equal(sweep_metric("p42:cpc_final", 13, &metric, &stat, why, sizeof why), -1);
    assert_int_equal(sweep_metric("cpc_plan", 8, &metric, &stat, why, sizeof why), -1); /* not in summary.csv */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_split),        cmocka_unit_test(test_range),
        cmocka_unit_test(test_points),       cmocka_unit_test(test_values),
        cmocka_unit_test(test_sweep_points), cmocka_unit_test(test_goal_closed_form),
        cmocka_unit_test(test_metric),       cmocka_unit_test(test_values_checked_as_written),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
