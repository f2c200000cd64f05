/*
 * stats.c - histograms and moments (see stats.h).
 *
 * A bin is read off the bits of the double: for 2^e <= |x| < 2^(e+1), the top
 * HIST_SUB_BITS bits of the mantissa pick one of HIST_SUB equal parts, so no
 * logarithm is taken per value.
 */
#include "stats.h"

#include <math.h>
#include <string.h>

static size_t magnitude_bin(double ax)
{
    uint64_t bits;
    memcpy(&bits, &ax, sizeof bits);
    int e = (int)((bits >> 52) & 0x7FF) - 1023;
    if (e < HIST_EMIN)
        return 0;
    if (e >= HIST_EMAX)
        return HIST_HALF;
    size_t sub = (size_t)((bits >> (52 - HIST_SUB_BITS)) & (HIST_SUB - 1));
    return (size_t)(e - HIST_EMIN) * HIST_SUB + sub + 1; /* 1 .. HIST_HALF */
}

size_t hist_bin(double x)
{
    if (x >= 0)
        return HIST_HALF + magnitude_bin(x);
    size_t k = magnitude_bin(-x);
    return HIST_HALF - k;
}

double hist_mid(size_t b)
{
    if (b == HIST_HALF)
        return 0;
    int negative = b < HIST_HALF;
    size_t k = negative ? HIST_HALF - b : b - HIST_HALF; /* 1 .. HIST_HALF */
    k -= 1;
    int e = (int)(k / HIST_SUB) + HIST_EMIN;
    double lo = ldexp(1.0 + (double)(k % HIST_SUB) / HIST_SUB, e);
    double hi = ldexp(1.0 + (double)(k % HIST_SUB + 1) / HIST_SUB, e);
    double mid = (lo + hi) / 2;
    return negative ? -mid : mid;
}

void hist_quantiles(const uint32_t *const *hists, size_t nh, uint64_t n, const double *q, size_t nq,
                    double *out)
{
    hist_quantiles_in(hists, nh, n, q, nq, 0, HIST_BINS - 1, out);
}

void hist_quantiles_in(const uint32_t *const *hists, size_t nh, uint64_t n, const double *q, size_t nq,
                       size_t first, size_t last, double *out)
{
    size_t k = 0;
    uint64_t seen = 0;
    for (size_t b = first; b <= last && b < HIST_BINS && k < nq && n; b++) {
        for (size_t h = 0; h < nh; h++)
            seen += hists[h][b];
        while (k < nq) {
            double r = ceil(q[k] * (double)n);
            uint64_t rank = r < 1 ? 1 : r > (double)n ? n : (uint64_t)r;
            if (seen < rank)
                break;
            out[k++] = hist_mid(b);
        }
    }
    for (; k < nq; k++)
        out[k] = NAN;
}

void moments_merge(struct moments *m, struct chunk_moments *c)
{
    if (c->n == 0)
        return;
    double nb = (double)c->n;
    double mean_b = c->shift + c->s1 / nb;
    double m2_b = c->s2 - c->s1 * c->s1 / nb;
    if (m2_b < 0)
        m2_b = 0;
    if (m->n == 0) {
        m->n = nb;
        m->mean = mean_b;
        m->m2 = m2_b;
    } else {
        double n = m->n + nb;
        double delta = mean_b - m->mean;
        m->mean += delta * nb / n;
        m->m2 += m2_b + delta * delta * m->n * nb / n;
        m->n = n;
    }
    memset(c, 0, sizeof *c);
}

double moments_sd(const struct moments *m)
{
    if (m->n < 2)
        return NAN;
    return sqrt(m->m2 / (m->n - 1));
}
