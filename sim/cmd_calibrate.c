/*
 * cmd_calibrate.c - "cpcsim calibrate HISTORY": deal_slip and deal_loss
 * measured from a company's own forecast history.
 *
 * Reads HISTORY as strictly as a model file (table.c, then schema.c by the
 * column table below: one row per deal, columns deal, forecast, closed,
 * status and optionally customers), checks each row's status against its
 * months and the months against --as-of, every problem placed at its
 * FILE:LINE:COLUMN, and estimates nothing unless the whole file is good.
 * Then it estimates (models/calibrate.h) and prints the estimates with
 * their 90% intervals, the cells to paste into scenarios.csv and one plain
 * sentence; -o FILE writes the same as CSV, atomically (outdir.h).
 *
 * --as-of defaults to the latest month a deal closed in, not the latest
 * month of the file: a forecast may lie after the day the history was
 * taken, a close never does, and counting an open deal as due when it is
 * not would read as slip.
 */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "models/calendar.h"
#include "models/calibrate.h"
#include "sim/term.h"
#include "sim/cli.h"
#include "sim/diag.h"
#include "sim/mem.h"
#include "sim/outdir.h"
#include "sim/report.h"
#include "sim/schema.h"
#include "sim/status.h"
#include "sim/table.h"

struct calibrate_args {
    const char *history;
    const char *as_of; /* YYYY-MM, or NULL */
    const char *output; /* or NULL */
};

#define CAL_FIELD(f) offsetof(struct calibrate_args, f)

static const struct cli_operand calibrate_operands[] = {
    { "HISTORY", "HISTORY file", CAL_FIELD(history) },
};

static const struct cli_option calibrate_options[] = {
    { "as-of", 0, "YYYY-MM", CLI_TEXT, CAL_FIELD(as_of),
      .help = "the month the history was taken, counted as complete\n"
              "(default: the latest month a deal closed in)",
      .expects = "a month as YYYY-MM (such as 2026-12)" },
    { "output", 'o', "FILE", CLI_TEXT, CAL_FIELD(output),
      .help = "also write the estimates into FILE as CSV:\n"
              "parameter,estimate,lo90,hi90,cell (its folder is created if missing)",
      .expects = "a file name" },
    { "help", 'h', NULL, CLI_SHOW_HELP, 0, .help = "show this help" },
};
_Static_assert(CLI_COUNT(calibrate_options) <= CLI_MAX_OPTIONS, "calibrate: more options than cli_parse takes");

static int calibrate_main(int argc, char **argv);

const struct cli_command cmd_calibrate_command = {
    .name = "calibrate",
    .main = calibrate_main,
    .summary = "estimate deal_slip and deal_loss from past forecasts",
    .operands = calibrate_operands,
    .noperands = CLI_COUNT(calibrate_operands),
    .options = calibrate_options,
    .noptions = CLI_COUNT(calibrate_options),
    .about = "Estimate the scenario columns deal_slip and deal_loss from the company's own history\n"
             "of forecast deals, and print them with their 90% intervals, the cells to paste into\n"
             "scenarios.csv and a sentence that says what the history shows. HISTORY is a CSV file\n"
             "with a row per deal and the columns deal, forecast (the month it was expected to\n"
             "close, YYYY-MM), closed (the month it closed; empty if it did not), status (won,\n"
             "lost or open) and optionally customers (each deal counts once whatever its\n"
             "customers). Deals still open are censored, not lost: one open past its month may\n"
             "yet close late, or be lost; one not yet due says nothing.\n",
    .notes = "Estimates are by maximum likelihood under the model run simulates: a deal is lost\n"
             "with probability deal_loss, else each month it is due it slips to the next with\n"
             "probability deal_slip. The 90% intervals and the cells come from the posterior under\n"
             "uniform priors: each cell is the beta distribution with its mean and variance\n"
             "(without open deals, deal_loss is exactly beta(lost + 1, won + 1)). An estimate of 0\n"
             "or 1 gets an interval that reaches it; one the history cannot tell (slip, when no\n"
             "deal was won) is shown as none. Exit 0, 64 usage, 65 bad rows, 66 HISTORY missing,\n"
             "73 or 74 when FILE cannot be written.\n",
};

/* ---- reading the history ---- */

/* A row of HISTORY; months as year * 12 + month - 1, -1 when empty or bad. */
struct history_row {
    long line; /* schema.h: the row's line comes first */
    char *deal;
    int forecast;
    int closed;
    int status; /* enum calibrate_outcome; -1 when empty or bad */
    double customers;
};

static const char *const status_names[] = { "won", "lost", "open", NULL };
_Static_assert(CALIBRATE_WON == 0 && CALIBRATE_LOST == 1 && CALIBRATE_OPEN == 2, "status_names follows the enum");

static const struct column history_cols[] = {
    { "deal", COL_TEXT, COL_REQUIRED | COL_KEY, offsetof(struct history_row, deal), RANGE_ANY, 0, NULL, NULL, NULL },
    { "forecast", COL_DATE, COL_REQUIRED, offsetof(struct history_row, forecast), RANGE_ANY, -1, NULL, NULL, NULL },
    { "closed", COL_DATE, 0, offsetof(struct history_row, closed), RANGE_ANY, -1, NULL, NULL, NULL },
    { "status", COL_CHOICE, COL_REQUIRED, offsetof(struct history_row, status), RANGE_ANY, -1, status_names, NULL,
      NULL },
    { "customers", COL_COUNT, 0, offsetof(struct history_row, customers), RANGE_NONNEG, 1, NULL, NULL, NULL },
};
#define NHISTORY_COLS (sizeof history_cols / sizeof history_cols[0])

/* A month as YYYY-MM into BUF (at least 8 bytes). */
static void month_text(int month, char *buf, size_t len)
{
    snprintf(buf, len, "%04d-%02d", month / 12, month % 12 + 1);
}

/* The history read and checked. */
struct history {
    struct table *t;
    struct history_row *rows;
    size_t n;
    int as_of;
    const char *as_of_from; /* how as_of was chosen, for the report */
};

static void history_free(struct history *h)
{
    if (h->rows)
        schema_free(history_cols, NHISTORY_COLS, h->rows, h->n, sizeof *h->rows);
    table_free(h->t);
}

/* Whether row R's cell in column COL (0-based; -1 when the file has none)
 * holds text. */
static int given(const struct table *t, size_t r, int col)
{
    return col >= 0 && *table_cell(t, r, (size_t)col);
}

/*
 * Checks what the columns alone cannot: a won deal's closed month, no
 * closed month on a lost or open deal, and no close after AS_OF (when
 * ASKED, given by --as-of: the default is never before a close).  Each
 * problem goes into D at its cell; returns how many.
 */
static size_t check_rows(const struct history *h, int asked, struct diag *d)
{
    const struct table *t = h->t;
    int closed_col = schema_find(t, "closed");
    size_t errors = 0;
    if (closed_col < 0) {
        for (size_t r = 0; r < h->n; r++)
            if (h->rows[r].status == CALIBRATE_WON) {
                diag_error(d, t->name, t->head_line, 0,
                           "missing column 'closed': won deals need the month they closed (first on line %ld)",
                           h->rows[r].line);
                return 1;
            }
        return 0;
    }
    for (size_t r = 0; r < h->n; r++) {
        const struct history_row *row = &h->rows[r];
        long line = table_line(t, r, (size_t)closed_col);
        int has_closed = given(t, r, closed_col);
        char month[16];
        if (row->status == CALIBRATE_WON && !has_closed) {
            diag_error(d, t->name, line, closed_col + 1,
                       "closed: a won deal needs the month it closed, as YYYY-MM (such as 2026-03)");
            errors++;
        } else if ((row->status == CALIBRATE_LOST || row->status == CALIBRATE_OPEN) && has_closed) {
            diag_error(d, t->name, line, closed_col + 1,
                       "closed: %s deal has not closed; leave closed empty, or make its status won",
                       row->status == CALIBRATE_LOST ? "a lost" : "an open");
            errors++;
        } else if (row->status == CALIBRATE_WON && asked && row->closed > h->as_of) {
            month_text(h->as_of, month, sizeof month);
            diag_error(d, t->name, line, closed_col + 1,
                       "closed: %s is after --as-of %s; a history holds only what was known by then",
                       table_cell(t, r, (size_t)closed_col), month);
            errors++;
        }
    }
    return errors;
}

/* The month the history was taken when --as-of is not given: the latest
 * month a deal closed in, else (no deal closed) the latest forecast. */
static void default_as_of(struct history *h)
{
    int closed = -1, forecast = -1;
    for (size_t r = 0; r < h->n; r++) {
        if (h->rows[r].status == CALIBRATE_WON && h->rows[r].closed > closed)
            closed = h->rows[r].closed;
        if (h->rows[r].forecast > forecast)
            forecast = h->rows[r].forecast;
    }
    h->as_of = closed >= 0 ? closed : forecast;
    h->as_of_from = closed >= 0 ? "the latest month a deal closed in; --as-of sets it"
                                : "the latest forecast month, as no deal closed; --as-of sets it";
}

/*
 * Reads and checks PATH into *H (freed with history_free whatever is
 * returned).  AS_OF is --as-of's month, or -1.  Returns ST_OK, or the worst
 * status of the problems in D.
 */
static enum status history_read(const char *path, int as_of, struct diag *d, struct history *h)
{
    *h = (struct history){ .as_of = as_of, .as_of_from = "--as-of" };
    enum status st = table_read(path, path, d, &h->t);
    if (!h->t)
        return st;
    const struct calendar none = { 0, 1, CALENDAR_MAX_MONTHS }; /* months here are dates, never indices */
    void *rows;
    schema_load(h->t, history_cols, NHISTORY_COLS, &none, d, &rows, sizeof *h->rows);
    if (!rows)
        return diag_status(d);
    h->rows = rows;
    h->n = h->t->nrows;
    schema_require_rows(h->t, "deals", d);
    if (as_of < 0)
        default_as_of(h);
    check_rows(h, as_of >= 0, d);
    return status_worse(st, diag_status(d));
}

/* ---- what is printed and written ---- */

/* "0.351", or "none" for no estimate, into BUF. */
static void estimate_text(double x, char *buf, size_t len)
{
    if (isnan(x))
        snprintf(buf, len, "none");
    else
        snprintf(buf, len, "%.3f", x);
}

static void print_param(const char *name, const struct calibrate_param *p)
{
    char est[32];
    estimate_text(p->estimate, est, sizeof est);
    printf("  %-12s %8s   %.3f to %.3f\n", name, est, p->lo90, p->hi90);
}

static const char *plural(size_t n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

/* The sentence that says what the history shows, in a founder's words. */
static void print_sentence(const struct calibrate_counts *n)
{
    size_t open = n->open_due + n->open_later;
    if (n->won == 0)
        printf("No forecast deal has closed yet");
    else if (n->months_late == 0)
        printf("Every won deal closed in its forecast month or earlier");
    else
        printf("Forecast deals closed %.1f months late on average", n->months_late / (double)n->won);
    if (n->won + n->lost > 0)
        printf("; %.0f%% of the deals no longer open were lost", 100.0 * (double)n->lost / (double)(n->won + n->lost));
    printf("; %zu %s, %zu still open.\n", n->deals, plural(n->deals, "deal", "deals"), open);
}

static void print_result(const struct history *h, const struct calibrate_result *r, const char *slip_cell,
                         const char *loss_cell)
{
    const struct calibrate_counts *n = &r->n;
    char month[16];
    month_text(h->as_of, month, sizeof month);
    term_put(stdout, h->t->name);
    printf(": %zu %s as of %s (%s)\n", n->deals, plural(n->deals, "deal", "deals"), month,
           h->as_of_from);
    printf("  %zu won, %zu lost, %zu open (%zu due by %s, %zu not yet due)\n\n", n->won, n->lost,
           n->open_due + n->open_later, n->open_due, month, n->open_later);
    printf("               estimate   90%% interval\n");
    print_param("deal_slip", &r->slip);
    print_param("deal_loss", &r->loss);
    if (n->won > 0 && isnan(r->slip.estimate))
        printf("  no estimates: no deal was late or lost, and every open deal is due in %s only, so the\n"
               "  history tells how many deals close on time, not how many of the others slip or are lost\n",
               month);
    if (n->won == 0)
        printf("  deal_slip has no estimate: no deal was won, so nothing shows how late deals close\n");
    if (n->won + n->lost == 0)
        printf("  deal_loss has no estimate: no deal was won or lost yet\n");
    printf("  maximum likelihood; 90%% intervals from the posterior under uniform priors,\n  %s\n\n",
           r->exact ? "exact, as no open deal is due" : "integrated over what the open deals may yet do");
    printf("Cells for scenarios.csv (deal_slip,deal_loss), beta with the posterior's mean and variance:\n");
    printf("  \"%s\",\"%s\"\n\n", slip_cell, loss_cell);
    print_sentence(n);
}

static void write_row(FILE *f, const char *name, const struct calibrate_param *p, const char *cell)
{
    fprintf(f, "%s,", name);
    report_number(f, p->estimate);
    fputc(',', f);
    report_number(f, p->lo90);
    fputc(',', f);
    report_number(f, p->hi90);
    fputc(',', f);
    report_text(f, cell);
    fputc('\n', f);
}

/* The folder and name of FILE (-o) into DIR and NAME.  Returns 0; -1 when
 * FILE names no file ("out/", ".."); -2 when its name or folder is too
 * long to write atomically (outdir.c keeps names of up to 63 bytes). */
static int split_output(const char *file, char *dir, size_t dirlen, char *name, size_t namelen)
{
    const char *slash = strrchr(file, '/');
    const char *base = slash ? slash + 1 : file;
    if (!*base || !strcmp(base, ".") || !strcmp(base, ".."))
        return -1;
    if (strlen(base) >= namelen || (slash && (size_t)(slash - file) >= dirlen))
        return -2;
    if (!slash)
        snprintf(dir, dirlen, ".");
    else if (slash == file)
        snprintf(dir, dirlen, "/");
    else
        snprintf(dir, dirlen, "%.*s", (int)(slash - file), file);
    snprintf(name, namelen, "%s", base);
    return 0;
}

/* Writes the estimates into FILE, in place only once written in full. */
static enum status write_output(const char *file, const struct calibrate_result *r, const char *slip_cell,
                                const char *loss_cell, struct diag *d)
{
    char dir[4096], name[64];
    if (split_output(file, dir, sizeof dir, name, sizeof name)) {
        diag_fail(d, ST_CANTCREAT, file, 0, 0, "cannot be written: its name is over %zu bytes, or its folder's "
                  "over %zu", sizeof name - 1, sizeof dir - 1);
        return ST_CANTCREAT;
    }
    const char *names[] = { name, NULL };
    struct outdir *o;
    enum status st = outdir_open(dir, names, d, &o);
    if (st != ST_OK)
        return st;
    FILE *f = outdir_file(o, name, d);
    if (!f) {
        outdir_abort(o);
        return diag_status(d) == ST_OK ? ST_CANTCREAT : diag_status(d);
    }
    fputs("parameter,estimate,lo90,hi90,cell\n", f);
    write_row(f, "deal_slip", &r->slip, slip_cell);
    write_row(f, "deal_loss", &r->loss, loss_cell);
    return outdir_commit(o, &cli_stop_signal, d);
}

/* How -o was last written in ARGV, "-o" or "--output", for its message. */
static const char *output_written(int argc, char **argv)
{
    const char *as = "-o";
    for (int i = 2; i < argc && strcmp(argv[i], "--"); i++)
        if (!strcmp(argv[i], "--output") || !strncmp(argv[i], "--output=", 9))
            as = "--output";
        else if (argv[i][0] == '-' && argv[i][1] != '-' && strchr(argv[i], 'o'))
            as = "-o";
    return as;
}

static int usage_bad_value(const char *option, const char *written, const char *value)
{
    struct cli_failure fail = { .error = CLI_BAD_VALUE, .command = &cmd_calibrate_command, .value = value };
    for (size_t i = 0; i < CLI_COUNT(calibrate_options); i++)
        if (!strcmp(calibrate_options[i].name, option))
            fail.option = &calibrate_options[i];
    snprintf(fail.written, sizeof fail.written, "%s", written);
    return cli_usage(&fail);
}

static int calibrate_main(int argc, char **argv)
{
    struct calibrate_args a = { NULL, NULL, NULL };
    struct cli_failure fail;
    if (cli_parse(&cmd_calibrate_command, argc - 1, argv + 1, &a, &fail) != CLI_OK)
        return cli_usage(&fail);
    int as_of = -1;
    if (a.as_of) {
        int year, month;
        if (calendar_parse_date(a.as_of, &year, &month))
            return usage_bad_value("as-of", "--as-of", a.as_of);
        as_of = year * 12 + month - 1;
    }
    char dir[4096], name[64];
    if (a.output && split_output(a.output, dir, sizeof dir, name, sizeof name) == -1)
        return usage_bad_value("output", output_written(argc, argv), a.output);

    struct diag *d = diag_new();
    if (!d)
        return ST_NOMEM;
    struct history h;
    enum status st = history_read(a.history, as_of, d, &h);
    if (st != ST_OK) {
        diag_print(d, stderr);
        size_t n = diag_errors(d);
        if (st == ST_DATA)
        {
            fprintf(stderr, "cpcsim calibrate: %zu problem%s in ", n, n == 1 ? "" : "s");
            term_put(stderr, a.history);
            fputs("; nothing was estimated or written\n", stderr);
        }
        else if (st == ST_NOMEM)
            fprintf(stderr, "cpcsim calibrate: out of memory\n");
        history_free(&h);
        diag_free(d);
        return cli_exit_code(st);
    }
    diag_print(d, stderr); /* warnings: blank rows */

    struct calibrate_deal *deals = mem_calloc(h.n, sizeof *deals);
    struct calibrate_result r;
    st = deals ? ST_OK : ST_NOMEM;
    for (size_t i = 0; deals && i < h.n; i++)
        deals[i] = (struct calibrate_deal){ (enum calibrate_outcome)h.rows[i].status, h.rows[i].forecast,
                                            h.rows[i].closed };
    if (st == ST_OK)
        st = calibrate_fit(deals, h.n, h.as_of, &r);
    char slip_cell[64], loss_cell[64];
    if (st == ST_OK) {
        calibrate_cell(&r.slip, slip_cell, sizeof slip_cell);
        calibrate_cell(&r.loss, loss_cell, sizeof loss_cell);
        if (a.output) {
            cli_catch_signals();
            st = write_output(a.output, &r, slip_cell, loss_cell, d);
        }
    }
    if (st == ST_OK) {
        print_result(&h, &r, slip_cell, loss_cell);
        if (a.output)
        {
            fputs("\nwritten to ", stdout);
            term_put(stdout, a.output);
            putchar('\n');
        }
        if (fflush(stdout) != 0)
            st = ST_IOERR;
    } else if (st == ST_NOMEM) {
        fprintf(stderr, "cpcsim calibrate: out of memory; nothing was written\n");
    } else {
        diag_print(d, stderr);
        if (st == ST_INTERRUPT)
        {
            fputs("cpcsim calibrate: interrupted; ", stderr);
            term_put(stderr, a.output);
            fputs(" was not written\n", stderr);
        }
    }
    mem_free(deals);
    history_free(&h);
    diag_free(d);
    return cli_exit_code(st);
}
