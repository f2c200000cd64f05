/*
 * correl.c - correlations.csv and the Iman-Conover reordering (see correl.h).
 *
 * Matrices are K x K, row major, over the K inputs correlations.csv names
 * with a correlation other than 0, in the order they first appear.  A
 * block's work: the K inputs' uniforms of its CORREL_BLOCK paths, sorted;
 * a matrix S of normal scores (column k a keyed shuffle of
 * Phi^-1(i / (B + 1)), i = 1..B); T = S Q^-T P^T, where Q Q^T is the
 * sample correlation of S's columns and P P^T the target, so T's columns
 * have exactly the target's (Pearson) correlation; path i then takes, for
 * input k, the uniform whose rank in the block is the rank of T[i][k].
 */
#include "sim/correl.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_eigen.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sort.h>

#include "sim/inputs.h"
#include "sim/mem.h"
#include "sim/path.h"
#include "sim/rng.h"
#include "sim/schema.h"

/* ---- correlations.csv ---- */

static int check_rank_correlation(double v, const char *text, char *why, size_t whylen)
{
    if (v >= -1 && v <= 1)
        return 0;
    snprintf(why, whylen, "a rank correlation is a number from -1 to 1 (such as 0.5 or -0.3), got '%s'", text);
    return -1;
}

static const struct column correl_cols[] = {
    { "input_a", COL_TEXT, COL_REQUIRED, offsetof(struct correlation, input_a), RANGE_ANY, 0, NULL, NULL, NULL },
    { "input_b", COL_TEXT, COL_REQUIRED, offsetof(struct correlation, input_b), RANGE_ANY, 0, NULL, NULL, NULL },
    { "rank_correlation", COL_NUMBER, COL_REQUIRED, offsetof(struct correlation, rank_correlation), RANGE_ANY, 0,
      NULL, check_rank_correlation, NULL },
};
#define NCORREL_COLS (sizeof correl_cols / sizeof correl_cols[0])

size_t correl_load(const struct table *t, const struct calendar *cal, struct diag *d, struct correlation **rows,
                   size_t *n)
{
    void *got;
    size_t errors = schema_load(t, correl_cols, NCORREL_COLS, cal, d, &got, sizeof(struct correlation));
    *rows = got;
    *n = got ? t->nrows : 0;
    return errors;
}

void correl_free_rows(struct correlation *rows, size_t n)
{
    schema_free(correl_cols, NCORREL_COLS, rows, n, sizeof(struct correlation));
}

/* ---- matrices ---- */

/* A symmetric eigen-decomposition's workspace and matrices, allocated
 * through mem.h (as design.c makes its Sobol generator) so that the
 * allocation-failure walk reaches them. */
struct eigen {
    size_t n;
    double *mem;
    gsl_eigen_symmv_workspace w;
    gsl_matrix_view a, v;
    gsl_vector_view val;
};

static int eigen_init(struct eigen *e, size_t n)
{
    e->n = n;
    e->mem = mem_calloc(2 * n * n + 5 * n + 1, sizeof *e->mem);
    if (!e->mem)
        return -1;
    e->a = gsl_matrix_view_array(e->mem, n, n);
    e->v = gsl_matrix_view_array(e->mem + n * n, n, n);
    e->val = gsl_vector_view_array(e->mem + 2 * n * n, n);
    e->w = (gsl_eigen_symmv_workspace){ n, e->mem + 2 * n * n + n, e->mem + 2 * n * n + 2 * n,
                                        e->mem + 2 * n * n + 3 * n, e->mem + 2 * n * n + 4 * n };
    return 0;
}

/* Decomposes the symmetric matrix M (copied): eigenvalues in e->val,
 * eigenvectors in e->v's columns. */
static void eigen_of(struct eigen *e, const double *m)
{
    memcpy(e->mem, m, e->n * e->n * sizeof *m);
    gsl_eigen_symmv(&e->a.matrix, &e->val.vector, &e->v.matrix, &e->w);
}

/* OUT = V max(L, FLOOR) V^T of the decomposition E (OUT may be the matrix
 * decomposed). */
static void eigen_clip(const struct eigen *e, double floor, double *out)
{
    size_t n = e->n;
    const double *v = e->v.matrix.data, *val = e->val.vector.data;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j <= i; j++) {
            double s = 0;
            for (size_t k = 0; k < n; k++)
                s += v[i * n + k] * (val[k] > floor ? val[k] : floor) * v[j * n + k];
            out[i * n + j] = out[j * n + i] = s;
        }
}

int correl_nearest(const double *a, size_t n, double *out)
{
    struct eigen e;
    double *ds = mem_calloc(2 * n * n + 1, sizeof *ds), *r = ds ? ds + n * n : NULL;
    if (!ds || eigen_init(&e, n)) {
        mem_free(ds);
        return -1;
    }
    memcpy(out, a, n * n * sizeof *a);
    /* Higham's alternating projections with Dykstra's correction: onto the
     * positive semi-definite matrices, then onto those of unit diagonal */
    for (int it = 0; it < 1000; it++) {
        for (size_t k = 0; k < n * n; k++)
            r[k] = out[k] - ds[k];
        eigen_of(&e, r);
        eigen_clip(&e, 0, e.mem);
        double change = 0, size = 0;
        for (size_t k = 0; k < n * n; k++) {
            ds[k] = e.mem[k] - r[k];
            double next = k % (n + 1) == 0 ? 1 : e.mem[k];
            change += (next - out[k]) * (next - out[k]);
            size += next * next;
            out[k] = next;
        }
        if (change <= 1e-24 * size)
            break;
    }
    mem_free(e.mem);
    mem_free(ds);
    return 0;
}

/* ---- checking correlations.csv against the model ---- */

/* The place of column NAME of T (1-based; 0 when absent). */
static long column_of(const struct table *t, const char *name)
{
    return (long)schema_find(t, name) + 1;
}

/* Resolves one side of a pair: the input's index in IN, or -1 with an
 * error placed at LINE, COL. */
static long resolve_side(const struct inputs *in, const struct model *m, const struct table *t, long line, long col,
                         const char *column, const char *name, struct diag *d)
{
    char why[1024];
    long i = inputs_resolve(in, m, name, why, sizeof why);
    if (i < 0) {
        diag_error(d, t->name, line, col, "%s: %s", column, why);
        return -1;
    }
    if (in->item[i].file == MF_SCENARIOS) {
        diag_error(d, t->name, line, col, "%s: '%s' is a scenario's value: scenarios share their random numbers "
                   "(so that they differ only in their assumptions), so a scenario's values cannot be "
                   "correlated; correlate the inputs of plans.csv, infra.csv, staff.csv, features.csv or "
                   "funding.csv", column, name);
        return -1;
    }
    return i;
}

/* Adds input I of IN to the list VARS (N of them, at most CORREL_MAX_INPUTS)
 * unless there: its place, or -1 when the list is full. */
static long var_of(long *vars, size_t *n, long i)
{
    for (size_t k = 0; k < *n; k++)
        if (vars[k] == i)
            return (long)k;
    if (*n == CORREL_MAX_INPUTS)
        return -1;
    vars[*n] = i;
    return (long)(*n)++;
}

/* Names the pairs of M's correlations in conflict in matrix C of the K
 * inputs VARS (indices in IN; row R's pair at AT[R], its place i * K + j,
 * or -1), with the nearest valid matrix's values, those of the pairs not
 * given that it moves included. */
static size_t report_conflicts(const struct model *m, const struct table *t, const struct inputs *in,
                               const long *vars, const double *c, size_t k, const long *at, struct diag *d)
{
    double *near = mem_calloc(k * k + 1, sizeof *near);
    if (!near || correl_nearest(c, k, near)) {
        mem_free(near);
        diag_nomem(d);
        return 0;
    }
    double most = 0;
    for (size_t r = 0; r < m->ncorrelations; r++)
        if (at[r] >= 0 && fabs(near[at[r]] - c[at[r]]) > most)
            most = fabs(near[at[r]] - c[at[r]]);
    /* the pairs not given: 0, and where the nearest matrix moves them, what
     * it has instead (each named once, beside the first conflict that
     * shares an input with it) */
    unsigned char *given = mem_calloc(k * k + 1, 1);
    if (!given) {
        mem_free(near);
        diag_nomem(d);
        return 0;
    }
    size_t pairs = 0;
    for (size_t r = 0; r < m->ncorrelations; r++)
        if (at[r] >= 0) {
            pairs++;
            given[at[r]] = given[(size_t)at[r] % k * k + (size_t)at[r] / k] = 1;
        }
    const int missing = pairs < k * (k - 1) / 2;
    /* the pairs the nearest matrix moves most are the ones in conflict */
    const long col = column_of(t, "rank_correlation");
    size_t errors = 0;
    for (size_t r = 0; r < m->ncorrelations; r++) {
        if (at[r] < 0 || fabs(near[at[r]] - c[at[r]]) < 0.25 * most)
            continue;
        char lines[256];
        size_t used = 0, others = 0;
        lines[0] = '\0';
        for (size_t o = 0; o < m->ncorrelations; o++)
            if (o != r && at[o] >= 0 && fabs(near[at[o]] - c[at[o]]) >= 0.25 * most && used < sizeof lines - 32) {
                used += (size_t)snprintf(lines + used, sizeof lines - used, "%s%ld", used ? ", " : "",
                                         m->correlations[o].line);
                others++;
            }
        /* the pairs not given that share an input with this one */
        char also[1024];
        size_t used_also = 0;
        also[0] = '\0';
        const size_t ri = (size_t)at[r] / k, rj = (size_t)at[r] % k;
        for (size_t i = 0; i < k; i++)
            for (size_t j = i + 1; j < k; j++) {
                if (given[i * k + j] || (i != ri && i != rj && j != ri && j != rj) ||
                    fabs(near[i * k + j]) < 0.0005 || used_also > sizeof also - 300)
                    continue;
                given[i * k + j] = given[j * k + i] = 1; /* named once */
                used_also += (size_t)snprintf(also + used_also, sizeof also - used_also,
                                              "%s %.3f for %s and %s (not given)", used_also ? "," : "; and",
                                              near[i * k + j], in->item[vars[i]].name, in->item[vars[j]].name);
            }
        const struct correlation *p = &m->correlations[r];
        diag_error(d, t->name, p->line, col, "rank_correlation: %g between %s and %s cannot hold together with "
                   "line%s %s%s (the matrix of correlations is not positive semi-definite): the nearest valid "
                   "matrix has %.3f here%s", p->rank_correlation, p->input_a, p->input_b, others == 1 ? "" : "s",
                   lines, missing ? " and the pairs not given, which count as 0" : "", near[at[r]], also);
        errors++;
    }
    mem_free(given);
    mem_free(near);
    return errors;
}

size_t correl_check(struct model *m, const struct table *t, struct diag *d)
{
    if (!m->ncorrelations)
        return 0;
    if (m->ncorrelations > CORREL_MAX_PAIRS) {
        diag_error(d, t->name, table_line(t, CORREL_MAX_PAIRS, 0), 1, "%zu pairs; cpcsim correlates at most %d "
                   "inputs, %d pairs (this row is the first beyond)", m->ncorrelations, CORREL_MAX_INPUTS,
                   CORREL_MAX_PAIRS);
        return 1;
    }
    const size_t before = diag_errors(d);
    struct inputs *in = inputs_new(m);
    long *vars = mem_calloc(CORREL_MAX_INPUTS, sizeof *vars);
    long *side = mem_calloc(2 * m->ncorrelations, sizeof *side);
    long *at = mem_calloc(m->ncorrelations, sizeof *at);
    if (!in || !vars || !side || !at) {
        diag_nomem(d);
        goto done;
    }
    /* the matrix is checked only when every pair is whole and known */
    size_t errors = before, k = 0;
    const long col_a = column_of(t, "input_a"), col_b = column_of(t, "input_b");
    for (size_t r = 0; r < m->ncorrelations; r++) {
        struct correlation *p = &m->correlations[r];
        at[r] = -1;
        long a = p->input_a ? resolve_side(in, m, t, p->line, col_a, "input_a", p->input_a, d) : -1;
        long b = p->input_b ? resolve_side(in, m, t, p->line, col_b, "input_b", p->input_b, d) : -1;
        errors += (a < 0) + (b < 0); /* an empty name is reported already */
        if (a >= 0 && a == b) {
            diag_error(d, t->name, p->line, col_b, "input_b: '%s' is correlated with itself (an input's "
                       "correlation with itself is 1): name two different inputs", p->input_b);
            errors++;
        }
        if (a < 0 || b < 0 || a == b)
            continue;
        p->a = (struct correl_cell){ in->item[a].file, in->item[a].row, in->item[a].column };
        p->b = (struct correl_cell){ in->item[b].file, in->item[b].row, in->item[b].column };
        long va = var_of(vars, &k, a), vb = var_of(vars, &k, b);
        if (va < 0 || vb < 0) {
            diag_error(d, t->name, p->line, col_a, "more than %d inputs correlated: cpcsim correlates at most %d "
                       "inputs together (this pair is the first beyond)", CORREL_MAX_INPUTS, CORREL_MAX_INPUTS);
            errors++;
            break;
        }
        side[2 * r] = va;
        side[2 * r + 1] = vb;
    }
    if (errors || !k || diag_status(d) != ST_OK)
        goto done;
    double *c = mem_calloc(k * k, sizeof *c);
    long *given = mem_calloc(k * k, sizeof *given); /* the row (+1) that gave each pair */
    struct eigen e = { 0 };
    if (!c || !given || eigen_init(&e, k)) {
        diag_nomem(d);
        mem_free(c);
        mem_free(given);
        goto done;
    }
    for (size_t i = 0; i < k; i++)
        c[i * k + i] = 1;
    for (size_t r = 0; r < m->ncorrelations; r++) {
        const struct correlation *p = &m->correlations[r];
        size_t i = (size_t)side[2 * r], j = (size_t)side[2 * r + 1];
        at[r] = (long)(i * k + j);
        if (given[i * k + j]) {
            const struct correlation *first = &m->correlations[given[i * k + j] - 1];
            if (first->rank_correlation != p->rank_correlation) {
                diag_error(d, t->name, p->line, column_of(t, "rank_correlation"), "rank_correlation: the pair %s "
                           "and %s is given twice, at %g on line %ld and at %g here: keep one", p->input_a,
                           p->input_b, first->rank_correlation, first->line, p->rank_correlation);
                errors++;
            }
            at[r] = -1; /* the first is the pair's row */
            continue;
        }
        given[i * k + j] = given[j * k + i] = (long)r + 1;
        c[i * k + j] = c[j * k + i] = p->rank_correlation;
    }
    if (!errors) {
        eigen_of(&e, c);
        double least = gsl_vector_min(&e.val.vector);
        if (least < -1e-9 * (double)k)
            errors += report_conflicts(m, t, in, vars, c, k, at, d);
    }
    mem_free(e.mem);
    mem_free(c);
    mem_free(given);
done:
    inputs_free(in);
    mem_free(vars);
    mem_free(side);
    mem_free(at);
    return diag_errors(d) - before;
}

/* ---- the paths' reordering ---- */

struct correl {
    size_t k;          /* inputs */
    int *slot;         /* [k]: each input's per-path uniform (path.h) */
    double *factor;    /* [k * k]: P, P P^T the target */
    double *scores;    /* [CORREL_BLOCK]: Phi^-1(i / (B + 1)), ascending */
    double score_ss;   /* their sum of squares */
};

size_t correl_inputs(const struct correl *c)
{
    return c->k;
}

enum status correl_new(const struct model *m, const struct path *p, struct correl **out)
{
    *out = NULL;
    size_t nonzero = 0;
    for (size_t r = 0; r < m->ncorrelations; r++)
        nonzero += m->correlations[r].rank_correlation != 0;
    if (!nonzero)
        return ST_OK;
    struct correl *c = mem_calloc(1, sizeof *c);
    int *slots = mem_calloc(2 * nonzero, sizeof *slots);
    if (!c || !slots)
        goto nomem;
    /* the inputs of the pairs other than 0, in order of appearance */
    for (size_t r = 0; r < m->ncorrelations; r++) {
        const struct correlation *q = &m->correlations[r];
        if (q->rank_correlation == 0)
            continue;
        const struct correl_cell *side[2] = { &q->a, &q->b };
        for (int s = 0; s < 2; s++) {
            int slot = path_cell_slot(p, side[s]->file, side[s]->row, side[s]->column);
            size_t i = 0;
            while (i < c->k && slots[i] != slot)
                i++;
            if (i == c->k)
                slots[c->k++] = slot;
        }
    }
    c->slot = slots;
    slots = NULL;
    const size_t k = c->k;
    double *target = mem_calloc(k * k, sizeof *target);
    c->factor = mem_calloc(k * k, sizeof *c->factor);
    c->scores = mem_calloc(CORREL_BLOCK, sizeof *c->scores);
    struct eigen e = { 0 };
    if (!target || !c->factor || !c->scores || eigen_init(&e, k)) {
        mem_free(target);
        mem_free(e.mem);
        goto nomem;
    }
    for (size_t i = 0; i < k; i++)
        target[i * k + i] = 1;
    for (size_t r = 0; r < m->ncorrelations; r++) {
        const struct correlation *q = &m->correlations[r];
        size_t i = 0, j = 0;
        int sa = path_cell_slot(p, q->a.file, q->a.row, q->a.column);
        int sb = path_cell_slot(p, q->b.file, q->b.row, q->b.column);
        while (i < k && c->slot[i] != sa)
            i++;
        while (j < k && c->slot[j] != sb)
            j++;
        if (i < k && j < k) /* a pair of 0 between inputs of other pairs counts too */
            target[i * k + j] = target[j * k + i] = q->rank_correlation;
    }
    /* P = V sqrt(L): a factor of any positive semi-definite target, a
     * singular one (a correlation of 1) included */
    eigen_of(&e, target);
    const double *v = e.v.matrix.data, *val = e.val.vector.data;
    for (size_t i = 0; i < k; i++)
        for (size_t j = 0; j < k; j++)
            c->factor[i * k + j] = v[i * k + j] * sqrt(val[j] > 0 ? val[j] : 0);
    mem_free(e.mem);
    mem_free(target);
    for (size_t i = 0; i < CORREL_BLOCK; i++) {
        c->scores[i] = gsl_cdf_ugaussian_Pinv((double)(i + 1) / (CORREL_BLOCK + 1));
        c->score_ss += c->scores[i] * c->scores[i];
    }
    *out = c;
    return ST_OK;
nomem:
    mem_free(slots);
    correl_free(c);
    return ST_NOMEM;
}

void correl_free(struct correl *c)
{
    if (!c)
        return;
    mem_free(c->slot);
    mem_free(c->factor);
    mem_free(c->scores);
    mem_free(c);
}

struct correl_block {
    const struct correl *c;
    uint64_t seed, block; /* the block held; block UINT64_MAX: none */
    gsl_rng *rng;
    double *x;       /* [k * B]: each input's uniforms of the block, sorted */
    double *s;       /* [B * k]: the scores, row by row */
    double *t;       /* [k * B]: T, column by column */
    double *value;   /* [B * k]: each path's uniform of each input */
    double *q;       /* [k * k] */
    double *y;       /* [k] */
    size_t *order;   /* [B] */
};

struct correl_block *correl_block_new(const struct correl *c)
{
    struct correl_block *b = mem_calloc(1, sizeof *b);
    if (!b)
        return NULL;
    const size_t k = c->k, n = k * CORREL_BLOCK;
    b->c = c;
    b->block = UINT64_MAX;
    b->rng = rng_new();
    b->x = mem_calloc(n, sizeof *b->x);
    b->s = mem_calloc(n, sizeof *b->s);
    b->t = mem_calloc(n, sizeof *b->t);
    b->value = mem_calloc(n, sizeof *b->value);
    b->q = mem_calloc(k * k, sizeof *b->q);
    b->y = mem_calloc(k, sizeof *b->y);
    b->order = mem_calloc(CORREL_BLOCK, sizeof *b->order);
    if (!b->rng || !b->x || !b->s || !b->t || !b->value || !b->q || !b->y || !b->order) {
        correl_block_free(b);
        return NULL;
    }
    return b;
}

void correl_block_free(struct correl_block *b)
{
    if (!b)
        return;
    rng_free(b->rng);
    mem_free(b->x);
    mem_free(b->s);
    mem_free(b->t);
    mem_free(b->value);
    mem_free(b->q);
    mem_free(b->y);
    mem_free(b->order);
    mem_free(b);
}

/* Works out block BLOCK of seed SEED into B (see the top of this file). */
static void fill_block(struct correl_block *b, struct path *p, uint64_t seed, uint64_t block)
{
    const struct correl *c = b->c;
    const size_t k = c->k, B = CORREL_BLOCK;
    const uint64_t first = block * B;
    for (size_t j = 0; j < k; j++) {
        double *x = b->x + j * B;
        for (size_t i = 0; i < B; i++)
            x[i] = path_slot_uniform(p, seed, first + i, (size_t)c->slot[j]);
        gsl_sort(x, 1, B);
        /* column j of S: the scores in an order of the block's own */
        memcpy(b->t, c->scores, B * sizeof *b->t);
        rng_select(b->rng, seed, block, RNG_CORREL, (uint32_t)j);
        gsl_ran_shuffle(b->rng, b->t, B, sizeof *b->t);
        for (size_t i = 0; i < B; i++)
            b->s[i * k + j] = b->t[i];
    }
    /* Q Q^T = the correlation of S's columns (their means are 0, each
     * column's sum of squares score_ss) */
    for (size_t i = 0; i < k; i++)
        for (size_t j = 0; j <= i; j++) {
            double sum = 0;
            for (size_t r = 0; r < B; r++)
                sum += b->s[r * k + i] * b->s[r * k + j];
            b->q[i * k + j] = b->q[j * k + i] = sum / c->score_ss;
        }
    gsl_matrix_view q = gsl_matrix_view_array(b->q, k, k);
    int decorrelate = gsl_linalg_cholesky_decomp1(&q.matrix) == GSL_SUCCESS;
    for (size_t r = 0; r < B; r++) {
        /* y = Q^-1 s (forward substitution), then T's row r = P y */
        const double *s = b->s + r * k;
        for (size_t i = 0; i < k; i++) {
            double v = s[i];
            if (decorrelate) {
                for (size_t j = 0; j < i; j++)
                    v -= b->q[i * k + j] * b->y[j];
                v /= b->q[i * k + i];
            }
            b->y[i] = v;
        }
        for (size_t i = 0; i < k; i++) {
            double v = 0;
            for (size_t j = 0; j < k; j++)
                v += c->factor[i * k + j] * b->y[j];
            b->t[i * B + r] = v;
        }
    }
    /* path r takes, for input j, the uniform of the rank of T[r][j] */
    for (size_t j = 0; j < k; j++) {
        gsl_sort_index(b->order, b->t + j * B, 1, B);
        for (size_t rank = 0; rank < B; rank++)
            b->value[b->order[rank] * k + j] = b->x[j * B + rank];
    }
    b->seed = seed;
    b->block = block;
}

void correl_apply(struct correl_block *b, struct path *p, uint64_t seed, uint64_t path, double *u)
{
    const uint64_t block = path / CORREL_BLOCK;
    if (b->block != block || b->seed != seed)
        fill_block(b, p, seed, block);
    const double *v = b->value + (size_t)(path % CORREL_BLOCK) * b->c->k;
    for (size_t j = 0; j < b->c->k; j++)
        u[b->c->slot[j]] = v[j];
}
