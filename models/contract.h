/*
 * contract.h - a custom contract that sales proposes (cpcsim quote): what it
 * brings and what it costs beyond what the company already pays.
 *
 * The contract's CUSTOMERS join its PLAN for its TERM months from START: they
 * count wherever customers drive a cost (per-customer and step infra lines,
 * roles that grow with customers, the per-customer run costs of the plan's
 * features), pay PRICE x (1 - DISCOUNT) a month each instead of the plan's
 * price, and neither churn nor slip (the contract is signed).  Each feature
 * it names that its plan does not have is built for it: its effort at its
 * role's rate over its build months from START, its fixed run cost once
 * built, and its run cost per customer for the contract's customers.
 * CUSTOM_EFFORT person-months of EFFORT_ROLE's time are spent in the start
 * month, SUPPORT_HOURS hours of SUPPORT_ROLE's time every month of the term
 * (a person's loaded monthly cost covers 160 hours), and ONBOARDING once in
 * the start month.  Amounts are per month in the model's currency.
 */
#ifndef CPC_CONTRACT_H
#define CPC_CONTRACT_H

#include <stddef.h>

#include "models/dist.h"
#include "models/features.h"

/* Hours of work a person's loaded monthly cost pays for. */
#define CONTRACT_HOURS_A_MONTH 160.0

struct contract {
    double customers;        /* accounts or seats, counted as the model's customers */
    int plan;                /* index into the plans */
    double price;            /* per customer per month, as proposed */
    double discount;         /* a fraction of the price */
    int start, term;         /* the first month, and the months it lasts */
    size_t *built;           /* the features built for it (not on its plan), indices into the features */
    size_t nbuilt;
    struct dist custom_effort; /* person-months */
    int effort_role;           /* index into the roles, -1 when there is no custom effort */
    struct dist support_hours; /* hours a month */
    int support_role;          /* index into the roles, -1 when there is no support */
    struct dist onboarding;    /* once, in the start month */
};

/* The contract's uncertain cells, in the order contract_draw takes them. */
enum { CONTRACT_EFFORT, CONTRACT_SUPPORT, CONTRACT_ONBOARDING, CONTRACT_NVALUES };

/* The contract's values on one path (or, from contract_eval, in the plan). */
struct contract_draw {
    double custom_effort, support_hours, onboarding;
};

void contract_draw(const struct contract *c, const double *u, struct contract_draw *out);
void contract_eval(const struct contract *c, struct contract_draw *out);

/* The contract's last month: start + term - 1. */
int contract_end(const struct contract *c);
/* Non-zero when month M is within the contract's term. */
int contract_runs(const struct contract *c, int m);
/* The contract's customers in month M: CUSTOMERS within the term, else 0. */
double contract_customers(const struct contract *c, int m);
/* Its revenue in month M: customers x price x (1 - discount) within the term. */
double contract_revenue(const struct contract *c, int m);

/* The lines of its own a contract adds, after the model's: for each built
 * feature a build and a run line, then custom effort, support and
 * onboarding. */
enum contract_line { CONTRACT_LINE_BUILD, CONTRACT_LINE_RUN, CONTRACT_LINE_EFFORT, CONTRACT_LINE_SUPPORT,
                     CONTRACT_LINE_ONBOARDING };
size_t contract_nlines(const struct contract *c);
/* Line L of the contract's own (0-based among them): its kind and, for a
 * build or run line, the index of its feature in *FEATURE. */
enum contract_line contract_line(const struct contract *c, size_t l, size_t *feature);

/* The build cost of built feature F (a row of the model's features) in month
 * M, given the loaded monthly RATE of its role that month: as
 * features_build_cost, with the build starting at the contract's start. */
double contract_build_cost(const struct contract *c, const struct feature *f, const struct feature_draw *fd, int m,
                           double rate);
/* Non-zero when built feature F runs in month M (its build done, the
 * contract in its term). */
int contract_feature_runs(const struct contract *c, const struct feature *f, int m);
/* The custom effort's cost in month M (the start month), at RATE. */
double contract_effort_cost(const struct contract *c, const struct contract_draw *d, int m, double rate);
/* The support's cost in month M, at RATE. */
double contract_support_cost(const struct contract *c, const struct contract_draw *d, int m, double rate);
/* The onboarding's cost in month M (the start month). */
double contract_onboarding_cost(const struct contract *c, const struct contract_draw *d, int m);

#endif
