/* The source interface (-I): a name that must exist, or an address that
 * must be on one of this host's interfaces.  c-ares and curl ignore a bad
 * device silently, so it is checked here before anything is sent. */
#ifndef EP_IFACE_H
#define EP_IFACE_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>

#include "ep_err.h"

struct ep_iface {
  char            name[IF_NAMESIZE];
  bool            has_addr; /* -I gave an address: bind to it too */
  int             family;   /* AF_INET or AF_INET6 when has_addr */
  struct in_addr  addr4;
  struct in6_addr addr6;
};

/* Resolves "eth0" or "192.0.2.7" into iface.  EP_EINVAL with a message
 * naming the text when no such interface or address exists here. */
enum ep_status ep_iface_resolve(const char *text, struct ep_iface *iface,
                                struct ep_err *err);

/* Makes fd (a socket of family) send from iface: bound to its device,
 * and to its address when -I gave one of that family.  0, or -1 with
 * errno set by the call that failed. */
int ep_iface_bind(int fd, const struct ep_iface *iface, int family);

#endif
