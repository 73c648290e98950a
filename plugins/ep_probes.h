/* Every probe kind, for the front ends that run the whole checklist
 * (check_edge, collectd, the subagent).  A single-check plugin names its
 * own kind instead and links only that probe. */
#ifndef EP_PROBES_H
#define EP_PROBES_H

#include <stddef.h>

#include "ep_probe.h"

/* In the checklist's order: dns, ntp, https, nats, machines. */
extern const struct ep_probe_kind *const ep_probe_kinds[];
extern const size_t                      ep_probe_kinds_n;

/* The kind called name ("dns"), or NULL. */
const struct ep_probe_kind *ep_probe_kind_named(const char *name);

#endif
