/*
 * scope.h - the smallest feature scope that fits a price (cpcsim scope).
 *
 * A plan's cost per customer over the horizon (SM_CPC_PLAN: each cost
 * line's cost over the horizon shared over the customer-months of the plans
 * it serves, the plan's share divided by its customer-months) is measured
 * with every feature, and with each of the plan's features switched off
 * alone: a feature's contribution is, path by path, what switching it off
 * saves.  The features that are not must-haves are then switched off one
 * more at a time, the most costly first, and the scope kept is the first
 * whose cost per customer at the CONFIDENCE quantile fits PRICE x (1 -
 * MARGIN).  Every variant runs on the same random numbers (DESIGN.md).
 */
#ifndef CPC_SCOPE_H
#define CPC_SCOPE_H

#include <stdint.h>
#include <stdio.h>

#include "sim/engine.h"
#include "sim/model.h"
#include "sim/status.h"

/* What the scope is asked to fit. */
struct scope_ask {
    size_t plan, scenario;
    double price, margin, confidence;
};

/* One feature of the plan, in the order scope.csv lists them. */
struct scope_row {
    size_t feature;         /* index into the model's features */
    int must_have;          /* never dropped */
    double contribution;    /* the mean saving of dropping it alone */
    double contribution_p90;
    int kept;
    double cpc_after;       /* at the confidence quantile, once it and every droppable one above are dropped;
                             * NAN for a must-have */
};

struct scope {
    struct scope_ask ask;
    double target;          /* price x (1 - margin) */
    double cpc_all;         /* at the confidence quantile, every feature kept */
    double cpc_plan;        /* the plan's figure, every feature kept */
    double cpc_kept;        /* at the confidence quantile, the scope kept */
    int fits;               /* the scope kept fits the target */
    size_t nrows, ndropped;
    struct scope_row *rows; /* the droppable features, most costly first, then the must-haves */
    uint64_t paths;
};

/* The most variants one run of the engine takes beside the full scope: a
 * plan of more features runs in several batches, on the same paths. */
enum { SCOPE_BATCH = 15 };

/*
 * Finds the scope for ASK in model M (whose cpc_plan it sets and restores),
 * running the engine with BASE's seed, paths, threads, sampling, progress
 * and stop.  Returns ST_OK with *OUT set (free with scope_free), or
 * ST_NOMEM, ST_SOFTWARE or ST_INTERRUPT from the engine.
 */
enum status scope_find(struct model *m, const struct scope_ask *ask, const struct run_options *base,
                       struct scope **out);
void scope_free(struct scope *s);

/* scope.csv. */
int scope_report(FILE *f, const struct model *m, const struct scope *s);
/* The verdict: what to keep and drop, and the cost per customer against
 * the target. */
void scope_terminal(FILE *f, const struct model *m, const struct scope *s);

#endif
