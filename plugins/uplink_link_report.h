/* The uplink check's verdict on the link itself: the route the cloud
 * traffic takes, the kind and state of the interface it leaves by, and
 * its radio (WiFi's signal and security, a modem's registration and
 * signal).  Judging, wording, perfdata and JSON are separate steps;
 * nothing here does I/O. */
#ifndef UPLINK_LINK_REPORT_H
#define UPLINK_LINK_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "ep_range.h"
#include "ep_result.h"
#include "uplink_link.h"

/* Why the link is not OK, beside the core's EP_CAUSE_NO_ROUTE,
 * EP_CAUSE_LINK_DOWN and EP_CAUSE_LINK_WEAK (docs/troubleshooting.md). */
#define EP_CAUSE_LINK_MACHINE_NETWORK "link.machine_network"
#define EP_CAUSE_LINK_MACHINE_DEFAULT "link.machine_default_route"
#define EP_CAUSE_LINK_WRONG_INTERFACE "link.wrong_interface"
#define EP_CAUSE_LINK_SLOW_ETHERNET "link.slow_ethernet"
#define EP_CAUSE_LINK_WIFI_INSECURE "link.wifi_insecure"
#define EP_CAUSE_LINK_RADIO_UNKNOWN "link.radio_unknown"
#define EP_CAUSE_LINK_CELLULAR "link.cellular_unsupported"

struct ep_uplink_link_limits {
  bool            allow_cellular;
  /* Below these a radio warns or is critical: the ranges "N:". */
  struct ep_range signal_warn, signal_crit;           /* WiFi, dBm */
  struct ep_range cell_signal_warn, cell_signal_crit; /* RSRP or RSSI */
};

#define EP_UPLINK_VERDICT_MAX 400
#define EP_UPLINK_FINDINGS_MAX 16

/* One finding of the link, in its words. */
struct ep_uplink_link_finding {
  enum ep_state state;
  bool          heading; /* the subject's own words ("wlan0 via ...") */
  char          words[160];
  char          subject[96]; /* what it is about; "" for the whole */
};

struct ep_uplink_link_verdict {
  enum ep_state state;
  const char   *cause; /* NULL when OK */
  /* The line's words: the worst finding first (led by its subject), then
   * the others in order; "" when nothing to say. */
  char          text[EP_UPLINK_VERDICT_MAX];
  char          why[EP_UPLINK_VERDICT_MAX]; /* the worst finding's words */
  /* While judging: the findings, the first of the worst, the subject. */
  struct ep_uplink_link_finding findings[EP_UPLINK_FINDINGS_MAX];
  size_t        n, worst;
  char          subject[96];
};

/* The verdict on the link: the worst of its route, its state, its kind's
 * figures and its radio, in words that lead with the interface. */
void ep_uplink_link_judge(const struct ep_uplink_link_findings *f,
                          const struct ep_uplink_link_limits *l,
                          struct ep_uplink_link_verdict *out);

/* The figures of the main link's kind (Ethernet's speed; WiFi's signal,
 * bitrates and frequency; a modem's quality and signal) into r, as
 * perfdata (uplink_link_data.c, as the JSON below).  EP_OK, EP_ENOMEM. */
enum ep_status ep_uplink_link_perf(const struct ep_uplink_link_findings *f,
                                   const struct ep_uplink_link_limits *l,
                                   struct ep_target_result *r);

/* "link": the route of each endpoint, the main link and its radio, into
 * r's JSON data; and a long-output line for each other interface that
 * carries some of the cloud.  EP_OK, EP_ENOMEM. */
enum ep_status ep_uplink_link_data(const struct ep_uplink_link_findings *f,
                                   struct ep_target_result *r);

/* The range "N:" (alert below N) from dBm's text ("-67"), for what:
 * "profile uplink.signal_warning".  EP_EINVAL naming it. */
enum ep_status ep_uplink_dbm_range(const char *text, const char *what,
                                   struct ep_range *out, struct ep_err *err);

#endif
