/* ep-route-get: the uplink's route and link lookups (plugins/uplink_route.h)
 * from the command line, for tests/integration/uplink-route-kernel.sh.
 * For each address argument, one line:
 *   ADDRESS IFNAME GATEWAY|- KIND SPEED|- full|half|-
 * or `ADDRESS error: MESSAGE`; for each -d IFNAME, one line
 *   default-on IFNAME yes|no
 * or `default-on IFNAME error: MESSAGE`.  Exit 0, 2 on a usage error. */

#define _POSIX_C_SOURCE 200809L

#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "uplink_route.h"

static void
route_line(const char *address)
{
  struct ep_err       err = EP_ERR_INIT;
  struct ep_route     r;
  struct ep_link_info li;
  char                speed[16] = "-";

  if (ep_route_get(address, &r, &err) != EP_OK ||
      ep_link_info_get(r.index, &li, &err) != EP_OK) {
    printf("%s error: %s\n", address, err.msg);
    return;
  }
  if (li.have_speed)
    snprintf(speed, sizeof speed, "%u", li.speed_mbps);
  printf("%s %s %s %s %s %s\n", address, r.ifname,
         r.has_gateway ? r.gateway : "-", ep_link_kind_name(li.kind), speed,
         !li.have_duplex ? "-" : li.full_duplex ? "full" : "half");
}

static void
default_line(const char *ifname)
{
  struct ep_err err = EP_ERR_INIT;
  unsigned      index = if_nametoindex(ifname);
  bool          has = false;

  if (index == 0)
    snprintf(err.msg, sizeof err.msg, "no interface %s", ifname);
  else if (ep_route_default_on(index, &has, &err) == EP_OK)
    err.msg[0] = '\0';
  if (err.msg[0])
    printf("default-on %s error: %s\n", ifname, err.msg);
  else
    printf("default-on %s %s\n", ifname, has ? "yes" : "no");
}

int
main(int argc, char **argv)
{
  int i;

  if (argc < 2) {
    fprintf(stderr, "usage: ep-route-get [-d IFNAME | ADDRESS]...\n");
    return 2;
  }
  for (i = 1; i < argc; i++) {
    if (strcmp(argv[i], "-d") == 0) {
      if (++i == argc) {
        fprintf(stderr, "ep-route-get: -d needs an interface name\n");
        return 2;
      }
      default_line(argv[i]);
    } else {
      route_line(argv[i]);
    }
  }
  return 0;
}
