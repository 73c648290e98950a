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
  .help = "NATS credentials (user:password or a token)"};
static const struct ep_option *const options[] = {&ep_nats_option_auth_file,
                                                  NULL};

const struct ep_section ep_nats_section = {"nats", false,
                                           sizeof(struct ep_nats_profile),
                                           fields, options};

/* The check plugin of this kind alone (check_edge_nats): what it
 * does, its usage line, its own options' meaning, examples. */
const struct ep_kind_doc ep_nats_doc = {
  .synopsis =
    "connects to each NATS endpoint of the profile (or -H), reads its INFO,\n"
    "completes TLS where required, and times a PING/PONG round trip",
  .usage =
    "[-P PROFILE] [-H HOST[:PORT]]... [--nats-auth-file FILE]\n"
    "   [--cacert FILE] [-w RANGE] [-c RANGE] [-t SECONDS] [-I IFACE]\n"
    "   [--format nagios|json] [-v]",
  .help =
    "Options of this check:\n"
    " -H, --hostname HOST[:PORT]\n"
    "    a NATS endpoint (port 7422); repeatable; replaces the profile's\n"
    " --nats-auth-file FILE\n"
    "    user:password or a token, to authenticate for the full round trip\n"
    "    (others must not be able to read it)\n"
    " --cacert FILE   trust this CA bundle for NATS TLS\n"
    " -w/-c apply to the PING/PONG round trip in seconds (profile default 1\n"
    "    and 5)\n",
  .examples =
    " check_edge_nats\n"
    "    the standard profile's NATS endpoints on 7422\n"
    " check_edge_nats -H stream.example.com:7422 --nats-auth-file \\\n"
    "     /etc/edgeprobe/nats.auth\n"
    "    one endpoint, authenticated for the full round trip\n"};
