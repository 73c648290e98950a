/* What a long-lived front end remembers of each target between runs: its
 * last state and since when, so that collectd's notifications, the SNMP
 * subagent's traps and its LastChange column all say the same thing
 * about the same change. */
#ifndef EP_STATES_H
#define EP_STATES_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "ep_err.h"
#include "ep_result.h"

struct ep_state_entry {
  char           *check, *target;
  enum ep_state   state;
  struct timespec since; /* wall clock: the start of the run that found it */
};

struct ep_state_memory {
  struct ep_state_entry *v;
  size_t                 n;
};

/* One change, as handed to the caller's function. */
struct ep_state_change {
  const char                    *check;  /* "dns", "ntp", ... */
  const struct ep_target_result *target;
  bool                           first_seen; /* old is meaningless */
  enum ep_state                  old;
};

typedef void ep_state_change_fn(const struct ep_state_change *change,
                                void *arg);

void ep_state_memory_init(struct ep_state_memory *m);
void ep_state_memory_free(struct ep_state_memory *m);

/* Compares r's targets with what m remembers and calls changed (when not
 * NULL) for each target whose state differs, and for each target first
 * seen in a state other than OK (a start with a failure is news, a start
 * with none is not); then remembers each state, with at (the run's wall
 * clock start) as its start when it changed.  EP_ENOMEM when a target
 * could not be remembered: it is seen anew next time. */
enum ep_status ep_state_memory_update(struct ep_state_memory *m,
                                      const struct ep_check_result *r,
                                      const struct timespec *at,
                                      ep_state_change_fn *changed, void *arg);

/* The remembered entry of check's target, or NULL. */
const struct ep_state_entry *
ep_state_memory_find(const struct ep_state_memory *m, const char *check,
                     const char *target);

#endif
