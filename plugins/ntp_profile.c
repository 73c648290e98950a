#include "config.h"

#include <stddef.h>

#include "ntp_profile.h"

#define AT(m) offsetof(struct ep_ntp_profile, m)
static const struct ep_field fields[] = {
  {.member = "servers", .type = EP_FIELD_LIST, .offset = AT(servers),
   .text = EP_TEXT_HOSTPORT, .resolve_rank = 2},
  {.member = "samples", .type = EP_FIELD_INT, .offset = AT(samples), .lo = 1,
   .hi = 8, .default_int = 1},
  {.member = "warning", .type = EP_FIELD_RANGE, .offset = AT(warning)},
  {.member = "critical", .type = EP_FIELD_RANGE, .offset = AT(critical)},
  {.member = "drift_warning", .type = EP_FIELD_RANGE,
   .offset = AT(drift_warning)},
  {.member = "drift_critical", .type = EP_FIELD_RANGE,
   .offset = AT(drift_critical)},
  {NULL}};

const struct ep_section ep_ntp_section = {"ntp", false,
                                          sizeof(struct ep_ntp_profile),
                                          fields};
