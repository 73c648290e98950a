/* Drift: how fast a clock's offset changes between successive runs of a
 * long-running front end (collectd, the SNMP subagent). */
#ifndef EP_DRIFT_H
#define EP_DRIFT_H

#include <stdbool.h>
#include <time.h>

struct ep_drift {
  bool            have_last;
  double          last_offset; /* s */
  struct timespec last_time;   /* monotonic */
  bool            have_rate;
  double          rate;        /* s of offset per s; x 1e6 for ppm */
};

void ep_drift_init(struct ep_drift *d);

/* Records an offset measured at monotonic time now.  Samples less than
 * min_interval seconds after the previous one are ignored (too close to
 * tell drift from noise); returns true when rate was updated. */
bool ep_drift_update(struct ep_drift *d, double offset, struct timespec now,
                     double min_interval);

#endif
