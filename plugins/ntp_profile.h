/* The NTP check's part of a profile, "$.ntp". */
#ifndef NTP_PROFILE_H
#define NTP_PROFILE_H

#include "ep_schema.h"

struct ep_ntp_profile {
  struct ep_strlist servers; /* HOST[:PORT] */
  int               samples; /* per address */
  char             *warning, *critical;             /* offset, s */
  char             *drift_warning, *drift_critical; /* ppm */
};

extern const struct ep_section ep_ntp_section;

#endif
