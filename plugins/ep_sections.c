#include "config.h"

#include <stddef.h>

#include "dns_profile.h"
#include "ep_sections.h"
#include "https_profile.h"
#include "nats_profile.h"
#include "ntp_profile.h"
#include "tcp_profile.h"

const struct ep_section *const ep_profile_sections[] = {
  &ep_dns_section, &ep_ntp_section, &ep_https_section, &ep_nats_section,
  &ep_tcp_section, NULL};
