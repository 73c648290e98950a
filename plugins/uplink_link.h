/* Which link carries the cloud traffic, and how healthy it is: the route
 * the kernel takes to each cloud endpoint (the HTTPS targets' addresses,
 * the NATS endpoints, the upload's host, or the proxy that carries them),
 * the kind of each interface those routes leave by, and the radio of a
 * WiFi or cellular one.  Route and link lookups are kernel calls answered
 * at once; the radio's queries (nl80211, ModemManager) run in the loop. */
#ifndef UPLINK_LINK_H
#define UPLINK_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "ep_addr.h"
#include "ep_err.h"
#include "ep_pollset.h"
#include "uplink_cell.h"
#include "uplink_route.h"
#include "uplink_wifi.h"

struct ep_resolver;

#define EP_UPLINK_ENDPOINTS_MAX 64 /* cloud endpoints looked up */
#define EP_UPLINK_LINKS_MAX 4      /* interfaces whose link is read */

/* What the link check is given: the cloud's endpoints (host names or
 * address literals, no ports), the interface the profile names as the
 * company side and the machine network's NIC (NULL: none named). */
struct ep_uplink_link_setup {
  const char *const *endpoints;
  size_t             n_endpoints;
  const char        *company_ifname;
  const char        *machine_ifname;
  const char        *bus_address; /* ModemManager's bus; NULL: system */
};

/* One endpoint's route. */
struct ep_uplink_route_seen {
  char            endpoint[EP_HOST_MAX];
  char            address[46];
  bool            resolved; /* address holds its first address */
  bool            routed;   /* route holds the kernel's route */
  struct ep_route route;
  char            error[EP_ERR_MSG_MAX]; /* why not routed */
};

/* One interface the routes leave by, and its radio. */
struct ep_uplink_link_seen {
  struct ep_link_info info;
  bool                have_info;
  char                info_error[EP_ERR_MSG_MAX];
  size_t              carries; /* routes out of it */
  bool                wifi_asked, cell_asked;
  enum ep_status      wifi_rc, cell_rc;
  struct ep_wifi_info wifi;
  struct ep_cell_info cell;
  char                radio_error[EP_ERR_MSG_MAX];
};

struct ep_uplink_link_findings {
  size_t                      n_endpoints, n_routed, n_unrouted;
  struct ep_uplink_route_seen endpoints[EP_UPLINK_ENDPOINTS_MAX];
  size_t                      n_links;
  struct ep_uplink_link_seen  links[EP_UPLINK_LINKS_MAX];
  size_t                      main; /* the link carrying the most */
  const char                 *company;  /* its name, or NULL */
  const char                 *machine;  /* its name, or NULL */
  bool                        machine_default_route;
  char                        machine_error[EP_ERR_MSG_MAX];
};

struct ep_uplink_link;

/* NULL with err set when out of memory. */
struct ep_uplink_link *ep_uplink_link_new(
  const struct ep_uplink_link_setup *setup, struct ep_err *err);
void ep_uplink_link_free(struct ep_uplink_link *l);

/* Looks up every endpoint (names through resolver, as every other check
 * resolves them), routes each address as it comes, and asks the radio of
 * each new interface.  EP_ENOMEM. */
enum ep_status ep_uplink_link_start(struct ep_uplink_link *l,
                                    struct ep_resolver *resolver,
                                    struct timespec now,
                                    struct timespec deadline,
                                    struct ep_err *err);
enum ep_status ep_uplink_link_pollset(const struct ep_uplink_link *l,
                                      struct ep_pollset *ps);
void ep_uplink_link_on_ready(struct ep_uplink_link *l,
                             const struct ep_pollset *ps,
                             struct timespec now);
bool ep_uplink_link_done(const struct ep_uplink_link *l);

/* The link carrying the most of the cloud, or NULL when none does. */
const struct ep_uplink_link_seen *
ep_uplink_link_main(const struct ep_uplink_link_findings *f);

/* The main link's route that says most (through a gateway), or NULL. */
const struct ep_route *
ep_uplink_link_main_route(const struct ep_uplink_link_findings *f);

/* Whether a link is a modem's: a WWAN device, or a port ModemManager
 * says is its modem's. */
bool ep_uplink_link_is_cellular(const struct ep_uplink_link_seen *s);

/* What it found, as far as it got.  Its pointers are into l. */
void ep_uplink_link_findings(struct ep_uplink_link *l,
                             const struct ep_uplink_link_findings **out);

#endif
