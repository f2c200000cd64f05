/*
 * inputs.h - the model's uncertain inputs, each under its one name.
 *
 * An input is a value cell that holds a distribution rather than a plain
 * number (a cell marked U in SPEC.md: plans.csv, scenarios.csv, infra.csv,
 * staff.csv, features.csv, funding.csv).  Its name is FILE:ROW:COLUMN, ROW
 * the row's name (its first column, as written) and COLUMN the column's
 * name as SPEC.md writes it: staff.csv:Engineer:salary,
 * scenarios.csv:realistic:churn (DESIGN.md: every report and option that
 * names an input uses this name).  File and column names never hold ':',
 * so a name reads back unambiguously even when a row's name does: the
 * file is the text before the first ':', the column the text after the
 * last, the row what lies between.
 *
 * The list is in the model's file order (model_for_each_cell): plans,
 * scenarios, infra, staff, features, funding; within a file by row, then
 * column.
 */
#ifndef CPC_INPUTS_H
#define CPC_INPUTS_H

#include <stddef.h>

#include "sim/model.h"

struct input {
    char *name;               /* "staff.csv:Engineer:salary" (owned by the list) */
    enum model_file file;
    size_t row;               /* index of the row in its file (for scenarios.csv, the scenario) */
    unsigned column;          /* index among its file's value columns (struct model_cell) */
    long line;                /* the row's line in its file */
    const struct dist *value; /* borrowed from the model; NULL for a setting of company.csv */
    const char *column_name;  /* "salary" (static) */
};

struct inputs {
    struct input *item;
    size_t n;
};

/* The uncertain inputs of M (borrowed: it must outlive the list).  NULL
 * when memory runs out.  Free with inputs_free; inputs_free(NULL) does
 * nothing. */
struct inputs *inputs_new(const struct model *m);
void inputs_free(struct inputs *in);

/* Every cell of M a command may set (sweep, goal): every value cell,
 * holding a distribution or a plain number, in the order above, then
 * company.csv's cash and min_cash (named company.csv:cash and
 * company.csv:min_cash: a settings file has no row names; file MF_COMPANY,
 * column 0 and 1, value NULL).  NULL when memory runs out. */
struct inputs *inputs_new_cells(const struct model *m);

/* The index in IN of the input named NAME (exactly, case and spaces
 * included), or -1. */
long inputs_find(const struct inputs *in, const char *name);

/* Resolves NAME to an input of IN, the uncertain inputs of model M: its
 * index, or -1 with why not in WHY (the one message for a name that is not
 * an input: a cell of M that holds one number, or no such cell, with the
 * nearest names of IN). */
long inputs_resolve(const struct inputs *in, const struct model *m, const char *name, char *why, size_t whylen);
/* Puts into NEAR the names of IN closest to NAME (at most MAX, closest
 * first; file, row and column each compared apart, so that long row names
 * are compared whole), those close enough to be a typing slip of it, and
 * returns how many. */
size_t inputs_nearest(const struct inputs *in, const char *name, const char **near, size_t max);

#endif
