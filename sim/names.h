/*
 * names.h - finding a row by its name, in O(log n), names compared whole.
 *
 * A model refers to rows of other files by name (a feature's role and
 * plans, a deal's plan, a contract's features).  An index sorts the names
 * of a file's rows once, byte by byte over their whole length, so that a
 * lookup is a binary search: 100,000 features naming 100,000 roles take
 * milliseconds, not a minute, whatever the names (no hashing, so no input
 * makes it slow).  Names are never cut: two names that differ only at
 * their 10,000th byte are two names.  The index borrows the names; they
 * must outlive it.
 */
#ifndef CPC_NAMES_H
#define CPC_NAMES_H

#include <stddef.h>

struct names;

/*
 * Indexes the names of N rows of STRIDE bytes from ROWS, the name of each
 * the char * at OFFSET within its row (a NULL name is left out).  Returns
 * the index (free with names_free), or NULL when memory runs out.
 */
struct names *names_new(const void *rows, size_t n, size_t stride, size_t offset);
/* Frees X.  NULL does nothing. */
void names_free(struct names *x);

/* The row of the name NAME of LEN bytes (not NUL-terminated: a part of a
 * list such as "a;b"), the first such row when the name repeats; -1 when
 * no row has it or X is NULL. */
long names_find(const struct names *x, const char *name, size_t len);

#endif
