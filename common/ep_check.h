/* Runs one check end to end from a config: the resolver, the probe, the
 * loop under the run's deadline, the result.  Every front end calls this;
 * none of them holds probe logic. */
#ifndef EP_CHECK_H
#define EP_CHECK_H

#include "ep_config.h"
#include "ep_result.h"

/* Process-wide library set-up (c-ares); call once, before any thread runs
 * a check.  EP_ELIB with a message on failure. */
enum ep_status ep_global_init(struct ep_err *err);
void           ep_global_cleanup(void);

#include "ep_probe.h"

/* Makes the probe of one check from the run's settings (each probe has
 * one: ep_dns_probe_for, ...).  A front end names the one it runs, so it
 * links only that probe and what it needs. */
typedef struct ep_probe *(*ep_probe_factory)(const struct ep_config *cfg,
                                             struct ep_err *err);

/* Runs the probe factory makes under cfg and fills out
 * (ep_check_result_cleanup() it).  Returns an error only when the run
 * itself could not happen; failing targets are results. */
enum ep_status ep_check_run(const struct ep_config *cfg,
                            ep_probe_factory factory,
                            struct ep_check_result *out, struct ep_err *err);

#endif
