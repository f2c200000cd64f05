/*
 * costlines.c - cost_lines.csv's exact sample of the lines (see
 * costlines.h).
 */
#include "sim/costlines.h"

#include <math.h>
#include <string.h>

#include "sim/mem.h"

struct costlines_sample {
    size_t ncols;
    uint64_t every, rows;
    uint64_t reached; /* the paths it has made room for */
    double *row;      /* [rows * ncols] */
};

struct costlines_sample *costlines_sample_new(size_t ncols, uint64_t min_every, size_t budget, int *nomem)
{
    *nomem = 0;
    const uint64_t fit = ncols ? budget / sizeof(double) / ncols : 0;
    const uint64_t rows = fit < COSTLINES_MOST ? fit : COSTLINES_MOST;
    if (rows < COSTLINES_FEWEST)
        return NULL;
    struct costlines_sample *c = mem_calloc(1, sizeof *c);
    if (c)
        c->row = mem_calloc((size_t)rows * ncols, sizeof *c->row);
    if (!c || !c->row) {
        costlines_sample_free(c);
        *nomem = 1;
        return NULL;
    }
    c->ncols = ncols;
    c->every = min_every ? min_every : 1;
    c->rows = rows;
    return c;
}

void costlines_sample_reach(struct costlines_sample *c, uint64_t paths)
{
    while (c && (paths + c->every - 1) / c->every > c->rows) {
        /* row r of the paths kept now is row r / 2 of those kept then (only
         * the rows written so far are moved: the others are untouched
         * pages) */
        const uint64_t written = costlines_sample_rows(c, c->reached);
        for (uint64_t r = 2; r < written; r += 2)
            memcpy(c->row + (size_t)(r / 2) * c->ncols, c->row + (size_t)r * c->ncols, c->ncols * sizeof *c->row);
        c->every *= 2;
    }
    if (c && paths > c->reached)
        c->reached = paths;
}

void costlines_sample_free(struct costlines_sample *c)
{
    if (!c)
        return;
    mem_free(c->row);
    mem_free(c);
}

double *costlines_sample_row(struct costlines_sample *c, uint64_t path)
{
    if (!c || path % c->every != 0 || path / c->every >= c->rows)
        return NULL;
    return c->row + (size_t)(path / c->every) * c->ncols;
}

uint64_t costlines_sample_every(const struct costlines_sample *c)
{
    return c ? c->every : 0;
}

uint64_t costlines_sample_rows(const struct costlines_sample *c, uint64_t paths)
{
    if (!c)
        return 0;
    const uint64_t n = (paths + c->every - 1) / c->every;
    return n < c->rows ? n : c->rows;
}

/* Puts the K-th smallest of X[0..N-1] at X[K], the smaller before it and
 * the larger after (Hoare's selection, the middle of three as the pivot). */
static void select_kth(double *x, size_t n, size_t k)
{
    size_t lo = 0, hi = n - 1;
    while (hi > lo) {
        const size_t mid = lo + (hi - lo) / 2;
        double a = x[lo], b = x[mid], c = x[hi];
        const double pivot = a < b ? (b < c ? b : a < c ? c : a) : (a < c ? a : b < c ? c : b);
        size_t i = lo, j = hi;
        while (i <= j) {
            while (x[i] < pivot)
                i++;
            while (x[j] > pivot)
                j--;
            if (i <= j) {
                double t = x[i];
                x[i] = x[j];
                x[j] = t;
                i++;
                if (j == 0)
                    break;
                j--;
            }
        }
        /* x[lo..j] <= pivot <= x[i..hi], and x[j+1..i-1] == pivot */
        if (k <= j)
            hi = j;
        else if (k >= i)
            lo = i;
        else
            return;
    }
}

void costlines_quantiles(double *x, size_t n, const double *q, size_t nq, double *out)
{
    size_t from = 0; /* the quantiles before were selected below it */
    for (size_t k = 0; k < nq; k++) {
        if (n == 0) {
            out[k] = NAN;
            continue;
        }
        double want = ceil(q[k] * (double)n);
        size_t at = want < 1 ? 0 : (size_t)want - 1;
        if (at >= n)
            at = n - 1;
        if (at < from) /* Q not increasing: select in all of X */
            from = 0;
        select_kth(x + from, n - from, at - from);
        out[k] = x[at];
        from = at;
    }
}

void costlines_sample_quantiles(const struct costlines_sample *c, uint64_t paths, size_t col, size_t ncol,
                                const double *q, size_t nq, double *scratch, double *out)
{
    const size_t n = (size_t)costlines_sample_rows(c, paths);
    /* the columns side by side, row by row: a row's columns share its
     * cache lines, which a column at a time would fetch once per column */
    for (size_t r = 0; r < n; r++) {
        const double *row = c->row + r * c->ncols + col;
        for (size_t k = 0; k < ncol; k++)
            scratch[k * COSTLINES_MOST + r] = row[k];
    }
    for (size_t k = 0; k < ncol; k++)
        costlines_quantiles(scratch + k * COSTLINES_MOST, n, q, nq, out + k * nq);
}
