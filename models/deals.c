/*
 * deals.c - when deals close (see deals.h).
 */
#include "models/deals.h"

#include <math.h>

int deals_close_month(const struct deal *dl, const struct scenario_draw *sc, double u_happen, double u_slip,
                      int horizon)
{
    if (dl->is_signed)
        return dl->month <= horizon ? dl->month : 0;
    if (!(u_happen < dl->probability * (1 - sc->loss)))
        return 0;
    double s = 0;
    if (sc->slip >= 1)
        return 0;
    if (sc->slip > 0)
        s = floor(log(u_slip) / log(sc->slip)); /* P(S >= k) = slip^k */
    double month = dl->month + sc->delay + s;
    return month > horizon ? 0 : (int)month;
}

void deals_expect(const struct deal *dl, const struct scenario_draw *sc, int horizon, double *add, size_t stride)
{
    if (dl->is_signed) {
        if (dl->month <= horizon)
            add[(size_t)dl->month * stride] += dl->customers;
        return;
    }
    double weight = dl->customers * dl->probability * (1 - sc->loss) * (1 - sc->slip);
    for (double m = dl->month + sc->delay; m <= horizon && weight != 0; m++) {
        add[(size_t)m * stride] += weight;
        weight *= sc->slip;
    }
}
