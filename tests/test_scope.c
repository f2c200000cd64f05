/*
 * test_scope.c - the smallest feature scope that fits a price
 * (sim/scope.c, SM_CPC_PLAN in models/month.c), against figures worked out
 * by hand.
 *
 * The company of these models neither grows nor churns and its values are
 * certain, so that a plan's cost per customer, each feature's contribution
 * and the cost after each drop are known exactly on every path.
 */
#include "testutil.h"

#include <stdio.h>
#include <string.h>

#include "sim/diag.h"
#include "sim/engine.h"
#include "sim/model.h"
#include "sim/scope.h"

/* Twelve months of 10 customers on plan a and 10 on plan b.  Every month:
 * hosting 2000 and a founder at 2000, shared by both plans; storage 5 a
 * customer.  Features: core (every plan, 600 a month, a must-have); big
 * (plan a, 1200 a month and 10 a customer); mid (plans a and b, 400 a
 * month); small (plan a, 3 a customer); other (plan b only, 5000 a month);
 * built (plan a, a must-have: 1.2 person-months of the founder, 2400, over
 * months 1 and 2).
 *
 * Plan a over the horizon has 120 customer-months of the 240: hosting
 * 24000 / 2, storage 1200 / 2, founder 24000 / 2, core 7200 / 2, big 15600,
 * mid 4800 / 2, small 360, built 2400: 48960, or 408 a customer-month.
 * Contributions: big 130, core 30, mid 20, built 20, small 3; dropping
 * big, mid and small in turn leaves 278, 258 and 255. */
static const char *company_files[][2] = {
    { "company.csv", "setting,value\ncash,1000000\nstart,2027-01\nmonths,12\ntarget_margin,60%\nconfidence,90%\n" },
    { "plans.csv", "plan,price,customers\na,100,10\nb,200,10\n" },
    { "scenarios.csv", "scenario,new_customers\nsteady,0\n" },
    { "infra.csv", "item,driver,cost,category\nhosting,fixed,2000,cogs\nstorage,per_customer,5,cogs\n" },
    { "staff.csv", "role,headcount,salary,overhead,category\nfounder,1,24000,1,rnd\n" },
    { "features.csv", "feature,plans,effort,role,from,build_months,run_cost,run_cost_per_customer,must_have\n"
                      "core,all,0,,1,0,600,0,yes\n"
                      "big,a,0,,1,0,1200,10,no\n"
                      "mid,a;b,0,,1,0,400,0,no\n"
                      "small,a,0,,1,0,0,3,no\n"
                      "other,b,0,,1,0,5000,0,no\n"
                      "built,a,1.2,founder,1,2,0,0,yes\n" },
};

struct scoped {
    char *dir;
    struct model *m;
    struct scope *s;
};

/* Loads FILES (N of them) and finds the scope of plan PLAN at PRICE. */
static void scope_of(struct scoped *x, const char *(*files)[2], size_t n, size_t plan, double price)
{
    x->m = tu_model(files, n, &x->dir);
    const struct scope_ask ask = { plan, 0, price, x->m->target_margin, x->m->confidence };
    const struct run_options o = { .seed = 5, .paths = 300, .threads = 2 };
    assert_int_equal(scope_find(x->m, &ask, &o, &x->s), ST_OK);
    assert_int_equal(x->m->cpc_plan, -1); /* restored */
}

static void done(struct scoped *x)
{
    scope_free(x->s);
    model_free(x->m);
    tu_rmdir(x->dir);
}

static const struct scope_row *row_named(const struct scoped *x, const char *name)
{
    for (size_t i = 0; i < x->s->nrows; i++)
        if (!strcmp(x->m->features[x->s->rows[i].feature].name, name))
            return &x->s->rows[i];
    fail_msg("no row for feature %s", name);
    return NULL;
}

#define NFILES (sizeof company_files / sizeof company_files[0])

static void the_cost_per_customer_and_contributions_by_hand(void **state)
{
    (void)state;
    struct scoped x;
    scope_of(&x, company_files, NFILES, 0, 660);
    const struct scope *s = x.s;
    assert_close(s->cpc_all, 408, 1e-9 * 408);
    assert_close(s->cpc_plan, 408, 1e-9 * 408);
    assert_int_equal(s->nrows, 5); /* other is plan b's alone */
    static const char *const order[] = { "big", "mid", "small", "core", "built" };
    static const double contribution[] = { 130, 20, 3, 30, 20 };
    for (size_t i = 0; i < 5; i++) {
        assert_string_equal(x.m->features[s->rows[i].feature].name, order[i]);
        assert_close(s->rows[i].contribution, contribution[i], 1e-9 * 408);
        assert_close(s->rows[i].contribution_p90, contribution[i], 1e-9 * 408);
    }
    assert_close(row_named(&x, "big")->cpc_after, 278, 1e-9 * 408);
    assert_close(row_named(&x, "mid")->cpc_after, 258, 1e-9 * 408);
    assert_close(row_named(&x, "small")->cpc_after, 255, 1e-9 * 408);
    assert_true(isnan(row_named(&x, "core")->cpc_after));
    /* 660 x (1 - 60%) = 264: drop big (278) and mid (258), keep small */
    assert_close(s->target, 264, 1e-9);
    assert_true(s->fits);
    assert_int_equal(s->ndropped, 2);
    assert_false(row_named(&x, "big")->kept);
    assert_false(row_named(&x, "mid")->kept);
    assert_true(row_named(&x, "small")->kept);
    assert_close(s->cpc_kept, 258, 1e-9 * 408);
    done(&x);
}

static void must_haves_are_never_dropped_and_an_impossible_price_says_so(void **state)
{
    (void)state;
    struct scoped x;
    /* 600 x 0.4 = 240, below the 255 of the must-haves alone */
    scope_of(&x, company_files, NFILES, 0, 600);
    assert_false(x.s->fits);
    assert_int_equal(x.s->ndropped, 3);
    assert_close(x.s->cpc_kept, 255, 1e-9 * 408);
    assert_true(row_named(&x, "core")->kept);
    assert_true(row_named(&x, "built")->kept);
    char *text;
    size_t len;
    FILE *f = open_memstream(&text, &len);
    scope_terminal(f, x.m, x.s);
    fclose(f);
    assert_non_null(strstr(text, "Even the 2 must-have features do not fit: cost per customer at P90 is 255 with "
                                 "the other 3 dropped, 15 over the 240 that a 60% margin at 600 allows."));
    free(text);
    done(&x);
    /* a price that fits every feature keeps them all */
    scope_of(&x, company_files, NFILES, 0, 1100);
    assert_true(x.s->fits);
    assert_int_equal(x.s->ndropped, 0);
    for (size_t i = 0; i < x.s->nrows; i++)
        assert_true(x.s->rows[i].kept);
    done(&x);
}

/* Twenty optional features of plan a, feature i costing 10 i a month: its
 * contribution is 10 i x 12 / 120 = i, so they are dropped from 20 down;
 * more than a batch of the engine, so that the batches must agree. */
static void more_features_than_a_batch(void **state)
{
    (void)state;
    static char features[4096];
    size_t at = (size_t)snprintf(features, sizeof features, "feature,plans,from,build_months,run_cost,must_have\n");
    for (int i = 1; i <= 20; i++)
        at += (size_t)snprintf(features + at, sizeof features - at, "f%d,a,1,0,%d,no\n", i, 10 * i);
    const char *files[NFILES][2];
    memcpy(files, company_files, sizeof files);
    files[NFILES - 1][1] = features;
    struct scoped x;
    /* without features plan a costs (12000 + 600 + 12000) / 120 = 205; with
     * them 205 + 210 = 415; a price of 800 allows 320: drop f20 down to f15
     * (the cost falls by 20 + ... + 15 = 105 to 310; f20 to f16 leave 325) */
    scope_of(&x, files, NFILES, 0, 800);
    assert_int_equal(x.s->nrows, 20);
    assert_close(x.s->cpc_all, 415, 1e-9 * 415);
    double after = 415;
    for (int k = 0; k < 20; k++) {
        char name[8];
        snprintf(name, sizeof name, "f%d", 20 - k);
        assert_string_equal(x.m->features[x.s->rows[k].feature].name, name);
        after -= 20 - k;
        assert_close(x.s->rows[k].contribution, 20 - k, 1e-9 * 415);
        assert_close(x.s->rows[k].cpc_after, after, 1e-9 * 415);
    }
    assert_int_equal(x.s->ndropped, 6);
    assert_close(x.s->cpc_kept, 310, 1e-9 * 415);
    done(&x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_cost_per_customer_and_contributions_by_hand),
        cmocka_unit_test(must_haves_are_never_dropped_and_an_impossible_price_says_so),
        cmocka_unit_test(more_features_than_a_batch),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
