/*
 * table.h - one CSV file of a model, read strictly into rows of text cells.
 *
 * The dialect is fixed (RFC 4180, UTF-8, comma, header row first, LF or CRLF)
 * and checked, never guessed: a BOM is skipped; UTF-16, invalid UTF-8, NUL
 * bytes, stray or unterminated quotes, ';'-separated files and rows of the
 * wrong width are errors placed at their line and column.  Blank rows (and
 * rows of only empty cells) are skipped with one warning that counts them.
 * Parsing is done by libcsv; this module counts lines and fields around it,
 * since libcsv reports neither.
 *
 * Limits: a file over TABLE_MAX_FILE bytes or a field over TABLE_MAX_FIELD
 * bytes is an error, so memory stays bounded whatever the input.
 */
#ifndef CPC_TABLE_H
#define CPC_TABLE_H

#include <stddef.h>
#include <stdio.h>

#include "sim/diag.h"

#define TABLE_MAX_FILE (64UL * 1024 * 1024)
#define TABLE_MAX_FIELD (64UL * 1024)

struct table {
    char *name;     /* as shown in messages, e.g. "model/infra.csv" */
    size_t ncols;   /* fields in the header */
    char **head;    /* header names, trimmed */
    long head_line; /* the line the header is on */
    size_t nrows;   /* data rows kept (blank rows dropped) */
    char **cells;   /* nrows * ncols cells, row-major, trimmed */
    long *lines;    /* nrows * ncols: the line each cell starts on */
    size_t dropped; /* rows of the wrong width, reported and left out */
};

/*
 * Reads the file at PATH; NAME is how messages name it.  On success *out is
 * a new table the caller frees with table_free.  Returns ST_NOINPUT when the
 * file is missing, unreadable or not a regular file (table_open), ST_DATA when its text breaks the dialect
 * (every problem is in D), ST_NOMEM when memory ran out.  Rows of the wrong
 * width are reported and dropped: the status is then ST_DATA but *out still
 * holds the other rows, so their cells can be checked in the same run.
 * On any other failure *out is NULL.
 */
/*
 * Opens the file at PATH (NAME in messages) for reading, without ever
 * waiting: a FIFO, a socket, a device, a folder or a symbolic link to
 * nothing is refused with a placed message (ST_NOINPUT in D) and NULL, as
 * is a file that cannot be opened; NULL with ST_NOMEM recorded when memory
 * runs out.  The caller closes the stream.
 */
FILE *table_open(const char *path, const char *name, struct diag *d);

enum status table_read(const char *path, const char *name, struct diag *d, struct table **out);

/* Parses LEN bytes of CSV text already in memory; as table_read otherwise. */
enum status table_parse(const char *text, size_t len, const char *name, struct diag *d,
                        struct table **out);

void table_free(struct table *t);

/* The cell of row R (0-based) and column C (0-based), and its line. */
const char *table_cell(const struct table *t, size_t r, size_t c);
long table_line(const struct table *t, size_t r, size_t c);

#endif
