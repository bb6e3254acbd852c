/*
 * clock.c -- monotonic and wall clocks.
 *
 * Thin wrappers so that tests and callers share one notion of "now".
 */
#include <time.h>

#include "util/clock.h"

/* see clock.h */
uint64_t
clock_mono_us(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* see clock.h */
int64_t
clock_wall_s(void)
{
	return (int64_t)time(NULL);
}
