#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "ep_iface.h"

static bool
same_addr(const struct sockaddr *sa, const struct ep_iface *iface)
{
  if (sa->sa_family == AF_INET && iface->family == AF_INET)
    return memcmp(&((const struct sockaddr_in *)(const void *)sa)->sin_addr,
                  &iface->addr4, sizeof iface->addr4) == 0;
  if (sa->sa_family == AF_INET6 && iface->family == AF_INET6)
    return memcmp(&((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
                  &iface->addr6, sizeof iface->addr6) == 0;
  return false;
}

enum ep_status
ep_iface_resolve(const char *text, struct ep_iface *iface, struct ep_err *err)
{
  struct ifaddrs *list, *i;
  enum ep_status  rc;

  memset(iface, 0, sizeof *iface);
  if (inet_pton(AF_INET, text, &iface->addr4) == 1)
    iface->family = AF_INET;
  else if (inet_pton(AF_INET6, text, &iface->addr6) == 1)
    iface->family = AF_INET6;
  if (!iface->family) {
    if (strlen(text) >= sizeof iface->name || if_nametoindex(text) == 0)
      return ep_err_set(err, EP_EINVAL, "-I: no interface named '%.64s'",
                        text);
    snprintf(iface->name, sizeof iface->name, "%s", text);
    return EP_OK;
  }
  iface->has_addr = true;
  if (getifaddrs(&list) != 0)
    return ep_err_set(err, EP_ESYS, "-I: cannot list interfaces: %s",
                      ep_strerror(errno).text);
  rc = EP_EINVAL;
  for (i = list; i; i = i->ifa_next) {
    if (i->ifa_addr && i->ifa_name && same_addr(i->ifa_addr, iface) &&
        strlen(i->ifa_name) < sizeof iface->name) {
      snprintf(iface->name, sizeof iface->name, "%s", i->ifa_name);
      rc = EP_OK;
      break;
    }
  }
  freeifaddrs(list);
  if (rc != EP_OK)
    ep_err_set(err, rc, "-I: no interface has the address %s", text);
  return rc;
}

int
ep_iface_bind(int fd, const struct ep_iface *iface, int family)
{
  struct sockaddr_in6 src;
  socklen_t           len;

  if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, iface->name,
                 (socklen_t)strlen(iface->name)) != 0)
    return -1;
  if (!iface->has_addr || iface->family != family)
    return 0;
  memset(&src, 0, sizeof src);
  if (family == AF_INET) {
    struct sockaddr_in *s4 = (struct sockaddr_in *)(void *)&src;

    s4->sin_family = AF_INET;
    s4->sin_addr = iface->addr4;
    len = sizeof *s4;
  } else {
    src.sin6_family = AF_INET6;
    src.sin6_addr = iface->addr6;
    len = sizeof src;
  }
  return bind(fd, (struct sockaddr *)&src, len);
}
