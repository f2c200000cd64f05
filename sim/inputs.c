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
};

static void count_cell(void *ctx, const struct model_cell *c)
{
    struct walk *w = ctx;
    if (dist_is_uncertain(c->value))
        w->in->n++;
}

static void add_cell(void *ctx, const struct model_cell *c)
{
    struct walk *w = ctx;
    if (w->failed || !dist_is_uncertain(c->value))
        return;
    const char *file = model_file_name(c->file);
    const char *row = c->row_name ? c->row_name : "";
    size_t len = strlen(file) + strlen(row) + strlen(c->column_name) + 3;
    char *name = mem_alloc(len);
    if (!name) {
        w->failed = 1;
        return;
    }
    memcpy(name, file, strlen(file));
    char *at = name + strlen(file);
    *at++ = ':';
    memcpy(at, row, strlen(row));
    at += strlen(row);
    *at++ = ':';
    memcpy(at, c->column_name, strlen(c->column_name) + 1);
    w->in->item[w->in->n++] = (struct input){ name, c->file, c->row, c->column, c->line, c->value };
}

struct inputs *inputs_new(const struct model *m)
{
    struct inputs *in = mem_calloc(1, sizeof *in);
    if (!in)
        return NULL;
    struct walk w = { in, 0 };
    model_for_each_cell(m, count_cell, &w);
    in->item = mem_calloc(in->n + 1, sizeof *in->item);
    if (!in->item) {
        mem_free(in);
        return NULL;
    }
    in->n = 0;
    model_for_each_cell(m, add_cell, &w);
    if (w.failed) {
        inputs_free(in);
        return NULL;
    }
    return in;
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
    size_t best[NEAREST], dist[NEAREST], nbest = 0, len = strlen(name);
    for (size_t k = 0; k < in->n; k++) {
        size_t d = cli_distance(name, len, in->item[k].name, strlen(in->item[k].name));
        if (d == SIZE_MAX || d > (len + 2) / 3)
            continue;
        size_t at = nbest < NEAREST ? nbest++ : NEAREST;
        while (at > 0 && dist[at - 1] > d) {
            if (at < NEAREST) {
                best[at] = best[at - 1];
                dist[at] = dist[at - 1];
            }
            at--;
        }
        if (at < NEAREST) {
            best[at] = k;
            dist[at] = d;
        }
    }
    int n = snprintf(why, whylen, "no uncertain input named '%s'", name);
    if (nbest)
        for (size_t k = 0; k < nbest && n >= 0 && (size_t)n < whylen; k++)
            n += snprintf(why + n, whylen - (size_t)n, "%s%s", k ? ", " : "; did you mean ",
                          in->item[best[k]].name);
    else if (n >= 0 && (size_t)n < whylen)
        snprintf(why + n, whylen - (size_t)n, " (an input is FILE:ROW:COLUMN of a cell holding a distribution, "
                 "such as staff.csv:Engineer:salary; `cpcsim check` lists them)");
    if (nbest && n >= 0 && (size_t)n < whylen)
        snprintf(why + n, whylen - (size_t)n, "?");
    return -1;
}
