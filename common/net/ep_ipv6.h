/* Whether this host can try IPv6 at all, asked before a name's AAAA
 * records are looked up and before a connection is made to one of them:
 * a host with no global IPv6 address, or no route to the address, has no
 * IPv6 path to be broken.  Neither sends a packet. */
#ifndef EP_IPV6_H
#define EP_IPV6_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

#include "ep_iface.h"

/* An address a host reaches the internet from: not unspecified, loopback,
 * link-local, site-local, unique local (fc00::/7), multicast or
 * IPv4-mapped.  Pure. */
bool ep_ipv6_is_global(const struct in6_addr *a);

/* Whether an interface (iface's, or any when it is NULL) has a global
 * IPv6 address. */
bool ep_ipv6_host_has_global(const struct ep_iface *iface);

/* Whether the kernel has a route to addr (IPv6 text) with a global
 * source address, from iface when not NULL: a UDP socket connected to
 * it, which sends nothing.  When not, why says so ("no route: network
 * unreachable", "only a link-local source fe80::1"). */
bool ep_ipv6_route(const struct ep_iface *iface, const char *addr,
                   char *why, size_t why_size);

#endif
