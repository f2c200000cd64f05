/*
 * test_quote.c - a custom contract's incremental cost, margin and floor
 * price (sim/quote.c, models/contract.c), against figures worked out by
 * hand.
 *
 * The company of these models has no arrivals and no churn, so that what a
 * contract adds is known exactly: per-customer costs, a step it crosses, a
 * ratio hire it triggers, the fixed parts of a contract without customers.
 * Then the floor price, fed back as the price, must reach the target
 * margin with the target confidence.
 */
#include "testutil.h"

#include <gsl/gsl_errno.h>

#include "sim/diag.h"
#include "sim/engine.h"
#include "sim/model.h"
#include "sim/quote.h"

/* Three months of a company of 4 customers on plan a (price 100) that
 * neither grows nor loses any; storage 5 a customer, a database of 300 a
 * block of 5 customers, a founder at 10000 a month, support 1 per 8
 * customers at 3000 a month. */
static const char *company_files[][2] = {
    { "company.csv", "setting,value\ncash,100000\nstart,2027-01\nmonths,6\ntarget_margin,60%\nconfidence,90%\n" },
    { "plans.csv", "plan,price,customers\na,100,4\nb,200,0\n" },
    { "scenarios.csv", "scenario,new_customers\nsteady,0\n" },
    { "infra.csv", "item,driver,cost,step,category\nstorage,per_customer,5,,cogs\ndatabase,step,300,5,cogs\n" },
    { "staff.csv", "role,headcount,per_customers,salary,overhead,category\n"
                   "founder,1,,120000,1,rnd\nsupport,0,8,36000,1,cogs\n" },
    { "features.csv", "feature,plans,effort,role,from,build_months,run_cost,run_cost_per_customer\n"
                      "exports,a,0,,1,0,0,2\nsso,b,2,founder,1,2,100,1\n" },
};

struct quoted {
    char *dir;
    struct model *m;
    struct contract *c;
    struct results *r;
    struct quote q;
};

/* Loads the company, with CONTRACT's settings as its contract, and quotes
 * it on PATHS paths, as cpcsim quote does. */
static void quote(struct quoted *x, const char *contract, uint64_t paths)
{
    x->m = tu_model(company_files, sizeof company_files / sizeof company_files[0], &x->dir);
    char sub[600]; /* beside the model's files, not among them: a model folder holds model files only */
    snprintf(sub, sizeof sub, "%s/contract", x->dir);
    assert_int_equal(mkdir(sub, 0700), 0);
    tu_write(sub, "contract.csv", contract);
    struct diag *d = diag_new();
    char path[600];
    snprintf(path, sizeof path, "%s/contract/contract.csv", x->dir);
    enum status st = quote_load(path, path, x->m, d, &x->c);
    if (st != ST_OK)
        diag_print(d, stderr);
    assert_int_equal(st, ST_OK);
    diag_free(d);
    x->m->contract = x->c;
    x->m->cal.months = contract_end(x->c);
    const size_t scenarios[2] = { 0, 0 };
    static const struct month_variant with = { 1, NULL };
    const struct month_variant *const variants[2] = { NULL, &with };
    const int metric[1] = { SM_COST_TOTAL }, worse[1] = { -1 };
    const double revenue[1] = { x->c->customers * (x->c->price * (1 - x->c->discount)) * x->c->term };
    const struct run_options o = { .seed = 3, .paths = paths, .threads = 2, .scenarios = scenarios,
                                   .nscenarios = 2, .variants = variants, .compare_metric = metric,
                                   .compare_worse = worse, .compare_threshold = revenue, .ncompare = 1,
                                   .quantile_extra = x->m->confidence };
    assert_int_equal(engine_run(x->m, &o, &x->r), ST_OK);
    quote_figures(x->r, x->c, x->m->target_margin, x->m->confidence, &x->q);
}

static void done(struct quoted *x)
{
    results_free(x->r);
    x->m->contract = NULL;
    quote_free(x->c);
    model_free(x->m);
    tu_rmdir(x->dir);
}

/* The incremental cost over the term on every path (the company is
 * certain, so the plan, the mean and every percentile agree). */
static void assert_cost(const struct quoted *x, double cost)
{
    const struct quote_row *row = &x->q.row[QM_COST_TERM];
    assert_close(row->plan, cost, 1e-9 * cost);
    assert_close(row->mean, cost, 1e-9 * cost);
    assert_close(row->q[2], cost, 0.004 * cost); /* a percentile is a histogram bin's middle */
}

/* 10 customers for 3 months from month 2: storage 5 x 10 = 50 a month, and
 * the plan's exports feature 2 x 10 = 20 a month; 14 customers need 3
 * database blocks where 4 needed 1 (+600) and 2 support people where 4
 * needed 1 (+3000).  Revenue 10 x 100 x 0.9 x 3 = 2700. */
static void per_customer_step_and_ratio_by_hand(void **state)
{
    (void)state;
    struct quoted x;
    quote(&x, "setting,value\ncustomers,10\nplan,a\nprice,100\nterm,3\nstart,2\ndiscount,10%\n", 200);
    assert_cost(&x, 3 * (50 + 20 + 600 + 3000));
    assert_close(x.q.row[QM_COST_MONTH].mean, 3670, 1e-9);
    assert_close(x.q.row[QM_REVENUE_TERM].mean, 2700, 1e-9);
    assert_close(x.q.row[QM_PROFIT_TERM].mean, 2700 - 11010, 1e-6);
    assert_close(x.q.row[QM_MARGIN].mean, (2700 - 11010) / 2700.0, 1e-12);
    assert_close(x.q.row[QM_PROB_LOSS].mean, 1, 0);
    /* the price that gives 60%: cost / (10 x 0.9 x 3 x 0.4) */
    assert_close(x.q.row[QM_REQUIRED_PRICE].mean, 11010 / 10.8, 1e-9);
    assert_close(x.q.row[QM_FLOOR_PRICE].mean, 11010 / 10.8, 0.004 * 11010 / 10.8);
    assert_close(x.q.row[QM_HEADROOM].mean, (100 - x.q.row[QM_FLOOR_PRICE].mean) / 100, 1e-12);
    done(&x);
}

/* No customers: only what the contract costs in itself.  sso (on plan b,
 * not the contract's a) is built for it: 2 person-months of the founder
 * (10000 a month) over months 1 and 2, then 100 a month in months 3 and 4;
 * 1 person-month of custom work in month 1 (10000); 20 hours of support a
 * month at 3000 / 160; onboarding 2500.  No cost line of the company moves. */
static void a_contract_without_customers_costs_its_fixed_parts(void **state)
{
    (void)state;
    struct quoted x;
    quote(&x,
          "setting,value\ncustomers,0\nplan,a\nprice,100\nterm,4\nfeatures,sso;exports\ncustom_effort,1\n"
          "effort_role,founder\nsupport_hours,20\nsupport_role,support\nonboarding,2500\n",
          100);
    assert_int_equal(x.c->nbuilt, 1); /* exports is on plan a already */
    assert_cost(&x, 20000 + 2 * 100 + 10000 + 4 * 20 * 3000 / 160.0 + 2500);
    assert_true(isnan(x.q.row[QM_MARGIN].mean)); /* no revenue */
    assert_true(isnan(x.q.row[QM_FLOOR_PRICE].mean));
    done(&x);
}

/* An uncertain contract: the mean incremental cost is within Monte Carlo
 * error of its expectation (support hours uniform on 10 to 30: 20 on
 * average), and the floor price, fed back as the price, reaches the
 * target margin with the target confidence: its P10 margin is the target. */
static void the_floor_price_reaches_the_margin_with_the_confidence(void **state)
{
    (void)state;
    struct quoted x;
#define TERMS "setting,value\ncustomers,10\nplan,a\nprice,%.17g\nterm,3\nstart,2\n" \
              "support_hours,\"uniform(10, 30)\"\nsupport_role,support\n"
    char contract[512];
    snprintf(contract, sizeof contract, TERMS, 100.0);
    quote(&x, contract, 20000);
    const double expected = 3 * (50 + 20 + 600 + 3000) + 3 * 20 * 3000 / 160.0;
    assert_close(x.q.row[QM_COST_TERM].mean, expected, 4 * x.q.row[QM_COST_TERM].mc_se);
    assert_close(x.q.row[QM_COST_TERM].plan, expected, 1e-9);
    const double floor_price = x.q.row[QM_FLOOR_PRICE].mean;
    done(&x);
    snprintf(contract, sizeof contract, TERMS, floor_price);
#undef TERMS
    quote(&x, contract, 20000);
    /* the cost's P90 is the floor's, so the margin's P10 is the target (to
     * the histogram's 0.39% of the cost) */
    const double cost90 = x.q.row[QM_COST_TERM].q[3];
    assert_close(x.q.row[QM_MARGIN].q[1], 0.6, 0.004 * cost90 / x.q.row[QM_REVENUE_TERM].mean);
    assert_close(x.q.row[QM_HEADROOM].mean, 0, 1e-9);
    done(&x);
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(per_customer_step_and_ratio_by_hand),
        cmocka_unit_test(a_contract_without_customers_costs_its_fixed_parts),
        cmocka_unit_test(the_floor_price_reaches_the_margin_with_the_confidence),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
