/*
 * stats.c - histograms and moments (see stats.h).
 *
 * A bin is read off the bits of the double: for 2^e <= |x| < 2^(e+1), the top
 * HIST_SUB_BITS bits of the mantissa pick one of HIST_SUB equal parts, so no
 * logarithm is taken per value.
 */
#include "sim/stats.h"

#include <math.h>
#include <string.h>

#include "sim/mem.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

size_t hist_bin(double x)
{
    /* without branches (the sign of cash and margins is a coin toss a
     * branch predictor loses): the exponent and the top mantissa bits give
     * the magnitude's bin k, 1 .. HIST_HALF, or 0 below 2^HIST_EMIN */
    uint64_t bits;
    memcpy(&bits, &x, sizeof bits);
    int64_t e = (int64_t)((bits >> 52) & 0x7FF) - 1023;
    int64_t k = (e - HIST_EMIN) * HIST_SUB + (int64_t)((bits >> (52 - HIST_SUB_BITS)) & (HIST_SUB - 1)) + 1;
    k = e < HIST_EMIN ? 0 : k;
    k = e >= HIST_EMAX ? HIST_HALF : k;
    return (size_t)(bits >> 63 ? HIST_HALF - k : HIST_HALF + k);
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

double hist_mid_whole(size_t b)
{
    /* towards zero: below 256 the bin's edge nearer zero is its whole
     * number, and from 256 up the middle is already whole */
    return trunc(hist_mid(b));
}

/* The rank of the type-1 quantile Q of N values: ceil(Q N), within 1..N. */
static uint64_t quantile_rank(double q, uint64_t n)
{
    double r = ceil(q * (double)n);
    return r < 1 ? 1 : r > (double)n ? n : (uint64_t)r;
}

/* The type-1 quantiles of the counts COUNT(CTX, b) over bins FIRST..LAST,
 * which add up to N, each read as MID of its bin; NAN past the end. */
static void scan_quantiles(uint64_t (*count)(const void *, size_t), const void *ctx, size_t first, size_t last,
                           uint64_t n, const double *q, size_t nq, double (*mid)(size_t), double *out)
{
    size_t k = 0;
    uint64_t seen = 0, rank = nq ? quantile_rank(q[0], n) : 0;
    for (size_t b = first; b <= last && b < HIST_BINS && k < nq && n; b++) {
        seen += count(ctx, b);
        while (k < nq && seen >= rank) {
            out[k++] = mid(b);
            if (k < nq)
                rank = quantile_rank(q[k], n);
        }
    }
    for (; k < nq; k++)
        out[k] = NAN;
}

struct plain_hists {
    const uint32_t *const *hists;
    size_t nh;
};

static uint64_t plain_count(const void *ctx, size_t b)
{
    const struct plain_hists *p = ctx;
    uint64_t c = 0;
    for (size_t h = 0; h < p->nh; h++)
        c += p->hists[h][b];
    return c;
}

void hist_quantiles(const uint32_t *const *hists, size_t nh, uint64_t n, const double *q, size_t nq,
                    double *out)
{
    struct plain_hists p = { hists, nh };
    scan_quantiles(plain_count, &p, 0, HIST_BINS - 1, n, q, nq, hist_mid, out);
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

/*
 * The fast path of a window.  A finite value's magnitude key, bits 45..62 of
 * the double (its exponent and top HIST_SUB_BITS mantissa bits), grows with
 * the magnitude, one step per bin; bin = HIST_HALF + key - KEY0 for a
 * positive value of magnitude 2^HIST_EMIN .. 2^HIST_EMAX, HIST_HALF - (key -
 * KEY0) for a negative one.  For a negative value the key is complemented
 * (~key = -key - 1), so that on both sides the window's index is the key
 * minus a constant: where = t - base, with t = key or ~key.  A value takes
 * the fast path when where < len, which holds only for keys whose bin is in
 * the window and of that sign's magnitude range (not the zero bin, not the
 * clamped last bins); every other value takes hist_bin.  The window index
 * is where + first, so both paths count in the same place.
 */
#define KEY_SHIFT (52 - HIST_SUB_BITS)
#define KEY0 ((uint64_t)(1023 + HIST_EMIN) * HIST_SUB - 1) /* the key of bin HIST_HALF, less one step */

struct fast_side {
    uint64_t base, len; /* keys (or complemented keys) base .. base + len - 1 are counted at */
    size_t first;       /* window index first .. first + len - 1 */
};

/* The fast range of side SIDE (0: negative, 1: positive) of a window that
 * starts at bin S (-1: not placed, no fast range). */
static struct fast_side fast_range(int side, int32_t s)
{
    struct fast_side f = { 0, 0, 0 };
    if (s < 0)
        return f;
    /* the window's bins that hold a magnitude of its sign: bins HALF+1 ..
     * HIST_BINS-1 for positive, 0 .. HALF-1 for negative */
    long lo = side ? HIST_HALF + 1 : 0, hi = side ? HIST_BINS - 1 : HIST_HALF - 1;
    long a = s > lo ? s : lo, b = s + HISTSET_WINDOW - 1 < hi ? s + HISTSET_WINDOW - 1 : hi;
    if (a > b)
        return f;
    f.first = (size_t)(a - s);
    f.len = (uint64_t)(b - a + 1);
    if (side) /* bin a = HALF + key - KEY0 */
        f.base = (uint64_t)(a - HIST_HALF) + KEY0;
    else      /* bin a = HALF - (key - KEY0): the largest magnitude, the smallest ~key */
        f.base = ~((uint64_t)(HIST_HALF - a) + KEY0);
    return f;
}

/* Per figure: a count of zeros (so common that they get their own counter:
 * nothing churned, no funding needed), a window for negative and one for
 * positive values, each placed around the first value of its sign, and the
 * full-size fallback. */
struct histset {
    size_t n;
    uint64_t *zeros;    /* [n] */
    uint8_t *window;    /* [n * 2 * HISTSET_WINDOW]: negative, then positive; the low 8 bits of
                           the counts, so that the windows of all figures stay in cache */
    uint16_t *carry;    /* [n * 2 * HISTSET_WINDOW]: the next 16 bits (written at every 256th
                           count; the higher ones go to full), touched at creation so
                           that memory does not grow with the paths */
    int32_t *start;     /* [n * 2]: first bin of each window, -1 before its first value */
    uint32_t *full;     /* [n * HIST_BINS]: values outside the windows */
    double *lo, *hi;    /* [n] */
};

struct histset *histset_new(size_t n)
{
    struct histset *h = mem_calloc(1, sizeof *h);
    if (!h)
        return NULL;
    h->n = n;
    h->zeros = mem_calloc(n, sizeof *h->zeros);
    h->window = mem_calloc(n * 2 * HISTSET_WINDOW, sizeof *h->window);
    h->carry = mem_calloc(n * 2 * HISTSET_WINDOW, sizeof *h->carry);
    h->start = mem_calloc(n * 2, sizeof *h->start);
    h->full = mem_calloc(n * HIST_BINS, sizeof *h->full);
    h->lo = mem_calloc(n, sizeof *h->lo);
    h->hi = mem_calloc(n, sizeof *h->hi);
    if (!h->zeros || !h->window || !h->carry || !h->start || !h->full || !h->lo || !h->hi) {
        histset_free(h);
        return NULL;
    }
    memset(h->carry, 0, n * 2 * HISTSET_WINDOW * sizeof *h->carry);
    for (size_t i = 0; i < n; i++) {
        h->start[2 * i] = h->start[2 * i + 1] = -1;
        h->lo[i] = INFINITY;
        h->hi[i] = -INFINITY;
    }
    return h;
}

void histset_free(struct histset *h)
{
    if (!h)
        return;
    mem_free(h->zeros);
    mem_free(h->window);
    mem_free(h->carry);
    mem_free(h->start);
    mem_free(h->full);
    mem_free(h->lo);
    mem_free(h->hi);
    mem_free(h);
}

/* A figure's counters, copied out of the set while a chunk is added (and
 * the loops keep the hot ones in registers): a count through a byte pointer
 * may change any memory, so the compiler reloads whatever it reaches
 * through a pointer after every count. */
struct figure {
    int32_t start[2];
    struct fast_side fast[2];
    uint8_t *window;
    uint16_t *carry;
    uint32_t *full;
    uint64_t zeros;
};

/* Carries a window count at slot AT (negative side first) that wrapped
 * past 255 into the next 16 bits, and those into the full histogram. */
static void carry_at(struct figure *f, size_t at)
{
    if (++f->carry[at] == 0)
        f->full[at < HISTSET_WINDOW ? (size_t)f->start[0] + at : (size_t)f->start[1] + at - HISTSET_WINDOW] +=
            1u << 24;
}

/* Counts V, which missed its side's fast range: by hist_bin, into the
 * zeros, the window of its side (placed around it if it is the side's
 * first value) or the full histogram. */
static void count_slow(struct figure *f, double v)
{
    size_t b = hist_bin(v);
    if (b == HIST_HALF) {
        f->zeros++;
        return;
    }
    int side = b > HIST_HALF;
    int32_t s = f->start[side];
    if (s < 0) {
        long first = (long)b - HISTSET_WINDOW / 2;
        if (first < 0)
            first = 0;
        if (first > HIST_BINS - HISTSET_WINDOW)
            first = HIST_BINS - HISTSET_WINDOW;
        s = f->start[side] = (int32_t)first;
        f->fast[side] = fast_range(side, s);
    }
    size_t k = b - (size_t)s, at = (size_t)side * HISTSET_WINDOW + k;
    if (k >= HISTSET_WINDOW)
        f->full[b]++;
    else if (++f->window[at] == 0)
        carry_at(f, at);
}

/* Whether the N values X (N >= 1) are all above zero (so none is NAN), and
 * their least and greatest; two at a time in SSE2 registers where there
 * are some. */
static int all_positive(const double *x, size_t n, double *least, double *most)
{
    double lo = x[0], hi = x[0];
    int ok = x[0] > 0;
    size_t j = 1;
#ifdef __SSE2__
    if (n >= 2) {
        __m128d l = _mm_loadu_pd(x), u = l, good = _mm_cmpgt_pd(l, _mm_setzero_pd());
        for (j = 2; j + 2 <= n; j += 2) {
            __m128d v = _mm_loadu_pd(x + j);
            good = _mm_and_pd(good, _mm_cmpgt_pd(v, _mm_setzero_pd())); /* false for NAN */
            l = _mm_min_pd(l, v);
            u = _mm_max_pd(u, v);
        }
        ok = _mm_movemask_pd(good) == 3;
        double ls[2], us[2];
        _mm_storeu_pd(ls, l);
        _mm_storeu_pd(us, u);
        lo = ls[0] < ls[1] ? ls[0] : ls[1];
        hi = us[0] > us[1] ? us[0] : us[1];
    }
#endif
    for (; j < n; j++) {
        ok &= x[j] > 0;
        lo = x[j] < lo ? x[j] : lo;
        hi = x[j] > hi ? x[j] : hi;
    }
    *least = lo;
    *most = hi;
    return ok;
}

void histset_add_chunk(struct histset *h, size_t i, const double *x, size_t n, struct chunk_moments *c)
{
    double lo = h->lo[i], hi = h->hi[i];
    double shift = c->shift, s1 = c->s1, s2 = c->s2;
    uint64_t cn = c->n;
    struct figure f = {
        { h->start[2 * i], h->start[2 * i + 1] },
        { fast_range(0, h->start[2 * i]), fast_range(1, h->start[2 * i + 1]) },
        h->window + 2 * i * HISTSET_WINDOW,
        h->carry + 2 * i * HISTSET_WINDOW,
        h->full + i * HIST_BINS,
        h->zeros[i],
    };
    double least, most;
    if (n && all_positive(x, n, &least, &most)) {
        /* the common case, every value above zero (no NAN, no zero, one
         * side), in a leaner loop: the extremes are known, and the first
         * value sets the shift */
        lo = least < lo ? least : lo;
        hi = most > hi ? most : hi;
        if (cn == 0)
            shift = x[0];
        cn += n;
        /* the positive window's fast range in registers: a count through
         * the byte pointer could change anything in memory, f too */
        uint8_t *window = f.window + HISTSET_WINDOW;
        uint64_t base = f.fast[1].base, len = f.fast[1].len;
        size_t first = f.fast[1].first;
        for (size_t j = 0; j < n; j++) {
            double v = x[j], dx = v - shift;
            s1 += dx;
            s2 += dx * dx;
            uint64_t bits;
            memcpy(&bits, &v, sizeof bits);
            uint64_t where = (bits >> KEY_SHIFT) - base; /* the sign bit is 0 */
            if (where < len) {
                size_t at = first + (size_t)where;
                if (++window[at] == 0)
                    carry_at(&f, HISTSET_WINDOW + at);
            } else {
                count_slow(&f, v); /* may place the window */
                base = f.fast[1].base;
                len = f.fast[1].len;
                first = f.fast[1].first;
            }
        }
    } else {
        uint64_t base0 = f.fast[0].base, len0 = f.fast[0].len, base1 = f.fast[1].base, len1 = f.fast[1].len;
        size_t first0 = f.fast[0].first, first1 = f.fast[1].first + HISTSET_WINDOW;
        uint8_t *window = f.window; /* in registers, as above */
        for (size_t j = 0; j < n; j++) {
            double v = x[j];
            if (isnan(v))
                continue;
            if (cn++ == 0)
                shift = v;
            double dx = v - shift;
            s1 += dx;
            s2 += dx * dx;
            lo = v < lo ? v : lo;
            hi = v > hi ? v : hi;
            uint64_t bits;
            memcpy(&bits, &v, sizeof bits);
            int side = !(bits >> 63);
            uint64_t key = (bits >> KEY_SHIFT) & ((UINT64_C(1) << (63 - KEY_SHIFT)) - 1);
            uint64_t t = key ^ ((uint64_t)side - 1); /* complemented if negative */
            uint64_t where = t - (side ? base1 : base0);
            if (where < (side ? len1 : len0)) {
                size_t at = (side ? first1 : first0) + (size_t)where;
                if (++window[at] == 0)
                    carry_at(&f, at);
            } else {
                count_slow(&f, v); /* may place a window */
                base0 = f.fast[0].base, len0 = f.fast[0].len, base1 = f.fast[1].base, len1 = f.fast[1].len;
                first0 = f.fast[0].first, first1 = f.fast[1].first + HISTSET_WINDOW;
            }
        }
    }
    h->lo[i] = lo;
    h->hi[i] = hi;
    h->zeros[i] = f.zeros;
    h->start[2 * i] = f.start[0];
    h->start[2 * i + 1] = f.start[1];
    c->shift = shift;
    c->s1 = s1;
    c->s2 = s2;
    c->n = cn;
}

void histset_prefetch(const struct histset *h, size_t i, const double *x, size_t n)
{
    for (size_t j = 0; j < n; j += HISTSET_PREFETCH_EVERY) {
        size_t b = hist_bin(x[j]);
        size_t side = 2 * i + (b > HIST_HALF);
        int32_t s = h->start[side];
        size_t k = b - (size_t)s;
        if (s >= 0 && k < HISTSET_WINDOW)
            __builtin_prefetch(h->window + side * HISTSET_WINDOW + k, 1);
    }
}

void histset_add(struct histset *h, size_t i, double x)
{
    struct chunk_moments unused = { 0 };
    histset_add_chunk(h, i, &x, 1, &unused);
}

/* The count of bin B of figure I in set H. */
static uint64_t histset_count(const struct histset *h, size_t i, size_t b)
{
    if (b == HIST_HALF)
        return h->zeros[i];
    size_t side = 2 * i + (b > HIST_HALF);
    uint64_t c = h->full[i * HIST_BINS + b];
    int32_t s = h->start[side];
    if (s >= 0 && b - (size_t)s < HISTSET_WINDOW) {
        size_t j = side * HISTSET_WINDOW + (b - (size_t)s);
        c += h->window[j] + ((uint64_t)h->carry[j] << 8);
    }
    return c;
}

static uint64_t scratch_count(const void *ctx, size_t b)
{
    return ((const uint64_t *)ctx)[b];
}

void histset_quantiles(const struct histset *const *h, size_t nh, size_t i, uint64_t n, const double *q, size_t nq,
                       int whole, uint64_t *scratch, double *out, double *lo, double *hi)
{
    double l = INFINITY, u = -INFINITY;
    for (size_t t = 0; t < nh; t++) {
        l = fmin(l, h[t]->lo[i]);
        u = fmax(u, h[t]->hi[i]);
    }
    *lo = l;
    *hi = u;
    if (!n) {
        for (size_t k = 0; k < nq; k++)
            out[k] = NAN;
        return;
    }
    size_t first = hist_bin(l), last = hist_bin(u);
    for (size_t b = first; b <= last; b++) {
        uint64_t c = 0;
        for (size_t t = 0; t < nh; t++)
            c += histset_count(h[t], i, b);
        scratch[b] = c;
    }
    scan_quantiles(scratch_count, scratch, first, last, n, q, nq, whole ? hist_mid_whole : hist_mid, out);
    size_t k;
    for (k = 0; k < nq; k++)
        out[k] = out[k] < l ? l : out[k] > u ? u : out[k];
}
