/* The machines check's part of a profile, "$.machines": the plant's
 * machine controllers, each on its protocol's port. */
#ifndef TCP_SETTINGS_H
#define TCP_SETTINGS_H

#include <stddef.h>

#include "ep_probe.h"
#include "ep_schema.h"

struct ep_machine {
  char    *name;
  char    *address;  /* an IP address: the plant network has no DNS here */
  char    *protocol; /* a name of ep_protocols, or NULL: a port alone */
  unsigned port;     /* the protocol's, unless given */
};

struct ep_tcp_profile {
  struct ep_machine *machines;
  size_t             n_machines;
};

extern const struct ep_section ep_tcp_section;
/* --machine-interface IFACE: the machines' NIC, where the whole
 * checklist's -I is the cloud's. */
extern const struct ep_option ep_tcp_option_machine_interface;

void ep_machines_free(struct ep_machine *machines, size_t n);

/* Port of a machine protocol from the vendor's table ("modbus-tcp" -> 502),
 * or 0 when unknown. */
unsigned ep_machine_protocol_port(const char *protocol);

/* The table's name of protocol (an older name mapped to today's), or NULL
 * when unknown. */
const char *ep_machine_protocol_name(const char *protocol);

/* check_edge_machines's help. */
extern const struct ep_kind_doc ep_tcp_doc;

/* The checklist's words and figures of it. */
extern const struct ep_kind_report ep_tcp_reporting;

/* Its figures and its MIB table. */
extern const struct ep_figure_decl ep_tcp_figures[];
extern const struct ep_kind_mib    ep_tcp_mib;

#endif
