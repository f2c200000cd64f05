/*
 * plans.h - price plans and growth scenarios: who pays what, and how
 * customers arrive and leave.
 *
 * Arrivals in month m have rate lambda(m) = new_customers * (1 + growth)^(m-1),
 * computed by repeated multiplication month after month, and are split over
 * plans by `mix` (weights normalised over plans; equal when no plan gives
 * one).  Churn is a monthly probability per customer.  Prices are per
 * customer per month in the model's currency.
 */
#ifndef CPC_PLANS_H
#define CPC_PLANS_H

#include <stddef.h>

#include "models/calendar.h"
#include "models/dist.h"

struct plan {
    long line;           /* the row's line in plans.csv, for messages */
    char *name;
    struct dist price;   /* per customer per month */
    double customers;    /* at the start */
    double mix;          /* normalised share of new customers */
};

struct scenario {
    long line;                 /* the row's line in scenarios.csv, for messages */
    char *name;
    struct dist new_customers; /* expected arrivals in month 1 */
    struct dist growth;        /* monthly growth of that rate */
    struct dist churn;         /* monthly probability a customer leaves */
    struct dist deal_slip;     /* probability a due deal slips a month */
    struct dist deal_loss;     /* probability a deal never closes */
    struct dist deal_delay;    /* months every unsigned deal moves later before it may slip */
};

/* The largest expected arrivals a month (at the plan's growth, by the end of
 * the horizon) a scenario may reach: far beyond any company, and low enough
 * that counts stay exact in a double. */
#define SCENARIO_MAX_RATE 1e9

/* The uncertain cells of a scenario, in the order scenario_draw takes them. */
enum { SCEN_NEW, SCEN_GROWTH, SCEN_CHURN, SCEN_SLIP, SCEN_LOSS, SCEN_DELAY, SCEN_NVALUES };

/* A scenario's values on one path (or, from scenario_eval, in the plan);
 * the delay in whole months, rounded to the nearest (from the mean in the
 * plan). */
struct scenario_draw {
    double new_customers, growth, churn, slip, loss, delay;
};

/* Draws a scenario's values from U[SCEN_NVALUES] uniforms in (0,1). */
void scenario_draw(const struct scenario *s, const double *u, struct scenario_draw *out);
/* The plan's values: each at the mean of its distribution as written. */
void scenario_eval(const struct scenario *s, struct scenario_draw *out);

/* The index of the plan called NAME, or -1. */
int plans_find(const struct plan *plans, size_t n, const char *name);

#endif
