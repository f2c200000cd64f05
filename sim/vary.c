/*
 * vary.c - one input of a model set to other values (see vary.h).
 */
#include "sim/vary.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/load.h"
#include "sim/mem.h"
#include "sim/term.h"

/* TEXT[0..LEN) trimmed of spaces, written over itself; returns its start. */
static char *trim(char *s, size_t len)
{
    while (len && (*s == ' ' || *s == '\t')) {
        s++;
        len--;
    }
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    s[len] = '\0';
    return s;
}

int vary_split(const char *text, char **copy, char ***items, size_t *n, char *why, size_t whylen)
{
    *copy = NULL;
    *items = NULL;
    *n = 0;
    size_t count = 1;
    int depth = 0;
    for (const char *c = text; *c; c++) {
        if (*c == '(')
            depth++;
        else if (*c == ')' && --depth < 0)
            break;
        else if (*c == ',' && depth == 0)
            count++;
    }
    if (depth) {
        snprintf(why, whylen, "%s in '%s'", depth < 0 ? "a ')' without its '('" : "an unclosed '('", text);
        return -1;
    }
    if (count > VARY_MAX_VALUES) {
        snprintf(why, whylen, "%zu values; at most %d", count, VARY_MAX_VALUES);
        return -1;
    }
    char *s = mem_strdup(text);
    char **list = mem_calloc(count, sizeof *list);
    if (!s || !list) {
        mem_free(s);
        mem_free(list);
        return -2;
    }
    size_t k = 0;
    char *start = s;
    for (char *c = s;; c++) {
        if (*c == '(')
            depth++;
        else if (*c == ')')
            depth--;
        if ((*c == ',' && depth == 0) || !*c) {
            int end = !*c;
            list[k] = trim(start, (size_t)(c - start));
            if (!*list[k]) {
                snprintf(why, whylen, "an empty value in '%s' (value %zu of %zu)", text, k + 1, count);
                mem_free(s);
                mem_free(list);
                return -1;
            }
            k++;
            start = c + 1;
            if (end)
                break;
        }
    }
    *copy = s;
    *items = list;
    *n = count;
    return 0;
}

int vary_range_split(const char *text, int with_count, char *lo, char *hi, size_t len, size_t *count, char *why,
                     size_t whylen)
{
    const char *dots = NULL;
    int depth = 0;
    for (const char *c = text; *c && !dots; c++) {
        if (*c == '(')
            depth++;
        else if (*c == ')')
            depth--;
        else if (depth == 0 && c[0] == '.' && c[1] == '.')
            dots = c;
    }
    if (!dots)
        return 0;
    const char *end = text + strlen(text), *slash = strrchr(dots, '/');
    *count = 0;
    if (with_count) {
        if (!slash) {
            snprintf(why, whylen, "the range '%s' has no count of points: write LO..HI/N, such as 2%%..8%%/7", text);
            return -1;
        }
        char *stop;
        const char *digits = slash + 1;
        while (*digits == ' ')
            digits++;
        unsigned long long k = *digits >= '0' && *digits <= '9' ? strtoull(digits, &stop, 10) : 0;
        if (!k || (*stop && strspn(stop, " ") != strlen(stop)) || k < 2 || k > VARY_MAX_VALUES) {
            snprintf(why, whylen, "the range '%s' needs a whole number of points from 2 to %d after '/', "
                     "such as 2%%..8%%/7", text, VARY_MAX_VALUES);
            return -1;
        }
        *count = (size_t)k;
        end = slash;
    } else if (slash && strchr(slash, ')') == NULL) {
        snprintf(why, whylen, "the range '%s' takes no count of points: write LO..HI, such as 2%%..8%%", text);
        return -1;
    }
    size_t nlo = (size_t)(dots - text), nhi = (size_t)(end - dots - 2);
    if (nlo >= len || nhi >= len) {
        snprintf(why, whylen, "the range '%.40s...' is too long", text);
        return -1;
    }
    memcpy(lo, text, nlo);
    memcpy(hi, dots + 2, nhi);
    char *l = trim(lo, nlo), *h = trim(hi, nhi);
    memmove(lo, l, strlen(l) + 1);
    memmove(hi, h, strlen(h) + 1);
    if (!*lo || !*hi) {
        snprintf(why, whylen, "the range '%s' needs both ends: write LO..HI%s", text, with_count ? "/N" : "");
        return -1;
    }
    return 1;
}

void vary_points(double lo, double hi, size_t n, double *out)
{
    for (size_t k = 0; k < n; k++)
        out[k] = k + 1 == n ? hi : lo + (hi - lo) * (double)k / (double)(n - 1);
}

/* The cell of V in M: a value cell, or (NULL) a setting of company.csv. */
static struct dist *cell_of(const struct vary *v, struct model *m)
{
    return v->file == MF_COMPANY ? NULL : model_cell_value(m, v->file, v->row, v->column);
}

static double *setting_of(const struct vary *v, struct model *m)
{
    return v->column == 0 ? &m->cash : &m->min_cash;
}

double vary_current(const struct vary *v, struct model *m)
{
    struct dist *d = cell_of(v, m);
    return d ? dist_mean(d) : *setting_of(v, m);
}

static void put(struct vary *v, struct model *m, const struct dist *value)
{
    struct dist *d = cell_of(v, m);
    if (!v->applied)
        v->saved = d ? *d : dist_const(*setting_of(v, m), RANGE_ANY);
    v->applied = 1;
    if (d)
        *d = *value;
    else
        *setting_of(v, m) = value->p[0];
}

void vary_apply(struct vary *v, struct model *m, size_t k)
{
    put(v, m, &v->value[k]);
}

void vary_apply_number(struct vary *v, struct model *m, double x)
{
    struct dist c = dist_const(x, v->range);
    put(v, m, &c);
}

void vary_restore(struct vary *v, struct model *m)
{
    if (!v->applied)
        return;
    put(v, m, &v->saved);
    v->applied = 0;
}

/* V's cell, as model_check names an edited one. */
static struct model_cell_id cell_id(const struct vary *v)
{
    struct model_cell_id id = { v->file, v->row, v->column };
    return id;
}

/* What model_check's ERRORS, added to D, make of a value: ST_NOMEM when
 * a message could not be kept, ST_DATA for an error, else ST_OK. */
static enum status verdict(size_t errors, const struct diag *d)
{
    return diag_status(d) == ST_NOMEM ? ST_NOMEM : errors ? ST_DATA : ST_OK;
}

/* Says in WHY that M failed model_check with TEXT in V's cell. */
static void say_refused(const struct vary *v, const char *text, char *why, size_t whylen)
{
    snprintf(why, whylen, "%s: with the value %s the model fails the check above", v->name, text);
}

enum status vary_check_number(struct vary *v, struct model *m, double x, struct diag *d, char *why, size_t whylen)
{
    const struct model_cell_id id = cell_id(v);
    vary_apply_number(v, m, x);
    enum status st = verdict(model_check(m, &id, 1, d), d);
    vary_restore(v, m);
    if (st == ST_DATA) {
        char text[64];
        snprintf(text, sizeof text, "%.10g", x);
        say_refused(v, text, why, whylen);
    }
    return st;
}

enum status vary_check_grid(struct vary *const *v, size_t nv, struct model *m, struct diag *d, char *why,
                            size_t whylen)
{
    if (nv < 2)
        return ST_OK;
    const struct model_cell_id id[2] = { cell_id(v[0]), cell_id(v[1]) };
    for (size_t j = 0; j < v[0]->n; j++) {
        for (size_t k = 0; k < v[1]->n; k++) {
            vary_apply(v[0], m, j);
            vary_apply(v[1], m, k);
            /* N 0: errors only; each value's warnings were said by vary_new */
            enum status st = verdict(model_check(m, id, 0, d), d);
            vary_restore(v[1], m);
            vary_restore(v[0], m);
            if (st == ST_NOMEM)
                return st;
            if (st == ST_DATA) {
                char a[64], b[64];
                vary_value_text(v[0], j, a, sizeof a);
                vary_value_text(v[1], k, b, sizeof b);
                snprintf(why, whylen, "%s and %s: with the values %s and %s together the model fails the check "
                         "above", v[0]->name, v[1]->name, a, b);
                return ST_DATA;
            }
        }
    }
    return ST_OK;
}

void vary_value_text(const struct vary *v, size_t k, char *buf, size_t len)
{
    if (v->text && v->text[k])
        snprintf(buf, len, "%s", v->text[k]);
    else
        snprintf(buf, len, "%.10g", v->value[k].p[0]);
}

void vary_free(struct vary *v)
{
    if (!v)
        return;
    for (size_t k = 0; v->value && k < v->n; k++)
        dist_release(&v->value[k]);
    for (size_t k = 0; v->text && k < v->n; k++)
        mem_free(v->text[k]);
    mem_free(v->value);
    mem_free(v->text);
    mem_free(v->name);
    mem_free(v);
}

/* Reads TEXT by V's column into *OUT: 0, or -1 with "INPUT: reason" in WHY. */
static int parse_value(const struct vary *v, const char *text, struct dist *out, char *why, size_t whylen)
{
    char reason[512];
    int r = load_parse_cell(model_file_name(v->file), v->column_name, text, out, reason, sizeof reason);
    if (r) {
        snprintf(why, whylen, "%s: %s", v->name, r == -2 ? "cannot be set" : reason);
        return -1;
    }
    return 0;
}

enum status vary_number(const struct vary *v, struct model *m, const char *text, double *x, char *why,
                        size_t whylen)
{
    (void)m;
    struct dist d;
    if (parse_value(v, text, &d, why, whylen))
        return ST_DATA;
    if (dist_is_uncertain(&d)) {
        snprintf(why, whylen, "%s: '%s' is a distribution; a range takes plain numbers", v->name, text);
        return ST_USAGE;
    }
    *x = d.p[0];
    return ST_OK;
}

/* Fills V's values from VALUES (a list or a range), each checked in M as
 * model_check checks a model (its problems into D). */
static enum status read_values(struct vary *v, struct model *m, const char *values, struct diag *d, char *why,
                               size_t whylen)
{
    char lo[256], hi[256], reason[512];
    size_t count = 0;
    int range = vary_range_split(values, 1, lo, hi, sizeof lo, &count, reason, sizeof reason);
    char *copy = NULL, **items = NULL;
    if (range < 0) {
        snprintf(why, whylen, "%s: %s", v->name, reason);
        return ST_USAGE;
    }
    if (!range) {
        int r = vary_split(values, &copy, &items, &count, reason, sizeof reason);
        if (r == -2)
            return ST_NOMEM;
        if (r) {
            snprintf(why, whylen, "%s: %s", v->name, reason);
            return ST_USAGE;
        }
    }
    enum status st = ST_OK;
    v->value = mem_calloc(count, sizeof *v->value);
    v->text = mem_calloc(count, sizeof *v->text);
    if (!v->value || !v->text)
        st = ST_NOMEM;
    double ends[2];
    if (st == ST_OK && range) {
        for (int e = 0; e < 2 && st == ST_OK; e++)
            st = vary_number(v, m, e ? hi : lo, &ends[e], why, whylen);
        struct dist one = dist_const(0, v->range);
        if (st == ST_OK)
            parse_value(v, lo, &one, why, whylen);
        double *all = st == ST_OK ? mem_calloc(count, sizeof *all) : NULL;
        if (st == ST_OK && !all)
            st = ST_NOMEM;
        if (st == ST_OK) {
            vary_points(ends[0], ends[1], count, all);
            for (size_t j = 0; j < count; j++)
                v->value[j] = dist_const(all[j], one.range);
            v->n = count;
        }
        mem_free(all);
    }
    for (size_t k = 0; st == ST_OK && !range && k < count; k++) {
        if (parse_value(v, items[k], &v->value[k], why, whylen)) {
            st = ST_DATA;
            break;
        }
        v->n = k + 1;
        if (dist_is_uncertain(&v->value[k]) && !(v->text[k] = mem_strdup(items[k])))
            st = ST_NOMEM;
        else if (dist_prepare(&v->value[k]))
            st = ST_NOMEM;
    }
    const struct model_cell_id id = cell_id(v);
    for (size_t k = 0; st == ST_OK && k < v->n; k++) {
        vary_apply(v, m, k);
        st = verdict(model_check(m, &id, 1, d), d);
        vary_restore(v, m);
        if (st == ST_DATA) {
            char text[64];
            vary_value_text(v, k, text, sizeof text);
            say_refused(v, text, why, whylen);
        }
    }
    if (st == ST_OK && v->n)
        v->range = v->value[0].range;
    mem_free(copy);
    mem_free(items);
    return st;
}

enum status vary_new(struct model *m, const struct inputs *in, const char *arg, int values_too, struct diag *d,
                     struct vary **out, char *why, size_t whylen)
{
    *out = NULL;
    const char *eq = strchr(arg, '=');
    size_t nlen = eq ? (size_t)(eq - arg) : strlen(arg);
    if (values_too && !eq) {
        snprintf(why, whylen, "'%s' gives no values: write INPUT=VALUES, such as "
                 "scenarios.csv:realistic:growth=2%%,4%%,6%%", arg);
        return ST_USAGE;
    }
    if (!values_too && eq) {
        snprintf(why, whylen, "'%s': goal finds the value itself; write the input alone, such as "
                 "company.csv:cash", arg);
        return ST_USAGE;
    }
    struct vary *v = mem_calloc(1, sizeof *v);
    if (!v || !(v->name = mem_strndup(arg, nlen))) {
        mem_free(v);
        return ST_NOMEM;
    }
    long i = inputs_find(in, v->name);
    if (i < 0) {
        const char *near[3];
        size_t nn = inputs_nearest(in, v->name, near, 3);
        char shown[256];
        term_escape(v->name, shown, sizeof shown);
        int at = snprintf(why, whylen, "'%s': no such input", shown);
        for (size_t k = 0; k < nn && at > 0 && (size_t)at < whylen; k++) {
            term_escape(near[k], shown, sizeof shown);
            at += snprintf(why + at, whylen - (size_t)at, "%s'%s'", k ? " or " : "; did you mean ", shown);
        }
        if (at > 0 && (size_t)at < whylen)
            snprintf(why + at, whylen - (size_t)at, "%s (inputs are named FILE:ROW:COLUMN, such as "
                     "scenarios.csv:%s:growth, or company.csv:cash)", nn ? "?" : "",
                     m->nscenarios ? m->scenarios[0].name : "plan");
        vary_free(v);
        return ST_USAGE;
    }
    const struct input *c = &in->item[i];
    v->file = c->file;
    v->row = c->row;
    v->column = c->column;
    v->column_name = c->column_name;
    v->range = c->value ? c->value->range : RANGE_ANY;
    enum status st = values_too ? read_values(v, m, eq + 1, d, why, whylen) : ST_OK;
    if (st != ST_OK) {
        vary_free(v);
        return st;
    }
    *out = v;
    return ST_OK;
}
