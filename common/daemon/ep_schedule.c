#include "config.h"

#include <math.h>
#include <string.h>

#include "ep_schedule.h"
#include "ep_time.h"

double
ep_schedule_interval(const struct ep_probe_kind *kind, double interval)
{
  return interval < kind->min_interval ? kind->min_interval : interval;
}

double
ep_schedule_timeout(double profile_timeout, double interval)
{
  double most = interval * EP_SCHEDULE_TIMEOUT_SHARE;

  return profile_timeout > most ? most : profile_timeout;
}

enum ep_status
ep_schedule_check_timeout(double timeout, double interval, const char *what,
                          struct ep_err *err)
{
  if (timeout < interval)
    return EP_OK;
  return ep_err_set(err, EP_EINVAL, "%s %g is not below its interval (%g s)",
                    what, timeout, interval);
}

struct timespec
ep_schedule_next(struct timespec due, double interval, struct timespec now)
{
  struct timespec next = ep_time_add(due, interval);

  return ep_time_diff(next, now) < 0 ? now : next;
}

void
ep_schedule_pace_init(struct ep_schedule_pace *p,
                      const struct ep_probe_kind *kind, double override)
{
  p->interval = kind->min_interval <= 0 ? 0
                : override > 0          ? override
                                        : kind->min_interval;
  p->ran = false;
  p->last.tv_sec = 0;
  p->last.tv_nsec = 0;
}

bool
ep_schedule_pace_due(const struct ep_schedule_pace *p, struct timespec now)
{
  return p->interval <= 0 || !p->ran ||
         ep_time_diff(now, p->last) >= p->interval - EP_SCHEDULE_EARLY;
}

void
ep_schedule_pace_ran(struct ep_schedule_pace *p, struct timespec now)
{
  p->ran = true;
  p->last = now;
}

static bool
declares_drift(const struct ep_probe_kind *kind)
{
  const struct ep_figure_decl *f;

  for (f = kind->figures; f && f->figure; f++)
    if (strcmp(f->figure, "drift") == 0)
      return true;
  return false;
}

double
ep_schedule_first_drift(const struct ep_probe_kind *kind, double interval,
                        double min_apart)
{
  /* The offset kept is the first until an answer min_apart or more after
   * it: the first drift comes with the first such answer.  A whole ratio
   * (4.2 s at 0.6 s) may come out of the division a hair above itself. */
  double answers = ceil(min_apart / interval - 1e-9);

  if (!declares_drift(kind))
    return 0;
  return (answers < 1 ? 1 : answers) * interval;
}
