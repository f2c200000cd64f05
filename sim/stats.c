/*
 * stats.c - histograms and moments (see stats.h).
 *
 * A bin is read off the bits of the double.  Bits 45..62, its exponent and
 * the top HIST_SUB_BITS bits of its mantissa, are the value's magnitude key:
 * for 2^e <= |x| < 2^(e+1) the mantissa bits pick one of HIST_SUB equal
 * parts, so the key grows with the magnitude, one step a bin, and no
 * logarithm is taken per value.  Keys below KEY_MIN (exponent field 0: zero
 * and the subnormal numbers) are the zero bin; a positive value of key K is
 * in bin HIST_HALF + K - KEY0, a negative one in HIST_HALF - (K - KEY0).
 * The exponent field 2047 (infinity; NAN is never counted) has its keys
 * too, so every double but NAN has a bin of its own magnitude.
 */
#include "sim/stats.h"

#include <math.h>
#include <string.h>

#include "sim/mem.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define KEY_SHIFT (52 - HIST_SUB_BITS)
#define KEY_MASK ((UINT64_C(1) << (63 - KEY_SHIFT)) - 1)
#define KEY0 ((uint64_t)(1023 + HIST_EMIN) * HIST_SUB - 1) /* the key of bin HIST_HALF, less one step */
#define KEY_MIN (KEY0 + 1)                                   /* the smallest key of a bin of its own */

/* The magnitude key of X. */
static uint64_t magnitude_key(double x)
{
    uint64_t bits;
    memcpy(&bits, &x, sizeof bits);
    return (bits >> KEY_SHIFT) & KEY_MASK;
}

/* The bin of magnitude key KEY (at least KEY_MIN) of side SIDE (0:
 * negative, 1: positive), and back. */
static size_t key_bin(int side, uint64_t key)
{
    return side ? HIST_HALF + (size_t)(key - KEY0) : HIST_HALF - (size_t)(key - KEY0);
}

static uint64_t bin_key(size_t b)
{
    return (b > HIST_HALF ? b - HIST_HALF : HIST_HALF - b) + KEY0;
}

size_t hist_bin(double x)
{
    /* without branches (the sign of cash and margins is a coin toss a
     * branch predictor loses): the magnitude's bin k, 1 .. HIST_HALF, or 0
     * for the zero bin */
    uint64_t key = magnitude_key(x);
    size_t k = key < KEY_MIN ? 0 : (size_t)(key - KEY0);
    return signbit(x) ? HIST_HALF - k : HIST_HALF + k;
}

double hist_mid(size_t b)
{
    if (b == HIST_HALF)
        return 0;
    int negative = b < HIST_HALF;
    size_t k = (negative ? HIST_HALF - b : b - HIST_HALF) - 1; /* 0 .. HIST_HALF - 1 */
    int e = (int)(k / HIST_SUB) + HIST_EMIN;
    /* exact, and finite in the last bin below infinity, whose upper edge is not */
    double mid = ldexp(1.0 + ((double)(k % HIST_SUB) + 0.5) / HIST_SUB, e);
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

/* The type-1 quantiles of N values whose counts are fed bin by bin in the
 * bins' order, each read as MID of its bin. */
struct scan {
    const double *q;
    size_t nq, k; /* quantiles found so far: k */
    uint64_t n, seen, rank;
    double (*mid)(size_t);
    double *out;
};

static struct scan scan_start(uint64_t n, const double *q, size_t nq, double (*mid)(size_t), double *out)
{
    struct scan s = { q, nq, 0, n, 0, nq && n ? quantile_rank(q[0], n) : 0, mid, out };
    if (!n)
        s.nq = 0; /* none to find: every one NAN */
    for (size_t k = 0; k < nq; k++)
        out[k] = NAN;
    return s;
}

/* Whether every quantile has been found. */
static int scan_done(const struct scan *s)
{
    return s->k == s->nq;
}

/* Feeds C values in bin B, which follows every bin fed before. */
static void scan_feed(struct scan *s, size_t b, uint64_t c)
{
    s->seen += c;
    while (s->k < s->nq && s->seen >= s->rank) {
        s->out[s->k++] = s->mid(b);
        if (s->k < s->nq)
            s->rank = quantile_rank(s->q[s->k], s->n);
    }
}

void hist_quantiles(const uint32_t *const *hists, size_t nh, uint64_t n, const double *q, size_t nq,
                    double *out)
{
    struct scan s = scan_start(n, q, nq, hist_mid, out);
    for (size_t b = 0; b < HIST_BINS && !scan_done(&s); b++) {
        uint64_t c = 0;
        for (size_t h = 0; h < nh; h++)
            c += hists[h][b];
        scan_feed(&s, b, c);
    }
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
 * The fast path of a window.  For a negative value the magnitude key is
 * complemented (~key = -key - 1), so that on both sides the window's index
 * is the key minus a constant: where = t - base, with t = key or ~key.  A
 * value takes the fast path when where < len, which holds only for keys
 * whose bin is in the window and of that sign (not the zero bin); every
 * other value takes hist_bin.  The window index is where + first, so both
 * paths count in the same place.
 */
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

/* The keys KA .. KB of side SIDE that a window starting at bin S holds
 * (none when KA > KB). */
static void window_keys(int side, int32_t s, uint64_t *ka, uint64_t *kb)
{
    struct fast_side f = fast_range(side, s);
    *ka = 1;
    *kb = 0;
    if (!f.len)
        return;
    *ka = side ? f.base : ~(f.base + f.len - 1);
    *kb = side ? f.base + f.len - 1 : ~f.base;
}

/* A figure's pages: by sign (0: negative), then magnitude key / HIST_PAGE;
 * NULL where no count has been kept. */
struct pages {
    uint32_t *page[2][HIST_PAGES];
};

/* Per figure: a count of zeros (so common that they get their own counter:
 * nothing churned, no funding needed), a window for negative and one for
 * positive values, each placed around the first value of its sign, and the
 * pages of the values outside them. */
struct histset {
    size_t n;
    uint64_t *zeros;      /* [n] */
    uint8_t *window;      /* [n * 2 * HISTSET_WINDOW]: negative, then positive; the low 8 bits of
                             the counts, so that the windows of all figures stay in cache */
    uint16_t *carry;      /* [n * 2 * HISTSET_WINDOW]: the next 16 bits (written at every 256th
                             count; the higher ones go to the pages), touched at creation so
                             that memory does not grow with the paths */
    int32_t *start;       /* [n * 2]: first bin of each window, -1 before its first value */
    struct pages **pages; /* [n]: NULL until a value misses the figure's windows */
    double *lo, *hi;      /* [n] */
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
    h->pages = mem_calloc(n, sizeof *h->pages);
    h->lo = mem_calloc(n, sizeof *h->lo);
    h->hi = mem_calloc(n, sizeof *h->hi);
    if (!h->zeros || !h->window || !h->carry || !h->start || !h->pages || !h->lo || !h->hi) {
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
    for (size_t i = 0; h->pages && i < h->n; i++) {
        struct pages *d = h->pages[i];
        for (size_t p = 0; d && p < 2 * HIST_PAGES; p++)
            mem_free(d->page[p / HIST_PAGES][p % HIST_PAGES]);
        mem_free(d);
    }
    mem_free(h->zeros);
    mem_free(h->window);
    mem_free(h->carry);
    mem_free(h->start);
    mem_free(h->pages);
    mem_free(h->lo);
    mem_free(h->hi);
    mem_free(h);
}

size_t histset_bytes(const struct histset *h)
{
    size_t bytes = sizeof *h + h->n * (sizeof *h->zeros + 2 * HISTSET_WINDOW * (sizeof *h->window + sizeof *h->carry) +
                                       2 * sizeof *h->start + sizeof *h->pages + sizeof *h->lo + sizeof *h->hi);
    for (size_t i = 0; i < h->n; i++) {
        const struct pages *d = h->pages[i];
        bytes += d ? sizeof *d : 0;
        for (size_t p = 0; d && p < 2 * HIST_PAGES; p++)
            bytes += d->page[p / HIST_PAGES][p % HIST_PAGES] ? HIST_PAGE * sizeof(uint32_t) : 0;
    }
    return bytes;
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
    struct pages **pages; /* the figure's place in the set */
    uint64_t zeros;
    int nomem;            /* a page could not be allocated */
};

/* Adds ADD to the count of magnitude key KEY of side SIDE in F's pages,
 * allocating its directory and its page the first time; when memory runs
 * out, counts nothing and marks F. */
static void count_paged(struct figure *f, int side, uint64_t key, uint32_t add)
{
    struct pages *d = *f->pages;
    if (!d && !(d = *f->pages = mem_calloc(1, sizeof *d))) {
        f->nomem = 1;
        return;
    }
    uint32_t **page = &d->page[side][key >> HIST_PAGE_BITS];
    if (!*page && !(*page = mem_calloc(HIST_PAGE, sizeof **page))) {
        f->nomem = 1;
        return;
    }
    (*page)[key & (HIST_PAGE - 1)] += add;
}

/* Carries a window count at slot AT (negative side first) that wrapped
 * past 255 into the next 16 bits, and those into the pages. */
static void carry_at(struct figure *f, size_t at)
{
    if (++f->carry[at] == 0) {
        int side = at >= HISTSET_WINDOW;
        size_t b = (size_t)f->start[side] + at - (size_t)side * HISTSET_WINDOW;
        count_paged(f, side, bin_key(b), 1u << 24);
    }
}

/* Counts V, which missed its side's fast range: by hist_bin, into the
 * zeros, the window of its side (placed around it if it is the side's
 * first value) or the pages. */
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
        count_paged(f, side, bin_key(b), 1);
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

enum status histset_add_chunk(struct histset *h, size_t i, const double *x, size_t n, struct chunk_moments *c)
{
    double lo = h->lo[i], hi = h->hi[i];
    double shift = c->shift, s1 = c->s1, s2 = c->s2;
    uint64_t cn = c->n;
    struct figure f = {
        { h->start[2 * i], h->start[2 * i + 1] },
        { fast_range(0, h->start[2 * i]), fast_range(1, h->start[2 * i + 1]) },
        h->window + 2 * i * HISTSET_WINDOW,
        h->carry + 2 * i * HISTSET_WINDOW,
        h->pages + i,
        h->zeros[i],
        0,
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
            uint64_t key = (bits >> KEY_SHIFT) & KEY_MASK;
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
    return f.nomem ? ST_NOMEM : ST_OK;
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

enum status histset_add(struct histset *h, size_t i, double x)
{
    struct chunk_moments unused = { 0 };
    return histset_add_chunk(h, i, &x, 1, &unused);
}

/* Whether figure I of set H holds counts of keys A .. B of side SIDE, all
 * in one page. */
static int holds(const struct histset *h, size_t i, int side, uint64_t a, uint64_t b)
{
    const struct pages *d = h->pages[i];
    if (d && d->page[side][a >> HIST_PAGE_BITS])
        return 1;
    uint64_t ka, kb;
    window_keys(side, h->start[2 * i + side], &ka, &kb);
    return ka <= b && a <= kb;
}

/* Adds figure I's counts of keys A .. B of side SIDE (all in one page), in
 * its page and its window, to SCRATCH[0 .. B - A]. */
static void gather(const struct histset *h, size_t i, int side, uint64_t a, uint64_t b, uint64_t *scratch)
{
    const struct pages *d = h->pages[i];
    const uint32_t *page = d ? d->page[side][a >> HIST_PAGE_BITS] : NULL;
    if (page)
        for (uint64_t k = a; k <= b; k++)
            scratch[k - a] += page[k & (HIST_PAGE - 1)];
    int32_t s = h->start[2 * i + side];
    uint64_t ka, kb;
    window_keys(side, s, &ka, &kb);
    ka = ka > a ? ka : a;
    kb = kb < b ? kb : b;
    const uint8_t *window = h->window + (2 * i + (size_t)side) * HISTSET_WINDOW;
    const uint16_t *carry = h->carry + (2 * i + (size_t)side) * HISTSET_WINDOW;
    for (uint64_t k = ka; k <= kb; k++) {
        size_t at = key_bin(side, k) - (size_t)s;
        scratch[k - a] += window[at] + ((uint64_t)carry[at] << 8);
    }
}

/* Feeds S the counts of figure I merged over the NH sets H for the keys KA
 * .. KB of side SIDE, in the order of their bins (magnitudes down for
 * negative values, up for positive ones), page by page, skipping the pages
 * that no set holds. */
static void scan_side(struct scan *sc, const struct histset *const *h, size_t nh, size_t i, int side, uint64_t ka,
                      uint64_t kb, uint64_t *scratch)
{
    uint64_t pa = ka >> HIST_PAGE_BITS, pb = kb >> HIST_PAGE_BITS;
    for (uint64_t step = 0; step <= pb - pa && !scan_done(sc); step++) {
        uint64_t p = side ? pa + step : pb - step;
        uint64_t a = p << HIST_PAGE_BITS, b = a + HIST_PAGE - 1;
        a = a > ka ? a : ka;
        b = b < kb ? b : kb;
        int any = 0;
        for (size_t t = 0; t < nh && !any; t++)
            any = holds(h[t], i, side, a, b);
        if (!any)
            continue;
        memset(scratch, 0, (size_t)(b - a + 1) * sizeof *scratch);
        for (size_t t = 0; t < nh; t++)
            gather(h[t], i, side, a, b, scratch);
        for (uint64_t j = 0; j <= b - a; j++) {
            uint64_t k = side ? a + j : b - j, c = scratch[k - a];
            if (c)
                scan_feed(sc, key_bin(side, k), c);
        }
    }
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
    struct scan sc = scan_start(n, q, nq, whole ? hist_mid_whole : hist_mid, out);
    if (!n)
        return;
    /* in the order of the values: negative magnitudes from the largest the
     * smallest value can have, the zeros, positive magnitudes up to the
     * largest value's, each side only over the keys its values can take */
    uint64_t kl = magnitude_key(l), ku = magnitude_key(u);
    if (l < 0 && kl >= KEY_MIN)
        scan_side(&sc, h, nh, i, 0, u < 0 && ku > KEY_MIN ? ku : KEY_MIN, kl, scratch);
    uint64_t zeros = 0;
    for (size_t t = 0; t < nh; t++)
        zeros += h[t]->zeros[i];
    if (zeros)
        scan_feed(&sc, HIST_HALF, zeros);
    if (u > 0 && ku >= KEY_MIN)
        scan_side(&sc, h, nh, i, 1, l > 0 && kl > KEY_MIN ? kl : KEY_MIN, ku, scratch);
    for (size_t k = 0; k < nq; k++)
        out[k] = out[k] < l ? l : out[k] > u ? u : out[k];
}

/* Packed, figure by figure: the count of zeros, the bits of the smallest
 * and largest value, the number of (key, count) pairs, then the pairs, a
 * key's top bit its side (set: positive).  A key may come twice (its window
 * count and its page's carries): the counts add up. */
#define PACK_SIDE (UINT64_C(1) << 63)

/* Calls EMIT(ARG, side, key, count) for every count kept for figure I. */
static void each_count(const struct histset *h, size_t i, void (*emit)(void *, int, uint64_t, uint64_t), void *arg)
{
    for (int side = 0; side < 2; side++) {
        int32_t s = h->start[2 * i + (size_t)side];
        uint64_t ka, kb;
        window_keys(side, s, &ka, &kb);
        const uint8_t *window = h->window + (2 * i + (size_t)side) * HISTSET_WINDOW;
        const uint16_t *carry = h->carry + (2 * i + (size_t)side) * HISTSET_WINDOW;
        for (uint64_t k = ka; k <= kb; k++) {
            size_t at = key_bin(side, k) - (size_t)s;
            uint64_t c = window[at] + ((uint64_t)carry[at] << 8);
            if (c)
                emit(arg, side, k, c);
        }
        const struct pages *d = h->pages[i];
        for (size_t p = 0; d && p < HIST_PAGES; p++) {
            const uint32_t *page = d->page[side][p];
            for (size_t k = 0; page && k < HIST_PAGE; k++)
                if (page[k])
                    emit(arg, side, ((uint64_t)p << HIST_PAGE_BITS) + k, page[k]);
        }
    }
}

struct pack_cursor {
    uint64_t *out; /* NULL: count only */
    size_t at;
};

static void pack_pair(void *arg, int side, uint64_t key, uint64_t count)
{
    struct pack_cursor *c = arg;
    if (c->out) {
        c->out[c->at] = key | (side ? PACK_SIDE : 0);
        c->out[c->at + 1] = count;
    }
    c->at += 2;
}

size_t histset_pack(const struct histset *h, uint64_t *out)
{
    struct pack_cursor c = { out, 0 };
    for (size_t i = 0; i < h->n; i++) {
        size_t head = c.at;
        c.at += 4;
        each_count(h, i, pack_pair, &c);
        if (out) {
            out[head] = h->zeros[i];
            memcpy(&out[head + 1], &h->lo[i], sizeof(double));
            memcpy(&out[head + 2], &h->hi[i], sizeof(double));
            out[head + 3] = (c.at - head - 4) / 2;
        }
    }
    return c.at;
}

size_t histset_unpack_add(struct histset *h, const uint64_t *in, size_t nwords, enum status *st)
{
    size_t at = 0;
    *st = ST_OK;
    for (size_t i = 0; i < h->n; i++) {
        if (nwords - at < 4 || (nwords - at - 4) / 2 < in[at + 3]) {
            *st = ST_SOFTWARE; /* not what histset_pack wrote */
            return at;
        }
        double lo, hi;
        memcpy(&lo, &in[at + 1], sizeof lo);
        memcpy(&hi, &in[at + 2], sizeof hi);
        h->zeros[i] += in[at];
        h->lo[i] = fmin(h->lo[i], lo);
        h->hi[i] = fmax(h->hi[i], hi);
        uint64_t npairs = in[at + 3];
        at += 4;
        struct figure f = { .pages = &h->pages[i] };
        for (uint64_t k = 0; k < npairs; k++, at += 2) {
            uint64_t count = in[at + 1];
            /* a page's count is 32 bits: a larger one goes in parts */
            while (count && !f.nomem) {
                uint32_t part = count > UINT32_MAX ? UINT32_MAX : (uint32_t)count;
                count_paged(&f, (in[at] & PACK_SIDE) != 0, in[at] & ~PACK_SIDE, part);
                count -= part;
            }
        }
        if (f.nomem) {
            *st = ST_NOMEM;
            return at;
        }
    }
    return at;
}
