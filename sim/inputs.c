/*
 * inputs.c - the model's uncertain inputs and their names (see inputs.h).
 */
#include "sim/inputs.h"

#include <string.h>

#include "models/dist.h"
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
