/*
 * table.c - strict CSV reading on top of libcsv (see table.h).
 *
 * Bytes are fed to libcsv one at a time so that the line of every byte is
 * known when libcsv calls back: the line a field starts on is that of the
 * last byte fed while the parser was between fields.  Lines end at LF, at
 * CRLF, or at a lone CR, so line numbers stay right with mixed line ends and
 * with newlines inside quoted fields.
 */
#include "sim/table.h"

#include <csv.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim/mem.h"

/* libcsv's parser states (libcsv.c), read from the public struct. */
enum { LIBCSV_ROW_NOT_BEGUN = 0, LIBCSV_FIELD_NOT_BEGUN = 1 };

struct reader {
    struct table *t;
    struct diag *d;
    const char *name;
    /* the row being read */
    char **row;
    long *row_lines;
    size_t row_n, row_cap;
    long field_line;
    long line;            /* line of the byte being fed */
    /* kept rows */
    size_t cap_rows;
    size_t blank_rows;
    long first_blank;
    int header_done;
    int failed;           /* a dialect error: stop keeping rows */
    int nomem;
    size_t bad_rows;      /* rows of the wrong width, reported and dropped */
};

static void reader_drop_row(struct reader *r)
{
    for (size_t i = 0; i < r->row_n; i++)
        mem_free(r->row[i]);
    r->row_n = 0;
}

static void on_field(void *s, size_t len, void *data)
{
    struct reader *r = data;
    if (r->failed || r->nomem)
        return;
    if (len > TABLE_MAX_FIELD) {
        diag_error(r->d, r->name, r->field_line, (long)r->row_n + 1,
                   "field of %zu bytes is over the limit of %lu KiB", len, TABLE_MAX_FIELD / 1024);
        r->failed = 1;
        return;
    }
    if (r->row_n == r->row_cap) {
        size_t cap = r->row_cap ? 2 * r->row_cap : 16;
        char **row = mem_realloc(r->row, cap, sizeof *row);
        if (!row) { r->nomem = 1; return; }
        r->row = row;
        long *lines = mem_realloc(r->row_lines, cap, sizeof *lines);
        if (!lines) { r->nomem = 1; return; }
        r->row_lines = lines;
        r->row_cap = cap;
    }
    /* libcsv trims spaces around unquoted fields; quoted ones keep theirs,
     * but a cell's value never depends on surrounding spaces here. */
    const char *p = s ? s : "";
    while (len && (*p == ' ' || *p == '\t')) { p++; len--; }
    while (len && (p[len - 1] == ' ' || p[len - 1] == '\t')) len--;
    char *cell = mem_strndup(p, len);
    if (!cell) { r->nomem = 1; return; }
    r->row[r->row_n] = cell;
    r->row_lines[r->row_n] = r->field_line;
    r->row_n++;
}

static int row_is_empty(const struct reader *r)
{
    for (size_t i = 0; i < r->row_n; i++)
        if (r->row[i][0])
            return 0;
    return 1;
}

static void count_blank(struct reader *r, long line)
{
    if (r->blank_rows++ == 0)
        r->first_blank = line;
}

/* The count of C in S. */
static size_t count_char(const char *s, char c)
{
    size_t n = 0;
    for (; *s; s++)
        n += *s == c;
    return n;
}

/* S is a whole number of DIGITS digits exactly, or of 1 to 3 when DIGITS is
 * 0. */
static int is_digit_group(const char *s, size_t digits)
{
    size_t n = strspn(s, "0123456789");
    return !s[n] && (digits ? n == digits : n >= 1 && n <= 3);
}

/* When the cells of the row from FIRST on look like one value cut at its
 * commas into at most MAX_PARTS cells, a distribution ("normal(10" and
 * "2)") or a number with thousands separators ("1" and "200"): the number
 * of cells it was cut into, else 0.  The bound keeps the work linear in the
 * row's length, however many fields it has. */
static size_t cut_value(const struct reader *r, size_t first, size_t max_parts)
{
    char **cell = r->row;
    size_t n = r->row_n - first > max_parts ? first + max_parts : r->row_n;
    const char *open = strchr(cell[first], '(');
    if (open && open > cell[first] && count_char(cell[first], '(') > count_char(cell[first], ')')) {
        size_t depth = count_char(cell[first], '(') - count_char(cell[first], ')');
        for (size_t j = first + 1; j < n; j++) {
            size_t opened = count_char(cell[j], '('), closed = count_char(cell[j], ')');
            if (closed > depth + opened)
                return 0;
            depth = depth + opened - closed;
            if (depth == 0)
                return j - first + 1;
        }
        return 0;
    }
    if (is_digit_group(cell[first], 0)) {
        size_t j = first + 1;
        while (j < n && is_digit_group(cell[j], 3))
            j++;
        return j > first + 1 ? j - first : 0;
    }
    return 0;
}

/* Reports a row with more fields than the header, placed at the first
 * extra one: most often a cell holding an unquoted comma, which is named
 * when a value cut at its commas can be seen. */
static void report_extra_fields(struct reader *r)
{
    const struct table *t = r->t;
    size_t n = r->row_n, extra = n - t->ncols;
    char hint[2048];
    hint[0] = '\0';
    for (size_t i = 0; i < t->ncols; i++) {
        /* a cut takes one extra field a comma; a distribution has at most
         * three parameters, a number below 1e18 at most five commas */
        size_t parts = cut_value(r, i, extra + 1 < 6 ? extra + 1 : 6);
        if (parts < 2)
            continue;
        /* the cut value as written, and as it should be written */
        char written[512], meant[512];
        size_t used = 0, used_meant = 0;
        int number = strchr(r->row[i], '(') == NULL;
        written[0] = meant[0] = '\0';
        for (size_t j = i; j < i + parts; j++) {
            if (used < sizeof written)
                used += (size_t)snprintf(written + used, sizeof written - used, "%s%s", j > i ? "," : "",
                                         r->row[j]);
            if (used_meant < sizeof meant)
                used_meant += (size_t)snprintf(meant + used_meant, sizeof meant - used_meant, "%s%s",
                                               j > i && !number ? ", " : "", r->row[j]);
        }
        if (number)
            snprintf(hint, sizeof hint, "; cells %zu %s %zu look like one number, %s, cut at its thousands "
                     "separator%s: write %s", i + 1, parts == 2 ? "and" : "to", i + parts, written,
                     parts == 2 ? "" : "s", meant);
        else
            snprintf(hint, sizeof hint, "; cell %zu '%s' looks cut at a comma: write \"%s\"", i + 1, r->row[i],
                     meant);
        break;
    }
    diag_error(r->d, r->name, r->row_lines[t->ncols], (long)t->ncols + 1,
               "%zu fields, expected %zu (as in the header): %s %s in column %zu; a cell that holds a comma, "
               "such as \"normal(10, 2)\", must be quoted%s",
               n, t->ncols, extra == 1 ? "the extra field" : "the extra fields", extra == 1 ? "starts" : "start",
               t->ncols + 1, hint);
}

/* Reports a row with fewer fields than the header, placed where it ends,
 * naming the columns it lacks. */
static void report_missing_fields(struct reader *r)
{
    const struct table *t = r->t;
    size_t n = r->row_n, missing = t->ncols - n;
    char names[1024];
    size_t used = 0;
    names[0] = '\0';
    for (size_t k = n; k < t->ncols && used < sizeof names; k++) {
        if (k - n == 6) {
            snprintf(names + used, sizeof names - used, ", ...");
            break;
        }
        used += (size_t)snprintf(names + used, sizeof names - used, "%s%s", k > n ? ", " : "", t->head[k]);
    }
    if (missing == 1)
        diag_error(r->d, r->name, r->row_lines[n - 1], (long)n + 1,
                   "%zu field%s, expected %zu (as in the header): column %zu (%s) is missing", n, n == 1 ? "" : "s",
                   t->ncols, n + 1, names);
    else
        diag_error(r->d, r->name, r->row_lines[n - 1], (long)n + 1,
                   "%zu field%s, expected %zu (as in the header): columns %zu %s %zu (%s) are missing", n,
                   n == 1 ? "" : "s", t->ncols, n + 1, missing == 2 ? "and" : "to", t->ncols, names);
}

static void on_row(int c, void *data)
{
    struct reader *r = data;
    (void)c;
    if (r->failed || r->nomem) {
        reader_drop_row(r);
        return;
    }
    long line = r->row_n ? r->row_lines[0] : r->line;
    struct table *t = r->t;
    if (row_is_empty(r)) {
        count_blank(r, line);
        reader_drop_row(r);
        return;
    }
    if (!r->header_done) {
        if (r->row_n == 1 && (strchr(r->row[0], ';') || strchr(r->row[0], '\t'))) {
            int semi = strchr(r->row[0], ';') != NULL;
            diag_error(r->d, r->name, line, 1,
                       "the header is one field holding '%s': this file is separated by %s; "
                       "cpcsim reads comma-separated files only: export as \"CSV UTF-8 (comma delimited)\"",
                       r->row[0], semi ? "semicolons" : "tabs");
            r->failed = 1;
            reader_drop_row(r);
            return;
        }
        t->head = r->row;
        t->ncols = r->row_n;
        t->head_line = line;
        r->row = NULL;
        mem_free(r->row_lines);
        r->row_lines = NULL;
        r->row_n = r->row_cap = 0;
        r->header_done = 1;
        return;
    }
    if (r->row_n != t->ncols) {
        if (r->row_n > t->ncols)
            report_extra_fields(r);
        else
            report_missing_fields(r);
        r->bad_rows++;
        reader_drop_row(r);
        return;
    }
    if (t->nrows == r->cap_rows) {
        size_t cap = r->cap_rows ? 2 * r->cap_rows : 16;
        char **cells = mem_realloc(t->cells, cap * t->ncols, sizeof *cells);
        if (!cells) { r->nomem = 1; reader_drop_row(r); return; }
        t->cells = cells;
        long *lines = mem_realloc(t->lines, cap * t->ncols, sizeof *lines);
        if (!lines) { r->nomem = 1; reader_drop_row(r); return; }
        t->lines = lines;
        r->cap_rows = cap;
    }
    memcpy(t->cells + t->nrows * t->ncols, r->row, t->ncols * sizeof *r->row);
    memcpy(t->lines + t->nrows * t->ncols, r->row_lines, t->ncols * sizeof *r->row_lines);
    t->nrows++;
    r->row_n = 0;
}

/* Length of the UTF-8 sequence starting at s (at most n bytes), or 0 when it
 * is not valid UTF-8 (overlong forms, surrogates and values past U+10FFFF
 * included). */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    size_t len;
    unsigned long cp;
    if (c < 0x80) return 1;
    else if ((c & 0xE0) == 0xC0) { len = 2; cp = c & 0x1F; }
    else if ((c & 0xF0) == 0xE0) { len = 3; cp = c & 0x0F; }
    else if ((c & 0xF8) == 0xF0) { len = 4; cp = c & 0x07; }
    else return 0;
    if (n < len) return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000)
        || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

/* Checks the encoding; reports the first bad byte with its line and column
 * (in characters).  Returns 0 when the text is clean UTF-8 without NULs. */
static int check_encoding(const unsigned char *s, size_t n, const char *name, struct diag *d)
{
    if (n >= 2 && ((s[0] == 0xFF && s[1] == 0xFE) || (s[0] == 0xFE && s[1] == 0xFF))) {
        diag_error(d, name, 1, 0, "the file is UTF-16; save it as \"CSV UTF-8 (comma delimited)\"");
        return -1;
    }
    long line = 1, col = 1;
    for (size_t i = 0; i < n;) {
        if (s[i] == 0) {
            diag_error(d, name, line, 0,
                       "NUL byte at character %ld: the file is binary or UTF-16; "
                       "save it as \"CSV UTF-8 (comma delimited)\"", col);
            return -1;
        }
        size_t len = utf8_len(s + i, n - i);
        if (!len) {
            diag_error(d, name, line, 0,
                       "invalid UTF-8 (byte 0x%02X at character %ld); "
                       "save the file as \"CSV UTF-8 (comma delimited)\"", s[i], col);
            return -1;
        }
        if (s[i] == '\n' || (s[i] == '\r' && (i + 1 == n || s[i + 1] != '\n'))) {
            line++;
            col = 1;
        } else {
            col++;
        }
        i += len;
    }
    return 0;
}

enum status table_parse(const char *text, size_t len, const char *name, struct diag *d,
                        struct table **out)
{
    *out = NULL;
    const unsigned char *s = (const unsigned char *)text;
    if (len >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF) {
        s += 3;
        len -= 3;
    }
    if (check_encoding(s, len, name, d))
        return ST_DATA;

    struct table *t = mem_calloc(1, sizeof *t);
    if (!t || !(t->name = mem_strdup(name))) {
        mem_free(t);
        return ST_NOMEM;
    }
    struct reader r = { .t = t, .d = d, .name = name, .line = 1, .field_line = 1 };
    struct csv_parser p;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
        table_free(t);
        return ST_NOMEM;
    }
    csv_set_realloc_func(&p, mem_realloc_bytes);
    csv_set_free_func(&p, mem_free);
    int content = 0; /* the current line holds something besides spaces */
    for (size_t i = 0; i < len && !r.failed && !r.nomem; i++) {
        unsigned char c = s[i];
        int state = p.pstate;
        int eol = c == '\n' || (c == '\r' && (i + 1 == len || s[i + 1] != '\n'));
        if (state == LIBCSV_ROW_NOT_BEGUN || state == LIBCSV_FIELD_NOT_BEGUN)
            r.field_line = r.line;
        if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
            content = 1;
        if (csv_parse(&p, s + i, 1, on_field, on_row, &r) != 1) {
            if (csv_error(&p) == CSV_ENOMEM) {
                r.nomem = 1;
            } else if (c == '"') {
                diag_error(d, name, r.line, (long)r.row_n + 1,
                           "stray quote inside an unquoted field: quote the whole field "
                           "(\"...\") and double any quote inside it (\"\")");
            } else {
                diag_error(d, name, r.line, (long)r.row_n + 1,
                           "text after a closing quote: a quoted field must end at its closing quote "
                           "(write a quote inside it as \"\")");
            }
            r.failed = 1;
            break;
        }
        if (eol) {
            if (state == LIBCSV_ROW_NOT_BEGUN && !content)
                count_blank(&r, r.line);
            r.line++;
            content = 0;
        }
    }
    if (!r.failed && !r.nomem) {
        if (csv_fini(&p, on_field, on_row, &r) != 0) {
            diag_error(d, name, r.field_line, (long)r.row_n + 1,
                       "unterminated quote: the quoted field starting on this line never closes");
            r.failed = 1;
        }
    }
    csv_free(&p);
    reader_drop_row(&r);
    mem_free(r.row);
    mem_free(r.row_lines);

    if (r.nomem) {
        diag_nomem(d);
        table_free(t);
        return ST_NOMEM;
    }
    if (!r.failed && !r.header_done) {
        diag_error(d, name, 0, 0, "the file is empty; it needs a header row first");
        r.failed = 1;
    }
    if (r.failed) {
        table_free(t);
        return ST_DATA;
    }
    if (r.blank_rows)
        diag_warn(d, name, r.first_blank, 0, "%zu blank row%s skipped", r.blank_rows,
                  r.blank_rows == 1 ? "" : "s");
    t->dropped = r.bad_rows;
    *out = t;
    return r.bad_rows ? ST_DATA : ST_OK;
}

FILE *table_open(const char *path, const char *name, struct diag *d)
{
    /* O_NONBLOCK: opening a FIFO would otherwise wait for a writer */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY);
    if (fd < 0) {
        int e = errno;
        struct stat link, st;
        if (e == ENOENT && lstat(path, &link) == 0 && S_ISLNK(link.st_mode))
            diag_fail(d, ST_NOINPUT, name, 0, 0, "is a symbolic link to a file that does not exist");
        else if (e == ENXIO && stat(path, &st) == 0 && S_ISSOCK(st.st_mode))
            diag_fail(d, ST_NOINPUT, name, 0, 0, "is a socket, not a regular file");
        else
            diag_fail(d, ST_NOINPUT, name, 0, 0, "cannot open: %s", strerror(e));
        return NULL;
    }
    struct stat st;
    const char *what = NULL;
    if (fstat(fd, &st) != 0)
        what = "cannot be examined";
    else if (S_ISDIR(st.st_mode))
        what = "is a folder, not a file";
    else if (S_ISFIFO(st.st_mode))
        what = "is a FIFO (named pipe), not a regular file";
    else if (S_ISSOCK(st.st_mode))
        what = "is a socket, not a regular file";
    else if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
        what = "is a device, not a regular file";
    else if (!S_ISREG(st.st_mode))
        what = "is not a regular file";
    int flags = what ? 0 : fcntl(fd, F_GETFL);
    if (!what && (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0))
        what = "cannot be read";
    FILE *f = what ? NULL : fdopen(fd, "rb");
    if (!f) {
        close(fd);
        if (what)
            diag_fail(d, ST_NOINPUT, name, 0, 0, "%s", what);
        else
            diag_nomem(d);
    }
    return f;
}

enum status table_read(const char *path, const char *name, struct diag *d, struct table **out)
{
    *out = NULL;
    FILE *f = table_open(path, name, d);
    if (!f)
        return diag_status(d) == ST_NOMEM ? ST_NOMEM : ST_NOINPUT;
    size_t cap = 65536, len = 0;
    char *buf = mem_alloc(cap);
    if (!buf) {
        fclose(f);
        diag_nomem(d);
        return ST_NOMEM;
    }
    for (;;) {
        if (len == cap) {
            if (cap > TABLE_MAX_FILE) {
                mem_free(buf);
                fclose(f);
                diag_error(d, name, 0, 0, "the file is over the limit of %lu MiB",
                           TABLE_MAX_FILE / (1024 * 1024));
                return ST_DATA;
            }
            char *grown = mem_realloc(buf, cap * 2, 1);
            if (!grown) {
                mem_free(buf);
                fclose(f);
                diag_nomem(d);
                return ST_NOMEM;
            }
            buf = grown;
            cap *= 2;
        }
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        int e = errno;
        mem_free(buf);
        fclose(f);
        diag_fail(d, ST_NOINPUT, name, 0, 0, "cannot read: %s", strerror(e));
        return ST_NOINPUT;
    }
    fclose(f);
    if (len > TABLE_MAX_FILE) {
        mem_free(buf);
        diag_error(d, name, 0, 0, "the file is over the limit of %lu MiB",
                   TABLE_MAX_FILE / (1024 * 1024));
        return ST_DATA;
    }
    enum status st2 = table_parse(buf, len, name, d, out);
    mem_free(buf);
    return st2;
}

void table_free(struct table *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->ncols; i++)
        mem_free(t->head[i]);
    mem_free(t->head);
    for (size_t i = 0; i < t->nrows * t->ncols; i++)
        mem_free(t->cells[i]);
    mem_free(t->cells);
    mem_free(t->lines);
    mem_free(t->name);
    mem_free(t);
}

const char *table_cell(const struct table *t, size_t r, size_t c)
{
    return t->cells[r * t->ncols + c];
}

long table_line(const struct table *t, size_t r, size_t c)
{
    return t->lines[r * t->ncols + c];
}
