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
    char **head;        /* its header's column names, trimmed (owned), so that
                         * model_check places messages after the file is read */
    size_t ncols;
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
    long cash_at[2], min_cash_at[2]; /* line and column of company.csv's cash and min_cash (0: not written) */
    const struct contract *contract; /* a contract to quote (cpcsim quote), borrowed; NULL: none */
    int cpc_plan; /* the plan whose cost per customer over the horizon the paths measure (cpcsim scope); -1: none */
};

/*
 * Loads the model folder DIR.  Returns ST_OK with *out set (free with
 * model_free), or the worst status of the problems found (all in D) with
 * *out NULL: ST_NOINPUT for a missing required file or folder, ST_DATA for
 * bad data, ST_NOMEM.  Warnings (blank rows, distributions clamped often)
 * do not stop loading.  A model whose every file reads without errors is
 * then checked as a whole by model_check.
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

/* A value cell by its place: its file, its row (index within the file)
 * and its value column, as struct model_cell numbers them; for
 * company.csv's settings, column 0 is cash and 1 min_cash. */
struct model_cell_id {
    enum model_file file;
    size_t row;
    unsigned column;
};

/*
 * Checks the values of M as a whole, as loaded or as edited in place
 * (sweep and goal put other values into cells): every scenario's arrivals
 * within what cpcsim counts (SCENARIO_MAX_RATE), every amount within what
 * it computes with (bounds.h), and a warning for every uncertain cell whose
 * distribution puts more than 1% of its mass outside its field's range
 * (the clamping report).  Messages are placed at the model's cells, the
 * same whether a value was written in the file or put in by an edit.
 * Errors are reported wherever they are; warnings, which the model as
 * loaded has had already, only where they can have changed: on the N
 * cells EDITED and their rows (none when N is 0), or everywhere when
 * EDITED is NULL (as model_load calls it).  Returns the number of errors
 * added to D.
 */
size_t model_check(const struct model *m, const struct model_cell_id *edited, size_t n, struct diag *d);

/* Whether a warning on row ROW of file F (and, when COLUMN >= 0, on that
 * value column) is wanted by model_check for the N cells EDITED. */
int model_check_wants(const struct model_cell_id *edited, size_t n, enum model_file f, size_t row, int column);

/* The file F of M as messages name it ("MODEL/infra.csv") into BUF, and the
 * 1-based column of its header named NAME (0: not in the file). */
void model_file_path(const struct model *m, enum model_file f, char *buf, size_t len);
int model_column(const struct model *m, enum model_file f, const char *name);

/* The 64-bit FNV-1a hash of LEN bytes. */
uint64_t model_fnv1a(const void *data, size_t len, uint64_t h);

#endif
