/*
 * category.c - the names of the accounting categories (see category.h).
 */
#include "models/category.h"

#include <stddef.h>

const char *const category_names[] = { "cogs", "rnd", "sm", "ga", NULL };
