/*
 * model.h - a whole model folder, loaded and checked.
 *
 * model_load reads company.csv first (it fixes the start month and horizon
 * that month cells are read against), then every other file, and reports
 * every problem of every file before giving up: a model with problems is
 * never simulated.  Optional files that are absent leave their arrays empty.
 * A file whose rows key random streams has at most as many rows as the
 * streams tell apart (rng.h: RNG_CELL_ROWS, RNG_INDEX_LIMIT for deals);
 * one with more is refused.
 */
#ifndef CPC_MODEL_H
#define CPC_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "models/calendar.h"
#include "models/contract.h"
#include "models/deals.h"
#include "models/features.h"
#include "models/infra.h"
#include "models/plans.h"
#include "models/staff.h"
#include "sim/diag.h"

enum model_file {
    MF_COMPANY, MF_PLANS, MF_SCENARIOS, MF_INFRA, MF_STAFF, MF_FEATURES, MF_PIPELINE, MF_FUNDING, MF_CORRELATIONS,
    MF_COUNT
};

struct model_source {
    const char *file;   /* "infra.csv" */
    int present;
    uint64_t checksum;  /* FNV-1a 64 of the file's bytes */
    size_t rows;
};

struct model {
    char *dir;
    struct calendar cal;
    double cash, min_cash, target_margin, confidence;
    char *currency;
    struct plan *plans;
    size_t nplans;
    struct scenario *scenarios;
    size_t nscenarios;
    struct infra_line *infra;
    size_t ninfra;
    struct role *roles;
    size_t nroles;
    struct feature *features;
    size_t nfeatures;
    struct deal *deals;
    size_t ndeals;
    struct round *rounds;
    size_t nrounds;
    struct correlation *correlations; /* correl.h: correlations.csv's pairs, resolved */
    size_t ncorrelations;
    struct model_source sources[MF_COUNT];
    const struct contract *contract; /* a contract to quote (cpcsim quote), borrowed; NULL: none */
    int cpc_plan; /* the plan whose cost per customer over the horizon the paths measure (cpcsim scope); -1: none */
};

/*
 * Loads the model folder DIR.  Returns ST_OK with *out set (free with
 * model_free), or the worst status of the problems found (all in D) with
 * *out NULL: ST_NOINPUT for a missing required file or folder, ST_DATA for
 * bad data, ST_NOMEM.  Warnings (blank rows, distributions clamped often)
 * do not stop loading.
 */
enum status model_load(const char *dir, struct diag *d, struct model **out);
void model_free(struct model *m);
/*
 * Makes M's draws fast: builds the quantile table of every beta and PERT
 * cell (dist_prepare; about 1 ms and 30 KiB a cell).  A run calls it after
 * model_load; checking a model needs none.  Draws agree with and without
 * tables to about 1e-11, not bit for bit.  ST_NOMEM when memory runs out.
 */
enum status model_prepare_draws(struct model *m);

/* Calls FN for every value cell of M (every field that may hold a
 * distribution), in file order: its file, line, column name and value. */
void model_for_each_value(const struct model *m,
                          void (*fn)(void *ctx, enum model_file f, long line, const char *column,
                                     const struct dist *v),
                          void *ctx);
/* One value cell of a model file: its file, its row (index within the
 * file, and the row's name: its first column), its column (index among
 * the file's value columns, the order of model_for_each_value, which is
 * the column its random stream is keyed by; and its header), its line and
 * its value. */
struct model_cell {
    enum model_file file;
    size_t row;
    const char *row_name;
    unsigned column;
    const char *column_name;
    long line;
    const struct dist *value;
};
/* Calls FN for every value cell of M, in the order of model_for_each_value. */
void model_for_each_cell(const struct model *m, void (*fn)(void *ctx, const struct model_cell *c), void *ctx);
/* The value cell of file F, row ROW (index within the file), value column
 * COLUMN (as struct model_cell numbers them) of M, to change in place
 * (sweep and goal); NULL when M has no such cell.  Whoever changes it puts
 * the model's own value back before model_free. */
struct dist *model_cell_value(struct model *m, enum model_file f, size_t row, unsigned column);
/* "infra.csv" and so on. */
const char *model_file_name(enum model_file f);

/* Adds a warning for every uncertain cell whose distribution puts more than
 * 1% of its mass outside its field's range (the clamping report);
 * model_load adds them for every command. */
void model_warn_clamping(const struct model *m, struct diag *d);

/* The 64-bit FNV-1a hash of LEN bytes. */
uint64_t model_fnv1a(const void *data, size_t len, uint64_t h);

#endif
