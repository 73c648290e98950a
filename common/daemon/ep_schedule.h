/* When a long-lived front end (collectd's reads, the subagent's probe
 * thread) runs its checks: how often, how long a run may take, when a
 * kind that must not be asked too often (NTP) runs again, and when a
 * drift figure can first be known.  The rules both follow, in one place.
 * Pure: it reads no clock (the caller passes "now"), starts no thread
 * and knows no front end. */
#ifndef EP_SCHEDULE_H
#define EP_SCHEDULE_H

#include <stdbool.h>
#include <time.h>

#include "ep_err.h"
#include "ep_probe.h"

/* Without a timeout of the user's, a run may take at most this share of
 * its interval, so that it ends well before the next is due. */
#define EP_SCHEDULE_TIMEOUT_SHARE 0.8
/* A timer may wake a little early: a run this much short of a whole
 * interval after the last one that ran a kind is on time. */
#define EP_SCHEDULE_EARLY 0.001 /* s */

/* How often a check that has a timer of its own (a collectd read) runs,
 * asked to run every interval seconds: at most as often as its kind
 * allows (NTP's min_interval, the pool's politeness). */
double ep_schedule_interval(const struct ep_probe_kind *kind,
                            double interval);

/* The deadline of runs every interval seconds when the user set no
 * timeout: the profile's, at most EP_SCHEDULE_TIMEOUT_SHARE of the
 * interval. */
double ep_schedule_timeout(double profile_timeout, double interval);

/* A timeout the user set, where a run must end before the next is due
 * (collectd calls a read on time, whatever the last one is doing; the
 * subagent's runs wait for each other instead).  EP_EINVAL, "WHAT T is
 * not below its interval (I s)", when it does not; what names the
 * setting as the user wrote it ("Timeout"). */
enum ep_status ep_schedule_check_timeout(double timeout, double interval,
                                         const char *what,
                                         struct ep_err *err);

/* The start of the run after one due at due, now being when that run
 * ended: an interval later, so that starts keep their rhythm; or now,
 * when that moment has passed (a run longer than its interval delays the
 * next rather than queueing several). */
struct timespec ep_schedule_next(struct timespec due, double interval,
                                 struct timespec now);

/* When a kind last ran, for a front end whose runs come more often than
 * the kind may (the subagent's whole checklist, NTP in it). */
struct ep_schedule_pace {
  double          interval; /* s: at most this often; 0: every run */
  bool            ran;      /* a run has had it (last is set) */
  struct timespec last;     /* monotonic: the start of that run */
};

/* A pace of at most every interval seconds: override when above 0 (the
 * subagent's --ntp-interval), else kind's min_interval. */
void ep_schedule_pace_init(struct ep_schedule_pace *p,
                           const struct ep_probe_kind *kind, double override);
/* Whether a run starting at now has the kind: the first run does, and
 * then one at least an interval after the last that did. */
bool ep_schedule_pace_due(const struct ep_schedule_pace *p,
                          struct timespec now);
/* Records that the run started at now has had it. */
void ep_schedule_pace_ran(struct ep_schedule_pace *p, struct timespec now);

/* A drift needs two offsets of a server measured at least min_apart
 * seconds apart (closer, it cannot be told from the noise): with kind's
 * servers asked every interval seconds, how long after the first answer
 * the first drift figure comes; 0 for a kind that declares no "drift"
 * figure. */
double ep_schedule_first_drift(const struct ep_probe_kind *kind,
                               double interval, double min_apart);

#endif
