/*
 * vary.h - one input of a model set to other values: what `sweep --vary`
 * and `goal --vary` change.
 *
 * An input is named as everywhere (inputs.h: FILE:ROW:COLUMN, and
 * company.csv:cash, company.csv:min_cash).  Its VALUES are a list,
 * `2%,4%,6%`, where a comma inside parentheses belongs to a distribution
 * (`uniform(1, 2),uniform(2, 3)` is two values), or a range `LO..HI/N`: N
 * evenly spaced points from LO to HI, both included.  Each value replaces
 * the whole cell (a plain number or a distribution) and is read by the
 * rules the loader reads that column with (load_parse_cell), so a value
 * the model file could not hold is refused here too, naming the input; the
 * model with the value in is then checked as a loaded one is (model_check),
 * its messages placed at the cells as if the value were written there.
 *
 * The model is loaded once; vary_apply puts one value into its cell in
 * place, vary_restore puts the model's own back.  The cell's random stream
 * is keyed by the cell (rng.h), so every value is drawn from the same
 * uniforms: points differ by the input, not by noise (common random
 * numbers).
 */
#ifndef CPC_VARY_H
#define CPC_VARY_H

#include <stddef.h>

#include "models/dist.h"
#include "sim/inputs.h"
#include "sim/model.h"
#include "sim/status.h"

/* The most values one input takes. */
#define VARY_MAX_VALUES 1000

struct vary {
    char *name;        /* the input's name (owned) */
    enum model_file file;
    size_t row;
    unsigned column;   /* as struct input numbers it */
    const char *column_name;
    enum dist_range range;
    size_t n;
    struct dist *value; /* [n], their draws prepared (owned) */
    char **text;        /* [n] a distribution as written; NULL for a plain number (owned) */
    struct dist saved;  /* the model's own value, while one of VALUE is in */
    int applied;
};

/*
 * Splits TEXT into the items of a VALUES list at the commas outside
 * parentheses, each trimmed of spaces: *ITEMS (N of them) points into a
 * copy of TEXT at *COPY (free both with mem_free).  Returns 0, or -1 with
 * the reason in WHY (an empty item, a parenthesis not closed or not
 * opened, more than VARY_MAX_VALUES items), or -2 when memory runs out.
 */
int vary_split(const char *text, char **copy, char ***items, size_t *n, char *why, size_t whylen);

/*
 * Reads TEXT as a range LO..HI/N (N from 2 to VARY_MAX_VALUES; with
 * WITH_COUNT 0, LO..HI alone): LO and HI are put, trimmed, into the LEN
 * bytes at LO and HI.  Returns 1 for a range, 0 for text that is no range
 * (no ".." outside parentheses), -1 for a malformed one with the reason in
 * WHY.
 */
int vary_range_split(const char *text, int with_count, char *lo, char *hi, size_t len, size_t *count, char *why,
                     size_t whylen);

/* The N evenly spaced points from LO to HI into OUT: LO + (HI - LO) * k /
 * (N - 1), with HI itself last. */
void vary_points(double lo, double hi, size_t n, double *out);

/*
 * Reads ARG, "INPUT=VALUES" (or "INPUT" alone when VALUES_TOO is 0, for
 * goal), against the cells IN of M.  Each value is checked in M's cell as
 * model_load checks a model (model_check), its problems placed in D as if
 * the value were written in the cell.  Returns ST_OK with *OUT set (free
 * with vary_free), ST_USAGE for an unknown input (the nearest names
 * suggested), a missing or unexpected '=', or a malformed list or range,
 * ST_DATA for a value the cell's column refuses, or with which the model
 * fails model_check (an amount beyond 1e100, arrivals beyond what cpcsim
 * counts: the placed error is in D), ST_NOMEM; the message, beginning with
 * the input's name, is in WHY.
 */
enum status vary_new(struct model *m, const struct inputs *in, const char *arg, int values_too, struct diag *d,
                     struct vary **out, char *why, size_t whylen);
void vary_free(struct vary *v);

/* Reads TEXT as one value of V's cell (goal's --range ends): ST_OK with
 * *X, ST_USAGE for a distribution, ST_DATA for a value the column refuses,
 * the reason in WHY. */
enum status vary_number(const struct vary *v, struct model *m, const char *text, double *x, char *why,
                        size_t whylen);

/* The model's own value of V's cell: its number, or its mean. */
double vary_current(const struct vary *v, struct model *m);

/* Puts value K of V (or the plain number X) into M's cell; vary_restore
 * puts the model's own value back (it must be, before model_free). */
void vary_apply(struct vary *v, struct model *m, size_t k);
void vary_apply_number(struct vary *v, struct model *m, double x);
void vary_restore(struct vary *v, struct model *m);

/* Checks M with the number X in V's cell as model_load checks a model
 * (model_check, its problems placed in D): ST_OK, ST_DATA with the reason
 * in WHY, or ST_NOMEM when a message could not be kept. */
enum status vary_check_number(struct vary *v, struct model *m, double x, struct diag *d, char *why, size_t whylen);

/* Checks M at every point of the grid of the NV inputs V (sweep.h), when
 * there are two: each value alone was checked by vary_new, but two values
 * can overflow together.  Errors only, into D: ST_OK, ST_DATA with the
 * reason in WHY, or ST_NOMEM.  M is as it was either way. */
enum status vary_check_grid(struct vary *const *v, size_t nv, struct model *m, struct diag *d, char *why,
                            size_t whylen);

/* Value K of V as written: a distribution's text, or the number. */
void vary_value_text(const struct vary *v, size_t k, char *buf, size_t len);

#endif
