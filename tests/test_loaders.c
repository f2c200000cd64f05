/*
 * test_loaders.c - every model file's loader, through model_load on small
 * model folders written into temporary directories: a minimal model loads
 * with the spec's defaults, given values (month cells as index and as
 * YYYY-MM, mix, names resolved across files) land where they belong, and
 * each bad header, cell, name, month or setting is reported with its exact
 * message at FILE:LINE:COL, every problem of every file in one load, with
 * ST_DATA for bad data and ST_NOINPUT for a missing file or folder.
 */
#include "testutil.h"

#include <gsl/gsl_errno.h>

#include "models/category.h"
#include "sim/diag.h"
#include "sim/model.h"
#include "sim/status.h"

static char *dir;
static struct diag *d;
static struct model *m;

/* The smallest model the spec accepts: the five required files. */
static int setup(void **state)
{
    (void)state;
    dir = tu_tmpdir();
    d = diag_new();
    m = NULL;
    tu_write(dir, "company.csv", "setting,value\ncash,100000\nstart,2027-01\n");
    tu_write(dir, "plans.csv", "plan,price\nbasic,100\n");
    tu_write(dir, "scenarios.csv", "scenario,new_customers\nbase,5\n");
    tu_write(dir, "infra.csv", "item,cost\nservers,500\n");
    tu_write(dir, "staff.csv", "role,salary\nengineer,120000\n");
    return d ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    model_free(m);
    diag_free(d);
    tu_rmdir(dir);
    m = NULL;
    d = NULL;
    dir = NULL;
    return 0;
}

static void put(const char *name, const char *text)
{
    tu_write(dir, name, text);
}

static void drop(const char *name)
{
    char path[600];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    assert_int_equal(remove(path), 0);
}

static enum status load(void)
{
    return model_load(dir, d, &m);
}

/* Loads a model that must be good. */
static void load_ok(void)
{
    enum status st = load();
    for (size_t i = 0; i < diag_count(d); i++)
        print_error("%s\n", diag_message(d, i));
    assert_int_equal(st, ST_OK);
    assert_int_equal(diag_count(d), 0);
    assert_non_null(m);
}

/* Message I is the model folder followed by REST. */
static void assert_msg(size_t i, const char *rest)
{
    char want[2048];
    snprintf(want, sizeof want, "%s%s", dir, rest);
    const char *got = diag_message(d, i);
    assert_non_null(got);
    assert_string_equal(got, want);
}

/* Loads a model with one problem of bad data, reported as DIR followed by REST. */
static void load_one_error(const char *rest)
{
    assert_int_equal(load(), ST_DATA);
    assert_null(m);
    assert_int_equal(diag_errors(d), 1);
    assert_msg(0, rest);
}

/* ---- a good model and its defaults ---- */

static void minimal_model_loads(void **state)
{
    (void)state;
    load_ok();
    assert_int_equal(m->nplans, 1);
    assert_int_equal(m->nscenarios, 1);
    assert_int_equal(m->ninfra, 1);
    assert_int_equal(m->nroles, 1);
    assert_int_equal(m->nfeatures, 0);
    assert_int_equal(m->ndeals, 0);
    assert_int_equal(m->nrounds, 0);
}

static void company_defaults(void **state)
{
    (void)state;
    load_ok();
    assert_close(m->cash, 100000, 0);
    assert_int_equal(m->cal.start_year, 2027);
    assert_int_equal(m->cal.start_month, 1);
    assert_int_equal(m->cal.months, 36);
    assert_string_equal(m->currency, "USD");
    assert_close(m->min_cash, 0, 0);
    assert_close(m->target_margin, 0.7, 1e-15);
    assert_close(m->confidence, 0.9, 1e-15);
}

static void company_settings_are_read_case_insensitively(void **state)
{
    (void)state;
    put("company.csv", "Setting,VALUE\nCash,250000\nstart,2026-07\nmonths,24\ncurrency,EUR\n"
                       "min_cash,50000\ntarget_margin,75%\nconfidence,0.8\n");
    load_ok();
    assert_close(m->cash, 250000, 0);
    assert_int_equal(m->cal.start_year, 2026);
    assert_int_equal(m->cal.start_month, 7);
    assert_int_equal(m->cal.months, 24);
    assert_string_equal(m->currency, "EUR");
    assert_close(m->min_cash, 50000, 0);
    assert_close(m->target_margin, 0.75, 1e-15);
    assert_close(m->confidence, 0.8, 1e-15);
}

static void plan_defaults(void **state)
{
    (void)state;
    load_ok();
    const struct plan *p = &m->plans[0];
    assert_string_equal(p->name, "basic");
    assert_int_equal(p->price.kind, DIST_CONST);
    assert_close(p->price.p[0], 100, 0);
    assert_close(p->customers, 0, 0);
    assert_close(p->mix, 1, 0);
}

static void plan_price_may_be_a_distribution(void **state)
{
    (void)state;
    put("plans.csv", "plan,price,customers\nenterprise,2500 to 5000,6\n");
    load_ok();
    assert_int_equal(m->plans[0].price.kind, DIST_LOGNORMAL);
    assert_close(m->plans[0].customers, 6, 0);
}

static void mix_is_equal_shares_when_absent(void **state)
{
    (void)state;
    put("plans.csv", "plan,price\na,1\nb,2\nc,3\n");
    load_ok();
    for (size_t i = 0; i < 3; i++)
        assert_close(m->plans[i].mix, 1.0 / 3, 1e-15);
}

/* Shares that do not add up to 1 are normalised, with a warning that says
 * so and shows the shares used; the model still loads. */
static void mix_is_normalised_when_given(void **state)
{
    (void)state;
    put("plans.csv", "plan,price,mix\na,1,3\nb,2,1\n");
    assert_int_equal(load(), ST_OK);
    assert_int_equal(diag_errors(d), 0);
    assert_int_equal(diag_warnings(d), 1);
    assert_msg(0, "/plans.csv:2:3: warning: mix: the shares add up to 4, not 1; cpcsim normalises them "
                  "(a 75%, b 25%)");
    assert_close(m->plans[0].mix, 0.75, 1e-15);
    assert_close(m->plans[1].mix, 0.25, 1e-15);
}

static void mix_short_of_1_is_normalised_with_a_warning(void **state)
{
    (void)state;
    put("plans.csv", "plan,price,customers,mix\nstarter,149,60,50%\nteam,799,30,35%\nenterprise,3000,6,10%\n");
    assert_int_equal(load(), ST_OK);
    assert_int_equal(diag_count(d), 1);
    assert_msg(0, "/plans.csv:2:4: warning: mix: the shares add up to 0.95, not 1; cpcsim normalises them "
                  "(starter 52.6%, team 36.8%, enterprise 10.5%)");
    assert_close(m->plans[0].mix, 0.5 / 0.95, 1e-15);
}

/* Past six plans the warning says what was done instead of listing them. */
static void mix_of_many_plans_is_normalised_with_a_short_warning(void **state)
{
    (void)state;
    put("plans.csv", "plan,price,mix\na,1,1\nb,1,1\nc,1,1\nd,1,1\ne,1,1\nf,1,1\ng,1,2\n");
    assert_int_equal(load(), ST_OK);
    assert_int_equal(diag_count(d), 1);
    assert_msg(0, "/plans.csv:2:3: warning: mix: the shares add up to 8, not 1; cpcsim normalises them "
                  "(each divided by 8)");
    assert_close(m->plans[6].mix, 0.25, 1e-15);
}

/* Shares that add up to 1 as written, give or take rounding, say nothing. */
static void mix_adding_up_to_1_loads_quietly(void **state)
{
    (void)state;
    put("plans.csv", "plan,price,mix\na,1,0.5\nb,2,0.38\nc,3,0.12\n");
    load_ok();
    put("plans.csv", "plan,price,mix\na,1,0.3333333333\nb,2,0.3333333333\nc,3,0.3333333334\n");
    model_free(m);
    m = NULL;
    load_ok();
    assert_close(m->plans[2].mix, 0.3333333334, 1e-15);
}

static void scenario_defaults(void **state)
{
    (void)state;
    load_ok();
    const struct scenario *s = &m->scenarios[0];
    assert_string_equal(s->name, "base");
    assert_close(dist_mean(&s->new_customers), 5, 0);
    assert_int_equal(s->growth.kind, DIST_CONST);
    assert_close(dist_mean(&s->growth), 0, 0);
    assert_close(dist_mean(&s->churn), 0, 0);
    assert_close(dist_mean(&s->deal_slip), 0, 0);
    assert_close(dist_mean(&s->deal_loss), 0, 0);
    assert_int_equal(s->growth.range, RANGE_CHANGE);
    assert_int_equal(s->churn.range, RANGE_RATE);
}

static void scenario_values_are_read(void **state)
{
    (void)state;
    put("scenarios.csv", "scenario,new_customers,growth,churn,deal_slip,deal_loss\n"
                         "realistic,6 to 11,-1% to 4%,\"beta(3, 97)\",20%,0.25\n");
    load_ok();
    const struct scenario *s = &m->scenarios[0];
    assert_int_equal(s->new_customers.kind, DIST_LOGNORMAL);
    assert_int_equal(s->growth.kind, DIST_NORMAL);
    assert_int_equal(s->churn.kind, DIST_BETA);
    assert_close(dist_mean(&s->deal_slip), 0.2, 1e-15);
    assert_close(dist_mean(&s->deal_loss), 0.25, 1e-15);
}

static void infra_defaults(void **state)
{
    (void)state;
    load_ok();
    const struct infra_line *l = &m->infra[0];
    assert_string_equal(l->item, "servers");
    assert_int_equal(l->driver, DRIVER_FIXED);
    assert_close(dist_mean(&l->cost), 500, 0);
    assert_true(isnan(l->step));
    assert_int_equal(l->category, CAT_COGS);
    assert_int_equal(l->from, 1);
    assert_int_equal(l->to, 36);
    assert_close(dist_mean(&l->escalation), 0, 0);
}

static void infra_to_defaults_to_the_horizon_setting(void **state)
{
    (void)state;
    put("company.csv", "setting,value\ncash,1\nstart,2027-01\nmonths,24\n");
    load_ok();
    assert_int_equal(m->infra[0].to, 24);
}

static void infra_step_line_is_read(void **state)
{
    (void)state;
    put("infra.csv", "item,driver,cost,step,category,escalation\nracks,step,140,60,rnd,5%\n"
                     "storage,per_customer,0.8 to 3,,ga,\n");
    load_ok();
    assert_int_equal(m->infra[0].driver, DRIVER_STEP);
    assert_close(m->infra[0].step, 60, 0);
    assert_int_equal(m->infra[0].category, CAT_RND);
    assert_close(dist_mean(&m->infra[0].escalation), 0.05, 1e-15);
    assert_int_equal(m->infra[1].driver, DRIVER_PER_CUSTOMER);
    assert_int_equal(m->infra[1].cost.kind, DIST_LOGNORMAL);
    assert_int_equal(m->infra[1].category, CAT_GA);
}

static void header_names_are_trimmed_and_case_insensitive(void **state)
{
    (void)state;
    put("infra.csv", " Item , COST \nservers,500\n");
    load_ok();
    assert_string_equal(m->infra[0].item, "servers");
    assert_close(dist_mean(&m->infra[0].cost), 500, 0);
}

static void staff_defaults(void **state)
{
    (void)state;
    load_ok();
    const struct role *r = &m->roles[0];
    assert_string_equal(r->name, "engineer");
    assert_close(r->headcount, 0, 0);
    assert_true(isnan(r->per_customers));
    assert_close(r->lag, 0, 0);
    assert_close(dist_mean(&r->salary_per_year), 120000, 0);
    assert_close(dist_mean(&r->overhead), 1, 0);
    assert_close(dist_mean(&r->raise), 0, 0);
    assert_int_equal(r->category, CAT_RND);
    assert_int_equal(r->from, 1);
    assert_int_equal(r->to, 36);
}

static void staff_row_is_read(void **state)
{
    (void)state;
    put("staff.csv", "role,headcount,per_customers,lag,salary,overhead,raise,category,from,to\n"
                     "support,1,200,1,42000 to 55000,1.25,3%,cogs,2027-03,2028-12\n");
    load_ok();
    const struct role *r = &m->roles[0];
    assert_close(r->headcount, 1, 0);
    assert_close(r->per_customers, 200, 0);
    assert_close(r->lag, 1, 0);
    assert_int_equal(r->salary_per_year.kind, DIST_LOGNORMAL);
    assert_close(dist_mean(&r->overhead), 1.25, 1e-15);
    assert_close(dist_mean(&r->raise), 0.03, 1e-15);
    assert_int_equal(r->category, CAT_COGS);
    assert_int_equal(r->from, 3);
    assert_int_equal(r->to, 24);
}

static void feature_defaults(void **state)
{
    (void)state;
    put("features.csv", "feature\nsso\n");
    load_ok();
    assert_int_equal(m->nfeatures, 1);
    const struct feature *f = &m->features[0];
    assert_string_equal(f->name, "sso");
    assert_true(f->all_plans);
    assert_int_equal(f->on_plan[0], 1);
    assert_close(dist_mean(&f->effort), 0, 0);
    assert_int_equal(f->role, -1);
    assert_int_equal(f->from, 1);
    assert_close(f->build_months, 1, 0);
    assert_close(dist_mean(&f->run_cost), 0, 0);
    assert_close(dist_mean(&f->run_cost_per_customer), 0, 0);
    assert_int_equal(f->optional, 0); /* must_have yes */
}

static void feature_resolves_its_role_and_plans(void **state)
{
    (void)state;
    put("plans.csv", "plan,price\nbasic,1\npro,2\nent,3\n");
    put("features.csv", "feature,plans,effort,role,from,build_months,run_cost,must_have\n"
                        "api,pro; ent,\"pert(2, 3, 6)\",engineer,2027-02,3,150,no\n");
    load_ok();
    const struct feature *f = &m->features[0];
    assert_false(f->all_plans);
    assert_int_equal(f->on_plan[0], 0);
    assert_int_equal(f->on_plan[1], 1);
    assert_int_equal(f->on_plan[2], 1);
    assert_int_equal(f->effort.kind, DIST_PERT);
    assert_int_equal(f->role, 0);
    assert_int_equal(f->from, 2);
    assert_close(f->build_months, 3, 0);
    assert_close(dist_mean(&f->run_cost), 150, 0);
    assert_int_equal(f->optional, 1);
}

static void deal_defaults(void **state)
{
    (void)state;
    put("plans.csv", "plan,price\nbasic,1\npro,2\n");
    put("pipeline.csv", "deal,month\nacme,3\n");
    load_ok();
    assert_int_equal(m->ndeals, 1);
    const struct deal *dl = &m->deals[0];
    assert_string_equal(dl->name, "acme");
    assert_int_equal(dl->month, 3);
    assert_close(dl->customers, 1, 0);
    assert_int_equal(dl->plan, 0);
    assert_close(dl->probability, 1, 0);
}

static void deal_plan_is_found_by_name(void **state)
{
    (void)state;
    put("plans.csv", "plan,price\nbasic,1\npro,2\n");
    put("pipeline.csv", "deal,month,customers,plan,probability\nacme,2027-05,4,pro,40%\n");
    load_ok();
    const struct deal *dl = &m->deals[0];
    assert_int_equal(dl->month, 5);
    assert_close(dl->customers, 4, 0);
    assert_int_equal(dl->plan, 1);
    assert_close(dl->probability, 0.4, 1e-15);
}

static void funding_round_is_read(void **state)
{
    (void)state;
    put("funding.csv", "round,month,amount,probability\nseed,2027-10,400000 to 900000,50%\n");
    load_ok();
    assert_int_equal(m->nrounds, 1);
    assert_string_equal(m->rounds[0].name, "seed");
    assert_int_equal(m->rounds[0].month, 10);
    assert_int_equal(m->rounds[0].amount.kind, DIST_LOGNORMAL);
    assert_close(m->rounds[0].probability, 0.5, 1e-15);
}

static void month_cells_take_an_index_or_a_date(void **state)
{
    (void)state;
    put("infra.csv", "item,cost,from,to\na,1,7,2028-01\nb,1,2027-03,36\n");
    load_ok();
    assert_int_equal(m->infra[0].from, 7);
    assert_int_equal(m->infra[0].to, 13);
    assert_int_equal(m->infra[1].from, 3);
    assert_int_equal(m->infra[1].to, 36);
}

static void date_before_the_start_starts_a_line_at_month_1(void **state)
{
    (void)state;
    put("infra.csv", "item,cost,from\na,1,2026-06\n");
    load_ok();
    assert_int_equal(m->infra[0].from, 1);
}

static void deal_date_after_the_horizon_is_kept(void **state)
{
    (void)state;
    put("pipeline.csv", "deal,month\nlate,2031-01\n");
    load_ok();
    assert_int_equal(m->deals[0].month, 49);
}

static void absent_optional_files_are_fine(void **state)
{
    (void)state;
    load_ok();
    assert_false(m->sources[MF_FEATURES].present);
    assert_false(m->sources[MF_PIPELINE].present);
    assert_false(m->sources[MF_FUNDING].present);
    assert_true(m->sources[MF_INFRA].present);
    assert_int_equal(m->sources[MF_INFRA].rows, 1);
    assert_string_equal(m->sources[MF_INFRA].file, "infra.csv");
}

/* ---- bad headers ---- */

static void unknown_column_lists_the_known_ones(void **state)
{
    (void)state;
    put("staff.csv", "role,salray\nengineer,120000\n");
    assert_int_equal(load(), ST_DATA);
    assert_null(m);
    assert_int_equal(diag_errors(d), 2);
    assert_msg(0, "/staff.csv:1:2: unknown column 'salray'; known columns: role, headcount, per_customers, "
                  "lag, salary, overhead, raise, category, from, to");
    assert_msg(1, "/staff.csv:1: missing required column 'salary'; known columns: role, headcount, "
                  "per_customers, lag, salary, overhead, raise, category, from, to");
}

static void duplicate_column_is_named(void **state)
{
    (void)state;
    put("staff.csv", "role,salary,Salary\nengineer,1,2\n");
    load_one_error("/staff.csv:1:3: duplicate column 'Salary' (also column 2); known columns: role, headcount, per_customers, lag, salary, overhead, raise, category, from, to");
}

static void missing_required_column_is_named(void **state)
{
    (void)state;
    put("plans.csv", "plan,customers\nbasic,3\n");
    load_one_error("/plans.csv:1: missing required column 'price'; known columns: plan, price, customers, mix");
}

static void unknown_company_column_is_refused(void **state)
{
    (void)state;
    put("company.csv", "setting,value,note\ncash,1,x\nstart,2027-01,y\n");
    load_one_error("/company.csv:1:3: unknown column 'note'; known columns: setting, value");
}

/* ---- bad cells ---- */

static void empty_required_cell_is_placed(void **state)
{
    (void)state;
    put("staff.csv", "role,salary\nengineer,\n");
    load_one_error("/staff.csv:2:2: salary: this cell is required but empty");
}

static void bad_cost_quotes_the_text(void **state)
{
    (void)state;
    put("infra.csv", "item,cost\nservers,500\nbackups,abc\n");
    load_one_error("/infra.csv:3:2: cost: expected a number or a distribution such as '900 to 1500', got "
                   "'abc': write a plain number such as 1200 or -3.5");
}

static void thousands_separator_in_a_quoted_cell_is_refused(void **state)
{
    (void)state;
    put("company.csv", "setting,value\ncash,\"1,200\"\nstart,2027-01\n");
    load_one_error("/company.csv:2:2: cash: expected a number, got '1,200': write 1200 (no thousands "
                   "separators or currency signs; '.' is the decimal point)");
}

static void unknown_choice_lists_the_choices(void **state)
{
    (void)state;
    put("infra.csv", "item,driver,cost\nrack,monthly,100\n");
    load_one_error("/infra.csv:2:2: driver: expected one of fixed, per_customer, step, got 'monthly'");
}

static void fractional_customers_are_refused(void **state)
{
    (void)state;
    put("pipeline.csv", "deal,month,customers\nacme,3,1.5\n");
    load_one_error("/pipeline.csv:2:3: customers: expected a whole number of 0 or more, got '1.5'");
}

static void probability_above_one_is_refused(void **state)
{
    (void)state;
    put("pipeline.csv", "deal,month,probability\nacme,3,1.5\n");
    load_one_error("/pipeline.csv:2:3: probability: expected a number between 0 and 1 (or 0% to 100%), got '1.5'");
}

/* A plain number outside its field's range is refused in a U column as it
 * is in a plain-number column: otherwise the plan uses it as written while
 * every path clamps it, and nothing tells the user. */
static void negative_cost_is_refused(void **state)
{
    (void)state;
    put("infra.csv", "item,cost\nservers,-500\n");
    load_one_error("/infra.csv:2:2: cost: expected a number 0 or more, got '-500'");
}

static void churn_above_one_is_refused(void **state)
{
    (void)state;
    put("scenarios.csv", "scenario,new_customers,churn\nbase,5,150%\n");
    load_one_error("/scenarios.csv:2:3: churn: expected a number between 0 and 1 (or 0% to 100%), got '150%'");
}

/* ---- numbers that contradict their field ---- */

/* A '%' is for fields that are fractions (rates, shares, changes, ratios):
 * anywhere else it was read as a hundredth of what was meant. */
static void percent_outside_a_fraction_is_refused(void **state)
{
    (void)state;
    put("company.csv", "setting,value\ncash,100000\nstart,2027-01\nmonths,1200%\nmin_cash,10%\n");
    put("plans.csv", "plan,price,customers\nbasic,10% to 20%,500%\n");
    put("staff.csv", "role,headcount,salary\nengineer,150%,120000\n");
    const char *rest = "' has a % sign, but this field is not a fraction (a % divides by 100): write the number itself";
    assert_int_equal(load(), ST_DATA);
    assert_int_equal(diag_errors(d), 5);
    const char *where[] = { "/company.csv:4:2: months: '1200%", "/company.csv:5:2: min_cash: '10%",
                            "/plans.csv:2:2: price: '10% to 20%", "/plans.csv:2:3: customers: '500%",
                            "/staff.csv:2:2: headcount: '150%" };
    for (size_t i = 0; i < 5; i++) {
        char want[512];
        snprintf(want, sizeof want, "%s%s", where[i], rest);
        assert_msg(i, want);
    }
}

static void percent_on_every_fraction_loads(void **state)
{
    (void)state;
    put("company.csv", "setting,value\ncash,100000\nstart,2027-01\ntarget_margin,60%\nconfidence,95%\n");
    put("plans.csv", "plan,price,mix\nbasic,100,40%\npro,300,60%\n");
    put("scenarios.csv", "scenario,new_customers,growth,churn,deal_slip,deal_loss\nbase,5,1% to 3%,2%,30%,10%\n");
    put("infra.csv", "item,cost,escalation\nservers,500,5%\n");
    put("staff.csv", "role,salary,overhead,raise\nengineer,120000,125%,3%\n");
    put("pipeline.csv", "deal,month,probability\nacme,3,50%\n");
    put("funding.csv", "round,month,amount,probability\nseed,6,500000,80%\n");
    load_ok();
    assert_close(m->roles[0].overhead.p[0], 1.25, 1e-12);
    assert_close(m->deals[0].probability, 0.5, 1e-12);
}

/* A distribution whose mean its field cannot take is refused, with the
 * percent reading as a hint when it is one; every kind and range alike. */
static void distribution_whose_mean_is_outside_its_field_is_refused(void **state)
{
    (void)state;
    put("scenarios.csv", "scenario,new_customers,growth,churn,deal_slip\nbase,5,-5 to -1,2 to 4,\"normal(2, 0.1)\"\n");
    put("infra.csv", "item,cost\nservers,\"normal(-50, 10)\"\n");
    assert_int_equal(load(), ST_DATA);
    assert_int_equal(diag_errors(d), 4);
    assert_msg(0, "/scenarios.csv:2:3: growth: '-5 to -1' has a mean of -3, but this field is a change, of -100% or "
                  "more: did you mean -5% to -1%?");
    assert_msg(1, "/scenarios.csv:2:4: churn: '2 to 4' has a mean of 2.89191, but this field is a rate, from 0 to 1 "
                  "(0% to 100%): did you mean 2% to 4%?");
    assert_msg(2, "/scenarios.csv:2:5: deal_slip: 'normal(2, 0.1)' has a mean of 2, but this field is a rate, from 0 "
                  "to 1 (0% to 100%): did you mean normal(2%, 0.1%)?");
    assert_msg(3, "/infra.csv:2:2: cost: 'normal(-50, 10)' has a mean of -50, but this field is a value of 0 or more");
}

/* The share clamped is reported by every command: model_load adds it. */
static void distribution_clamped_often_warns_at_load(void **state)
{
    (void)state;
    put("scenarios.csv", "scenario,new_customers,churn\nbase,5,\"normal(5%, 5%)\"\n");
    assert_int_equal(load(), ST_OK);
    assert_int_equal(diag_errors(d), 0);
    assert_int_equal(diag_count(d), 1);
    assert_msg(0, "/scenarios.csv:2: warning: churn: normal(mean 0.05, sd 0.05) puts 15.9% of its draws outside 0 to 1; "
                  "they are clamped");
}

/* Amounts that no double holds over the horizon, from a large cell, a
 * heavy tail, a tiny divisor or a compounding change, are refused at the
 * cell that causes them. */
static void amounts_that_overflow_are_refused(void **state)
{
    (void)state;
    put("infra.csv", "item,driver,cost,step,escalation\nbig,fixed,1e308,,\ntail,fixed,\"lognormal(700, 1)\",,\n"
                     "blocks,step,5,1e-306,\nescalating,fixed,100,,1e60\n");
    put("staff.csv", "role,salary,per_customers\nsupport,50000,1e-300\n");
    assert_int_equal(load(), ST_DATA);
    assert_int_equal(diag_errors(d), 5);
    assert_msg(0, "/infra.csv:2:3: cost: the line's cost can reach more than a double holds (1.8e+308) (up to 1e+308 "
                  "x 36 months), beyond the 1e+100 cpcsim computes with; is the number too large?");
    assert_non_null(strstr(diag_message(d, 1), "/infra.csv:3:3: cost: the line's cost can reach"));
    assert_non_null(strstr(diag_message(d, 2), "/infra.csv:4:4: step: up to "));
    assert_non_null(strstr(diag_message(d, 3), "/infra.csv:5:5: escalation: the line's cost can reach"));
    assert_non_null(strstr(diag_message(d, 4), "/staff.csv:2:3: per_customers: up to "));
}

static void large_but_computable_amounts_load(void **state)
{
    (void)state;
    put("company.csv", "setting,value\ncash,5e12\nstart,2027-01\nmonths,600\n");
    put("infra.csv", "item,cost,escalation\nservers,1e80,5%\n");
    load_ok();
}

/* Dates are written YYYY-MM: a horizon past 9999-12 is refused. */
static void horizon_past_9999_is_refused(void **state)
{
    (void)state;
    put("company.csv", "setting,value\ncash,100000\nstart,9999-01\nmonths,24\n");
    load_one_error("/company.csv:4:2: months: 24 months from 9999-01 end in 10000-12, past 9999-12 (months are "
                   "written YYYY-MM): start earlier or shorten the horizon to 12 months");
}

static void horizon_ending_in_9999_12_loads(void **state)
{
    (void)state;
    put("company.csv", "setting,value\ncash,100000\nstart,9999-01\nmonths,12\n");
    load_ok();
}

/* ---- names ---- */

static void duplicate_plan_name_is_refused(void **state)
{
    (void)state;
    put("plans.csv", "plan,price\npro,100\nbasic,50\npro,200\n");
    load_one_error("/plans.csv:4:1: plan: duplicate name 'pro' (first on line 2)");
}

static void feature_role_must_exist(void **state)
{
    (void)state;
    put("features.csv", "feature,effort,role\nsso,2,designer\n");
    load_one_error("/features.csv:2:3: role: no role called 'designer' in staff.csv");
}

static void feature_with_effort_needs_a_role(void **state)
{
    (void)state;
    put("features.csv", "feature,effort\nsso,2\n");
    load_one_error("/features.csv:2: role: a feature with effort needs the role whose rate prices it "
                   "(a role of staff.csv)");
}

static void feature_plan_must_exist(void **state)
{
    (void)state;
    put("features.csv", "feature,plans\nsso,basic;gold\n");
    load_one_error("/features.csv:2:2: plans: no plan called 'gold'; plans are: basic (or write all, or none)");
}

static void deal_plan_must_exist(void **state)
{
    (void)state;
    put("pipeline.csv", "deal,month,plan\nacme,3,gold\n");
    load_one_error("/pipeline.csv:2:3: plan: no plan called 'gold' in plans.csv");
}

/* ---- months ---- */

static void month_13_is_refused(void **state)
{
    (void)state;
    put("pipeline.csv", "deal,month\nacme,2026-13\n");
    load_one_error("/pipeline.csv:2:2: month: expected a month as YYYY-MM (such as 2027-03) or an index "
                   "from 1 to 36, got '2026-13'");
}

static void month_with_slashes_is_refused(void **state)
{
    (void)state;
    put("pipeline.csv", "deal,month\nacme,01/02/2026\n");
    load_one_error("/pipeline.csv:2:2: month: expected a month as YYYY-MM (such as 2027-03) or an index "
                   "from 1 to 36, got '01/02/2026'");
}

static void month_index_0_is_refused(void **state)
{
    (void)state;
    put("infra.csv", "item,cost,from\na,1,0\n");
    load_one_error("/infra.csv:2:3: from: month index 0 is outside the horizon 1 to 36");
}

static void month_index_beyond_the_horizon_is_refused(void **state)
{
    (void)state;
    put("company.csv", "setting,value\ncash,1\nstart,2027-01\nmonths,12\n");
    put("staff.csv", "role,salary,to\nengineer,1,13\n");
    load_one_error("/staff.csv:2:3: to: month index 13 is outside the horizon 1 to 12");
}

static void deal_date_before_the_start_is_refused(void **state)
{
    (void)state;
    put("pipeline.csv", "deal,month\nacme,2026-12\n");
    load_one_error("/pipeline.csv:2:2: month: 2026-12 is before the first simulated month");
}

static void last_month_before_first_is_refused(void **state)
{
    (void)state;
    put("infra.csv", "item,cost,from,to\nx,1,5,3\n");
    load_one_error("/infra.csv:2:4: to: the last month comes before the first (from)");
}

/* ---- rules across columns and rows ---- */

static void step_driver_without_step_column_is_refused(void **state)
{
    (void)state;
    put("infra.csv", "item,driver,cost\nrack,step,100\n");
    load_one_error("/infra.csv:2: step: a step line needs the customers per block, a number above 0 "
                   "(such as 200)");
}

static void step_driver_with_empty_step_is_refused(void **state)
{
    (void)state;
    put("infra.csv", "item,driver,cost,step\nrack,step,100,\n");
    load_one_error("/infra.csv:2:4: step: a step line needs the customers per block, a number above 0 "
                   "(such as 200)");
}

static void mix_given_for_some_plans_only_is_refused(void **state)
{
    (void)state;
    put("plans.csv", "plan,price,mix\na,1,1\nb,2,\n");
    load_one_error("/plans.csv:3:3: mix: empty, but other plans give one: give a mix for every plan or for none");
}

static void header_only_plans_is_refused(void **state)
{
    (void)state;
    put("plans.csv", "plan,price\n");
    load_one_error("/plans.csv: no plans: the file needs at least one row below its header");
}

/* ---- company settings ---- */

static void unknown_setting_lists_the_known_ones(void **state)
{
    (void)state;
    put("company.csv", "setting,value\ncash,1\nstart,2027-01\nburn,5\n");
    load_one_error("/company.csv:4:1: setting: unknown setting 'burn'; known settings: cash, start, months, "
                   "currency, min_cash, target_margin, confidence");
}

static void months_0_is_refused(void **state)
{
    (void)state;
    put("company.csv", "setting,value\ncash,1\nstart,2027-01\nmonths,0\n");
    load_one_error("/company.csv:4:2: months: the horizon must be a whole number from 1 to 600, got '0'");
}

static void months_601_is_refused(void **state)
{
    (void)state;
    put("company.csv", "setting,value\ncash,1\nstart,2027-01\nmonths,601\n");
    load_one_error("/company.csv:4:2: months: the horizon must be a whole number from 1 to 600, got '601'");
}

static void fractional_months_are_refused(void **state)
{
    (void)state;
    put("company.csv", "setting,value\ncash,1\nstart,2027-01\nmonths,1.5\n");
    load_one_error("/company.csv:4:2: months: the horizon must be a whole number from 1 to 600, got '1.5'");
}

static void months_600_is_accepted(void **state)
{
    (void)state;
    put("company.csv", "setting,value\ncash,1\nstart,2027-01\nmonths,600\n");
    load_ok();
    assert_int_equal(m->cal.months, 600);
}

static void missing_cash_is_refused(void **state)
{
    (void)state;
    put("company.csv", "setting,value\nstart,2027-01\n");
    load_one_error("/company.csv: missing setting 'cash' (the cash in the bank at the start)");
}

static void bad_start_is_refused(void **state)
{
    (void)state;
    put("company.csv", "setting,value\ncash,1\nstart,Jan 2027\n");
    load_one_error("/company.csv:3:2: start: expected a month as YYYY-MM (such as 2027-01), "
                   "got 'Jan 2027'");
}

static void setting_given_twice_is_refused(void **state)
{
    (void)state;
    put("company.csv", "setting,value\ncash,1\nstart,2027-01\ncash,2\n");
    load_one_error("/company.csv:4:1: setting: 'cash' is set twice (first on line 2)");
}

/* ---- files ---- */

static void missing_required_file_is_no_input(void **state)
{
    (void)state;
    drop("staff.csv");
    assert_int_equal(load(), ST_NOINPUT);
    assert_int_equal(ST_NOINPUT, 66);
    assert_null(m);
    assert_int_equal(diag_errors(d), 1);
    assert_msg(0, "/staff.csv: cannot open: No such file or directory");
}

static void missing_model_folder_is_no_input(void **state)
{
    (void)state;
    char path[600];
    snprintf(path, sizeof path, "%s/nothing", dir);
    assert_int_equal(model_load(path, d, &m), ST_NOINPUT);
    assert_null(m);
    assert_int_equal(diag_errors(d), 1);
    assert_msg(0, "/nothing: no such model folder (a model is a folder of CSV files: company.csv, "
                  "plans.csv, scenarios.csv, infra.csv, staff.csv, ...)");
}

static void missing_file_outranks_bad_data(void **state)
{
    (void)state;
    drop("scenarios.csv");
    put("infra.csv", "item,cost\nservers,abc\n");
    assert_int_equal(load(), ST_NOINPUT);
    assert_int_equal(diag_errors(d), 2);
}

static void every_problem_of_every_file_is_reported(void **state)
{
    (void)state;
    put("plans.csv", "plan,price\npro,1,200\nbasic,abc\n");          /* 2 */
    put("staff.csv", "role,salray\nengineer,120000\n");              /* 2 */
    put("infra.csv", "item,driver,cost\nrack,monthly,100\n");        /* 1 */
    put("pipeline.csv", "deal,month\nacme,0\nbeta,2026-13\n");       /* 2 */
    assert_int_equal(load(), ST_DATA);
    assert_null(m);
    assert_int_equal(diag_errors(d), 7);
    assert_msg(0, "/plans.csv:2:3: 3 fields, expected 2 (as in the header): the extra field starts in column 3; a "
                  "cell that holds a comma, such as \"normal(10, 2)\", must be quoted; cells 2 and 3 look like one "
                  "number, 1,200, cut at its thousands separator: write 1200");
    assert_msg(6, "/pipeline.csv:3:2: month: expected a month as YYYY-MM (such as 2027-03) or an index "
                  "from 1 to 36, got '2026-13'");
}

/* ---- no cascades: an error is reported once, not again in what follows from it ---- */

/* Loads a model whose only problems are the N messages in WANT (each DIR
 * followed by it), with status ST. */
static void load_only(enum status st, size_t n, const char *const *want)
{
    assert_int_equal(load(), st);
    assert_null(m);
    if (diag_count(d) != n)
        for (size_t i = 0; i < diag_count(d); i++)
            print_error("%s\n", diag_message(d, i));
    assert_int_equal(diag_count(d), n);
    for (size_t i = 0; i < n; i++)
        assert_msg(i, want[i]);
}

/* Features and deals that name plans and roles, for the files they name to
 * go wrong under them. */
static void put_references(void)
{
    put("plans.csv", "plan,price\nbasic,100\npro,200\n");
    put("staff.csv", "role,salary\nengineer,120000\ndesigner,90000\n");
    put("features.csv", "feature,plans,effort,role\nsso,pro,2,engineer\napi,basic;pro,3,designer\n");
    put("pipeline.csv", "deal,month,plan\nacme,2027-04,pro\nbeta,5,basic\n");
}

static void missing_staff_is_not_every_features_role(void **state)
{
    (void)state;
    put_references();
    drop("staff.csv");
    const char *want[] = { "/staff.csv: cannot open: No such file or directory" };
    load_only(ST_NOINPUT, 1, want);
}

static void header_only_plans_is_not_every_plan_named(void **state)
{
    (void)state;
    put_references();
    put("plans.csv", "plan,price\n");
    const char *want[] = { "/plans.csv: no plans: the file needs at least one row below its header" };
    load_only(ST_DATA, 1, want);
}

static void broken_plans_is_not_every_plan_named(void **state)
{
    (void)state;
    put_references();
    put("plans.csv", "plan,price\n\"basic,100\npro,200\n");
    const char *want[] = { "/plans.csv:2:1: unterminated quote: the quoted field starting on this line never closes" };
    load_only(ST_DATA, 1, want);
}

/* A plan on a row dropped for its width may be the one a feature names. */
static void plan_on_a_dropped_row_is_not_named_missing(void **state)
{
    (void)state;
    put_references();
    put("plans.csv", "plan,price\nbasic,100\npro,normal(200, 10)\n");
    const char *want[] = { "/plans.csv:3:3: 3 fields, expected 2 (as in the header): the extra field starts in "
                           "column 3; a cell that holds a comma, such as \"normal(10, 2)\", must be quoted; cell 2 "
                           "'normal(200' looks cut at a comma: write \"normal(200, 10)\"" };
    load_only(ST_DATA, 1, want);
}

/* Nor is "names no plan" said of a feature whose plans are all unknown. */
static void feature_of_unknown_plans_only_is_not_said_to_name_none(void **state)
{
    (void)state;
    put_references();
    put("plans.csv", "plan,price\nbasic,100\nteam,\"1,200\",5\n");
    put("features.csv", "feature,plans\nsso,team\n");
    put("pipeline.csv", "deal,month,plan\nacme,3,team\n");
    const char *want[] = { "/plans.csv:3:3: 3 fields, expected 2 (as in the header): the extra field starts in "
                           "column 3; a cell that holds a comma, such as \"normal(10, 2)\", must be quoted" };
    load_only(ST_DATA, 1, want);
}

static void staff_without_its_role_column_is_not_every_features_role(void **state)
{
    (void)state;
    put_references();
    put("staff.csv", "name,salary\nengineer,1\ndesigner,2\n");
    const char *want[] = {
        "/staff.csv:1:1: unknown column 'name'; known columns: role, headcount, per_customers, lag, salary, "
        "overhead, raise, category, from, to",
        "/staff.csv:1: missing required column 'role'; known columns: role, headcount, per_customers, lag, salary, "
        "overhead, raise, category, from, to",
    };
    load_only(ST_DATA, 2, want);
}

static void unnamed_role_is_not_a_features_missing_role(void **state)
{
    (void)state;
    put_references();
    put("staff.csv", "role,salary\n,120000\ndesigner,90000\n");
    const char *want[] = { "/staff.csv:2:1: role: this cell is required but empty" };
    load_only(ST_DATA, 1, want);
}

/* With no start, a date is read as month 1: not compared with an index. */
static void missing_start_is_not_a_line_ending_before_it_starts(void **state)
{
    (void)state;
    put("company.csv", "setting,value\ncash,100000\nmonths,12\n");
    put("infra.csv", "item,cost,from,to\nservers,500,5,2027-03\n");
    put("staff.csv", "role,salary,from,to\nengineer,1,2027-06,3\ndesigner,1,7,2027-12\n");
    put("pipeline.csv", "deal,month\nacme,2027-04\n");
    const char *want[] = { "/company.csv: missing setting 'start' (the first simulated month, YYYY-MM)" };
    load_only(ST_DATA, 1, want);
}

/* The horizon a bad months meant is unknown: indices past the default 36
 * are not outside it, and growth is not checked against it. */
static void bad_months_is_not_every_month_outside_the_horizon(void **state)
{
    (void)state;
    put("company.csv", "setting,value\ncash,100000\nstart,2027-01\nmonths,48 months\n");
    put("infra.csv", "item,cost,from,to\nservers,500,1,48\n");
    put("staff.csv", "role,salary,from\nengineer,120000,40\n");
    put("scenarios.csv", "scenario,new_customers,growth\nbase,5,10%\n");
    const char *want[] = { "/company.csv:4:2: months: expected a number, got '48 months': write a plain number "
                           "such as 1200 or -3.5" };
    load_only(ST_DATA, 1, want);
}

static void missing_company_is_not_every_month_outside_the_horizon(void **state)
{
    (void)state;
    drop("company.csv");
    put("infra.csv", "item,cost,from,to\nservers,500,1,48\n");
    const char *want[] = { "/company.csv: cannot open: No such file or directory" };
    load_only(ST_NOINPUT, 1, want);
}

/* A setting on a row dropped for its width is neither missing nor its
 * default. */
static void setting_on_a_dropped_row_is_not_missing(void **state)
{
    (void)state;
    put("company.csv", "setting,value\ncash,100000\nstart,2027-01,x\nmonths,48,y\n");
    put("infra.csv", "item,cost,from,to\nservers,500,1,48\n");
    const char *want[] = {
        "/company.csv:3:3: 3 fields, expected 2 (as in the header): the extra field starts in column 3; a cell "
        "that holds a comma, such as \"normal(10, 2)\", must be quoted",
        "/company.csv:4:3: 3 fields, expected 2 (as in the header): the extra field starts in column 3; a cell "
        "that holds a comma, such as \"normal(10, 2)\", must be quoted",
    };
    load_only(ST_DATA, 2, want);
}

/* A bad cell is reported as bad, not also as empty or missing. */
static void bad_mix_cell_is_not_also_empty(void **state)
{
    (void)state;
    put("plans.csv", "plan,price,mix\nbasic,100,50%\npro,200,abc\n");
    const char *want[] = { "/plans.csv:3:3: mix: expected a number, got 'abc': write a plain number such as 1200, "
                           "-3.5 or 5%" };
    load_only(ST_DATA, 1, want);
}

static void bad_step_cell_is_not_also_missing(void **state)
{
    (void)state;
    put("infra.csv", "item,driver,cost,step\nracks,step,100,abc\n");
    const char *want[] = { "/infra.csv:2:4: step: expected a number, got 'abc': write a plain number such as 1200 "
                           "or -3.5" };
    load_only(ST_DATA, 1, want);
}

/* What is not a cascade is still reported: a line that ends before it
 * starts, by index, with no start; a role missing from a whole staff.csv
 * beside a broken plans.csv. */
static void errors_that_do_not_follow_are_still_reported(void **state)
{
    (void)state;
    put_references();
    put("company.csv", "setting,value\ncash,100000\n");
    put("plans.csv", "plan,price\n");
    put("infra.csv", "item,cost,from,to\nservers,500,5,3\n");
    put("features.csv", "feature,plans,effort,role\nsso,pro,2,tester\n");
    const char *want[] = {
        "/company.csv: missing setting 'start' (the first simulated month, YYYY-MM)",
        "/plans.csv: no plans: the file needs at least one row below its header",
        "/infra.csv:2:4: to: the last month comes before the first (from)",
        "/features.csv:2:4: role: no role called 'tester' in staff.csv",
    };
    load_only(ST_DATA, 4, want);
}

/* ---- rows the random streams can tell apart ---- */

/* Writes NAME with HEAD and N rows "line K,REST" (K from 0). */
static void put_rows(const char *name, const char *head, const char *rest, size_t n)
{
    char path[600];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fprintf(f, "%s\n", head);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "line %zu,%s\n", i, rest);
    assert_int_equal(fclose(f), 0);
}

/* Rows 0 and 131,072 of infra.csv would draw the same numbers: refused,
 * placed at the first row past the limit. */
static void infra_beyond_the_streams_rows_is_refused(void **state)
{
    (void)state;
    put_rows("infra.csv", "item,cost", "1", 131073);
    load_one_error("/infra.csv:131074:1: 131073 rows; cpcsim can draw distinct random numbers for at most "
                   "131072 rows a file (this row is the first beyond it): merge rows to stay within the limit");
}

static void infra_of_exactly_the_streams_rows_loads(void **state)
{
    (void)state;
    put_rows("infra.csv", "item,cost", "1", 131072);
    load_ok();
    assert_int_equal(m->ninfra, 131072);
    assert_string_equal(m->infra[131071].item, "line 131071");
}

/* Funding rounds key their amounts' streams by row as cost lines do. */
static void funding_beyond_the_streams_rows_is_refused(void **state)
{
    (void)state;
    put_rows("funding.csv", "round,amount,month", "1,1", 131073);
    load_one_error("/funding.csv:131074:1: 131073 rows; cpcsim can draw distinct random numbers for at most "
                   "131072 rows a file (this row is the first beyond it): merge rows to stay within the limit");
}

/* Scenarios share the streams of their columns: their rows are not limited. */
static void scenarios_are_not_limited_by_the_streams(void **state)
{
    (void)state;
    put_rows("scenarios.csv", "scenario,new_customers", "1", 131073);
    load_ok();
    assert_int_equal(m->nscenarios, 131073);
}

static void blank_rows_warn_but_load(void **state)
{
    (void)state;
    put("plans.csv", "plan,price\n\nbasic,100\n,\n");
    assert_int_equal(load(), ST_OK);
    assert_int_equal(diag_errors(d), 0);
    assert_int_equal(diag_warnings(d), 1);
    assert_msg(0, "/plans.csv:2: warning: 2 blank rows skipped");
}

#define TEST(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
    gsl_set_error_handler_off(); /* as cpcsim's main does: statuses are checked instead */
    const struct CMUnitTest tests[] = {
        TEST(minimal_model_loads),
        TEST(company_defaults),
        TEST(company_settings_are_read_case_insensitively),
        TEST(plan_defaults),
        TEST(plan_price_may_be_a_distribution),
        TEST(mix_is_equal_shares_when_absent),
        TEST(mix_is_normalised_when_given),
        TEST(mix_short_of_1_is_normalised_with_a_warning),
        TEST(mix_of_many_plans_is_normalised_with_a_short_warning),
        TEST(mix_adding_up_to_1_loads_quietly),
        TEST(scenario_defaults),
        TEST(scenario_values_are_read),
        TEST(infra_defaults),
        TEST(infra_to_defaults_to_the_horizon_setting),
        TEST(infra_step_line_is_read),
        TEST(header_names_are_trimmed_and_case_insensitive),
        TEST(staff_defaults),
        TEST(staff_row_is_read),
        TEST(feature_defaults),
        TEST(feature_resolves_its_role_and_plans),
        TEST(deal_defaults),
        TEST(deal_plan_is_found_by_name),
        TEST(funding_round_is_read),
        TEST(month_cells_take_an_index_or_a_date),
        TEST(date_before_the_start_starts_a_line_at_month_1),
        TEST(deal_date_after_the_horizon_is_kept),
        TEST(absent_optional_files_are_fine),
        TEST(unknown_column_lists_the_known_ones),
        TEST(duplicate_column_is_named),
        TEST(missing_required_column_is_named),
        TEST(unknown_company_column_is_refused),
        TEST(empty_required_cell_is_placed),
        TEST(bad_cost_quotes_the_text),
        TEST(thousands_separator_in_a_quoted_cell_is_refused),
        TEST(unknown_choice_lists_the_choices),
        TEST(fractional_customers_are_refused),
        TEST(probability_above_one_is_refused),
        TEST(negative_cost_is_refused),
        TEST(churn_above_one_is_refused),
        TEST(percent_outside_a_fraction_is_refused),
        TEST(percent_on_every_fraction_loads),
        TEST(distribution_whose_mean_is_outside_its_field_is_refused),
        TEST(distribution_clamped_often_warns_at_load),
        TEST(amounts_that_overflow_are_refused),
        TEST(large_but_computable_amounts_load),
        TEST(horizon_past_9999_is_refused),
        TEST(horizon_ending_in_9999_12_loads),
        TEST(duplicate_plan_name_is_refused),
        TEST(feature_role_must_exist),
        TEST(feature_with_effort_needs_a_role),
        TEST(feature_plan_must_exist),
        TEST(deal_plan_must_exist),
        TEST(month_13_is_refused),
        TEST(month_with_slashes_is_refused),
        TEST(month_index_0_is_refused),
        TEST(month_index_beyond_the_horizon_is_refused),
        TEST(deal_date_before_the_start_is_refused),
        TEST(last_month_before_first_is_refused),
        TEST(step_driver_without_step_column_is_refused),
        TEST(step_driver_with_empty_step_is_refused),
        TEST(mix_given_for_some_plans_only_is_refused),
        TEST(header_only_plans_is_refused),
        TEST(unknown_setting_lists_the_known_ones),
        TEST(months_0_is_refused),
        TEST(months_601_is_refused),
        TEST(fractional_months_are_refused),
        TEST(months_600_is_accepted),
        TEST(missing_cash_is_refused),
        TEST(bad_start_is_refused),
        TEST(setting_given_twice_is_refused),
        TEST(missing_required_file_is_no_input),
        TEST(missing_model_folder_is_no_input),
        TEST(missing_file_outranks_bad_data),
        TEST(every_problem_of_every_file_is_reported),
        TEST(missing_staff_is_not_every_features_role),
        TEST(header_only_plans_is_not_every_plan_named),
        TEST(broken_plans_is_not_every_plan_named),
        TEST(plan_on_a_dropped_row_is_not_named_missing),
        TEST(feature_of_unknown_plans_only_is_not_said_to_name_none),
        TEST(staff_without_its_role_column_is_not_every_features_role),
        TEST(unnamed_role_is_not_a_features_missing_role),
        TEST(missing_start_is_not_a_line_ending_before_it_starts),
        TEST(bad_months_is_not_every_month_outside_the_horizon),
        TEST(missing_company_is_not_every_month_outside_the_horizon),
        TEST(setting_on_a_dropped_row_is_not_missing),
        TEST(bad_mix_cell_is_not_also_empty),
        TEST(bad_step_cell_is_not_also_missing),
        TEST(errors_that_do_not_follow_are_still_reported),
        TEST(infra_beyond_the_streams_rows_is_refused),
        TEST(infra_of_exactly_the_streams_rows_loads),
        TEST(funding_beyond_the_streams_rows_is_refused),
        TEST(scenarios_are_not_limited_by_the_streams),
        TEST(blank_rows_warn_but_load),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
