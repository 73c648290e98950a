/* The uplink check's result from what was observed: what the machines
 * need, the verdict on what the upload carried, the queue under load,
 * the DNS train's loss, round trip and jitter.  Judging, wording,
 * perfdata and JSON are separate steps; nothing here does I/O. */
#ifndef UPLINK_REPORT_H
#define UPLINK_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "ep_range.h"
#include "ep_result.h"
#include "uplink_link_report.h"
#include "uplink_train.h"
#include "uplink_upload.h"

/* What the plant's machines need of the uplink, by the seed's rates. */
struct ep_uplink_need {
  unsigned machines;  /* every machine */
  unsigned high_data; /* of them, high-data ones */
  bool     listed;    /* counted from the profile's machines */
  double   bps;       /* upload */
  double   download_min_bps, download_max_bps; /* dashboards .. views */
};

void ep_uplink_need_of(unsigned machines, unsigned high_data, bool listed,
                       struct ep_uplink_need *need);

/* "250 bps", "4.5 kbps", "48 kbps", "1.5 Mbps", "120 Mbps". */
void ep_uplink_rate_words(char *out, size_t size, double bps);

struct ep_uplink_limits {
  double          headroom;
  struct ep_range loss_warn, loss_crit;     /* % */
  struct ep_range jitter_warn, jitter_crit; /* s */
  struct ep_range rtt_warn, rtt_crit;       /* s */
  struct ep_range queue_warn, queue_crit;   /* s */
  struct ep_uplink_link_limits link;
};

struct ep_uplink_findings {
  /* The link the cloud traffic leaves by; NULL: not looked at. */
  const struct ep_uplink_link_findings *link;
  struct ep_uplink_need need;
  bool        capacity_mode; /* --capacity: unpaced */
  const char *endpoint;      /* "uploads.example:443": no path, no query */
  const char *proxy;         /* the proxy it went through, or NULL */
  /* Why no upload ran ("no upload URL (...)"), or NULL when one ran. */
  const char *not_measured;
  const struct ep_uplink_upload_result *upload; /* when one ran */
  double      age; /* s since that upload ran (a daemon's last one) */
  /* The train's resolver; NULL: it did not run, and train_failure says
   * why: no name to ask is not a finding (nothing to measure with); no
   * resolver answering for train_name is, as for any name the plant
   * needs (train_unresolved). */
  const char *train_server;
  const char *train_failure;
  const char *train_name;
  bool        train_unresolved;
  struct ep_uplink_train_stats train;
};

/* The check's one target, "uplink", into out (and out's summary and
 * state).  EP_ENOMEM. */
enum ep_status ep_uplink_report(const struct ep_uplink_findings *f,
                                const struct ep_uplink_limits *l,
                                struct ep_check_result *out,
                                struct ep_err *err);

#endif
