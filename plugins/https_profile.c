#include "config.h"

#include <stddef.h>

#include "https_profile.h"

#define AT(m) offsetof(struct ep_https_profile, m)
static const struct ep_field fields[] = {
  {.member = "targets", .type = EP_FIELD_LIST, .offset = AT(targets),
   .text = EP_TEXT_HOSTPORT, .resolve_rank = 1},
  {.member = "expect_issuers", .type = EP_FIELD_LIST,
   .offset = AT(expect_issuers), .text = EP_TEXT_ANY},
  {.member = "warning", .type = EP_FIELD_RANGE, .offset = AT(warning)},
  {.member = "critical", .type = EP_FIELD_RANGE, .offset = AT(critical)},
  {.member = "cert_warning_days", .type = EP_FIELD_INT,
   .offset = AT(cert_warning_days), .lo = 0, .hi = 3650, .default_int = 21},
  {.member = "cert_critical_days", .type = EP_FIELD_INT,
   .offset = AT(cert_critical_days), .lo = 0, .hi = 3650, .default_int = 7},
  {NULL}};

const struct ep_section ep_https_section = {"https", false,
                                            sizeof(struct ep_https_profile),
                                            fields};
