/*
 * calendar.h - simulated months: index 1 is the first month, `start`.
 *
 * A month cell is written as an index ("7") or a date ("2027-07").  An index
 * must lie within the horizon 1..H; a date may lie outside it and maps to an
 * index below 1 or above H, which each field then interprets (a cost line
 * from before the start applies from month 1; a deal due after the horizon
 * never closes within it).
 */
#ifndef CPC_CALENDAR_H
#define CPC_CALENDAR_H

#include <stddef.h>

#define CALENDAR_MAX_MONTHS 600
/* The last month a date can name, 9999-12, as year * 12 + month - 1. */
#define CALENDAR_LAST_DATE (9999 * 12 + 11)

struct calendar {
    int start_year;  /* 0 when `start` is not known (company.csv is bad) */
    int start_month; /* 1..12 */
    int months;      /* horizon H */
};

/* Parses "YYYY-MM" into year and month; 0 on success. */
int calendar_parse_date(const char *text, int *year, int *month);

/*
 * Parses a month cell into its index.  Returns 0 and sets *index, or -1 and
 * writes the reason into WHY.  A date needs a known start (else *index is
 * set to 1 and 0 is returned, so later checks do not pile up).
 */
int calendar_parse_month(const struct calendar *cal, const char *text, int *index, char *why,
                         size_t whylen);

/* Writes month index M (1-based) as "YYYY-MM" into BUF (at least 8 bytes). */
void calendar_format(const struct calendar *cal, int m, char *buf, size_t len);

/* The year of month m counted from 0: y(m) = floor((m - 1) / 12). */
int calendar_year(int m);

/* AMOUNT after the yearly FACTOR of each whole year before month M's,
 * y(m) times, multiplied one year at a time (so that the amounts of
 * successive years are successive products). */
double calendar_escalate(double amount, double factor, int m);

/* The months FROM..TO clipped to the horizon 1..H, into FIRST..LAST; 0 when
 * none are left. */
int calendar_clip(int from, int to, int horizon, int *first, int *last);

#endif
