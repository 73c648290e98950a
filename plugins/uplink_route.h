/* Which interface and gateway carry traffic to an address, and what kind
 * of link that interface is, as the kernel tells it: an rtnetlink route
 * lookup (RTM_GETROUTE for the address, as `ip route get` does), the
 * interface's link message (type, kind, state), its Ethernet speed and
 * duplex (ETHTOOL_GLINKSETTINGS), and whether it is a wireless or a WWAN
 * device (sysfs).  Each call opens one netlink socket, asks, and closes
 * it; the kernel answers at once, and each receive waits at most 1 s. */
#ifndef UPLINK_ROUTE_H
#define UPLINK_ROUTE_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ep_err.h"

enum ep_link_kind {
  EP_LINK_UNKNOWN = 0,
  EP_LINK_ETHERNET, /* ARPHRD_ETHER, not wireless, not WWAN */
  EP_LINK_WIFI,     /* a wireless device (sysfs phy80211 or wireless) */
  EP_LINK_CELLULAR, /* a WWAN device (uevent DEVTYPE=wwan) */
  EP_LINK_TUNNEL,   /* tun, wireguard, gre, ipip, sit, ppp, vti, ... */
  EP_LINK_LOOPBACK,
  EP_LINK_OTHER     /* a bridge, a bond, a VLAN: said by its kind */
};

/* "ethernet", "wifi", "cellular", "tunnel", "loopback", "other",
 * "unknown": JSON's and the MIB's words. */
const char *ep_link_kind_name(enum ep_link_kind kind);

struct ep_route {
  unsigned index;           /* RTA_OIF */
  char     ifname[IF_NAMESIZE];
  bool     has_gateway;     /* RTA_GATEWAY / RTA_VIA */
  char     gateway[46];     /* "192.0.2.1", "fe80::1" */
  char     source[46];      /* RTA_PREFSRC: the address it leaves from */
};

struct ep_link_info {
  unsigned          index;
  char              ifname[IF_NAMESIZE];
  unsigned          arphrd;       /* ifi_type */
  char              info_kind[24]; /* IFLA_INFO_KIND: "veth", "tun", "" */
  enum ep_link_kind kind;
  bool              admin_up, carrier;
  char              operstate[16];
  /* Ethernet (and anything ethtool answers for): speed in Mb/s and
   * duplex, when the driver knows them (a link that is down does not). */
  bool              have_speed;
  unsigned          speed_mbps;
  bool              have_duplex;
  bool              full_duplex;
};

/* The route the kernel would take to address (an IPv4 or IPv6 literal),
 * with no source interface forced: where the gateway's own software
 * sends.  EP_OK with out filled; EP_ESYS with err naming the address and
 * the kernel's words when there is no route: "no route to 192.0.2.1
 * (Network is unreachable)", "(No route to host)" for an unreachable
 * route, "(Permission denied: a prohibit route)", "(Invalid argument: a
 * blackhole route)", or the route's type when the kernel answers with
 * one that drops ("(a blackhole route)");
 * EP_EINVAL for a text that is not an address; EP_EPROTO for a reply
 * that does not parse; EP_ETIMEOUT, EP_ENOMEM. */
enum ep_status ep_route_get(const char *address, struct ep_route *out,
                            struct ep_err *err);

/* The link of interface index.  EP_OK; EP_ESYS "no interface N" when it
 * is gone; EP_EINVAL for index 0 or past INT_MAX; EP_EPROTO,
 * EP_ETIMEOUT, EP_ENOMEM.  Speed and duplex are best effort: a driver
 * that does not say leaves have_speed and have_duplex false. */
enum ep_status ep_link_info_get(unsigned index, struct ep_link_info *out,
                                struct ep_err *err);

/* Whether the main table has a default route (IPv4 0.0.0.0/0 or IPv6
 * ::/0) out of interface index.  EP_OK with *has set; EP_ESYS, EP_EPROTO,
 * EP_ETIMEOUT, EP_ENOMEM. */
enum ep_status ep_route_default_on(unsigned index, bool *has,
                                   struct ep_err *err);

/* The pure parsers the calls use, for tests and fuzzing: msg is one
 * netlink message as received, len bytes, 4-byte aligned (else
 * EP_EINVAL); every attribute is bounds checked, and a malformed one
 * gives EP_EPROTO with out unchanged. */

/* An RTM_NEWROUTE message answering RTM_GETROUTE: index (RTA_OIF),
 * gateway (RTA_GATEWAY, else RTA_VIA), source (RTA_PREFSRC, else "");
 * ifname is left "" for the caller.  A multipath route without RTA_OIF
 * gives its first next hop.  A route that drops what it matches
 * (unreachable, prohibit, blackhole, throw) is EP_ESYS "an unreachable
 * route" (...), out unchanged; a route without an output interface, or
 * of a family other than IPv4 and IPv6, EP_EPROTO. */
enum ep_status ep_route_parse(const void *msg, size_t len,
                              struct ep_route *out, struct ep_err *err);
/* An RTM_NEWROUTE message of a dump: *on is whether it is a default
 * route (prefix length 0) of the main table (RTA_TABLE, else rtm_table),
 * of type unicast, out of interface index (RTA_OIF, or a next hop of
 * RTA_MULTIPATH).  Other families are EP_OK, *on false.  A route whose
 * next hops are nexthop objects (RTA_NH_ID) says no interface: false. */
enum ep_status ep_route_parse_default(const void *msg, size_t len,
                                      unsigned index, bool *on,
                                      struct ep_err *err);
/* An RTM_NEWLINK message: index, ifname, arphrd, info_kind, admin_up,
 * carrier, operstate (kind is left for the caller, which reads sysfs). */
enum ep_status ep_link_info_parse(const void *msg, size_t len,
                                  struct ep_link_info *out,
                                  struct ep_err *err);

/* The kind of a link from what the kernel said: its ARPHRD type, its
 * IFLA_INFO_KIND, and whether sysfs has it wireless or DEVTYPE=wwan.
 * Pure.  In this order: ARPHRD_LOOPBACK is loopback; wireless is wifi;
 * wwan is cellular; a tunnel's kind (wireguard, gre, gretap, ip6gre,
 * ip6gretap, ipip, ip6tnl, sit, vti, vti6, xfrm, vxlan, geneve) or type
 * (ARPHRD_NONE: tun, wireguard, a raw-IP modem without DEVTYPE;
 * ARPHRD_PPP, ARPHRD_TUNNEL, TUNNEL6, IPGRE, IP6GRE, SIT) is tunnel;
 * ARPHRD_RAWIP (rmnet, mhi_net: only modems use it) is cellular;
 * ARPHRD_ETHER with no kind (a NIC), or veth, macvlan, macvtap, ipvlan,
 * or tun (a tap: an Ethernet-layer virtual device) is ethernet; any
 * other kind on Ethernet (bridge, bond, vlan, team, dummy, ...) and any
 * other type is other. */
enum ep_link_kind ep_link_kind_of(unsigned arphrd, const char *info_kind,
                                  bool wireless, bool wwan);

#endif
