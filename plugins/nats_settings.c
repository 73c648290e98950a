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

/* How the whole checklist speaks of this check and what it reads in
 * its results. */
const struct ep_kind_report ep_nats_reporting = {
  .item_id = "nats",
  .item_title = "NATS",
  .short_title = "NATS",
  .ok_one = "NATS endpoint answers",
  .ok_many = "NATS endpoints answer",
  .roles = EP_ROLE_CLOUD | EP_ROLE_CERTS | EP_ROLE_SAME_ONCE,
  .blocked_port = 7422,
  .figures = (const struct ep_checklist_figure[]){
    {"rtt", "nats_slowest_rtt", false, false, EP_UNIT_SECONDS},
    {NULL, NULL, false, false, EP_UNIT_SECONDS}}};

/* Its targets' figures, as collectd and the MIB keep them. */
const struct ep_figure_decl ep_nats_figures[] = {
  {"connect", "response_time", true, 7, EP_MIB_MICROSECONDS},
  {"info", "response_time", true, 8, EP_MIB_MICROSECONDS},
  {"rtt", "response_time", true, 9, EP_MIB_MICROSECONDS},
  {NULL, NULL, false, 0, EP_MIB_MICROSECONDS}};

/* Its table of EDGEPROBE-MIB (snmp/EDGEPROBE-MIB.txt). */
const struct ep_kind_mib ep_nats_mib = {5, 4, 0, NULL};
