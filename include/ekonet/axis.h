/*
 * axis: the value axis of a chart as people draw it by hand: round ticks (1, 2, 2.5 or 5
 * times a power of ten) that cover the values with a little room, never below zero for
 * values that cannot be negative nor above 100 for a share, and for one value (or equal
 * values) a range around it of AXIS_PAD_ONE of its size, not an invented 380-381.
 */
#ifndef EKONET_AXIS_H
#define EKONET_AXIS_H

#define AXIS_MAX_TICKS    8   /* an axis has at most this many ticks */
#define AXIS_TARGET_TICKS 5   /* and about this many */
#define AXIS_PAD_ONE      0.1 /* one value: the axis spans it +- this fraction of it */

struct axis {
    double lo, hi, step; /* lo and hi are multiples of step */
    int nticks;          /* lo, lo + step, ... hi */
    int decimals;        /* what a tick's label needs: 0 for a step of 20, 1 for 2.5 */
};

/*
 * The axis for values in [lo, hi] (finite, lo <= hi). nonnegative: the values cannot be
 * below 0, so the axis does not go there; share: nor above 100. 0, or -1 if lo or hi is not
 * finite.
 */
int axis_nice(double lo, double hi, int nonnegative, int share, struct axis *a);

#endif
