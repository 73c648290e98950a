#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ep_protocols.h"
#include "tcp_settings.h"

#define PATH_TEXT_MAX 128

/* The name a profile of 0.5 and earlier used for EtherNet/IP. */
static const char old_enip_name[] = "allen-bradley-ethernetip";

const char *
ep_machine_protocol_name(const char *protocol)
{
  const struct ep_protocol *pr;

  if (protocol && strcmp(protocol, old_enip_name) == 0)
    protocol = "allen-bradley-enip";
  pr = ep_protocol_named(protocol);
  return pr ? pr->name : NULL;
}

unsigned
ep_machine_protocol_port(const char *protocol)
{
  const struct ep_protocol *pr =
    ep_protocol_named(ep_machine_protocol_name(protocol));

  return pr ? pr->port : 0;
}

void
ep_machines_free(struct ep_machine *machines, size_t n)
{
  size_t i;

  for (i = 0; i < n; i++) {
    free(machines[i].name);
    free(machines[i].address);
    free(machines[i].protocol);
  }
  free(machines);
}

static void
release_machines(void *field)
{
  struct ep_tcp_profile *p = field;

  ep_machines_free(p->machines, p->n_machines);
  p->machines = NULL;
  p->n_machines = 0;
}

/* A string member, decoded as every profile string is. */
static const struct ep_field text_field = {.member = "", .type = EP_FIELD_STRING};

/* A machine: name and address, and a protocol of the table, or a port,
 * or both (the port then overrides the protocol's). */
static enum ep_status
decode_machine(const struct ep_decoder *d, const char *path, json_object *e,
               struct ep_machine *m)
{
  static const char *const members[] = {"name", "address", "protocol", "port",
                                        NULL};
  char         mpath[PATH_TEXT_MAX + 16];
  json_object *v;
  char        *protocol = NULL;

  if (!json_object_is_type(e, json_type_object))
    return ep_decode_expected(d, path, "an object", e);
  if (ep_decode_members(d, path, e, members) != EP_OK)
    return EP_EINVAL;
  if (!json_object_object_get_ex(e, "name", &v))
    return ep_decode_invalid(d, path, "missing member \"name\"");
  snprintf(mpath, sizeof mpath, "%s.name", path);
  if (ep_field_decode(d, mpath, &text_field, v, &m->name) != EP_OK)
    return EP_EINVAL;
  if (!*m->name || strlen(m->name) > 63 || strpbrk(m->name, " '=|\"\\"))
    return ep_decode_invalid(d, mpath, "expected 1 to 63 characters without spaces, "
                             "quotes, '=' or '|' (it labels perfdata)");
  if (!json_object_object_get_ex(e, "address", &v))
    return ep_decode_invalid(d, path, "missing member \"address\"");
  snprintf(mpath, sizeof mpath, "%s.address", path);
  if (ep_field_decode(d, mpath, &text_field, v, &m->address) != EP_OK ||
      ep_decode_text(d, mpath, m->address, EP_TEXT_ADDRESS) != EP_OK)
    return EP_EINVAL;
  if (json_object_object_get_ex(e, "protocol", &v)) {
    snprintf(mpath, sizeof mpath, "%s.protocol", path);
    if (ep_field_decode(d, mpath, &text_field, v, &protocol) != EP_OK)
      return EP_EINVAL;
    m->protocol = protocol && ep_machine_protocol_name(protocol)
                    ? strdup(ep_machine_protocol_name(protocol))
                    : NULL;
    if (!ep_machine_protocol_name(protocol)) {
      free(protocol);
      return ep_decode_invalid(d, mpath,
                               "unknown protocol (see docs/profiles.md)");
    }
    free(protocol);
    if (!m->protocol)
      return ep_decode_nomem(d);
    m->port = ep_machine_protocol_port(m->protocol);
  }
  if (json_object_object_get_ex(e, "port", &v)) {
    snprintf(mpath, sizeof mpath, "%s.port", path);
    if (!json_object_is_type(v, json_type_int) ||
        json_object_get_int64(v) < 1 || json_object_get_int64(v) > 65535)
      return ep_decode_expected(d, mpath, "a TCP port, 1 to 65535", v);
    m->port = (unsigned)json_object_get_int64(v);
  }
  if (!m->port)
    return ep_decode_invalid(d, path, "missing member \"protocol\" or \"port\"");
  return EP_OK;
}

static enum ep_status
decode_machines(const struct ep_decoder *d, const char *where,
                json_object *v, void *field)
{
  char               path[PATH_TEXT_MAX];
  size_t             i, j, n;
  struct ep_machine *ms;
  struct ep_tcp_profile *p = field;

  if (!json_object_is_type(v, json_type_array))
    return ep_decode_expected(d, where, "an array of objects", v);
  n = json_object_array_length(v);
  if (!(ms = calloc(n ? n : 1, sizeof *ms)))
    return ep_decode_nomem(d);
  release_machines(p);
  p->machines = ms;
  for (i = 0; i < n; i++) {
    snprintf(path, sizeof path, "%s[%zu]", where, i);
    p->n_machines = i + 1;
    if (decode_machine(d, path, json_object_array_get_idx(v, i), &ms[i]) !=
        EP_OK)
      return EP_EINVAL;
    for (j = 0; j < i; j++)
      if (strcmp(ms[j].name, ms[i].name) == 0)
        return ep_decode_invalid(d, path, "a second machine of that name");
  }
  return EP_OK;
}

static const struct ep_field fields[] = {
  {.member = "machines", .type = EP_FIELD_CUSTOM, .offset = 0,
   .decode = decode_machines, .release = release_machines},
  {NULL}};

const struct ep_option ep_tcp_option_machine_interface = {
  .name = "machine-interface",
  .arg = "IFACE|ADDR",
  .key = "MachineInterface",
  .scope = EP_SCOPE_CHECKLIST,
  .help = "the machine network's interface (LAN port 1): the machines are\n"
          "reached from it, and it must be up with a static address\n"
          "(default: the profile's machine_interface)"};
static const struct ep_option *const options[] = {
  &ep_tcp_option_machine_interface, NULL};

/* "$.machines" is an array: its one field decodes the whole member. */
const struct ep_section ep_tcp_section = {"machines", true,
                                          sizeof(struct ep_tcp_profile),
                                          fields, options};

/* The check plugin of this kind alone (check_edge_machines): what it
 * does, its usage line, its own options' meaning, examples. */
const struct ep_kind_doc ep_tcp_doc = {
  .synopsis =
    "connects to every machine of the profile (or -H) on its protocol's port\n"
    "from the machine network's interface (-I), all at once, and sends the\n"
    "protocol's hello where one is standard: Modbus TCP (a read of holding\n"
    "register 0), OPC UA (HEL), MTConnect agents (GET /probe), MTConnect\n"
    "adapters (SHDR * PING), EtherNet/IP (ListIdentity); FOCAS, Heidenhain,\n"
    "M700 and the Moxa serial port are connect only.  With -I, the interface\n"
    "must be up with a static IPv4 address (a DHCP lease is a WARNING)",
  .usage =
    "[-P PROFILE] [-H [NAME=]ADDR:PROTOCOL|PORT]... [-I IFACE]\n"
    "   [-w RANGE] [-c RANGE] [-t SECONDS] [--format nagios|json] [-v]",
  .help =
    "Options of this check:\n"
    " -H, --hostname [NAME=]ADDR:PROTOCOL  or  [NAME=]ADDR:PORT\n"
    "    a machine, repeatable, replacing the profile's; PROTOCOL is one of\n"
    "    allen-bradley-enip, fanuc-focas, mtconnect-adapter, mtconnect-agent,\n"
    "    haas-serial-moxa, haas-mtconnect, citizen-m700, mitsubishi,\n"
    "    heidenhain, siemens-opcua, kepware-opcua, bystronic-opcua,\n"
    "    fanuc-robot-opcua, modbus-tcp (an IPv6 ADDR in brackets)\n"
    " -I, --interface IFACE|ADDR\n"
    "    the machine network's interface (LAN port 1); default: the\n"
    "    profile's machine_interface, else as the routing table says\n"
    " -w/-c apply to each machine's connect time in seconds (default none)\n",
  .examples =
    " check_edge_machines -I eno1\n"
    "    the profile's machines, from eno1, whose address must be static\n"
    " check_edge_machines -H haas-vf2=10.20.0.31:haas-mtconnect \\\n"
    "     -H press-4=10.20.0.40:modbus-tcp\n"
    "    two machines, by name\n"};

/* How the whole checklist speaks of this check and what it reads in
 * its results. */
const struct ep_kind_report ep_tcp_reporting = {
  .item_id = "machine_network",
  .item_title = "Machine network",
  .short_title = "machines",
  .ok_one = "machine reachable",
  .ok_many = "machines reachable",
  /* The machines, not the interface's row. */
  .count_figure = "connect",
  .not_run_why = "the profile lists no machines",
  .figures = (const struct ep_checklist_figure[]){
    {"connect", "machines_slowest_connect", false, false, EP_UNIT_SECONDS},
    {NULL, NULL, false, false, EP_UNIT_SECONDS}}};

/* Its targets' figures, as collectd and the MIB keep them. */
const struct ep_figure_decl ep_tcp_figures[] = {
  {"connect", "response_time", true, 7, EP_MIB_MICROSECONDS},
  {"hello", "response_time", true, 8, EP_MIB_MICROSECONDS},
  {NULL, NULL, false, 0, EP_MIB_MICROSECONDS}};

/* Its table of EDGEPROBE-MIB (snmp/EDGEPROBE-MIB.txt). */
const struct ep_kind_mib ep_tcp_mib = {7, 5, 0, NULL};
