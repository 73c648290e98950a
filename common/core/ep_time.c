#include "config.h"

#include <math.h>

#include "ep_time.h"

struct timespec
ep_time_now(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts;
}

struct timespec
ep_time_add(struct timespec a, double seconds)
{
  double whole = floor(seconds);
  long   nsec = lround((seconds - whole) * 1e9);

  a.tv_sec += (time_t)whole;
  a.tv_nsec += nsec;
  if (a.tv_nsec >= 1000000000L) {
    a.tv_sec++;
    a.tv_nsec -= 1000000000L;
  }
  return a;
}

double
ep_time_diff(struct timespec a, struct timespec b)
{
  return (double)(a.tv_sec - b.tv_sec) + (double)(a.tv_nsec - b.tv_nsec) / 1e9;
}

bool
ep_time_reached(struct timespec a, struct timespec b)
{
  return a.tv_sec > b.tv_sec || (a.tv_sec == b.tv_sec && a.tv_nsec >= b.tv_nsec);
}

int
ep_time_ms_until(struct timespec now, struct timespec deadline, int cap)
{
  double ms = ceil(ep_time_diff(deadline, now) * 1000.0);

  if (ms <= 0)
    return 0;
  if (ms >= cap)
    return cap;
  return (int)ms;
}
