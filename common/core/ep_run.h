/* One run: every probe of a check (or of the whole checklist) driven by
 * one poll loop under one absolute monotonic deadline. */
#ifndef EP_RUN_H
#define EP_RUN_H

#include <stddef.h>
#include <time.h>

#include "ep_err.h"
#include "ep_probe.h"
#include "ep_resolver.h"

struct ep_run {
  struct timespec     started;
  struct timespec     deadline;
  struct ep_resolver *resolver; /* shared by every probe; owned */
};

/* Starts probes, loops until all are done or the deadline passes, then
 * cancels what is pending.  Returns EP_OK when the loop ran (targets may
 * still have failed or timed out: that is in the results), or an error
 * when the run itself could not happen. */
enum ep_status ep_run_loop(struct ep_run *run, struct ep_probe *const *probes,
                           size_t n_probes, struct ep_err *err);

#endif
