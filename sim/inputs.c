/*
 * inputs.c - the model's uncertain inputs and their names (see inputs.h).
 */
#include "sim/inputs.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "models/dist.h"
#include "sim/cli.h"
#include "sim/mem.h"

struct walk {
    struct inputs *in;
    int failed;
    int all; /* every value cell, not only the uncertain ones */
};

static void count_cell(void *ctx, const struct model_cell *c)
{
    struct walk *w = ctx;
    if (w->all || dist_is_uncertain(c->value))
        w->in->n++;
}

/* FILE:ROW:COLUMN, or NULL when memory runs out. */
static char *input_name(const char *file, const char *row, const char *column)
{
    size_t len = strlen(file) + strlen(row) + strlen(column) + 3;
    char *name = mem_alloc(len);
    if (name)
        snprintf(name, len, "%s:%s:%s", file, row, column);
    return name;
}

static void add_cell(void *ctx, const struct model_cell *c)
{
    struct walk *w = ctx;
    if (w->failed || !(w->all || dist_is_uncertain(c->value)))
        return;
    const char *file = model_file_name(c->file);
    const char *row = c->row_name ? c->row_name : "";
    char *name = input_name(file, row, c->column_name);
    if (!name) {
        w->failed = 1;
        return;
    }
    w->in->item[w->in->n++] = (struct input){ name, c->file, c->row, c->column, c->line, c->value, c->column_name };
}

/* The settings of company.csv a command may set, by column index. */
static const char *const company_settings[] = { "cash", "min_cash" };
#define NCOMPANY_SETTINGS (sizeof company_settings / sizeof company_settings[0])

static struct inputs *new_inputs(const struct model *m, int all)
{
    struct inputs *in = mem_calloc(1, sizeof *in);
    if (!in)
        return NULL;
    struct walk w = { in, 0, all };
    model_for_each_cell(m, count_cell, &w);
    in->item = mem_calloc(in->n + NCOMPANY_SETTINGS + 1, sizeof *in->item);
    if (!in->item) {
        mem_free(in);
        return NULL;
    }
    in->n = 0;
    model_for_each_cell(m, add_cell, &w);
    for (unsigned k = 0; all && !w.failed && k < NCOMPANY_SETTINGS; k++) {
        char *name = input_name(model_file_name(MF_COMPANY), "", company_settings[k]);
        if (!name) {
            w.failed = 1;
            break;
        }
        /* no row: "company.csv:cash" */
        memmove(name + strlen("company.csv:"), name + strlen("company.csv::"), strlen(company_settings[k]) + 1);
        in->item[in->n++] = (struct input){ name, MF_COMPANY, 0, k, 0, NULL, company_settings[k] };
    }
    if (w.failed) {
        inputs_free(in);
        return NULL;
    }
    return in;
}

struct inputs *inputs_new(const struct model *m)
{
    return new_inputs(m, 0);
}

struct inputs *inputs_new_cells(const struct model *m)
{
    return new_inputs(m, 1);
}

void inputs_free(struct inputs *in)
{
    if (!in)
        return;
    for (size_t i = 0; i < in->n; i++)
        mem_free(in->item[i].name);
    mem_free(in->item);
    mem_free(in);
}

long inputs_find(const struct inputs *in, const char *name)
{
    for (size_t i = 0; i < in->n; i++)
        if (!strcmp(in->item[i].name, name))
            return (long)i;
    return -1;
}

/* Whether cell C is named NAME: FILE:ROW:COLUMN. */
static int cell_named(const struct model_cell *c, const char *name)
{
    const char *file = model_file_name(c->file), *row = c->row_name ? c->row_name : "";
    size_t lf = strlen(file), lr = strlen(row);
    return !strncmp(name, file, lf) && name[lf] == ':' && !strncmp(name + lf + 1, row, lr) &&
           name[lf + 1 + lr] == ':' && !strcmp(name + lf + lr + 2, c->column_name);
}

struct fixed_walk {
    const char *name;
    int found;
};

static void find_fixed(void *ctx, const struct model_cell *c)
{
    struct fixed_walk *w = ctx;
    if (!w->found && cell_named(c, w->name))
        w->found = 1;
}

#define NEAREST 3

long inputs_resolve(const struct inputs *in, const struct model *m, const char *name, char *why, size_t whylen)
{
    long i = inputs_find(in, name);
    if (i >= 0)
        return i;
    struct fixed_walk w = { name, 0 };
    model_for_each_cell(m, find_fixed, &w);
    if (w.found) {
        snprintf(why, whylen, "'%s' holds one number, the same on every path: only a cell that holds a "
                 "distribution is an uncertain input", name);
        return -1;
    }
    /* the nearest names, closest first (ties in the model's order) */
    const char *near[NEAREST];
    size_t nbest = inputs_nearest(in, name, near, NEAREST);
    int n = snprintf(why, whylen, "no uncertain input named '%s'", name);
    if (nbest)
        for (size_t k = 0; k < nbest && n >= 0 && (size_t)n < whylen; k++)
            n += snprintf(why + n, whylen - (size_t)n, "%s%s", k ? ", " : "; did you mean ", near[k]);
    else if (n >= 0 && (size_t)n < whylen)
        snprintf(why + n, whylen - (size_t)n, " (an input is FILE:ROW:COLUMN of a cell holding a distribution, "
                 "such as staff.csv:Engineer:salary; `cpcsim check` lists them)");
    if (nbest && n >= 0 && (size_t)n < whylen)
        snprintf(why + n, whylen - (size_t)n, "?");
    return -1;
}

/* The distance between parts A (ALEN bytes) and B: cli_distance, or, for
 * parts too long for it, 0 when equal and their length otherwise. */
static size_t part_distance(const char *a, size_t alen, const char *b, size_t blen)
{
    size_t d = cli_distance(a, alen, b, blen);
    if (d != SIZE_MAX)
        return d;
    return alen == blen && !memcmp(a, b, alen) ? 0 : (alen > blen ? alen : blen);
}

/* The distance between input names A and B, part by part (file, row,
 * column: the text before the first ':', between, after the last). */
static size_t name_distance(const char *a, const char *b)
{
    const char *a1 = strchr(a, ':'), *b1 = strchr(b, ':');
    if (!a1 || !b1)
        return part_distance(a, strlen(a), b, strlen(b));
    const char *a2 = strrchr(a, ':'), *b2 = strrchr(b, ':');
    size_t d = part_distance(a, (size_t)(a1 - a), b, (size_t)(b1 - b));
    if (a2 > a1 && b2 > b1)
        d += part_distance(a1 + 1, (size_t)(a2 - a1 - 1), b1 + 1, (size_t)(b2 - b1 - 1));
    else if (a2 > a1 || b2 > b1)
        d += (size_t)(a2 > a1 ? a2 - a1 : b2 - b1);
    return d + part_distance(a2 + 1, strlen(a2 + 1), b2 + 1, strlen(b2 + 1));
}

size_t inputs_nearest(const struct inputs *in, const char *name, const char **near, size_t max)
{
    size_t n = 0, dist[16];
    if (max > 16)
        max = 16;
    size_t limit = strlen(name) / 8 + 2; /* a slip: a few letters */
    for (size_t i = 0; i < in->n; i++) {
        size_t d = name_distance(name, in->item[i].name);
        if (d > limit)
            continue;
        size_t at = n < max ? n++ : max;
        if (at == max && (max == 0 || d >= dist[max - 1]))
            continue;
        if (at == max)
            at = max - 1;
        while (at > 0 && dist[at - 1] > d) {
            dist[at] = dist[at - 1];
            near[at] = near[at - 1];
            at--;
        }
        dist[at] = d;
        near[at] = in->item[i].name;
    }
    return n;
}
