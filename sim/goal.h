/*
 * goal.h - the value of an input at which a target is met (cpcsim goal).
 *
 * The target is a statistic of a summary metric of one scenario (the mean,
 * or a percentile: sweep_metric) equal to a value.  As a function of the
 * input, on the same random numbers at every evaluation (the run's seed:
 * vary.h), that statistic moves with the input alone, so a bracketing
 * solver (GSL's Brent) finds the crossing in few evaluations: the ends of
 * the range first, then until the bracket is within GOAL_TOLERANCE of the
 * value, or a millionth of the range for a value at 0 (or the target is met
 * exactly).  The value's Monte Carlo error is
 * the metric's (mc_se of its mean) over the slope of the metric against
 * the input at the crossing (the delta method); a percentile target has
 * none.  A target that the ends of the range do not bracket is not met:
 * the end closest to it is the answer, marked so.
 */
#ifndef CPC_GOAL_H
#define CPC_GOAL_H

#include <stdio.h>

#include "sim/engine.h"
#include "sim/model.h"
#include "sim/status.h"
#include "sim/vary.h"

/* The bracket's width, relative to the value, at which the search stops. */
#define GOAL_TOLERANCE 0.01
/* The most evaluations of a search: it stops there with the bracket it has. */
#define GOAL_MAX_EVALUATIONS 60

struct goal_ask {
    int metric, stat;    /* sweep_metric's */
    double target;
    double lo, hi;       /* the range of the input, lo < hi */
};

struct goal {
    double value;        /* the input's value found, or the closest end */
    double mc_se;        /* its Monte Carlo error; NAN when unknown */
    double achieved;     /* the statistic at VALUE */
    int reached;         /* the target lies within the range */
    unsigned evaluations; /* runs of the model made */
};

/*
 * Finds the value of V's cell in [ASK->lo, ASK->hi] at which the statistic
 * of O's one scenario meets ASK->target, each evaluation a run of O.
 * Returns ST_OK with *OUT filled, or what the engine returned (ST_NOMEM,
 * ST_INTERRUPT, ...); M is as it was either way.
 */
enum status goal_seek(struct model *m, struct vary *v, const struct goal_ask *ask, const struct run_options *o,
                      struct goal *out);

/* goal.csv: input,value,mc_se,metric,target,achieved,reached,evaluations. */
int goal_report(FILE *f, const struct vary *v, const struct goal_ask *ask, const struct goal *g);

#endif
