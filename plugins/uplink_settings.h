/* The uplink check's part of a profile, "$.uplink": what the plant's
 * machines need of the link to the cloud, where to measure what it
 * carries, and the thresholds on its congestion, loss and jitter. */
#ifndef UPLINK_SETTINGS_H
#define UPLINK_SETTINGS_H

#include "ep_probe.h"
#include "ep_schema.h"

struct ep_uplink_profile {
  char  *upload_url; /* https://..., NULL: capacity not measured */
  char  *auth_file;  /* its credentials: user:password or a token */
  int    machines;   /* -1: count the profile's machines */
  int    high_data_machines;
  double headroom;       /* times the need the upload is paced at */
  int    upload_seconds; /* the upload's length */
  int    upload_interval; /* s between uploads of a long-lived front end */
  int    train_queries;     /* the DNS train's length */
  int    train_interval_ms; /* between its queries */
  char  *warning, *critical;             /* loss of the train, % */
  char  *jitter_warning, *jitter_critical; /* s */
  char  *rtt_warning, *rtt_critical;       /* the train's mean, s */
  char  *queue_warning, *queue_critical;   /* loaded - idle RTT, s */
  /* The link: a cellular uplink is judged instead of warned about; the
   * radio's signal below these (dBm) warns or is critical: WiFi's
   * signal, a modem's RSRP (LTE, 5G) or else its RSSI. */
  bool   allow_cellular;
  char  *signal_warning, *signal_critical;
  char  *cellular_signal_warning, *cellular_signal_critical;
};

/* The seed's upload per machine ("Bandwidth Requirements"), in bit/s: a
 * standard machine, and one whose protocol sends more (FANUC FOCAS). */
#define EP_UPLINK_STANDARD_BPS 1000.0
#define EP_UPLINK_HIGH_DATA_BPS 5000.0
/* ... and the download the seed lists for people watching: a dashboard
 * per machine, a workcenter view (one part a minute). */
#define EP_UPLINK_DASHBOARD_BPS 250.0
#define EP_UPLINK_WORKCENTER_BPS 2000.0

/* Whether a machine of protocol (a name of ep_protocols, or NULL) is a
 * high-data one. */
bool ep_uplink_high_data_protocol(const char *protocol);

extern const struct ep_section ep_uplink_section;
extern const struct ep_option  ep_uplink_option_upload_url;
extern const struct ep_option  ep_uplink_option_auth_file;
extern const struct ep_option  ep_uplink_option_machines;
extern const struct ep_option  ep_uplink_option_high_data;
extern const struct ep_option  ep_uplink_option_headroom;
extern const struct ep_option  ep_uplink_option_seconds;
extern const struct ep_option  ep_uplink_option_interval;
extern const struct ep_option  ep_uplink_option_capacity;

/* Why url cannot be the upload's ("expected an https:// URL",
 * "credentials are not allowed in the URL"), or NULL when it can. */
const char *ep_uplink_url_problem(const char *url);

/* check_edge_uplink's help. */
extern const struct ep_kind_doc ep_uplink_doc;

/* The checklist's words and figures of it. */
extern const struct ep_kind_report ep_uplink_reporting;

/* Its figures and its MIB table. */
extern const struct ep_figure_decl ep_uplink_figures[];
extern const struct ep_kind_mib    ep_uplink_mib;

#endif
