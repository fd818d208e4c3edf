/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Monotonic microsecond clock of mikey-ua. Every delay the UA reports
 * (calling delay, answering delay, time spent in MIKEY) is a difference of
 * two readings of this clock, so wall-clock steps (NTP, DST) cannot skew it.
 */
#ifndef MIKEY_UA_CLOCK_H
#define MIKEY_UA_CLOCK_H

#include <stdint.h>

/** Microseconds on CLOCK_MONOTONIC (arbitrary origin). */
uint64_t ua_now_us(void);

#endif
