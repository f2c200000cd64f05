/*
 * sensitivity.c - rank statistics of inputs against outputs (see
 * sensitivity.h).
 *
 * Laid out so that the statistics of a run cost little beside the run
 * (tests/bench/README.md has the figures): each input is sorted once, by a
 * radix sort of its uniforms' bits, and its ranks, bins and tenths are
 * written out by path, as are each output's values and ranks, so that
 * every pair of an input and an output is one pass over the paths in
 * order.  Only an output that is undefined on some paths (cost per
 * customer where a path has no customers) has its inputs ranked again,
 * over the paths where it is defined.  Every sum runs in path order or
 * rank order, so the results depend only on the record, never on threads.
 */
#include "sim/sensitivity.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/dist.h"
#include "models/month.h"
#include "sim/mem.h"
#include "sim/path.h"

const int sensitivity_outputs[SENSITIVITY_OUTPUTS] = {
    SM_CPC_FINAL, SM_CPC_HORIZON, SM_RUNWAY, SM_CASH_FINAL, SM_FUNDING_NEED, SM_CUSTOMERS_FINAL,
};

/* The record's bound: inputs times paths, in bytes.  A model of very many
 * uncertain cells records fewer paths (run.csv says how many). */
#define RECORD_BYTES (64u << 20)

enum { SIDE_LOW = 1, SIDE_HIGH = 2 };

/* An input's ranks over a set of paths, by path; a path outside the set
 * has centred rank 0, bin SENSITIVITY_BINS (counted nowhere) and no side. */
struct ranks {
    double *centred;     /* [n]: mid-rank minus the mean rank */
    unsigned char *bin;  /* [n] */
    unsigned char *side; /* [n]: SIDE_LOW, SIDE_HIGH */
    double sxx;          /* sum of centred^2 */
    uint64_t bin_n[SENSITIVITY_BINS + 1];
    uint64_t low_n, high_n, n;
};

/* An output's values and ranks over the paths where it is defined, by path
 * (0 on the others). */
struct outcome {
    double *value;          /* [n] */
    double *centred;        /* [n]: centred mid-rank */
    unsigned char *defined; /* [n] */
    double syy, mean, sst;  /* sum of centred^2; mean; sum of (value - mean)^2 */
    uint64_t n;
};

/* Scratch for sorting N values. */
struct work {
    uint64_t *key, *key_tmp;
    uint32_t *idx, *idx_tmp;
    unsigned char *same; /* [n]: sorted position t ties with t - 1 */
};

/* The bits of X as an integer that sorts as X does (NAN aside). */
static uint64_t order_bits(double x)
{
    uint64_t b;
    memcpy(&b, &x, sizeof b);
    return b >> 63 ? ~b : b | (1ull << 63);
}

/* Sorts the pairs (KEY[i], IDX[i]), i < N, by key, stably: least
 * significant byte first, skipping the bytes that all keys share.  KT and
 * IT are scratch of N each. */
static void radix_sort(uint64_t *key, uint32_t *idx, size_t n, uint64_t *kt, uint32_t *it)
{
    size_t count[8][256];
    memset(count, 0, sizeof count);
    for (size_t i = 0; i < n; i++)
        for (int d = 0; d < 8; d++)
            count[d][(key[i] >> (8 * d)) & 255]++;
    uint64_t *k0 = key, *k1 = kt;
    uint32_t *i0 = idx, *i1 = it;
    for (int d = 0; d < 8; d++) {
        size_t *c = count[d], at = 0;
        if (c[(k0[0] >> (8 * d)) & 255] == n)
            continue;
        for (int b = 0; b < 256; b++) {
            size_t here = c[b];
            c[b] = at;
            at += here;
        }
        for (size_t i = 0; i < n; i++) {
            size_t to = c[(k0[i] >> (8 * d)) & 255]++;
            k1[to] = k0[i];
            i1[to] = i0[i];
        }
        uint64_t *kx = k0;
        k0 = k1;
        k1 = kx;
        uint32_t *ix = i0;
        i0 = i1;
        i1 = ix;
    }
    if (k0 != key) {
        memcpy(key, k0, n * sizeof *key);
        memcpy(idx, i0, n * sizeof *idx);
    }
}

/* The ranks over the paths of DEFINED (NULL: all N) of the values whose
 * sorted order is ORDER[0..N), SAME[t] saying where position t ties with
 * t - 1. */
static void rank_set(const uint32_t *order, const unsigned char *same, const unsigned char *defined, size_t n,
                     struct ranks *r)
{
    memset(r->centred, 0, n * sizeof *r->centred);
    memset(r->bin, SENSITIVITY_BINS, n);
    memset(r->side, 0, n);
    memset(r->bin_n, 0, sizeof r->bin_n);
    r->sxx = 0;
    r->low_n = r->high_n = 0;
    size_t nd = n;
    if (defined) {
        nd = 0;
        for (size_t j = 0; j < n; j++)
            nd += defined[j];
    }
    r->n = nd;
    if (!nd)
        return;
    const size_t k = (nd + SENSITIVITY_TAIL - 1) / SENSITIVITY_TAIL;
    const double mid = ((double)nd + 1) / 2;
    size_t a = 0; /* ranks given so far */
    for (size_t t = 0; t < n;) {
        size_t t1 = t + 1;
        while (t1 < n && same[t1])
            t1++;
        size_t c = 0;
        for (size_t q = t; q < t1; q++)
            c += !defined || defined[order[q]];
        if (c) {
            /* the group takes ranks a + 1 .. a + c */
            const double rc = (double)a + (double)(c + 1) / 2 - mid;
            const unsigned char b = (unsigned char)(a * SENSITIVITY_BINS / nd);
            const unsigned char sd = (unsigned char)((a < k ? SIDE_LOW : 0) | (a + c > nd - k ? SIDE_HIGH : 0));
            for (size_t q = t; q < t1; q++) {
                const uint32_t j = order[q];
                if (defined && !defined[j])
                    continue;
                r->centred[j] = rc;
                r->bin[j] = b;
                r->side[j] = sd;
            }
            r->sxx += rc * rc * (double)c;
            r->bin_n[b] += c;
            r->low_n += sd & SIDE_LOW ? c : 0;
            r->high_n += sd & SIDE_HIGH ? c : 0;
        }
        a += c;
        t = t1;
    }
}

/* Output Y[0..N) (NAN where undefined) as an outcome, sorted with W. */
static void outcome_prepare(struct work *w, const double *y, size_t n, struct outcome *o)
{
    size_t m = 0;
    double sum = 0;
    for (size_t j = 0; j < n; j++) {
        o->defined[j] = !isnan(y[j]);
        o->value[j] = o->defined[j] ? y[j] : 0;
        o->centred[j] = 0;
        if (o->defined[j]) {
            w->key[m] = order_bits(y[j]);
            w->idx[m++] = (uint32_t)j;
            sum += y[j];
        }
    }
    o->n = m;
    o->mean = m ? sum / (double)m : NAN;
    o->syy = o->sst = 0;
    if (!m)
        return;
    for (size_t j = 0; j < n; j++)
        if (o->defined[j])
            o->sst += (y[j] - o->mean) * (y[j] - o->mean);
    radix_sort(w->key, w->idx, m, w->key_tmp, w->idx_tmp);
    const double mid = ((double)m + 1) / 2;
    for (size_t t = 0; t < m;) {
        size_t t1 = t + 1;
        while (t1 < m && y[w->idx[t1]] == y[w->idx[t]])
            t1++;
        const double rc = (double)(t + t1 + 1) / 2 - mid; /* ranks t + 1 .. t1 */
        for (size_t q = t; q < t1; q++)
            o->centred[w->idx[q]] = rc;
        o->syy += rc * rc * (double)(t1 - t);
        t = t1;
    }
}

/* The statistics of input ranks X against outcome Y, both over the same
 * paths (of N recorded). */
static void pair_finish(const struct ranks *x, const struct outcome *y, double sxy, const double *sum, double low,
                        double high, struct sensitivity_stat *out);

static void pair_stat(const struct ranks *x, const struct outcome *y, size_t n, struct sensitivity_stat *out)
{
    double sxy = 0, low = 0, high = 0, sum[SENSITIVITY_BINS + 1] = { 0 };
    for (size_t j = 0; j < n; j++) {
        const double v = y->value[j];
        sxy += x->centred[j] * y->centred[j];
        sum[x->bin[j]] += v;
        low += x->side[j] & SIDE_LOW ? v : 0;
        high += x->side[j] & SIDE_HIGH ? v : 0;
    }
    pair_finish(x, y, sxy, sum, low, high, out);
}

/* The statistics from the sums of a pass over the paths. */
static void pair_finish(const struct ranks *x, const struct outcome *y, double sxy, const double *sum, double low,
                        double high, struct sensitivity_stat *out)
{
    out->n = y->n;
    double r = NAN;
    if (x->sxx > 0 && y->syy > 0) {
        r = sxy / sqrt(x->sxx * y->syy);
        r = r > 1 ? 1 : r < -1 ? -1 : r;
    }
    out->spearman = r;
    out->spearman_se = !isnan(r) && y->n > 3 ? (1 - r * r) * sqrt((1 + r * r / 2) / (double)(y->n - 3)) : NAN;
    double between = 0;
    for (int b = 0; b < SENSITIVITY_BINS; b++)
        if (x->bin_n[b]) {
            double d = sum[b] / (double)x->bin_n[b] - y->mean;
            between += (double)x->bin_n[b] * d * d;
        }
    out->variance_share = y->sst > 0 ? fmin(between / y->sst, 1) : NAN;
    out->tornado_low = x->low_n ? low / (double)x->low_n : NAN;
    out->tornado_high = x->high_n ? high / (double)x->high_n : NAN;
}

/* pair_stat of X against each of the SENSITIVITY_OUTPUTS outcomes Y, all
 * defined on every path: one pass for all (the same sums, in the same
 * order, as pair_stat's). */
static void pair_stats(const struct ranks *x, const struct outcome *y, size_t n, struct sensitivity_stat *out)
{
    enum { NO = SENSITIVITY_OUTPUTS };
    double sxy[NO] = { 0 }, low[NO] = { 0 }, high[NO] = { 0 }, sum[NO][SENSITIVITY_BINS + 1];
    memset(sum, 0, sizeof sum);
    const double *v[NO], *c[NO];
    for (int o = 0; o < NO; o++) {
        v[o] = y[o].value;
        c[o] = y[o].centred;
    }
    for (size_t j = 0; j < n; j++) {
        const double rc = x->centred[j];
        const unsigned b = x->bin[j], sd = x->side[j];
        for (int o = 0; o < NO; o++) {
            const double vj = v[o][j];
            sxy[o] += rc * c[o][j];
            sum[o][b] += vj;
            low[o] += sd & SIDE_LOW ? vj : 0;
            high[o] += sd & SIDE_HIGH ? vj : 0;
        }
    }
    for (int o = 0; o < NO; o++)
        pair_finish(x, &y[o], sxy[o], sum[o], low[o], high[o], &out[o]);
}

static void work_free(struct work *w)
{
    mem_free(w->key);
    mem_free(w->key_tmp);
    mem_free(w->idx);
    mem_free(w->idx_tmp);
    mem_free(w->same);
    memset(w, 0, sizeof *w);
}

static int work_new(struct work *w, size_t n)
{
    w->key = mem_calloc(n + 1, sizeof *w->key);
    w->key_tmp = mem_calloc(n + 1, sizeof *w->key_tmp);
    w->idx = mem_calloc(n + 1, sizeof *w->idx);
    w->idx_tmp = mem_calloc(n + 1, sizeof *w->idx_tmp);
    w->same = mem_calloc(n + 1, 1);
    if (w->key && w->key_tmp && w->idx && w->idx_tmp && w->same)
        return 0;
    work_free(w);
    return -1;
}

static void ranks_free(struct ranks *r)
{
    mem_free(r->centred);
    mem_free(r->bin);
    mem_free(r->side);
    memset(r, 0, sizeof *r);
}

static int ranks_new(struct ranks *r, size_t n)
{
    r->centred = mem_calloc(n + 1, sizeof *r->centred);
    r->bin = mem_calloc(n + 1, 1);
    r->side = mem_calloc(n + 1, 1);
    if (r->centred && r->bin && r->side)
        return 0;
    ranks_free(r);
    return -1;
}

static void outcome_free(struct outcome *o)
{
    mem_free(o->value);
    mem_free(o->centred);
    mem_free(o->defined);
    memset(o, 0, sizeof *o);
}

static int outcome_new(struct outcome *o, size_t n)
{
    o->value = mem_calloc(n + 1, sizeof *o->value);
    o->centred = mem_calloc(n + 1, sizeof *o->centred);
    o->defined = mem_calloc(n + 1, 1);
    if (o->value && o->centred && o->defined)
        return 0;
    outcome_free(o);
    return -1;
}

enum status sensitivity_pair(const double *x, const double *y, size_t n, struct sensitivity_stat *out)
{
    struct work w = { 0 };
    struct ranks r = { 0 };
    struct outcome o = { 0 };
    enum status st = ST_NOMEM;
    if (n > UINT32_MAX || work_new(&w, n) || ranks_new(&r, n) || outcome_new(&o, n))
        goto done;
    outcome_prepare(&w, y, n, &o);
    for (size_t j = 0; j < n; j++) {
        w.key[j] = order_bits(x[j]);
        w.idx[j] = (uint32_t)j;
    }
    radix_sort(w.key, w.idx, n, w.key_tmp, w.idx_tmp);
    for (size_t t = 1; t < n; t++)
        w.same[t] = x[w.idx[t]] == x[w.idx[t - 1]];
    rank_set(w.idx, w.same, o.defined, n, &r);
    pair_stat(&r, &o, n, out);
    st = ST_OK;
done:
    work_free(&w);
    ranks_free(&r);
    outcome_free(&o);
    return st;
}

struct sensitivity_sample {
    const struct model *m;
    struct inputs *in;
    size_t S;
    size_t *scenarios; /* [S]: model indices */
    uint64_t paths;    /* recorded: paths below this index */
    int *slot;         /* [in->n] */
    uint32_t *u;       /* [path * in->n + i]: a path's together, so that recording writes few cache lines;
                        * each uniform as its 32-bit fixed-point cell (u_cell), half a double's bytes */
    double *y;         /* [(s * SENSITIVITY_OUTPUTS + o) * paths + path] */
};

void sensitivity_sample_free(struct sensitivity_sample *x)
{
    if (!x)
        return;
    inputs_free(x->in);
    mem_free(x->scenarios);
    mem_free(x->slot);
    mem_free(x->u);
    mem_free(x->y);
    mem_free(x);
}

struct sensitivity_sample *sensitivity_sample_new(const struct model *m, const size_t *scenarios, size_t S,
                                                  uint64_t paths, const struct path *p)
{
    struct sensitivity_sample *x = mem_calloc(1, sizeof *x);
    if (!x)
        return NULL;
    x->m = m;
    x->S = S;
    x->in = inputs_new(m);
    x->scenarios = mem_calloc(S + 1, sizeof *x->scenarios);
    if (!x->in || !x->scenarios) {
        sensitivity_sample_free(x);
        return NULL;
    }
    memcpy(x->scenarios, scenarios, S * sizeof *scenarios);
    const size_t per_path = x->in->n * sizeof *x->u + S * SENSITIVITY_OUTPUTS * sizeof *x->y;
    uint64_t most = RECORD_BYTES / per_path;
    x->paths = paths < SENSITIVITY_PATHS ? paths : SENSITIVITY_PATHS;
    if (x->paths > most)
        x->paths = most ? most : 1;
    x->slot = mem_calloc(x->in->n + 1, sizeof *x->slot);
    x->u = mem_calloc(x->in->n * x->paths + 1, sizeof *x->u);
    x->y = mem_calloc(S * SENSITIVITY_OUTPUTS * x->paths + 1, sizeof *x->y);
    if (!x->slot || !x->u || !x->y) {
        sensitivity_sample_free(x);
        return NULL;
    }
    for (size_t i = 0; i < x->in->n; i++) {
        const struct input *in = &x->in->item[i];
        x->slot[i] = path_cell_slot(p, in->file, in->row, in->column);
    }
    return x;
}

uint64_t sensitivity_sample_paths(const struct sensitivity_sample *x)
{
    return x->paths;
}

size_t sensitivity_sample_span_bytes(const struct sensitivity_sample *x, size_t n)
{
    return n * (x->in->n * sizeof *x->u + x->S * SENSITIVITY_OUTPUTS * sizeof *x->y);
}

/* The span's outputs after its uniforms, output by output. */
void sensitivity_sample_get(const struct sensitivity_sample *x, uint64_t first, size_t n, void *buf)
{
    unsigned char *at = buf;
    memcpy(at, x->u + first * x->in->n, n * x->in->n * sizeof *x->u);
    at += n * x->in->n * sizeof *x->u;
    for (size_t k = 0; k < x->S * SENSITIVITY_OUTPUTS; k++, at += n * sizeof *x->y)
        memcpy(at, x->y + k * x->paths + first, n * sizeof *x->y);
}

void sensitivity_sample_put(struct sensitivity_sample *x, uint64_t first, size_t n, const void *buf)
{
    const unsigned char *at = buf;
    memcpy(x->u + first * x->in->n, at, n * x->in->n * sizeof *x->u);
    at += n * x->in->n * sizeof *x->u;
    for (size_t k = 0; k < x->S * SENSITIVITY_OUTPUTS; k++, at += n * sizeof *x->y)
        memcpy(x->y + k * x->paths + first, at, n * sizeof *x->y);
}

/* The cell of 2^32 equal cells of 0..1 that uniform U falls in: ranks by
 * cell are ranks by uniform but for two uniforms in one cell (about one
 * pair in 400 runs of 10,000 paths), which then tie. */
static uint32_t u_cell(double u)
{
    double c = u * 4294967296.0;
    return c <= 0 ? 0 : c >= 4294967295.0 ? UINT32_MAX : (uint32_t)c;
}

/* The uniform at the middle of cell C: within 2^-33 of any uniform in it,
 * never 0 or 1. */
static double cell_u(uint32_t c)
{
    return ((double)c + 0.5) / 4294967296.0;
}

void sensitivity_record_inputs(struct sensitivity_sample *x, uint64_t path, const double *u)
{
    if (path >= x->paths)
        return;
    uint32_t *at = x->u + path * x->in->n;
    for (size_t i = 0; i < x->in->n; i++)
        at[i] = x->slot[i] >= 0 ? u_cell(u[x->slot[i]]) : UINT32_C(1) << 31;
}

void sensitivity_record_outputs(struct sensitivity_sample *x, size_t s, uint64_t path, const double *summary)
{
    if (path >= x->paths)
        return;
    for (size_t o = 0; o < SENSITIVITY_OUTPUTS; o++)
        x->y[(s * SENSITIVITY_OUTPUTS + o) * x->paths + path] = summary[sensitivity_outputs[o]];
}

/* Whether input I is one of scenario S's: a cell of scenarios.csv belongs
 * to its row's scenario only. */
static int belongs(const struct sensitivity_sample *x, size_t i, size_t s)
{
    const struct input *in = &x->in->item[i];
    return in->file != MF_SCENARIOS || in->row == x->scenarios[s];
}

/* The sorted positions of input I's values and their ties: sorted by
 * uniform, tied where the uniforms are equal or where the draws are, and
 * those can only be at either end, where clamping holds them at a bound
 * (found by bisection, since a draw is non-decreasing in its uniform). */
static void sort_input(const struct sensitivity_sample *x, size_t i, size_t n, struct work *w)
{
    const size_t NI = x->in->n;
    const uint32_t *u = x->u + i;
#define U(j) cell_u(u[(size_t)(j) * NI])
    const struct dist *d = x->in->item[i].value;
    for (size_t j = 0; j < n; j++) {
        w->key[j] = u[j * NI];
        w->idx[j] = (uint32_t)j;
    }
    radix_sort(w->key, w->idx, n, w->key_tmp, w->idx_tmp);
    const double lowest = dist_draw(d, U(w->idx[0])), highest = dist_draw(d, U(w->idx[n - 1]));
    size_t lo = 0, hi = n - 1; /* the last position at the lowest draw */
    while (lo < hi) {
        size_t mid = lo + (hi - lo + 1) / 2;
        if (dist_draw(d, U(w->idx[mid])) == lowest)
            lo = mid;
        else
            hi = mid - 1;
    }
    const size_t low_end = lo;
    lo = 0;
    hi = n - 1; /* the first position at the highest draw */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (dist_draw(d, U(w->idx[mid])) == highest)
            hi = mid;
        else
            lo = mid + 1;
    }
    const size_t high_start = lo;
    w->same[0] = 0;
    for (size_t t = 1; t < n; t++)
        w->same[t] = w->key[t] == w->key[t - 1] || t <= low_end || t > high_start;
#undef U
}

/* Row order within a scenario and output: |spearman| down, undefined last,
 * then variance_share down, then input order. */
static int by_strength(const void *pa, const void *pb)
{
    const struct sensitivity_row *a = pa, *b = pb;
    const double ra = fabs(a->stat.spearman), rb = fabs(b->stat.spearman);
    if (isnan(ra) != isnan(rb))
        return isnan(ra) ? 1 : -1;
    if (!isnan(ra) && ra != rb)
        return ra > rb ? -1 : 1;
    const double va = a->stat.variance_share, vb = b->stat.variance_share;
    if (isnan(va) != isnan(vb))
        return isnan(va) ? 1 : -1;
    if (!isnan(va) && va != vb)
        return va > vb ? -1 : 1;
    return a->input < b->input ? -1 : a->input > b->input;
}

void sensitivity_free(struct sensitivity *s)
{
    if (!s)
        return;
    inputs_free(s->inputs);
    mem_free(s->row);
    mem_free(s);
}

const struct sensitivity_row *sensitivity_rows(const struct sensitivity *sv, size_t s, int output, size_t *n)
{
    size_t i = 0;
    while (i < sv->nrows && (sv->row[i].scenario != s || sv->row[i].output != output))
        i++;
    size_t j = i;
    while (j < sv->nrows && sv->row[j].scenario == s && sv->row[j].output == output)
        j++;
    *n = j - i;
    return j > i ? &sv->row[i] : NULL;
}

enum status sensitivity_compute(const struct sensitivity_sample *x, uint64_t done, struct sensitivity **out)
{
    *out = NULL;
    const size_t n = (size_t)(done < x->paths ? done : x->paths), S = x->S, NI = x->in->n;
    const size_t NO = SENSITIVITY_OUTPUTS;
    struct sensitivity *sv = mem_calloc(1, sizeof *sv);
    size_t *first = mem_calloc(S * NO + 1, sizeof *first), *fill = mem_calloc(S * NO + 1, sizeof *fill);
    struct outcome *y = mem_calloc(S * NO + 1, sizeof *y);
    struct work w = { 0 };
    struct ranks all = { 0 }, part = { 0 };
    enum status st = ST_NOMEM;
    int ok = sv && first && fill && y && !work_new(&w, n) && !ranks_new(&all, n) && !ranks_new(&part, n);
    for (size_t k = 0; ok && k < S * NO; k++)
        ok = !outcome_new(&y[k], n);
    if (!ok || !(sv->inputs = inputs_new(x->m)))
        goto done;
    /* each scenario's block of rows, output by output */
    for (size_t s = 0; s < S; s++) {
        size_t mine = 0;
        for (size_t i = 0; i < NI; i++)
            mine += (size_t)belongs(x, i, s);
        for (size_t o = 0; o < NO; o++) {
            first[s * NO + o] = sv->nrows;
            sv->nrows += mine;
        }
    }
    sv->row = mem_calloc(sv->nrows + 1, sizeof *sv->row);
    if (!sv->row)
        goto done;
    sv->paths = n;
    for (size_t k = 0; k < S * NO && n; k++)
        outcome_prepare(&w, x->y + k * x->paths, n, &y[k]);
    for (size_t i = 0; i < NI; i++) {
        int any = 0;
        for (size_t s = 0; s < S; s++)
            any |= belongs(x, i, s);
        if (!any)
            continue;
        if (n) {
            sort_input(x, i, n, &w);
            rank_set(w.idx, w.same, NULL, n, &all);
        }
        for (size_t s = 0; s < S; s++) {
            if (!belongs(x, i, s))
                continue;
            struct sensitivity_stat fused[SENSITIVITY_OUTPUTS];
            int whole = n > 0;
            for (size_t o = 0; o < NO; o++)
                whole &= y[s * NO + o].n == n;
            if (whole) /* every output defined on every path: one pass for all */
                pair_stats(&all, &y[s * NO], n, fused);
            for (size_t o = 0; o < NO; o++) {
                const size_t k = s * NO + o;
                struct sensitivity_row *row = &sv->row[first[k] + fill[k]++];
                row->scenario = s;
                row->input = i;
                row->output = sensitivity_outputs[o];
                row->stat = (struct sensitivity_stat){ NAN, NAN, NAN, NAN, NAN, 0 };
                if (whole)
                    row->stat = fused[o];
                if (!n || whole)
                    continue;
                const struct ranks *r = &all;
                if (y[k].n < n) { /* ranked over the paths where the output is defined */
                    rank_set(w.idx, w.same, y[k].defined, n, &part);
                    r = &part;
                }
                pair_stat(r, &y[k], n, &row->stat);
            }
        }
    }
    for (size_t k = 0; k < S * NO; k++) {
        struct sensitivity_row *block = sv->row + first[k];
        qsort(block, fill[k], sizeof *block, by_strength);
        for (size_t j = 0; j < fill[k]; j++)
            block[j].rank = isnan(block[j].stat.spearman) ? 0 : j + 1;
    }
    *out = sv;
    sv = NULL;
    st = ST_OK;
done:
    sensitivity_free(sv);
    mem_free(first);
    mem_free(fill);
    for (size_t k = 0; y && k < S * NO; k++)
        outcome_free(&y[k]);
    mem_free(y);
    work_free(&w);
    ranks_free(&all);
    ranks_free(&part);
    return st;
}
