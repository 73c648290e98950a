#include "config.h"

#include <stddef.h>

#include "nats_settings.h"

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

const struct ep_option ep_nats_option_auth_file = {
  .name = "nats-auth-file",
  .arg = "FILE",
  .key = "NATSAuthFile",
  .scope = EP_SCOPE_SINGLE | EP_SCOPE_CHECKLIST,
  .help = "the NATS credentials (user:password or a token), not readable by others"};
static const struct ep_option *const options[] = {&ep_nats_option_auth_file,
                                                  NULL};

const struct ep_section ep_nats_section = {"nats", false,
                                           sizeof(struct ep_nats_profile),
                                           fields, options};
