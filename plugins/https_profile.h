/* The HTTPS check's part of a profile, "$.https" (its "cacert" is the
 * core's: every TLS check trusts it). */
#ifndef HTTPS_PROFILE_H
#define HTTPS_PROFILE_H

#include "ep_schema.h"

struct ep_https_profile {
  struct ep_strlist targets; /* HOST[:PORT] */
  struct ep_strlist expect_issuers;
  char             *warning, *critical; /* total time, s */
  int               cert_warning_days, cert_critical_days;
};

extern const struct ep_section ep_https_section;

#endif
