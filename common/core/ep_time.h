/* Monotonic time for deadlines and durations.  Read "now" once per loop
 * pass and pass it down; only wall-clock answers (NTP, certificate expiry)
 * use CLOCK_REALTIME. */
#ifndef EP_TIME_H
#define EP_TIME_H

#include <stdbool.h>
#include <time.h>

/* The current CLOCK_MONOTONIC time. */
struct timespec ep_time_now(void);

/* a + seconds; seconds may be fractional. */
struct timespec ep_time_add(struct timespec a, double seconds);

/* a - b in seconds (negative when a is earlier). */
double ep_time_diff(struct timespec a, struct timespec b);

/* true when a is at or after b. */
bool ep_time_reached(struct timespec a, struct timespec b);

/* Milliseconds from now until deadline, rounded up, clamped to [0, cap]. */
int ep_time_ms_until(struct timespec now, struct timespec deadline, int cap);

#endif
