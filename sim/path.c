/*
 * path.c - the monthly model on one path, and the plan (see path.h).
 *
 * Each uncertain cell draws one uniform from its own stream (RNG_PARAM, its
 * cell), so adding a line to a model leaves every other line's draws as they
 * were; scenario cells use the stream of their column, not their row, so all
 * scenarios share them draw for draw.  Arrivals and churn of month m have
 * their own streams too, shared by all scenarios.
 */
#include "path.h"

#include <math.h>
#include <string.h>

#include "category.h"
#include "mem.h"
#include "rng.h"
#include "sampler.h"
#include "design.h"
#include "simd.h"

#if SIMD_X86
#include <immintrin.h> /* movemask, in month_lanes.inc */
#endif

const char *const monthly_metric_names[MM_COUNT] = {
    "customers", "new_customers", "churned_customers", "revenue", "cost", "cost_infra", "cost_staff",
    "cost_features", "cogs", "gross_margin", "cpc", "cpc_variable", "cash", "headcount",
};
const char *const summary_metric_names[SM_COUNT] = {
    "runway_months", "prob_cash_out", "default_alive", "breakeven_month", "customers_final", "revenue_final",
    "cost_final", "cash_final", "cpc_final", "cpc_variable_final", "cpc_horizon", "gross_margin_final",
    "min_cash", "funding_need", "headcount_final",
};
const int summary_metric_direction[SM_COUNT] = {
    +1, 0, 0, -1, +1, +1, -1, +1, -1, -1, -1, +1, +1, -1, -1,
};
const int monthly_metric_whole[MM_COUNT] = { 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
const int summary_metric_whole[SM_COUNT] = { 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };

/* The customer-independent sums by month, and the per-customer rate of
 * infra lines driven by all customers. */
enum {
    FX_INFRA, FX_INFRA_COGS, FX_STAFF, FX_STAFF_COGS, FX_HEADS, FX_BUILD, FX_RUN,
    FX_UNIT, FX_UNIT_COGS, FX_COUNT
};

/* One per-path uniform: the stream it comes from (its Monte Carlo value). */
struct slot {
    enum rng_purpose purpose;
    uint32_t index;
    int second; /* the stream's second uniform (a deal's slip) */
};

struct path {
    /* what the month loop reads every month, together (a path runs in a
     * lane beside others, so its hot state should take few cache lines) */
    const struct model *m;
    gsl_rng *rng;
    int H;
    enum path_mode mode;
    size_t P, L, Y;              /* Y: years, (H - 1) / 12 + 1 */
    double rate, cash, min_cash, sum_cost, customer_months; /* the months' running state */
    int runway, breakeven;
    double *customers;           /* [P] */
    double *price;               /* [P] */
    unsigned long *arrivals;     /* [P] */
    size_t *year;                /* [H + 1]: calendar_year of each month */
    rng_block *first_block;      /* [2 * (H + 1)]: of the streams of arrivals and churn, by month */
    double *deal_add;            /* [(H + 1) * P] customers closing by month and plan */
    double *funding;             /* [H + 1] cash arriving by month */
    double *total_by_month;      /* [H + 1] C(m), for staffing lags */
    double *plan_sum;            /* [(H + 1) * P]: C_p(1) + ... + C_p(m) */
    double *total_sum;           /* [H + 1]: C(1) + ... + C(m) */
    /* the path's costs that do not depend on customers, by month (set up
     * once per path for all its scenarios; see prepare_costs) */
    double *fx;                  /* [(H + 1) * FX_COUNT]: month by month */
    double *unit_plan;           /* [(H + 1) * P]: features' run cost per customer of each plan, by month */
    double *fx_year, *unit_year; /* [Y * FX_COUNT], [Y * P]: the whole years' parts of fx and unit_plan */
    double *amount_y;            /* [Y * ninfra]: each infra line's cost, year by year */
    double *rate_y;              /* [Y * nroles]: each role's loaded monthly rate, year by year */
    /* the lines priced month by month, with customers: */
    size_t *steps, nsteps;       /* infra step lines */
    size_t *staffed, nstaffed;   /* roles that grow with customers */
    double *group;               /* [2 * (nsteps + nstaffed) * PATH_LANES]: see group_amount */
    double *out_lines;           /* [L * LF_COUNT] */
    struct scenario_draw scn;
    double last[MM_COUNT];       /* month H's figures */

    const struct design *design; /* NULL: plain Monte Carlo */
    /* the per-path uniforms, in the order of their dimensions (the most
     * telling first, for the quasi-random design); per cell, its slot or -1 */
    struct slot *slots;
    size_t nslots;
    double *u;                   /* [nslots], this path's */
    rng_block *slot_block;       /* [nslots]: the first block of each slot's stream */
    int *at_price, *at_infra, *at_role, *at_feat, *at_amount, *at_happen, *at_deal;
    int at_scen[SCEN_NVALUES];
    double *mix;                 /* [P] normalised */
    struct infra_draw *infra;    /* [ninfra] */
    struct role_draw *roles;     /* [nroles] */
    struct feature_draw *feats;  /* [nfeatures] */
    int costs_ready;
    double *base_lines;          /* [L * LF_COUNT]: totals and final months of the lines priced here */
    size_t *per_customer, nper_customer; /* infra per-customer lines (their totals, after the months) */
    double *out_month;           /* [H * MM_COUNT] */
    double out_summary[SM_COUNT];
    struct binomial_p churn;     /* this scenario's churn, prepared */
};

size_t path_nlines(const struct model *m)
{
    return m->ninfra + m->nroles + 2 * m->nfeatures;
}

void path_line_info(const struct model *m, size_t l, const char **kind, const char **name, int *category,
                    int *exists)
{
    if (l < m->ninfra) {
        *kind = "infra";
        *name = m->infra[l].item;
        *category = m->infra[l].category;
        *exists = 1;
        return;
    }
    l -= m->ninfra;
    if (l < m->nroles) {
        *kind = "staff";
        *name = m->roles[l].name;
        *category = m->roles[l].category;
        *exists = 1;
        return;
    }
    l -= m->nroles;
    if (l < m->nfeatures) {
        *kind = "feature_build";
        *name = m->features[l].name;
        *category = CAT_RND;
        *exists = features_has_build(&m->features[l]);
        return;
    }
    l -= m->nfeatures;
    *kind = "feature_run";
    *name = m->features[l].name;
    *category = CAT_COGS;
    *exists = features_has_run(&m->features[l]);
}

size_t path_bytes(const struct model *m)
{
    const size_t H1 = (size_t)m->cal.months + 1, P = m->nplans, L = path_nlines(m);
    const size_t Y = (size_t)(m->cal.months - 1) / 12 + 1, rows = m->ninfra + m->nroles + m->nfeatures;
    size_t doubles = H1 * (4 + MM_COUNT + FX_COUNT + 3 * P) + 2 * L * LF_COUNT +
                     (m->ninfra + m->nroles + FX_COUNT + P) * Y +
                     2 * (m->ninfra + m->nroles) * PATH_LANES; /* and at most this for a group's lines */
    /* and per row of the model: its draws, its uniforms with their slots
     * and streams' first blocks, about 96 bytes */
    return sizeof(struct path) + doubles * sizeof(double) + 2 * H1 * sizeof(rng_block) + 96 * rows;
}

/* Gives each uncertain cell (and each deal's and round's happening) a slot,
 * the most telling first: whether funding arrives, the scenarios' growth and
 * deal odds, deals, funding amounts, prices, then costs. */
static int assign_slots(struct path *p)
{
    const struct model *m = p->m;
    size_t most = m->nrounds * 2 + SCEN_NVALUES + m->ndeals * 2 + m->nplans + m->ninfra * INFRA_NVALUES +
                  m->nroles * ROLE_NVALUES + m->nfeatures * FEAT_NVALUES;
    p->slots = mem_calloc(most, sizeof *p->slots);
    p->u = mem_calloc(most, sizeof *p->u);
    p->slot_block = mem_calloc(most, sizeof *p->slot_block);
    p->at_price = mem_calloc(m->nplans, sizeof(int));
    p->at_infra = mem_calloc(m->ninfra * INFRA_NVALUES, sizeof(int));
    p->at_role = mem_calloc(m->nroles * ROLE_NVALUES, sizeof(int));
    p->at_feat = mem_calloc(m->nfeatures * FEAT_NVALUES, sizeof(int));
    p->at_amount = mem_calloc(m->nrounds, sizeof(int));
    p->at_happen = mem_calloc(m->nrounds, sizeof(int));
    p->at_deal = mem_calloc(m->ndeals * 2, sizeof(int));
    if (!p->slots || !p->u || !p->slot_block || !p->at_price || !p->at_infra || !p->at_role || !p->at_feat || !p->at_amount ||
        !p->at_happen || !p->at_deal)
        return -1;
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
                                                       &sc->deal_slip, &sc->deal_loss };
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
            SLOT(p->at_infra[i * INFRA_NVALUES + k], dist_is_uncertain(cells[k]), RNG_PARAM, rng_cell(MF_INFRA, i, k), 0);
    }
    for (size_t i = 0; i < m->nroles; i++) {
        const struct role *r = &m->roles[i];
        const struct dist *cells[ROLE_NVALUES] = { &r->salary_per_year, &r->overhead, &r->raise };
        for (unsigned k = 0; k < ROLE_NVALUES; k++)
            SLOT(p->at_role[i * ROLE_NVALUES + k], dist_is_uncertain(cells[k]), RNG_PARAM, rng_cell(MF_STAFF, i, k), 0);
    }
    for (size_t i = 0; i < m->nfeatures; i++) {
        const struct feature *f = &m->features[i];
        const struct dist *cells[FEAT_NVALUES] = { &f->effort, &f->run_cost, &f->run_cost_per_customer };
        for (unsigned k = 0; k < FEAT_NVALUES; k++)
            SLOT(p->at_feat[i * FEAT_NVALUES + k], dist_is_uncertain(cells[k]), RNG_PARAM,
                 rng_cell(MF_FEATURES, i, k), 0);
    }
#undef SLOT
    p->nslots = n;
    return 0;
}

size_t path_dimensions(const struct path *p)
{
    return p->nslots;
}

void path_set_design(struct path *p, const struct design *d)
{
    p->design = d;
}

struct path *path_new(const struct model *m)
{
    struct path *p = mem_calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->m = m;
    p->H = m->cal.months;
    p->P = m->nplans;
    p->L = path_nlines(m);
    size_t H1 = (size_t)p->H + 1;
    p->rng = rng_new();
    p->mix = mem_calloc(p->P, sizeof *p->mix);
    p->price = mem_calloc(p->P, sizeof *p->price);
    p->infra = mem_calloc(m->ninfra, sizeof *p->infra);
    p->roles = mem_calloc(m->nroles, sizeof *p->roles);
    p->feats = mem_calloc(m->nfeatures, sizeof *p->feats);
    p->funding = mem_calloc(H1, sizeof *p->funding);
    p->deal_add = mem_calloc(H1 * p->P, sizeof *p->deal_add);
    p->customers = mem_calloc(p->P, sizeof *p->customers);
    p->total_by_month = mem_calloc(H1, sizeof *p->total_by_month);
    p->arrivals = mem_calloc(p->P, sizeof *p->arrivals);
    p->out_month = mem_calloc((size_t)p->H * MM_COUNT, sizeof *p->out_month);
    p->out_lines = mem_calloc(p->L * LF_COUNT, sizeof *p->out_lines);
    p->Y = (size_t)(p->H - 1) / 12 + 1;
    p->plan_sum = mem_calloc(H1 * p->P, sizeof *p->plan_sum);
    p->total_sum = mem_calloc(H1, sizeof *p->total_sum);
    p->year = mem_calloc(H1, sizeof *p->year);
    p->first_block = mem_calloc(2 * H1, sizeof *p->first_block);
    p->fx = mem_calloc(FX_COUNT * H1, sizeof *p->fx);
    p->unit_plan = mem_calloc(p->P * H1, sizeof *p->unit_plan);
    p->fx_year = mem_calloc(FX_COUNT * p->Y, sizeof *p->fx_year);
    p->unit_year = mem_calloc(p->P * p->Y, sizeof *p->unit_year);
    p->amount_y = mem_calloc(m->ninfra * p->Y + 1, sizeof *p->amount_y);
    p->rate_y = mem_calloc(m->nroles * p->Y + 1, sizeof *p->rate_y);
    p->base_lines = mem_calloc(p->L * LF_COUNT, sizeof *p->base_lines);
    p->steps = mem_calloc(m->ninfra + 1, sizeof *p->steps);
    p->per_customer = mem_calloc(m->ninfra + 1, sizeof *p->per_customer);
    p->staffed = mem_calloc(m->nroles + 1, sizeof *p->staffed);
    if (!p->rng || !p->mix || !p->price || !p->infra || !p->roles || !p->feats || !p->funding || !p->deal_add ||
        !p->customers || !p->total_by_month || !p->arrivals || !p->out_month || !p->out_lines || !p->plan_sum ||
        !p->total_sum || !p->year || !p->first_block || !p->fx || !p->unit_plan || !p->fx_year || !p->unit_year ||
        !p->amount_y || !p->rate_y || !p->base_lines || !p->steps || !p->per_customer || !p->staffed) {
        path_free(p);
        return NULL;
    }
    for (size_t i = 0; i < m->ninfra; i++) {
        if (m->infra[i].driver == DRIVER_STEP)
            p->steps[p->nsteps++] = i;
        else if (m->infra[i].driver == DRIVER_PER_CUSTOMER)
            p->per_customer[p->nper_customer++] = i;
    }
    for (size_t i = 0; i < m->nroles; i++)
        if (staff_is_variable(&m->roles[i]))
            p->staffed[p->nstaffed++] = i;
    p->group = mem_calloc(2 * (p->nsteps + p->nstaffed) * PATH_LANES + 1, sizeof *p->group);
    if (!p->group) {
        path_free(p);
        return NULL;
    }
    for (int mo = 1; mo <= p->H; mo++)
        p->year[mo] = (size_t)calendar_year(mo);
    for (size_t i = 0; i < p->P; i++)
        p->mix[i] = m->plans[i].mix;
    if (assign_slots(p)) {
        path_free(p);
        return NULL;
    }
    return p;
}

void path_free(struct path *p)
{
    if (!p)
        return;
    if (p->rng)
        gsl_rng_free(p->rng);
    mem_free(p->mix);
    mem_free(p->slots);
    mem_free(p->u);
    mem_free(p->slot_block);
    mem_free(p->at_price);
    mem_free(p->at_infra);
    mem_free(p->at_role);
    mem_free(p->at_feat);
    mem_free(p->at_amount);
    mem_free(p->at_happen);
    mem_free(p->at_deal);
    mem_free(p->price);
    mem_free(p->infra);
    mem_free(p->roles);
    mem_free(p->feats);
    mem_free(p->funding);
    mem_free(p->deal_add);
    mem_free(p->customers);
    mem_free(p->total_by_month);
    mem_free(p->arrivals);
    mem_free(p->out_month);
    mem_free(p->out_lines);
    mem_free(p->plan_sum);
    mem_free(p->total_sum);
    mem_free(p->year);
    mem_free(p->first_block);
    mem_free(p->fx);
    mem_free(p->unit_plan);
    mem_free(p->fx_year);
    mem_free(p->unit_year);
    mem_free(p->amount_y);
    mem_free(p->rate_y);
    mem_free(p->base_lines);
    mem_free(p->steps);
    mem_free(p->per_customer);
    mem_free(p->staffed);
    mem_free(p->group);
    mem_free(p);
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
        int month = deals_close_month(dl, p->scn.slip, p->scn.loss, slot_u(p, p->at_deal[2 * i]),
                                      slot_u(p, p->at_deal[2 * i + 1]), p->H);
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
        deals_expect(&m->deals[i], p->scn.slip, p->scn.loss, p->H, p->deal_add + m->deals[i].plan, p->P);
}

/* Customer flows of month M at their expectations (the plan): arrivals
 * split over plans by mix, churn at the churn rate, into p->customers;
 * returns arrivals (with deals) and churn through the pointers.  Random
 * months are drawn by path_month_lanes. */
static void month_expected(struct path *p, int m, double rate, double *arrived, double *churned)
{
    double in = 0, out = 0;
    const double *deals = p->deal_add + (size_t)m * p->P;
    for (size_t i = 0; i < p->P; i++) {
        double c = p->customers[i];
        double d = c * p->scn.churn;
        double a = rate * p->mix[i];
        p->customers[i] = c - d + a + deals[i];
        in += a + deals[i];
        out += d;
    }
    *arrived = in;
    *churned = out;
}

/* Adds V = MULT x BY_YEAR[y x BSTRIDE] to each month of year y in FIRST ..
 * LAST, in columns COL and, when it is not negative, COL2 of MONTH (a row of
 * STRIDE doubles a month): a year whose months are all in goes to the same
 * columns of YEAR (a row a year) at once, the months of a part year one by
 * one.  Returns the sum over the months, V times the months of each year. */
static double spread(double *month, double *year, size_t stride, int col, int col2, int first, int last,
                     const double *by_year, size_t bstride, double mult)
{
    double total = 0;
    for (int y = calendar_year(first); y <= calendar_year(last); y++) {
        const int a = 12 * y + 1 < first ? first : 12 * y + 1, b = 12 * y + 12 > last ? last : 12 * y + 12;
        const double v = mult * by_year[(size_t)y * bstride];
        if (b - a == 11) {
            year[(size_t)y * stride + (size_t)col] += v;
            if (col2 >= 0)
                year[(size_t)y * stride + (size_t)col2] += v;
        } else {
            for (int mo = a; mo <= b; mo++) {
                month[(size_t)mo * stride + (size_t)col] += v;
                if (col2 >= 0)
                    month[(size_t)mo * stride + (size_t)col2] += v;
            }
        }
        total += v * (b - a + 1);
    }
    return total;
}

/*
 * Prices what does not depend on customers, once per path for all its
 * scenarios: each fixed infra line, each role of fixed headcount, each
 * feature's build and fixed run cost is spread over its months into the sums
 * by month (fx), in file order, and into its line's total (base_lines).
 * Infra lines per customer (of all plans) and features' run cost per
 * customer (of their plans) become rates by month, which the month loop
 * multiplies by customers.  Step lines and roles that grow with customers
 * are left to the month loop.  The year's amounts are the year-0 ones times
 * the yearly factor, multiplied up one year at a time.  An amount is the
 * same all year, so a line in for a whole year adds to that year's sums
 * once (spread), not to each of its twelve months, and each month then takes
 * its part years' sums plus its year's.
 */
static void prepare_costs(struct path *p)
{
    const struct model *m = p->m;
    const int H = p->H;
    const size_t H1 = (size_t)H + 1, Y = p->Y, I = m->ninfra, R = m->nroles, F = m->nfeatures, P = p->P;
    const size_t *year = p->year;
    double *fx = p->fx, *fy = p->fx_year, *lines = p->base_lines;
    memset(fx, 0, FX_COUNT * H1 * sizeof *fx);
    memset(fy, 0, FX_COUNT * Y * sizeof *fy);
    memset(p->unit_plan, 0, P * H1 * sizeof *p->unit_plan);
    memset(p->unit_year, 0, P * Y * sizeof *p->unit_year);
    memset(lines, 0, p->L * LF_COUNT * sizeof *lines);
    for (size_t i = 0; i < I; i++) {
        double a = p->infra[i].cost;
        for (size_t y = 0; y < Y; y++, a *= p->infra[i].growth)
            p->amount_y[y * I + i] = a;
    }
    for (size_t i = 0; i < R; i++) {
        double a = p->roles[i].rate_per_month;
        for (size_t y = 0; y < Y; y++, a *= p->roles[i].growth)
            p->rate_y[y * R + i] = a;
    }
    int first, last;
    for (size_t i = 0; i < I; i++) {
        const struct infra_line *l = &m->infra[i];
        if (l->driver == DRIVER_STEP || !infra_months(l, H, &first, &last))
            continue;
        const int fixed = l->driver == DRIVER_FIXED, cogs = l->category == CAT_COGS;
        const double *amount = p->amount_y + i; /* year y at amount[y * I] */
        double total = spread(fx, fy, FX_COUNT, fixed ? FX_INFRA : FX_UNIT,
                              cogs ? (fixed ? FX_INFRA_COGS : FX_UNIT_COGS) : -1, first, last, amount, I, 1);
        if (fixed) { /* per-customer lines get their totals in finish_lines */
            lines[i * LF_COUNT + LF_TOTAL] = total;
            if (last == H)
                lines[i * LF_COUNT + LF_FINAL] = amount[year[H] * I];
        }
    }
    for (size_t i = 0; i < R; i++) {
        const struct role *r = &m->roles[i];
        if (staff_is_variable(r) || !staff_months(r, H, &first, &last))
            continue;
        const double *rate = p->rate_y + i; /* year y at rate[y * R] */
        const int cogs = r->category == CAT_COGS ? FX_STAFF_COGS : -1;
        double *line = lines + (I + i) * LF_COUNT;
        line[LF_TOTAL] = spread(fx, fy, FX_COUNT, FX_STAFF, cogs, first, last, rate, R, r->headcount);
        spread(fx, fy, FX_COUNT, FX_HEADS, -1, first, last, &r->headcount, 0, 1);
        if (last == H)
            line[LF_FINAL] = r->headcount * rate[year[H] * R];
    }
    for (size_t i = 0; i < F; i++) {
        const struct feature *f = &m->features[i];
        const struct feature_draw *fd = &p->feats[i];
        if (features_build_months(f, H, &first, &last)) {
            const double *rate = p->rate_y + (size_t)f->role; /* year y at rate[y * R] */
            double *line = lines + (I + R + i) * LF_COUNT;
            for (int mo = first; mo <= last; mo++) {
                double v = features_build_cost(f, fd, rate[year[mo] * R]);
                fx[(size_t)mo * FX_COUNT + FX_BUILD] += v;
                line[LF_TOTAL] += v;
            }
            if (last == H)
                line[LF_FINAL] = features_build_cost(f, fd, rate[year[H] * R]);
        }
        first = features_run_from(f);
        if (first < 1)
            first = 1;
        if (first > H)
            continue;
        spread(fx, fy, FX_COUNT, FX_RUN, -1, first, H, &fd->run, 0, 1);
        lines[(I + R + F + i) * LF_COUNT + LF_TOTAL] = fd->run * (H - first + 1);
        lines[(I + R + F + i) * LF_COUNT + LF_FINAL] = fd->run;
        if (fd->run_per_customer != 0)
            for (size_t k = 0; k < P; k++)
                if (f->all_plans || f->on_plan[k])
                    spread(p->unit_plan, p->unit_year, P, (int)k, -1, first, H, &fd->run_per_customer, 0, 1);
    }
    for (int mo = 1; mo <= H; mo++) { /* each month: its part years' sums, then its year's */
        for (size_t k = 0; k < FX_COUNT; k++)
            fx[(size_t)mo * FX_COUNT + k] += fy[year[mo] * FX_COUNT + k];
        for (size_t k = 0; k < P; k++)
            p->unit_plan[(size_t)mo * P + k] += p->unit_year[year[mo] * P + k];
    }
    p->costs_ready = 1;
}

/* The totals and final months of the lines priced per customer, from the
 * running sums of customers of the path just run: a line's total is its
 * amount of each year times the customer-months of that year in its
 * months. */
static void finish_lines(struct path *p)
{
    const struct model *m = p->m;
    const int H = p->H;
    const size_t I = m->ninfra, R = m->nroles, F = m->nfeatures, P = p->P;
    const double *sum = p->total_sum;
    int first, last;
    for (size_t j = 0; j < p->nper_customer; j++) {
        size_t i = p->per_customer[j];
        if (!infra_months(&m->infra[i], H, &first, &last))
            continue;
        double *line = p->out_lines + i * LF_COUNT;
        for (size_t y = p->year[first]; y <= p->year[last]; y++) {
            int a = (int)y * 12 + 1, b = (int)y * 12 + 12;
            a = a < first ? first : a;
            b = b > last ? last : b;
            line[LF_TOTAL] += p->amount_y[y * I + i] * (sum[b] - sum[a - 1]);
        }
        if (last == H)
            line[LF_FINAL] = p->amount_y[p->year[H] * I + i] * p->total_by_month[H];
    }
    for (size_t i = 0; i < F; i++) {
        const struct feature *f = &m->features[i];
        double rate = p->feats[i].run_per_customer;
        first = features_run_from(f);
        if (first < 1)
            first = 1;
        if (rate == 0 || first > H)
            continue;
        double months = 0, final = 0; /* customer-months on its plans while it runs; customers in month H */
        if (f->all_plans) {
            months = sum[H] - sum[first - 1];
            final = p->total_by_month[H];
        } else {
            for (size_t k = 0; k < P; k++)
                if (f->on_plan[k]) {
                    months += p->plan_sum[(size_t)H * P + k] - p->plan_sum[(size_t)(first - 1) * P + k];
                    final += p->customers[k];
                }
        }
        double *line = p->out_lines + (I + R + F + i) * LF_COUNT;
        line[LF_TOTAL] += rate * months;
        line[LF_FINAL] += rate * final; /* the fixed part is already there */
    }
}

void path_begin(struct path *p, enum path_mode mode)
{
    const struct model *m = p->m;
    double total = 0;
    for (size_t i = 0; i < p->P; i++) {
        p->customers[i] = m->plans[i].customers;
        total += p->customers[i];
    }
    p->total_by_month[0] = total;
    if (mode != PATH_DRAWS_ONLY) {
        if (!p->costs_ready)
            prepare_costs(p);
        memcpy(p->out_lines, p->base_lines, p->L * LF_COUNT * sizeof *p->out_lines);
    }
    sampler_binomial_prepare(p->scn.churn, &p->churn);
    p->mode = mode;
    p->rate = p->scn.new_customers;
    p->cash = m->cash;
    p->min_cash = INFINITY;
    p->sum_cost = p->customer_months = 0;
    p->runway = p->breakeven = p->H + 1;
}

/* The lines priced every month with customers (step lines, then roles that
 * grow with customers), lane-major in the workspace of a group's first
 * lane: this year's amount or rate, and the running total, each
 * [line][PATH_LANES]. */
static double *group_amount(const struct path *g) { return g->group; }
static double *group_total(const struct path *g) { return g->group + (g->nsteps + g->nstaffed) * PATH_LANES; }

/* month_costs, two lanes to an SSE2 register (month_costs_2), and four to an
 * AVX2 register (month_costs_4) where the machine has AVX2: the same
 * figures either way (month_lanes.inc). */
#define LANES_BODY "month_lanes.inc"
#include "lanes_bodies.inc"
#undef LANES_BODY

static void month_costs(struct path *const *lane, size_t n, int mo, const double *arrived, const double *churned,
                        double *out, size_t stride)
{
#if SIMD_X86
    if (simd_avx2()) {
        month_costs_4(lane, n, mo, arrived, churned, out, stride);
        return;
    }
#endif
    month_costs_2(lane, n, mo, arrived, churned, out, stride);
}

void path_month(struct path *p, uint64_t seed, uint64_t path, int mo, double *out, size_t stride)
{
    if (p->mode != PATH_PLAN) { /* one lane: a random path has one way of drawing its months */
        path_month_lanes(&p, 1, seed, path, mo, out, stride);
        return;
    }
    if (mo > 1)
        p->rate *= 1 + p->scn.growth;
    double arrived, churned;
    month_expected(p, mo, p->rate, &arrived, &churned);
    month_costs(&p, 1, mo, &arrived, &churned, out, stride);
}

void path_month_lanes(struct path *const *lane, size_t n, uint64_t seed, uint64_t first, int mo, double *out,
                      size_t stride)
{
    /* Not zeroed: zeroing every lane array took eight rep stos a month
     * (about 4% of a run, tests/bench/compare.py; a first, noisier timing
     * said 8%).  The first loop sets R of all PATH_LANES lanes and MU of
     * those past N (the arrivals set the others), or the compiler (inlining
     * at link time) cannot always see that the samplers read only lanes it
     * set. */
    gsl_rng *r[PATH_LANES];
    double mu[PATH_LANES], in[PATH_LANES], gone[PATH_LANES];
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
        in[j] = gone[j] = 0;
        if (mo > 1)
            p->rate *= 1 + p->scn.growth;
        rng_select_from(p->rng, seed, first + j, RNG_ARRIVALS, (uint32_t)mo, &p->first_block[2 * (size_t)mo]);
        r[j] = p->rng;
    }
    /* arrivals plan by plan, then churn plan by plan: each draw made for all
     * lanes at once, each lane taking its own streams' words in the same
     * order whatever the number of lanes.  A Poisson count split over plans
     * by the multinomial of the mix is, in distribution, exactly a Poisson
     * count for each plan of mean rate x mix, independent of the others
     * (Poisson thinning), which takes one search of smaller mean per plan
     * where the split took a Poisson and P - 1 binomial draws. */
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
        for (size_t j = 0; j < n; j++) {
            struct path *p = lane[j];
            const double *deals = p->deal_add + (size_t)mo * P;
            double c = p->customers[i], d = (double)(long)k[j], a = (double)(long)p->arrivals[i];
            p->customers[i] = c - d + a + deals[i];
            in[j] += a + deals[i];
            gone[j] += d;
        }
    }
    if (lane[0]->mode != PATH_DRAWS_ONLY)
        month_costs(lane, n, mo, in, gone, out, stride);
}

void path_end(struct path *p)
{
    if (p->mode == PATH_DRAWS_ONLY)
        return;
    const struct model *m = p->m;
    const int H = p->H;
    finish_lines(p);
    const double *row = p->last;
    double *s = p->out_summary;
    s[SM_RUNWAY] = p->runway;
    s[SM_PROB_CASH_OUT] = p->runway <= H;
    s[SM_DEFAULT_ALIVE] = p->breakeven <= H && p->breakeven < p->runway;
    s[SM_BREAKEVEN] = p->breakeven;
    s[SM_CUSTOMERS_FINAL] = row[MM_CUSTOMERS];
    s[SM_REVENUE_FINAL] = row[MM_REVENUE];
    s[SM_COST_FINAL] = row[MM_COST];
    s[SM_CASH_FINAL] = row[MM_CASH];
    s[SM_CPC_FINAL] = row[MM_CPC];
    s[SM_CPC_VARIABLE_FINAL] = row[MM_CPC_VARIABLE];
    s[SM_CPC_HORIZON] = p->customer_months > 0 ? p->sum_cost / p->customer_months : NAN;
    s[SM_GROSS_MARGIN_FINAL] = row[MM_GROSS_MARGIN];
    s[SM_MIN_CASH] = p->min_cash;
    s[SM_FUNDING_NEED] = fmax(0, m->min_cash - p->min_cash);
    s[SM_HEADCOUNT_FINAL] = row[MM_HEADCOUNT];
    for (size_t l = 0; l < p->L; l++)
        p->out_lines[l * LF_COUNT + LF_CPC] =
            p->customer_months > 0 ? p->out_lines[l * LF_COUNT + LF_TOTAL] / p->customer_months : NAN;
}

void path_simulate(struct path *p, enum path_mode mode, uint64_t seed, uint64_t path)
{
    path_begin(p, mode);
    for (int mo = 1; mo <= p->H; mo++)
        path_month(p, seed, path, mo, p->out_month + (size_t)(mo - 1) * MM_COUNT, 1);
    path_end(p);
}

const double *path_monthly(const struct path *p) { return p->out_month; }
const double *path_summary(const struct path *p) { return p->out_summary; }
const double *path_lines(const struct path *p) { return p->out_lines; }
