#include "config.h"

#include "ep_drift.h"
#include "ep_time.h"

void
ep_drift_init(struct ep_drift *d)
{
  d->have_last = false;
  d->have_rate = false;
  d->last_offset = 0;
  d->rate = 0;
  d->last_time.tv_sec = 0;
  d->last_time.tv_nsec = 0;
}

bool
ep_drift_update(struct ep_drift *d, double offset, struct timespec now,
                double min_interval)
{
  double dt;

  if (d->have_last) {
    dt = ep_time_diff(now, d->last_time);
    if (dt < min_interval || dt <= 0)
      return false;
    d->rate = (offset - d->last_offset) / dt;
    d->have_rate = true;
  }
  d->have_last = true;
  d->last_offset = offset;
  d->last_time = now;
  return d->have_rate;
}

bool
ep_drift_ppm(double prev_offset, double prev_time, double offset, double time,
             double *ppm)
{
  double dt = time - prev_time;

  if (!(dt >= EP_DRIFT_MIN_INTERVAL && dt <= EP_DRIFT_MAX_AGE))
    return false;
  *ppm = (offset - prev_offset) / dt * 1e6;
  return true;
}
