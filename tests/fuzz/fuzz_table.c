/*
 * fuzz_table.c - libFuzzer harness for table_parse (sim/table.h).
 *
 * Feeds the input bytes, as they are, to table_parse with a fresh diag and
 * checks what table.h promises, calling abort() when a promise is broken:
 *
 *   ST_OK    a table; header and every cell a NUL-terminated string of at
 *            most TABLE_MAX_FIELD bytes, trimmed of spaces and tabs; no row
 *            dropped; every line number >= 1, not past the last line of the
 *            input, non-decreasing in reading order, and each row on a later
 *            line than the one before (the header included).
 *   failure  an error (not only a warning) in the diag, and the diag's status
 *            is the one returned; with ST_DATA a table may still come back,
 *            but only when rows of the wrong width were dropped.
 *
 * Built and run by tests/fuzz/run.sh.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "sim/diag.h"
#include "sim/table.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_table: invariant broken: %s (%s:%d)\n", #cond, __FILE__,       \
                    __LINE__);                                                                     \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    gsl_set_error_handler_off(); /* as main() does */
    return 0;
}

static void check_text(const char *s)
{
    CHECK(s != NULL);
    size_t n = strnlen(s, TABLE_MAX_FIELD + 1);
    CHECK(n <= TABLE_MAX_FIELD);
    if (n) {
        CHECK(s[0] != ' ' && s[0] != '\t');
        CHECK(s[n - 1] != ' ' && s[n - 1] != '\t');
    }
}

/* Lines in the input as table.c counts them: LF, CRLF and a lone CR end one. */
static long count_lines(const uint8_t *s, size_t n)
{
    long lines = 1;
    for (size_t i = 0; i < n; i++)
        if (s[i] == '\n' || (s[i] == '\r' && (i + 1 == n || s[i + 1] != '\n')))
            lines++;
    return lines;
}

static void check_table(const struct table *t, long max_line)
{
    CHECK(t->name != NULL);
    CHECK(t->ncols >= 1);
    CHECK(t->head != NULL);
    for (size_t c = 0; c < t->ncols; c++)
        check_text(t->head[c]);
    CHECK(t->head_line >= 1 && t->head_line <= max_line);
    if (t->nrows)
        CHECK(t->cells != NULL && t->lines != NULL);
    long prev_row_last = t->head_line; /* the header's first field: at least its line */
    for (size_t r = 0; r < t->nrows; r++) {
        long prev = 0;
        for (size_t c = 0; c < t->ncols; c++) {
            check_text(table_cell(t, r, c));
            long line = table_line(t, r, c);
            CHECK(line >= 1 && line <= max_line);
            CHECK(line >= prev);
            prev = line;
        }
        CHECK(table_line(t, r, 0) > prev_row_last);
        prev_row_last = prev;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct diag *d = diag_new();
    if (!d)
        return 0;
    struct table *t = (struct table *)0x1; /* table_parse must set it */
    enum status st = table_parse((const char *)data, size, "fuzz.csv", d, &t);
    long max_line = count_lines(data, size);
    if (st == ST_OK) {
        CHECK(t != NULL);
        CHECK(t->dropped == 0);
        CHECK(diag_errors(d) == 0);
        CHECK(diag_status(d) == ST_OK);
        check_table(t, max_line);
    } else {
        CHECK(st == ST_DATA || st == ST_NOMEM);
        CHECK(diag_status(d) == st);
        if (st == ST_DATA)
            CHECK(diag_errors(d) >= 1 && diag_count(d) >= 1);
        if (t) {
            CHECK(st == ST_DATA && t->dropped >= 1);
            CHECK(diag_errors(d) >= t->dropped);
            check_table(t, max_line);
        }
    }
    for (size_t i = 0; i < diag_count(d); i++)
        CHECK(diag_message(d, i) != NULL);
    table_free(t);
    diag_free(d);
    return 0;
}
