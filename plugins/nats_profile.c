#include "config.h"

#include <stddef.h>

#include "nats_profile.h"

#define AT(m) offsetof(struct ep_nats_profile, m)
static const struct ep_field fields[] = {
  {.member = "targets", .type = EP_FIELD_LIST, .offset = AT(targets),
   .text = EP_TEXT_HOSTPORT_NEED_PORT, .resolve_rank = 3},
  {.member = "auth_file", .type = EP_FIELD_STRING, .offset = AT(auth_file)},
  {.member = "allow_plaintext_credentials", .type = EP_FIELD_BOOL,
   .offset = AT(allow_plaintext_credentials)},
  {.member = "warning", .type = EP_FIELD_RANGE, .offset = AT(warning)},
  {.member = "critical", .type = EP_FIELD_RANGE, .offset = AT(critical)},
  {NULL}};

const struct ep_section ep_nats_section = {"nats", false,
                                           sizeof(struct ep_nats_profile),
                                           fields};
