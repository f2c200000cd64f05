/*
 * dist.h - the value language of model cells: numbers and distributions.
 *
 * A cell holds a plain number ("1200", "-3.5", "1e6"), a percentage ("5%" is
 * 0.05) or, where the field allows uncertainty, a distribution: "A to B" (a
 * 90% interval), normal(mean, sd), lognormal(mu, sigma), uniform(min, max),
 * triangular(min, mode, max), pert(min, mode, max) or beta(a, b).
 *
 * Every field has a range (dist_range); a drawn value is clamped to it.
 * Draws are by inversion of the distribution function, so one uniform number
 * gives one value: that is what lets scenarios share random numbers and lets
 * stratified or quasi-random uniforms be used in place of plain ones.
 * Parsing is done in the "C" locale's terms whatever the process locale: the
 * decimal point is '.', and nothing else is accepted.
 */
#ifndef CPC_DIST_H
#define CPC_DIST_H

#include <stddef.h>

enum dist_range {
    RANGE_NONNEG, /* costs, counts, efforts, prices: at least 0 */
    RANGE_ANY,    /* any number */
    RANGE_RATE,   /* probabilities and rates: within 0 and 1 */
    RANGE_CHANGE  /* growth, escalation, raises: may be negative, at least -100% */
};

enum dist_kind {
    DIST_CONST,
    DIST_NORMAL,     /* p = mean, sd */
    DIST_LOGNORMAL,  /* p = mu, sigma of the logarithm */
    DIST_UNIFORM,    /* p = min, max */
    DIST_TRIANGULAR, /* p = min, mode, max */
    DIST_PERT,       /* p = min, mode, max */
    DIST_BETA        /* p = a, b */
};

struct dist_table;

struct dist {
    enum dist_kind kind;
    enum dist_range range;
    double p[3];
    int from_interval;              /* written as "A to B" */
    struct dist_table *table;       /* quantiles by table (dist_prepare), or NULL */
};

/* z of the 95th percentile of the standard normal: "A to B" puts A and B at
 * mean -/+ DIST_Z95 standard deviations (of the logarithm when lognormal). */
#define DIST_Z95 1.6448536269514722

/*
 * Parses the number TEXT (already trimmed): a plain decimal number or a
 * percentage.  Returns 0 and sets *out, or -1 and writes into WHY (WHYLEN
 * bytes) what is wrong and what to write instead, quoting TEXT.
 */
int dist_parse_number(const char *text, double *out, char *why, size_t whylen);

/* What a field takes, for dist_parse's FLAGS. */
enum {
    DIST_UNCERTAIN = 1, /* a distribution as well as a plain number (the spec's U) */
    DIST_NO_PERCENT = 2 /* not a fraction (money, counts, months): a '%' anywhere is an error */
};

/*
 * Parses TEXT as a value of a field of range RANGE.  Without DIST_UNCERTAIN
 * in FLAGS the field takes a plain number only.  A distribution is refused
 * when its mean lies outside RANGE (with a hint to write it in percent when
 * that is what puts it inside), or when its mean or extreme draws overflow.
 * Returns 0 and fills *out, or -1 with the reason (and a hint) in WHY.
 */
int dist_parse(const char *text, enum dist_range range, unsigned flags, struct dist *out,
               char *why, size_t whylen);

/* Non-zero when X lies within RANGE (the values a field can take). */
int dist_in_range(double x, enum dist_range range);

/* The largest value a draw of D can take, clamped to its field's range:
 * the quantile at 1 - 2^-32 (the highest uniform the streams give), or
 * the top of its support; a constant's value.  What bounds of sums are
 * worked out from (sim/model.c). */
double dist_top(const struct dist *d);

/* A constant value of RANGE (for defaults). */
struct dist dist_const(double value, enum dist_range range);

/* Non-zero when D is a distribution rather than one number. */
int dist_is_uncertain(const struct dist *d);

/* The mean of the distribution as written, before clamping: the plan's
 * figure for the cell. */
double dist_mean(const struct dist *d);

/* The value at cumulative probability U (0 < U < 1), clamped to the field's
 * range.  For a constant, U is ignored. */
double dist_draw(const struct dist *d, double u);

/*
 * Makes dist_draw of a PERT or beta D fast: builds a table of its quantile
 * function, exact to about 1e-11 (see dist.c), which D owns until
 * dist_release.  Other kinds need nothing.  Returns -1 when memory runs out.
 * Draws with and without a table agree to that precision, not bit for bit.
 */
int dist_prepare(struct dist *d);
void dist_release(struct dist *d);
void dist_table_free(struct dist_table *t);
/* The intervals of D's table (0 without one), and in *EXACT_MASS the
 * probability that a draw lands where the table inverts exactly. */
size_t dist_table_size(const struct dist *d, double *exact_mass);

/* The probability mass the distribution puts outside its field's range (the
 * share of draws that clamping changes). */
double dist_mass_outside(const struct dist *d);

/* The probability that a draw of D lies above X (before clamping). */
double dist_mass_above(const struct dist *d, double x);

/* Writes a short description ("lognormal(mu=6.9, sigma=0.3), mean 1009")
 * into BUF. */
void dist_describe(const struct dist *d, char *buf, size_t len);

#endif
