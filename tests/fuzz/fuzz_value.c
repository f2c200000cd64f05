/*
 * fuzz_value.c - libFuzzer harness for the value language (models/dist.h).
 *
 * The input, cut at 4 KiB and at its first NUL, is parsed by dist_parse for
 * every field range and with and without uncertainty, and by
 * dist_parse_number.  What is accepted must be usable; abort() when not:
 *
 *   dist_parse_number   a finite number, never -0; exactly what dist_parse
 *                       takes for a RANGE_ANY field without uncertainty.
 *   dist_parse          a known kind with the field's range; a constant when
 *                       the field takes no uncertainty; a mean that is not
 *                       NaN and lies within the field's range; no '%' with
 *                       DIST_NO_PERCENT; dist_top at least the median; at u = 1e-12, 0.05, 0.5, 0.95, 1 - 1e-12 a draw
 *                       that is finite and within the field's range
 *                       (NONNEG >= 0, RATE within 0..1, CHANGE >= -1),
 *                       non-decreasing in u; dist_mass_outside within 0..1;
 *                       for beta and PERT, the same through dist_prepare's
 *                       quantile table, within 1e-6 of the exact draws.
 *   on failure          a non-empty, NUL-terminated reason.
 *
 * Set FUZZ_VALUE_STRICT_MEAN=1 to also require a finite mean (a lognormal
 * with a wide sigma has an infinite mean in double precision).
 *
 * Built and run by tests/fuzz/run.sh.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "models/dist.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_TEXT 4096

static const char *current; /* the text being checked, for the message */

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_value: invariant broken: %s (%s:%d) for text '%.200s'\n", #cond, \
                    __FILE__, __LINE__, current ? current : "");                                   \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

static int strict_mean;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    gsl_set_error_handler_off(); /* as main() does */
    const char *s = getenv("FUZZ_VALUE_STRICT_MEAN");
    strict_mean = s && *s == '1';
    return 0;
}

static const double us[] = { 1e-12, 0.05, 0.5, 0.95, 1 - 1e-12 };

static void check_why(const char *why, size_t len)
{
    size_t n = strnlen(why, len);
    CHECK(n > 0 && n < len);
}

static void check_dist(const struct dist *d, enum dist_range range, int uncertain)
{
    CHECK(d->kind >= DIST_CONST && d->kind <= DIST_BETA);
    CHECK(d->range == range);
    if (!uncertain)
        CHECK(d->kind == DIST_CONST);
    CHECK(dist_is_uncertain(d) == (d->kind != DIST_CONST));
    if (d->kind == DIST_CONST)
        CHECK(isfinite(d->p[0]));

    double mean = dist_mean(d);
    CHECK(!isnan(mean));
    CHECK(dist_in_range(mean, range)); /* the plan never takes a value its field cannot */
    CHECK(dist_top(d) >= dist_draw(d, 0.5));
    if (strict_mean)
        CHECK(isfinite(mean));

    /* every draw first, then the checks: a draw that never returns is a
     * timeout whatever the others give */
    double xs[sizeof us / sizeof us[0]];
    for (size_t i = 0; i < sizeof us / sizeof us[0]; i++)
        xs[i] = dist_draw(d, us[i]);
    double prev = -INFINITY;
    for (size_t i = 0; i < sizeof us / sizeof us[0]; i++) {
        double x = xs[i];
        if (!isfinite(x))
            fprintf(stderr, "fuzz_value: dist_draw(u=%g) = %g\n", us[i], x);
        CHECK(isfinite(x));
        switch (range) {
        case RANGE_NONNEG: CHECK(x >= 0); break;
        case RANGE_RATE: CHECK(x >= 0 && x <= 1); break;
        case RANGE_CHANGE: CHECK(x >= -1); break;
        case RANGE_ANY: break;
        }
        CHECK(x >= prev); /* an inverse distribution function never decreases */
        prev = x;
    }

    /* the same through a quantile table (beta and PERT; others have none):
     * finite, in range, never decreasing, and the exact draw to 1e-6 */
    struct dist t = *d;
    if (dist_prepare(&t) == 0 && t.table) {
        prev = -INFINITY;
        for (size_t i = 0; i < sizeof us / sizeof us[0]; i++) {
            double x = dist_draw(&t, us[i]);
            if (!(isfinite(x) && x >= prev && fabs(x - xs[i]) <= 1e-6 * (fabs(xs[i]) + fabs(d->p[2] - d->p[0]) + 1e-300)))
                fprintf(stderr, "fuzz_value: with a table, dist_draw(u=%g) = %.17g, exactly %.17g\n", us[i], x, xs[i]);
            CHECK(isfinite(x) && x >= prev);
            CHECK(fabs(x - xs[i]) <= 1e-6 * (fabs(xs[i]) + fabs(d->p[2] - d->p[0]) + 1e-300));
            prev = x;
        }
    }
    dist_release(&t);

    double out = dist_mass_outside(d);
    if (!(out >= 0 && out <= 1 + 1e-12))
        fprintf(stderr, "fuzz_value: dist_mass_outside = %g\n", out);
    CHECK(out >= 0 && out <= 1 + 1e-12);

    char desc[256];
    desc[0] = '\0';
    dist_describe(d, desc, sizeof desc);
    CHECK(strnlen(desc, sizeof desc) < sizeof desc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char text[MAX_TEXT + 1];
    size_t n = size < MAX_TEXT ? size : MAX_TEXT;
    memcpy(text, data, n);
    text[n] = '\0';
    current = text;

    char why[512];
    double v = 12345;
    memset(why, 0, sizeof why);
    int rc_num = dist_parse_number(text, &v, why, sizeof why);
    if (rc_num == 0) {
        CHECK(isfinite(v));
        CHECK(!(v == 0 && signbit(v)));
    } else {
        CHECK(rc_num == -1);
        check_why(why, sizeof why);
    }

    static const enum dist_range ranges[] = { RANGE_NONNEG, RANGE_ANY, RANGE_RATE, RANGE_CHANGE };
    for (size_t r = 0; r < sizeof ranges / sizeof ranges[0]; r++) {
        for (unsigned flags = 0; flags <= (DIST_UNCERTAIN | DIST_NO_PERCENT); flags++) {
            const int uncertain = (flags & DIST_UNCERTAIN) != 0;
            struct dist d;
            memset(&d, 0xA5, sizeof d);
            memset(why, 0, sizeof why);
            int rc = dist_parse(text, ranges[r], flags, &d, why, sizeof why);
            if (rc == 0) {
                check_dist(&d, ranges[r], uncertain);
                if (flags & DIST_NO_PERCENT)
                    CHECK(!strchr(text, '%'));
            } else {
                CHECK(rc == -1);
                check_why(why, sizeof why);
            }
            if (ranges[r] == RANGE_ANY && flags == 0) {
                /* a plain-number field of any sign takes exactly the numbers */
                CHECK((rc == 0) == (rc_num == 0));
                if (rc == 0)
                    CHECK(d.p[0] == v);
            }
        }
    }
    current = NULL;
    return 0;
}
