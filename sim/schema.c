/*
 * schema.c - typed loading of model files (see schema.h).
 */
#include "sim/schema.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/mem.h"

int schema_name_eq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return 0;
    return *a == *b;
}

int schema_find(const struct table *t, const char *name)
{
    for (size_t i = 0; i < t->ncols; i++)
        if (schema_name_eq(t->head[i], name))
            return (int)i;
    return -1;
}

void schema_setting_place(const struct table *t, const char *name, long *line, long *col)
{
    int cs = schema_find(t, "setting"), cv = schema_find(t, "value");
    *line = *col = 0;
    for (size_t r = 0; cs >= 0 && cv >= 0 && r < t->nrows; r++)
        if (schema_name_eq(table_cell(t, r, (size_t)cs), name)) {
            *line = table_line(t, r, (size_t)cv);
            *col = cv + 1;
            return;
        }
}

static void known_list(const struct column *cols, size_t ncols, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < ncols && used < len; i++)
        used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? ", " : "", cols[i].name);
}

static void choice_list(const char *const *choices, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; choices[i] && used < len; i++)
        used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? ", " : "", choices[i]);
}

/* Checks the header; fills map[k] with the table column of schema column k
 * (-1 when absent).  Returns the number of errors. */
static size_t check_header(const struct table *t, const struct column *cols, size_t ncols, int *map,
                           struct diag *d)
{
    size_t errors = 0;
    char known[1024];
    known_list(cols, ncols, known, sizeof known);
    for (size_t k = 0; k < ncols; k++)
        map[k] = -1;
    for (size_t i = 0; i < t->ncols; i++) {
        const char *h = t->head[i];
        if (!*h) {
            diag_error(d, t->name, t->head_line, (long)i + 1, "empty column name in the header; known columns: %s",
                       known);
            errors++;
            continue;
        }
        size_t k;
        for (k = 0; k < ncols; k++)
            if (schema_name_eq(h, cols[k].name))
                break;
        if (k == ncols) {
            diag_error(d, t->name, t->head_line, (long)i + 1, "unknown column '%s'; known columns: %s", h, known);
            errors++;
        } else if (map[k] >= 0) {
            diag_error(d, t->name, t->head_line, (long)i + 1, "duplicate column '%s' (also column %d); known columns: %s", h,
                       map[k] + 1, known);
            errors++;
        } else {
            map[k] = (int)i;
        }
    }
    for (size_t k = 0; k < ncols; k++) {
        if (map[k] < 0 && (cols[k].flags & COL_REQUIRED)) {
            diag_error(d, t->name, t->head_line, 0, "missing required column '%s'; known columns: %s",
                       cols[k].name, known);
            errors++;
        }
    }
    return errors;
}

static int set_default(const struct column *c, const struct calendar *cal, char *row)
{
    void *at = row + c->offset;
    switch (c->type) {
    case COL_TEXT: *(char **)at = NULL; break;
    case COL_VALUE: *(struct dist *)at = dist_const(c->def, c->range); break;
    case COL_NUMBER: *(double *)at = (c->flags & COL_NO_DEFAULT) ? NAN : c->def; break;
    case COL_COUNT: *(double *)at = c->def; break;
    case COL_MONTH: *(int *)at = c->def == MONTH_HORIZON ? cal->months : (int)c->def; break;
    case COL_CHOICE: *(int *)at = (int)c->def; break;
    case COL_DATE: *(int *)at = (int)c->def; break;
    }
    return 0;
}

unsigned schema_value_flags(const struct column *c)
{
    return ((c->flags & COL_UNCERTAIN) ? DIST_UNCERTAIN : 0u) | ((c->flags & COL_FRACTION) ? 0u : DIST_NO_PERCENT);
}

/* Converts one non-empty cell; returns 0, or -1 with the reason in WHY,
 * or -2 when memory ran out. */
static int convert(const struct column *c, const struct calendar *cal, const char *text, char *row,
                   char *why, size_t whylen)
{
    void *at = row + c->offset;
    double v;
    switch (c->type) {
    case COL_TEXT: {
        char *copy = mem_strdup(text);
        if (!copy)
            return -2;
        *(char **)at = copy;
        return 0;
    }
    case COL_VALUE:
        return dist_parse(text, c->range, schema_value_flags(c), (struct dist *)at, why, whylen);
    case COL_NUMBER:
    case COL_COUNT: {
        /* the value language with distributions refused: one place says
         * what a number may be and what to write instead */
        struct dist one;
        if (dist_parse(text, c->range, schema_value_flags(c) & ~(unsigned)DIST_UNCERTAIN, &one, why, whylen))
            return -1;
        v = one.p[0];
        if (c->type == COL_COUNT && (v < 0 || v != floor(v) || v > 1e9)) {
            snprintf(why, whylen, "expected a whole number of 0 or more, got '%s'", text);
            return -1;
        }
        if (c->check && c->check(v, text, why, whylen))
            return -1;
        *(double *)at = v;
        return 0;
    }
    case COL_MONTH: {
        int m;
        if (calendar_parse_month(cal, text, &m, why, whylen))
            return -1;
        if (m < 1 && (c->flags & COL_NO_PAST)) {
            snprintf(why, whylen, "%s is before the first simulated month", text);
            return -1;
        }
        *(int *)at = m;
        return 0;
    }
    case COL_DATE: {
        int y, m;
        if (calendar_parse_date(text, &y, &m)) {
            snprintf(why, whylen, "expected a month as YYYY-MM (such as 2027-01), got '%s'", text);
            return -1;
        }
        *(int *)at = y * 12 + m - 1;
        return 0;
    }
    case COL_CHOICE:
        for (int i = 0; c->choices[i]; i++) {
            if (schema_name_eq(text, c->choices[i])) {
                *(int *)at = i;
                return 0;
            }
        }
        char list[256];
        choice_list(c->choices, list, sizeof list);
        snprintf(why, whylen, "expected one of %s, got '%s'", list, text);
        return -1;
    }
    return -1;
}

struct keyed {
    const char *name;
    size_t row;
};

static int by_name_then_row(const void *a, const void *b)
{
    const struct keyed *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : (x->row > y->row) - (x->row < y->row);
}

/* Reports every row whose name in column C (table column TC) repeats an
 * earlier row's, in row order; sorting keeps this fast for long files. */
static size_t check_unique(const struct table *t, const struct column *c, int tc, const char *rows,
                           size_t row_size, struct diag *d)
{
    size_t n = t->nrows, errors = 0;
    struct keyed *keys = mem_calloc(n, sizeof *keys);
    size_t *first = mem_calloc(n, sizeof *first);
    if (!keys || !first) {
        mem_free(keys);
        mem_free(first);
        diag_nomem(d);
        return 1;
    }
    size_t m = 0;
    for (size_t r = 0; r < n; r++) {
        const char *name = *(char *const *)(rows + r * row_size + c->offset);
        first[r] = r;
        if (name)
            keys[m++] = (struct keyed){ name, r };
    }
    qsort(keys, m, sizeof *keys, by_name_then_row);
    for (size_t i = 1; i < m; i++)
        if (!strcmp(keys[i].name, keys[i - 1].name))
            first[keys[i].row] = first[keys[i - 1].row];
    for (size_t r = 0; r < n; r++) {
        if (first[r] == r)
            continue;
        const char *name = *(char *const *)(rows + r * row_size + c->offset);
        diag_error(d, t->name, table_line(t, r, (size_t)tc), tc + 1, "%s: duplicate name '%s' (first on line %ld)",
                   c->name, name, table_line(t, first[r], (size_t)tc));
        errors++;
    }
    mem_free(keys);
    mem_free(first);
    return errors;
}

size_t schema_load(const struct table *t, const struct column *cols, size_t ncols,
                   const struct calendar *cal, struct diag *d, void **rows, size_t row_size)
{
    int map[32];
    *rows = NULL;
    size_t errors = check_header(t, cols, ncols, map, d);
    char *out = mem_calloc(t->nrows ? t->nrows : 1, row_size);
    if (!out) {
        diag_nomem(d);
        return errors + 1;
    }
    for (size_t r = 0; r < t->nrows; r++) {
        char *row = out + r * row_size;
        *(long *)(void *)row = table_line(t, r, 0);
        for (size_t k = 0; k < ncols; k++) {
            const struct column *c = &cols[k];
            set_default(c, cal, row);
            if (map[k] < 0)
                continue;
            const char *text = table_cell(t, r, (size_t)map[k]);
            long line = table_line(t, r, (size_t)map[k]);
            if (!*text) {
                if (c->flags & COL_REQUIRED) {
                    diag_error(d, t->name, line, map[k] + 1, "%s: this cell is required but empty", c->name);
                    errors++;
                }
                continue;
            }
            char why[768];
            int rc = convert(c, cal, text, row, why, sizeof why);
            if (rc == -2) {
                diag_nomem(d);
                schema_free(cols, ncols, out, t->nrows, row_size);
                return errors + 1;
            }
            if (rc) {
                set_default(c, cal, row);
                diag_error(d, t->name, line, map[k] + 1, "%s: %s", c->name, why);
                errors++;
            }
        }
    }
    for (size_t k = 0; k < ncols; k++)
        if ((cols[k].flags & COL_KEY) && map[k] >= 0)
            errors += check_unique(t, &cols[k], map[k], out, row_size, d);
    *rows = out;
    return errors;
}

size_t schema_load_settings(const struct table *t, const struct column *cols, size_t ncols,
                            const struct calendar *cal, struct diag *d, void *out, unsigned long *unread)
{
    size_t errors = 0;
    *unread = 0;
    int col_setting = schema_find(t, "setting"), col_value = schema_find(t, "value");
    for (size_t i = 0; i < t->ncols; i++) {
        if (!schema_name_eq(t->head[i], "setting") && !schema_name_eq(t->head[i], "value")) {
            diag_error(d, t->name, t->head_line, (long)i + 1, "unknown column '%s'; known columns: setting, value",
                       t->head[i]);
            errors++;
        }
    }
    for (size_t k = 0; k < ncols; k++)
        set_default(&cols[k], cal, out);
    if (col_setting < 0 || col_value < 0) {
        diag_error(d, t->name, t->head_line, 0, "missing required column '%s'; known columns: setting, value",
                   col_setting < 0 ? "setting" : "value");
        *unread = ~0UL;
        return errors + 1;
    }
    long seen[32] = { 0 };
    char known[1024];
    known_list(cols, ncols, known, sizeof known);
    for (size_t r = 0; r < t->nrows; r++) {
        const char *name = table_cell(t, r, (size_t)col_setting);
        const char *value = table_cell(t, r, (size_t)col_value);
        long line = table_line(t, r, (size_t)col_value);
        size_t k;
        for (k = 0; k < ncols; k++)
            if (schema_name_eq(name, cols[k].name))
                break;
        if (k == ncols) {
            diag_error(d, t->name, table_line(t, r, (size_t)col_setting), col_setting + 1,
                       "setting: unknown setting '%s'; known settings: %s", name, known);
            errors++;
            continue;
        }
        if (seen[k]) {
            diag_error(d, t->name, line, col_setting + 1, "setting: '%s' is set twice (first on line %ld)",
                       cols[k].name, seen[k]);
            errors++;
            continue;
        }
        seen[k] = line;
        if (!*value) {
            if (cols[k].flags & COL_REQUIRED) {
                diag_error(d, t->name, line, col_value + 1, "%s: this setting is required but empty", cols[k].name);
                *unread |= 1UL << k;
                errors++;
            }
            continue;
        }
        char why[768];
        int rc = convert(&cols[k], cal, value, out, why, sizeof why);
        if (rc == -2) {
            diag_nomem(d);
            *unread = ~0UL;
            return errors + 1;
        }
        if (rc) {
            set_default(&cols[k], cal, out);
            diag_error(d, t->name, line, col_value + 1, "%s: %s", cols[k].name, why);
            *unread |= 1UL << k;
            errors++;
        }
    }
    for (size_t k = 0; k < ncols; k++) {
        if (seen[k] || !((cols[k].flags & COL_REQUIRED) || t->dropped))
            continue;
        *unread |= 1UL << k;
        if (!t->dropped) {
            diag_error(d, t->name, 0, 0, "missing setting '%s' (%s)", cols[k].name, cols[k].help ? cols[k].help : "");
            errors++;
        }
    }
    return errors;
}

size_t schema_require_rows(const struct table *t, const char *what, struct diag *d)
{
    if (t->nrows || t->dropped)
        return 0;
    diag_error(d, t->name, 0, 0, "no %s: the file needs at least one row below its header", what);
    return 1;
}

void schema_free(const struct column *cols, size_t ncols, void *rows, size_t n, size_t row_size)
{
    if (!rows)
        return;
    char *base = rows;
    for (size_t r = 0; r < n; r++)
        for (size_t k = 0; k < ncols; k++)
            if (cols[k].type == COL_TEXT)
                mem_free(*(char **)(base + r * row_size + cols[k].offset));
    mem_free(rows);
}
