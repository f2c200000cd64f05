/*
 * path.c - one path of the monthly model, or the plan (see path.h).
 *
 * Each uncertain cell draws one uniform from its own stream (RNG_PARAM, its
 * cell), so adding a line to a model leaves every other line's draws as they
 * were; scenario cells use the stream of their column, not their row, so all
 * scenarios share them draw for draw.  Arrivals and churn of month m have
 * their own streams too, shared by all scenarios.  What the months compute
 * is models/month.c's; this file draws, keeps a path's state, and runs the
 * months either plainly (path_simulate) or as the engine does, with each
 * month's customer-independent part worked out once per path.
 */
#include "sim/path.h"

#include <math.h>
#include <stdatomic.h>
#include <string.h>

#include "models/category.h"
#include "models/month.h"
#include "sim/correl.h"
#include "sim/design.h"
#include "sim/mem.h"
#include "sim/rng.h"
#include "sim/sampler.h"

const char *const monthly_metric_names[MM_COUNT] = {
    "customers", "new_customers", "churned_customers", "revenue", "cost", "cost_infra", "cost_staff",
    "cost_features", "cogs", "gross_margin", "cpc", "cpc_variable", "cash", "headcount",
};
const char *const summary_metric_names[SM_COUNT] = {
    "runway_months", "prob_cash_out", "default_alive", "breakeven_month", "customers_final", "revenue_final",
    "cost_final", "cash_final", "cpc_final", "cpc_variable_final", "cpc_horizon", "gross_margin_final",
    "min_cash", "funding_need", "headcount_final", "cost_total", "cpc_plan",
};
const int summary_metric_direction[SM_COUNT] = {
    +1, 0, 0, -1, +1, +1, -1, +1, -1, -1, -1, +1, +1, -1, -1, -1, 0,
};
const int compare_metrics[CMP_COUNT] = {
    SM_RUNWAY, SM_CASH_FINAL, SM_MIN_CASH, SM_CUSTOMERS_FINAL, SM_REVENUE_FINAL, SM_CPC_FINAL, SM_FUNDING_NEED,
    SM_DEFAULT_ALIVE,
};
const int compare_direction[CMP_COUNT] = { +1, +1, +1, +1, +1, -1, -1, +1 };
const int monthly_metric_whole[MM_COUNT] = { 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
const int summary_metric_whole[SM_COUNT] = { 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };

/* One per-path uniform: the stream it comes from (its Monte Carlo value). */
struct slot {
    enum rng_purpose purpose;
    uint32_t index;
    int second; /* the stream's second uniform (a deal's slip) */
};

struct path {
    /* what a month reads, together (a path runs in a lane beside others,
     * so its hot state should take few cache lines) */
    struct month_model mm;
    gsl_rng *rng;
    int H;
    enum path_mode mode;
    size_t P, L, Y;              /* Y: years, (H - 1) / 12 + 1 */
    double rate;                 /* this month's expected arrivals */
    struct month_tally tally;
    double *customers;           /* [P]: C(m, p) */
    unsigned long *arrivals;     /* [P]: this month's draws */
    unsigned long *churned;      /* [P] */
    struct month_history hist;   /* customers by month, and customer-months */
    rng_block *first_block;      /* [2 * (H + 1)]: of the streams of arrivals and churn, by month */
    double *deal_add;            /* [(H + 1) * P]: customers closing by month and plan */
    double *funding;             /* [H + 1]: cash arriving by month */
    double *price;               /* [P] */
    double *amount_y;            /* [Y * ninfra]: each infra line's amount, year by year */
    double *rate_y;              /* [Y * nroles]: each role's loaded monthly rate, year by year */
    struct feature_draw *feats;  /* [nfeatures] */
    struct month_fixed *fixed;   /* [H + 1]: each month's customer-independent part */
    double *unit_plan;           /* [(H + 1) * P]: features' run cost per customer of each plan, by month */
    double *out_lines;           /* [L * LF_COUNT] */
    double *base_lines;          /* [L * LF_COUNT]: month_fixed_totals of this path (engine) */
    struct binomial_p churn;     /* this scenario's churn, prepared */
    struct scenario_draw scn;
    struct contract_draw deal;   /* the model's contract's values, when it has one */

    const struct model *m;
    size_t shift;                /* of the struct from the start of its block (path_new) */
    int costs_ready;             /* amount_y, rate_y, fixed and unit_plan hold this path's */
    unsigned char *changed;      /* [H + 1]: month_changes */
    double *mix;                 /* [P] normalised */
    struct infra_draw *infra;    /* [ninfra] */
    struct role_draw *roles;     /* [nroles] */
    /* path_simulate's month values and ledger */
    double *month_amount, *month_rate, *month_unit; /* [ninfra], [nroles], [P] */
    double *ledger_revenue, *ledger_cost;           /* [P], [L] */
    double *out_month;           /* [H * MM_COUNT] */
    double out_summary[SM_COUNT];
    size_t *index;               /* month_index's lists */

    const struct design *design; /* NULL: plain Monte Carlo */
    struct correl_block *correl; /* NULL: no correlations */
    /* the per-path uniforms, in the order of their dimensions (the most
     * telling first, for the quasi-random design); per cell, its slot or -1 */
    struct slot *slots;
    size_t nslots;
    double *u;                   /* [nslots], this path's */
    rng_block *slot_block;       /* [nslots]: the first block of each slot's stream */
    int *at_price, *at_infra, *at_role, *at_feat, *at_amount, *at_happen, *at_deal;
    int at_scen[SCEN_NVALUES];
    int at_contract[CONTRACT_NVALUES];
    /* cost_lines.csv's (path_sum_lines), last: the run's own fields are
     * where they were before it */
    double *line_customers;      /* [(P + 1) * (H + 1)]: path_line_costs' customers of the month; path_end's scratch */
    double *line_sums, *line_record; /* path_sum_lines' sums and record; NULL: none */
    size_t line_stride;
    size_t *varying, nvarying;   /* [L]: the lines that depend on customers (month_line_fixed false) */
};

/* path_line_info of the contract's own line L. */
static void contract_line_info(const struct contract *c, const struct model *m, size_t l, const char **kind,
                               const char **name, int *category, int *exists)
{
    size_t f;
    *exists = 1;
    switch (contract_line(c, l, &f)) {
    case CONTRACT_LINE_BUILD:
        *kind = "contract_build";
        *name = m->features[f].name;
        *category = CAT_RND;
        *exists = features_has_build(&m->features[f]);
        return;
    case CONTRACT_LINE_RUN:
        *kind = "contract_run";
        *name = m->features[f].name;
        *category = CAT_COGS;
        *exists = features_has_run(&m->features[f]);
        return;
    case CONTRACT_LINE_EFFORT:
        *kind = "contract_effort";
        *name = "custom effort";
        *category = c->effort_role >= 0 ? m->roles[c->effort_role].category : CAT_COGS;
        *exists = c->effort_role >= 0;
        return;
    case CONTRACT_LINE_SUPPORT:
        *kind = "contract_support";
        *name = "support";
        *category = c->support_role >= 0 ? m->roles[c->support_role].category : CAT_COGS;
        *exists = c->support_role >= 0;
        return;
    case CONTRACT_LINE_ONBOARDING:
        *kind = "contract_onboarding";
        *name = "onboarding";
        *category = CAT_COGS;
        *exists = dist_is_uncertain(&c->onboarding) || dist_mean(&c->onboarding) != 0;
        return;
    }
}

size_t path_nlines(const struct model *m)
{
    return m->ninfra + m->nroles + 2 * m->nfeatures + (m->contract ? contract_nlines(m->contract) : 0);
}

void path_line_info(const struct model *m, size_t l, const char **kind, const char **name, int *category,
                    int *exists)
{
    const struct month_model mm = { .ninfra = m->ninfra, .nroles = m->nroles, .nfeatures = m->nfeatures,
                                    .contract = m->contract };
    size_t i;
    switch (month_line(&mm, l, &i)) {
    case LINE_INFRA:
        *kind = "infra";
        *name = m->infra[i].item;
        *category = m->infra[i].category;
        *exists = 1;
        return;
    case LINE_STAFF:
        *kind = "staff";
        *name = m->roles[i].name;
        *category = m->roles[i].category;
        *exists = 1;
        return;
    case LINE_FEATURE_BUILD:
        *kind = "feature_build";
        *name = m->features[i].name;
        *category = CAT_RND;
        *exists = features_has_build(&m->features[i]);
        return;
    case LINE_FEATURE_RUN:
        *kind = "feature_run";
        *name = m->features[i].name;
        *category = CAT_COGS;
        *exists = features_has_run(&m->features[i]);
        return;
    case LINE_CONTRACT:
        contract_line_info(m->contract, m, i, kind, name, category, exists);
        return;
    }
}

/* The uniforms a path may need: per round (happening, amount), per deal
 * (happening, slip), the scenarios' columns, and every value cell. */
static size_t most_slots(const struct model *m)
{
    return m->nrounds * 2 + SCEN_NVALUES + m->ndeals * 2 + m->nplans + m->ninfra * INFRA_NVALUES +
           m->nroles * ROLE_NVALUES + m->nfeatures * FEAT_NVALUES + CONTRACT_NVALUES;
}

/* Lays a workspace's arrays out in one block: with a NULL base it only
 * counts the bytes.  Every array starts a cache line. */
struct layout {
    char *base;
    size_t used;
    int overflow;
};

#define CACHE_LINE 64
#define COLOURS 16

static void *take(struct layout *l, size_t n, size_t size)
{
    const size_t line = CACHE_LINE;
    size_t at = (l->used + line - 1) / line * line;
    if ((size && n > (SIZE_MAX - at) / size) || at < l->used) {
        l->overflow = 1;
        return NULL;
    }
    l->used = at + n * size;
    return l->base ? l->base + at : NULL;
}

#define TAKE(l, ptr, n) ((ptr) = take((l), (n), sizeof *(ptr)))

/* The arrays of P, a workspace for M, taken from L (after the struct). */
static void lay_out(struct layout *l, const struct model *m, struct path *p)
{
    const size_t H1 = (size_t)m->cal.months + 1, P = m->nplans, L = path_nlines(m), S = most_slots(m);
    const size_t Y = (size_t)(m->cal.months - 1) / 12 + 1, I = m->ninfra, R = m->nroles, F = m->nfeatures;
    p->rng = l->base ? rng_place(take(l, 1, rng_bytes())) : take(l, 1, rng_bytes());
    TAKE(l, p->customers, P);
    TAKE(l, p->arrivals, P);
    TAKE(l, p->churned, P);
    TAKE(l, p->hist.total, H1);
    TAKE(l, p->hist.total_sum, H1);
    TAKE(l, p->hist.plan_sum, H1 * P);
    TAKE(l, p->first_block, 2 * H1);
    TAKE(l, p->deal_add, H1 * P);
    TAKE(l, p->funding, H1);
    TAKE(l, p->price, P);
    TAKE(l, p->amount_y, Y * I);
    TAKE(l, p->rate_y, Y * R);
    TAKE(l, p->feats, F);
    TAKE(l, p->fixed, H1);
    TAKE(l, p->unit_plan, H1 * P);
    TAKE(l, p->out_lines, L * LF_COUNT);
    TAKE(l, p->changed, H1);
    TAKE(l, p->base_lines, L * LF_COUNT);
    TAKE(l, p->mix, P);
    TAKE(l, p->infra, I);
    TAKE(l, p->roles, R);
    TAKE(l, p->month_amount, I);
    TAKE(l, p->month_rate, R);
    TAKE(l, p->month_unit, P);
    TAKE(l, p->ledger_revenue, P);
    TAKE(l, p->ledger_cost, L);
    TAKE(l, p->out_month, (H1 - 1) * MM_COUNT);
    TAKE(l, p->index, I + R + F);
    TAKE(l, p->slots, S);
    TAKE(l, p->u, S);
    TAKE(l, p->slot_block, S);
    TAKE(l, p->at_price, P);
    TAKE(l, p->at_infra, I * INFRA_NVALUES);
    TAKE(l, p->at_role, R * ROLE_NVALUES);
    TAKE(l, p->at_feat, F * FEAT_NVALUES);
    TAKE(l, p->at_amount, m->nrounds);
    TAKE(l, p->at_happen, m->nrounds);
    TAKE(l, p->at_deal, 2 * m->ndeals);
    /* cost_lines.csv's, last: the run's own are where they were before it */
    TAKE(l, p->line_customers, (P + 1) * H1);
    TAKE(l, p->varying, L);
}

size_t path_bytes(const struct model *m)
{
    struct layout l = { NULL, 0, 0 };
    struct path counting;
    take(&l, 1, sizeof counting);
    lay_out(&l, m, &counting);
    return l.overflow ? SIZE_MAX : l.used;
}

/* Gives each uncertain cell (and each deal's and round's happening) a slot,
 * the most telling first: whether funding arrives, the scenarios' growth and
 * deal odds, deals, funding amounts, prices, then costs. */
static void assign_slots(struct path *p)
{
    const struct model *m = p->m;
    size_t n = 0;
#define SLOT(where, uncertain, purpose_, index_, second_)                                                          \
    do {                                                                                                           \
        if (uncertain) {                                                                                           \
            p->slots[n] = (struct slot){ (purpose_), (uint32_t)(index_), (second_) };                            \
            (where) = (int)n++;                                                                                    \
        } else {                                                                                                   \
            (where) = -1;                                                                                          \
        }                                                                                                          \
    } while (0)
    for (size_t i = 0; i < m->nrounds; i++)
        SLOT(p->at_happen[i], 1, RNG_FUNDING, i, 0);
    for (unsigned k = 0; k < SCEN_NVALUES; k++) {
        int any = 0;
        for (size_t s = 0; s < m->nscenarios; s++) {
            const struct scenario *sc = &m->scenarios[s];
            const struct dist *cells[SCEN_NVALUES] = { &sc->new_customers, &sc->growth, &sc->churn,
                                                       &sc->deal_slip, &sc->deal_loss, &sc->deal_delay };
            any |= dist_is_uncertain(cells[k]);
        }
        SLOT(p->at_scen[k], any, RNG_PARAM, rng_cell(MF_SCENARIOS, 0, k), 0);
    }
    for (size_t i = 0; i < m->ndeals; i++) {
        SLOT(p->at_deal[2 * i], 1, RNG_DEAL, i, 0);
        SLOT(p->at_deal[2 * i + 1], 1, RNG_DEAL, i, 1);
    }
    for (size_t i = 0; i < m->nrounds; i++)
        SLOT(p->at_amount[i], dist_is_uncertain(&m->rounds[i].amount), RNG_PARAM, rng_cell(MF_FUNDING, i, 0), 0);
    for (size_t i = 0; i < m->nplans; i++)
        SLOT(p->at_price[i], dist_is_uncertain(&m->plans[i].price), RNG_PARAM, rng_cell(MF_PLANS, i, 0), 0);
    for (size_t i = 0; i < m->ninfra; i++) {
        const struct dist *cells[INFRA_NVALUES] = { &m->infra[i].cost, &m->infra[i].escalation };
        for (unsigned k = 0; k < INFRA_NVALUES; k++)
            SLOT(p->at_infra[i * INFRA_NVALUES + k], dist_is_uncertain(cells[k]), RNG_PARAM, rng_cell(MF_INFRA, i, k),
                 0);
    }
    for (size_t i = 0; i < m->nroles; i++) {
        const struct role *r = &m->roles[i];
        const struct dist *cells[ROLE_NVALUES] = { &r->salary_per_year, &r->overhead, &r->raise };
        for (unsigned k = 0; k < ROLE_NVALUES; k++)
            SLOT(p->at_role[i * ROLE_NVALUES + k], dist_is_uncertain(cells[k]), RNG_PARAM, rng_cell(MF_STAFF, i, k),
                 0);
    }
    for (size_t i = 0; i < m->nfeatures; i++) {
        const struct feature *f = &m->features[i];
        const struct dist *cells[FEAT_NVALUES] = { &f->effort, &f->run_cost, &f->run_cost_per_customer };
        for (unsigned k = 0; k < FEAT_NVALUES; k++)
            SLOT(p->at_feat[i * FEAT_NVALUES + k], dist_is_uncertain(cells[k]), RNG_PARAM,
                 rng_cell(MF_FEATURES, i, k), 0);
    }
    /* a contract's cells last, with streams of their own: what it adds moves
     * no other cell's draws or dimension */
    const struct contract *c = m->contract;
    for (unsigned k = 0; k < CONTRACT_NVALUES; k++) {
        const struct dist *cells[CONTRACT_NVALUES] = { c ? &c->custom_effort : NULL, c ? &c->support_hours : NULL,
                                                       c ? &c->onboarding : NULL };
        SLOT(p->at_contract[k], c && dist_is_uncertain(cells[k]), RNG_CONTRACT, k, 0);
    }
#undef SLOT
    p->nslots = n;
}

int path_cell_slot(const struct path *p, enum model_file file, size_t row, unsigned column)
{
    switch (file) {
    case MF_PLANS: return p->at_price[row];
    case MF_SCENARIOS: return p->at_scen[column];
    case MF_INFRA: return p->at_infra[row * INFRA_NVALUES + column];
    case MF_STAFF: return p->at_role[row * ROLE_NVALUES + column];
    case MF_FEATURES: return p->at_feat[row * FEAT_NVALUES + column];
    case MF_FUNDING: return p->at_amount[row];
    default: return -1;
    }
}

const double *path_uniforms(const struct path *p)
{
    return p->u;
}

size_t path_dimensions(const struct path *p)
{
    return p->nslots;
}

void path_set_design(struct path *p, const struct design *d)
{
    p->design = d;
}

void path_set_correl(struct path *p, struct correl_block *b)
{
    p->correl = b;
}

double path_slot_uniform(struct path *p, uint64_t seed, uint64_t path, size_t k)
{
    const struct slot *sl = &p->slots[k];
    rng_block first = rng_stream_counter(path, sl->purpose, sl->index);
    rng_first_blocks(seed, &first, 1, &first);
    double v = rng_stream_uniform(p->rng, seed, path, sl->purpose, sl->index, &first, (unsigned)sl->second);
    return p->design ? design_uniform(p->design, path, k, v) : v;
}

void path_set_variant(struct path *p, const struct month_variant *v)
{
    const struct contract *c = v && v->with_contract ? p->m->contract : NULL;
    const unsigned char *off = v ? v->feature_off : NULL;
    if (c == p->mm.contract && off == p->mm.feature_off)
        return;
    p->mm.contract = c;
    p->mm.feature_off = off;
    month_changes(&p->mm, p->changed);
    p->costs_ready = 0;
}

struct path *path_new(const struct model *m)
{
    /* Workspaces start at different offsets within a page, a cache line
     * apart (cache colouring): the engine's lanes read the same fields of
     * eight workspaces every month, and blocks laid out alike would put
     * those fields into the same few sets of the first-level cache. */
    static atomic_uint colour;
    const size_t shift = CACHE_LINE * (atomic_fetch_add_explicit(&colour, 1, memory_order_relaxed) % COLOURS);
    const size_t bytes = path_bytes(m);
    struct layout l = { NULL, shift, 0 };
    if (bytes == SIZE_MAX || bytes > SIZE_MAX - shift || !(l.base = mem_calloc(1, bytes + shift)))
        return NULL;
    struct path *p = take(&l, 1, sizeof *p);
    p->shift = shift;
    lay_out(&l, m, p);
    p->m = m;
    p->H = m->cal.months;
    p->P = m->nplans;
    p->L = path_nlines(m);
    p->Y = (size_t)(p->H - 1) / 12 + 1;
    p->mm = (struct month_model){ .horizon = m->cal.months, .cash = m->cash, .min_cash = m->min_cash,
                                  .plans = m->plans, .nplans = m->nplans, .infra = m->infra,
                                  .ninfra = m->ninfra, .roles = m->roles, .nroles = m->nroles,
                                  .features = m->features, .nfeatures = m->nfeatures,
                                  .cpc_plan = m->cpc_plan };
    month_index(&p->mm, p->index);
    month_changes(&p->mm, p->changed);
    for (size_t k = 0; k < m->ninfra + m->nroles + 2 * m->nfeatures; k++) /* a contract's lines are not summed */
        if (!month_line_fixed(&p->mm, k))
            p->varying[p->nvarying++] = k;
    for (size_t i = 0; i < p->P; i++)
        p->mix[i] = m->plans[i].mix;
    assign_slots(p);
    return p;
}

void path_free(struct path *p)
{
    mem_free(p ? (char *)p - p->shift : NULL); /* the workspace is one block, the struct SHIFT bytes in */
}

/* The uniform of slot AT (0.5, unused, for a certain value). */
static double slot_u(const struct path *p, int at)
{
    return at < 0 ? 0.5 : p->u[at];
}

void path_draw_shared(struct path *p, uint64_t seed, uint64_t path)
{
    const struct model *m = p->m;
    p->costs_ready = 0;
    /* each slot's uniform is the first of its stream (the second for a
     * deal's slip): the streams' first blocks are made together, four at a
     * time, and a stream is run as a generator only when its block has too
     * few nonzero words */
    for (size_t k = 0; k < p->nslots; k++)
        p->slot_block[k] = rng_stream_counter(path, p->slots[k].purpose, p->slots[k].index);
    rng_first_blocks(seed, p->slot_block, p->nslots, p->slot_block);
    for (size_t k = 0; k < p->nslots; k++) {
        const struct slot *sl = &p->slots[k];
        double v = rng_stream_uniform(p->rng, seed, path, sl->purpose, sl->index, &p->slot_block[k],
                                      (unsigned)sl->second);
        p->u[k] = p->design ? design_uniform(p->design, path, k, v) : v;
    }
    if (p->correl)
        correl_apply(p->correl, p, seed, path, p->u);
    for (size_t i = 0; i < p->P; i++)
        p->price[i] = dist_draw(&m->plans[i].price, slot_u(p, p->at_price[i]));
    double u[4];
    for (size_t i = 0; i < m->ninfra; i++) {
        for (size_t k = 0; k < INFRA_NVALUES; k++)
            u[k] = slot_u(p, p->at_infra[i * INFRA_NVALUES + k]);
        infra_draw(&m->infra[i], u, &p->infra[i]);
    }
    for (size_t i = 0; i < m->nroles; i++) {
        for (size_t k = 0; k < ROLE_NVALUES; k++)
            u[k] = slot_u(p, p->at_role[i * ROLE_NVALUES + k]);
        staff_draw(&m->roles[i], u, &p->roles[i]);
    }
    for (size_t i = 0; i < m->nfeatures; i++) {
        for (size_t k = 0; k < FEAT_NVALUES; k++)
            u[k] = slot_u(p, p->at_feat[i * FEAT_NVALUES + k]);
        features_draw(&m->features[i], u, &p->feats[i]);
    }
    if (m->contract) {
        for (size_t k = 0; k < CONTRACT_NVALUES; k++)
            u[k] = slot_u(p, p->at_contract[k]);
        contract_draw(m->contract, u, &p->deal);
    }
    for (int mo = 1; mo <= p->H; mo++) {
        p->first_block[2 * (size_t)mo] = rng_stream_counter(path, RNG_ARRIVALS, (uint32_t)mo);
        p->first_block[2 * (size_t)mo + 1] = rng_stream_counter(path, RNG_CHURN, (uint32_t)mo);
    }
    rng_first_blocks(seed, p->first_block + 2, 2 * (size_t)p->H, p->first_block + 2);
    memset(p->funding, 0, ((size_t)p->H + 1) * sizeof *p->funding);
    for (size_t i = 0; i < m->nrounds; i++) {
        const struct round *r = &m->rounds[i];
        if (slot_u(p, p->at_happen[i]) < r->probability && r->month >= 1 && r->month <= p->H)
            p->funding[r->month] += dist_draw(&r->amount, slot_u(p, p->at_amount[i]));
    }
}

void path_eval_shared(struct path *p)
{
    const struct model *m = p->m;
    p->costs_ready = 0;
    for (size_t i = 0; i < p->P; i++)
        p->price[i] = dist_mean(&m->plans[i].price);
    for (size_t i = 0; i < m->ninfra; i++)
        infra_eval(&m->infra[i], &p->infra[i]);
    for (size_t i = 0; i < m->nroles; i++)
        staff_eval(&m->roles[i], &p->roles[i]);
    for (size_t i = 0; i < m->nfeatures; i++)
        features_eval(&m->features[i], &p->feats[i]);
    if (m->contract)
        contract_eval(m->contract, &p->deal);
    memset(p->funding, 0, ((size_t)p->H + 1) * sizeof *p->funding);
    for (size_t i = 0; i < m->nrounds; i++) {
        const struct round *r = &m->rounds[i];
        if (r->month >= 1 && r->month <= p->H)
            p->funding[r->month] += dist_mean(&r->amount) * r->probability;
    }
}

void path_draw_scenario(struct path *p, size_t s)
{
    const struct model *m = p->m;
    const struct scenario *sc = &m->scenarios[s];
    double u[SCEN_NVALUES]; /* a constant cell ignores its uniform */
    for (size_t k = 0; k < SCEN_NVALUES; k++)
        u[k] = slot_u(p, p->at_scen[k]);
    scenario_draw(sc, u, &p->scn);
    memset(p->deal_add, 0, ((size_t)p->H + 1) * p->P * sizeof *p->deal_add);
    for (size_t i = 0; i < m->ndeals; i++) {
        const struct deal *dl = &m->deals[i];
        int month = deals_close_month(dl, &p->scn, slot_u(p, p->at_deal[2 * i]), slot_u(p, p->at_deal[2 * i + 1]),
                                      p->H);
        if (month >= 1)
            p->deal_add[(size_t)month * p->P + (size_t)dl->plan] += dl->customers;
    }
}

void path_eval_scenario(struct path *p, size_t s)
{
    const struct model *m = p->m;
    scenario_eval(&m->scenarios[s], &p->scn);
    memset(p->deal_add, 0, ((size_t)p->H + 1) * p->P * sizeof *p->deal_add);
    for (size_t i = 0; i < m->ndeals; i++)
        deals_expect(&m->deals[i], &p->scn, p->H, p->deal_add + m->deals[i].plan, p->P);
}

/* The state before month 1, for either way through the months. */
static void start(struct path *p, enum path_mode mode)
{
    const struct model *m = p->m;
    double total = 0;
    for (size_t i = 0; i < p->P; i++) {
        p->customers[i] = m->plans[i].customers;
        total += p->customers[i];
    }
    p->hist.total[0] = total;
    p->hist.total_sum[0] = 0;
    memset(p->hist.plan_sum, 0, p->P * sizeof *p->hist.plan_sum);
    p->mode = mode;
    p->rate = p->scn.new_customers;
    sampler_binomial_prepare(p->scn.churn, &p->churn);
    month_tally_begin(&p->mm, &p->tally);
    memset(p->out_lines, 0, p->L * LF_COUNT * sizeof *p->out_lines);
}

/* Arrivals and churn of month MO of N paths side by side, drawn into each
 * lane's arrivals and churned counts: arrivals plan by plan, then churn
 * plan by plan, each draw made for all lanes at once, each lane taking its
 * own streams' words in the same order whatever the number of lanes.  A
 * Poisson count split over plans by the multinomial of the mix is, in
 * distribution, exactly a Poisson count for each plan of mean rate x mix,
 * independent of the others (Poisson thinning), which takes one search of
 * smaller mean per plan where the split took a Poisson and P - 1 binomial
 * draws. */
static void draw_flows(struct path *const *lane, size_t n, uint64_t seed, uint64_t first, int mo)
{
    /* Not zeroed: the first loop sets R of all PATH_LANES lanes and MU of
     * those past N (the arrivals set the others), or the compiler (inlining
     * at link time) cannot always see that the samplers read only lanes it
     * set. */
    gsl_rng *r[PATH_LANES];
    double mu[PATH_LANES];
    unsigned long count[PATH_LANES], k[PATH_LANES];
    const struct binomial_p *bp[PATH_LANES];
    const size_t P = lane[0]->P;
    for (size_t j = 0; j < PATH_LANES; j++) {
        if (j >= n) {
            r[j] = NULL;
            mu[j] = 0;
            continue;
        }
        struct path *p = lane[j];
        if (mo > 1)
            p->rate *= 1 + p->scn.growth;
        rng_select_from(p->rng, seed, first + j, RNG_ARRIVALS, (uint32_t)mo, &p->first_block[2 * (size_t)mo]);
        r[j] = p->rng;
    }
    for (size_t i = 0; i < P; i++) {
        const double share = lane[0]->mix[i];
        for (size_t j = 0; j < n; j++)
            mu[j] = lane[j]->rate * share;
        sampler_poisson_lanes(r, mu, n, count);
        for (size_t j = 0; j < n; j++)
            lane[j]->arrivals[i] = count[j];
    }
    for (size_t j = 0; j < n; j++) {
        struct path *p = lane[j];
        rng_select_from(p->rng, seed, first + j, RNG_CHURN, (uint32_t)mo, &p->first_block[2 * (size_t)mo + 1]);
        bp[j] = &p->churn;
    }
    /* counts convert through signed integers, one instruction each way
     * (unsigned ones take a test and two paths): customers stay far below
     * 2^63, as counts in the model are at most 1e9 and a month's arrivals
     * have a mean of at most SAMPLER_MAX_MEAN */
    for (size_t i = 0; i < P; i++) {
        for (size_t j = 0; j < n; j++)
            count[j] = (unsigned long)(long)lane[j]->customers[i];
        sampler_binomial_lanes(r, bp, count, n, k);
        for (size_t j = 0; j < n; j++)
            lane[j]->churned[i] = k[j];
    }
}

/* Month MO's customers from its drawn flows (steps 1 to 4); the month's
 * arrivals (with deals) and churn through IN and GONE. */
static void apply_drawn_flows(struct path *p, int mo, double *in, double *gone)
{
    const double *deals = p->deal_add + (size_t)mo * p->P;
    double a_in = 0, a_gone = 0;
    for (size_t i = 0; i < p->P; i++) {
        double d = (double)(long)p->churned[i], a = (double)(long)p->arrivals[i];
        p->customers[i] = month_flow(p->customers[i], d, a, deals[i]);
        a_in += a + deals[i];
        a_gone += d;
    }
    *in = a_in;
    *gone = a_gone;
}

/* The same, with the flows at their expectations (the plan). */
static void apply_expected_flows(struct path *p, int mo, double *in, double *gone)
{
    const double *deals = p->deal_add + (size_t)mo * p->P;
    double a_in = 0, a_gone = 0;
    if (mo > 1)
        p->rate *= 1 + p->scn.growth;
    for (size_t i = 0; i < p->P; i++) {
        double a, d;
        month_expect(&p->m->plans[i], p->customers[i], p->rate, p->scn.churn, &a, &d);
        p->customers[i] = month_flow(p->customers[i], d, a, deals[i]);
        a_in += a + deals[i];
        a_gone += d;
    }
    *in = a_in;
    *gone = a_gone;
}

/* The path's values year by year, from its draws, as the model writes
 * them (infra_amount and staff_rate of each year's first month). */
static void values_by_year(struct path *p)
{
    const size_t I = p->mm.ninfra, R = p->mm.nroles;
    for (size_t y = 0; y < p->Y; y++) {
        for (size_t i = 0; i < I; i++)
            p->amount_y[y * I + i] = infra_amount(&p->infra[i], 12 * (int)y + 1);
        for (size_t i = 0; i < R; i++)
            p->rate_y[y * R + i] = staff_rate(&p->roles[i], 12 * (int)y + 1);
    }
}

static struct month_years years_of(const struct path *p)
{
    return (struct month_years){ p->amount_y, p->rate_y, p->feats, &p->deal };
}

void path_simulate(struct path *p, enum path_mode mode, uint64_t seed, uint64_t path,
                   const struct path_ledger *ledger)
{
    const struct month_model *mm = &p->mm;
    start(p, mode);
    for (int mo = 1; mo <= p->H; mo++) {
        /* the month's values, worked out from the path's draws */
        for (size_t i = 0; i < mm->ninfra; i++)
            p->month_amount[i] = infra_amount(&p->infra[i], mo);
        for (size_t i = 0; i < mm->nroles; i++)
            p->month_rate[i] = staff_rate(&p->roles[i], mo);
        const struct month_values v = { p->price, p->month_amount, p->month_rate, p->feats, &p->deal };
        struct month_fixed fx;
        month_fixed(mm, &v, mo, &fx, p->month_unit);
        double in, gone;
        if (mode == PATH_PLAN) {
            apply_expected_flows(p, mo, &in, &gone);
        } else {
            struct path *one = p;
            draw_flows(&one, 1, seed, path, mo);
            apply_drawn_flows(p, mo, &in, &gone);
        }
        double *fig = p->out_month + (size_t)(mo - 1) * MM_COUNT;
        month_close(mm, &v, mo, &fx, p->month_unit, p->customers, &p->hist, in, gone, p->funding[mo], &p->tally,
                    fig, 1, p->out_lines);
        if (ledger) {
            month_ledger(mm, &v, mo, p->customers, p->hist.total, p->ledger_cost, p->ledger_revenue);
            ledger->month(ledger->ctx, mo, fig, p->ledger_revenue, p->ledger_cost);
        }
    }
    p->costs_ready = 0; /* the year-by-year values are about to be the plain ones */
    values_by_year(p);
    const struct month_years years = years_of(p);
    month_summary(mm, &years, &p->hist, p->customers, &p->tally, 0, p->out_lines, p->out_summary);
}

/* Month MO's values on this path, from its year-by-year amounts. */
static struct month_values values_of(const struct path *p, int mo)
{
    const size_t y = (size_t)calendar_year(mo);
    return (struct month_values){ p->price, p->amount_y + y * p->mm.ninfra, p->rate_y + y * p->mm.nroles,
                                  p->feats, &p->deal };
}

/* The customer-independent part of every month, once per path for all its
 * scenarios: the amounts year by year (each year's is the year before's
 * times the yearly factor, as infra_amount and staff_rate multiply them),
 * then month_fixed for each month where something changes (month_changes),
 * the month before's sums for the others. */
static void prepare_costs(struct path *p)
{
    const size_t I = p->mm.ninfra, R = p->mm.nroles, P = p->P;
    for (size_t i = 0; i < I; i++) {
        double a = p->infra[i].cost;
        for (size_t y = 0; y < p->Y; y++, a *= p->infra[i].growth)
            p->amount_y[y * I + i] = a;
    }
    for (size_t i = 0; i < R; i++) {
        double a = p->roles[i].rate_per_month;
        for (size_t y = 0; y < p->Y; y++, a *= p->roles[i].growth)
            p->rate_y[y * R + i] = a;
    }
    for (int mo = 1; mo <= p->H; mo++) {
        double *unit = p->unit_plan + (size_t)mo * P;
        if (p->changed[mo]) {
            const struct month_values v = values_of(p, mo);
            month_fixed(&p->mm, &v, mo, &p->fixed[mo], unit);
        } else {
            p->fixed[mo] = p->fixed[mo - 1];
            memcpy(unit, unit - P, P * sizeof *unit);
        }
    }
    memset(p->base_lines, 0, p->L * LF_COUNT * sizeof *p->base_lines);
    const struct month_years years = years_of(p);
    month_fixed_totals(&p->mm, &years, p->base_lines);
    p->costs_ready = 1;
}

void path_begin(struct path *p, enum path_mode mode)
{
    if (mode != PATH_DRAWS_ONLY && !p->costs_ready)
        prepare_costs(p);
    start(p, mode);
    if (mode != PATH_DRAWS_ONLY) /* the customer-independent lines' totals, this path's */
        memcpy(p->out_lines, p->base_lines, p->L * LF_COUNT * sizeof *p->out_lines);
}

void path_month_lanes(struct path *const *lane, size_t n, uint64_t seed, uint64_t first, int mo, double *out,
                      size_t stride)
{
    /* every lane's customers first, then every lane's close: a close reads
     * the customers as a vector, which waits when it follows their stores
     * at once */
    double in[PATH_LANES], gone[PATH_LANES];
    draw_flows(lane, n, seed, first, mo);
    for (size_t j = 0; j < n; j++)
        apply_drawn_flows(lane[j], mo, &in[j], &gone[j]);
    if (lane[0]->mode == PATH_DRAWS_ONLY)
        return;
    for (size_t j = 0; j < n; j++) {
        struct path *p = lane[j];
        const struct month_values v = values_of(p, mo);
        if (!p->line_sums) { /* a run without cost_lines.csv */
            month_close(&p->mm, &v, mo, &p->fixed[mo], p->unit_plan + (size_t)mo * p->P, p->customers, &p->hist,
                        in[j], gone[j], p->funding[mo], &p->tally, out + j, stride, p->out_lines);
            continue;
        }
        /* a sampled path's lines go to its record, added to the sums at its end */
        month_close_lines(&p->mm, &v, mo, &p->fixed[mo], p->unit_plan + (size_t)mo * p->P, p->customers,
                          &p->hist, in[j], gone[j], p->funding[mo], &p->tally, out + j, stride, p->out_lines,
                          (p->line_record ? p->line_record : p->line_sums) + (mo - 1), p->line_stride);
    }
}

void path_end(struct path *p)
{
    if (p->mode == PATH_DRAWS_ONLY)
        return;
    const struct month_years years = years_of(p);
    month_summary(&p->mm, &years, &p->hist, p->customers, &p->tally, 1, p->out_lines, p->out_summary);
    if (!p->line_sums)
        return;
    month_customer_lines(&p->mm, &years, &p->hist, p->line_record ? p->line_record : p->line_sums, p->line_stride,
                         p->line_customers);
    for (size_t k = 0; p->line_record && k < p->nvarying; k++) {
        double *sum = p->line_sums + p->varying[k] * p->line_stride;
        const double *at = p->line_record + p->varying[k] * p->line_stride;
        for (int mo = 0; mo < p->H; mo++)
            sum[mo] += at[mo];
    }
}

/* Month MO's customers of each plan into line_customers, from their
 * running sums (whole numbers on a path, so the difference is exact); a
 * contract's are counted in its plan's there, and month_line_cost adds
 * them itself. */
static void line_customers_of(struct path *p, int mo)
{
    const size_t P = p->P;
    const double *now = p->hist.plan_sum + (size_t)mo * P, *before = now - P;
    const struct contract *c = p->mm.contract;
    for (size_t k = 0; k < P; k++)
        p->line_customers[k] = now[k] - before[k];
    if (c && contract_customers(c, mo) > 0)
        p->line_customers[c->plan] -= contract_customers(c, mo);
}

void path_line_costs(struct path *p, int mo, double *line_cost)
{
    line_customers_of(p, mo);
    const struct month_values v = values_of(p, mo);
    month_ledger(&p->mm, &v, mo, p->line_customers, p->hist.total, line_cost, p->ledger_revenue);
}

void path_line_costs_of(struct path *p, int mo, const size_t *lines, size_t n, double *line_cost)
{
    line_customers_of(p, mo);
    const struct month_values v = values_of(p, mo);
    for (size_t k = 0; k < n; k++)
        line_cost[k] = month_line_cost(&p->mm, &v, mo, lines[k], p->line_customers, p->hist.total[mo],
                                       p->hist.total);
}

void path_sum_lines(struct path *p, double *sums, double *record, size_t stride)
{
    p->line_sums = sums;
    p->line_record = record;
    p->line_stride = stride;
    for (size_t k = 0; record && k < p->nvarying; k++)
        memset(record + p->varying[k] * stride, 0, (size_t)p->H * sizeof *record);
}

int path_line_varies(const struct path *p, size_t l)
{
    for (size_t k = 0; k < p->nvarying; k++)
        if (p->varying[k] == l)
            return 1;
    return 0;
}

void path_line_changes(const struct path *p, size_t l, unsigned char *changed)
{
    month_line_changes(&p->mm, l, changed);
}

int path_line_fixed(const struct path *p, size_t l)
{
    return month_line_fixed(&p->mm, l);
}

const unsigned char *path_changes(const struct path *p)
{
    return p->changed;
}

const double *path_monthly(const struct path *p) { return p->out_month; }
const double *path_summary(const struct path *p) { return p->out_summary; }
const double *path_lines(const struct path *p) { return p->out_lines; }
