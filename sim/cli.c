/*
 * cli.c - option tables read with getopt_long, argument errors turned into
 * text in one place, suggestions for mistyped names, and the helpers every
 * command shares.
 *
 * getopt_long runs in its return-in-order mode ('-' first in the option
 * string): operands come back one at a time where they stand, argv is never
 * reordered, and POSIXLY_CORRECT changes nothing.  The ':' after it makes a
 * missing value distinguishable from an unknown option, and opterr = 0
 * keeps getopt_long from printing: every message comes from cli_message.
 * getopt_long would take an unambiguous abbreviation (--pa) for the full
 * name; cli_parse looks every long option up as written instead, so an
 * abbreviation is an unknown option that gets a suggestion.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/cli.h"
#include "models/dist.h"
#include "sim/mem.h"
#include "sim/ranks.h"
#include "sim/term.h"

volatile sig_atomic_t cli_stop_signal = 0;

/* ---- suggestions ---- */

#define NEAR_LEN 64
#define NEAR_BAND 8 /* the largest distance worked out between longer strings */
#define NAMES_MAX 32 /* the most options or commands a suggestion looks at */

/* cli_distance for long strings: the same programme kept to the cells
 * within NEAR_BAND of the diagonal (a path through any other cell costs
 * more than NEAR_BAND), each row held by its offset from the diagonal. */
static size_t banded_distance(const char *a, size_t alen, const char *b, size_t blen)
{
    enum { W = 2 * NEAR_BAND + 1 };
    const size_t far = SIZE_MAX / 2;
    if ((alen > blen ? alen - blen : blen - alen) > NEAR_BAND)
        return SIZE_MAX;
    /* cell (i, j) of row i is at [j - i + NEAR_BAND] */
    size_t before[W], last[W], row[W];
    for (size_t k = 0; k < W; k++) {
        before[k] = far;
        last[k] = k >= NEAR_BAND ? k - NEAR_BAND : far; /* row 0: j */
    }
    for (size_t i = 1; i <= alen; i++) {
        for (size_t k = 0; k < W; k++) {
            row[k] = far;
            if (i + k < NEAR_BAND)
                continue;
            const size_t j = i + k - NEAR_BAND;
            if (j > blen)
                break;
            if (j == 0) {
                row[k] = i;
                continue;
            }
            size_t d = last[k] + (a[i - 1] != b[j - 1]);
            if (k + 1 < W && last[k + 1] + 1 < d)
                d = last[k + 1] + 1;
            if (k > 0 && row[k - 1] + 1 < d)
                d = row[k - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && before[k] + 1 < d)
                d = before[k] + 1;
            row[k] = d;
        }
        memcpy(before, last, sizeof last);
        memcpy(last, row, sizeof row);
    }
    const size_t d = last[blen + NEAR_BAND - alen];
    return d <= NEAR_BAND ? d : SIZE_MAX;
}

size_t cli_distance(const char *a, size_t alen, const char *b, size_t blen)
{
    if (alen >= NEAR_LEN || blen >= NEAR_LEN)
        return banded_distance(a, alen, b, blen);
    /* Three rows of the dynamic programme: the one before last is what a
     * transposition of neighbours looks back to. */
    size_t before[NEAR_LEN], last[NEAR_LEN], row[NEAR_LEN];
    for (size_t j = 0; j <= blen; j++)
        last[j] = j;
    for (size_t i = 1; i <= alen; i++) {
        row[0] = i;
        for (size_t j = 1; j <= blen; j++) {
            size_t cost = a[i - 1] != b[j - 1];
            size_t d = last[j - 1] + cost;
            if (last[j] + 1 < d)
                d = last[j] + 1;
            if (row[j - 1] + 1 < d)
                d = row[j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && before[j - 2] + 1 < d)
                d = before[j - 2] + 1;
            row[j] = d;
        }
        memcpy(before, last, (blen + 1) * sizeof *last);
        memcpy(last, row, (blen + 1) * sizeof *row);
    }
    return last[blen];
}

/* How well KNOWN answers the mistyped WORD (LEN bytes, not empty): 0 when
 * WORD abbreviates it, else their distance; SIZE_MAX when it is not close
 * (a distance over 2, unless WORD extends it, as "samplingmode" extends
 * "sampling"). */
static size_t rank(const char *word, size_t len, const char *known)
{
    size_t klen = strlen(known);
    if (len < klen && !strncmp(word, known, len))
        return 0;
    size_t d = cli_distance(word, len, known, klen);
    if (d <= 2 || (klen < len && !strncmp(word, known, klen)))
        return d;
    return SIZE_MAX;
}

/* Puts into F->near the names among NAMES (N) closest to WORD (LEN bytes),
 * all of the best rank (at most CLI_NEAR_MAX, in table order). */
static void suggest(struct cli_failure *f, const char *word, size_t len, const char *const *names, size_t n)
{
    size_t best = SIZE_MAX;
    f->nnear = 0;
    if (len == 0)
        return;
    for (size_t i = 0; i < n; i++) {
        size_t r = rank(word, len, names[i]);
        if (r == SIZE_MAX || r > best)
            continue;
        if (r < best) {
            best = r;
            f->nnear = 0;
        }
        if (f->nnear < CLI_NEAR_MAX)
            f->near[f->nnear++] = names[i];
    }
}

static void suggest_option(struct cli_failure *f, const char *word, size_t len)
{
    const struct cli_command *c = f->command;
    const char *names[NAMES_MAX];
    size_t n = c->noptions < NAMES_MAX ? c->noptions : NAMES_MAX;
    for (size_t i = 0; i < n; i++)
        names[i] = c->options[i].name;
    suggest(f, word, len, names, n);
}

/* ---- parsing ---- */

static enum cli_error fail(struct cli_failure *f, enum cli_error e)
{
    f->error = e;
    return e;
}

/* Records the option as written: DASHES then LEN bytes of S. */
static void written(struct cli_failure *f, const char *dashes, const char *s, size_t len)
{
    int n = len < CLI_WRITTEN_MAX ? (int)len : CLI_WRITTEN_MAX;
    snprintf(f->written, sizeof f->written, "%s%.*s", dashes, n, s);
}

static const struct cli_option *find_long(const struct cli_command *c, const char *name, size_t len)
{
    for (size_t i = 0; i < c->noptions; i++)
        if (strlen(c->options[i].name) == len && !strncmp(c->options[i].name, name, len))
            return &c->options[i];
    return NULL;
}

static const struct cli_option *find_short(const struct cli_command *c, int letter)
{
    for (size_t i = 0; i < c->noptions; i++)
        if (c->options[i].letter && c->options[i].letter == letter)
            return &c->options[i];
    return NULL;
}

/* A whole number from MIN to MAX written in decimal digits; 0 on success. */
static int parse_whole(const char *text, unsigned long long min, unsigned long long max, unsigned long long *out)
{
    if (!*text)
        return -1;
    for (const char *p = text; *p; p++)
        if (*p < '0' || *p > '9')
            return -1;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno || *end || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

/* Whether an option of kind K takes a value. */
static int takes_value(enum cli_kind k)
{
    return k != CLI_FLAG && k != CLI_SHOW_HELP;
}

static void *field(void *args, size_t offset)
{
    return (char *)args + offset;
}

/* Stores the value V of option O into ARGS. */
static enum cli_error apply(const struct cli_option *o, const char *v, void *args, struct cli_failure *f)
{
    f->option = o;
    f->value = v;
    switch (o->kind) {
    case CLI_SHOW_HELP:
        return fail(f, CLI_HELP);
    case CLI_FLAG:
        *(int *)field(args, o->offset) = 1;
        return CLI_OK;
    case CLI_TEXT:
        if (!*v)
            return fail(f, CLI_BAD_VALUE);
        *(const char **)field(args, o->offset) = v;
        return CLI_OK;
    case CLI_WHOLE: {
        unsigned long long x;
        if (parse_whole(v, o->min, o->max, &x))
            return fail(f, CLI_BAD_VALUE);
        *(unsigned long long *)field(args, o->offset) = x;
        return CLI_OK;
    }
    case CLI_FRACTION: {
        double x;
        char why[256];
        if (dist_parse_number(v, &x, why, sizeof why) || !(x > 0 && x < 1))
            return fail(f, CLI_BAD_VALUE);
        *(double *)field(args, o->offset) = x;
        return CLI_OK;
    }
    case CLI_AMOUNT: {
        double x;
        char why[256];
        if (dist_parse_number(v, &x, why, sizeof why) || !(x > 0) || isinf(x))
            return fail(f, CLI_BAD_VALUE);
        *(double *)field(args, o->offset) = x;
        return CLI_OK;
    }
    case CLI_CHOICE:
        for (int i = 0; o->choices[i]; i++)
            if (!strcmp(o->choices[i], v)) {
                *(int *)field(args, o->offset) = i;
                return CLI_OK;
            }
        return fail(f, CLI_BAD_VALUE);
    case CLI_LIST: {
        struct cli_list *l = field(args, o->offset);
        size_t max = o->max < CLI_LIST_MAX ? (size_t)o->max : CLI_LIST_MAX;
        if (l->n >= max)
            return fail(f, CLI_TOO_MANY);
        l->item[l->n++] = v;
        return CLI_OK;
    }
    }
    return CLI_OK;
}

static enum cli_error operand(const struct cli_command *c, const char *v, size_t *nop, void *args,
                              struct cli_failure *f)
{
    if (*nop == c->noperands) {
        f->value = v;
        return fail(f, CLI_EXTRA_OPERAND);
    }
    *(const char **)field(args, c->operands[*nop].offset) = v;
    ++*nop;
    return CLI_OK;
}

/* The long option ARG ("--name" or "--name=value") that getopt_long
 * answered with CH: the row named exactly so, or NULL with F set. */
static const struct cli_option *long_option(const struct cli_command *c, const char *arg, int ch,
                                            struct cli_failure *f)
{
    const char *name = arg + 2;
    size_t len = strcspn(name, "=");
    written(f, "--", name, len);
    const struct cli_option *o = find_long(c, name, len);
    if (!o) { /* unknown, ambiguous, or an abbreviation getopt_long took */
        suggest_option(f, name, len);
        fail(f, CLI_UNKNOWN_OPTION);
        return NULL;
    }
    f->option = o;
    if (ch == '?') { /* the exact name of a flag, with "=value" */
        f->value = name + len + (name[len] == '=');
        fail(f, CLI_TAKES_NO_VALUE);
        return NULL;
    }
    return o;
}

/* The short option LETTER of ARG ("-n", "-qn200"), or NULL with F set.  An
 * unknown letter that begins a word ("-paths") may be a long option written
 * with one dash: the word gets a suggestion then. */
static const struct cli_option *short_option(const struct cli_command *c, const char *arg, int letter,
                                             struct cli_failure *f)
{
    const struct cli_option *o = find_short(c, letter);
    if (o) {
        char one[2] = { (char)letter, '\0' };
        written(f, "-", one, 1);
        f->option = o;
        return o;
    }
    const char *word = arg + 1;
    size_t len = strcspn(word, "=");
    if (word[0] == letter && len > 1) {
        suggest_option(f, word, len);
        if (f->nnear) {
            written(f, "-", word, len);
            fail(f, CLI_UNKNOWN_OPTION);
            return NULL;
        }
    }
    char one[2] = { (char)letter, '\0' };
    written(f, "-", one, 1);
    fail(f, CLI_UNKNOWN_OPTION);
    return NULL;
}

enum cli_error cli_parse(const struct cli_command *c, int argc, char **argv, void *args, struct cli_failure *f)
{
    memset(f, 0, sizeof *f);
    f->command = c;
    if (c->noptions > CLI_MAX_OPTIONS)
        abort(); /* the commands assert it at compile time */
    struct option longs[CLI_MAX_OPTIONS + 1];
    char shorts[2 + 2 * CLI_MAX_OPTIONS + 1];
    size_t ns = 0;
    shorts[ns++] = '-'; /* operands come back in order, as the value of option 1 */
    shorts[ns++] = ':'; /* a missing value is ':', an unknown option '?' */
    for (size_t i = 0; i < c->noptions; i++) {
        const struct cli_option *o = &c->options[i];
        int takes = takes_value(o->kind);
        longs[i] = (struct option){ o->name, takes ? required_argument : no_argument, NULL,
                                    o->letter ? o->letter : 256 + (int)i };
        if (o->letter) {
            shorts[ns++] = o->letter;
            if (takes)
                shorts[ns++] = ':';
        }
    }
    longs[c->noptions] = (struct option){ NULL, 0, NULL, 0 };
    shorts[ns] = '\0';

    size_t nop = 0;
    enum cli_error e;
    unsigned char given[CLI_MAX_OPTIONS] = { 0 };
    optind = 0; /* glibc: a full reset, the position inside "-qn" included */
    opterr = 0;
    for (;;) {
        int at = optind ? optind : 1; /* the argument getopt_long is about to read */
        int ch = getopt_long(argc, argv, shorts, longs, NULL);
        if (ch == -1)
            break;
        if (ch == 1) {
            if ((e = operand(c, optarg, &nop, args, f)) != CLI_OK)
                return e;
            continue;
        }
        const char *arg = argv[at];
        const struct cli_option *o;
        if (arg[0] == '-' && arg[1] == '-')
            o = long_option(c, arg, ch, f);
        else
            o = short_option(c, arg, ch == '?' || ch == ':' ? optopt : ch, f);
        if (!o)
            return f->error;
        if (ch == ':')
            return fail(f, CLI_NEEDS_VALUE);
        if ((e = apply(o, optarg, args, f)) != CLI_OK)
            return e;
        given[o - c->options] = 1;
    }
    for (; optind < argc; optind++) /* after "--" */
        if ((e = operand(c, argv[optind], &nop, args, f)) != CLI_OK)
            return e;
    if (nop < c->noperands) {
        f->operand = &c->operands[nop];
        return fail(f, CLI_MISSING_OPERAND);
    }
    for (size_t i = 0; i < c->noptions; i++)
        if (c->options[i].required && !given[i]) {
            f->option = &c->options[i];
            return fail(f, CLI_MISSING_OPTION);
        }
    f->option = NULL;
    f->value = NULL;
    f->written[0] = '\0';
    return CLI_OK;
}

const struct cli_command *cli_find_command(const struct cli_command *const *commands, size_t n, const char *name,
                                           struct cli_failure *f)
{
    memset(f, 0, sizeof *f);
    for (size_t i = 0; i < n; i++)
        if (!strcmp(commands[i]->name, name))
            return commands[i];
    const char *names[NAMES_MAX];
    size_t k = n < NAMES_MAX ? n : NAMES_MAX;
    for (size_t i = 0; i < k; i++)
        names[i] = commands[i]->name;
    size_t len = strlen(name);
    written(f, "", name, len);
    suggest(f, name, len, names, k);
    f->commands = commands;
    f->ncommands = n;
    fail(f, CLI_UNKNOWN_COMMAND);
    return NULL;
}

/* ---- messages ---- */

/* Text built up in a buffer of fixed size, cut to fit. */
struct text {
    char *buf;
    size_t len, used;
};

__attribute__((format(printf, 2, 3)))
static void put(struct text *t, const char *fmt, ...)
{
    if (t->used + 1 >= t->len)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(t->buf + t->used, t->len - t->used, fmt, ap);
    va_end(ap);
    if (n > 0)
        t->used = t->used + (size_t)n < t->len ? t->used + (size_t)n : t->len - 1;
}

/* S in single quotes, control characters written as \xNN. */
static void put_quoted(struct text *t, const char *s)
{
    put(t, "'");
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch < 0x20 || ch == 0x7f)
            put(t, "\\x%02x", ch);
        else
            put(t, "%c", ch);
    }
    put(t, "'");
}

/* "'--a'", "'--a' or '--b'", "'--a', '--b' or '--c'". */
static void put_names(struct text *t, const char *dashes, const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        put(t, "%s'%s%s'", i == 0 ? "" : i + 1 < n ? ", " : " or ", dashes, names[i]);
}

/* What a value of O must be, completing "-n takes ...". */
static void put_expected(struct text *t, const struct cli_option *o)
{
    switch (o->kind) {
    case CLI_WHOLE:
        put(t, "a whole number%s%s from %llu to %llu", o->unit ? " of " : "", o->unit ? o->unit : "", o->min, o->max);
        break;
    case CLI_CHOICE: {
        size_t n = 0;
        while (o->choices[n])
            n++;
        for (size_t i = 0; i < n; i++)
            put(t, "%s%s", i == 0 ? "" : i + 1 < n ? ", " : " or ", o->choices[i]);
        break;
    }
    default:
        put(t, "%s", o->expects ? o->expects : "a value");
        break;
    }
}

void cli_message(const struct cli_failure *f, char *buf, size_t len)
{
    struct text t = { buf, len, 0 };
    if (!len)
        return;
    buf[0] = '\0';
    switch (f->error) {
    case CLI_OK:
    case CLI_HELP:
        break;
    case CLI_UNKNOWN_COMMAND:
        put(&t, "unknown command ");
        put_quoted(&t, f->written);
        if (f->nnear) {
            put(&t, "; did you mean ");
            put_names(&t, "", f->near, f->nnear);
            put(&t, "?");
        } else {
            put(&t, "; commands are ");
            for (size_t i = 0; i < f->ncommands; i++)
                put(&t, "%s%s", i == 0 ? "" : i + 1 < f->ncommands ? ", " : " and ", f->commands[i]->name);
        }
        break;
    case CLI_UNKNOWN_OPTION:
        put(&t, "unknown option ");
        put_quoted(&t, f->written);
        if (f->nnear) {
            put(&t, "; did you mean ");
            put_names(&t, "--", f->near, f->nnear);
            put(&t, "?");
        }
        break;
    case CLI_NEEDS_VALUE:
        put(&t, "option ");
        put_quoted(&t, f->written);
        put(&t, " needs a value");
        break;
    case CLI_TAKES_NO_VALUE:
        put(&t, "option ");
        put_quoted(&t, f->written);
        put(&t, " takes no value, got ");
        put_quoted(&t, f->value);
        break;
    case CLI_BAD_VALUE:
        put(&t, "%s takes ", f->written);
        put_expected(&t, f->option);
        put(&t, ", got ");
        put_quoted(&t, f->value);
        break;
    case CLI_TOO_MANY:
        put(&t, "too many --%s options (at most %llu)", f->option->name, f->option->max);
        break;
    case CLI_ABOVE_OTHER:
        put(&t, "--%s takes at most the value of --%s (%llu), got ", f->option->name, f->other->name, f->limit);
        put_quoted(&t, f->value);
        break;
    case CLI_MISSING_OPERAND:
        put(&t, "missing the %s", f->operand->noun);
        break;
    case CLI_MISSING_OPTION:
        put(&t, "--%s is required: ", f->option->name);
        put_expected(&t, f->option);
        break;
    case CLI_EXTRA_OPERAND: {
        const struct cli_command *c = f->command;
        if (c->noperands == 0)
            put(&t, "no operand expected; ");
        for (size_t i = 0; i < c->noperands; i++)
            put(&t, "%sone %s%s", i == 0 ? "" : i + 1 < c->noperands ? ", " : " and ", c->operands[i].noun,
                i + 1 == c->noperands ? " only; " : "");
        put_quoted(&t, f->value);
        put(&t, " is one too many");
        break;
    }
    }
}

int cli_usage(const struct cli_failure *f)
{
    if (f->error == CLI_OK)
        return 0;
    if (f->error == CLI_HELP) {
        cli_help(f->command, stdout);
        return 0;
    }
    char msg[1024];
    cli_message(f, msg, sizeof msg);
    const char *name = f->command ? f->command->name : NULL;
    fprintf(stderr, "cpcsim%s%s: %s\nTry 'cpcsim %s%s--help'.\n", name ? " " : "", name ? name : "", msg,
            name ? name : "", name ? " " : "");
    return ST_USAGE;
}

/* ---- help ---- */

#define HELP_WIDTH 90 /* the synopsis wraps before this column */

/* Writes WORD into the synopsis at *COL, on a new line indented INDENT when
 * it would pass HELP_WIDTH. */
static void synopsis_word(FILE *out, const char *word, int indent, int *col)
{
    int len = (int)strlen(word);
    if (*col + 1 + len > HELP_WIDTH) {
        *col = fprintf(out, "\n%*s", indent, "") - 1;
    } else {
        fputc(' ', out);
        ++*col;
    }
    fputs(word, out);
    *col += len;
}

/* The name of O's value in the help ("PATHS"), or "" when it takes none. */
static const char *value_name(const struct cli_option *o)
{
    return !takes_value(o->kind) ? "" : o->value ? o->value : "VALUE";
}

void cli_help(const struct cli_command *c, FILE *out)
{
    int col = fprintf(out, "usage: cpcsim %s", c->name);
    int indent = col + 1;
    for (size_t i = 0; i < c->noperands; i++)
        synopsis_word(out, c->operands[i].name, indent, &col);
    for (size_t i = 0; i < c->noptions; i++) {
        const struct cli_option *o = &c->options[i];
        if (o->kind == CLI_SHOW_HELP)
            continue;
        const char *v = value_name(o);
        char word[256];
        struct text t = { word, sizeof word, 0 };
        const char *open = o->required ? "" : "[";
        if (o->letter && *v)
            put(&t, "%s-%c ", open, o->letter);
        else
            put(&t, "%s--%s%s", open, o->name, *v ? " " : "");
        if (o->kind == CLI_CHOICE)
            for (size_t k = 0; o->choices[k]; k++)
                put(&t, "%s%s", k ? "|" : "", o->choices[k]);
        else
            put(&t, "%s", v);
        put(&t, "%s%s", o->required ? "" : "]", o->kind == CLI_LIST ? "..." : "");
        synopsis_word(out, word, indent, &col);
    }
    fprintf(out, "\n\n%s\n", c->about);
    /* "  -o, --output OUT", the help two columns after the widest */
    int column = 0;
    for (size_t i = 0; i < c->noptions; i++) {
        const struct cli_option *o = &c->options[i];
        const char *v = value_name(o);
        int n = 8 + (int)strlen(o->name) + (*v ? 1 + (int)strlen(v) : 0);
        if (n + 2 > column)
            column = n + 2;
    }
    for (size_t i = 0; i < c->noptions; i++) {
        const struct cli_option *o = &c->options[i];
        const char *v = value_name(o);
        int n = fprintf(out, "  %c%c%c --%s%s%s", o->letter ? '-' : ' ', o->letter ? o->letter : ' ',
                        o->letter ? ',' : ' ', o->name, *v ? " " : "", v);
        fprintf(out, "%*s", column - n, "");
        for (const char *h = o->help; *h; h++) {
            fputc(*h, out);
            if (*h == '\n')
                fprintf(out, "%*s", column, "");
        }
        fputc('\n', out);
    }
    if (c->notes)
        fprintf(out, "\n%s", c->notes);
}

/* ---- what commands share ---- */

static void on_signal(int sig)
{
    cli_stop_signal = sig;
}

void cli_catch_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
}

int cli_exit_code(enum status st)
{
    if (st == ST_INTERRUPT)
        return cli_stop_signal == SIGTERM ? 143 : cli_stop_signal == SIGHUP ? 129 : 130;
    return (int)st;
}

enum status cli_find_scenario(const struct model *m, const char *command, const char *name, size_t *k)
{
    for (*k = 0; *k < m->nscenarios; (*k)++)
        if (!strcmp(m->scenarios[*k].name, name))
            return ST_OK;
    fprintf(stderr, "cpcsim %s: no scenario called '", command);
    term_put(stderr, name);
    fputs("' in ", stderr);
    term_put(stderr, m->dir);
    fputs("/scenarios.csv; scenarios are:", stderr);
    for (size_t i = 0; i < m->nscenarios && i < 50; i++) {
        fputs(i ? ", " : " ", stderr);
        term_put(stderr, m->scenarios[i].name);
    }
    if (m->nscenarios > 50)
        fprintf(stderr, " and %zu more", m->nscenarios - 50);
    fputc('\n', stderr);
    return ST_USAGE;
}

unsigned long long cli_default_threads(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    /* cpcsim-mpi: the ranks on this node share its cores */
    return ranks_default_threads(n > 0 ? (unsigned long long)(n > CLI_MAX_THREADS ? CLI_MAX_THREADS : n) : 1);
}

void cli_say_stopped(const char *command, enum status st)
{
    if (st == ST_NOMEM)
        fprintf(stderr, "cpcsim %s: out of memory, or the system would not start another thread (fewer threads, "
                "-j, may do); nothing was written\n", command);
    else if (st == ST_INTERRUPT)
        fprintf(stderr, "\ncpcsim %s: interrupted; no report was written or replaced\n", command);
    else if (st == ST_SOFTWARE)
        fprintf(stderr, "cpcsim %s: internal error (could not start a thread); please report it\n", command);
}

enum status cli_find_plan(const struct model *m, const char *command, const char *name, size_t *k)
{
    for (*k = 0; *k < m->nplans; (*k)++)
        if (!strcmp(m->plans[*k].name, name))
            return ST_OK;
    fprintf(stderr, "cpcsim %s: no plan called '", command);
    term_put(stderr, name);
    fputs("' in ", stderr);
    term_put(stderr, m->dir);
    fputs("/plans.csv; plans are:", stderr);
    for (size_t i = 0; i < m->nplans && i < 50; i++) {
        fputs(i ? ", " : " ", stderr);
        term_put(stderr, m->plans[i].name);
    }
    if (m->nplans > 50)
        fprintf(stderr, " and %zu more", m->nplans - 50);
    fputc('\n', stderr);
    return ST_USAGE;
}

enum status cli_load_model(const char *dir, struct diag *d, struct model **m)
{
    enum status st = model_load(dir, d, m);
    if (st != ST_OK) {
        diag_print(d, stderr);
        size_t n = diag_errors(d);
        if (st == ST_DATA)
        {
            fprintf(stderr, "cpcsim: %zu problem%s in ", n, n == 1 ? "" : "s");
            term_put(stderr, dir);
            fputs("; nothing was simulated or written\n", stderr);
        }
        else if (st == ST_NOMEM)
            fprintf(stderr, "cpcsim: out of memory\n");
    }
    return st;
}

/* Appends ARG to BUF at *USED (when BUF is not NULL) as one word for a
 * POSIX shell; returns its length. */
static size_t shell_word(const char *arg, char *buf, size_t used)
{
    static const char plain[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_@%+=:,./-";
    size_t n = 0;
    if (*arg && strspn(arg, plain) == strlen(arg)) {
        n = strlen(arg);
        if (buf)
            memcpy(buf + used, arg, n);
        return n;
    }
    /* in single quotes everything is literal but a single quote, which
     * closes the quotes, is written escaped and reopens them: '\'' */
#define PUT(str)                                                                                                   \
    do {                                                                                                           \
        size_t k_ = strlen(str);                                                                                   \
        if (buf)                                                                                                   \
            memcpy(buf + used + n, str, k_);                                                                       \
        n += k_;                                                                                                   \
    } while (0)
    PUT("'");
    for (const char *p = arg; *p; p++) {
        if (*p == '\'') {
            PUT("'\\''");
        } else {
            if (buf)
                buf[used + n] = *p;
            n++;
        }
    }
    PUT("'");
#undef PUT
    return n;
}

char *cli_command_line(int argc, char **argv)
{
    size_t len = 0;
    for (int i = 0; i < argc; i++)
        len += (i ? 1 : 0) + shell_word(argv[i], NULL, 0);
    char *buf = mem_alloc(len + 1);
    if (!buf)
        return NULL;
    size_t used = 0;
    for (int i = 0; i < argc; i++) {
        if (i)
            buf[used++] = ' ';
        used += shell_word(argv[i], buf, used);
    }
    buf[used] = '\0';
    return buf;
}
