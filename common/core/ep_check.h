/* Runs checks end to end from a config: one resolver, one loop and one
 * deadline for every probe of the run, then a result per check.  Every
 * front end calls this; none of them holds probe logic. */
#ifndef EP_CHECK_H
#define EP_CHECK_H

#include <stddef.h>
#include <time.h>

#include "ep_config.h"
#include "ep_probe.h"
#include "ep_result.h"

/* Process-wide library set-up: c-ares, and what each of the n kinds
 * needs (libcurl for https).  Call once, before any thread runs a check;
 * EP_ELIB with a message on failure (nothing is left set up). */
enum ep_status ep_global_init(const struct ep_probe_kind *const *kinds,
                              size_t n, struct ep_err *err);
void           ep_global_cleanup(const struct ep_probe_kind *const *kinds,
                                 size_t n);

/* The results of one run: one per kind it was given, in their order; a
 * check the run did not include has ran false. */
struct ep_run_result {
  const struct ep_probe_kind *const *kinds;
  size_t                             n;
  struct ep_check_result            *checks;
  struct timespec                    started; /* wall clock, for reports */
  double                             seconds; /* the run's own duration */
};

void ep_run_result_init(struct ep_run_result *r);
void ep_run_result_cleanup(struct ep_run_result *r);

/* The result of the kind called name, or NULL when the run had no such
 * kind.  (It may not have run: see its ran.) */
const struct ep_check_result *ep_run_check(const struct ep_run_result *r,
                                           const char *name);
struct ep_check_result *ep_run_check_mut(struct ep_run_result *r,
                                         const char *name);

/* Makes (and unmakes) the probe of every kind cfg wants, so that each
 * reads and checks the files it needs (CA bundles, credentials): what a
 * long-lived front end calls once at start, so that a bad file is a
 * configuration error then, not a failing run later.  Sends nothing. */
enum ep_status ep_check_validate(const struct ep_config *cfg,
                                 const struct ep_probe_kind *const *kinds,
                                 size_t n, struct ep_err *err);

/* Runs the probe of every kind cfg wants, all at once under cfg's
 * timeout, and fills out (ep_run_result_cleanup() it).  Returns an error
 * only when the run itself could not happen (a bad file, no memory);
 * failing targets are results.  Thread-safe: runs share nothing. */
enum ep_status ep_check_run(const struct ep_config *cfg,
                            const struct ep_probe_kind *const *kinds,
                            size_t n, struct ep_run_result *out,
                            struct ep_err *err);

#endif
