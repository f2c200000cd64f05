/*
 * test_dist.c - the value language of model cells (models/dist.c): every
 * form of number and distribution parses into the right kind and
 * parameters, means and inverse-CDF draws match hand-computed values and
 * closed-form quantiles, draws are clamped to their field's range, the mass
 * outside the range is measured right, and each bad form is refused with
 * the exact message a user sees (quoting the text and saying what to write).
 */
#include "testutil.h"

#include <float.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>

#include "models/dist.h"

#define REL 1e-6   /* relative tolerance for GSL quantiles */
#define EXACT 1e-12

static char why[512];

static struct dist parse_ok(const char *text, enum dist_range range, int uncertain)
{
    struct dist d;
    why[0] = '\0';
    int rc = dist_parse(text, range, uncertain, &d, why, sizeof why);
    if (rc != 0)
        print_error("dist_parse('%s') failed: %s\n", text, why);
    assert_int_equal(rc, 0);
    assert_int_equal(d.range, range);
    return d;
}

/* The message for TEXT, which must be refused. */
static const char *parse_bad(const char *text, enum dist_range range, int uncertain)
{
    struct dist d;
    why[0] = '\0';
    assert_int_equal(dist_parse(text, range, uncertain, &d, why, sizeof why), -1);
    return why;
}

/* ---- plain numbers and percentages ---- */

static void plain_integer_is_a_constant(void **state)
{
    (void)state;
    struct dist d = parse_ok("1200", RANGE_NONNEG, 1);
    assert_int_equal(d.kind, DIST_CONST);
    assert_false(dist_is_uncertain(&d));
    assert_close(d.p[0], 1200, EXACT);
}

static void negative_decimal_parses(void **state)
{
    (void)state;
    struct dist d = parse_ok("-3.5", RANGE_ANY, 1);
    assert_int_equal(d.kind, DIST_CONST);
    assert_close(d.p[0], -3.5, EXACT);
}

static void exponent_parses(void **state)
{
    (void)state;
    struct dist d = parse_ok("1e6", RANGE_NONNEG, 0);
    assert_close(d.p[0], 1e6, EXACT);
}

static void percentage_is_a_hundredth(void **state)
{
    (void)state;
    struct dist d = parse_ok("5%", RANGE_RATE, 1);
    assert_int_equal(d.kind, DIST_CONST);
    assert_close(d.p[0], 0.05, EXACT);
}

static void parse_number_takes_decimal_percentages(void **state)
{
    (void)state;
    double v = 0;
    assert_int_equal(dist_parse_number("12.5%", &v, why, sizeof why), 0);
    assert_close(v, 0.125, EXACT);
}

static void negative_zero_parses_as_zero(void **state)
{
    (void)state;
    double v = 1;
    assert_int_equal(dist_parse_number("-0", &v, why, sizeof why), 0);
    assert_true(v == 0.0);
    assert_false(signbit(v));
}

static void plain_number_fits_a_plain_only_field(void **state)
{
    (void)state;
    struct dist d = parse_ok("42", RANGE_NONNEG, 0);
    assert_int_equal(d.kind, DIST_CONST);
    assert_close(d.p[0], 42, EXACT);
}

static void dist_const_builds_a_constant(void **state)
{
    (void)state;
    struct dist d = dist_const(1, RANGE_NONNEG);
    assert_int_equal(d.kind, DIST_CONST);
    assert_int_equal(d.range, RANGE_NONNEG);
    assert_close(dist_mean(&d), 1, EXACT);
    assert_close(dist_draw(&d, 0.05), 1, EXACT);
}

/* ---- "A to B" ---- */

static void interval_above_zero_is_lognormal(void **state)
{
    (void)state;
    struct dist d = parse_ok("900 to 1500", RANGE_NONNEG, 1);
    assert_int_equal(d.kind, DIST_LOGNORMAL);
    assert_true(d.from_interval);
    assert_true(dist_is_uncertain(&d));
    assert_close(d.p[0], (log(900) + log(1500)) / 2, EXACT);
    assert_close(d.p[1], (log(1500) - log(900)) / (2 * 1.6448536269514722), EXACT);
}

static void interval_word_is_case_insensitive(void **state)
{
    (void)state;
    struct dist d = parse_ok("900 TO 1500", RANGE_NONNEG, 1);
    assert_int_equal(d.kind, DIST_LOGNORMAL);
    assert_close(d.p[0], 7.057807575207306, 1e-12);
}

static void interval_of_percentages_on_a_rate(void **state)
{
    (void)state;
    struct dist d = parse_ok("1% to 5%", RANGE_RATE, 1);
    assert_int_equal(d.kind, DIST_LOGNORMAL);
    assert_close(d.p[0], (log(0.01) + log(0.05)) / 2, EXACT);
    assert_close(d.p[1], (log(0.05) - log(0.01)) / (2 * DIST_Z95), EXACT);
}

static void interval_across_zero_on_any_field_is_normal(void **state)
{
    (void)state;
    struct dist d = parse_ok("-1% to 4%", RANGE_ANY, 1);
    assert_int_equal(d.kind, DIST_NORMAL);
    assert_true(d.from_interval);
    assert_close(d.p[0], 0.015, EXACT);
    assert_close(d.p[1], 0.05 / (2 * DIST_Z95), EXACT);
}

static void interval_from_zero_on_any_field_is_normal(void **state)
{
    (void)state;
    struct dist d = parse_ok("0 to 10", RANGE_ANY, 1);
    assert_int_equal(d.kind, DIST_NORMAL);
    assert_close(d.p[0], 5, EXACT);
    assert_close(d.p[1], 10 / (2 * DIST_Z95), EXACT);
}

static void interval_above_zero_on_any_field_is_lognormal(void **state)
{
    (void)state;
    struct dist d = parse_ok("1% to 4%", RANGE_ANY, 1);
    assert_int_equal(d.kind, DIST_LOGNORMAL);
}

/* ---- named distributions ---- */

static void normal_parses(void **state)
{
    (void)state;
    struct dist d = parse_ok("normal(100, 10)", RANGE_NONNEG, 1);
    assert_int_equal(d.kind, DIST_NORMAL);
    assert_false(d.from_interval);
    assert_close(d.p[0], 100, EXACT);
    assert_close(d.p[1], 10, EXACT);
}

static void lognormal_parses(void **state)
{
    (void)state;
    struct dist d = parse_ok("lognormal(8.1, 0.4)", RANGE_NONNEG, 1);
    assert_int_equal(d.kind, DIST_LOGNORMAL);
    assert_close(d.p[0], 8.1, EXACT);
    assert_close(d.p[1], 0.4, EXACT);
}

static void uniform_parses(void **state)
{
    (void)state;
    struct dist d = parse_ok("uniform(1500, 4500)", RANGE_NONNEG, 1);
    assert_int_equal(d.kind, DIST_UNIFORM);
    assert_close(d.p[0], 1500, EXACT);
    assert_close(d.p[1], 4500, EXACT);
}

static void triangular_parses(void **state)
{
    (void)state;
    struct dist d = parse_ok("triangular(120, 180, 300)", RANGE_NONNEG, 1);
    assert_int_equal(d.kind, DIST_TRIANGULAR);
    assert_close(d.p[0], 120, EXACT);
    assert_close(d.p[1], 180, EXACT);
    assert_close(d.p[2], 300, EXACT);
}

static void pert_parses(void **state)
{
    (void)state;
    struct dist d = parse_ok("pert(1, 2, 4)", RANGE_NONNEG, 1);
    assert_int_equal(d.kind, DIST_PERT);
    assert_close(d.p[0], 1, EXACT);
    assert_close(d.p[1], 2, EXACT);
    assert_close(d.p[2], 4, EXACT);
}

static void beta_parses(void **state)
{
    (void)state;
    struct dist d = parse_ok("beta(3, 97)", RANGE_RATE, 1);
    assert_int_equal(d.kind, DIST_BETA);
    assert_close(d.p[0], 3, EXACT);
    assert_close(d.p[1], 97, EXACT);
}

static void names_ignore_case_and_spaces(void **state)
{
    (void)state;
    struct dist d = parse_ok("Normal (100,10)", RANGE_NONNEG, 1);
    assert_int_equal(d.kind, DIST_NORMAL);
    assert_close(d.p[0], 100, EXACT);
    assert_close(d.p[1], 10, EXACT);
}

static void percentages_inside_parameters(void **state)
{
    (void)state;
    struct dist d = parse_ok("triangular(1%, 2%, 4%)", RANGE_RATE, 1);
    assert_int_equal(d.kind, DIST_TRIANGULAR);
    assert_close(d.p[0], 0.01, EXACT);
    assert_close(d.p[1], 0.02, EXACT);
    assert_close(d.p[2], 0.04, EXACT);
    d = parse_ok("normal(0.5%, 1%)", RANGE_ANY, 1);
    assert_close(d.p[0], 0.005, EXACT);
    assert_close(d.p[1], 0.01, EXACT);
}

/* ---- means (as written, before clamping) ---- */

static void mean_of_constant(void **state)
{
    (void)state;
    struct dist d = parse_ok("1200", RANGE_NONNEG, 1);
    assert_close(dist_mean(&d), 1200, EXACT);
}

static void mean_of_interval_is_lognormal_mean(void **state)
{
    (void)state;
    struct dist d = parse_ok("900 to 1500", RANGE_NONNEG, 1);
    /* exp(mu + sigma^2 / 2), mu = 7.0578075752, sigma = 0.1552799639 */
    assert_close(dist_mean(&d), 1175.9875113575101, 1175.99 * REL);
}

static void mean_of_normal_interval_is_midpoint(void **state)
{
    (void)state;
    struct dist d = parse_ok("-1% to 4%", RANGE_ANY, 1);
    assert_close(dist_mean(&d), 0.015, EXACT);
}

static void mean_of_normal(void **state)
{
    (void)state;
    struct dist d = parse_ok("normal(100, 10)", RANGE_NONNEG, 1);
    assert_close(dist_mean(&d), 100, EXACT);
}

static void mean_of_lognormal(void **state)
{
    (void)state;
    struct dist d = parse_ok("lognormal(8.1, 0.4)", RANGE_NONNEG, 1);
    assert_close(dist_mean(&d), 3568.8546608229963, 3568.9 * REL); /* exp(8.1 + 0.08) */
}

static void mean_of_uniform(void **state)
{
    (void)state;
    struct dist d = parse_ok("uniform(1500, 4500)", RANGE_NONNEG, 1);
    assert_close(dist_mean(&d), 3000, EXACT);
}

static void mean_of_triangular(void **state)
{
    (void)state;
    struct dist d = parse_ok("triangular(120, 180, 300)", RANGE_NONNEG, 1);
    assert_close(dist_mean(&d), 200, EXACT);
}

static void mean_of_pert(void **state)
{
    (void)state;
    struct dist d = parse_ok("pert(1, 2, 4)", RANGE_NONNEG, 1);
    assert_close(dist_mean(&d), 13.0 / 6.0, EXACT); /* (1 + 4*2 + 4) / 6 */
}

static void mean_of_beta(void **state)
{
    (void)state;
    struct dist d = parse_ok("beta(3, 97)", RANGE_RATE, 1);
    assert_close(dist_mean(&d), 0.03, EXACT);
}

static void mean_is_taken_before_clamping(void **state)
{
    (void)state;
    struct dist d = parse_ok("normal(2, 5)", RANGE_NONNEG, 1); /* clamped at 0, its mean would be above 2 */
    assert_close(dist_mean(&d), 2, EXACT);
}

/* ---- draws by inversion ---- */

static void interval_draws_its_ends_at_5_and_95(void **state)
{
    (void)state;
    struct dist d = parse_ok("900 to 1500", RANGE_NONNEG, 1);
    assert_close(dist_draw(&d, 0.05), 900, 900 * REL);
    assert_close(dist_draw(&d, 0.5), 1161.8950038622252, 1162 * REL); /* sqrt(900 * 1500) */
    assert_close(dist_draw(&d, 0.95), 1500, 1500 * REL);
}

static void normal_interval_draws_its_ends(void **state)
{
    (void)state;
    struct dist d = parse_ok("-1% to 4%", RANGE_ANY, 1);
    assert_close(dist_draw(&d, 0.05), -0.01, 1e-9);
    assert_close(dist_draw(&d, 0.5), 0.015, 1e-9);
    assert_close(dist_draw(&d, 0.95), 0.04, 1e-9);
}

static void normal_draws_mean_plus_z_sd(void **state)
{
    (void)state;
    struct dist d = parse_ok("normal(100, 10)", RANGE_NONNEG, 1);
    assert_close(dist_draw(&d, 0.05), 100 - 10 * DIST_Z95, 100 * REL);
    assert_close(dist_draw(&d, 0.5), 100, 100 * REL);
    assert_close(dist_draw(&d, 0.95), 100 + 10 * DIST_Z95, 100 * REL);
}

static void lognormal_median_is_exp_mu(void **state)
{
    (void)state;
    struct dist d = parse_ok("lognormal(2, 0.5)", RANGE_NONNEG, 1);
    assert_close(dist_draw(&d, 0.5), exp(2), exp(2) * REL);
    assert_close(dist_draw(&d, 0.95), exp(2 + 0.5 * DIST_Z95), exp(2.8) * REL);
}

static void uniform_draws_are_linear(void **state)
{
    (void)state;
    struct dist d = parse_ok("uniform(10, 20)", RANGE_NONNEG, 1);
    assert_close(dist_draw(&d, 0.05), 10.5, EXACT);
    assert_close(dist_draw(&d, 0.5), 15, EXACT);
    assert_close(dist_draw(&d, 0.95), 19.5, EXACT);
}

static void triangular_draws_closed_form(void **state)
{
    (void)state;
    /* F(mode) = 0.3; below it a + sqrt(u (b-a)(c-a)), above it b - sqrt((1-u)(b-a)(b-c)) */
    struct dist d = parse_ok("triangular(0, 3, 10)", RANGE_NONNEG, 1);
    assert_close(dist_draw(&d, 0.05), 1.224744871391589, 1e-12);  /* sqrt(1.5) */
    assert_close(dist_draw(&d, 0.5), 4.083920216900384, 1e-12);   /* 10 - sqrt(35) */
    assert_close(dist_draw(&d, 0.95), 8.12917130661303, 1e-12);   /* 10 - sqrt(3.5) */
}

static void pert_with_mode_at_min_is_scaled_beta_1_5(void **state)
{
    (void)state;
    /* alpha = 1, beta = 5: F(x) = 1 - (1 - x)^5, so x(u) = 1 - (1 - u)^(1/5) */
    struct dist d = parse_ok("pert(0, 0, 10)", RANGE_NONNEG, 1);
    assert_close(dist_draw(&d, 0.5), 10 * 0.12944943670387588, 1e-6);
    assert_close(dist_draw(&d, 0.05), 10 * (1 - pow(0.95, 0.2)), 1e-6);
    assert_close(dist_draw(&d, 0.95), 10 * (1 - pow(0.05, 0.2)), 1e-6);
}

static void symmetric_pert_median_is_mode(void **state)
{
    (void)state;
    struct dist d = parse_ok("pert(0, 5, 10)", RANGE_NONNEG, 1);
    assert_close(dist_draw(&d, 0.5), 5, 5 * REL);
}

static void beta_2_1_draws_sqrt_u(void **state)
{
    (void)state;
    struct dist d = parse_ok("beta(2, 1)", RANGE_RATE, 1);
    assert_close(dist_draw(&d, 0.05), 0.22360679774997896, 1e-9);
    assert_close(dist_draw(&d, 0.5), sqrt(0.5), 1e-9);
    assert_close(dist_draw(&d, 0.95), 0.9746794344808963, 1e-9);
}

static void constant_draw_ignores_u(void **state)
{
    (void)state;
    struct dist d = parse_ok("7.5", RANGE_NONNEG, 1);
    assert_close(dist_draw(&d, 0.05), 7.5, EXACT);
    assert_close(dist_draw(&d, 0.95), 7.5, EXACT);
}

/* ---- clamping ---- */

static void normal_on_nonneg_field_draws_zero_at_tiny_u(void **state)
{
    (void)state;
    struct dist d = parse_ok("normal(10, 5)", RANGE_NONNEG, 1);
    double x = dist_draw(&d, 1e-6);
    assert_true(x == 0.0);
    assert_false(signbit(x));
}

static void normal_on_any_field_is_not_clamped(void **state)
{
    (void)state;
    struct dist d = parse_ok("normal(10, 5)", RANGE_ANY, 1);
    assert_true(dist_draw(&d, 1e-6) < 0);
}

static void normal_on_rate_field_clamps_to_0_and_1(void **state)
{
    (void)state;
    struct dist d = parse_ok("normal(0.5, 1)", RANGE_RATE, 1);
    assert_close(dist_draw(&d, 0.999), 1, 0);
    assert_close(dist_draw(&d, 0.001), 0, 0);
    assert_close(dist_draw(&d, 0.5), 0.5, 1e-9);
}

static void interval_on_rate_field_clamps_to_1(void **state)
{
    (void)state;
    struct dist d = parse_ok("50% to 150%", RANGE_RATE, 1);
    assert_close(dist_draw(&d, 0.95), 1, 0);
}

/* ---- mass outside the field's range ---- */

static void standard_normal_on_nonneg_has_half_outside(void **state)
{
    (void)state;
    struct dist d = parse_ok("normal(0, 1)", RANGE_NONNEG, 1);
    assert_close(dist_mass_outside(&d), 0.5, 1e-12);
}

static void normal_on_rate_counts_both_tails(void **state)
{
    (void)state;
    struct dist d = parse_ok("normal(0.5, 0.5)", RANGE_RATE, 1);
    assert_close(dist_mass_outside(&d), 0.31731050786291415, 1e-9); /* 2 Phi(-1) */
}

static void uniform_mass_below_zero(void **state)
{
    (void)state;
    struct dist d = parse_ok("uniform(-1, 3)", RANGE_NONNEG, 1);
    assert_close(dist_mass_outside(&d), 0.25, 1e-12);
}

static void uniform_mass_above_one_on_rate(void **state)
{
    (void)state;
    struct dist d = parse_ok("uniform(0.5, 1.5)", RANGE_RATE, 1);
    assert_close(dist_mass_outside(&d), 0.5, 1e-12);
}

static void triangular_mass_below_zero(void **state)
{
    (void)state;
    struct dist d = parse_ok("triangular(-1, 0, 1)", RANGE_NONNEG, 1);
    assert_close(dist_mass_outside(&d), 0.5, 1e-12);
}

static void forms_within_range_have_no_mass_outside(void **state)
{
    (void)state;
    struct dist d = parse_ok("900 to 1500", RANGE_NONNEG, 1);
    assert_close(dist_mass_outside(&d), 0, 0);
    d = parse_ok("beta(3, 97)", RANGE_RATE, 1);
    assert_close(dist_mass_outside(&d), 0, 1e-15);
    d = parse_ok("normal(0, 1)", RANGE_ANY, 1);
    assert_close(dist_mass_outside(&d), 0, 0);
    d = parse_ok("pert(0, 5, 10)", RANGE_NONNEG, 1);
    assert_close(dist_mass_outside(&d), 0, 0);
}

/* ---- bad numbers (in a plain-number field) ---- */

static void thousands_separator_is_refused(void **state)
{
    (void)state;
    assert_string_equal(parse_bad("1,200", RANGE_NONNEG, 0),
                        "expected a number, got '1,200': write 1200 (no thousands separators or "
                        "currency signs; '.' is the decimal point)");
}

static void currency_sign_is_refused(void **state)
{
    (void)state;
    assert_string_equal(parse_bad("$1,200.00", RANGE_NONNEG, 0),
                        "expected a number, got '$1,200.00': write 1200.00 (no thousands separators or "
                        "currency signs; '.' is the decimal point)");
}

static void accounting_negative_is_refused(void **state)
{
    (void)state;
    assert_string_equal(parse_bad("(1,200)", RANGE_ANY, 0),
                        "expected a number, got '(1,200)': write -1200 (no thousands separators or "
                        "currency signs; '.' is the decimal point)");
}

static void decimal_comma_is_refused(void **state)
{
    (void)state;
    assert_string_equal(parse_bad("1.200,50", RANGE_NONNEG, 0),
                        "expected a number, got '1.200,50': write 1200.50 (no thousands separators or "
                        "currency signs; '.' is the decimal point)");
}

static void trailing_letters_are_refused(void **state)
{
    (void)state;
    assert_string_equal(parse_bad("12abc", RANGE_NONNEG, 0),
                        "expected a number, got '12abc': write a plain number such as 1200, -3.5 or 5%");
}

static void two_decimal_points_are_refused(void **state)
{
    (void)state;
    assert_string_equal(parse_bad("1.2.3", RANGE_NONNEG, 0),
                        "expected a number, got '1.2.3': write a plain number such as 1200, -3.5 or 5%");
}

static void nan_is_refused(void **state)
{
    (void)state;
    assert_string_equal(parse_bad("nan", RANGE_NONNEG, 0),
                        "expected a finite number, got 'nan': write the amount itself, such as 1200");
}

static void inf_is_refused(void **state)
{
    (void)state;
    assert_string_equal(parse_bad("inf", RANGE_NONNEG, 0),
                        "expected a finite number, got 'inf': write the amount itself, such as 1200");
}

static void hexadecimal_is_refused_with_its_decimal(void **state)
{
    (void)state;
    assert_string_equal(parse_bad("0x10", RANGE_NONNEG, 0), "expected a decimal number, got '0x10': write 16");
}

static void empty_text_is_refused(void **state)
{
    (void)state;
    assert_string_equal(parse_bad("", RANGE_NONNEG, 0), "expected a number, got an empty cell");
    assert_string_equal(parse_bad("", RANGE_NONNEG, 1), "expected a number, got an empty cell");
}

static void distribution_in_plain_only_field_is_refused(void **state)
{
    (void)state;
    assert_string_equal(parse_bad("900 to 1500", RANGE_NONNEG, 0),
                        "expected a plain number, got '900 to 1500': this column takes one number, "
                        "not a distribution");
    assert_string_equal(parse_bad("normal(10, 2)", RANGE_NONNEG, 0),
                        "expected a plain number, got 'normal(10, 2)': this column takes one number, "
                        "not a distribution");
}

/* ---- bad numbers where a distribution is allowed ---- */

static void bad_number_in_uncertain_field_mentions_distributions(void **state)
{
    (void)state;
    assert_string_equal(parse_bad("1,200", RANGE_NONNEG, 1),
                        "expected a number or a distribution such as '900 to 1500', got '1,200': write 1200 "
                        "(no thousands separators or currency signs; '.' is the decimal point)");
    assert_string_equal(parse_bad("abc", RANGE_NONNEG, 1),
                        "expected a number or a distribution such as '900 to 1500', got 'abc': write a plain "
                        "number such as 1200, -3.5 or 5%");
}

static void nan_in_uncertain_field_is_refused(void **state)
{
    (void)state;
    assert_string_equal(parse_bad("nan", RANGE_NONNEG, 1),
                        "expected a number or a distribution such as '900 to 1500', got 'nan': write the "
                        "amount itself, such as 1200");
}

/* ---- bad distributions ---- */

static void reversed_interval_is_refused(void **state)
{
    (void)state;
    assert_string_equal(parse_bad("5 to 2", RANGE_NONNEG, 1),
                        "in the range '5 to 2', the low end 5 must be below the high end 2");
}

static void interval_from_zero_on_nonneg_field_suggests_uniform(void **state)
{
    (void)state;
    assert_string_equal(parse_bad("0 to 10", RANGE_NONNEG, 1),
                        "the range '0 to 10' starts at 0, but this field cannot be negative and a range is "
                        "lognormal only above 0: write uniform(0, 10) or triangular(0, MODE, 10)");
}

static void interval_from_zero_on_rate_field_is_refused(void **state)
{
    (void)state;
    assert_string_equal(parse_bad("0% to 5%", RANGE_RATE, 1),
                        "the range '0% to 5%' starts at 0%, but this field cannot be negative and a range is "
                        "lognormal only above 0: write uniform(0%, 5%) or triangular(0%, MODE, 5%)");
}

static void bad_end_of_interval_is_named(void **state)
{
    (void)state;
    assert_string_equal(parse_bad("5 to x", RANGE_NONNEG, 1),
                        "in the range '5 to x', the high end: expected a number, got 'x': write a plain "
                        "number such as 1200, -3.5 or 5%");
}

static void change_below_minus_100_percent_is_refused(void **state)
{
    (void)state;
    assert_string_equal(parse_bad("-150%", RANGE_CHANGE, 1),
                        "expected a number of -100% or more (a change cannot take away more than all), got '-150%'");
}

static void change_is_normal_across_zero_and_clamped_at_minus_one(void **state)
{
    (void)state;
    struct dist d = parse_ok("-10% to 10%", RANGE_CHANGE, 1);
    assert_int_equal(d.kind, DIST_NORMAL);
    assert_close(dist_draw(&d, 0.5), 0, 1e-12);
    d = parse_ok("normal(0, 1)", RANGE_CHANGE, 1);
    assert_close(dist_draw(&d, 1e-6), -1, 0);
    assert_close(dist_mass_outside(&d), 0.15865525393145707, 1e-12);
}

/* Regressions from fuzzing (tests/fuzz/corpus/value/crash-*). */
static void extreme_beta_shapes_draw_in_order_or_are_refused(void **state)
{
    (void)state;
    const char *forms[] = { "beta(0.01, 0.01)", "beta(10, 2000)", "beta(5, 995)", "pert(1, 1, 1000000)" };
    const double us[] = { 1e-12, 0.05, 0.5, 0.95, 1 - 1e-12 };
    for (size_t f = 0; f < sizeof forms / sizeof forms[0]; f++) {
        struct dist d = parse_ok(forms[f], RANGE_ANY, 1);
        double prev = -INFINITY;
        for (size_t i = 0; i < 5; i++) {
            double x = dist_draw(&d, us[i]);
            if (!(isfinite(x) && x >= prev))
                fail_msg("%s at u %g: %g after %g", forms[f], us[i], x, prev);
            prev = x;
        }
    }
    assert_string_equal(parse_bad("beta(1000000, 1000000)", RANGE_RATE, 1),
                        "in 'beta(1000000, 1000000)', shape parameters from 0.01 to 100000 are supported "
                        "(got a 1e+06, b 1e+06); for a rate known that precisely, write the number");
}

/* The standardised value (0 to 1) of a PERT or beta draw X, and its shape. */
static double standard(const struct dist *d, double x, double *a, double *b)
{
    if (d->kind == DIST_BETA) {
        *a = d->p[0];
        *b = d->p[1];
        return x;
    }
    double w = d->p[2] - d->p[0];
    *a = 1 + 4 * (d->p[1] - d->p[0]) / w;
    *b = 1 + 4 * (d->p[2] - d->p[1]) / w;
    return (x - d->p[0]) / w;
}

/* A prepared beta or PERT cell draws from its quantile table: within 1e-9
 * of the exact quantile (relative to min(x, 1 - x)) over the body and both
 * tails, never decreasing in u, with a few hundred intervals, and with
 * almost no mass left to exact inversion. */
static void beta_table_draws_match_the_exact_quantile(void **state)
{
    (void)state;
    const char *forms[] = { "pert(1, 2, 4)", "pert(0, 0, 10)", "pert(155000, 175000, 210000)", "beta(2, 98)",
                            "beta(6, 10)", "beta(5, 7)", "beta(0.5, 0.5)", "beta(2, 1)", "beta(10, 2000)",
                            "beta(5, 995)", "beta(0.3, 40)", "pert(0.02, 0.035, 0.06)" };
    for (size_t f = 0; f < sizeof forms / sizeof forms[0]; f++) {
        struct dist exact = parse_ok(forms[f], RANGE_ANY, 1), d = exact;
        assert_int_equal(dist_prepare(&d), 0);
        double mass;
        size_t n = dist_table_size(&d, &mass);
        if (!(n > 0 && n < 600 && mass < 1e-12))
            fail_msg("%s: %zu intervals, %g of the mass inverted exactly", forms[f], n, mass);
        double prev = -INFINITY;
        for (int k = -40; k <= 20040; k++) {
            /* tails 2^-40 ... 2^-1 on both sides, and a grid of 20,000 */
            double u = k < 0 ? ldexp(1, k) : k > 20000 ? 1 - ldexp(1, 20000 - k) : (k + 0.5) / 20001;
            if (k >= 0 && k <= 20000 && u > 0.5)
                continue; /* the upper half of the grid in the upper tail's order */
            double x = dist_draw(&d, u), a, b;
            double z = standard(&d, x, &a, &b), ze = standard(&d, dist_draw(&exact, u), &a, &b);
            double gap = u <= 0.5 ? fabs(gsl_cdf_beta_P(z, a, b) - u) : fabs(gsl_cdf_beta_Q(z, a, b) - (1 - u));
            /* F(x) as close to u as the exact inversion promises, unless x is
             * within a few ulps of the exact answer (near 1, where one ulp
             * moves F by more); and x itself within 1e-9 */
            int ulps = fabs(z - ze) <= 4 * DBL_EPSILON * ze;
            if (!(gap <= 1e-8 * fmin(u, 1 - u) || ulps) || !(fabs(z - ze) <= 1e-9 * fmin(ze, 1 - ze) || ulps))
                fail_msg("%s at u %.17g: %.17g against %.17g exactly (F off by %g)", forms[f], u, z, ze, gap);
            if (k >= 0 && k <= 20000) {
                if (!(x >= prev))
                    fail_msg("%s: %.17g at u %.17g after %.17g", forms[f], x, u, prev);
                prev = x;
            }
        }
        for (int k = 10000; k < 20000; k++) { /* the upper half, in order */
            double u = (k + 0.5) / 20001, x = dist_draw(&d, u);
            if (!(x >= prev))
                fail_msg("%s: %.17g at u %.17g after %.17g", forms[f], x, u, prev);
            prev = x;
        }
        dist_release(&d);
        assert_null(d.table);
    }
}

/* Shapes whose quantile the table cannot follow (all mass in a sliver of
 * [0, 1], or in both ends) still draw correctly, by exact inversion. */
static void extreme_shapes_with_a_table_still_draw_correctly(void **state)
{
    (void)state;
    const char *forms[] = { "beta(0.01, 0.01)", "beta(100000, 100000)", "beta(50000, 3)" };
    for (size_t f = 0; f < sizeof forms / sizeof forms[0]; f++) {
        struct dist exact = parse_ok(forms[f], RANGE_ANY, 1), d = exact;
        assert_int_equal(dist_prepare(&d), 0);
        for (int k = 1; k < 1000; k++) {
            double u = k / 1000.0, x = dist_draw(&d, u), xe = dist_draw(&exact, u);
            double gap = u <= 0.5 ? fabs(gsl_cdf_beta_P(x, d.p[0], d.p[1]) - u)
                                  : fabs(gsl_cdf_beta_Q(x, d.p[0], d.p[1]) - (1 - u));
            /* F as close as the exact inversion's, or x within a few ulps of
             * its answer (where F is so steep that one ulp moves it 1e-8) */
            if (!(gap <= 1e-8 * fmin(u, 1 - u) || fabs(x - xe) <= 4 * DBL_EPSILON * xe))
                fail_msg("%s at u %g: %.17g against %.17g (F off by %g)", forms[f], u, x, xe, gap);
        }
        dist_release(&d);
    }
}

/* Other kinds need no table. */
static void only_beta_and_pert_get_a_table(void **state)
{
    (void)state;
    const char *forms[] = { "5 to 10", "normal(1, 2)", "uniform(1, 2)", "triangular(1, 2, 4)", "7" };
    for (size_t f = 0; f < sizeof forms / sizeof forms[0]; f++) {
        struct dist d = parse_ok(forms[f], RANGE_ANY, 1);
        assert_int_equal(dist_prepare(&d), 0);
        assert_null(d.table);
        dist_release(&d);
    }
}

static void distributions_that_overflow_are_refused(void **state)
{
    (void)state;
    assert_string_equal(parse_bad("1 to 1e300", RANGE_NONNEG, 1),
                        "'1 to 1e300' reaches values too large to compute with (its extreme draws overflow); "
                        "narrow it");
    assert_string_equal(parse_bad("uniform(-1e308, 1e308)", RANGE_ANY, 1),
                        "'uniform(-1e308, 1e308)' reaches values too large to compute with (its extreme draws "
                        "overflow); narrow it");
    assert_non_null(parse_bad("lognormal(5, 680)", RANGE_NONNEG, 1));
    assert_non_null(parse_bad("triangular(-1e308, 3, 6)", RANGE_ANY, 1));
}

static void triangular_min_above_max_is_refused(void **state)
{
    (void)state;
    assert_string_equal(parse_bad("triangular(5, 1, 3)", RANGE_NONNEG, 1),
                        "in 'triangular(5, 1, 3)', min 5 must be below max 3 (the parameters are min, mode, max)");
}

static void triangular_mode_below_min_is_refused(void **state)
{
    (void)state;
    assert_string_equal(parse_bad("triangular(2, 1, 3)", RANGE_NONNEG, 1),
                        "in 'triangular(2, 1, 3)', the mode 1 must lie between min 2 and max 3");
}

static void pert_mode_above_max_is_refused(void **state)
{
    (void)state;
    assert_string_equal(parse_bad("pert(1, 5, 3)", RANGE_NONNEG, 1),
                        "in 'pert(1, 5, 3)', the mode 5 must lie between min 1 and max 3");
}

static void negative_sd_is_refused(void **state)
{
    (void)state;
    assert_string_equal(parse_bad("normal(10, -1)", RANGE_NONNEG, 1),
                        "in 'normal(10, -1)', the standard deviation must be above 0 (got -1)");
}

static void lognormal_mu_written_as_value_is_refused(void **state)
{
    (void)state;
    assert_string_equal(parse_bad("lognormal(800, 1)", RANGE_NONNEG, 1),
                        "in 'lognormal(800, 1)', mu is the mean of the logarithm: 800 is far too large "
                        "(for a value near 1000, mu is about 6.9; or write '900 to 1500')");
}

static void beta_zero_shape_is_refused(void **state)
{
    (void)state;
    assert_string_equal(parse_bad("beta(0, 1)", RANGE_RATE, 1),
                        "in 'beta(0, 1)', both shape parameters a and b must be above 0 (got a 0, b 1)");
}

static void empty_uniform_is_refused(void **state)
{
    (void)state;
    assert_string_equal(parse_bad("uniform(3, 3)", RANGE_NONNEG, 1),
                        "in 'uniform(3, 3)', min must be below max (got min 3, max 3)");
}

static void unknown_distribution_lists_known(void **state)
{
    (void)state;
    assert_string_equal(parse_bad("gauss(1, 2)", RANGE_NONNEG, 1),
                        "unknown distribution 'gauss' in 'gauss(1, 2)'; known: normal, lognormal, uniform, "
                        "triangular, pert, beta, or a range such as '900 to 1500'");
}

static void too_few_parameters_are_refused(void **state)
{
    (void)state;
    assert_string_equal(parse_bad("normal(1)", RANGE_NONNEG, 1),
                        "normal takes 2 parameters (mean, sd), got 'normal(1)'");
}

static void too_many_parameters_are_refused(void **state)
{
    (void)state;
    assert_string_equal(parse_bad("normal(1, 2, 3)", RANGE_NONNEG, 1),
                        "normal takes 2 parameters (mean, sd), got 'normal(1, 2, 3)'");
}

static void missing_closing_paren_is_refused(void **state)
{
    (void)state;
    assert_string_equal(parse_bad("normal(1, 2", RANGE_NONNEG, 1),
                        "in 'normal(1, 2', expected a closing ')' at the end: write normal(mean, sd)");
}

/* Text after the call's closing ')' is named as such, whatever it is. */
static void extra_closing_paren_is_named(void **state)
{
    (void)state;
    assert_string_equal(parse_bad("normal(100, 5))", RANGE_NONNEG, 1),
                        "in 'normal(100, 5))', an extra ')' after the closing one: write normal(100, 5)");
    assert_string_equal(parse_bad("pert(1, 2, 3) )", RANGE_NONNEG, 1),
                        "in 'pert(1, 2, 3) )', an extra ')' after the closing one: write pert(1, 2, 3)");
    assert_string_equal(parse_bad("uniform(1, 2) per month", RANGE_NONNEG, 1),
                        "in 'uniform(1, 2) per month', text after the closing ')': write uniform(1, 2)");
    assert_string_equal(parse_bad("normal((1, 2)", RANGE_NONNEG, 1),
                        "in 'normal((1, 2)', a '(' inside the parameters: they are plain numbers, write "
                        "normal(mean, sd)");
}

/* DIST_NO_PERCENT refuses a '%' in a number and in every parameter. */
static void percent_is_refused_where_the_field_is_no_fraction(void **state)
{
    (void)state;
    const char *forms[] = { "5%", "5% to 9%", "normal(100, 5%)", "pert(1%, 2, 3)" };
    for (size_t i = 0; i < 4; i++) {
        char want[256];
        snprintf(want, sizeof want, "'%s' has a %% sign, but this field is not a fraction (a %% divides by 100): "
                 "write the number itself", forms[i]);
        assert_string_equal(parse_bad(forms[i], RANGE_NONNEG, DIST_UNCERTAIN | DIST_NO_PERCENT), want);
    }
    struct dist d = parse_ok("5", RANGE_NONNEG, DIST_NO_PERCENT);
    assert_close(d.p[0], 5, EXACT);
}

/* Every kind whose mean lies outside the range is refused; the percent
 * hint is given only where the percent reading lies inside. */
static void mean_outside_the_range_is_refused_for_every_kind(void **state)
{
    (void)state;
    const char *rates[] = { "normal(2, 1)", "lognormal(1, 0.5)", "uniform(1, 3)", "triangular(1, 2, 3)",
                            "pert(1, 2, 3)", "2 to 4" };
    for (size_t i = 0; i < 6; i++)
        assert_non_null(strstr(parse_bad(rates[i], RANGE_RATE, 1), "but this field is a rate, from 0 to 1"));
    assert_string_equal(parse_bad("uniform(1, 3)", RANGE_RATE, 1),
                        "'uniform(1, 3)' has a mean of 2, but this field is a rate, from 0 to 1 (0% to 100%): did "
                        "you mean uniform(1%, 3%)?");
    /* no hint where percent does not help: lognormal's mu is a logarithm */
    assert_string_equal(parse_bad("lognormal(1, 0.5)", RANGE_RATE, 1),
                        "'lognormal(1, 0.5)' has a mean of 3.08022, but this field is a rate, from 0 to 1 (0% to "
                        "100%)");
    assert_string_equal(parse_bad("uniform(-300, -100)", RANGE_CHANGE, 1),
                        "'uniform(-300, -100)' has a mean of -200, but this field is a change, of -100% or more");
    assert_string_equal(parse_bad("uniform(-30, -10)", RANGE_CHANGE, 1),
                        "'uniform(-30, -10)' has a mean of -20, but this field is a change, of -100% or more: did "
                        "you mean uniform(-30%, -10%)?");
    assert_string_equal(parse_bad("triangular(-9, -6, 1)", RANGE_NONNEG, 1),
                        "'triangular(-9, -6, 1)' has a mean of -4.66667, but this field is a value of 0 or more");
    /* a mean on the range's edge is inside */
    parse_ok("uniform(-1, 1)", RANGE_NONNEG, 1);
    parse_ok("uniform(0, 2)", RANGE_RATE, 1);
}

/* dist_top: the support's top, or the quantile of the highest uniform. */
static void top_is_the_largest_draw(void **state)
{
    (void)state;
    struct dist d = parse_ok("pert(1, 2, 30)", RANGE_NONNEG, 1);
    /* pert(1, 2, 30) is 1 + 29 beta(1 + 4/29, 1 + 4 * 28/29) */
    assert_close(dist_top(&d), 1 + 29 * gsl_cdf_beta_Qinv(0x1.0p-53, 1 + 4.0 / 29, 1 + 112.0 / 29), 1e-6);
    d = parse_ok("normal(10, 2)", RANGE_NONNEG, 1);
    assert_close(dist_top(&d), 10 + 2 * gsl_cdf_ugaussian_Qinv(0x1.0p-53), 1e-6);
    d = parse_ok("normal(50%, 20%)", RANGE_RATE, 1);
    assert_close(dist_top(&d), 1, 0); /* clamped */
    d = parse_ok("7", RANGE_NONNEG, 1);
    assert_close(dist_top(&d), 7, 0);
}

static void thousands_separator_in_a_parameter_counts_as_a_comma(void **state)
{
    (void)state;
    assert_string_equal(parse_bad("uniform(1,200, 3)", RANGE_NONNEG, 1),
                        "uniform takes 2 parameters (min, max), got 'uniform(1,200, 3)'");
}

static void bad_parameter_is_named(void **state)
{
    (void)state;
    assert_string_equal(parse_bad("normal(a, 2)", RANGE_NONNEG, 1),
                        "in 'normal(a, 2)', parameter 1: expected a number, got 'a': write a plain number "
                        "such as 1200, -3.5 or 5%");
}

int main(void)
{
    gsl_set_error_handler_off(); /* as cpcsim's main does: statuses are checked instead */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(plain_integer_is_a_constant),
        cmocka_unit_test(beta_table_draws_match_the_exact_quantile),
        cmocka_unit_test(extreme_shapes_with_a_table_still_draw_correctly),
        cmocka_unit_test(only_beta_and_pert_get_a_table),
        cmocka_unit_test(negative_decimal_parses),
        cmocka_unit_test(exponent_parses),
        cmocka_unit_test(percentage_is_a_hundredth),
        cmocka_unit_test(parse_number_takes_decimal_percentages),
        cmocka_unit_test(negative_zero_parses_as_zero),
        cmocka_unit_test(plain_number_fits_a_plain_only_field),
        cmocka_unit_test(dist_const_builds_a_constant),
        cmocka_unit_test(interval_above_zero_is_lognormal),
        cmocka_unit_test(interval_word_is_case_insensitive),
        cmocka_unit_test(interval_of_percentages_on_a_rate),
        cmocka_unit_test(interval_across_zero_on_any_field_is_normal),
        cmocka_unit_test(interval_from_zero_on_any_field_is_normal),
        cmocka_unit_test(interval_above_zero_on_any_field_is_lognormal),
        cmocka_unit_test(normal_parses),
        cmocka_unit_test(lognormal_parses),
        cmocka_unit_test(uniform_parses),
        cmocka_unit_test(triangular_parses),
        cmocka_unit_test(pert_parses),
        cmocka_unit_test(beta_parses),
        cmocka_unit_test(names_ignore_case_and_spaces),
        cmocka_unit_test(percentages_inside_parameters),
        cmocka_unit_test(mean_of_constant),
        cmocka_unit_test(mean_of_interval_is_lognormal_mean),
        cmocka_unit_test(mean_of_normal_interval_is_midpoint),
        cmocka_unit_test(mean_of_normal),
        cmocka_unit_test(mean_of_lognormal),
        cmocka_unit_test(mean_of_uniform),
        cmocka_unit_test(mean_of_triangular),
        cmocka_unit_test(mean_of_pert),
        cmocka_unit_test(mean_of_beta),
        cmocka_unit_test(mean_is_taken_before_clamping),
        cmocka_unit_test(interval_draws_its_ends_at_5_and_95),
        cmocka_unit_test(normal_interval_draws_its_ends),
        cmocka_unit_test(normal_draws_mean_plus_z_sd),
        cmocka_unit_test(lognormal_median_is_exp_mu),
        cmocka_unit_test(uniform_draws_are_linear),
        cmocka_unit_test(triangular_draws_closed_form),
        cmocka_unit_test(pert_with_mode_at_min_is_scaled_beta_1_5),
        cmocka_unit_test(symmetric_pert_median_is_mode),
        cmocka_unit_test(beta_2_1_draws_sqrt_u),
        cmocka_unit_test(constant_draw_ignores_u),
        cmocka_unit_test(normal_on_nonneg_field_draws_zero_at_tiny_u),
        cmocka_unit_test(normal_on_any_field_is_not_clamped),
        cmocka_unit_test(normal_on_rate_field_clamps_to_0_and_1),
        cmocka_unit_test(interval_on_rate_field_clamps_to_1),
        cmocka_unit_test(standard_normal_on_nonneg_has_half_outside),
        cmocka_unit_test(normal_on_rate_counts_both_tails),
        cmocka_unit_test(uniform_mass_below_zero),
        cmocka_unit_test(uniform_mass_above_one_on_rate),
        cmocka_unit_test(triangular_mass_below_zero),
        cmocka_unit_test(forms_within_range_have_no_mass_outside),
        cmocka_unit_test(thousands_separator_is_refused),
        cmocka_unit_test(currency_sign_is_refused),
        cmocka_unit_test(accounting_negative_is_refused),
        cmocka_unit_test(decimal_comma_is_refused),
        cmocka_unit_test(trailing_letters_are_refused),
        cmocka_unit_test(two_decimal_points_are_refused),
        cmocka_unit_test(nan_is_refused),
        cmocka_unit_test(inf_is_refused),
        cmocka_unit_test(hexadecimal_is_refused_with_its_decimal),
        cmocka_unit_test(empty_text_is_refused),
        cmocka_unit_test(distribution_in_plain_only_field_is_refused),
        cmocka_unit_test(bad_number_in_uncertain_field_mentions_distributions),
        cmocka_unit_test(nan_in_uncertain_field_is_refused),
        cmocka_unit_test(reversed_interval_is_refused),
        cmocka_unit_test(interval_from_zero_on_nonneg_field_suggests_uniform),
        cmocka_unit_test(interval_from_zero_on_rate_field_is_refused),
        cmocka_unit_test(bad_end_of_interval_is_named),
        cmocka_unit_test(change_below_minus_100_percent_is_refused),
        cmocka_unit_test(change_is_normal_across_zero_and_clamped_at_minus_one),
        cmocka_unit_test(extreme_beta_shapes_draw_in_order_or_are_refused),
        cmocka_unit_test(distributions_that_overflow_are_refused),
        cmocka_unit_test(triangular_min_above_max_is_refused),
        cmocka_unit_test(triangular_mode_below_min_is_refused),
        cmocka_unit_test(pert_mode_above_max_is_refused),
        cmocka_unit_test(negative_sd_is_refused),
        cmocka_unit_test(lognormal_mu_written_as_value_is_refused),
        cmocka_unit_test(beta_zero_shape_is_refused),
        cmocka_unit_test(empty_uniform_is_refused),
        cmocka_unit_test(unknown_distribution_lists_known),
        cmocka_unit_test(too_few_parameters_are_refused),
        cmocka_unit_test(too_many_parameters_are_refused),
        cmocka_unit_test(missing_closing_paren_is_refused),
        cmocka_unit_test(extra_closing_paren_is_named),
        cmocka_unit_test(percent_is_refused_where_the_field_is_no_fraction),
        cmocka_unit_test(mean_outside_the_range_is_refused_for_every_kind),
        cmocka_unit_test(top_is_the_largest_draw),
        cmocka_unit_test(thousands_separator_in_a_parameter_counts_as_a_comma),
        cmocka_unit_test(bad_parameter_is_named),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
