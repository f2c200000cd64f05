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
 *
 * A check that could only fail because of an error already reported is not
 * made: a file that did not load whole (missing, broken, rows dropped,
 * names missing) leaves its names unknown, and a name not found in it is
 * not an error (a missing staff.csv is one message, not one for every
 * feature naming a role); a horizon or start that company.csv gives wrong
 * is unknown, and months are not checked against it; a cell reported bad
 * is not reported again as empty or missing.
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
#include "sim/names.h"
#include "sim/table.h"

/* company.csv's settings. */
struct settings {
    double cash, min_cash, target_margin, confidence;
    int start;         /* year * 12 + month - 1; -1 when not given or bad */
    double months;     /* the horizon */
    int horizon_known; /* 0 when months is not known: bad, maybe on a row dropped for its width, ... */
    char *currency;    /* owned; NULL when not given */
};

size_t load_settings(const struct table *t, struct diag *d, struct settings *out);

/* The names features.csv and pipeline.csv refer to: the rows of plans.csv
 * and staff.csv, their indexes by name (names.h), and whether each file
 * loaded whole (read, no row dropped, at least one row, every row named,
 * indexed).  A name not found in a file that did not load whole is not
 * reported. */
struct load_refs {
    const struct plan *plans;
    size_t nplans;
    const struct names *plan_names;
    int plans_whole;
    const struct role *roles;
    size_t nroles;
    const struct names *role_names;
    int roles_whole;
};

/* Whether plans.csv, read into T (NULL when it could not be) and loaded into
 * the N PLANS, loaded whole; as load_staff_whole for staff.csv. */
int load_plans_whole(const struct table *t, const struct plan *plans, size_t n);
int load_staff_whole(const struct table *t, const struct role *roles, size_t n);

size_t load_plans(const struct table *t, const struct calendar *cal, struct diag *d, struct plan **plans,
                  size_t *n);
/* A scenario's arrivals as a whole (SCENARIO_MAX_RATE) are model_check's. */
size_t load_scenarios(const struct table *t, const struct calendar *cal, struct diag *d, struct scenario **scenarios,
                      size_t *n);
size_t load_infra(const struct table *t, const struct calendar *cal, struct diag *d, struct infra_line **lines,
                  size_t *n);
size_t load_staff(const struct table *t, const struct calendar *cal, struct diag *d, struct role **roles,
                  size_t *n);
/* Plan and role names must exist in REFS. */
size_t load_features(const struct table *t, const struct calendar *cal, struct diag *d,
                     const struct load_refs *refs, struct feature **features, size_t *n);
size_t load_deals(const struct table *t, const struct calendar *cal, struct diag *d, const struct load_refs *refs,
                  struct deal **deals, size_t *n);
size_t load_rounds(const struct table *t, const struct calendar *cal, struct diag *d, struct round **rounds,
                   size_t *n);

/*
 * Parses TEXT as a cell of column COLUMN of file FILE ("scenarios.csv";
 * "company.csv" for a setting) by the rules the loader reads that column
 * with: its range, whether it takes a distribution and a '%', the
 * setting's own check.  For the value columns and the number settings
 * (cash, min_cash) only.  Returns 0 with *OUT set (a setting's number as a
 * constant), -1 with what is wrong, quoting TEXT, in WHY, or -2 when FILE
 * has no such column.  What `sweep` and `goal` put into a cell goes
 * through here, so it is refused exactly where the model file's would be.
 */
int load_parse_cell(const char *file, const char *column, const char *text, struct dist *out, char *why,
                    size_t whylen);

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
