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
#include "dist.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

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
    const char *close = strrchr(text, ')');
    if (!close || close < paren || close[1] != '\0') {
        snprintf(why, whylen, "in '%s', expected a closing ')' at the end: write %s(%s)", text,
                 forms[f].name, forms[f].params);
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

/* Non-zero when the mean and every draw the generator can reach (u from
 * 2^-32 to 1 - 2^-32) are finite numbers. */
static int finite_everywhere(const struct dist *d)
{
    const double us[] = { 0x1.0p-32, 0.5, 1 - 0x1.0p-32 };
    for (size_t i = 0; i < 3; i++)
        if (!isfinite(unclamped_draw(d, us[i])))
            return 0;
    return isfinite(dist_mean(d));
}

int dist_parse(const char *text, enum dist_range range, int uncertain, struct dist *out,
               char *why, size_t whylen)
{
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
    double x = gsl_cdf_beta_Pinv(u, a, b);
    if (x >= 0 && x <= 1 && fabs(gsl_cdf_beta_P(x, a, b) - u) <= 1e-8 * fmin(u, 1 - u))
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
        if (gsl_cdf_beta_P(m, a, b) < u)
            lo = mid;
        else
            hi = mid;
    }
    memcpy(&x, &hi, sizeof x);
    return x;
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
        x = p[0] + (p[2] - p[0]) * beta_inv(u, al, be);
        break;
    case DIST_BETA: x = beta_inv(u, p[0], p[1]); break;
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
