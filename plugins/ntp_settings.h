/* The NTP check's part of a profile, "$.ntp". */
#ifndef NTP_SETTINGS_H
#define NTP_SETTINGS_H

#include "ep_probe.h"
#include "ep_schema.h"

struct ep_ntp_profile {
  struct ep_strlist servers; /* HOST[:PORT] */
  int               samples; /* per address */
  char             *warning, *critical;             /* offset, s */
  char             *drift_warning, *drift_critical; /* ppm */
  bool              ignore_local_clock; /* not judge this host's clock */
};

extern const struct ep_section ep_ntp_section;
/* --samples N, --state-dir DIR, --drift-warning PPM, --drift-critical. */
extern const struct ep_option ep_ntp_option_samples, ep_ntp_option_state_dir,
  ep_ntp_option_drift_warning, ep_ntp_option_drift_critical,
  ep_ntp_option_ignore_local_clock;

/* check_edge_ntp's help. */
extern const struct ep_kind_doc ep_ntp_doc;

/* The checklist's words and figures of it. */
extern const struct ep_kind_report ep_ntp_reporting;

/* Its figures and its MIB table. */
extern const struct ep_figure_decl ep_ntp_figures[];
extern const struct ep_kind_mib    ep_ntp_mib;

#endif
