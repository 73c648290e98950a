#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ep_ipv6.h"
#include "ep_neterr.h"

bool
ep_ipv6_is_global(const struct in6_addr *a)
{
  /* fc00::/7: unique local (RFC 4193), not routed on the internet; a
   * client with only such a source prefers IPv4 (RFC 6724's rules). */
  bool unique_local = (a->s6_addr[0] & 0xfe) == 0xfc;

  return !IN6_IS_ADDR_UNSPECIFIED(a) && !IN6_IS_ADDR_LOOPBACK(a) &&
         !IN6_IS_ADDR_LINKLOCAL(a) && !IN6_IS_ADDR_SITELOCAL(a) &&
         !IN6_IS_ADDR_MULTICAST(a) && !IN6_IS_ADDR_V4MAPPED(a) &&
         !unique_local;
}

bool
ep_ipv6_host_has_global(const struct ep_iface *iface)
{
  struct ifaddrs *list, *i;
  bool            found = false;

  if (getifaddrs(&list) != 0)
    return false;
  for (i = list; i && !found; i = i->ifa_next) {
    const struct sockaddr_in6 *sa = (const void *)i->ifa_addr;

    if (sa && sa->sin6_family == AF_INET6 && i->ifa_name &&
        (!iface || strcmp(i->ifa_name, iface->name) == 0))
      found = ep_ipv6_is_global(&sa->sin6_addr);
  }
  freeifaddrs(list);
  return found;
}

bool
ep_ipv6_route(const struct ep_iface *iface, const char *addr, char *why,
              size_t why_size)
{
  struct sockaddr_in6 to, from;
  socklen_t           len = sizeof from;
  char                text[INET6_ADDRSTRLEN];
  int                 fd, rc = -1;

  memset(&to, 0, sizeof to);
  to.sin6_family = AF_INET6;
  to.sin6_port = htons(443); /* any: a UDP connect only picks a route */
  if (inet_pton(AF_INET6, addr, &to.sin6_addr) != 1) {
    snprintf(why, why_size, "not an IPv6 address");
    return false;
  }
  if ((fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0) {
    snprintf(why, why_size, "no IPv6 socket: %s", ep_strerror(errno).text);
    return false;
  }
  if ((!iface || ep_iface_bind(fd, iface, AF_INET6) == 0) &&
      connect(fd, (struct sockaddr *)&to, sizeof to) == 0 &&
      getsockname(fd, (struct sockaddr *)&from, &len) == 0)
    rc = 0;
  if (rc != 0)
    snprintf(why, why_size, "no route: %s", ep_net_strerror(errno, true).text);
  close(fd);
  if (rc != 0)
    return false;
  /* A global destination needs a global source; ::1 reaches only ::1. */
  if (!ep_ipv6_is_global(&from.sin6_addr) &&
      !IN6_IS_ADDR_LOOPBACK(&to.sin6_addr)) {
    inet_ntop(AF_INET6, &from.sin6_addr, text, sizeof text);
    snprintf(why, why_size, "only a %s source %s",
             IN6_IS_ADDR_LINKLOCAL(&from.sin6_addr) ? "link-local" : "local",
             text);
    return false;
  }
  return true;
}
