/*
 * quote.h - a custom contract against the company (cpcsim quote): the
 * contract file, and what the runs with and without it say of its price.
 *
 * The contract is a settings file (setting,value, like company.csv; see
 * models/contract.h for what each setting means).  A quote runs one
 * scenario twice on every path, without the contract and with it, over the
 * months up to the contract's end, and takes the difference of what the
 * company spends as the contract's incremental cost over its term.  From
 * it: the term's revenue, profit and margin, the chance of a loss, the
 * price that reaches the target margin on each path, and the floor price:
 * that price's CONFIDENCE quantile, the price at which the contract reaches
 * the target margin with that probability.
 */
#ifndef CPC_QUOTE_H
#define CPC_QUOTE_H

#include <stdio.h>

#include "models/contract.h"
#include "sim/diag.h"
#include "sim/engine.h"
#include "sim/model.h"
#include "sim/status.h"

/* Reads the contract file PATH (NAME in messages) against model M.
 * Returns ST_OK with *OUT set (free with quote_free), or ST_NOINPUT,
 * ST_DATA (every problem placed in D) or ST_NOMEM with *OUT NULL. */
enum status quote_load(const char *path, const char *name, const struct model *m, struct diag *d,
                       struct contract **out);
/* Frees a contract from quote_load.  NULL does nothing. */
void quote_free(struct contract *c);

/* The figures of quote.csv, in its order. */
enum quote_metric {
    QM_COST_MONTH, QM_COST_TERM, QM_REVENUE_TERM, QM_PROFIT_TERM, QM_MARGIN, QM_PROB_LOSS, QM_REQUIRED_PRICE,
    QM_FLOOR_PRICE, QM_HEADROOM, QM_COUNT
};

/* The percentiles quote.csv shows, by enum stat_quantile. */
enum { QUOTE_NQ = 5 };
extern const int quote_quantiles[QUOTE_NQ];

/* One row of quote.csv: NAN where a cell is empty. */
struct quote_row {
    double plan, mean, mc_se;
    double q[QUOTE_NQ]; /* P5, P10, P50, P90, P95 */
};

/* What a quote says, from the results R of its run (the scenario without
 * the contract first, with it second), the contract C, the target MARGIN
 * and the CONFIDENCE (R's quantile_extra). */
struct quote {
    struct quote_row row[QM_COUNT];
    double margin, confidence;
};
void quote_figures(const struct results *r, const struct contract *c, double margin, double confidence,
                   struct quote *q);

/* The names of quote.csv's metrics, by enum quote_metric. */
extern const char *const quote_metric_names[QM_COUNT];

/* quote.csv, and quote_costs.csv (the incremental cost by line, the lines
 * the contract moves, largest first). */
int quote_report(FILE *f, const struct quote *q);
int quote_costs_report(FILE *f, const struct model *m, const struct results *r);

/* The verdict for sales, and the three largest incremental cost lines. */
void quote_terminal(FILE *f, const struct model *m, const struct results *r, const struct contract *c,
                    const struct quote *q);

#endif
