/*
 * test_month.c - the monthly model (models/month.c) and its lines, against
 * figures worked out by hand.
 *
 * The model is built in memory, row structs filled as the loaders would
 * fill them, so these tests see the domain alone: each kind of line priced
 * in a month (driver, step, ceiling, escalation, ratio, lag, raise, build
 * and run), one whole month's figures, and a path's summary and line
 * totals over a short horizon.
 */
#include "testutil.h"

#include "models/category.h"
#include "models/month.h"

#define TOL 1e-9

/* Names for the rows (their fields are not const: loaders own them). */
static char x_[] = "x", basic_[] = "basic", pro_[] = "pro", founder_[] = "founder", support_[] = "support",
            ops_[] = "ops", reports_[] = "reports", csm_[] = "csm", cto_[] = "cto", sso_[] = "sso";

/* ---- lines, one at a time ---- */

static struct infra_line line_of(int driver, double cost, double step, int from, int to)
{
    return (struct infra_line){ .item = x_, .driver = driver, .cost = dist_const(cost, RANGE_NONNEG), .step = step,
                                .category = CAT_COGS, .from = from, .to = to,
                                .escalation = dist_const(0, RANGE_CHANGE) };
}

static void infra_lines_by_driver(void **state)
{
    (void)state;
    struct infra_line fixed = line_of(DRIVER_FIXED, 420, 0, 1, 36);
    struct infra_line per = line_of(DRIVER_PER_CUSTOMER, 22, 0, 1, 36);
    struct infra_line step = line_of(DRIVER_STEP, 280, 25, 3, 12);
    /* fixed: the amount whatever the customers */
    assert_close(infra_cost(&fixed, 420, 5, 0), 420, TOL);
    assert_close(infra_cost(&fixed, 420, 5, 1000), 420, TOL);
    /* per customer: 22 x 57 = 1254 */
    assert_close(infra_cost(&per, 22, 5, 57), 1254, TOL);
    /* step of 25: 60 customers need ceil(60 / 25) = 3 blocks, 50 exactly 2,
     * 0 still 1 (at least one block) */
    assert_close(infra_cost(&step, 280, 5, 60), 840, TOL);
    assert_close(infra_cost(&step, 280, 5, 50), 560, TOL);
    assert_close(infra_cost(&step, 280, 5, 0), 280, TOL);
    /* a sum of fractions a hair above a whole number of blocks is that
     * number: 0.1 x 3 x 25 customers is 75.00000000000001 */
    assert_close(infra_cost(&step, 280, 5, (0.1 + 0.1 + 0.1) * 250), 840, TOL);
    /* outside from..to: nothing */
    assert_close(infra_cost(&step, 280, 2, 60), 0, 0);
    assert_close(infra_cost(&step, 280, 13, 60), 0, 0);
}

static void escalation_in_whole_years(void **state)
{
    (void)state;
    struct infra_draw d = { 1000, 1.1 }; /* 10% a year */
    assert_close(infra_amount(&d, 1), 1000, TOL);
    assert_close(infra_amount(&d, 12), 1000, TOL);
    assert_close(infra_amount(&d, 13), 1100, TOL);
    assert_close(infra_amount(&d, 24), 1100, TOL);
    assert_close(infra_amount(&d, 25), 1210, TOL);
    struct role_draw r = { 10000, 0.97 }; /* a 3% cut */
    assert_close(staff_rate(&r, 37), 10000 * 0.97 * 0.97 * 0.97, TOL);
}

static void heads_by_ratio_and_lag(void **state)
{
    (void)state;
    struct role csm = { .name = csm_, .headcount = 1, .per_customers = 40, .lag = 2, .from = 1, .to = 36 };
    struct role cto = { .name = cto_, .headcount = 1, .per_customers = NAN, .from = 4, .to = 36 };
    /* max(1, ceil(C / 40)): 0 customers still 1 person, 81 need 3 */
    assert_close(staff_heads(&csm, 5, 0), 1, 0);
    assert_close(staff_heads(&csm, 5, 81), 3, 0);
    assert_close(staff_heads(&csm, 5, 80), 2, 0);
    /* the lag: month 5 reads month 3's customers, month 1 the start's */
    assert_int_equal(staff_lag_month(&csm, 5), 3);
    assert_int_equal(staff_lag_month(&csm, 1), 0);
    /* a role of fixed headcount, staffed from month 4 */
    assert_close(staff_heads(&cto, 3, 500), 0, 0);
    assert_close(staff_heads(&cto, 4, 500), 1, 0);
    /* 2 people at 170000 / 12 x 1.25 a month */
    struct role_draw d = { 170000.0 / 12 * 1.25, 1.03 };
    assert_close(staff_cost(2, staff_rate(&d, 1)), 2 * 170000.0 / 12 * 1.25, TOL);
    assert_close(staff_cost(2, staff_rate(&d, 13)), 2 * 170000.0 / 12 * 1.25 * 1.03, TOL);
}

static void feature_build_and_run(void **state)
{
    (void)state;
    unsigned char on[2] = { 0, 1 };
    struct feature sso = { .name = sso_, .from = 2, .build_months = 2, .role = 0, .all_plans = 0, .on_plan = on };
    struct feature_draw d = { .effort = 3, .run = 100, .run_per_customer = 2 };
    /* 3 person-months over 2 months at 10000 a month: 15000 in months 2 and 3 */
    assert_close(features_build_cost(&sso, &d, 1, 10000), 0, 0);
    assert_close(features_build_cost(&sso, &d, 2, 10000), 15000, TOL);
    assert_close(features_build_cost(&sso, &d, 3, 10000), 15000, TOL);
    assert_close(features_build_cost(&sso, &d, 4, 10000), 0, 0);
    /* it runs from month 4, on plan 1 only: 100 + 2 x 7 */
    const double customers[2] = { 50, 7 };
    assert_close(features_customers(&sso, customers, 2), 7, 0);
    assert_close(features_run_cost(&sso, &d, 3, 7), 0, 0);
    assert_close(features_run_cost(&sso, &d, 4, 7), 114, TOL);
}

/* ---- a small company, month by month ---- */

/*
 * Two plans (basic 100 with 10 customers, pro 500 with 2); infra: hosting
 * fixed 1000 cogs, storage 5 per customer cogs, database 300 a block of 5
 * customers (rnd); staff: founder 1 person at 6000 a month (ga), support 1
 * per 4 customers, lag 1, at 3000 a month (cogs), ops 1 person at 2000 a
 * month of category cogs (a fixed role in COGS); feature reports: effort 2
 * person-months over 2 months by the founder from month 1, running from
 * month 3 at 50 a month plus 1 a customer of pro.
 */
struct company {
    struct plan plans[2];
    struct infra_line infra[3];
    struct role roles[3];
    struct feature features[1];
    unsigned char on_plan[2];
    struct month_model mm;
    size_t index[7];
    double price[2], amount[3], rate[3];
    struct feature_draw fd[1];
    struct month_values v;
};

static void company(struct company *c, int horizon)
{
    memset(c, 0, sizeof *c);
    c->plans[0] = (struct plan){ .name = basic_, .price = dist_const(100, RANGE_NONNEG), .customers = 10, .mix = 1 };
    c->plans[1] = (struct plan){ .name = pro_, .price = dist_const(500, RANGE_NONNEG), .customers = 2, .mix = 0 };
    c->infra[0] = line_of(DRIVER_FIXED, 1000, 0, 1, horizon);
    c->infra[1] = line_of(DRIVER_PER_CUSTOMER, 5, 0, 1, horizon);
    c->infra[2] = line_of(DRIVER_STEP, 300, 5, 1, horizon);
    c->infra[2].category = CAT_RND;
    c->roles[0] = (struct role){ .name = founder_, .headcount = 1, .per_customers = NAN, .category = CAT_GA,
                                 .from = 1, .to = horizon };
    c->roles[1] = (struct role){ .name = support_, .headcount = 0, .per_customers = 4, .lag = 1,
                                 .category = CAT_COGS, .from = 1, .to = horizon };
    c->roles[2] = (struct role){ .name = ops_, .headcount = 1, .per_customers = NAN, .category = CAT_COGS,
                                 .from = 1, .to = horizon };
    c->on_plan[1] = 1;
    c->features[0] = (struct feature){ .name = reports_, .from = 1, .build_months = 2, .role = 0,
                                       .on_plan = c->on_plan, .effort = dist_const(2, RANGE_NONNEG),
                                       .run_cost = dist_const(50, RANGE_NONNEG),
                                       .run_cost_per_customer = dist_const(1, RANGE_NONNEG) };
    c->mm = (struct month_model){ .horizon = horizon, .cash = 100000, .min_cash = 0, .plans = c->plans, .nplans = 2,
                                  .infra = c->infra, .ninfra = 3, .roles = c->roles, .nroles = 3,
                                  .features = c->features, .nfeatures = 1 };
    month_index(&c->mm, c->index);
    c->price[0] = 100;
    c->price[1] = 500;
    c->amount[0] = 1000;
    c->amount[1] = 5;
    c->amount[2] = 300;
    c->rate[0] = 6000;
    c->rate[1] = 3000;
    c->rate[2] = 2000;
    c->fd[0] = (struct feature_draw){ 2, 50, 1 };
    c->v = (struct month_values){ c->price, c->amount, c->rate, c->fd, NULL };
}

static void one_month_by_hand(void **state)
{
    (void)state;
    struct company c;
    company(&c, 12);
    double total[13] = { 12 }, total_sum[13] = { 0 }, plan_sum[26] = { 0 };
    struct month_history hist = { total, total_sum, plan_sum };
    struct month_tally t;
    month_tally_begin(&c.mm, &t);
    struct month_fixed fx;
    double unit[2], fig[MM_COUNT], lines[8 * LF_COUNT] = { 0 };
    /* month 3: the feature runs; 13 basic and 3 pro customers, 16 in all;
     * month 2 had 14 (support reads it) */
    total[1] = 13;
    total[2] = 14;
    month_fixed(&c.mm, &c.v, 3, &fx, unit);
    assert_close(fx.infra, 1000, TOL);
    assert_close(fx.unit, 5, TOL);
    assert_close(fx.staff, 6000 + 2000, TOL);
    assert_close(fx.staff_cogs, 2000, TOL);
    assert_close(fx.build, 0, 0); /* built in months 1 and 2 */
    assert_close(fx.run, 50, TOL);
    assert_close(unit[0], 0, 0);
    assert_close(unit[1], 1, TOL);
    const double customers[2] = { 13, 3 };
    month_close(&c.mm, &c.v, 3, &fx, unit, customers, &hist, 5, 1, 0, &t, fig, 1, lines);
    /* revenue 13 x 100 + 3 x 500 = 2800 */
    assert_close(fig[MM_REVENUE], 2800, TOL);
    assert_close(fig[MM_CUSTOMERS], 16, 0);
    /* infra: 1000 + 5 x 16 + 300 x ceil(16 / 5) = 1000 + 80 + 1200 */
    assert_close(fig[MM_COST_INFRA], 2280, TOL);
    /* staff: founder 6000, ops 2000, support ceil(14 / 4) = 4 at 3000 */
    assert_close(fig[MM_COST_STAFF], 20000, TOL);
    assert_close(fig[MM_HEADCOUNT], 6, 0);
    /* features: 50 + 1 x 3 pro customers */
    assert_close(fig[MM_COST_FEATURES], 53, TOL);
    assert_close(fig[MM_COST], 2280 + 20000 + 53, TOL);
    /* COGS: hosting 1000, storage 80, support 12000, ops 2000 (a fixed
     * role of category cogs counts too), the feature's run 53 */
    assert_close(fig[MM_COGS], 1000 + 80 + 12000 + 2000 + 53, TOL);
    assert_close(fig[MM_GROSS_MARGIN], (2800 - 15133) / 2800.0, TOL);
    assert_close(fig[MM_CPC], 22333 / 16.0, TOL);
    /* variable: storage 80, database 1200, support 12000, per-customer run 3 */
    assert_close(fig[MM_CPC_VARIABLE], (80 + 1200 + 12000 + 3) / 16.0, TOL);
    assert_close(fig[MM_CASH], 100000 + 2800 - 22333, TOL);
    assert_close(fig[MM_NEW_CUSTOMERS], 5, 0);
    assert_close(fig[MM_CHURNED], 1, 0);
    assert_close(total[3], 16, 0);
    /* the ledger's lines add up to the month's cost and revenue */
    double line_cost[8], revenue[2];
    month_ledger(&c.mm, &c.v, 3, customers, total, line_cost, revenue);
    const double want[8] = { 1000, 80, 1200, 6000, 12000, 2000, 0, 53 };
    double sum = 0;
    for (int l = 0; l < 8; l++) {
        assert_close(line_cost[l], want[l], TOL);
        sum += line_cost[l];
    }
    assert_close(sum, fig[MM_COST], TOL);
    assert_close(revenue[0] + revenue[1], fig[MM_REVENUE], TOL);
}

/* Twelve months at the plan's expectations, no arrivals and no churn:
 * every figure is constant but the build, so the totals are by hand. */
static void a_year_and_its_totals(void **state)
{
    (void)state;
    struct company c;
    company(&c, 12);
    double total[13], total_sum[13], plan_sum[26];
    struct month_history hist = { total, total_sum, plan_sum };
    total[0] = 12;
    total_sum[0] = plan_sum[0] = plan_sum[1] = 0;
    struct month_tally t;
    month_tally_begin(&c.mm, &t);
    double customers[2] = { 10, 2 }, lines[8 * LF_COUNT] = { 0 }, fig[MM_COUNT], summary[SM_COUNT];
    double amount_y[3], rate_y[3];
    memcpy(amount_y, c.amount, sizeof amount_y);
    memcpy(rate_y, c.rate, sizeof rate_y);
    for (int m = 1; m <= 12; m++) {
        struct month_fixed fx;
        double unit[2], in, gone;
        month_fixed(&c.mm, &c.v, m, &fx, unit);
        month_expect(&c.plans[0], customers[0], 0, 0, &in, &gone);
        customers[0] = month_flow(customers[0], gone, in, 0);
        month_close(&c.mm, &c.v, m, &fx, unit, customers, &hist, 0, 0, 0, &t, fig, 1, lines);
    }
    const struct month_years y = { amount_y, rate_y, c.fd, NULL };
    month_summary(&c.mm, &y, &hist, customers, &t, 0, lines, summary);
    /* revenue 10 x 100 + 2 x 500 = 2000 a month; costs: infra 1000 + 60 +
     * 300 x 3 = 1960; staff 6000 + 2000 + 3 x 3000 = 17000; build 6000
     * (2 person-months x 6000 / 2) in months 1 and 2; run 52 from month 3 */
    const double monthly = 1960 + 17000, cost = 12 * monthly + 2 * 6000 + 10 * 52;
    assert_close(summary[SM_CASH_FINAL], 100000 + 12 * 2000 - cost, 1e-6);
    assert_close(summary[SM_COST_FINAL], monthly + 52, TOL);
    assert_close(summary[SM_CPC_HORIZON], cost / (12 * 12.0), TOL);
    /* cash: 100000, then 77040 (month 1: 2000 - 18960 - 6000), 52080,
     * 35068 (month 3: the run's 52 instead of the build), 18056, 1044,
     * -15968 in month 6: the runway ends there; revenue never reaches cost */
    assert_close(summary[SM_RUNWAY], 6, 0);
    assert_close(summary[SM_MIN_CASH], 100000 + 12 * 2000 - cost, 1e-6);
    assert_close(summary[SM_BREAKEVEN], 13, 0);
    assert_close(summary[SM_DEFAULT_ALIVE], 0, 0);
    /* the lines' totals: a fixed line 12 x its amount; storage 5 x 12
     * customer-months a month; the step line 900 a month; the roles; the
     * build 12000; the run 10 x 50 + 1 x 2 pro customers x 10 months */
    const double want[8] = { 12000, 720, 10800, 72000, 108000, 24000, 12000, 520 };
    for (int l = 0; l < 8; l++) {
        assert_close(lines[l * LF_COUNT + LF_TOTAL], want[l], 1e-6);
        assert_close(lines[l * LF_COUNT + LF_CPC], want[l] / 144, 1e-9);
    }
    assert_close(lines[0 * LF_COUNT + LF_FINAL], 1000, TOL);
    assert_close(lines[6 * LF_COUNT + LF_FINAL], 0, 0);
    assert_close(lines[7 * LF_COUNT + LF_FINAL], 52, TOL);
}

/* month_changes marks every month whose customer-independent sums may
 * differ from the month before's, and month_fixed agrees with the month
 * before on every other month. */
static void unchanged_months_have_the_same_fixed_part(void **state)
{
    (void)state;
    struct company c;
    company(&c, 30);
    c.infra[0].from = 5;
    c.infra[0].to = 20;
    c.roles[0].from = 8;
    unsigned char changed[31];
    month_changes(&c.mm, changed);
    const int want[] = { 1, 3, 5, 8, 13, 21, 25 }; /* start, run, from, from, year 2, to + 1, year 3 */
    int k = 0;
    for (int m = 1; m <= 30; m++) {
        int expected = k < 7 && want[k] == m;
        assert_int_equal(changed[m], expected);
        k += expected;
    }
    struct month_fixed before, now;
    double unit_before[2], unit_now[2];
    month_fixed(&c.mm, &c.v, 1, &before, unit_before);
    for (int m = 2; m <= 30; m++) {
        month_fixed(&c.mm, &c.v, m, &now, unit_now);
        if (!changed[m]) {
            assert_memory_equal(&before, &now, sizeof now);
            assert_memory_equal(unit_before, unit_now, sizeof unit_now);
        }
        before = now;
        memcpy(unit_before, unit_now, sizeof unit_now);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(infra_lines_by_driver),
        cmocka_unit_test(escalation_in_whole_years),
        cmocka_unit_test(heads_by_ratio_and_lag),
        cmocka_unit_test(feature_build_and_run),
        cmocka_unit_test(one_month_by_hand),
        cmocka_unit_test(a_year_and_its_totals),
        cmocka_unit_test(unchanged_months_have_the_same_fixed_part),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
