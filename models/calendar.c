/*
 * calendar.c - month indices and dates (see calendar.h).
 */
#include "models/calendar.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int calendar_parse_date(const char *text, int *year, int *month)
{
    if (strlen(text) != 7 || text[4] != '-')
        return -1;
    for (int i = 0; i < 7; i++)
        if (i != 4 && !isdigit((unsigned char)text[i]))
            return -1;
    int y = (text[0] - '0') * 1000 + (text[1] - '0') * 100 + (text[2] - '0') * 10 + (text[3] - '0');
    int m = (text[5] - '0') * 10 + (text[6] - '0');
    if (y < 1900 || m < 1 || m > 12)
        return -1;
    *year = y;
    *month = m;
    return 0;
}

int calendar_parse_month(const struct calendar *cal, const char *text, int *index, char *why,
                         size_t whylen)
{
    int y, m;
    if (!*text) {
        snprintf(why, whylen, "expected a month, got an empty cell");
        return -1;
    }
    if (calendar_parse_date(text, &y, &m) == 0) {
        if (!cal->start_year) {
            *index = 1;
            return 0;
        }
        *index = (y - cal->start_year) * 12 + (m - cal->start_month) + 1;
        return 0;
    }
    int digits = 1;
    for (const char *p = text; *p; p++)
        if (!isdigit((unsigned char)*p))
            digits = 0;
    if (digits && strlen(text) <= 6) {
        long v = strtol(text, NULL, 10);
        if (v >= 1 && v <= cal->months) {
            *index = (int)v;
            return 0;
        }
        snprintf(why, whylen, "month index %s is outside the horizon 1 to %d", text, cal->months);
        return -1;
    }
    snprintf(why, whylen, "expected a month as YYYY-MM (such as 2027-03) or an index from 1 to %d, got '%s'",
             cal->months, text);
    return -1;
}

void calendar_format(const struct calendar *cal, int m, char *buf, size_t len)
{
    int total = cal->start_year * 12 + (cal->start_month - 1) + (m - 1);
    snprintf(buf, len, "%04d-%02d", total / 12, total % 12 + 1);
}

int calendar_year(int m)
{
    return (m - 1) / 12;
}

double calendar_escalate(double amount, double factor, int m)
{
    for (int y = calendar_year(m); y > 0; y--)
        amount *= factor;
    return amount;
}

int calendar_clip(int from, int to, int horizon, int *first, int *last)
{
    *first = from < 1 ? 1 : from;
    *last = to > horizon ? horizon : to;
    return *first <= *last;
}
