/*
 * schema.h - from a table of text cells to an array of typed rows.
 *
 * Each model file is described by a table of columns (name, type, whether
 * required, default, where the value goes in the row struct).  schema_load
 * checks the header against it (unknown, duplicate and missing columns are
 * errors that list the known ones) and converts every cell, reporting every
 * bad cell with its file, line and column.  Row structs start with a
 * `long`, which receives the row's line.  A settings file (company.csv:
 * columns setting,value, a row per setting) is read by the same column
 * descriptions, one per setting, into one struct (schema_load_settings).
 */
#ifndef CPC_SCHEMA_H
#define CPC_SCHEMA_H

#include <stddef.h>

#include "models/calendar.h"
#include "models/dist.h"
#include "sim/diag.h"
#include "sim/table.h"

enum col_type {
    COL_TEXT,   /* char *, owned by the row; NULL when empty */
    COL_VALUE,  /* struct dist (a number, or a distribution if COL_UNCERTAIN) */
    COL_NUMBER, /* double: a plain number within the column's range; NAN when empty and no default */
    COL_COUNT,  /* double holding a whole number >= 0 */
    COL_MONTH,  /* int month index (see calendar.h) */
    COL_CHOICE, /* int: index into the column's choices */
    COL_DATE    /* int: a YYYY-MM date as year * 12 + month - 1 */
};

enum {
    COL_REQUIRED = 1,  /* the column must be in the header, its cells non-empty */
    COL_UNCERTAIN = 2, /* COL_VALUE: a distribution is allowed (the spec's U) */
    COL_KEY = 4,       /* COL_TEXT: a name, unique within the file */
    COL_NO_PAST = 8,   /* COL_MONTH: a date before the start is an error */
    COL_NO_DEFAULT = 16, /* COL_NUMBER: empty means "none" (NAN) */
    COL_FRACTION = 32   /* COL_VALUE, COL_NUMBER: a rate, share, change or ratio, so '5%' (0.05) may be
                           written; in any other number column a '%' is an error */
};

#define MONTH_HORIZON (-1) /* default month: the last month of the horizon */

struct column {
    const char *name;
    enum col_type type;
    unsigned flags;
    size_t offset;
    enum dist_range range;
    double def;                 /* default number, count or month */
    const char *const *choices; /* COL_CHOICE: NULL-terminated */
    /* COL_NUMBER, COL_COUNT: a check of the value beyond its range; returns
     * 0, or -1 with what is wrong (quoting TEXT) in WHY.  May be NULL. */
    int (*check)(double value, const char *text, char *why, size_t whylen);
    const char *help;           /* settings: what the setting is, for "missing setting" */
};

/*
 * Converts table T by the NCOLS columns COLS into a new array of T->nrows
 * rows of ROW_SIZE bytes (*rows; the caller frees it with schema_free).
 * Returns the number of errors added to D; rows with errors are still
 * returned, with defaults in their bad cells.  *rows is NULL (and ST_NOMEM
 * recorded in D) when memory runs out.
 */
size_t schema_load(const struct table *t, const struct column *cols, size_t ncols,
                   const struct calendar *cal, struct diag *d, void **rows, size_t row_size);

/*
 * Reads the settings file T (columns setting,value) by COLS, one column
 * description per setting, into the struct OUT (defaults first).  Unknown,
 * repeated and missing required settings are errors, as are bad values;
 * when rows of T were dropped for their width, a missing setting is not
 * reported (it may be on one of them).  Bit K of *UNREAD (NCOLS at most
 * the bits of an unsigned long) is set when setting K is not known: given
 * with a bad value, missing while required or while rows were dropped, or
 * the header lacks its columns; other settings hold their value or their
 * default.  Returns the number of errors added to D.
 */
size_t schema_load_settings(const struct table *t, const struct column *cols, size_t ncols,
                            const struct calendar *cal, struct diag *d, void *out, unsigned long *unread);

/* Reports "no WHAT" when T has no data rows (unless rows were dropped for
 * their width, which is already reported); returns the number of errors. */
size_t schema_require_rows(const struct table *t, const char *what, struct diag *d);

/* What column C's cells take, in dist_parse's flags (DIST_UNCERTAIN,
 * DIST_NO_PERCENT). */
unsigned schema_value_flags(const struct column *c);

/* Frees the text cells of N rows and the array itself.  NULL does nothing. */
void schema_free(const struct column *cols, size_t ncols, void *rows, size_t n, size_t row_size);

/* The 0-based index of column NAME in T's header (case-insensitive), or -1. */
int schema_find(const struct table *t, const char *name);

/* The line and column (1-based) of setting NAME's value in the settings
 * file T; both 0 when T does not give it. */
void schema_setting_place(const struct table *t, const char *name, long *line, long *col);

/* Case-insensitive comparison of header names, ASCII only. */
int schema_name_eq(const char *a, const char *b);

#endif
