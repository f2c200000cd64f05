/*
 * deals.h - the sales pipeline (pipeline.csv) and expected funding
 * (funding.csv): customers and cash that arrive at a month, if at all.
 *
 * A deal happens with probability `probability` * (1 - deal_loss); if it
 * happens it closes at its month plus the scenario's deal_delay plus S
 * slipped months, S geometric: each due month it slips with probability
 * deal_slip, P(S >= k) = deal_slip^k.  A signed deal closes in its month,
 * whatever the scenario.  A deal closing after the horizon brings no one.
 * In the plan, a deal adds customers * probability * (1 - loss) *
 * (1 - slip) * slip^k customers in month `month` + delay + k (a signed
 * deal: its customers in its month).  A funding round arrives whole with its probability;
 * in the plan it adds amount * probability.
 */
#ifndef CPC_DEALS_H
#define CPC_DEALS_H

#include <stddef.h>

#include "models/calendar.h"
#include "models/dist.h"
#include "models/plans.h"

struct deal {
    long line;          /* the row's line in pipeline.csv, for messages */
    char *name;
    int month;          /* expected close, may lie beyond the horizon */
    double customers;
    char *plan_name;    /* NULL: the first plan */
    double probability;
    int is_signed;      /* signed = yes: neither delayed, slipped nor lost */
    int plan;           /* resolved plan index */
};

struct round {
    long line;          /* the row's line in funding.csv, for messages */
    char *name;
    int month;
    struct dist amount;
    double probability;
};

/*
 * The month the deal closes on a path, from two uniforms in (0,1): U_HAPPEN
 * decides whether it happens at all, U_SLIP how many months it slips.
 * Returns 0 when it never closes within HORIZON months.
 */
int deals_close_month(const struct deal *dl, const struct scenario_draw *sc, double u_happen, double u_slip,
                      int horizon);

/* Adds the deal's expected customers in month m to ADD[m * STRIDE], for
 * m = 1..horizon. */
void deals_expect(const struct deal *dl, const struct scenario_draw *sc, int horizon, double *add, size_t stride);

#endif
