/*
 * ledger.h - the audit trail: every revenue and cost line of the plain
 * model, month by month, with the month's totals.
 *
 * ledger.csv is the plan's (scenario,month,date,line,kind,category,amount);
 * ledger_path.csv one simulated path's, the path K of the run's seed and
 * sampling (scenario,path,month,date,line,kind,category,amount).  Each
 * month has one row per plan (kind revenue, line the plan's name), one per
 * cost line (the kinds of costs.csv: infra, staff, feature_build,
 * feature_run; lines that cannot cost anything, such as a feature's build
 * without effort, are left out) and four totals (kind total, line revenue,
 * cost, cogs and cash).  Amounts come from models/month.c, each line priced
 * on its own (month_ledger); the totals are the month's figures.
 */
#ifndef CPC_LEDGER_H
#define CPC_LEDGER_H

#include <stdint.h>
#include <stdio.h>

#include "sim/model.h"
#include "sim/status.h"

/* Writes the plan's ledger of the NSCENARIOS scenarios (model indices) to
 * F.  ST_OK, ST_NOMEM, or ST_IOERR when F's error flag is set. */
enum status ledger_write_plan(FILE *f, const struct model *m, const size_t *scenarios, size_t nscenarios);

/* Writes the ledger of path K (1-based) of a run with SEED and SAMPLING
 * (enum sampling) to F, as ledger_write_plan. */
enum status ledger_write_path(FILE *f, const struct model *m, const size_t *scenarios, size_t nscenarios,
                              uint64_t seed, int sampling, uint64_t k);

#endif
