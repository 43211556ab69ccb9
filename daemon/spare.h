/*
 * spare: a descriptor kept in reserve so that an accept that finds the file limit reached
 * drops the connection instead of failing inside libzmq (spare.c says how). ekonetd defines
 * accept and accept4 for the libraries it loads; they behave as the C library's except there.
 */
#ifndef EKONETD_SPARE_H
#define EKONETD_SPARE_H

/* Opens the spare descriptor (once; later calls do nothing). 0, or -1 if it cannot be. */
int spare_open(void);

/* Connections dropped so far for lack of descriptors. */
unsigned long spare_shed(void);

#endif
