/* The tcp probe: the plant side.  Every machine controller of the profile
 * at once, a TCP connect to its protocol's port from the machine-network
 * interface, then the protocol's hello where one is standard and cheap
 * (plugins/machine_hello.h), so that "port open" becomes "the controller
 * answers".  With the interface named, whether it is up and has the
 * static IPv4 address the vendor requires. */
#ifndef EP_TCP_H
#define EP_TCP_H

#include <stdbool.h>

#include "ep_config.h"
#include "ep_iface.h"
#include "ep_probe.h"
#include "ep_profile.h"
#include "ep_range.h"
#include "tcp_settings.h"

struct ep_tcp_options {
  const struct ep_iface *iface; /* NULL: as the routing table says */
  /* Also judge the interface's own state (up, a static address): when
   * the machine network's interface was named. */
  bool                   check_iface;
  struct ep_range        warn, crit; /* on the connect time */
};

/* A probe of the n machines (addresses, ports and protocols already
 * checked by the profile or ep_machine_parse()).  NULL with err set when
 * out of memory. */
struct ep_probe *ep_tcp_probe_new(const struct ep_machine *machines, size_t n,
                                  const struct ep_tcp_options *opts,
                                  struct ep_err *err);

/* Parses a machine as -H gives it: "NAME=ADDR:PROTOCOL", "NAME=ADDR:PORT",
 * "ADDR:PROTOCOL" or "ADDR:PORT" (an IPv6 address in brackets); the name
 * defaults to the address.  EP_EINVAL with why naming the part that is
 * wrong (what: "-H" for messages); EP_ENOMEM.  Fills m (strings owned:
 * free them, as ep_profile_free() does). */
enum ep_status ep_machine_parse(const char *text, const char *what,
                                struct ep_machine *m, struct ep_err *err);

/* The machines check (check_edge_machines, check_edge's machine-network
 * item): the profile's machines or -H, -w/-c on the connect time, -I or
 * the profile's machine_interface as the machine network's interface. */
extern const struct ep_probe_kind ep_tcp_kind;

#endif
