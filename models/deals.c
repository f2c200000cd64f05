/*
 * deals.c - when deals close (see deals.h).
 */
#include "models/deals.h"

#include <math.h>

int deals_close_month(const struct deal *dl, double slip, double loss, double u_happen, double u_slip,
                      int horizon)
{
    if (!(u_happen < dl->probability * (1 - loss)))
        return 0;
    double s = 0;
    if (slip >= 1)
        return 0;
    if (slip > 0)
        s = floor(log(u_slip) / log(slip)); /* P(S >= k) = slip^k */
    double month = dl->month + s;
    return month > horizon ? 0 : (int)month;
}

void deals_expect(const struct deal *dl, double slip, double loss, int horizon, double *add, size_t stride)
{
    double weight = dl->customers * dl->probability * (1 - loss) * (1 - slip);
    for (int m = dl->month; m <= horizon && weight != 0; m++) {
        add[(size_t)m * stride] += weight;
        weight *= slip;
    }
}
