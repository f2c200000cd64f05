/*
 * category.h - the accounting category of a cost line.
 *
 * cogs: cost of goods sold (serving customers), counted in gross margin;
 * rnd: research and development; sm: sales and marketing; ga: general and
 * administrative.  Feature build costs are always rnd, feature run costs
 * always cogs.
 */
#ifndef CPC_CATEGORY_H
#define CPC_CATEGORY_H

enum category { CAT_COGS, CAT_RND, CAT_SM, CAT_GA, CAT_COUNT };

/* NULL-terminated names, in enum order, as written in model files. */
extern const char *const category_names[];

#endif
