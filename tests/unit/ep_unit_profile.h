/* Each kind's part of a profile, for the suites that read profiles. */
#ifndef EP_UNIT_PROFILE_H
#define EP_UNIT_PROFILE_H

#include "dns_settings.h"
#include "ep_profile.h"
#include "ep_sections.h"
#include "https_settings.h"
#include "nats_settings.h"
#include "ntp_settings.h"
#include "tcp_settings.h"

#define DNS(p) ((struct ep_dns_profile *)ep_profile_part(p, &ep_dns_section))
#define NTP(p) ((struct ep_ntp_profile *)ep_profile_part(p, &ep_ntp_section))
#define HTTPS(p) \
  ((struct ep_https_profile *)ep_profile_part(p, &ep_https_section))
#define NATS(p) \
  ((struct ep_nats_profile *)ep_profile_part(p, &ep_nats_section))
#define TCP(p) ((struct ep_tcp_profile *)ep_profile_part(p, &ep_tcp_section))

#endif
