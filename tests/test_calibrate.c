/*
 * test_calibrate.c - deal slip and loss from a forecast history
 * (models/calibrate.h): the likelihood against factors worked out by hand,
 * the closed forms of the posterior without open deals, the numeric method
 * against them, the maximum with open deals against a fine grid, recovery
 * of known slip and loss from histories drawn with them (the 90% interval
 * holds the truth in at least 85 of 100 seeds), censoring, and every
 * awkward history: on time, all open, one deal, none lost, none won.
 */
#include "testutil.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "models/calibrate.h"
#include "models/dist.h"
#include "sim/status.h"

/* Months as calibrate.h counts them. */
#define M(year, month) ((year) * 12 + (month) - 1)

static struct calibrate_deal won(int forecast, int closed)
{
    return (struct calibrate_deal){ CALIBRATE_WON, forecast, closed };
}

static struct calibrate_deal lost(int forecast)
{
    return (struct calibrate_deal){ CALIBRATE_LOST, forecast, -1 };
}

static struct calibrate_deal open_deal(int forecast)
{
    return (struct calibrate_deal){ CALIBRATE_OPEN, forecast, -1 };
}

static struct calibrate_result fit(const struct calibrate_deal *d, size_t n, int as_of)
{
    struct calibrate_result r;
    assert_int_equal(calibrate_fit(d, n, as_of, &r), ST_OK);
    return r;
}

/* What holds for every parameter of every history: finite figures within
 * [0, 1], the estimate (when there is one) inside its interval, shapes a
 * cell takes. */
static void assert_sane_param(const struct calibrate_param *p)
{
    assert_true(isfinite(p->lo90) && isfinite(p->hi90) && isfinite(p->mean) && isfinite(p->sd));
    assert_true(0 <= p->lo90 && p->lo90 < p->hi90 && p->hi90 <= 1);
    assert_true(p->lo90 <= p->mean && p->mean <= p->hi90);
    assert_true(p->sd > 0 && p->sd < 0.5);
    if (!isnan(p->estimate))
        assert_true(p->lo90 <= p->estimate && p->estimate <= p->hi90);
    assert_true(isfinite(p->a) && isfinite(p->b));
    assert_true(p->a >= 0.01 && p->a <= CALIBRATE_MAX_SHAPE && p->b >= 0.01 && p->b <= CALIBRATE_MAX_SHAPE);
    /* the cell parses as a rate, with the posterior's mean */
    char cell[64], why[256];
    calibrate_cell(p, cell, sizeof cell);
    struct dist v;
    assert_int_equal(dist_parse(cell, RANGE_RATE, 1, &v, why, sizeof why), 0);
    assert_close(dist_mean(&v), p->mean, 0.01 * p->mean + 1e-3);
}

static void assert_sane(const struct calibrate_result *r)
{
    assert_sane_param(&r->slip);
    assert_sane_param(&r->loss);
}

/* ---- the likelihood ---- */

/* Every kind of row at slip 0.3 and loss 0.2, as of 2026-06, each factor
 * worked out by hand from calibrate.h's table. */
static void test_loglik_by_hand(void **state)
{
    (void)state;
    const struct calibrate_deal d[] = {
        won(M(2026, 1), M(2026, 1)), /* on time: 0.8 * 0.7 = 0.56 */
        won(M(2026, 1), M(2026, 3)), /* 2 late: 0.8 * 0.7 * 0.09 = 0.0504 */
        won(M(2026, 4), M(2026, 2)), /* early counts as on time: 0.56 */
        lost(M(2026, 2)),            /* 0.2 */
        open_deal(M(2026, 6)),       /* e = 0: 0.2 + 0.8 * 0.3 = 0.44 */
        open_deal(M(2026, 4)),       /* e = 2: 0.2 + 0.8 * 0.027 = 0.2216 */
        open_deal(M(2026, 9)),       /* not yet due: 1 */
    };
    double want = log(0.56) + log(0.0504) + log(0.56) + log(0.2) + log(0.44) + log(0.2216);
    assert_close(calibrate_loglik(d, 7, M(2026, 6), 0.3, 0.2), want, 1e-12);
    /* the as-of month counts as complete: a month later, e = 1 and e = 3,
     * and the deal due 2026-09 still says nothing */
    want = log(0.56) + log(0.0504) + log(0.56) + log(0.2) + log(0.2 + 0.8 * 0.09) + log(0.2 + 0.8 * 0.0081);
    assert_close(calibrate_loglik(d, 7, M(2026, 7), 0.3, 0.2), want, 1e-12);
    /* impossible rows */
    assert_true(calibrate_loglik(d, 2, M(2026, 6), 0, 0.2) == -INFINITY);  /* late, slip 0 */
    assert_true(calibrate_loglik(d + 3, 1, M(2026, 6), 0.3, 0) == -INFINITY); /* lost, loss 0 */
    assert_close(calibrate_loglik(d + 6, 1, M(2026, 6), 0.3, 0.2), 0, 0);
}

static void test_count(void **state)
{
    (void)state;
    const struct calibrate_deal d[] = {
        won(M(2026, 1), M(2026, 1)), won(M(2026, 1), M(2026, 4)), won(M(2026, 5), M(2026, 2)),
        lost(M(2026, 2)), open_deal(M(2026, 6)), open_deal(M(2026, 7)), open_deal(M(2025, 12)),
    };
    struct calibrate_counts c;
    calibrate_count(d, 7, M(2026, 6), &c);
    assert_int_equal(c.deals, 7);
    assert_int_equal(c.won, 3);
    assert_int_equal(c.lost, 1);
    assert_int_equal(c.open_due, 2);
    assert_int_equal(c.open_later, 1);
    assert_close(c.months_late, 3, 0);
}

/* ---- closed forms ---- */

/* 12 won (6 months late in all) and 4 lost: loss ~ beta(5, 13), slip ~
 * beta(7, 13), the estimates 4/16 and 6/18. */
static size_t history_12_4(struct calibrate_deal *d)
{
    size_t n = 0;
    for (int i = 0; i < 12; i++) /* 4 one month late, 1 two: 6 months */
        d[n++] = won(M(2026, 1), M(2026, 1) + (i < 4 ? 1 : i == 4 ? 2 : 0));
    for (int i = 0; i < 4; i++)
        d[n++] = lost(M(2026, 3));
    return n;
}

static void test_closed_forms(void **state)
{
    (void)state;
    struct calibrate_deal d[16];
    size_t n = history_12_4(d);
    struct calibrate_result r = fit(d, n, M(2026, 6));
    assert_int_equal(r.exact, 1);
    assert_close(r.n.months_late, 6, 0);
    assert_close(r.slip.estimate, 6.0 / 18, 1e-15);
    assert_close(r.loss.estimate, 4.0 / 16, 1e-15);
    assert_close(r.slip.a, 7, 0);
    assert_close(r.slip.b, 13, 0);
    assert_close(r.loss.a, 5, 0);
    assert_close(r.loss.b, 13, 0);
    assert_close(r.slip.mean, 7.0 / 20, 1e-15);
    assert_close(r.slip.sd, sqrt(7.0 * 13 / (20.0 * 20 * 21)), 1e-15);
    assert_close(r.slip.lo90, gsl_cdf_beta_Pinv(0.05, 7, 13), 1e-8);
    assert_close(r.slip.hi90, gsl_cdf_beta_Pinv(0.95, 7, 13), 1e-8);
    assert_close(r.loss.lo90, gsl_cdf_beta_Pinv(0.05, 5, 13), 1e-8);
    assert_close(r.loss.hi90, gsl_cdf_beta_Pinv(0.95, 5, 13), 1e-8);
    char cell[64];
    calibrate_cell(&r.slip, cell, sizeof cell);
    assert_string_equal(cell, "beta(7, 13)");
    calibrate_cell(&r.loss, cell, sizeof cell);
    assert_string_equal(cell, "beta(5, 13)");
    assert_sane(&r);
}

/* The numeric method (profile and grid) gives what the closed forms give. */
static void test_numeric_matches_closed_forms(void **state)
{
    (void)state;
    struct calibrate_deal d[40];
    size_t n = history_12_4(d);
    struct calibrate_result exact = fit(d, n, M(2026, 6)), num;
    assert_int_equal(calibrate_fit_numeric(d, n, M(2026, 6), &num), ST_OK);
    assert_int_equal(num.exact, 0);
    const struct calibrate_param *e[] = { &exact.slip, &exact.loss }, *g[] = { &num.slip, &num.loss };
    for (int k = 0; k < 2; k++) {
        /* Brent's method finds a smooth maximum to about the square root
         * of the precision of doubles */
        assert_close(g[k]->estimate, e[k]->estimate, 1e-7);
        assert_close(g[k]->mean, e[k]->mean, 1e-4);
        assert_close(g[k]->sd, e[k]->sd, 1e-4);
        assert_close(g[k]->lo90, e[k]->lo90, 1e-3);
        assert_close(g[k]->hi90, e[k]->hi90, 1e-3);
        assert_close(g[k]->a, e[k]->a, 0.01 * e[k]->a);
        assert_close(g[k]->b, e[k]->b, 0.01 * e[k]->b);
    }
    /* and at the boundary: 20 won on time or early, none lost */
    n = 0;
    for (int i = 0; i < 20; i++)
        d[n++] = won(M(2026, 3), M(2026, 3) - i % 2);
    exact = fit(d, n, M(2026, 6));
    assert_int_equal(calibrate_fit_numeric(d, n, M(2026, 6), &num), ST_OK);
    assert_close(exact.slip.estimate, 0, 0);
    assert_close(exact.loss.estimate, 0, 0);
    assert_close(num.slip.estimate, 0, 0);
    assert_close(num.loss.estimate, 0, 0);
    double top = 1 - pow(0.1, 1.0 / 21); /* the 90th percentile of beta(1, 21) */
    assert_close(exact.slip.lo90, 0, 0);
    assert_close(exact.slip.hi90, top, 1e-8);
    assert_close(num.slip.lo90, 0, 0);
    assert_close(num.slip.hi90, top, 1e-3);
    assert_close(num.loss.hi90, top, 1e-3);
}

/* ---- maximum likelihood with open deals ---- */

/* A history with every kind of row, open deals at several distances. */
static size_t history_mixed(struct calibrate_deal *d)
{
    size_t n = 0;
    for (int i = 0; i < 14; i++)
        d[n++] = won(M(2025, 1 + i % 12), M(2025, 1 + i % 12) + i % 3);
    for (int i = 0; i < 5; i++)
        d[n++] = lost(M(2025, 2 + 2 * i));
    for (int i = 0; i < 6; i++)
        d[n++] = open_deal(M(2025, 7 + i));
    d[n++] = open_deal(M(2026, 2));
    return n;
}

/* The estimates are the highest point of the likelihood: no point of a
 * fine grid over the square is higher, and the slope is 0 where the
 * estimate is inside. */
static void test_mle_with_open_deals(void **state)
{
    (void)state;
    struct calibrate_deal d[32];
    size_t n = history_mixed(d);
    int as_of = M(2025, 12);
    struct calibrate_result r = fit(d, n, as_of);
    assert_int_equal(r.exact, 0);
    assert_int_equal(r.n.open_due, 6);
    assert_int_equal(r.n.open_later, 1);
    double s = r.slip.estimate, l = r.loss.estimate, best = calibrate_loglik(d, n, as_of, s, l);
    assert_true(s > 0 && s < 1 && l > 0 && l < 1);
    for (int i = 0; i <= 400; i++)
        for (int j = 0; j <= 400; j++)
            assert_true(calibrate_loglik(d, n, as_of, i / 400.0, j / 400.0) <= best + 1e-12);
    double h = 1e-6;
    assert_close((calibrate_loglik(d, n, as_of, s + h, l) - calibrate_loglik(d, n, as_of, s - h, l)) / (2 * h), 0,
                 1e-4);
    assert_close((calibrate_loglik(d, n, as_of, s, l + h) - calibrate_loglik(d, n, as_of, s, l - h)) / (2 * h), 0,
                 1e-4);
    assert_sane(&r);
}

/* Open deals past due are censored, not lost: they raise slip and loss
 * from what the closed deals alone say, less than counting them lost
 * would; deals not yet due change nothing at all. */
static void test_censoring(void **state)
{
    (void)state;
    struct calibrate_deal d[40];
    size_t n = history_12_4(d);
    int as_of = M(2026, 6);
    struct calibrate_result closed = fit(d, n, as_of);
    d[n] = open_deal(M(2026, 8));
    d[n + 1] = open_deal(M(2027, 1));
    struct calibrate_result later = fit(d, n + 2, as_of);
    assert_int_equal(later.exact, 1);
    assert_memory_equal(&later.slip, &closed.slip, sizeof closed.slip);
    assert_memory_equal(&later.loss, &closed.loss, sizeof closed.loss);
    for (int i = 0; i < 4; i++)
        d[n + i] = open_deal(M(2026, 2));
    struct calibrate_result open = fit(d, n + 4, as_of);
    assert_true(open.slip.estimate > closed.slip.estimate);
    assert_true(open.loss.estimate > closed.loss.estimate);
    for (int i = 0; i < 4; i++)
        d[n + i] = lost(M(2026, 2));
    struct calibrate_result as_lost = fit(d, n + 4, as_of);
    assert_true(open.loss.estimate < as_lost.loss.estimate);
    /* the longer open, the more it says: due a month before as-of, less */
    for (int i = 0; i < 4; i++)
        d[n + i] = open_deal(M(2026, 5));
    struct calibrate_result recent = fit(d, n + 4, as_of);
    assert_true(recent.loss.estimate < open.loss.estimate);
    assert_sane(&open);
    assert_sane(&recent);
}

/* ---- recovery of known slip and loss ---- */

/*
 * N deals drawn as the model says, seen at AS_OF: forecast months spread
 * over the 27 months from FIRST; a deal is lost
 * with probability LOSS, else closes S months late, P(S >= k) = SLIP^k,
 * and is open while it has not closed by AS_OF.  A loss is known (the row
 * is lost) for deals forecast before SETTLED; later ones stay open, as
 * recent losses do until someone marks them: that is the history whose
 * likelihood calibrate.h writes down.
 */
static size_t draw_history(gsl_rng *g, double slip, double loss, size_t n, int first, int as_of, int settled,
                           struct calibrate_deal *d)
{
    for (size_t i = 0; i < n; i++) {
        int f = first + (int)gsl_rng_uniform_int(g, 27);
        if (gsl_rng_uniform(g) < loss) {
            d[i] = f < settled ? lost(f) : open_deal(f);
        } else {
            int s = (int)gsl_ran_geometric(g, 1 - slip) - 1; /* failures before the first success */
            d[i] = f + s <= as_of ? won(f, f + s) : open_deal(f);
        }
    }
    return n;
}

struct recovery {
    double slip, loss;
    size_t deals;
    int settled_months; /* losses are known for deals forecast this long before 2026-12 */
    int as_of_after;    /* months from 2026-12 to AS_OF: with many, no deal is left open */
};

/* In how many of 100 seeds each 90% interval holds the truth. */
static void recover(const struct recovery *c, int *slip_in, int *loss_in, int *exact)
{
    struct calibrate_deal d[200];
    *slip_in = *loss_in = *exact = 0;
    gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
    for (unsigned long seed = 1; seed <= 100; seed++) {
        gsl_rng_set(g, seed);
        int as_of = M(2026, 12) + c->as_of_after;
        draw_history(g, c->slip, c->loss, c->deals, M(2026, 12) - 23, as_of, M(2026, 12) - c->settled_months, d);
        struct calibrate_result r = fit(d, c->deals, as_of);
        *slip_in += r.slip.lo90 <= c->slip && c->slip <= r.slip.hi90;
        *loss_in += r.loss.lo90 <= c->loss && c->loss <= r.loss.hi90;
        *exact += r.exact;
        assert_sane(&r);
    }
    gsl_rng_free(g);
}

/* Each case's intervals hold the truth in 88% to 92% of histories (over
 * 1000 seeds, as equal-tailed posterior intervals do for counts this
 * small), so 85 of 100 leaves about one and a half standard errors below
 * the worst; 99 catches intervals so wide that they always hold it. */
static void test_recovery(void **state)
{
    (void)state;
    const struct recovery cases[] = {
        { 0.35, 0.27, 60, 12, 0 },  /* the example's rates, recent losses open */
        { 0.15, 0.10, 40, 6, 0 },   /* low rates, few deals */
        { 0.60, 0.45, 200, 12, 0 }, /* high rates */
        { 0.35, 0.27, 60, -30, 60 }, /* nothing open: the closed forms */
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        int slip_in, loss_in, exact;
        recover(&cases[k], &slip_in, &loss_in, &exact);
        print_message("slip %.2f loss %.2f, %zu deals: slip inside %d of 100, loss %d\n", cases[k].slip,
                      cases[k].loss, cases[k].deals, slip_in, loss_in);
        assert_true(slip_in >= 85 && slip_in <= 99);
        assert_true(loss_in >= 85 && loss_in <= 99);
        if (cases[k].as_of_after)
            assert_int_equal(exact, 100);
        else /* most histories have open deals due, and take the numeric method */
            assert_true(exact < 50);
    }
}

/* With many deals the estimates settle on the truth: within three of
 * their posterior standard deviations. */
static void test_recovery_large(void **state)
{
    (void)state;
    enum { N = 5000 };
    struct calibrate_deal *d = calloc(N, sizeof *d);
    gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(g, 7);
    draw_history(g, 0.35, 0.27, N, M(2026, 12) - 23, M(2026, 12), M(2026, 12) - 12, d);
    struct calibrate_result r = fit(d, N, M(2026, 12));
    assert_close(r.slip.estimate, 0.35, 3 * r.slip.sd);
    assert_close(r.loss.estimate, 0.27, 3 * r.loss.sd);
    assert_true(r.slip.sd < 0.01 && r.loss.sd < 0.01);
    assert_sane(&r);
    gsl_rng_free(g);
    free(d);
}

/* ---- awkward histories ---- */

static void test_on_time_or_early(void **state)
{
    (void)state;
    struct calibrate_deal d[10];
    for (int i = 0; i < 9; i++)
        d[i] = won(M(2026, 5), M(2026, 5) - i % 3);
    d[9] = lost(M(2026, 1));
    struct calibrate_result r = fit(d, 10, M(2026, 6));
    assert_close(r.slip.estimate, 0, 0);
    assert_close(r.slip.lo90, 0, 0);
    assert_close(r.slip.hi90, 1 - pow(0.1, 1.0 / 10), 1e-9); /* beta(1, 10) */
    assert_close(r.slip.a, 1, 0);
    assert_close(r.slip.b, 10, 0);
    assert_close(r.loss.estimate, 0.1, 1e-15);
    assert_sane(&r);
}

/* Every deal open: no estimates, wide intervals, nothing certain. */
static void test_every_deal_open(void **state)
{
    (void)state;
    struct calibrate_deal d[8];
    for (int i = 0; i < 8; i++)
        d[i] = open_deal(M(2026, 1 + i));
    struct calibrate_result r = fit(d, 8, M(2026, 6));
    assert_true(isnan(r.slip.estimate) && isnan(r.loss.estimate));
    assert_int_equal(r.n.open_due, 6);
    assert_true(r.slip.hi90 - r.slip.lo90 > 0.5);
    assert_true(r.loss.hi90 - r.loss.lo90 > 0.5);
    assert_sane(&r);
    /* none due: the prior itself */
    r = fit(d, 8, M(2025, 12));
    assert_int_equal(r.exact, 1);
    assert_close(r.slip.lo90, 0.05, 1e-9);
    assert_close(r.slip.hi90, 0.95, 1e-9);
    assert_close(r.loss.a, 1, 0);
    assert_close(r.loss.b, 1, 0);
    assert_sane(&r);
    /* no deal at all */
    r = fit(d, 0, M(2025, 12));
    assert_close(r.loss.mean, 0.5, 1e-15);
    assert_sane(&r);
}

static void test_one_deal(void **state)
{
    (void)state;
    struct calibrate_deal d = won(M(2026, 1), M(2026, 3));
    struct calibrate_result r = fit(&d, 1, M(2026, 6));
    assert_close(r.slip.estimate, 2.0 / 3, 1e-15); /* beta(3, 2) */
    assert_close(r.loss.estimate, 0, 0);
    assert_close(r.loss.hi90, 1 - sqrt(0.1), 1e-9); /* beta(1, 2) */
    assert_sane(&r);
    d = lost(M(2026, 1));
    r = fit(&d, 1, M(2026, 6));
    assert_true(isnan(r.slip.estimate));
    assert_close(r.loss.estimate, 1, 0);
    assert_close(r.loss.lo90, sqrt(0.1), 1e-9); /* beta(2, 1) from its 10th percentile to 1 */
    assert_close(r.loss.hi90, 1, 0);
    assert_sane(&r);
    d = open_deal(M(2026, 4));
    r = fit(&d, 1, M(2026, 6));
    assert_true(isnan(r.slip.estimate) && isnan(r.loss.estimate));
    assert_sane(&r);
}

static void test_no_lost_deals(void **state)
{
    (void)state;
    struct calibrate_deal d[20];
    size_t n = 0;
    for (int i = 0; i < 15; i++)
        d[n++] = won(M(2026, 1 + i % 6), M(2026, 1 + i % 6) + i % 2);
    struct calibrate_result r = fit(d, n, M(2026, 6));
    assert_close(r.loss.estimate, 0, 0);
    assert_close(r.loss.a, 1, 0);
    assert_close(r.loss.b, 16, 0);
    assert_close(r.loss.lo90, 0, 0);
    assert_sane(&r);
    /* with an open deal long past due: it must be lost or very late */
    d[n++] = open_deal(M(2025, 6));
    r = fit(d, n, M(2026, 6));
    assert_true(r.loss.estimate > 0);
    assert_sane(&r);
}

static void test_no_won_deals(void **state)
{
    (void)state;
    struct calibrate_deal d[6];
    for (int i = 0; i < 3; i++)
        d[i] = lost(M(2026, 1 + i));
    struct calibrate_result r = fit(d, 3, M(2026, 6));
    assert_true(isnan(r.slip.estimate));
    assert_close(r.loss.estimate, 1, 0);
    assert_close(r.loss.hi90, 1, 0);
    assert_close(r.loss.a, 4, 0);
    assert_close(r.loss.b, 1, 0);
    assert_sane(&r);
    for (int i = 3; i < 6; i++)
        d[i] = open_deal(M(2026, 1 + i));
    r = fit(d, 6, M(2026, 6));
    assert_int_equal(r.exact, 0);
    assert_true(isnan(r.slip.estimate));
    assert_close(r.loss.estimate, 1, 0);
    assert_sane(&r);
}

/* Won on time and open only in the as-of month: the history tells
 * (1 - slip)(1 - loss) only, and claims neither apart. */
static void test_slip_and_loss_not_apart(void **state)
{
    (void)state;
    struct calibrate_deal d[12];
    for (int i = 0; i < 9; i++)
        d[i] = won(M(2026, 2), M(2026, 2));
    for (int i = 9; i < 12; i++)
        d[i] = open_deal(M(2026, 6));
    struct calibrate_result r = fit(d, 12, M(2026, 6));
    assert_true(isnan(r.slip.estimate) && isnan(r.loss.estimate));
    /* the likelihood is the same along (1 - s)(1 - l) = 9/12 */
    double top = calibrate_loglik(d, 12, M(2026, 6), 0, 0.25);
    assert_close(calibrate_loglik(d, 12, M(2026, 6), 0.25, 0), top, 1e-12);
    assert_close(calibrate_loglik(d, 12, M(2026, 6), 1 - 0.75 / 0.9, 0.1), top, 1e-12);
    assert_sane(&r);
}

/* A history past what a beta cell takes keeps its mean, widened. */
static void test_shapes_capped(void **state)
{
    (void)state;
    enum { WON = 300000, LOST = 100000 };
    struct calibrate_deal *d = calloc(WON + LOST, sizeof *d);
    for (size_t i = 0; i < WON + LOST; i++)
        d[i] = i < WON ? won(M(2026, 1), M(2026, 1)) : lost(M(2026, 1));
    struct calibrate_result r = fit(d, WON + LOST, M(2026, 6));
    assert_close(r.loss.b, CALIBRATE_MAX_SHAPE, 1e-9);
    assert_close(r.loss.a / (r.loss.a + r.loss.b), (LOST + 1.0) / (WON + LOST + 2.0), 1e-12);
    assert_sane(&r);
    free(d);
}

static void test_cell_text(void **state)
{
    (void)state;
    struct calibrate_param p = { .a = 15.66, .b = 31.34 };
    char cell[64];
    calibrate_cell(&p, cell, sizeof cell);
    assert_string_equal(cell, "beta(15.7, 31.3)");
    p.a = 0.8617, p.b = 152.4;
    calibrate_cell(&p, cell, sizeof cell);
    assert_string_equal(cell, "beta(0.862, 152)");
    p.a = 33333.4, p.b = 100000;
    calibrate_cell(&p, cell, sizeof cell);
    assert_string_equal(cell, "beta(33333, 100000)");
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_loglik_by_hand),
        cmocka_unit_test(test_count),
        cmocka_unit_test(test_closed_forms),
        cmocka_unit_test(test_numeric_matches_closed_forms),
        cmocka_unit_test(test_mle_with_open_deals),
        cmocka_unit_test(test_censoring),
        cmocka_unit_test(test_recovery),
        cmocka_unit_test(test_recovery_large),
        cmocka_unit_test(test_on_time_or_early),
        cmocka_unit_test(test_every_deal_open),
        cmocka_unit_test(test_one_deal),
        cmocka_unit_test(test_no_lost_deals),
        cmocka_unit_test(test_no_won_deals),
        cmocka_unit_test(test_slip_and_loss_not_apart),
        cmocka_unit_test(test_shapes_capped),
        cmocka_unit_test(test_cell_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
