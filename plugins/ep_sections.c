#include "config.h"

#include <stddef.h>

#include "dns_settings.h"
#include "ep_sections.h"
#include "https_settings.h"
#include "nats_settings.h"
#include "ntp_settings.h"
#include "tcp_settings.h"

const struct ep_section *const ep_profile_sections[] = {
  &ep_dns_section, &ep_ntp_section, &ep_https_section, &ep_nats_section,
  &ep_tcp_section, NULL};
