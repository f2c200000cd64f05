/*
 * dist.c - parsing, means and inverse-CDF draws of cell values (see dist.h).
 *
 * Numbers are checked character by character before strtod sees them, so
 * what strtod would also take (hexadecimal, "inf", "nan", leading spaces) is
 * refused; the process never leaves the "C" locale, so strtod's decimal
 * point is '.'.  Inverse distribution functions come from GSL's cdf module;
 * the triangular one is closed-form, and PERT is a scaled beta with
 * alpha = 1 + 4 (mode - min) / (max - min), beta = 1 + 4 (max - mode) / (max - min)
 * (Vose, Risk Analysis, 2008).
 */
#include "models/dist.h"

#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>

#include "sim/mem.h"

static int is_plain_number(const char *s)
{
    /* [+-] digits [. digits] [e [+-] digits] [%], at least one digit */
    const char *p = s;
    int digits = 0;
    if (*p == '+' || *p == '-') p++;
    while (isdigit((unsigned char)*p)) { p++; digits++; }
    if (*p == '.') {
        p++;
        while (isdigit((unsigned char)*p)) { p++; digits++; }
    }
    if (!digits) return 0;
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-') p++;
        if (!isdigit((unsigned char)*p)) return 0;
        while (isdigit((unsigned char)*p)) p++;
    }
    if (*p == '%') p++;
    return *p == '\0';
}

/* A guess at what the user meant, for the hint only: never used as a value.
 * Returns 0 when there is no safe guess (such as "EUR 1.200", where the dot
 * may group thousands or mark decimals). */
static int suggest(const char *text, char *out, size_t len)
{
    char buf[128];
    size_t n = 0;
    int negative = 0, percent = 0, stripped = 0, had_comma = 0;
    for (const unsigned char *p = (const unsigned char *)text; *p && n + 1 < sizeof buf; p++) {
        unsigned char c = *p;
        /* U+2212 minus sign and U+2013 en dash, as spreadsheets print them */
        if (c == 0xE2 && (p[1] == 0x88 || p[1] == 0x80) && (p[2] == 0x92 || p[2] == 0x93)) {
            buf[n++] = '-';
            p += 2;
            continue;
        }
        if (c == '(' || c == ')') { negative = 1; continue; }
        if (c == '$' || c == ' ' || c == '\'' || c == '_' || c >= 0x80) { stripped = 1; continue; }
        if (c == '%') { percent = 1; continue; }
        if (!(isdigit(c) || c == '.' || c == ',' || c == '-' || c == '+')) return 0;
        had_comma |= c == ',';
        buf[n++] = (char)c;
    }
    buf[n] = '\0';
    if (!n) return 0;
    char *lastdot = strrchr(buf, '.'), *lastcomma = strrchr(buf, ',');
    if (stripped && !had_comma && lastdot && lastdot == strchr(buf, '.') && strlen(lastdot + 1) == 3)
        return 0;
    char clean[128];
    size_t m = 0;
    int euro = lastcomma && (!lastdot || lastcomma > lastdot) &&
               !(lastcomma && !lastdot && strlen(lastcomma + 1) == 3);
    for (char *p = buf; *p; p++) {
        if (euro) {
            if (*p == '.') continue;
            clean[m++] = *p == ',' ? '.' : *p;
        } else {
            if (*p == ',') continue;
            clean[m++] = *p;
        }
    }
    clean[m] = '\0';
    if (!is_plain_number(clean)) return 0;
    snprintf(out, len, "%s%s%s", negative && clean[0] != '-' ? "-" : "", clean, percent ? "%" : "");
    return strcmp(out, text) != 0;
}

int dist_parse_number(const char *text, double *out, char *why, size_t whylen)
{
    if (!*text) {
        snprintf(why, whylen, "expected a number, got an empty cell");
        return -1;
    }
    if (!is_plain_number(text)) {
        char hint[160];
        const char *t = text;
        if (*t == '+' || *t == '-') t++;
        if (strncmp(t, "0x", 2) == 0 || strncmp(t, "0X", 2) == 0) {
            char *end;
            errno = 0;
            unsigned long long v = strtoull(t + 2, &end, 16);
            if (!*end && !errno)
                snprintf(why, whylen, "expected a decimal number, got '%s': write %s%llu", text,
                         *text == '-' ? "-" : "", v);
            else
                snprintf(why, whylen, "expected a decimal number, got '%s'", text);
            return -1;
        }
        char low[16];
        size_t i;
        for (i = 0; t[i] && i + 1 < sizeof low; i++)
            low[i] = (char)tolower((unsigned char)t[i]);
        low[i] = '\0';
        if (!strcmp(low, "nan") || !strcmp(low, "inf") || !strcmp(low, "infinity")) {
            snprintf(why, whylen, "expected a finite number, got '%s': write the amount itself, such as 1200",
                     text);
            return -1;
        }
        if (suggest(text, hint, sizeof hint))
            snprintf(why, whylen, "expected a number, got '%s': write %s "
                     "(no thousands separators or currency signs; '.' is the decimal point)", text, hint);
        else
            snprintf(why, whylen, "expected a number, got '%s': write a plain number such as 1200, -3.5 or 5%%",
                     text);
        return -1;
    }
    errno = 0;
    char *end;
    double v = strtod(text, &end);
    if (errno == ERANGE || !isfinite(v) || (*end != '\0' && strcmp(end, "%") != 0)) {
        snprintf(why, whylen, "the number '%s' is out of range", text);
        return -1;
    }
    if (*end == '%')
        v /= 100.0;
    *out = v == 0.0 ? 0.0 : v; /* never -0 */
    return 0;
}

struct dist dist_const(double value, enum dist_range range)
{
    struct dist d = { .kind = DIST_CONST, .range = range, .p = { value, 0, 0 } };
    return d;
}

static const struct {
    const char *name;
    enum dist_kind kind;
    int nparams;
    const char *params;
} forms[] = {
    { "normal", DIST_NORMAL, 2, "mean, sd" },
    { "lognormal", DIST_LOGNORMAL, 2, "mu, sigma" },
    { "uniform", DIST_UNIFORM, 2, "min, max" },
    { "triangular", DIST_TRIANGULAR, 3, "min, mode, max" },
    { "pert", DIST_PERT, 3, "min, mode, max" },
    { "beta", DIST_BETA, 2, "a, b" },
};

static int parse_interval(const char *text, const char *to, enum dist_range range,
                          struct dist *out, char *why, size_t whylen)
{
    char left[128], right[128], sub[256];
    size_t ln = (size_t)(to - text);
    const char *r = to + 4;
    while (ln && isspace((unsigned char)text[ln - 1])) ln--;
    while (isspace((unsigned char)*r)) r++;
    if (ln >= sizeof left || strlen(r) >= sizeof right) {
        snprintf(why, whylen, "the range '%s' is too long", text);
        return -1;
    }
    memcpy(left, text, ln);
    left[ln] = '\0';
    strcpy(right, r);
    double a, b;
    if (dist_parse_number(left, &a, sub, sizeof sub)) {
        snprintf(why, whylen, "in the range '%s', the low end: %s", text, sub);
        return -1;
    }
    if (dist_parse_number(right, &b, sub, sizeof sub)) {
        snprintf(why, whylen, "in the range '%s', the high end: %s", text, sub);
        return -1;
    }
    if (!(a < b)) {
        snprintf(why, whylen, "in the range '%s', the low end %s must be below the high end %s", text,
                 left, right);
        return -1;
    }
    out->from_interval = 1;
    if (a > 0) {
        out->kind = DIST_LOGNORMAL;
        out->p[0] = (log(a) + log(b)) / 2;
        out->p[1] = (log(b) - log(a)) / (2 * DIST_Z95);
        return 0;
    }
    if (range != RANGE_ANY && range != RANGE_CHANGE) {
        snprintf(why, whylen,
                 "the range '%s' starts at %s, but this field cannot be negative and a range is "
                 "lognormal only above 0: write uniform(%s, %s) or triangular(%s, MODE, %s)",
                 text, left, left, right, left, right);
        return -1;
    }
    out->kind = DIST_NORMAL;
    out->p[0] = (a + b) / 2;
    out->p[1] = (b - a) / (2 * DIST_Z95);
    return 0;
}

/* Finds " to " as a word, case-insensitively; NULL when absent. */
static const char *find_to(const char *s)
{
    for (const char *p = s; *p; p++) {
        if (p > s && (p[-1] == ' ' || p[-1] == '\t') && tolower((unsigned char)p[0]) == 't' &&
            tolower((unsigned char)p[1]) == 'o' && (p[2] == ' ' || p[2] == '\t'))
            return p - 1;
    }
    return NULL;
}

static int check_params(const struct dist *d, const char *text, char *why, size_t whylen)
{
    const double *p = d->p;
    switch (d->kind) {
    case DIST_NORMAL:
        if (!(p[1] > 0)) {
            snprintf(why, whylen, "in '%s', the standard deviation must be above 0 (got %g)", text, p[1]);
            return -1;
        }
        break;
    case DIST_LOGNORMAL:
        if (!(p[1] > 0)) {
            snprintf(why, whylen, "in '%s', sigma must be above 0 (got %g)", text, p[1]);
            return -1;
        }
        if (p[0] > 700) {
            snprintf(why, whylen, "in '%s', mu is the mean of the logarithm: %g is far too large "
                     "(for a value near 1000, mu is about 6.9; or write '900 to 1500')", text, p[0]);
            return -1;
        }
        break;
    case DIST_UNIFORM:
        if (!(p[0] < p[1])) {
            snprintf(why, whylen, "in '%s', min must be below max (got min %g, max %g)", text, p[0], p[1]);
            return -1;
        }
        break;
    case DIST_TRIANGULAR:
    case DIST_PERT:
        if (!(p[0] < p[2])) {
            snprintf(why, whylen, "in '%s', min %g must be below max %g (the parameters are min, mode, max)",
                     text, p[0], p[2]);
            return -1;
        }
        if (p[1] < p[0] || p[1] > p[2]) {
            snprintf(why, whylen, "in '%s', the mode %g must lie between min %g and max %g", text, p[1], p[0], p[2]);
            return -1;
        }
        break;
    case DIST_BETA:
        if (!(p[0] > 0) || !(p[1] > 0)) {
            snprintf(why, whylen, "in '%s', both shape parameters a and b must be above 0 (got a %g, b %g)",
                     text, p[0], p[1]);
            return -1;
        }
        if (p[0] < 0.01 || p[1] < 0.01 || p[0] > 1e5 || p[1] > 1e5) {
            snprintf(why, whylen, "in '%s', shape parameters from 0.01 to 100000 are supported (got a %g, b %g); "
                     "for a rate known that precisely, write the number", text, p[0], p[1]);
            return -1;
        }
        break;
    case DIST_CONST:
        break;
    }
    return 0;
}

static int parse_call(const char *text, const char *paren, enum dist_range range,
                      struct dist *out, char *why, size_t whylen)
{
    char name[32];
    size_t n = (size_t)(paren - text);
    while (n && isspace((unsigned char)text[n - 1])) n--;
    if (n == 0 || n >= sizeof name) {
        snprintf(why, whylen, "expected a number or a distribution such as '900 to 1500', got '%s'", text);
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        name[i] = (char)tolower((unsigned char)text[i]);
    name[n] = '\0';
    size_t f;
    for (f = 0; f < sizeof forms / sizeof forms[0]; f++)
        if (!strcmp(forms[f].name, name))
            break;
    if (f == sizeof forms / sizeof forms[0]) {
        snprintf(why, whylen, "unknown distribution '%s' in '%s'; known: normal, lognormal, uniform, "
                 "triangular, pert, beta, or a range such as '900 to 1500'", name, text);
        return -1;
    }
    /* the first ')' closes the call: what follows it, or a '(' before it,
     * is said as such, not read as a bad parameter */
    const char *close = strchr(paren + 1, ')'), *inner = strchr(paren + 1, '(');
    if (!close) {
        snprintf(why, whylen, "in '%s', expected a closing ')' at the end: write %s(%s)", text,
                 forms[f].name, forms[f].params);
        return -1;
    }
    if (inner && inner < close) {
        snprintf(why, whylen, "in '%s', a '(' inside the parameters: they are plain numbers, write %s(%s)", text,
                 forms[f].name, forms[f].params);
        return -1;
    }
    if (close[1] != '\0') {
        const char *rest = close + 1;
        while (*rest == ')' || isspace((unsigned char)*rest))
            rest++;
        if (!*rest)
            snprintf(why, whylen, "in '%s', an extra ')' after the closing one: write %.*s", text,
                     (int)(close + 1 - text), text);
        else
            snprintf(why, whylen, "in '%s', text after the closing ')': write %.*s", text,
                     (int)(close + 1 - text), text);
        return -1;
    }
    out->kind = forms[f].kind;
    int count = 0;
    const char *p = paren + 1;
    for (;;) {
        const char *comma = p;
        while (comma < close && *comma != ',') comma++;
        char arg[128], sub[256];
        const char *a = p, *b = comma;
        while (a < b && isspace((unsigned char)*a)) a++;
        while (b > a && isspace((unsigned char)b[-1])) b--;
        if ((size_t)(b - a) >= sizeof arg || count >= 3) {
            count = 4;
            break;
        }
        memcpy(arg, a, (size_t)(b - a));
        arg[b - a] = '\0';
        if (!(count == 0 && !*arg && comma == close)) {
            if (dist_parse_number(arg, &out->p[count], sub, sizeof sub)) {
                snprintf(why, whylen, "in '%s', parameter %d: %s", text, count + 1, sub);
                return -1;
            }
            count++;
        }
        if (comma >= close)
            break;
        p = comma + 1;
    }
    if (count != forms[f].nparams) {
        snprintf(why, whylen, "%s takes %d parameters (%s), got '%s'", forms[f].name, forms[f].nparams,
                 forms[f].params, text);
        return -1;
    }
    (void)range;
    return check_params(out, text, why, whylen);
}

static double unclamped_draw(const struct dist *d, double u);

/* The extreme uniforms a draw can be made from: the streams give multiples
 * of 2^-32 and the designs (sim/design.c) keep within 2^-53 of the ends. */
#define U_LOW 0x1.0p-53
#define U_HIGH (1 - 0x1.0p-53)

/* Non-zero when the mean and every draw the generator can reach (u from
 * U_LOW to U_HIGH) are finite numbers. */
static int finite_everywhere(const struct dist *d)
{
    const double us[] = { U_LOW, 0.5, U_HIGH };
    for (size_t i = 0; i < 3; i++)
        if (!isfinite(unclamped_draw(d, us[i])))
            return 0;
    return isfinite(dist_mean(d));
}

int dist_in_range(double x, enum dist_range range)
{
    switch (range) {
    case RANGE_NONNEG: return x >= 0;
    case RANGE_RATE: return x >= 0 && x <= 1;
    case RANGE_CHANGE: return x >= -1;
    case RANGE_ANY: return !isnan(x);
    }
    return 0;
}

/* What a field of RANGE takes, for messages. */
static const char *range_words(enum dist_range range)
{
    switch (range) {
    case RANGE_NONNEG: return "a value of 0 or more";
    case RANGE_RATE: return "a rate, from 0 to 1 (0% to 100%)";
    case RANGE_CHANGE: return "a change, of -100% or more";
    case RANGE_ANY: break;
    }
    return "a number";
}

/* TEXT with a '%' after every number: "2 to 4" becomes "2% to 4%".  Returns
 * 0 when TEXT already has a '%' or the result would not fit LEN. */
static int with_percents(const char *text, char *out, size_t len)
{
    size_t n = 0;
    if (strchr(text, '%'))
        return 0;
    for (const char *p = text; *p;) {
        int starts = isdigit((unsigned char)*p) || (*p == '.' && isdigit((unsigned char)p[1]));
        if (!starts || (p > text && isalnum((unsigned char)p[-1]))) {
            if (n + 1 >= len)
                return 0;
            out[n++] = *p++;
            continue;
        }
        const char *q = p;
        while (isdigit((unsigned char)*q) || *q == '.')
            q++;
        if ((*q == 'e' || *q == 'E') &&
            (isdigit((unsigned char)q[1]) || ((q[1] == '+' || q[1] == '-') && isdigit((unsigned char)q[2])))) {
            q += 2;
            while (isdigit((unsigned char)*q))
                q++;
        }
        if (n + (size_t)(q - p) + 2 >= len)
            return 0;
        memcpy(out + n, p, (size_t)(q - p));
        n += (size_t)(q - p);
        out[n++] = '%';
        p = q;
    }
    out[n] = '\0';
    return 1;
}

/* Refuses the distribution D written TEXT when its mean lies outside its
 * field's range: the plan would take a value the field cannot have, and
 * nearly every path would clamp.  The hint writes the numbers in percent
 * when that reads as a value of the field (a rate written 2 to 4). */
static int check_mean(const struct dist *d, const char *text, unsigned flags, char *why, size_t whylen)
{
    double mean = dist_mean(d);
    if (dist_in_range(mean, d->range))
        return 0;
    char percent[256], sub[512];
    struct dist alt;
    int hint = !(flags & DIST_NO_PERCENT) && with_percents(text, percent, sizeof percent) &&
               dist_parse(percent, d->range, flags, &alt, sub, sizeof sub) == 0;
    snprintf(why, whylen, "'%s' has a mean of %g, but this field is %s%s%s%s", text, mean, range_words(d->range),
             hint ? ": did you mean " : "", hint ? percent : "", hint ? "?" : "");
    return -1;
}

int dist_parse(const char *text, enum dist_range range, unsigned flags, struct dist *out,
               char *why, size_t whylen)
{
    const int uncertain = (flags & DIST_UNCERTAIN) != 0;
    if ((flags & DIST_NO_PERCENT) && strchr(text, '%')) {
        snprintf(why, whylen, "'%s' has a %% sign, but this field is not a fraction (a %% divides by 100): "
                 "write the number itself", text);
        return -1;
    }
    struct dist d = { .kind = DIST_CONST, .range = range };
    const char *paren = strchr(text, '(');
    const char *to = find_to(text);
    int is_number = is_plain_number(text);
    if (!is_number && (to || (paren && isalpha((unsigned char)text[0])))) {
        if (!uncertain) {
            snprintf(why, whylen, "expected a plain number, got '%s': this column takes one number, "
                     "not a distribution", text);
            return -1;
        }
        int rc = to ? parse_interval(text, to, range, &d, why, whylen)
                    : parse_call(text, paren, range, &d, why, whylen);
        if (rc)
            return -1;
        if (!finite_everywhere(&d)) {
            snprintf(why, whylen, "'%s' reaches values too large to compute with (its extreme draws overflow); "
                     "narrow it", text);
            return -1;
        }
        if (check_mean(&d, text, flags, why, whylen))
            return -1;
        *out = d;
        return 0;
    }
    if (dist_parse_number(text, &d.p[0], why, whylen)) {
        if (uncertain && *text && !is_number) {
            /* rephrase: the user may have meant a distribution */
            char inner[512];
            snprintf(inner, sizeof inner, "%s", why);
            const char *hint = strstr(inner, ": write");
            snprintf(why, whylen, "expected a number or a distribution such as '900 to 1500', got '%s'%s",
                     text, hint ? hint : "");
        }
        /* the example of a percentage is for fields that take one */
        char *example = strstr(why, "1200, -3.5 or 5%");
        if ((flags & DIST_NO_PERCENT) && example)
            memcpy(example, "1200 or -3.5\0", 13);
        return -1;
    }
    if (dist_mass_outside(&d) > 0) {
        snprintf(why, whylen, "expected a number %s, got '%s'",
                 range == RANGE_RATE     ? "between 0 and 1 (or 0% to 100%)"
                 : range == RANGE_CHANGE ? "of -100% or more (a change cannot take away more than all)"
                                         : "0 or more",
                 text);
        return -1;
    }
    *out = d;
    return 0;
}

int dist_is_uncertain(const struct dist *d)
{
    return d->kind != DIST_CONST;
}

static void pert_shape(const double *p, double *alpha, double *beta)
{
    double w = p[2] - p[0];
    *alpha = 1 + 4 * ((p[1] - p[0]) / w);
    *beta = 1 + 4 * ((p[2] - p[1]) / w);
}

double dist_mean(const struct dist *d)
{
    const double *p = d->p;
    switch (d->kind) {
    case DIST_CONST: return p[0];
    case DIST_NORMAL: return p[0];
    case DIST_LOGNORMAL: return exp(p[0] + p[1] * p[1] / 2);
    case DIST_UNIFORM: return (p[0] + p[1]) / 2;
    case DIST_TRIANGULAR: return (p[0] + p[1] + p[2]) / 3;
    case DIST_PERT: return (p[0] + 4 * p[1] + p[2]) / 6;
    case DIST_BETA: return p[0] / (p[0] + p[1]);
    }
    return NAN;
}

/* The inverse of the beta distribution function.  GSL's Newton iteration
 * can return NAN for shapes far apart (beta(10, 2000) at some u) and wrong
 * values for tiny shapes (beta(0.01, 0.01)), so its answer is kept only when
 * the distribution function gives U back; otherwise the answer is found by
 * bisection on the distribution function, which always ends and never
 * decreases in U. */
static double beta_inv(double u, double a, double b)
{
    /* above the median, F is compared through 1 - F, which keeps its digits
     * where F rounds to 1 (1 - u is exact there) */
    const int upper = u > 0.5;
    const double q = 1 - u;
    double x = upper ? gsl_cdf_beta_Qinv(q, a, b) : gsl_cdf_beta_Pinv(u, a, b);
    if (x >= 0 && x <= 1 &&
        (upper ? fabs(gsl_cdf_beta_Q(x, a, b) - q) : fabs(gsl_cdf_beta_P(x, a, b) - u)) <= 1e-8 * fmin(u, q))
        return x;
    /* bisection over the doubles of [0, 1], ordered as their bit patterns:
     * at most 62 steps to the smallest double whose probability reaches u */
    uint64_t lo = 0, hi;
    double one = 1.0;
    memcpy(&hi, &one, sizeof hi);
    while (hi - lo > 1) {
        uint64_t mid = lo + (hi - lo) / 2;
        double m;
        memcpy(&m, &mid, sizeof m);
        if (upper ? gsl_cdf_beta_Q(m, a, b) > q : gsl_cdf_beta_P(m, a, b) < u)
            lo = mid;
        else
            hi = mid;
    }
    memcpy(&x, &hi, sizeof x);
    return x;
}

/*
 * The beta quantile function by table, for draws: GSL's inverse costs a few
 * microseconds (several evaluations of the incomplete beta function), and a
 * model draws each beta and PERT cell once per path.  The table holds knots
 * x_j with u_j = F(x_j), q_j = 1 - F(x_j) and the derivatives of x(u);
 * a draw finds the interval around u and takes the quintic Hermite
 * interpolant through its two knots (value, slope and curvature at each), in one of three coordinates: x against u in the
 * body, log x against log u in the lower tail and log(1 - x) against
 * log(1 - u) in the upper one (where x is close to a power of u, which a
 * polynomial in u follows badly), and in the two end intervals the leading
 * power law itself.  Knots come from halving [0, 1] until the
 * interpolant in one of the coordinates, tested at 1/64, 1/4, 1/2, 3/4 and
 * 63/64 of the interval, is within TABLE_TOL of the exact quantile
 * relative to min(x, 1 - x) (or to x's own rounding near 1; the error of x
 * measured as the Newton step
 * |F(x) - u| / f(x)), or within TABLE_UTOL of u relative to min(u, 1 - u),
 * as close as F's own rounding allows.  An interval that gets there in no
 * coordinate (next to an end where the density is 0 or infinite, or past the
 * size cap) is marked, and a draw that lands in it is inverted exactly.  So a
 * table draw is the exact quantile to about 1e-11, a thousand times closer
 * than the 1e-8 to which beta_inv accepts GSL's answer.
 */
#define TABLE_TOL 1e-11
#define TABLE_UTOL 1e-13
#define TABLE_START 16 /* first split of [0, 1] */
#define TABLE_POWER 0x1p-40 /* widest end interval drawn by the power law */
#define TABLE_DEPTH 40 /* halvings of an interval, at most */
#define TABLE_MAX 4096 /* intervals split, at most */
#define TABLE_FIRST_CAP 64 /* intervals allocated at first; doubled as needed */

enum table_mode { TM_EXACT, TM_PLAIN, TM_LOWER, TM_UPPER, TM_POWER };

struct knot {
    double x, u, q; /* x, F(x), 1 - F(x) */
    double s, s2;   /* dx/du = 1 / f(x) and d2x/du2 = -(f'(x) / f(x)) s^2 (not finite where f is 0) */
};

/* A point of the curve being interpolated: coordinate, value and the value's
 * first and second derivatives. */
struct pt {
    double v, y, d1, d2;
};

struct dist_table {
    double inv_a, inv_b;  /* 1 / a, 1 / b */
    size_t n;             /* intervals */
    size_t cap;           /* intervals allocated */
    int failed;           /* memory ran out while building */
    struct knot *k;       /* [n + 1] */
    unsigned char *mode;  /* [n]: enum table_mode */
    struct pt *ends;      /* [2 n]: each interval's knots in its mode's coordinates */
};

static double beta_pdf(double x, double a, double b)
{
    return gsl_ran_beta_pdf(x, a, b);
}

static struct knot knot_at(double x, double a, double b)
{
    struct knot k = { x, gsl_cdf_beta_P(x, a, b), gsl_cdf_beta_Q(x, a, b), 1 / beta_pdf(x, a, b), 0 };
    k.s2 = -((a - 1) / x - (b - 1) / (1 - x)) * k.s * k.s;
    return k;
}

/* The knot K as a point in MODE's coordinates (chain rule on x = Q(u): with
 * y = log x and v = log u, y' = u s / x and y'' = y' (1 + u s2 / s - y');
 * with y = log(1 - x) and v = log(1 - u), y' = q s / (1 - x) and
 * y'' = y' (1 - q s2 / s - y')). */
static struct pt to_mode(const struct knot *k, int mode)
{
    struct pt p;
    if (mode == TM_PLAIN) {
        p = (struct pt){ k->u, k->x, k->s, k->s2 };
    } else if (mode == TM_LOWER) {
        double d = k->u * k->s / k->x;
        p = (struct pt){ log(k->u), log(k->x), d, d * (1 + k->u * k->s2 / k->s - d) };
    } else {
        double d = k->q * k->s / (1 - k->x);
        p = (struct pt){ log(k->q), log1p(-k->x), d, d * (1 - k->q * k->s2 / k->s - d) };
    }
    return p;
}

/* The quintic Hermite interpolant through P0 and P1 (values and two
 * derivatives at each end) at coordinate V. */
static double hermite5(const struct pt *p0, const struct pt *p1, double v)
{
    double h = p1->v - p0->v, t = (v - p0->v) / h, t2 = t * t, t3 = t2 * t, t4 = t3 * t, t5 = t4 * t;
    double h3 = 10 * t3 - 15 * t4 + 6 * t5;
    return p0->y * (1 - h3) + p1->y * h3 + h * (p0->d1 * (t - 6 * t3 + 8 * t4 - 3 * t5) +
                                                p1->d1 * (-4 * t3 + 7 * t4 - 3 * t5)) +
           h * h * (p0->d2 * (t2 - 3 * t3 + 3 * t4 - t5) + p1->d2 * (t3 - 2 * t4 + t5)) / 2;
}

/* The interpolant of interval [K0, K1] of T in MODE at U (Q = 1 - U), with
 * P0 and P1 its knots in MODE's coordinates (to_mode), kept within the
 * interval so that draws never decrease in U.  TM_POWER is for
 * the two end intervals: F(x) = C x^a (1 + O(x)) next to 0 and
 * 1 - F(x) = C (1 - x)^b (1 + O(1 - x)) next to 1. */
static double interpolate_ends(const struct dist_table *t, const struct knot *k0, const struct knot *k1, int mode,
                               const struct pt *p0, const struct pt *p1, double u, double q)
{
    double x;
    if (mode == TM_POWER)
        x = k0->x == 0 ? k1->x * pow(u / k1->u, t->inv_a) : 1 - (1 - k0->x) * pow(q / k0->q, t->inv_b);
    else if (mode == TM_PLAIN)
        x = hermite5(p0, p1, u);
    else if (mode == TM_LOWER)
        x = exp(hermite5(p0, p1, log(u)));
    else
        x = -expm1(hermite5(p0, p1, log(q)));
    return x < k0->x ? k0->x : x > k1->x ? k1->x : x;
}

/* The same, from the knots alone (while the table is built). */
static double interpolate(const struct dist_table *t, const struct knot *k0, const struct knot *k1, int mode,
                          double u, double q)
{
    struct pt p0 = { 0 }, p1 = { 0 };
    if (mode != TM_POWER) {
        p0 = to_mode(k0, mode);
        p1 = to_mode(k1, mode);
    }
    return interpolate_ends(t, k0, k1, mode, &p0, &p1, u, q);
}

/* Whether MODE can be used on [K0, K1] at all. */
static int mode_usable(const struct knot *k0, const struct knot *k1, int mode)
{
    if (mode == TM_POWER) /* only where the O(x) term is below the tolerance */
        return (k0->x == 0 && k1->u > 0 && k1->x <= TABLE_POWER) || (k1->x == 1 && k0->q > 0 && 1 - k0->x <= TABLE_POWER);
    if (!isfinite(k0->s) || !isfinite(k1->s) || !isfinite(k0->s2) || !isfinite(k1->s2))
        return 0;
    if (mode == TM_LOWER)
        return k0->x > 0 && k0->u > 0;
    if (mode == TM_UPPER)
        return k1->x < 1 && k1->q > 0;
    return 1;
}

/* Whether the interpolant in MODE is within the tolerance on [K0, K1]. */
static int mode_good(const struct dist_table *t, const struct knot *k0, const struct knot *k1, int mode, double a,
                     double b)
{
    if (!mode_usable(k0, k1, mode))
        return 0;
    static const double at[] = { 1.0 / 64, 0.25, 0.5, 0.75, 63.0 / 64 };
    for (int j = 0; j < 5; j++) {
        /* that far along the interval, in the smaller of u and 1 - u */
        double u, q;
        if (k1->u <= 0.5) {
            u = k0->u + (k1->u - k0->u) * at[j];
            q = 1 - u;
        } else {
            q = k0->q - (k0->q - k1->q) * at[j];
            u = 1 - q;
        }
        double x = interpolate(t, k0, k1, mode, u, q);
        double gap = u <= 0.5 ? fabs(gsl_cdf_beta_P(x, a, b) - u) : fabs(gsl_cdf_beta_Q(x, a, b) - q);
        double tol = fmax(TABLE_TOL * fmin(x, 1 - x), 2 * DBL_EPSILON * x); /* no better than x's ulp */
        if (!(gap <= tol * beta_pdf(x, a, b) || gap <= TABLE_UTOL * fmin(u, q)))
            return 0;
    }
    return 1;
}

static int table_room(struct dist_table *t);

struct table_build {
    struct dist_table *t;
    double a, b;
};

/* Adds the interval from the table's last knot to K1, halving it as
 * needed. */
static void table_add(struct table_build *tb, struct knot k1, int depth)
{
    struct dist_table *t = tb->t;
    if (t->failed)
        return; /* memory ran out: the table is dropped, so stop splitting too */
    const struct knot *k0 = &t->k[t->n];
    int mode = TM_EXACT;
    if (k0->q < DBL_EPSILON / 2) {
        depth = TABLE_DEPTH; /* beyond the largest double below 1: never drawn */
    } else if (!(k1.u > k0->u) && !(k1.q < k0->q)) {
        mode = TM_PLAIN; /* no mass: never drawn */
    } else {
        static const int order[] = { TM_PLAIN, TM_LOWER, TM_UPPER, TM_POWER };
        for (int i = 0; i < 4 && mode == TM_EXACT; i++)
            if (mode_good(t, k0, &k1, order[i], tb->a, tb->b))
                mode = order[i];
    }
    if (mode == TM_EXACT && depth < TABLE_DEPTH && t->n < TABLE_MAX) {
        struct knot km = knot_at((k0->x + k1.x) / 2, tb->a, tb->b);
        table_add(tb, km, depth + 1);
        table_add(tb, k1, depth + 1);
        return;
    }
    if (table_room(t))
        return;
    k0 = &t->k[t->n]; /* the knots may have moved */
    t->mode[t->n] = (unsigned char)mode;
    if (mode != TM_EXACT && mode != TM_POWER) { /* what draws would otherwise recompute */
        t->ends[2 * t->n] = to_mode(k0, mode);
        t->ends[2 * t->n + 1] = to_mode(&k1, mode);
    }
    t->k[++t->n] = k1;
}

/* Room for one more interval in T: 0, or -1 (T->failed set) when memory
 * runs out. */
static int table_room(struct dist_table *t)
{
    if (t->failed)
        return -1;
    if (t->n < t->cap)
        return 0;
    size_t cap = 2 * t->cap;
    struct knot *k = mem_realloc(t->k, cap + 1, sizeof *t->k);
    if (k)
        t->k = k;
    unsigned char *mode = mem_realloc(t->mode, cap, 1);
    if (mode)
        t->mode = mode;
    struct pt *ends = mem_realloc(t->ends, 2 * cap, sizeof *t->ends);
    if (ends)
        t->ends = ends;
    if (!k || !mode || !ends) {
        t->failed = 1;
        return -1;
    }
    t->cap = cap;
    return 0;
}

static struct dist_table *table_new(double a, double b)
{
    struct dist_table *t = mem_calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->cap = TABLE_FIRST_CAP;
    t->k = mem_calloc(t->cap + 1, sizeof *t->k);
    t->mode = mem_calloc(t->cap, 1);
    t->ends = mem_calloc(2 * t->cap, sizeof *t->ends);
    if (!t->k || !t->mode || !t->ends) {
        dist_table_free(t);
        return NULL;
    }
    struct table_build tb = { t, a, b };
    t->inv_a = 1 / a;
    t->inv_b = 1 / b;
    t->k[0] = (struct knot){ 0, 0, 1, INFINITY, INFINITY }; /* an end: never interpolated from */
    for (int j = 1; j <= TABLE_START; j++) {
        struct knot k1 = knot_at((double)j / TABLE_START, a, b);
        if (j == TABLE_START)
            k1.u = 1, k1.q = 0;
        table_add(&tb, k1, 0);
    }
    if (t->failed) {
        dist_table_free(t);
        return NULL;
    }
    return t;
}

void dist_table_free(struct dist_table *t)
{
    if (!t)
        return;
    mem_free(t->k);
    mem_free(t->mode);
    mem_free(t->ends);
    mem_free(t);
}

static double table_inv(const struct dist_table *t, double u, double a, double b)
{
    size_t lo = 0, hi = t->n; /* u[lo] <= u < u[hi] */
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (t->k[mid].u <= u)
            lo = mid;
        else
            hi = mid;
    }
    if (t->mode[lo] == TM_EXACT) { /* kept within its interval too */
        double x = beta_inv(u, a, b);
        return x < t->k[lo].x ? t->k[lo].x : x > t->k[lo + 1].x ? t->k[lo + 1].x : x;
    }
    return interpolate_ends(t, &t->k[lo], &t->k[lo + 1], t->mode[lo], &t->ends[2 * lo], &t->ends[2 * lo + 1], u,
                            1 - u);
}

int dist_prepare(struct dist *d)
{
    double a, b;
    if (d->kind == DIST_PERT)
        pert_shape(d->p, &a, &b);
    else if (d->kind == DIST_BETA)
        a = d->p[0], b = d->p[1];
    else
        return 0;
    d->table = table_new(a, b);
    return d->table ? 0 : -1;
}

void dist_release(struct dist *d)
{
    dist_table_free(d->table);
    d->table = NULL;
}

size_t dist_table_size(const struct dist *d, double *exact_mass)
{
    *exact_mass = 0;
    if (!d->table)
        return 0;
    const struct dist_table *t = d->table;
    for (size_t j = 0; j < t->n; j++)
        if (t->mode[j] == TM_EXACT)
            *exact_mass += t->k[j + 1].u > 0.5 ? t->k[j].q - t->k[j + 1].q : t->k[j + 1].u - t->k[j].u;
    return t->n;
}

static double triangular_inv(const double *p, double u)
{
    double a = p[0], c = p[1], b = p[2];
    double fc = (c - a) / (b - a);
    if (u < fc)
        return a + sqrt(u * (b - a) * (c - a));
    return b - sqrt((1 - u) * (b - a) * (b - c));
}

static double clamp(double x, enum dist_range range)
{
    if (range == RANGE_CHANGE)
        return x < -1 ? -1 : x == 0.0 ? 0.0 : x;
    if (range != RANGE_ANY && x < 0)
        return 0;
    if (range == RANGE_RATE && x > 1)
        return 1;
    return x == 0.0 ? 0.0 : x;
}

double dist_top(const struct dist *d)
{
    return d->kind == DIST_CONST ? d->p[0] : clamp(unclamped_draw(d, U_HIGH), d->range);
}

double dist_draw(const struct dist *d, double u)
{
    return clamp(unclamped_draw(d, u), d->range);
}

static double unclamped_draw(const struct dist *d, double u)
{
    const double *p = d->p;
    double x = p[0], al, be;
    switch (d->kind) {
    case DIST_CONST: x = p[0]; break;
    case DIST_NORMAL: x = p[0] + gsl_cdf_gaussian_Pinv(u, p[1]); break;
    case DIST_LOGNORMAL: x = gsl_cdf_lognormal_Pinv(u, p[0], p[1]); break;
    case DIST_UNIFORM: x = p[0] + u * (p[1] - p[0]); break;
    case DIST_TRIANGULAR: x = triangular_inv(p, u); break;
    case DIST_PERT:
        pert_shape(p, &al, &be);
        x = p[0] + (p[2] - p[0]) * (d->table ? table_inv(d->table, u, al, be) : beta_inv(u, al, be));
        break;
    case DIST_BETA: x = d->table ? table_inv(d->table, u, p[0], p[1]) : beta_inv(u, p[0], p[1]); break;
    }
    return x;
}

/* P(X <= x) of the unclamped distribution. */
static double cdf(const struct dist *d, double x)
{
    const double *p = d->p;
    double al, be;
    switch (d->kind) {
    case DIST_CONST: return x >= p[0] ? 1 : 0;
    case DIST_NORMAL: return gsl_cdf_gaussian_P(x - p[0], p[1]);
    case DIST_LOGNORMAL: return x <= 0 ? 0 : gsl_cdf_lognormal_P(x, p[0], p[1]);
    case DIST_UNIFORM: return gsl_cdf_flat_P(x, p[0], p[1]);
    case DIST_TRIANGULAR: {
        double a = p[0], c = p[1], b = p[2];
        if (x <= a) return 0;
        if (x >= b) return 1;
        if (x <= c) return (x - a) * (x - a) / ((b - a) * (c - a));
        return 1 - (b - x) * (b - x) / ((b - a) * (b - c));
    }
    case DIST_PERT:
        pert_shape(p, &al, &be);
        if (x <= p[0]) return 0;
        if (x >= p[2]) return 1;
        return gsl_cdf_beta_P((x - p[0]) / (p[2] - p[0]), al, be);
    case DIST_BETA: return gsl_cdf_beta_P(x, p[0], p[1]);
    }
    return 0;
}

double dist_mass_outside(const struct dist *d)
{
    if (d->kind == DIST_CONST) {
        double v = d->p[0];
        if (d->range == RANGE_CHANGE)
            return v < -1;
        return (d->range != RANGE_ANY && v < 0) || (d->range == RANGE_RATE && v > 1);
    }
    if (d->range == RANGE_CHANGE)
        return cdf(d, -1);
    double out = 0;
    if (d->range != RANGE_ANY) {
        /* mass below 0: for continuous forms P(X < 0) = P(X <= 0) */
        out += cdf(d, 0);
    }
    if (d->range == RANGE_RATE)
        out += 1 - cdf(d, 1);
    return out;
}

double dist_mass_above(const struct dist *d, double x)
{
    return 1 - cdf(d, x);
}

void dist_describe(const struct dist *d, char *buf, size_t len)
{
    const double *p = d->p;
    double mean = dist_mean(d);
    switch (d->kind) {
    case DIST_CONST: snprintf(buf, len, "%g", p[0]); break;
    case DIST_NORMAL: snprintf(buf, len, "normal(mean %g, sd %g)", p[0], p[1]); break;
    case DIST_LOGNORMAL:
        snprintf(buf, len, "lognormal(mu %.4g, sigma %.4g), mean %.6g", p[0], p[1], mean);
        break;
    case DIST_UNIFORM: snprintf(buf, len, "uniform(%g, %g), mean %.6g", p[0], p[1], mean); break;
    case DIST_TRIANGULAR:
        snprintf(buf, len, "triangular(%g, %g, %g), mean %.6g", p[0], p[1], p[2], mean);
        break;
    case DIST_PERT: snprintf(buf, len, "pert(%g, %g, %g), mean %.6g", p[0], p[1], p[2], mean); break;
    case DIST_BETA: snprintf(buf, len, "beta(%g, %g), mean %.6g", p[0], p[1], mean); break;
    }
}
