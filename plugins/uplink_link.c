#include "config.h"

#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ep_resolver.h"
#include "ep_time.h"
#include "uplink_link.h"

#define MODEM_WAITS_AT_MOST 3.0 /* s */

/* A name's lookup, whose callback needs to know which endpoint it is. */
struct pending_name {
  struct ep_uplink_link *link;
  size_t                 index;
  bool                   done;
};

struct ep_uplink_link {
  struct ep_uplink_link_setup    setup;
  struct ep_uplink_link_findings f;
  struct pending_name            names[EP_UPLINK_ENDPOINTS_MAX];
  struct ep_wifi_query          *wifi[EP_UPLINK_LINKS_MAX];
  struct ep_cell_query          *cell[EP_UPLINK_LINKS_MAX];
  struct timespec                now, deadline;
};

struct ep_uplink_link *
ep_uplink_link_new(const struct ep_uplink_link_setup *setup,
                   struct ep_err *err)
{
  struct ep_uplink_link *l = calloc(1, sizeof *l);
  size_t                 i;

  if (!l) {
    ep_err_set(err, EP_ENOMEM, "out of memory");
    return NULL;
  }
  l->setup = *setup;
  for (i = 0; i < setup->n_endpoints && i < EP_UPLINK_ENDPOINTS_MAX; i++) {
    snprintf(l->f.endpoints[i].endpoint, sizeof l->f.endpoints[i].endpoint,
             "%s", setup->endpoints[i]);
    l->names[i].link = l;
    l->names[i].index = i;
  }
  l->f.n_endpoints = i;
  l->f.company = setup->company_ifname;
  l->f.machine = setup->machine_ifname;
  return l;
}

void
ep_uplink_link_free(struct ep_uplink_link *l)
{
  size_t i;

  if (!l)
    return;
  for (i = 0; i < EP_UPLINK_LINKS_MAX; i++) {
    ep_wifi_query_free(l->wifi[i]);
    ep_cell_query_free(l->cell[i]);
  }
  free(l);
}

/* A raw-IP tun or a PPP port looks like a tunnel until ModemManager says
 * whose port it is; WireGuard, GRE and the like are never a modem's. */
static bool
modem_may_own(const struct ep_link_info *info)
{
  return info->kind == EP_LINK_TUNNEL &&
         (!info->info_kind[0] || strcmp(info->info_kind, "tun") == 0 ||
          strcmp(info->info_kind, "ppp") == 0);
}

/* ModemManager answers in milliseconds, and a modem's first signal
 * figures come within a second of their refresh being set up: one that
 * keeps silent must not hold the whole run to its deadline. */
static struct timespec
modem_deadline(const struct ep_uplink_link *l)
{
  struct timespec soon = ep_time_add(l->now, MODEM_WAITS_AT_MOST);

  return ep_time_reached(soon, l->deadline) ? l->deadline : soon;
}

/* The radio of link k: nl80211 for WiFi; ModemManager for a WWAN device
 * or what a modem may own. */
static void
ask_radio(struct ep_uplink_link *l, size_t k)
{
  struct ep_uplink_link_seen *s = &l->f.links[k];
  struct ep_err               err = EP_ERR_INIT;

  if (s->info.kind == EP_LINK_WIFI) {
    s->wifi_asked = true;
    if (!(l->wifi[k] = ep_wifi_query_new(s->info.index, s->info.ifname, NULL,
                                         &err)) ||
        ep_wifi_query_start(l->wifi[k], l->now) != EP_OK) {
      s->wifi_rc = l->wifi[k] ? EP_ESYS : err.code;
      snprintf(s->radio_error, sizeof s->radio_error, "%s",
               err.msg[0] ? err.msg : "cannot ask nl80211");
      ep_wifi_query_free(l->wifi[k]);
      l->wifi[k] = NULL;
    }
  } else if (s->info.kind == EP_LINK_CELLULAR || modem_may_own(&s->info)) {
    s->cell_asked = true;
    if (!(l->cell[k] = ep_cell_query_new(s->info.ifname,
                                         l->setup.bus_address, &err)) ||
        ep_cell_query_start(l->cell[k], l->now, modem_deadline(l)) != EP_OK) {
      s->cell_rc = l->cell[k] ? EP_ESYS : err.code;
      snprintf(s->radio_error, sizeof s->radio_error, "%s",
               err.msg[0] ? err.msg : "cannot ask ModemManager");
      ep_cell_query_free(l->cell[k]);
      l->cell[k] = NULL;
    }
  }
}

/* The link a route leaves by, read (and its radio asked) the first time
 * a route uses it; NULL past EP_UPLINK_LINKS_MAX interfaces. */
static struct ep_uplink_link_seen *
link_of(struct ep_uplink_link *l, const struct ep_route *r)
{
  struct ep_uplink_link_seen *s;
  struct ep_err               err = EP_ERR_INIT;
  size_t                      k;

  for (k = 0; k < l->f.n_links; k++)
    if (l->f.links[k].info.index == r->index)
      return &l->f.links[k];
  if (l->f.n_links == EP_UPLINK_LINKS_MAX)
    return NULL;
  s = &l->f.links[k = l->f.n_links++];
  s->info.index = r->index;
  snprintf(s->info.ifname, sizeof s->info.ifname, "%s", r->ifname);
  if (ep_link_info_get(r->index, &s->info, &err) == EP_OK) {
    s->have_info = true;
    ask_radio(l, k);
  } else {
    s->info.index = r->index;
    snprintf(s->info.ifname, sizeof s->info.ifname, "%s", r->ifname);
    snprintf(s->info_error, sizeof s->info_error, "%s", err.msg);
  }
  return s;
}

static void
route_endpoint(struct ep_uplink_link *l, struct ep_uplink_route_seen *e)
{
  struct ep_uplink_link_seen *s;
  struct ep_err               err = EP_ERR_INIT;

  if (ep_route_get(e->address, &e->route, &err) != EP_OK) {
    snprintf(e->error, sizeof e->error, "%s", err.msg);
    l->f.n_unrouted++;
    return;
  }
  e->routed = true;
  l->f.n_routed++;
  if ((s = link_of(l, &e->route)))
    s->carries++;
}

static void
on_lookup(void *arg, const struct ep_lookup_result *res)
{
  struct pending_name         *p = arg;
  struct ep_uplink_route_seen *e = &p->link->f.endpoints[p->index];

  p->done = true;
  if (res->n_addrs == 0)
    return; /* the dns check says why */
  snprintf(e->address, sizeof e->address, "%s", res->addrs[0]);
  e->resolved = true;
  route_endpoint(p->link, e);
}

/* The machine network's NIC: a default route out of it sends what has
 * no better route (the cloud too) into the machine network. */
static void
check_machine_nic(struct ep_uplink_link *l)
{
  struct ep_err err = EP_ERR_INIT;
  unsigned      index;

  if (!l->f.machine)
    return;
  if (!(index = if_nametoindex(l->f.machine))) {
    snprintf(l->f.machine_error, sizeof l->f.machine_error,
             "%s is gone", l->f.machine);
    return;
  }
  if (ep_route_default_on(index, &l->f.machine_default_route, &err) != EP_OK)
    snprintf(l->f.machine_error, sizeof l->f.machine_error, "%s", err.msg);
}

enum ep_status
ep_uplink_link_start(struct ep_uplink_link *l, struct ep_resolver *resolver,
                     struct timespec now, struct timespec deadline,
                     struct ep_err *err)
{
  size_t i;

  l->now = now;
  l->deadline = deadline;
  check_machine_nic(l);
  for (i = 0; i < l->f.n_endpoints; i++) {
    struct ep_uplink_route_seen *e = &l->f.endpoints[i];

    if (ep_addr_is_literal(e->endpoint)) {
      snprintf(e->address, sizeof e->address, "%s", e->endpoint);
      e->resolved = true;
      l->names[i].done = true;
      route_endpoint(l, e);
    } else if (ep_resolver_lookup(resolver, e->endpoint, on_lookup,
                                  &l->names[i], now, err) != EP_OK) {
      return err ? err->code : EP_ENOMEM;
    }
  }
  return EP_OK;
}

enum ep_status
ep_uplink_link_pollset(const struct ep_uplink_link *l, struct ep_pollset *ps)
{
  size_t i;

  for (i = 0; i < EP_UPLINK_LINKS_MAX; i++) {
    if (l->wifi[i] && !ep_wifi_query_done(l->wifi[i]) &&
        ep_wifi_query_pollset(l->wifi[i], ps) != EP_OK)
      return EP_ENOMEM;
    if (l->cell[i] && !ep_cell_query_done(l->cell[i]) &&
        ep_cell_query_pollset(l->cell[i], ps) != EP_OK)
      return EP_ENOMEM;
  }
  return EP_OK;
}

void
ep_uplink_link_on_ready(struct ep_uplink_link *l, const struct ep_pollset *ps,
                        struct timespec now)
{
  size_t i;

  l->now = now;
  for (i = 0; i < EP_UPLINK_LINKS_MAX; i++) {
    if (l->wifi[i] && !ep_wifi_query_done(l->wifi[i]))
      ep_wifi_query_on_ready(l->wifi[i], ps, now);
    if (l->cell[i] && !ep_cell_query_done(l->cell[i]))
      ep_cell_query_on_ready(l->cell[i], ps, now);
  }
}

bool
ep_uplink_link_done(const struct ep_uplink_link *l)
{
  size_t i;

  for (i = 0; i < l->f.n_endpoints; i++)
    if (!l->names[i].done)
      return false;
  for (i = 0; i < EP_UPLINK_LINKS_MAX; i++)
    if ((l->wifi[i] && !ep_wifi_query_done(l->wifi[i])) ||
        (l->cell[i] && !ep_cell_query_done(l->cell[i])))
      return false;
  return true;
}

/* The radios' answers, or why there are none. */
static void
collect_radios(struct ep_uplink_link *l)
{
  size_t i;

  for (i = 0; i < l->f.n_links; i++) {
    struct ep_uplink_link_seen *s = &l->f.links[i];
    struct ep_err               err = EP_ERR_INIT;

    if (l->wifi[i]) {
      s->wifi_rc = ep_wifi_query_result(l->wifi[i], &s->wifi, &err);
      snprintf(s->radio_error, sizeof s->radio_error, "%s", err.msg);
    } else if (l->cell[i]) {
      s->cell_rc = ep_cell_query_result(l->cell[i], &s->cell, &err);
      snprintf(s->radio_error, sizeof s->radio_error, "%s", err.msg);
    }
  }
}

void
ep_uplink_link_findings(struct ep_uplink_link *l,
                        const struct ep_uplink_link_findings **out)
{
  size_t i;

  collect_radios(l);
  l->f.main = 0;
  for (i = 1; i < l->f.n_links; i++)
    if (l->f.links[i].carries > l->f.links[l->f.main].carries)
      l->f.main = i;
  *out = &l->f;
}

const struct ep_uplink_link_seen *
ep_uplink_link_main(const struct ep_uplink_link_findings *f)
{
  return f->n_links ? &f->links[f->main] : NULL;
}

/* The main link's route that says most: one through a gateway (the
 * uplink's), else one on the link (an address on its own network). */
const struct ep_route *
ep_uplink_link_main_route(const struct ep_uplink_link_findings *f)
{
  const struct ep_uplink_link_seen *s = ep_uplink_link_main(f);
  const struct ep_route            *r = NULL;
  size_t                            i;

  for (i = 0; s && i < f->n_endpoints; i++) {
    const struct ep_uplink_route_seen *e = &f->endpoints[i];

    if (!e->routed || e->route.index != s->info.index)
      continue;
    if (e->route.has_gateway)
      return &e->route;
    if (!r)
      r = &e->route;
  }
  return r;
}

bool
ep_uplink_link_is_cellular(const struct ep_uplink_link_seen *s)
{
  return s->info.kind == EP_LINK_CELLULAR ||
         (s->cell_asked && s->cell_rc == EP_OK &&
          s->cell.absence == EP_CELL_PRESENT);
}
