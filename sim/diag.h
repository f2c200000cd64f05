/*
 * diag.h - the diagnostics sink: problems found in a model, collected.
 *
 * Loaders never print and never stop at the first problem: they add each
 * problem here with its place (file, line, column) and go on, so a user sees
 * every problem of a model at once.  main() prints what was collected.
 * Columns are spreadsheet columns: the 1-based number of the field in its
 * row.  A line or column of 0 means "not known" and is left out.
 *
 * Messages read "FILE:LINE:COL: TEXT" for errors and
 * "FILE:LINE:COL: warning: TEXT" for warnings.  A message is kept whole
 * (however long the names it quotes), with the bytes a terminal would act
 * on shown escaped (term.h: ESC as \x1b).  Work and memory are bounded
 * whatever the input: of the messages added between two prints, the first
 * DIAG_KEPT are kept and the rest only counted (errors and the worst
 * status count them all).
 */
#ifndef CPC_DIAG_H
#define CPC_DIAG_H

#include <stddef.h>
#include <stdio.h>

#include "sim/status.h"

struct diag;

/* The most messages kept between two prints (diag_print). */
#define DIAG_KEPT 50

struct diag *diag_new(void);
void diag_free(struct diag *d);

#if defined(__GNUC__)
#define DIAG_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define DIAG_PRINTF(a, b)
#endif

/* Adds an error at FILE:LINE:COL.  The worst status seen is kept (see
 * diag_status); a plain error counts as ST_DATA. */
void diag_error(struct diag *d, const char *file, long line, long col, const char *fmt, ...)
    DIAG_PRINTF(5, 6);
/* An error with a status other than ST_DATA (a missing file: ST_NOINPUT). */
void diag_fail(struct diag *d, enum status st, const char *file, long line, long col,
               const char *fmt, ...) DIAG_PRINTF(6, 7);
void diag_warn(struct diag *d, const char *file, long line, long col, const char *fmt, ...)
    DIAG_PRINTF(5, 6);
/* Records that memory ran out; diag_status then reports ST_NOMEM. */
void diag_nomem(struct diag *d);

/* Errors and warnings added, the ones only counted included. */
size_t diag_errors(const struct diag *d);
size_t diag_warnings(const struct diag *d);
/* ST_OK when no error was added, else the worst status of those added. */
enum status diag_status(const struct diag *d);
/* The messages kept, printed or not. */
size_t diag_count(const struct diag *d);
/* The i-th message kept, as printed, without a trailing newline. */
const char *diag_message(const struct diag *d, size_t i);
/* Writes the messages kept since the last print, one per line in the order
 * they were added, then, when more were added than kept, one line that
 * counts the rest ("cpcsim: 4999950 more problems not shown (the first 50
 * are)"). */
void diag_print(struct diag *d, FILE *f);

#endif
