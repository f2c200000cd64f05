/*
 * diag.c - collected diagnostics (see diag.h).  If memory runs out while a
 * message is being added, the message is dropped and the sink remembers the
 * failure, so the caller still ends with ST_NOMEM rather than a silent pass.
 */
#include "sim/diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "sim/mem.h"
#include "sim/term.h"

struct diag {
    char **msgs;
    size_t n, cap;
    size_t errors, warnings;
    enum status worst;
    size_t printed;     /* msgs[0 .. printed) are printed */
    size_t batch_kept;  /* messages kept since the last diag_print */
    size_t batch_left;  /* and left out, past DIAG_KEPT */
};

struct diag *diag_new(void)
{
    return mem_calloc(1, sizeof(struct diag));
}

void diag_free(struct diag *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->n; i++)
        mem_free(d->msgs[i]);
    mem_free(d->msgs);
    mem_free(d);
}

void diag_nomem(struct diag *d)
{
    d->worst = status_worse(d->worst, ST_NOMEM);
}

/* Formats FMT whole (a name is never cut), then keeps it escaped for a
 * terminal (term.h).  Past DIAG_KEPT messages since the last print, only
 * counts it: the formatting is skipped too, so a file of millions of bad
 * cells costs time linear in its size, and bounded memory. */
static void add(struct diag *d, const char *kind, const char *file, long line, long col,
                const char *fmt, va_list ap)
{
    if (d->batch_kept >= DIAG_KEPT) {
        d->batch_left++;
        return;
    }
    char where[64];
    if (line > 0 && col > 0)
        snprintf(where, sizeof where, ":%ld:%ld: %s", line, col, kind);
    else if (line > 0)
        snprintf(where, sizeof where, ":%ld: %s", line, kind);
    else
        snprintf(where, sizeof where, ": %s", kind);
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(NULL, 0, fmt, again);
    va_end(again);
    size_t flen = strlen(file), wlen = strlen(where);
    char *raw = n < 0 ? NULL : mem_alloc(flen + wlen + (size_t)n + 1);
    if (!raw) {
        diag_nomem(d);
        return;
    }
    memcpy(raw, file, flen);
    memcpy(raw + flen, where, wlen);
    vsnprintf(raw + flen + wlen, (size_t)n + 1, fmt, ap);
    size_t len = term_escape(raw, NULL, 0);
    char *msg = mem_alloc(len + 1);
    if (!msg) {
        mem_free(raw);
        diag_nomem(d);
        return;
    }
    term_escape(raw, msg, len + 1);
    mem_free(raw);
    if (d->n == d->cap) {
        size_t cap = d->cap ? 2 * d->cap : 16;
        char **grown = mem_realloc(d->msgs, cap, sizeof *grown);
        if (!grown) {
            mem_free(msg);
            diag_nomem(d);
            return;
        }
        d->msgs = grown;
        d->cap = cap;
    }
    d->msgs[d->n++] = msg;
    d->batch_kept++;
}

void diag_error(struct diag *d, const char *file, long line, long col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add(d, "", file, line, col, fmt, ap);
    va_end(ap);
    d->errors++;
    d->worst = status_worse(d->worst, ST_DATA);
}

void diag_fail(struct diag *d, enum status st, const char *file, long line, long col,
               const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add(d, "", file, line, col, fmt, ap);
    va_end(ap);
    d->errors++;
    d->worst = status_worse(d->worst, st);
}

void diag_warn(struct diag *d, const char *file, long line, long col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add(d, "warning: ", file, line, col, fmt, ap);
    va_end(ap);
    d->warnings++;
}

size_t diag_errors(const struct diag *d) { return d->errors; }
size_t diag_warnings(const struct diag *d) { return d->warnings; }
enum status diag_status(const struct diag *d) { return d->worst; }
size_t diag_count(const struct diag *d) { return d->n; }
const char *diag_message(const struct diag *d, size_t i) { return i < d->n ? d->msgs[i] : NULL; }

void diag_print(struct diag *d, FILE *f)
{
    for (size_t i = d->printed; i < d->n; i++)
        fprintf(f, "%s\n", d->msgs[i]);
    if (d->batch_left)
        fprintf(f, "cpcsim: %zu more problem%s not shown (the first %d are)\n", d->batch_left,
                d->batch_left == 1 ? "" : "s", DIAG_KEPT);
    d->printed = d->n;
    d->batch_kept = d->batch_left = 0;
}

static int rank(enum status s)
{
    switch (s) {
    case ST_OK: return 0;
    case ST_DATA: return 1;
    case ST_USAGE: return 2;
    case ST_NOINPUT: return 3;
    case ST_CANTCREAT: return 4;
    case ST_IOERR: return 5;
    case ST_INTERRUPT: return 6;
    case ST_NOMEM: return 7;
    case ST_SOFTWARE: return 8;
    }
    return 8;
}

enum status status_worse(enum status a, enum status b)
{
    return rank(a) >= rank(b) ? a : b;
}
