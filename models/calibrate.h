/*
 * calibrate.h - deal_slip and deal_loss measured from a company's own
 * forecast history.
 *
 * The model is the one `run` simulates (SPEC.md, "The monthly model", step
 * 3): a deal is lost with probability loss; otherwise it closes S months
 * after the month it was forecast for, with P(S >= k) = slip^k.  A history
 * holds one row per deal, as known at the end of the month AS_OF (that
 * month counts as complete).  Each row contributes a factor to the
 * likelihood:
 *
 *   won, closed s = max(0, closed - forecast) months late:  (1 - loss)(1 - slip) slip^s
 *   lost (known never to close):                            loss
 *   open, e = AS_OF - forecast >= 0 months after its month:  loss + (1 - loss) slip^(e + 1)
 *   open, forecast after AS_OF (not yet due):                1 (it says nothing yet)
 *
 * so a close on time or early counts as s = 0, and an open deal is
 * censored: it may yet close late, or be lost.  Each row counts once,
 * whatever its customers.
 *
 * Estimates are by maximum likelihood.  With no open deal due, the
 * likelihood separates into loss^lost (1 - loss)^won and
 * slip^late (1 - slip)^won (late: the months late summed over won deals),
 * and the estimates are lost / (lost + won) and late / (late + won).  With
 * open deals due, the loss that maximises the likelihood for a given slip
 * is the root of a decreasing derivative (the likelihood is concave in
 * loss); the slip is found by maximising that profile, first on a grid,
 * then by Brent's method (GSL).  A parameter the history cannot determine
 * has no estimate (NAN): slip when no deal was won (nothing shows how late
 * deals close), loss when no deal was won or lost, and both when no deal
 * was late or lost and every open deal is due in AS_OF's month only (the
 * history then tells (1 - slip)(1 - loss), not the two apart).  An
 * estimate may be 0 or 1 exactly (no lost deal: loss 0).
 *
 * Uncertainty is that of the posterior under uniform priors on slip and
 * loss (whose mode is the maximum-likelihood estimate).  Without open
 * deals due it is exact: loss ~ beta(lost + 1, won + 1) and
 * slip ~ beta(late + 1, won + 1), independent.  With open deals it is
 * integrated numerically on a grid over the square that zooms in on where
 * its mass is.  The 90% interval of a parameter is the central one of its
 * marginal posterior (5% on either side), except where its estimate is 0
 * or 1: then the interval reaches that end and holds 90% (from 0 to the
 * 90th percentile, or from the 10th to 1), so that it always holds the
 * estimate and a boundary estimate is never read as certain.  The cell to
 * paste is the beta distribution with the marginal posterior's mean and
 * variance (exactly the posterior when no deal is open).
 *
 * Months are whole numbers counted as year * 12 + month - 1.  Pure
 * functions: nothing is printed; memory comes from sim/mem.h.
 */
#ifndef CPC_CALIBRATE_H
#define CPC_CALIBRATE_H

#include <stddef.h>

#include "sim/status.h"

enum calibrate_outcome { CALIBRATE_WON, CALIBRATE_LOST, CALIBRATE_OPEN };

/* One deal of a history. */
struct calibrate_deal {
    enum calibrate_outcome outcome;
    int forecast; /* the month it was forecast to close */
    int closed;   /* the month it closed; read only when won, and then at most AS_OF */
};

/* What a history holds, seen at AS_OF. */
struct calibrate_counts {
    size_t deals, won, lost;
    size_t open_due;   /* open, forecast at or before AS_OF */
    size_t open_later; /* open, forecast after AS_OF: not yet due */
    double months_late; /* summed over won deals, each max(0, closed - forecast) */
};

/* One parameter's estimate and uncertainty; every figure within [0, 1]
 * but the shapes. */
struct calibrate_param {
    double estimate;   /* maximum likelihood; NAN when the history does not determine it */
    double lo90, hi90; /* the 90% interval (see above); always finite */
    double mean, sd;   /* of the marginal posterior under uniform priors */
    double a, b;       /* beta(a, b) with that mean and sd, each from 0.01 to CALIBRATE_MAX_SHAPE */
};

/* beta(a, b) cells take shapes up to 100000 (models/dist.c); a posterior
 * narrower than that (a history of some 100000 deals) is widened to it,
 * its mean kept. */
#define CALIBRATE_MAX_SHAPE 1e5

struct calibrate_result {
    struct calibrate_counts n;
    struct calibrate_param slip, loss;
    int exact; /* 1: closed forms (no open deal due); 0: integrated on a grid */
};

/* Counts the N DEALS as seen at AS_OF into *OUT. */
void calibrate_count(const struct calibrate_deal *deals, size_t n, int as_of, struct calibrate_counts *out);

/*
 * The log-likelihood of SLIP and LOSS (each within [0, 1]) given the N
 * DEALS seen at AS_OF: the sum of the logarithms of the factors above, row
 * by row.  -INFINITY where a row is impossible (a late won deal when slip
 * is 0, a lost deal when loss is 0).
 */
double calibrate_loglik(const struct calibrate_deal *deals, size_t n, int as_of, double slip, double loss);

/*
 * Estimates slip and loss from the N DEALS seen at AS_OF into *OUT: closed
 * forms when no open deal is due, the numeric method otherwise.  Any N,
 * 0 included (the posterior is then the prior: no estimates, intervals
 * 0.05 to 0.95, cells beta(1, 1)).  Returns ST_OK, or ST_NOMEM with *OUT
 * undefined.
 */
enum status calibrate_fit(const struct calibrate_deal *deals, size_t n, int as_of, struct calibrate_result *out);

/* As calibrate_fit, always by the numeric method (the profile likelihood
 * and the grid), so that tests can hold it against the closed forms. */
enum status calibrate_fit_numeric(const struct calibrate_deal *deals, size_t n, int as_of,
                                  struct calibrate_result *out);

/* Writes P's cell, "beta(7, 13)" (shapes with 4 significant digits, whole
 * from 1000 up), into BUF of LEN bytes. */
void calibrate_cell(const struct calibrate_param *p, char *buf, size_t len);

#endif
