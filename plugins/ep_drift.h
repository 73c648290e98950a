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

/* Samples closer than this cannot tell drift from the noise of two
 * offsets (about 0.1 ms on a LAN): the older one is kept. */
#define EP_DRIFT_MIN_INTERVAL 4.0           /* s */
/* Samples further apart than this say little about the clock now. */
#define EP_DRIFT_MAX_AGE (7.0 * 24 * 3600) /* s */

/* The drift between two offsets of one server measured at Unix times
 * prev_time and time, in ppm (positive: this host's clock falls behind
 * the server's).  false when the interval is under EP_DRIFT_MIN_INTERVAL,
 * over EP_DRIFT_MAX_AGE or backwards.  Pure. */
bool ep_drift_ppm(double prev_offset, double prev_time, double offset,
                  double time, double *ppm);

#endif
