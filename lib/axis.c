/*
 * axis: round ticks for a chart's value axis (see the header). The step is the smallest of
 * 1, 2, 2.5, 5 (times a power of ten) that covers the range in AXIS_TARGET_TICKS - 1 steps;
 * a wider step is taken while the ticks would pass AXIS_MAX_TICKS.
 */
#include <math.h>

#include "ekonet/axis.h"

/* The smallest round step of at least raw. */
static double nice_step(double raw)
{
    static const double mult[] = {1, 2, 2.5, 5, 10};
    double p = pow(10, floor(log10(raw)));
    for (int i = 0; i < 5; i++)
        if (mult[i] * p >= raw * (1 - 1e-9)) return mult[i] * p;
    return 10 * p;
}

/* Decimals a label of multiples of step needs (at most 6). */
static int step_decimals(double step)
{
    int d = 0;
    while (d < 6 && fabs(step * pow(10, d) - round(step * pow(10, d))) > 1e-6) d++;
    return d;
}

int axis_nice(double lo, double hi, int nonnegative, int share, struct axis *a)
{
    if (!isfinite(lo) || !isfinite(hi)) return -1;
    if (lo > hi) {
        double t = lo;
        lo = hi, hi = t;
    }
    if (hi == lo) { /* one value: room around it, in proportion to its size */
        double pad = fabs(lo) * AXIS_PAD_ONE;
        if (pad == 0) pad = 1;
        lo -= pad, hi += pad;
    } else { /* room so that no point sits on the frame */
        double pad = (hi - lo) * 0.05;
        lo -= pad, hi += pad;
    }
    if (nonnegative && lo < 0) lo = 0;
    if (share && hi > 100) hi = 100;
    if (hi <= lo) hi = lo + 1;
    double step = nice_step((hi - lo) / (AXIS_TARGET_TICKS - 1));
    double alo = floor(lo / step) * step, ahi = ceil(hi / step) * step;
    while ((ahi - alo) / step + 1 > AXIS_MAX_TICKS + 1e-9) {
        step = nice_step(step * 1.01);
        alo = floor(lo / step) * step, ahi = ceil(hi / step) * step;
    }
    if (nonnegative && alo < 0) alo = 0;
    a->lo = alo == 0 ? 0 : alo; /* no -0 */
    a->hi = ahi;
    a->step = step;
    a->nticks = (int)round((ahi - alo) / step) + 1;
    a->decimals = step_decimals(step);
    return 0;
}
