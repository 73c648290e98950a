/* The uplink probe: is the link to the cloud enough for the plant's
 * machines, and is it congested?  What the machines need (from the
 * profile), what the link carries (a paced HTTPS upload judged on what
 * the receiver acknowledged), its queueing under that load, and loss and
 * jitter from a train of DNS queries to the working resolver. */
#ifndef EP_UPLINK_H
#define EP_UPLINK_H

#include "ep_config.h"
#include "ep_probe.h"
#include "uplink_settings.h"

/* Why the uplink is not OK, as stable codes (listed in
 * docs/troubleshooting.md with the core's). */
#define EP_CAUSE_UPLINK_BELOW_NEED "uplink.below_need"
#define EP_CAUSE_UPLINK_NO_HEADROOM "uplink.no_headroom"
#define EP_CAUSE_UPLINK_QUEUES "uplink.queues" /* bufferbloat */
#define EP_CAUSE_UPLINK_REFUSED "uplink.upload_refused" /* 401, 413 */
#define EP_CAUSE_UPLINK_FAILED "uplink.upload_failed"
#define EP_CAUSE_UPLINK_LOSS "uplink.loss"
#define EP_CAUSE_UPLINK_JITTER "uplink.jitter"
#define EP_CAUSE_UPLINK_SLOW "uplink.slow"       /* the train's round trip */
#define EP_CAUSE_UPLINK_NO_RESOLVER "uplink.no_resolver"

/* The uplink check (check_edge_uplink, check_edge's Uplink item). */
extern const struct ep_probe_kind ep_uplink_kind;

#endif
