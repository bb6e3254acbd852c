/*
 * clock.h -- the two clocks: monotonic for timeouts and latency, wall for expiry.
 *
 * Expiry times are stored as wall-clock seconds since the epoch because they must
 * survive a restart; everything measured within one process uses the monotonic clock.
 */
#ifndef MEF_UTIL_CLOCK_H
#define MEF_UTIL_CLOCK_H

#include <stdint.h>

uint64_t	clock_mono_us(void);
int64_t		clock_wall_s(void);

#endif /* MEF_UTIL_CLOCK_H */
