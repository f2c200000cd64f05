/*
 * load.h - from the tables of a model folder's files to the models' rows.
 *
 * Each file has a table of typed columns (schema.h); these functions
 * convert a file's table by it, check what the columns alone cannot (a step
 * line without its step, a role's ratio of 0, names that refer to other
 * files) and put every problem, placed, into the diagnostics sink.  They
 * return the number of errors added.  Rows are returned even when some of
 * their cells were bad (with defaults in those cells), so that later files
 * can still be checked against them.  Whoever loads a file frees it with
 * load_free and the same file.
 */
#ifndef CPC_LOAD_H
#define CPC_LOAD_H

#include <stddef.h>

#include "models/calendar.h"
#include "models/deals.h"
#include "models/features.h"
#include "models/infra.h"
#include "models/plans.h"
#include "models/staff.h"
#include "sim/diag.h"
#include "sim/table.h"

/* company.csv's settings. */
struct settings {
    double cash, min_cash, target_margin, confidence;
    int start;       /* year * 12 + month - 1; -1 when not given */
    double months;   /* the horizon */
    char *currency;  /* owned; NULL when not given */
};

size_t load_settings(const struct table *t, struct diag *d, struct settings *out);

size_t load_plans(const struct table *t, const struct calendar *cal, struct diag *d, struct plan **plans,
                  size_t *n);
size_t load_scenarios(const struct table *t, const struct calendar *cal, struct diag *d,
                      struct scenario **scenarios, size_t *n);
size_t load_infra(const struct table *t, const struct calendar *cal, struct diag *d, struct infra_line **lines,
                  size_t *n);
size_t load_staff(const struct table *t, const struct calendar *cal, struct diag *d, struct role **roles,
                  size_t *n);
/* Plan and role names must exist in PLANS and ROLES. */
size_t load_features(const struct table *t, const struct calendar *cal, struct diag *d, const struct plan *plans,
                     size_t nplans, const struct role *roles, size_t nroles, struct feature **features, size_t *n);
size_t load_deals(const struct table *t, const struct calendar *cal, struct diag *d, const struct plan *plans,
                  size_t nplans, struct deal **deals, size_t *n);
size_t load_rounds(const struct table *t, const struct calendar *cal, struct diag *d, struct round **rounds,
                   size_t *n);

/* Frees what the loader of each file returned (text cells included).
 * NULL does nothing. */
void load_free_plans(struct plan *plans, size_t n);
void load_free_scenarios(struct scenario *scenarios, size_t n);
void load_free_infra(struct infra_line *lines, size_t n);
void load_free_staff(struct role *roles, size_t n);
void load_free_features(struct feature *features, size_t n);
void load_free_deals(struct deal *deals, size_t n);
void load_free_rounds(struct round *rounds, size_t n);

#endif
