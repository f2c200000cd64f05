/*
 * test_path.c - the engine's way through the months is the plain model's,
 * bit for bit.
 *
 * path_simulate runs models/month.c as written, month by month, working
 * out each month's values from the draws.  The engine instead works out
 * each month's customer-independent part once per path (and copies it over
 * the months where nothing changes), and runs up to PATH_LANES paths side
 * by side, their draws made together.  These tests run both on the same
 * paths and require the same bits in every monthly figure, every summary
 * figure and every cost line's figures: on the example model, on the
 * benchmark model and on 200 models generated at random with every driver,
 * step, ratio, lag, raise, feature and deal kind, in lane groups of every
 * size, with the vector bodies the machine runs (AVX2 where it has it) and
 * with the baseline ones (SSE2).  And cost_lines.csv's two shortcuts: the
 * customer-dependent lines as month_close prices them while the lanes run
 * and after them from the customers' sums (path_sum_lines, summed and
 * recorded) are month_line_cost's bits, and every other line
 * (month_line_fixed) costs the same in every month up to the next month
 * that its month_line_changes marks, which month_changes marks too.
 */
#include "testutil.h"

#include <gsl/gsl_errno.h>

#include "models/contract.h"
#include "sim/diag.h"
#include "sim/model.h"
#include "sim/path.h"
#include "sim/simd.h"

/* Runs PATHS paths of every scenario of M both ways, in lane groups of
 * sizes 1, 2, ... (wrapping at PATH_LANES), and fails at the first bit
 * that differs, naming the model, scenario, path, month and figure. */
static void assert_engine_equals_plain(const struct model *m, const char *what, uint64_t seed, uint64_t paths,
                                       const struct month_variant *variant)
{
    const size_t H = (size_t)m->cal.months, L = path_nlines(m);
    struct path *alone = path_new(m), *lane[PATH_LANES];
    assert_non_null(alone);
    for (size_t j = 0; j < PATH_LANES; j++)
        assert_non_null(lane[j] = path_new(m));
    double *rows = calloc(H * MM_COUNT * PATH_LANES, sizeof *rows); /* [month][figure][lane] */
    assert_non_null(rows);
    /* each lane's cost lines by month, summed from 0 and recorded */
    double *sums = calloc(H * L * PATH_LANES + 1, sizeof *sums), *record = calloc(H * L * PATH_LANES + 1, sizeof *record);
    double *plain = calloc(H * L + 1, sizeof *plain);
    unsigned char *changes = calloc(H + 1, 1);
    assert_non_null(changes);
    assert_non_null(sums);
    assert_non_null(record);
    assert_non_null(plain);
    uint64_t first = 0;
    for (size_t n = 1; first < paths; n = n % PATH_LANES + 1) {
        if (n > paths - first)
            n = (size_t)(paths - first);
        for (size_t j = 0; j < n; j++)
            path_draw_shared(lane[j], seed, first + j);
        for (size_t s = 0; s < m->nscenarios; s++) {
            for (size_t j = 0; j < n; j++) {
                path_set_variant(lane[j], variant);
                path_draw_scenario(lane[j], s);
                path_begin(lane[j], PATH_RANDOM);
                memset(sums + j * H * L, 0, H * L * sizeof *sums);
                path_sum_lines(lane[j], sums + j * H * L, (first + j) % 2 ? record + j * H * L : NULL, H);
            }
            for (int mo = 1; mo <= (int)H; mo++)
                path_month_lanes(lane, n, seed, first, mo, rows + (size_t)(mo - 1) * MM_COUNT * n, n);
            for (size_t j = 0; j < n; j++) {
                path_end(lane[j]);
                path_set_variant(alone, variant);
                path_draw_shared(alone, seed, first + j);
                path_draw_scenario(alone, s);
                path_simulate(alone, PATH_RANDOM, seed, first + j, NULL);
                for (size_t mo = 0; mo < H; mo++)
                    for (size_t k = 0; k < MM_COUNT; k++) {
                        double a = path_monthly(alone)[mo * MM_COUNT + k], b = rows[(mo * MM_COUNT + k) * n + j];
                        if (memcmp(&a, &b, sizeof a) != 0)
                            fail_msg("%s: scenario %zu, path %llu, month %zu, %s: plain %.17g, engine %.17g", what,
                                     s, (unsigned long long)(first + j), mo + 1, monthly_metric_names[k], a, b);
                    }
                for (size_t k = 0; k < SM_COUNT; k++) {
                    double a = path_summary(alone)[k], b = path_summary(lane[j])[k];
                    if (memcmp(&a, &b, sizeof a) != 0)
                        fail_msg("%s: scenario %zu, path %llu, %s: plain %.17g, engine %.17g", what, s,
                                 (unsigned long long)(first + j), summary_metric_names[k], a, b);
                }
                for (size_t l = 0; l < L * LF_COUNT; l++) {
                    double a = path_lines(alone)[l], b = path_lines(lane[j])[l];
                    if (memcmp(&a, &b, sizeof a) != 0)
                        fail_msg("%s: scenario %zu, path %llu, line %zu figure %zu: plain %.17g, engine %.17g",
                                 what, s, (unsigned long long)(first + j), l / LF_COUNT, l % LF_COUNT, a, b);
                }
                for (size_t mo = 1; mo <= H; mo++)
                    path_line_costs(alone, (int)mo, plain + (mo - 1) * L);
                const unsigned char *every = path_changes(alone);
                for (size_t l = 0; l < m->ninfra + m->nroles + 2 * m->nfeatures; l++) { /* no contract's */
                    path_line_changes(alone, l, changes);
                    for (size_t mo = 1; mo <= H; mo++)
                        if (changes[mo] && !every[mo])
                            fail_msg("%s: line %zu changes in month %zu, which month_changes does not mark", what, l,
                                     mo);
                }
                for (size_t mo = 1; mo <= H; mo++) {
                    for (size_t l = 0; l < m->ninfra + m->nroles + 2 * m->nfeatures; l++) { /* no contract's */
                        const size_t at = (mo - 1) * L + l, by_line = j * H * L + l * H + mo - 1;
                        double a = plain[at], b = (first + j) % 2 ? record[by_line] : a, c = sums[by_line];
                        size_t start = mo;
                        path_line_changes(alone, l, changes);
                        while (!changes[start])
                            start--;
                        if (path_line_fixed(alone, l))
                            b = c = plain[(start - 1) * L + l]; /* the month its own stretch starts */
                        if (memcmp(&a, &b, sizeof a) != 0 || memcmp(&a, &c, sizeof a) != 0)
                            fail_msg("%s: scenario %zu, path %llu, month %zu, line %zu (%s): plain %.17g, "
                                     "engine %.17g recorded, %.17g summed", what, s, (unsigned long long)(first + j),
                                     mo, l, path_line_fixed(alone, l) ? "fixed, from its stretch's start" : "by customers",
                                     a, b, c);
                    }
                }
            }
        }
        first += n;
    }
    free(rows);
    free(sums);
    free(record);
    free(plain);
    free(changes);
    for (size_t j = 0; j < PATH_LANES; j++)
        path_free(lane[j]);
    path_free(alone);
}

static struct model *load(const char *dir)
{
    struct model *m = tu_load_model(dir);
    m->cpc_plan = (int)m->nplans - 1; /* so that scope's figure, SM_CPC_PLAN, is compared too */
    return m;
}

/* The prestate that asks a test for the baseline vector bodies. */
static int baseline_bodies;

static void example_and_bench_models(void **state)
{
    simd_baseline(*state != NULL);
    const char *dirs[] = { "data/saas", "tests/bench/model" };
    for (size_t i = 0; i < 2; i++) {
        struct model *m = load(dirs[i]);
        assert_engine_equals_plain(m, dirs[i], 11 + i, 96, NULL);
        model_free(m);
    }
    simd_baseline(0);
}

/* ---- models made at random ---- */

struct gen {
    uint64_t s;
    char *buf;
    size_t len, cap;
};

static uint64_t next(struct gen *g)
{
    g->s ^= g->s << 13;
    g->s ^= g->s >> 7;
    g->s ^= g->s << 17;
    return g->s;
}

/* A whole number from LO to HI. */
static int pick(struct gen *g, int lo, int hi)
{
    return lo + (int)(next(g) % (uint64_t)(hi - lo + 1));
}

/* A number from LO to HI. */
static double within(struct gen *g, double lo, double hi)
{
    return lo + (hi - lo) * (double)(next(g) >> 11) / 9007199254740992.0;
}

static void put(struct gen *g, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char piece[512];
    int n = vsnprintf(piece, sizeof piece, fmt, ap);
    va_end(ap);
    assert_true(n >= 0 && (size_t)n < sizeof piece);
    if (g->len + (size_t)n + 1 > g->cap) {
        g->cap = (g->len + (size_t)n + 1) * 2;
        g->buf = realloc(g->buf, g->cap);
        assert_non_null(g->buf);
    }
    memcpy(g->buf + g->len, piece, (size_t)n + 1);
    g->len += (size_t)n;
}

static void flush_to(struct gen *g, const char *dir, const char *name)
{
    tu_write(dir, name, g->buf ? g->buf : "");
    g->len = 0;
    if (g->buf)
        g->buf[0] = '\0';
}

/* A cost-like cell (at least 0): a number, or a distribution around MID. */
static void money(struct gen *g, double mid)
{
    switch (pick(g, 0, 6)) {
    case 0: put(g, "%.6g", mid); break;
    case 1: put(g, "%.6g to %.6g", mid * 0.7, mid * 1.5); break;
    case 2: put(g, "\"uniform(%.6g, %.6g)\"", mid * 0.5, mid * 1.5); break;
    case 3: put(g, "\"triangular(%.6g, %.6g, %.6g)\"", mid * 0.6, mid, mid * 1.8); break;
    case 4: put(g, "\"pert(%.6g, %.6g, %.6g)\"", mid * 0.6, mid, mid * 1.8); break;
    case 5: put(g, "\"lognormal(%.6g, 0.3)\"", log(mid)); break;
    default: put(g, "0"); break;
    }
}

/* A rate cell within 0 and 1 around MID. */
static void rate(struct gen *g, double mid)
{
    switch (pick(g, 0, 4)) {
    case 0: put(g, "%.4g", mid); break;
    case 1: put(g, "\"beta(%.4g, %.4g)\"", 20 * mid + 0.5, 20 * (1 - mid) + 0.5); break;
    case 2: put(g, "\"uniform(%.4g, %.4g)\"", mid * 0.5, mid * 1.2 < 1 ? mid * 1.2 : 1); break;
    case 3: put(g, "0"); break;
    default: put(g, "%.4g%%", 100 * mid); break;
    }
}

/* A yearly or monthly change (may be negative). */
static void change(struct gen *g)
{
    switch (pick(g, 0, 4)) {
    case 0: put(g, "%.3g%%", within(g, -5, 8)); break;
    case 1: put(g, "\"normal(%.3g, %.3g)\"", within(g, -0.02, 0.06), within(g, 0.001, 0.03)); break;
    case 2: put(g, "-2%% to 6%%"); break;
    default: break; /* empty: the default */
    }
}

/* A month cell within the horizon, as an index or a date, or empty. */
static void month(struct gen *g, int lo, int hi, int start_year, int start_month, int may_be_empty)
{
    if (may_be_empty && pick(g, 0, 2) == 0)
        return;
    int m = pick(g, lo, hi);
    if (pick(g, 0, 1)) {
        int t = start_year * 12 + start_month - 1 + m - 1;
        put(g, "%04d-%02d", t / 12, t % 12 + 1);
    } else {
        put(g, "%d", m);
    }
}

/* Writes random model K into DIR. */
static void random_model(const char *dir, unsigned k)
{
    struct gen g = { 0x9E3779B97F4A7C15ULL ^ ((uint64_t)k * 0xD1B54A32D192ED03ULL), NULL, 0, 0 };
    for (int i = 0; i < 4; i++)
        next(&g);
    const int H = pick(&g, 1, 72), sy = 2026, sm = pick(&g, 1, 12);
    put(&g, "setting,value\ncash,%d\nstart,%04d-%02d\nmonths,%d\nmin_cash,%d\n", pick(&g, 0, 5000000), sy, sm, H,
        pick(&g, 0, 300000));
    flush_to(&g, dir, "company.csv");

    const int P = pick(&g, 1, 4), mix = pick(&g, 0, 1);
    put(&g, "plan,price,customers%s\n", mix ? ",mix" : "");
    for (int p = 0; p < P; p++) {
        put(&g, "p%d,", p);
        money(&g, within(&g, 10, 3000));
        put(&g, ",%d", pick(&g, 0, 1) ? pick(&g, 0, 400) : 0);
        if (mix)
            put(&g, ",%.3g", within(&g, 0.05, 1));
        put(&g, "\n");
    }
    flush_to(&g, dir, "plans.csv");

    const int S = pick(&g, 1, 3);
    put(&g, "scenario,new_customers,growth,churn,deal_slip,deal_loss\n");
    for (int s = 0; s < S; s++) {
        put(&g, "s%d,", s);
        switch (pick(&g, 0, 2)) {
        case 0: put(&g, "%.4g", within(&g, 0, 60)); break;
        case 1: put(&g, "%.4g to %.4g", within(&g, 0.5, 5), within(&g, 6, 90)); break;
        default: put(&g, "\"triangular(0, %.4g, %.4g)\"", within(&g, 1, 20), within(&g, 21, 50)); break;
        }
        put(&g, ",");
        change(&g);
        put(&g, ",");
        rate(&g, within(&g, 0.001, 0.2));
        put(&g, ",");
        rate(&g, within(&g, 0.05, 0.8));
        put(&g, ",");
        rate(&g, within(&g, 0.05, 0.5));
        put(&g, "\n");
    }
    flush_to(&g, dir, "scenarios.csv");

    const int I = pick(&g, 1, 12);
    put(&g, "item,driver,cost,step,category,from,to,escalation\n");
    for (int i = 0; i < I; i++) {
        const int driver = pick(&g, 0, 2);
        const char *drivers[] = { "fixed", "per_customer", "step" }, *cats[] = { "cogs", "rnd", "sm", "ga" };
        put(&g, "line %d,%s,", i, drivers[driver]);
        money(&g, driver == 1 ? within(&g, 0.1, 30) : within(&g, 10, 5000));
        put(&g, ",");
        if (driver == 2) /* blocks of a few customers, of fractions, or so many that a lane is priced alone */
            put(&g, "%.5g", pick(&g, 0, 5) ? within(&g, 1, 300) : pick(&g, 0, 1) ? within(&g, 0.001, 1)
                                                                                  : within(&g, 1e-15, 5e-14));
        put(&g, ",%s,", cats[pick(&g, 0, 3)]);
        const int from = pick(&g, 1, H);
        month(&g, 1, from, sy, sm, 1);
        put(&g, ",");
        month(&g, from, H, sy, sm, 1);
        put(&g, ",");
        change(&g);
        put(&g, "\n");
    }
    flush_to(&g, dir, "infra.csv");

    const int R = pick(&g, 1, 6);
    put(&g, "role,headcount,per_customers,lag,salary,overhead,raise,category,from,to\n");
    for (int r = 0; r < R; r++) {
        const char *cats[] = { "cogs", "rnd", "sm", "ga" };
        put(&g, "role %d,%s,", r, pick(&g, 0, 5) ? (const char *[]){ "0", "1", "2", "3" }[pick(&g, 0, 3)] : "0.5");
        if (pick(&g, 0, 1))
            put(&g, "%.4g", within(&g, 5, 300));
        put(&g, ",%d,", pick(&g, 0, 3));
        money(&g, within(&g, 40000, 200000));
        put(&g, ",%s,", pick(&g, 0, 1) ? "1.25" : "1.1 to 1.4");
        change(&g);
        put(&g, ",%s,", cats[pick(&g, 0, 3)]);
        const int from = pick(&g, 1, H);
        month(&g, 1, from, sy, sm, 1);
        put(&g, ",");
        month(&g, from, H, sy, sm, 1);
        put(&g, "\n");
    }
    flush_to(&g, dir, "staff.csv");

    const int F = pick(&g, 0, 5);
    if (F) {
        put(&g, "feature,plans,effort,role,from,build_months,run_cost,run_cost_per_customer,must_have\n");
        for (int f = 0; f < F; f++) {
            put(&g, "feature %d,", f);
            if (pick(&g, 0, 1) || P == 1)
                put(&g, "all");
            else
                put(&g, "p0;p%d", pick(&g, 1, P - 1));
            const int effort = pick(&g, 0, 3);
            put(&g, ",");
            if (effort)
                put(&g, "\"pert(1, %d, %d)\"", effort + 1, effort + 4);
            else
                put(&g, "0");
            put(&g, ",%s,", effort ? "role 0" : (pick(&g, 0, 1) ? "role 0" : ""));
            month(&g, 1, H, sy, sm, 1);
            put(&g, ",%d,", effort ? pick(&g, 1, 6) : pick(&g, 0, 3));
            money(&g, within(&g, 10, 2000));
            put(&g, ",");
            money(&g, within(&g, 0.1, 10));
            put(&g, ",%s\n", pick(&g, 0, 1) ? "yes" : "no");
        }
        flush_to(&g, dir, "features.csv");
    }

    const int D = pick(&g, 0, 6);
    if (D) {
        put(&g, "deal,month,customers,plan,probability\n");
        for (int d = 0; d < D; d++) {
            put(&g, "deal %d,", d);
            month(&g, 1, H, sy, sm, 0);
            put(&g, ",%d,p%d,%.3g\n", pick(&g, 1, 12), pick(&g, 0, P - 1), within(&g, 0.1, 1));
        }
        flush_to(&g, dir, "pipeline.csv");
    }

    const int N = pick(&g, 0, 2);
    if (N) {
        put(&g, "round,month,amount,probability\n");
        for (int n = 0; n < N; n++) {
            put(&g, "round %d,", n);
            month(&g, 1, H, sy, sm, 0);
            put(&g, ",");
            money(&g, within(&g, 1e5, 5e6));
            put(&g, ",%.3g\n", within(&g, 0.2, 1));
        }
        flush_to(&g, dir, "funding.csv");
    }
    free(g.buf);
}

static void random_models(void **state)
{
    simd_baseline(*state != NULL);
    for (unsigned k = 0; k < 200; k++) {
        char *dir = tu_tmpdir();
        random_model(dir, k);
        struct model *m = load(dir);
        char what[64];
        snprintf(what, sizeof what, "random model %u", k);
        assert_engine_equals_plain(m, what, 1000 + k, 40, NULL);
        /* and as variants: with a contract that builds every feature its
         * plan lacks and has effort, support and onboarding; with every
         * other feature switched off */
        size_t built[8];
        unsigned char off[8] = { 0 };
        struct contract c = { .customers = (double)(k % 7) * 3, .plan = 0, .price = 120, .discount = 0.1,
                              .start = 1 + (int)(k % (unsigned)m->cal.months), .built = built,
                              .custom_effort = dist_const(1.5, RANGE_NONNEG), .effort_role = 0,
                              .support_hours = dist_const(12, RANGE_NONNEG), .support_role = (int)(m->nroles - 1),
                              .onboarding = dist_const(800, RANGE_NONNEG) };
        c.term = m->cal.months - c.start + 1;
        for (size_t i = 0; i < m->nfeatures && i < 8; i++) {
            if (!features_serves(&m->features[i], 0))
                built[c.nbuilt++] = i;
            off[i] = i % 2;
        }
        m->contract = &c;
        struct path *probe = path_new(m); /* workspaces sized for the contract's lines */
        assert_non_null(probe);
        path_free(probe);
        const struct month_variant with = { 1, NULL }, without_some = { 0, off };
        assert_engine_equals_plain(m, what, 2000 + k, 24, &with);
        assert_engine_equals_plain(m, what, 3000 + k, 24, &without_some);
        m->contract = NULL;
        model_free(m);
        tu_rmdir(dir);
    }
    simd_baseline(0);
}

int main(void)
{
    gsl_set_error_handler_off(); /* as cpcsim's main does: statuses are checked instead */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_prestate(example_and_bench_models, NULL),
        cmocka_unit_test_prestate(example_and_bench_models, &baseline_bodies),
        cmocka_unit_test_prestate(random_models, NULL),
        cmocka_unit_test_prestate(random_models, &baseline_bodies),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
