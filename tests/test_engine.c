/*
 * test_engine.c - the monthly model and the Monte Carlo engine end to end:
 * the plan of a small model that touches every rule against figures worked
 * out by hand (the working of month 1 is below; the other months follow the
 * same steps and were checked with an independent script), Monte Carlo means
 * against the plan within 4 standard errors where theory says they agree,
 * P(cash out) of a model with a known answer, percentiles of a model with
 * known distributions (whole numbers for counts), common random numbers,
 * and identical results on any thread count.
 */
#include "testutil.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>

#include "sim/design.h"
#include "sim/engine.h"
#include "sim/model.h"
#include "sim/path.h"
#include "sim/simd.h"
#include "sim/stats.h"

/* Every rule at least once: mix, growth, churn, uncertain price and
 * arrivals, yearly escalation and raises (14 months), a step line with
 * from/to, a line starting at a YYYY-MM month, a role with a ratio and a lag,
 * a feature built over 3 months and run per customer on one plan, a deal
 * that slips and may be lost, and a funding round with a probability. */
static const char *hand_files[][2] = {
    { "company.csv", "setting,value\ncash,300000\nstart,2027-01\nmonths,14\n" },
    { "plans.csv", "plan,price,customers,mix\na,100,10,3\nb,\"uniform(300, 500)\",2,1\n" },
    { "scenarios.csv", "scenario,new_customers,growth,churn,deal_slip,deal_loss\ns,\"uniform(2, 6)\",10%,0.1,0.5,0.2\n" },
    { "infra.csv", "item,driver,cost,step,category,from,to,escalation\n"
                   "hosting,fixed,1000,,cogs,,,10%\n"
                   "storage,per_customer,5,,cogs,,,\n"
                   "database,step,300,5,cogs,2,12,\n"
                   "tools,fixed,200,,ga,2027-03,,\n" },
    { "staff.csv", "role,headcount,per_customers,lag,salary,overhead,raise,category\n"
                   "eng,2,,,120000,1.25,10%,rnd\n"
                   "support,1,8,2,48000,1,,cogs\n" },
    { "features.csv", "feature,plans,effort,role,from,build_months,run_cost,run_cost_per_customer\n"
                      "sso,b,3,eng,2,3,100,10\n" },
    { "pipeline.csv", "deal,month,customers,plan,probability\nbig,3,4,b,0.5\n" },
    { "funding.csv", "round,month,amount,probability\nseed,6,50000,0.5\n" },
};

static struct results *run(const struct model *m, uint64_t paths, uint64_t seed, int threads)
{
    size_t scen[8];
    for (size_t i = 0; i < m->nscenarios; i++)
        scen[i] = i;
    struct run_options o = { .seed = seed, .paths = paths, .threads = threads, .scenarios = scen,
                             .nscenarios = m->nscenarios };
    struct results *r = NULL;
    assert_int_equal(engine_run(m, &o, &r), ST_OK);
    return r;
}

static const struct stat_row *monthly(const struct results *r, size_t s, int month, int metric)
{
    return &r->monthly[(s * (size_t)r->months + (size_t)(month - 1)) * MM_COUNT + (size_t)metric];
}

static void check_plan_month(const struct results *r, int m, double customers, double revenue, double cost,
                             double infra, double staff, double feat, double cogs, double cash, double heads)
{
    assert_close(monthly(r, 0, m, MM_CUSTOMERS)->plan, customers, 1e-9 * customers);
    assert_close(monthly(r, 0, m, MM_REVENUE)->plan, revenue, 1e-9 * revenue);
    assert_close(monthly(r, 0, m, MM_COST)->plan, cost, 1e-9 * cost);
    assert_close(monthly(r, 0, m, MM_COST_INFRA)->plan, infra, 1e-9 * infra);
    assert_close(monthly(r, 0, m, MM_COST_STAFF)->plan, staff, 1e-9 * staff);
    assert_close(monthly(r, 0, m, MM_COST_FEATURES)->plan, feat, 1e-9 * (feat + 1));
    assert_close(monthly(r, 0, m, MM_COGS)->plan, cogs, 1e-9 * cogs);
    assert_close(monthly(r, 0, m, MM_CASH)->plan, cash, 1e-9 * fabs(cash));
    assert_close(monthly(r, 0, m, MM_HEADCOUNT)->plan, heads, 0);
}

static void plan_matches_hand_figures(void **state)
{
    (void)state;
    char *dir;
    struct model *m = tu_model(hand_files, sizeof hand_files / sizeof hand_files[0], &dir);
    struct results *r = run(m, 256, 1, 1);
    /* month 1: lambda = 4 (mean of uniform(2, 6)), split 3 to a and 1 to b;
     * churn 10% of 10 and 2: C_a = 10 - 1 + 3 = 12, C_b = 2 - 0.2 + 1 = 2.8.
     * revenue 12 * 100 + 2.8 * 400 = 2320 (price b at its mean 400).
     * infra: hosting 1000 + storage 5 * 14.8 = 1074 (database from 2, tools from 3).
     * staff: eng 2 * 120000 / 12 * 1.25 = 25000; support max(1, ceil(C(0) / 8))
     * = ceil(12 / 8) = 2 people at 4000 = 8000; 33000 in all.
     * cost 34074; COGS 1074 + 8000 = 9074; cash 300000 + 2320 - 34074 = 268246. */
    check_plan_month(r, 1, 14.8, 2320, 34074, 1074, 33000, 0, 9074, 268246, 4);
    assert_close(monthly(r, 0, 1, MM_NEW_CUSTOMERS)->plan, 4, 1e-12);
    assert_close(monthly(r, 0, 1, MM_CHURNED)->plan, 1.2, 1e-12);
    assert_close(monthly(r, 0, 1, MM_CPC_VARIABLE)->plan, 545.540540541, 1e-6);
    /* month 3: deal due, 0.8 expected; tools from 2027-03; build 12500 */
    check_plan_month(r, 3, 21.588, 3739.2, 48307.94, 2807.94, 33000, 12500, 10607.94, 178746.66, 4);
    assert_close(monthly(r, 0, 3, MM_NEW_CUSTOMERS)->plan, 5.64, 1e-9);
    /* month 5: build over, run 100 + 10 * C_b; support lags two months */
    check_plan_month(r, 5, 28.69428, 5116.152, 40318.3622, 3143.4714, 37000, 174.8908, 15118.3622, 95375.6638, 5);
    /* month 9: first month with cash below 0 */
    check_plan_month(r, 9, 45.000558708, 7970.5896072, 49640.6872514, 4425.00279354, 45000, 215.68445788,
                     24440.6872514, -40813.148905, 7);
    /* month 13: second year: hosting 1100, eng rate 12500 * 1.1 = 13750, the
     * step line ended with month 12 */
    check_plan_month(r, 13, 67.6385762549, 11901.4899114, 57409.4472908, 1638.19288127, 55500, 271.254409531,
                     29709.4472908, -223607.618034, 9);
    check_plan_month(r, 14, 74.684194112, 13128.0870204, 61462.0765575, 1673.42097056, 59500, 288.655586972,
                     33762.0765575, -271941.607571, 10);
    assert_close(monthly(r, 0, 14, MM_GROSS_MARGIN)->plan, -1.57174381196, 1e-9);
    assert_close(monthly(r, 0, 14, MM_CPC)->plan, 822.95962738, 1e-6);

    const struct stat_row *s = r->summary;
    assert_close(s[SM_RUNWAY].plan, 9, 0);
    assert_true(isnan(s[SM_BREAKEVEN].plan)); /* beyond the horizon: left empty */
    assert_close(s[SM_PROB_CASH_OUT].plan, 1, 0);
    assert_close(s[SM_DEFAULT_ALIVE].plan, 0, 0);
    assert_close(s[SM_MIN_CASH].plan, -271941.607571, 1e-5);
    assert_close(s[SM_FUNDING_NEED].plan, 271941.607571, 1e-5);
    assert_close(s[SM_CPC_HORIZON].plan, 1221.38423673, 1e-6);
    assert_close(s[SM_HEADCOUNT_FINAL].plan, 10, 0);
    results_free(r);
    model_free(m);
    tu_rmdir(dir);
}

/* With constant growth, churn and deal odds, E[C(m)] and E[revenue(m)]
 * follow the same linear recurrence as the plan, so the Monte Carlo means
 * must agree with it within a few standard errors. */
static void monte_carlo_means_match_the_plan(void **state)
{
    (void)state;
    char *dir;
    struct model *m = tu_model(hand_files, sizeof hand_files / sizeof hand_files[0], &dir);
    struct results *r = run(m, 20000, 7, 2);
    for (int mo = 1; mo <= r->months; mo++) {
        int metrics[] = { MM_CUSTOMERS, MM_REVENUE, MM_NEW_CUSTOMERS, MM_CHURNED };
        for (size_t k = 0; k < 4; k++) {
            const struct stat_row *row = monthly(r, 0, mo, metrics[k]);
            double se = row->sd / sqrt((double)row->n);
            assert_int_equal(row->n, 20000);
            if (fabs(row->mean - row->plan) > 4 * se)
                fail_msg("month %d metric %d: mean %g, plan %g, se %g", mo, metrics[k], row->mean, row->plan, se);
        }
    }
    results_free(r);
    model_free(m);
    tu_rmdir(dir);
}

/* No revenue, a fixed cost C ~ uniform(0, 200) a month, cash 1000, 12
 * months: cash(m) = 1000 - m C < 0 iff C > 1000 / m, so
 * P(runway <= m) = max(0, 1 - 5 / m). */
static const char *cashout_files[][2] = {
    { "company.csv", "setting,value\ncash,1000\nstart,2027-01\nmonths,12\n" },
    { "plans.csv", "plan,price\nonly,0\n" },
    { "scenarios.csv", "scenario,new_customers\nnone,0\n" },
    { "infra.csv", "item,cost\nrent,\"uniform(0, 200)\"\n" },
    { "staff.csv", "role,salary\nnobody,0\n" },
};

static void prob_cash_out_has_its_known_value(void **state)
{
    (void)state;
    char *dir;
    struct model *m = tu_model(cashout_files, 5, &dir);
    const uint64_t n = 40000;
    struct results *r = run(m, n, 3, 2);
    for (int mo = 1; mo <= 12; mo++) {
        double p = mo <= 5 ? 0 : 1 - 5.0 / mo;
        double se = sqrt(p * (1 - p) / (double)n);
        double got = r->cash_out_by_month[mo - 1];
        if (fabs(got - p) > 4 * se + 1e-12)
            fail_msg("month %d: P(cash out) %g, expected %g (se %g)", mo, got, p, se);
    }
    const struct stat_row *out = &r->summary[SM_PROB_CASH_OUT];
    assert_close(out->mean, r->cash_out_by_month[11], 1e-15);
    assert_true(fabs(out->mean - 7.0 / 12) < 4 * out->mc_se);
    /* the plan: cost 100 a month, cash 1000 - 100 m never below 0 in 12 months?
     * 1000 - 1200 < 0 at m = 11 */
    assert_close(r->summary[SM_RUNWAY].plan, 11, 0);
    results_free(r);
    model_free(m);
    tu_rmdir(dir);
}

/* Twelve arrivals a month on average, no churn, split over three plans
 * 1 : 2 : 1, of which the first two pay 1 a month: month 1's new customers
 * are Poisson(12) and its revenue, the arrivals on the first two plans,
 * Poisson(9).  Both means and both variances match within 4 standard
 * errors (the variance of a Poisson(L) sample's variance is about
 * (2 L^2 + L) / n); a split that drew the wrong shares, or plans that were
 * not independent Poisson counts, would move one of them. */
static const char *split_files[][2] = {
    { "company.csv", "setting,value\ncash,1000\nstart,2027-01\nmonths,1\n" },
    { "plans.csv", "plan,price,customers,mix\na,1,0,1\nb,1,0,2\nc,0,0,1\n" },
    { "scenarios.csv", "scenario,new_customers,churn\ns,12,0\n" },
    { "infra.csv", "item,cost\nrent,0\n" },
    { "staff.csv", "role,salary\nnobody,0\n" },
};

static void arrivals_split_over_plans_by_mix(void **state)
{
    (void)state;
    char *dir;
    struct model *m = tu_model(split_files, 5, &dir);
    const double n = 40000;
    struct results *r = run(m, (uint64_t)n, 11, 2);
    const struct { int metric; double mean; } want[] = { { MM_NEW_CUSTOMERS, 12 }, { MM_REVENUE, 9 } };
    for (size_t k = 0; k < 2; k++) {
        const struct stat_row *row = monthly(r, 0, 1, want[k].metric);
        double L = want[k].mean, var = row->sd * row->sd;
        if (fabs(row->mean - L) > 4 * sqrt(L / n))
            fail_msg("metric %d: mean %g, expected %g", want[k].metric, row->mean, L);
        if (fabs(var - L) > 4 * sqrt((2 * L * L + L) / n))
            fail_msg("metric %d: variance %g, expected %g", want[k].metric, var, L);
    }
    results_free(r);
    model_free(m);
    tu_rmdir(dir);
}

/* One month of Poisson(180) arrivals and nothing else: customers,
 * new_customers and customers_final are Poisson(180), and a role of one
 * person per 10 customers has ceil(C / 10) people.  Each reported
 * percentile Q of probability q, read from the histograms, is a whole
 * number that is a type-1 quantile of n draws (F_n(Q) >= q > F_n(Q - 1)),
 * so, with F_n within 4 standard errors of the true F, F(Q) >= q - 4 se and
 * F(Q - 1) <= q + 4 se; and the seven come in percentile order. */
static const char *poisson_files[][2] = {
    { "company.csv", "setting,value\ncash,1000000\nstart,2027-01\nmonths,1\n" },
    { "plans.csv", "plan,price\nonly,100\n" },
    { "scenarios.csv", "scenario,new_customers\ns,180\n" },
    { "infra.csv", "item,cost\nrent,1000\n" },
    { "staff.csv", "role,headcount,per_customers,salary\nops,0,10,60000\n" },
};

/* P(X <= x) for X the customers (PER 1) or heads (PER 10) of that model. */
static double poisson_model_cdf(double x, double per)
{
    return x < 0 ? 0 : gsl_cdf_poisson_P((unsigned)(x * per), 180);
}

static void assert_type1_quantiles(const struct stat_row *row, double per, const char *what)
{
    assert_int_equal(row->n, 20000);
    for (int k = 0; k < Q_COUNT; k++) {
        double q = engine_quantiles[k], got = row->q[k], se = sqrt(q * (1 - q) / (double)row->n);
        if (got != floor(got) || (k > 0 && got < row->q[k - 1]))
            fail_msg("%s: P%g = %.10g: not whole, or below the percentile before", what, 100 * q, got);
        double at = poisson_model_cdf(got, per), below = poisson_model_cdf(got - 1, per);
        if (at < q - 4 * se || below > q + 4 * se)
            fail_msg("%s: P%g = %g, but F(P) = %g and F(P - 1) = %g (se %g)", what, 100 * q, got, at, below, se);
    }
}

static void percentiles_are_quantiles_of_the_draws(void **state)
{
    (void)state;
    char *dir;
    struct model *m = tu_model(poisson_files, 5, &dir);
    struct results *r = run(m, 20000, 3, 2);
    assert_type1_quantiles(monthly(r, 0, 1, MM_CUSTOMERS), 1, "customers");
    assert_type1_quantiles(monthly(r, 0, 1, MM_NEW_CUSTOMERS), 1, "new_customers");
    assert_type1_quantiles(&r->summary[SM_CUSTOMERS_FINAL], 1, "customers_final");
    assert_type1_quantiles(monthly(r, 0, 1, MM_HEADCOUNT), 10, "headcount");
    assert_type1_quantiles(&r->summary[SM_HEADCOUNT_FINAL], 10, "headcount_final");
    results_free(r);
    model_free(m);
    tu_rmdir(dir);
    /* staff.csv's headcount is a number, not a count: with a role of 1.5
     * people, heads are 1.5 + ceil(C / 10), and their percentiles are read
     * as any other figure's (within 1 / (2 * HIST_SUB) of some k + 1.5),
     * not made whole */
    const char *fractional[5][2];
    memcpy(fractional, poisson_files, sizeof fractional);
    fractional[4][1] = "role,headcount,per_customers,salary\nops,0,10,60000\nlead,1.5,,90000\n";
    m = tu_model(fractional, 5, &dir);
    r = run(m, 20000, 3, 2);
    const struct stat_row *rows[] = { monthly(r, 0, 1, MM_HEADCOUNT), &r->summary[SM_HEADCOUNT_FINAL] };
    for (size_t i = 0; i < 2; i++)
        for (int k = 0; k < Q_COUNT; k++) {
            double got = rows[i]->q[k], heads = round(got - 1.5) + 1.5;
            if (got == floor(got) || fabs(got - heads) > heads / (2.0 * HIST_SUB))
                fail_msg("headcount with a role of 1.5: P%g = %.10g", 100 * engine_quantiles[k], got);
        }
    results_free(r);
    model_free(m);
    tu_rmdir(dir);
}

static int same_results(const struct results *a, const struct results *b)
{
    size_t nm = a->nscenarios * (size_t)a->months * MM_COUNT;
    return !memcmp(a->monthly, b->monthly, nm * sizeof *a->monthly) &&
           !memcmp(a->summary, b->summary, a->nscenarios * SM_COUNT * sizeof *a->summary) &&
           !memcmp(a->line_mean, b->line_mean, a->nscenarios * a->nlines * LF_COUNT * sizeof *a->line_mean) &&
           !memcmp(a->cash_out_by_month, b->cash_out_by_month,
                   a->nscenarios * (size_t)a->months * sizeof *a->cash_out_by_month);
}

static void results_do_not_depend_on_threads(void **state)
{
    (void)state;
    char *dir;
    struct model *m = tu_model(hand_files, sizeof hand_files / sizeof hand_files[0], &dir);
    struct results *r1 = run(m, 3000, 11, 1), *r2 = run(m, 3000, 11, 2), *r3 = run(m, 3000, 11, 3);
    assert_true(same_results(r1, r2));
    assert_true(same_results(r1, r3));
    struct results *other = run(m, 3000, 12, 2);
    assert_false(same_results(r1, other));
    results_free(r1);
    results_free(r2);
    results_free(r3);
    results_free(other);
    model_free(m);
    tu_rmdir(dir);
}

/* costs.csv's promise: the lines' contributions to cost per customer add up
 * to the mean of cpc_horizon, their totals to the mean total cost, and
 * their final months to the mean cost of the final month (lines priced
 * once per path and lines priced month by month alike). */
static void cost_lines_add_up(void **state)
{
    (void)state;
    char *dir;
    struct model *m = tu_model(hand_files, sizeof hand_files / sizeof hand_files[0], &dir);
    struct results *r = run(m, 2000, 3, 2);
    double cpc = 0, total = 0, final = 0, monthly_cost = 0;
    for (size_t l = 0; l < r->nlines; l++) {
        cpc += r->line_mean[l * LF_COUNT + LF_CPC];
        total += r->line_mean[l * LF_COUNT + LF_TOTAL];
        final += r->line_mean[l * LF_COUNT + LF_FINAL];
    }
    for (int mo = 1; mo <= r->months; mo++)
        monthly_cost += monthly(r, 0, mo, MM_COST)->mean;
    assert_close(cpc, r->summary[SM_CPC_HORIZON].mean, 1e-9 * cpc);
    assert_close(total, monthly_cost, 1e-9 * total);
    assert_close(final, monthly(r, 0, r->months, MM_COST)->mean, 1e-9 * final);
    assert_close(final, r->summary[SM_COST_FINAL].mean, 1e-9 * final);
    results_free(r);
    model_free(m);
    tu_rmdir(dir);
}

/* A run extended in steps (as --precision does) equals one run of as many
 * paths, and the worst error shrinks as paths are added. */
static void extending_a_run_equals_one_run(void **state)
{
    (void)state;
    char *dir;
    struct model *m = tu_model(hand_files, sizeof hand_files / sizeof hand_files[0], &dir);
    size_t scen[1] = { 0 };
    struct run_options o = { .seed = 9, .paths = 5000, .threads = 2, .scenarios = scen, .nscenarios = 1 };
    enum status st;
    struct engine *e = engine_new(m, &o, &st);
    assert_non_null(e);
    assert_int_equal(engine_extend(e, 1000), ST_OK);
    assert_int_equal(engine_paths(e), 1024); /* whole chunks until the last step */
    struct results *early = NULL, *late = NULL;
    assert_int_equal(engine_collect(e, &early), ST_OK);
    assert_int_equal(engine_extend(e, 5000), ST_OK);
    assert_int_equal(engine_collect(e, &late), ST_OK);
    size_t s;
    int k;
    double before = results_worst_error(early, m->cash, &s, &k), after = results_worst_error(late, m->cash, &s, &k);
    assert_true(after < before);
    struct results *whole = run(m, 5000, 9, 1);
    assert_true(same_results(late, whole));
    results_free(early);
    results_free(late);
    results_free(whole);
    engine_free(e);
    model_free(m);
    tu_rmdir(dir);
}

/* Latin hypercube and Sobol designs stay unbiased, their block standard
 * errors are honest (the known answer lies within 4 of them) and smaller
 * than plain Monte Carlo's, and they do not depend on the thread count. */
static void designs_are_unbiased_and_sharper(void **state)
{
    (void)state;
    char *dir;
    struct model *m = tu_model(cashout_files, 5, &dir);
    size_t scen[1] = { 0 };
    double mc_se = 0;
    for (int sampling = SAMPLING_MC; sampling <= SAMPLING_SOBOL; sampling++) {
        struct run_options o = { .seed = 4, .paths = 16384, .threads = 2, .scenarios = scen, .nscenarios = 1,
                                 .sampling = sampling };
        struct results *r = NULL, *r1 = NULL;
        assert_int_equal(engine_run(m, &o, &r), ST_OK);
        const struct stat_row *out = &r->summary[SM_PROB_CASH_OUT];
        if (fabs(out->mean - 7.0 / 12) > 4 * out->mc_se)
            fail_msg("%s: P(cash out) %g, expected %g, se %g", sampling_names[sampling], out->mean, 7.0 / 12,
                     out->mc_se);
        if (sampling == SAMPLING_MC)
            mc_se = out->mc_se;
        else
            assert_true(out->mc_se < mc_se / 4); /* one uncertain cell: stratification all but removes the noise */
        o.threads = 1;
        assert_int_equal(engine_run(m, &o, &r1), ST_OK);
        assert_true(same_results(r, r1));
        results_free(r);
        results_free(r1);
    }
    model_free(m);
    tu_rmdir(dir);
}

/* Two scenarios written alike draw alike, path by path. */
static void scenarios_share_random_numbers(void **state)
{
    (void)state;
    const char *files[8][2];
    memcpy(files, hand_files, sizeof files);
    files[2][1] = "scenario,new_customers,growth,churn,deal_slip,deal_loss\n"
                  "s,\"uniform(2, 6)\",10%,0.1,0.5,0.2\n"
                  "t,\"uniform(2, 6)\",10%,0.1,0.5,0.2\n";
    char *dir;
    struct model *m = tu_model(files, 8, &dir);
    struct results *r = run(m, 1000, 5, 2);
    assert_memory_equal(r->summary, r->summary + SM_COUNT, SM_COUNT * sizeof *r->summary);
    assert_memory_equal(r->monthly, r->monthly + (size_t)r->months * MM_COUNT,
                        (size_t)r->months * MM_COUNT * sizeof *r->monthly);
    results_free(r);
    model_free(m);
    tu_rmdir(dir);
}

/* The lines the month loop prices with customers, in lane J of ROWS
 * ([month][figure][lane], N lanes), against their formulas applied to the
 * lane's customers one month at a time, in month order: the step lines
 * "database" (300 a block of 5, months 2..12) and "metering" (1e-12 a
 * block of 1.7e-13: customers over a step pass 4e15, where the vector
 * bodies hand the lane to infra_ceil), and the role "support" (4000 a
 * month, one per 8 customers two months before).  LINES: the lane's cost
 * lines (path_lines). */
static void assert_lines_priced_by_hand(const struct model *m, const double *rows, size_t n, size_t j,
                                        const double *lines)
{
    const size_t H = (size_t)m->cal.months, I = m->ninfra;
    const size_t steps[] = { 2, 3 };
    double total[3] = { 0, 0, 0 }, final[3] = { 0, 0, 0 };
    double start = 0;
    for (size_t i = 0; i < m->nplans; i++)
        start += m->plans[i].customers;
    for (int mo = 1; mo <= (int)H; mo++) {
        double c = rows[((size_t)(mo - 1) * MM_COUNT + MM_CUSTOMERS) * n + j];
        for (size_t k = 0; k < 2; k++) {
            const struct infra_line *l = &m->infra[steps[k]];
            if (mo < l->from || mo > l->to)
                continue;
            double v = dist_mean(&l->cost) * infra_blocks(l, c);
            total[k] += v;
            final[k] = mo == (int)H ? v : final[k];
        }
        int back = mo - 2;
        double lagged = back >= 1 ? rows[((size_t)(back - 1) * MM_COUNT + MM_CUSTOMERS) * n + j] : start;
        double v = staff_heads(&m->roles[1], mo, lagged) * 4000;
        total[2] += v;
        final[2] = mo == (int)H ? v : final[2];
    }
    const size_t line[3] = { steps[0], steps[1], I + 1 };
    assert_string_equal(m->infra[steps[0]].item, "database");
    assert_string_equal(m->infra[steps[1]].item, "metering");
    assert_string_equal(m->roles[1].name, "support");
    for (size_t k = 0; k < 3; k++) {
        assert_true(total[k] > 0);
        assert_memory_equal(&total[k], &lines[line[k] * LF_COUNT + LF_TOTAL], sizeof(double));
        assert_memory_equal(&final[k], &lines[line[k] * LF_COUNT + LF_FINAL], sizeof(double));
    }
}

/* A signed deal closes in its month with its customers, whatever the
 * scenario's slip, loss and delay, on every path and in the plan; an
 * unsigned one with the same terms is expected at (1 - loss)(1 - slip) in
 * its month, delayed by deal_delay.  No arrivals and no churn, so each
 * month's customers are the deals' alone. */
static const char *deal_files[][2] = {
    { "company.csv", "setting,value\ncash,100000\nstart,2027-01\nmonths,8\n" },
    { "plans.csv", "plan,price\na,100\n" },
    { "scenarios.csv", "scenario,new_customers,deal_slip,deal_loss,deal_delay\nhope,0,0.5,0.2,2\n"
                       "late,0,0,0,\"uniform(0, 4)\"\n" },
    { "infra.csv", "item,cost\nhosting,1000\n" },
    { "staff.csv", "role,salary\nfounder,60000\n" },
    { "pipeline.csv", "deal,month,customers,probability,signed\ninked,3,5,,yes\nhoped,3,10,1,no\n" },
};

static void signed_deals_and_delay(void **state)
{
    (void)state;
    char *dir;
    struct model *m = tu_model(deal_files, sizeof deal_files / sizeof deal_files[0], &dir);
    assert_int_equal(m->deals[0].is_signed, 1);
    assert_int_equal(m->deals[1].is_signed, 0);
    const uint64_t paths = 20000;
    struct results *r = run(m, paths, 3, 2);
    /* hope: the signed 5 from month 3 on, on every path and in the plan */
    for (int mo = 1; mo <= 8; mo++) {
        const double inked = mo >= 3 ? 5 : 0;
        /* the hoped-for 10, delayed 2 months to month 5, then slipping by
         * halves: 10 x 0.8 x (1 - 0.5^(k + 1)) by month 5 + k */
        const double hoped = mo >= 5 ? 10 * 0.8 * (1 - pow(0.5, mo - 5 + 1)) : 0;
        const struct stat_row *c = monthly(r, 0, mo, MM_CUSTOMERS);
        assert_close(c->plan, inked + hoped, 1e-12);
        assert_close(c->q[Q_P5], inked, 0); /* the signed deal is in every path */
        assert_close(c->mean, inked + hoped, 4 * c->mc_se + 1e-12);
    }
    /* late: a delay of uniform(0, 4) rounded to the nearest month is 0 to 4
     * with chances 1/8, 1/4, 1/4, 1/4, 1/8; the plan rounds its mean, 2 */
    const double by[5] = { 1.0 / 8, 3.0 / 8, 5.0 / 8, 7.0 / 8, 1 };
    for (int mo = 3; mo <= 8; mo++) {
        const struct stat_row *c = monthly(r, 1, mo, MM_CUSTOMERS);
        const double p = by[mo - 3 < 4 ? mo - 3 : 4];
        assert_close(c->plan, 5 + (mo >= 5 ? 10 : 0), 1e-12);
        assert_close(c->mean, 5 + 10 * p, 4 * sqrt(100 * p * (1 - p) / (double)paths) + 1e-12);
    }
    results_free(r);
    model_free(m);
    tu_rmdir(dir);
}

/* compare.csv's statistics: a scenario against a copy of itself differs by
 * exactly 0 on every path; on the example model, the Monte Carlo error of
 * a paired difference is smaller than that of two independent runs' means
 * (the scenarios share their random numbers), and prob_worse is the share
 * of paths on the worse side. */
static void comparisons_are_paired(void **state)
{
    (void)state;
    const char *files[8][2];
    memcpy(files, hand_files, sizeof files);
    files[2][1] = "scenario,new_customers,growth,churn,deal_slip,deal_loss\n"
                  "s,\"uniform(2, 6)\",10%,0.1,0.5,0.2\ncopy,\"uniform(2, 6)\",10%,0.1,0.5,0.2\n";
    char *dir;
    struct model *m = tu_model(files, 8, &dir);
    struct results *r = run(m, 1000, 9, 2);
    assert_int_equal(r->baseline, 0);
    for (size_t k = 0; k < CMP_COUNT; k++) {
        const struct stat_row *row = &r->compare[1 * r->ncompare + k];
        assert_true(row->n > 0);
        assert_true(row->mean == 0 && row->sd == 0 && row->mc_se == 0);
        for (int q = 0; q < Q_COUNT; q++)
            assert_true(row->q[q] == 0);
        assert_true(r->prob_worse[1 * r->ncompare + k] == 0);
    }
    results_free(r);
    model_free(m);
    tu_rmdir(dir);

    m = tu_load_model("data/saas");
    r = run(m, 4000, 5, 2);
    for (size_t s = 1; s < r->nscenarios; s++) {
        for (size_t k = 0; k < CMP_COUNT; k++) {
            const int metric = compare_metrics[k];
            const struct stat_row *diff = &r->compare[s * r->ncompare + k], *a = &r->summary[s * SM_COUNT + metric],
                                  *b = &r->summary[0 * SM_COUNT + metric];
            /* the mean difference is the difference of the means, up to the
             * paths where only one of the two is defined */
            if (a->n == r->paths && b->n == r->paths)
                assert_close(diff->mean, a->mean - b->mean, 1e-9 * (fabs(a->mean) + fabs(b->mean) + 1));
            const double independent = sqrt(a->mc_se * a->mc_se + b->mc_se * b->mc_se);
            if (metric == SM_CASH_FINAL || metric == SM_CUSTOMERS_FINAL || metric == SM_REVENUE_FINAL ||
                metric == SM_MIN_CASH)
                assert_true(diff->mc_se < independent);
            assert_true(r->prob_worse[s * r->ncompare + k] >= 0 && r->prob_worse[s * r->ncompare + k] <= 1);
        }
    }
    results_free(r);
    model_free(m);
}

/* Paths run side by side in lanes, their draws made together, give bit for
 * bit what each path gives run alone (path_simulate, one lane): every
 * monthly figure, the summary and the cost lines, for lane groups of every
 * size up to PATH_LANES and both scenarios of a model whose churn and
 * arrivals cross the samplers' switches, and with a step line so fine that
 * customers over a step pass 4e15 (priced one lane at a time).  With the
 * vector bodies the machine runs (STATE NULL) or the baseline ones.  That
 * the lane samplers draw as the one-by-one samplers do is test_sampler's;
 * that the draws have the right distributions,
 * monte_carlo_means_match_the_plan's. */
static void lanes_equal_paths_run_alone(void **state)
{
    simd_baseline(*state != NULL);
    const char *files[8][2];
    memcpy(files, hand_files, sizeof files);
    files[1][1] = "plan,price,customers,mix\na,100,900,3\nb,\"uniform(300, 500)\",2,1\nc,50,0,1\n";
    files[2][1] = "scenario,new_customers,growth,churn,deal_slip,deal_loss\n"
                  "s,\"uniform(2, 6)\",10%,0.1,0.5,0.2\n"
                  "t,\"uniform(5, 40)\",\"normal(0.05, 0.05)\",\"beta(2, 60)\",0.5,0.2\n";
    files[3][1] = "item,driver,cost,step,category,from,to,escalation\n"
                  "hosting,fixed,1000,,cogs,,,10%\n"
                  "storage,per_customer,5,,cogs,,,\n"
                  "database,step,300,5,cogs,2,12,\n"
                  "metering,step,1e-12,1.7e-13,rnd,,,\n"
                  "tools,fixed,200,,ga,2027-03,,\n";
    char *dir;
    struct model *m = tu_model(files, 8, &dir);
    const size_t H = (size_t)m->cal.months, L = path_nlines(m);
    struct path *alone = path_new(m), *lane[PATH_LANES];
    for (size_t j = 0; j < PATH_LANES; j++)
        lane[j] = path_new(m);
    double *out = calloc(MM_COUNT * PATH_LANES, sizeof *out);
    const uint64_t seed = 77;
    uint64_t first = 0;
    for (size_t n = 1; n <= PATH_LANES; n++) {
        for (size_t s = 0; s < m->nscenarios; s++) {
            for (size_t j = 0; j < n; j++) {
                path_draw_shared(lane[j], seed, first + j);
                path_draw_scenario(lane[j], s);
                path_begin(lane[j], PATH_RANDOM);
            }
            double *rows = calloc(H * MM_COUNT * n, sizeof *rows); /* [month][figure][lane] */
            for (int mo = 1; mo <= (int)H; mo++) {
                path_month_lanes(lane, n, seed, first, mo, out, n);
                memcpy(rows + (size_t)(mo - 1) * MM_COUNT * n, out, MM_COUNT * n * sizeof *out);
            }
            for (size_t j = 0; j < n; j++) {
                path_end(lane[j]);
                path_draw_shared(alone, seed, first + j);
                path_draw_scenario(alone, s);
                path_simulate(alone, PATH_RANDOM, seed, first + j, NULL);
                for (size_t mo = 0; mo < H; mo++)
                    for (size_t k = 0; k < MM_COUNT; k++) {
                        double a = path_monthly(alone)[mo * MM_COUNT + k], b = rows[(mo * MM_COUNT + k) * n + j];
                        assert_true(memcmp(&a, &b, sizeof a) == 0);
                    }
                assert_memory_equal(path_summary(alone), path_summary(lane[j]), SM_COUNT * sizeof(double));
                assert_memory_equal(path_lines(alone), path_lines(lane[j]), L * LF_COUNT * sizeof(double));
                assert_lines_priced_by_hand(m, rows, n, j, path_lines(lane[j]));
            }
            free(rows);
        }
        first += n;
    }
    free(out);
    for (size_t j = 0; j < PATH_LANES; j++)
        path_free(lane[j]);
    path_free(alone);
    model_free(m);
    tu_rmdir(dir);
    simd_baseline(0);
}

/* The vector bodies of the machine (AVX2 on most x86-64) and the baseline
 * ones (SSE2) give the same results bit for bit: reports do not depend on
 * the machine.  On a machine without AVX2 both runs take the baseline. */
static void results_do_not_depend_on_vector_width(void **state)
{
    (void)state;
    char *dir;
    struct model *m = tu_model(hand_files, sizeof hand_files / sizeof hand_files[0], &dir);
#if SIMD_X86
    __builtin_cpu_init();
    assert_int_equal(simd_avx2() != 0, __builtin_cpu_supports("avx2") != 0); /* the machine's bodies run */
#endif
    struct results *native = run(m, 2000, 5, 2);
    simd_baseline(1);
    assert_int_equal(simd_avx2(), 0); /* and these the baseline ones */
    struct results *baseline = run(m, 2000, 5, 2);
    simd_baseline(0);
    assert_true(same_results(native, baseline));
    results_free(native);
    results_free(baseline);
    model_free(m);
    tu_rmdir(dir);
}

/* The prestate that asks a test for the baseline vector bodies. */
static int baseline_bodies;

int main(void)
{
    gsl_set_error_handler_off(); /* as cpcsim's main does: statuses are checked instead */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(plan_matches_hand_figures),
        cmocka_unit_test(monte_carlo_means_match_the_plan),
        cmocka_unit_test(prob_cash_out_has_its_known_value),
        cmocka_unit_test(arrivals_split_over_plans_by_mix),
        cmocka_unit_test(percentiles_are_quantiles_of_the_draws),
        cmocka_unit_test(results_do_not_depend_on_threads),
        cmocka_unit_test(scenarios_share_random_numbers),
        cmocka_unit_test(signed_deals_and_delay),
        cmocka_unit_test(comparisons_are_paired),
        cmocka_unit_test_prestate(lanes_equal_paths_run_alone, NULL),
        cmocka_unit_test_prestate(lanes_equal_paths_run_alone, &baseline_bodies),
        cmocka_unit_test(results_do_not_depend_on_vector_width),
        cmocka_unit_test(extending_a_run_equals_one_run),
        cmocka_unit_test(cost_lines_add_up),
        cmocka_unit_test(designs_are_unbiased_and_sharper),
    };
    return cmocka_run_group_tests_name("engine", tests, NULL, NULL);
}
