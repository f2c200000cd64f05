/*
 * calibrate.c - maximum likelihood and the posterior of deal slip and loss
 * (see calibrate.h for the model, the estimator and the intervals).
 *
 * The history is first reduced to a tally: won, lost, the months late of
 * the won deals summed, and the open deals due grouped by k = e + 1, their
 * months after the forecast month plus one (deals forecast for the same
 * month share a factor).  Everything else works on the tally.
 */
#include "models/calibrate.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_min.h>
#include <gsl/gsl_roots.h>

#include "models/dist.h"
#include "sim/mem.h"

/* The history as the likelihood sees it. */
struct tally {
    double won, lost, late;
    size_t m;      /* groups of open deals due */
    double *k;     /* each group's k = AS_OF - forecast + 1, ascending */
    double *count; /* its deals */
};

/* Cells a side of the posterior's grid, and how far below its top
 * (in log-likelihood) the grid may leave out: e^-40 is 4e-18. */
#define GRID 256
#define CUT 40.0
#define ZOOMS 16

/* Buffers of one fit, allocated once. */
struct work {
    const struct tally *t;
    double *c;    /* m: slip^k of each group, for the profile in loss */
    double *ll;   /* GRID * GRID: the log-likelihood at the cells' middles */
    double *spow; /* GRID * m: slip^k at each column of cells */
    double *rows, *cols; /* GRID each: the terms that depend on slip alone, on loss alone */
    double *ms, *ml;     /* GRID each: the marginal masses */
    gsl_root_fsolver root;
    gsl_min_fminimizer min;
};

void calibrate_count(const struct calibrate_deal *deals, size_t n, int as_of, struct calibrate_counts *out)
{
    *out = (struct calibrate_counts){ .deals = n };
    for (size_t i = 0; i < n; i++) {
        const struct calibrate_deal *d = &deals[i];
        switch (d->outcome) {
        case CALIBRATE_WON:
            out->won++;
            if (d->closed > d->forecast)
                out->months_late += d->closed - d->forecast;
            break;
        case CALIBRATE_LOST:
            out->lost++;
            break;
        case CALIBRATE_OPEN:
            if (d->forecast <= as_of)
                out->open_due++;
            else
                out->open_later++;
            break;
        }
    }
}

double calibrate_loglik(const struct calibrate_deal *deals, size_t n, int as_of, double slip, double loss)
{
    double ll = 0;
    for (size_t i = 0; i < n; i++) {
        const struct calibrate_deal *d = &deals[i];
        switch (d->outcome) {
        case CALIBRATE_WON: {
            int s = d->closed > d->forecast ? d->closed - d->forecast : 0;
            ll += log((1 - loss) * (1 - slip) * pow(slip, s));
            break;
        }
        case CALIBRATE_LOST:
            ll += log(loss);
            break;
        case CALIBRATE_OPEN:
            if (d->forecast <= as_of)
                ll += log(loss + (1 - loss) * pow(slip, as_of - d->forecast + 1));
            break;
        }
    }
    return ll;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Reduces the DEALS to *T, whose arrays the caller frees (mem_free(t->k),
 * mem_free(t->count)); -1 when memory runs out. */
static int tally_make(const struct calibrate_deal *deals, size_t n, int as_of, struct tally *t)
{
    struct calibrate_counts c;
    calibrate_count(deals, n, as_of, &c);
    *t = (struct tally){ (double)c.won, (double)c.lost, c.months_late, 0, NULL, NULL };
    t->k = mem_calloc(c.open_due ? c.open_due : 1, sizeof *t->k);
    t->count = mem_calloc(c.open_due ? c.open_due : 1, sizeof *t->count);
    if (!t->k || !t->count) {
        mem_free(t->k);
        mem_free(t->count);
        return -1;
    }
    size_t due = 0;
    for (size_t i = 0; i < n; i++)
        if (deals[i].outcome == CALIBRATE_OPEN && deals[i].forecast <= as_of)
            t->k[due++] = (double)as_of - deals[i].forecast + 1;
    qsort(t->k, due, sizeof *t->k, by_value);
    for (size_t i = 0; i < due; i++) {
        if (t->m && t->k[t->m - 1] == t->k[i]) {
            t->count[t->m - 1]++;
        } else {
            t->k[t->m] = t->k[i];
            t->count[t->m++] = 1;
        }
    }
    return 0;
}

/* The log-likelihood from the tally; terms whose count is 0 are left out
 * (0 log 0 = 0). */
static double tally_loglik(const struct tally *t, double s, double l)
{
    double ll = 0;
    if (t->won > 0)
        ll += t->won * (log1p(-l) + log1p(-s));
    if (t->late > 0)
        ll += t->late * log(s);
    if (t->lost > 0)
        ll += t->lost * log(l);
    for (size_t i = 0; i < t->m; i++)
        ll += t->count[i] * log(l + (1 - l) * pow(s, t->k[i]));
    return ll;
}

/* ---- maximum likelihood with open deals: the profile in loss ---- */

/* The derivative in loss of the log-likelihood at slip s (w->c holds
 * s^k), a decreasing function of L. */
static double dloss(double l, void *arg)
{
    const struct work *w = arg;
    const struct tally *t = w->t;
    double g = 0;
    if (t->won > 0)
        g -= t->won / (1 - l);
    if (t->lost > 0)
        g += t->lost / l;
    for (size_t i = 0; i < t->m; i++)
        g += t->count[i] * (1 - w->c[i]) / (l + (1 - l) * w->c[i]);
    return g;
}

/* The loss that maximises the likelihood at slip S, for a tally with won
 * deals (so that the derivative falls to -infinity at 1). */
static double best_loss(struct work *w, double s)
{
    const struct tally *t = w->t;
    int steep_at_0 = t->lost > 0; /* the derivative is +infinity at 0 */
    for (size_t i = 0; i < t->m; i++) {
        w->c[i] = pow(s, t->k[i]);
        steep_at_0 |= w->c[i] == 0;
    }
    if (!steep_at_0) {
        double g0 = -t->won;
        for (size_t i = 0; i < t->m; i++)
            g0 += t->count[i] * (1 - w->c[i]) / w->c[i];
        if (g0 <= 0)
            return 0;
    }
    double lo = 0.5, hi = 0.5, g = dloss(0.5, w);
    if (g == 0)
        return 0.5;
    if (g > 0) {
        for (int j = 2; j <= 53 && dloss(hi, w) > 0; j++)
            hi = 1 - ldexp(1, -j);
        if (dloss(hi, w) > 0)
            return hi;
    } else {
        for (int j = 2; j <= 1000 && dloss(lo, w) < 0; j++)
            lo = ldexp(1, -j);
        if (dloss(lo, w) < 0)
            return 0;
    }
    gsl_function f = { dloss, w };
    if (gsl_root_fsolver_set(&w->root, &f, lo, hi) != GSL_SUCCESS)
        return 0.5 * (lo + hi);
    for (int it = 0; it < 200; it++) {
        if (gsl_root_fsolver_iterate(&w->root) != GSL_SUCCESS)
            break;
        if (gsl_root_test_interval(gsl_root_fsolver_x_lower(&w->root), gsl_root_fsolver_x_upper(&w->root), 1e-15,
                                   1e-13) != GSL_CONTINUE)
            break;
    }
    return gsl_root_fsolver_root(&w->root);
}

/* The profile log-likelihood at slip S, negated for GSL's minimiser (and
 * kept finite, as its bracketing compares values). */
static double neg_profile(double s, void *arg)
{
    struct work *w = arg;
    double ll = tally_loglik(w->t, s, best_loss(w, s));
    return ll > -DBL_MAX ? -ll : DBL_MAX;
}

/* The slip that maximises the profile likelihood, for a tally with won
 * deals: the best of a grid, then Brent's method between its neighbours;
 * a best at 0 is followed down by halving, and is 0 when nothing above it
 * does better. */
static double best_slip(struct work *w)
{
    enum { STEPS = 256 };
    size_t best = 0;
    double fbest = DBL_MAX;
    for (size_t i = 0; i < STEPS; i++) { /* slip 1 is impossible with won deals */
        double f = neg_profile((double)i / STEPS, w);
        if (f < fbest) {
            fbest = f;
            best = i;
        }
    }
    double lo, mid, hi, flo, fmid, fhi;
    if (best == 0) {
        double f0 = fbest, m = 1.0 / STEPS, fm = neg_profile(m, w);
        for (;;) {
            double f2m = fm;
            m /= 2;
            if (m < 1e-15)
                return 0;
            fm = neg_profile(m, w);
            if (fm < f0) {
                lo = 0, mid = m, hi = 2 * m, flo = f0, fmid = fm, fhi = f2m;
                break;
            }
        }
    } else {
        lo = (double)(best - 1) / STEPS, mid = (double)best / STEPS, hi = (double)(best + 1) / STEPS;
        flo = neg_profile(lo, w), fmid = fbest, fhi = neg_profile(hi, w);
        if (!(fmid < flo && fmid < fhi))
            return mid; /* flat around the best of the grid */
    }
    gsl_function f = { neg_profile, w };
    if (gsl_min_fminimizer_set_with_values(&w->min, &f, mid, fmid, lo, flo, hi, fhi) != GSL_SUCCESS)
        return mid;
    for (int it = 0; it < 200; it++) {
        if (gsl_min_fminimizer_iterate(&w->min) != GSL_SUCCESS)
            break;
        if (gsl_min_test_interval(gsl_min_fminimizer_x_lower(&w->min), gsl_min_fminimizer_x_upper(&w->min), 1e-15,
                                  1e-12) != GSL_CONTINUE)
            break;
    }
    return gsl_min_fminimizer_x_minimum(&w->min);
}

/* The maximum-likelihood estimates into *S and *L (NAN where the history
 * does not determine them; see calibrate.h): closed forms without open
 * deals due, unless NUMERIC asks for the profile (W then has its
 * buffers). */
static void estimate(struct work *w, int numeric, double *s, double *l)
{
    const struct tally *t = w->t;
    if (t->won == 0) {
        *s = NAN; /* every factor is then largest at loss 1, whatever the slip */
        *l = t->lost > 0 ? 1 : NAN;
        return;
    }
    if (t->late == 0 && t->lost == 0 && t->m > 0 && t->k[t->m - 1] == 1) {
        /* every factor is then a function of (1 - slip)(1 - loss) alone:
         * the likelihood is highest along a curve, not at a point */
        *s = *l = NAN;
        return;
    }
    if (t->m == 0 && !numeric) {
        *s = t->late / (t->late + t->won);
        *l = t->lost / (t->lost + t->won);
        return;
    }
    *s = best_slip(w);
    *l = best_loss(w, *s);
}

/* ---- the posterior ---- */

/* Fills w->ll with the log-likelihood at the middles of the GRID x GRID
 * cells of the box [B0, B1] x [B2, B3] (slip x loss); returns its largest
 * value. */
static double grid_eval(struct work *w, const double *box)
{
    const struct tally *t = w->t;
    size_t m = t->m;
    double hs = (box[1] - box[0]) / GRID, hl = (box[3] - box[2]) / GRID;
    for (size_t i = 0; i < GRID; i++) {
        double s = box[0] + (i + 0.5) * hs;
        w->rows[i] = (t->won > 0 ? t->won * log1p(-s) : 0) + (t->late > 0 ? t->late * log(s) : 0);
        for (size_t g = 0; g < m; g++)
            w->spow[i * m + g] = pow(s, t->k[g]);
    }
    for (size_t j = 0; j < GRID; j++) {
        double l = box[2] + (j + 0.5) * hl;
        w->cols[j] = (t->won > 0 ? t->won * log1p(-l) : 0) + (t->lost > 0 ? t->lost * log(l) : 0);
    }
    double top = -INFINITY;
    for (size_t i = 0; i < GRID; i++) {
        for (size_t j = 0; j < GRID; j++) {
            double l = box[2] + (j + 0.5) * hl, ll = w->rows[i] + w->cols[j];
            for (size_t g = 0; g < m; g++)
                ll += t->count[g] * log(l + (1 - l) * w->spow[i * m + g]);
            w->ll[i * GRID + j] = ll;
            if (ll > top)
                top = ll;
        }
    }
    return top;
}

/* The cell of the box's side [LO, HI] that holds X, or -1 (X is NAN or
 * outside). */
static long cell_of(double x, double lo, double hi)
{
    if (!(x >= lo && x <= hi))
        return -1;
    long i = (long)((x - lo) / (hi - lo) * GRID);
    return i < GRID ? i : GRID - 1;
}

/* The cells a box keeps of one side, FIRST to LAST. */
struct span {
    long first, last;
};

/* Adds cell I (none when -1). */
static void span_add(struct span *s, long i)
{
    if (i < 0)
        return;
    if (i < s->first)
        s->first = i;
    if (i > s->last)
        s->last = i;
}

/* Adds a cell on either side; returns whether the span is then narrow
 * enough to zoom in on (less than a quarter of the side). */
static int span_widen(struct span *s)
{
    s->first = s->first > 0 ? s->first - 1 : 0;
    s->last = s->last < GRID - 1 ? s->last + 1 : GRID - 1;
    return s->last - s->first + 1 < GRID / 4;
}

/* Narrows the side SIDE[0] to SIDE[1] to the span's cells. */
static void span_zoom(const struct span *s, double *side)
{
    double h = (side[1] - side[0]) / GRID;
    side[1] = side[0] + (double)(s->last + 1) * h;
    side[0] += (double)s->first * h;
}

/* The q-quantile of the marginal masses M (GRID cells of width H from X0,
 * total TOTAL), the density taken as even within a cell. */
static double grid_quantile(const double *m, double x0, double h, double total, double q)
{
    double target = q * total, below = 0;
    for (size_t i = 0; i < GRID; i++) {
        if (m[i] > 0 && below + m[i] >= target)
            return x0 + h * ((double)i + (target - below) / m[i]);
        below += m[i];
    }
    return x0 + h * GRID;
}

/* The beta(a, b) with MEAN and SD into P, its shapes kept within what a
 * cell takes. */
static void beta_cell(struct calibrate_param *p)
{
    double v = p->sd * p->sd, sum = p->mean * (1 - p->mean) / v - 1;
    double a = p->mean * sum, b = (1 - p->mean) * sum;
    double big = a > b ? a : b;
    if (big > CALIBRATE_MAX_SHAPE) {
        a *= CALIBRATE_MAX_SHAPE / big;
        b *= CALIBRATE_MAX_SHAPE / big;
    }
    p->a = a > 0.01 ? a : 0.01;
    p->b = b > 0.01 ? b : 0.01;
}

/* The 90% interval of P around its estimate (calibrate.h): from 0 or to 1
 * when the estimate is there, else central.  Q is the quantile function. */
static void interval(struct calibrate_param *p, double (*q)(double u, const void *arg), const void *arg)
{
    if (p->estimate == 0) {
        p->lo90 = 0;
        p->hi90 = q(0.9, arg);
    } else if (p->estimate == 1) {
        p->lo90 = q(0.1, arg);
        p->hi90 = 1;
    } else {
        p->lo90 = q(0.05, arg);
        p->hi90 = q(0.95, arg);
    }
}

struct marginal {
    const double *m;
    double x0, h, total;
};

static double marginal_quantile(double u, const void *arg)
{
    const struct marginal *g = arg;
    return grid_quantile(g->m, g->x0, g->h, g->total, u);
}

/* P's mean, sd, interval and cell from the marginal masses M over the
 * GRID cells from X0 to X1. */
static void from_marginal(struct calibrate_param *p, const double *m, double x0, double x1)
{
    double h = (x1 - x0) / GRID, total = 0, sum = 0, sum2 = 0;
    for (size_t i = 0; i < GRID; i++) {
        double x = x0 + (i + 0.5) * h;
        total += m[i];
        sum += m[i] * x;
        sum2 += m[i] * (x * x + h * h / 12); /* even within the cell */
    }
    p->mean = sum / total;
    double v = sum2 / total - p->mean * p->mean;
    p->sd = sqrt(v > h * h / 12 ? v : h * h / 12);
    struct marginal g = { m, x0, h, total };
    interval(p, marginal_quantile, &g);
    beta_cell(p);
}

/* The posterior by the grid: starts on the whole square and zooms in on
 * the cells within CUT of the top (and those of the estimates), a cell
 * more on each side, while they span less than a quarter of a side. */
static void posterior_grid(struct work *w, struct calibrate_param *slip, struct calibrate_param *loss)
{
    double box[4] = { 0, 1, 0, 1 };
    double top = -INFINITY;
    for (int level = 0;; level++) {
        top = grid_eval(w, box);
        struct span si = { GRID, -1 }, sj = { GRID, -1 };
        for (long i = 0; i < GRID; i++)
            for (long j = 0; j < GRID; j++)
                if (w->ll[i * GRID + j] >= top - CUT) {
                    span_add(&si, i);
                    span_add(&sj, j);
                }
        span_add(&si, cell_of(slip->estimate, box[0], box[1]));
        span_add(&sj, cell_of(loss->estimate, box[2], box[3]));
        int zoom_s = span_widen(&si), zoom_l = span_widen(&sj);
        if ((!zoom_s && !zoom_l) || level == ZOOMS)
            break;
        if (zoom_s)
            span_zoom(&si, &box[0]);
        if (zoom_l)
            span_zoom(&sj, &box[2]);
    }
    for (size_t i = 0; i < GRID; i++)
        w->ms[i] = w->ml[i] = 0;
    for (size_t i = 0; i < GRID; i++)
        for (size_t j = 0; j < GRID; j++) {
            double p = exp(w->ll[i * GRID + j] - top);
            w->ms[i] += p;
            w->ml[j] += p;
        }
    from_marginal(slip, w->ms, box[0], box[1]);
    from_marginal(loss, w->ml, box[2], box[3]);
}

/* ---- the exact posterior without open deals ---- */

static double beta_quantile(double u, const void *arg)
{
    const double *ab = arg;
    struct dist d = { .kind = DIST_BETA, .range = RANGE_RATE, .p = { ab[0], ab[1], 0 } };
    return dist_draw(&d, u); /* its quantile function, exact to 1e-8 and more */
}

/* P from the posterior beta(A, B). */
static void from_beta(struct calibrate_param *p, double a, double b)
{
    p->mean = a / (a + b);
    p->sd = sqrt(a * b / ((a + b) * (a + b) * (a + b + 1)));
    double ab[2] = { a, b };
    interval(p, beta_quantile, ab);
    p->a = a, p->b = b;
    if (a > CALIBRATE_MAX_SHAPE || b > CALIBRATE_MAX_SHAPE)
        beta_cell(p);
}

/* ---- the fit ---- */

static void work_free(struct work *w)
{
    mem_free(w->c);
    mem_free(w->ll);
    mem_free(w->spow);
    mem_free(w->rows);
    mem_free(w->cols);
    mem_free(w->ms);
    mem_free(w->ml);
    mem_free(w->root.state);
    mem_free(w->min.state);
}

/* The buffers for tally T, GSL's solvers placed in memory from mem.h (as
 * gsl_root_fsolver_alloc and gsl_min_fminimizer_alloc would make them, so
 * that the allocation-failure walk reaches them); -1 when memory runs out
 * (W is then freed). */
static int work_init(struct work *w, const struct tally *t)
{
    *w = (struct work){ .t = t };
    size_t m = t->m ? t->m : 1;
    w->c = mem_calloc(m, sizeof *w->c);
    w->ll = mem_calloc((size_t)GRID * GRID, sizeof *w->ll);
    w->spow = mem_calloc((size_t)GRID * m, sizeof *w->spow);
    w->rows = mem_calloc(GRID, sizeof *w->rows);
    w->cols = mem_calloc(GRID, sizeof *w->cols);
    w->ms = mem_calloc(GRID, sizeof *w->ms);
    w->ml = mem_calloc(GRID, sizeof *w->ml);
    w->root.type = gsl_root_fsolver_brent;
    w->root.state = mem_alloc(gsl_root_fsolver_brent->size);
    w->min.type = gsl_min_fminimizer_brent;
    w->min.state = mem_alloc(gsl_min_fminimizer_brent->size);
    if (!w->c || !w->ll || !w->spow || !w->rows || !w->cols || !w->ms || !w->ml || !w->root.state ||
        !w->min.state) {
        work_free(w);
        return -1;
    }
    return 0;
}

static enum status fit(const struct calibrate_deal *deals, size_t n, int as_of, int numeric,
                       struct calibrate_result *out)
{
    calibrate_count(deals, n, as_of, &out->n);
    struct tally t;
    if (tally_make(deals, n, as_of, &t))
        return ST_NOMEM;
    out->exact = t.m == 0 && !numeric;
    if (out->exact) {
        struct work none = { .t = &t };
        estimate(&none, 0, &out->slip.estimate, &out->loss.estimate);
        from_beta(&out->slip, t.late + 1, t.won + 1);
        from_beta(&out->loss, t.lost + 1, t.won + 1);
    } else {
        struct work w;
        if (work_init(&w, &t)) {
            mem_free(t.k);
            mem_free(t.count);
            return ST_NOMEM;
        }
        estimate(&w, numeric, &out->slip.estimate, &out->loss.estimate);
        posterior_grid(&w, &out->slip, &out->loss);
        work_free(&w);
    }
    mem_free(t.k);
    mem_free(t.count);
    return ST_OK;
}

enum status calibrate_fit(const struct calibrate_deal *deals, size_t n, int as_of, struct calibrate_result *out)
{
    return fit(deals, n, as_of, 0, out);
}

enum status calibrate_fit_numeric(const struct calibrate_deal *deals, size_t n, int as_of,
                                  struct calibrate_result *out)
{
    return fit(deals, n, as_of, 1, out);
}

/* A shape as a cell writes it: 4 significant digits, whole from 1000 up
 * (so never in exponent form). */
static int shape_text(char *buf, size_t len, double x)
{
    return x >= 100 ? snprintf(buf, len, "%.0f", x) : snprintf(buf, len, "%.3g", x);
}

void calibrate_cell(const struct calibrate_param *p, char *buf, size_t len)
{
    char a[32], b[32];
    shape_text(a, sizeof a, p->a);
    shape_text(b, sizeof b, p->b);
    snprintf(buf, len, "beta(%s, %s)", a, b);
}
