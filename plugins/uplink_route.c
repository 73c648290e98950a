#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <linux/ethtool.h>
/* After <net/if.h>: linux/libc-compat.h then skips what glibc defined and
 * adds only IFF_LOWER_UP and the IF_OPER_* values. */
#include <linux/if.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sockios.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ep_file.h"
#include "ep_rtnl.h"
#include "uplink_route.h"

/* linux/if_arp.h's, not in glibc's <net/if_arp.h>. */
#ifndef ARPHRD_RAWIP
#  define ARPHRD_RAWIP 519
#endif
#ifndef ARPHRD_IP6GRE
#  define ARPHRD_IP6GRE 823
#endif

#define ROUTE "RTM_NEWROUTE"
#define LINK "RTM_NEWLINK"
/* ETHTOOL_GLINKSETTINGS: the kernel's link mode masks are at most this
 * many 32-bit words each (link_mode_masks_nwords is an __s8). */
#define LINK_MODE_WORDS_MAX 127
/* A sysfs uevent file is a few lines. */
#define UEVENT_MAX 4096

/* ---- Kinds. ---- */

const char *
ep_link_kind_name(enum ep_link_kind kind)
{
  switch (kind) {
  case EP_LINK_ETHERNET: return "ethernet";
  case EP_LINK_WIFI:     return "wifi";
  case EP_LINK_CELLULAR: return "cellular";
  case EP_LINK_TUNNEL:   return "tunnel";
  case EP_LINK_LOOPBACK: return "loopback";
  case EP_LINK_OTHER:    return "other";
  case EP_LINK_UNKNOWN:  break;
  }
  return "unknown";
}

static bool
kind_in(const char *kind, const char *const *list)
{
  for (; *list; list++)
    if (strcmp(kind, *list) == 0)
      return true;
  return false;
}

enum ep_link_kind
ep_link_kind_of(unsigned arphrd, const char *info_kind, bool wireless,
                bool wwan)
{
  static const char *const tunnels[] = {
    "wireguard", "gre", "gretap", "ip6gre", "ip6gretap", "ipip", "ip6tnl",
    "sit", "vti", "vti6", "xfrm", "vxlan", "geneve", NULL,
  };
  /* A tap is the tun driver's Ethernet-layer device: "tun" on
   * ARPHRD_ETHER.  On ARPHRD_NONE it is a tun, a tunnel by its type. */
  static const char *const ethernets[] = {
    "", "veth", "macvlan", "macvtap", "ipvlan", "tun", NULL,
  };
  const char *kind = info_kind ? info_kind : "";

  if (arphrd == ARPHRD_LOOPBACK)
    return EP_LINK_LOOPBACK;
  if (wireless)
    return EP_LINK_WIFI;
  if (wwan)
    return EP_LINK_CELLULAR;
  if (kind_in(kind, tunnels))
    return EP_LINK_TUNNEL;
  switch (arphrd) {
  case ARPHRD_NONE: case ARPHRD_PPP: case ARPHRD_TUNNEL:
  case ARPHRD_TUNNEL6: case ARPHRD_IPGRE: case ARPHRD_IP6GRE:
  case ARPHRD_SIT:
    return EP_LINK_TUNNEL;
  case ARPHRD_RAWIP:
    return EP_LINK_CELLULAR;
  case ARPHRD_ETHER:
    return kind_in(kind, ethernets) ? EP_LINK_ETHERNET : EP_LINK_OTHER;
  default:
    return EP_LINK_OTHER;
  }
}

/* ---- Parsing RTM_NEWROUTE. ---- */

/* A route message's header and attributes. */
struct route_msg {
  struct rtmsg         rtm;
  const struct rtattr *tb[RTA_VIA + 1];
};

static enum ep_status
route_decode(const void *msg, size_t len, struct route_msg *rm,
             struct ep_err *err)
{
  const struct rtattr *attrs;
  enum ep_status       rc;
  int                  rem;

  rc = ep_rtnl_check_msg(msg, len, RTM_NEWROUTE, sizeof rm->rtm, ROUTE,
                         &attrs, &rem, err);
  if (rc != EP_OK)
    return rc;
  memcpy(&rm->rtm, NLMSG_DATA((const struct nlmsghdr *)msg), sizeof rm->rtm);
  return ep_rtnl_index_attrs(attrs, rem, rm->tb, RTA_VIA, ROUTE, err);
}

static size_t
family_len(unsigned family)
{
  return family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;
}

/* The address of family at p (n bytes, exactly the family's size) as
 * text into buf (INET6_ADDRSTRLEN bytes). */
static enum ep_status
addr_text(unsigned family, const void *p, size_t n, const char *name,
          char *buf, struct ep_err *err)
{
  unsigned char a[16];

  if (family_len(family) == 0 || n != family_len(family))
    return ep_err_set(err, EP_EPROTO,
                      "netlink " ROUTE " message: %s of %zu bytes for "
                      "address family %u", name, n, family);
  memcpy(a, p, n);
  if (!inet_ntop((int)family, a, buf, INET6_ADDRSTRLEN))
    return ep_err_set(err, EP_EPROTO, "netlink " ROUTE " message: %s does "
                      "not print", name);
  return EP_OK;
}

/* RTA_VIA: an __u16 family, then an address of that family. */
static enum ep_status
via_text(const struct rtattr *a, char *buf, struct ep_err *err)
{
  uint16_t family;
  size_t   n = RTA_PAYLOAD(a);

  if (n < sizeof family)
    return ep_err_set(err, EP_EPROTO,
                      "netlink " ROUTE " message: RTA_VIA of %zu bytes", n);
  memcpy(&family, RTA_DATA(a), sizeof family);
  return addr_text(family, (const char *)RTA_DATA(a) + sizeof family,
                   n - sizeof family, "RTA_VIA", buf, err);
}

/* The gateway among attributes tb of a route or a next hop of family:
 * RTA_GATEWAY, else RTA_VIA; *has false when neither is there. */
static enum ep_status
gateway_text(unsigned family, const struct rtattr *const *tb, bool *has,
             char *buf, struct ep_err *err)
{
  *has = tb[RTA_GATEWAY] || tb[RTA_VIA];
  if (tb[RTA_GATEWAY])
    return addr_text(family, RTA_DATA(tb[RTA_GATEWAY]),
                     RTA_PAYLOAD(tb[RTA_GATEWAY]), "RTA_GATEWAY", buf, err);
  if (tb[RTA_VIA])
    return via_text(tb[RTA_VIA], buf, err);
  return EP_OK;
}

/* One next hop of RTA_MULTIPATH: the header and its own attributes. */
struct hop {
  struct rtnexthop     nh;
  const struct rtattr *tb[RTA_VIA + 1];
};

/* The next hop at *p (*rem bytes left of RTA_MULTIPATH) into h, and *p
 * past it.  *more false at the end. */
static enum ep_status
next_hop(const unsigned char **p, size_t *rem, struct hop *h, bool *more,
         struct ep_err *err)
{
  size_t step;

  *more = *rem > 0;
  if (!*more)
    return EP_OK;
  if (*rem < sizeof h->nh)
    return ep_err_set(err, EP_EPROTO, "netlink " ROUTE " message: "
                      "RTA_MULTIPATH ends in %zu bytes", *rem);
  memcpy(&h->nh, *p, sizeof h->nh);
  if (h->nh.rtnh_len < sizeof h->nh || h->nh.rtnh_len > *rem)
    return ep_err_set(err, EP_EPROTO, "netlink " ROUTE " message: "
                      "RTA_MULTIPATH next hop of %u bytes, %zu left",
                      (unsigned)h->nh.rtnh_len, *rem);
  if (ep_rtnl_index_attrs((const struct rtattr *)(const void *)
                          (*p + RTNH_LENGTH(0)),
                          (int)(h->nh.rtnh_len - RTNH_LENGTH(0)), h->tb,
                          RTA_VIA, ROUTE, err) != EP_OK)
    return EP_EPROTO;
  step = RTNH_ALIGN(h->nh.rtnh_len);
  if (step > *rem)
    step = *rem;
  *p += step;
  *rem -= step;
  return EP_OK;
}

static const char *
drop_word(unsigned char type)
{
  switch (type) {
  case RTN_UNREACHABLE: return "an unreachable route";
  case RTN_PROHIBIT:    return "a prohibit route";
  case RTN_BLACKHOLE:   return "a blackhole route";
  case RTN_THROW:       return "a throw route";
  default:              return NULL;
  }
}

/* A route without RTA_OIF: the first hop of its RTA_MULTIPATH. */
static enum ep_status
first_hop(const struct route_msg *rm, struct ep_route *r, struct ep_err *err)
{
  const unsigned char *p;
  struct hop           h;
  size_t               rem;
  bool                 more;

  if (!rm->tb[RTA_MULTIPATH])
    return ep_err_set(err, EP_EPROTO,
                      "netlink " ROUTE " message without an output interface");
  p = RTA_DATA(rm->tb[RTA_MULTIPATH]);
  rem = RTA_PAYLOAD(rm->tb[RTA_MULTIPATH]);
  if (next_hop(&p, &rem, &h, &more, err) != EP_OK)
    return EP_EPROTO;
  if (!more || h.nh.rtnh_ifindex <= 0)
    return ep_err_set(err, EP_EPROTO, "netlink " ROUTE " message: "
                      "RTA_MULTIPATH without an interface");
  r->index = (unsigned)h.nh.rtnh_ifindex;
  return gateway_text(rm->rtm.rtm_family, h.tb, &r->has_gateway, r->gateway,
                      err);
}

enum ep_status
ep_route_parse(const void *msg, size_t len, struct ep_route *out,
               struct ep_err *err)
{
  struct route_msg rm;
  struct ep_route  r;
  const char      *drop;
  uint32_t         oif = 0;
  enum ep_status   rc;

  rc = route_decode(msg, len, &rm, err);
  if (rc != EP_OK)
    return rc;
  if (!family_len(rm.rtm.rtm_family))
    return ep_err_set(err, EP_EPROTO, "netlink " ROUTE " message of address "
                      "family %u", (unsigned)rm.rtm.rtm_family);
  if ((drop = drop_word(rm.rtm.rtm_type)) != NULL)
    return ep_err_set(err, EP_ESYS, "%s", drop);
  memset(&r, 0, sizeof r);
  if (rm.tb[RTA_OIF])
    rc = ep_rtnl_attr_get(rm.tb[RTA_OIF], &oif, sizeof oif, ROUTE, "RTA_OIF",
                          err);
  if (rc == EP_OK && oif == 0)
    rc = first_hop(&rm, &r, err);
  else if (rc == EP_OK)
    rc = gateway_text(rm.rtm.rtm_family, rm.tb, &r.has_gateway, r.gateway,
                      err);
  if (rc == EP_OK && rm.tb[RTA_PREFSRC])
    rc = addr_text(rm.rtm.rtm_family, RTA_DATA(rm.tb[RTA_PREFSRC]),
                   RTA_PAYLOAD(rm.tb[RTA_PREFSRC]), "RTA_PREFSRC", r.source,
                   err);
  if (rc != EP_OK)
    return rc;
  if (oif != 0)
    r.index = oif;
  *out = r;
  return EP_OK;
}

/* Whether a next hop of rm's RTA_MULTIPATH leaves by index. */
static enum ep_status
hop_on(const struct route_msg *rm, unsigned index, bool *on,
       struct ep_err *err)
{
  const unsigned char *p = RTA_DATA(rm->tb[RTA_MULTIPATH]);
  size_t               rem = RTA_PAYLOAD(rm->tb[RTA_MULTIPATH]);
  struct hop           h;
  bool                 more = true, found = false;

  while (more) {
    if (next_hop(&p, &rem, &h, &more, err) != EP_OK)
      return EP_EPROTO;
    if (more && h.nh.rtnh_ifindex > 0 &&
        (unsigned)h.nh.rtnh_ifindex == index)
      found = true;
  }
  *on = found;
  return EP_OK;
}

enum ep_status
ep_route_parse_default(const void *msg, size_t len, unsigned index, bool *on,
                       struct ep_err *err)
{
  struct route_msg rm;
  uint32_t         table, oif = 0;
  enum ep_status   rc;

  rc = route_decode(msg, len, &rm, err);
  if (rc != EP_OK)
    return rc;
  table = rm.rtm.rtm_table;
  if (rm.tb[RTA_TABLE])
    rc = ep_rtnl_attr_get(rm.tb[RTA_TABLE], &table, sizeof table, ROUTE,
                          "RTA_TABLE", err);
  if (rc == EP_OK && rm.tb[RTA_OIF])
    rc = ep_rtnl_attr_get(rm.tb[RTA_OIF], &oif, sizeof oif, ROUTE, "RTA_OIF",
                          err);
  if (rc != EP_OK)
    return rc;
  if (!family_len(rm.rtm.rtm_family) || table != RT_TABLE_MAIN ||
      rm.rtm.rtm_dst_len != 0 || rm.rtm.rtm_type != RTN_UNICAST) {
    *on = false;
    return EP_OK;
  }
  if (oif != 0 || !rm.tb[RTA_MULTIPATH]) {
    *on = index != 0 && oif == index;
    return EP_OK;
  }
  return hop_on(&rm, index, on, err);
}

/* ---- Parsing RTM_NEWLINK. ---- */

/* A string attribute's text, up to its NUL or its end, into buf of size
 * bytes.  Longer than buf holds: EP_EPROTO when whole, else cut. */
static enum ep_status
attr_text(const struct rtattr *a, char *buf, size_t size, bool whole,
          const char *name, struct ep_err *err)
{
  const char *p = RTA_DATA(a);
  size_t      n = strnlen(p, RTA_PAYLOAD(a));

  if (n >= size && whole)
    return ep_err_set(err, EP_EPROTO, "netlink " LINK " message: %s of %zu "
                      "bytes", name, n);
  if (n >= size)
    n = size - 1;
  memcpy(buf, p, n);
  buf[n] = '\0';
  return EP_OK;
}

/* IFLA_LINKINFO's IFLA_INFO_KIND, when sent, into kind. */
static enum ep_status
link_kind(const struct rtattr *linkinfo, char *kind, size_t size,
          struct ep_err *err)
{
  const struct rtattr *tb[IFLA_INFO_KIND + 1];

  if (ep_rtnl_index_nested(linkinfo, tb, IFLA_INFO_KIND, LINK,
                           "IFLA_LINKINFO", err) != EP_OK)
    return EP_EPROTO;
  if (!tb[IFLA_INFO_KIND])
    return EP_OK;
  return attr_text(tb[IFLA_INFO_KIND], kind, size, false, "IFLA_INFO_KIND",
                   err);
}

enum ep_status
ep_link_info_parse(const void *msg, size_t len, struct ep_link_info *out,
                   struct ep_err *err)
{
  const struct rtattr *attrs, *tb[IFLA_LINKINFO + 1];
  struct ep_link_info  li = *out;
  struct ifinfomsg     ifi;
  uint8_t              oper = IF_OPER_UNKNOWN;
  enum ep_status       rc;
  int                  rem;

  rc = ep_rtnl_check_msg(msg, len, RTM_NEWLINK, sizeof ifi, LINK, &attrs,
                         &rem, err);
  if (rc != EP_OK)
    return rc;
  memcpy(&ifi, NLMSG_DATA((const struct nlmsghdr *)msg), sizeof ifi);
  if (ifi.ifi_index <= 0)
    return ep_err_set(err, EP_EPROTO, "netlink " LINK " message with "
                      "interface index %d", ifi.ifi_index);
  rc = ep_rtnl_index_attrs(attrs, rem, tb, IFLA_LINKINFO, LINK, err);
  li.ifname[0] = li.info_kind[0] = '\0';
  if (rc == EP_OK && tb[IFLA_IFNAME])
    rc = attr_text(tb[IFLA_IFNAME], li.ifname, sizeof li.ifname, true,
                   "IFLA_IFNAME", err);
  if (rc == EP_OK && tb[IFLA_OPERSTATE])
    rc = ep_rtnl_attr_get(tb[IFLA_OPERSTATE], &oper, sizeof oper, LINK,
                          "IFLA_OPERSTATE", err);
  if (rc == EP_OK && tb[IFLA_LINKINFO])
    rc = link_kind(tb[IFLA_LINKINFO], li.info_kind, sizeof li.info_kind, err);
  if (rc != EP_OK)
    return rc;
  li.index = (unsigned)ifi.ifi_index;
  li.arphrd = ifi.ifi_type;
  li.admin_up = (ifi.ifi_flags & IFF_UP) != 0;
  li.carrier = (ifi.ifi_flags & (IFF_LOWER_UP | IFF_RUNNING)) != 0;
  ep_rtnl_operstate(oper, li.operstate, sizeof li.operstate);
  *out = li;
  return EP_OK;
}

/* ---- Through the kernel: the route. ---- */

/* What RTM_GETROUTE's answer is handed to. */
struct route_reply {
  struct ep_route r;
  bool            got;
  char            drop[48]; /* the type of a route that drops */
};

static enum ep_status
take_route(const struct nlmsghdr *nh, void *ctx, struct ep_err *err)
{
  struct route_reply *rr = ctx;
  struct ep_err       perr = EP_ERR_INIT;
  enum ep_status      rc;

  if (nh->nlmsg_type != RTM_NEWROUTE)
    return EP_OK;
  rc = ep_route_parse(nh, nh->nlmsg_len, &rr->r, &perr);
  if (rc == EP_ESYS)
    snprintf(rr->drop, sizeof rr->drop, "%.47s", perr.msg);
  else if (rc != EP_OK)
    return ep_err_set(err, rc, "%s", perr.msg);
  rr->got = true;
  return EP_OK;
}

/* The kernel's refusal of a route lookup, worded. */
static enum ep_status
no_route(const char *address, int kerr, struct ep_err *err)
{
  const char *why = kerr == EACCES ? ": a prohibit route"
                    : kerr == EINVAL ? ": a blackhole route" : "";

  if (kerr == ENETUNREACH || kerr == EHOSTUNREACH || *why)
    return ep_err_set(err, EP_ESYS, "no route to %s (%s%s)", address,
                      ep_strerror(kerr).text, why);
  return ep_err_set(err, EP_ESYS, "%s: the kernel refused RTM_GETROUTE: %s",
                    address, ep_strerror(kerr).text);
}

/* RTM_GETROUTE for dst (len bytes of family), as `ip route get` asks. */
static enum ep_status
ask_route(struct ep_rtnl *nl, int family, const void *dst, size_t len,
          struct route_reply *rr, struct ep_err *err)
{
  struct {
    struct nlmsghdr nh;
    struct rtmsg    rtm;
    unsigned char   attrs[RTA_SPACE(16)];
  } req;
  struct rtattr *rta;
  enum ep_status rc;
  int            kerr;

  memset(&req, 0, sizeof req);
  req.nh.nlmsg_type = RTM_GETROUTE;
  req.nh.nlmsg_flags = NLM_F_REQUEST;
  req.rtm.rtm_family = (unsigned char)family;
  req.rtm.rtm_dst_len = (unsigned char)(len * 8);
  rta = (struct rtattr *)(void *)req.attrs;
  rta->rta_type = RTA_DST;
  rta->rta_len = (unsigned short)RTA_LENGTH(len);
  memcpy(RTA_DATA(rta), dst, len);
  req.nh.nlmsg_len = (uint32_t)(NLMSG_SPACE(sizeof req.rtm) + RTA_SPACE(len));
  rc = ep_rtnl_transact(nl, &req.nh, take_route, rr, &kerr, err);
  if (rc == EP_OK && kerr != 0)
    return no_route(nl->who, kerr, err);
  if (rc == EP_OK && rr->drop[0])
    return ep_err_set(err, EP_ESYS, "no route to %s (%s)", nl->who, rr->drop);
  if (rc == EP_OK && !rr->got)
    return ep_err_set(err, EP_EPROTO, "%s: RTM_GETROUTE answered without a "
                      "route", nl->who);
  return rc;
}

enum ep_status
ep_route_get(const char *address, struct ep_route *out, struct ep_err *err)
{
  struct route_reply rr;
  struct ep_rtnl     nl;
  unsigned char      dst[16];
  enum ep_status     rc;
  int                family = AF_INET;

  if (!address || inet_pton(AF_INET, address, dst) != 1) {
    family = AF_INET6;
    if (!address || inet_pton(AF_INET6, address, dst) != 1)
      return ep_err_set(err, EP_EINVAL, "'%.64s' is not an IPv4 or IPv6 "
                        "address", address ? address : "(null)");
  }
  memset(&rr, 0, sizeof rr);
  rc = ep_rtnl_open(&nl, address, err);
  if (rc == EP_OK)
    rc = ask_route(&nl, family, dst, family == AF_INET ? 4 : 16, &rr, err);
  ep_rtnl_close(&nl);
  if (rc != EP_OK)
    return rc;
  if (!if_indextoname(rr.r.index, rr.r.ifname))
    return ep_err_set(err, EP_ESYS, "%s: the route's interface %u has no "
                      "name: %s", address, rr.r.index,
                      ep_strerror(errno).text);
  *out = rr.r;
  return EP_OK;
}

/* ---- Through the kernel: the default route. ---- */

struct default_reply {
  unsigned index;
  bool     found; /* in this family's dump */
};

static enum ep_status
take_default(const struct nlmsghdr *nh, void *ctx, struct ep_err *err)
{
  struct default_reply *d = ctx;
  bool                  on = false;
  enum ep_status        rc;

  if (nh->nlmsg_type != RTM_NEWROUTE)
    return EP_OK;
  rc = ep_route_parse_default(nh, nh->nlmsg_len, d->index, &on, err);
  if (on)
    d->found = true;
  return rc;
}

static void
restart_default(void *ctx)
{
  ((struct default_reply *)ctx)->found = false;
}

enum ep_status
ep_route_default_on(unsigned index, bool *has, struct ep_err *err)
{
  static const unsigned char families[] = {AF_INET, AF_INET6};
  struct {
    struct nlmsghdr nh;
    struct rtmsg    rtm;
  } req;
  struct default_reply d = {index, false};
  struct ep_rtnl       nl;
  char                 who[32];
  enum ep_status       rc;
  bool                 any = false;
  size_t               i;

  if (index == 0 || index > INT_MAX)
    return ep_err_set(err, EP_EINVAL, "no interface has index %u", index);
  snprintf(who, sizeof who, "interface %u", index);
  rc = ep_rtnl_open(&nl, who, err);
  for (i = 0; rc == EP_OK && i < sizeof families; i++) {
    memset(&req, 0, sizeof req);
    req.nh.nlmsg_len = NLMSG_LENGTH(sizeof req.rtm);
    req.nh.nlmsg_type = RTM_GETROUTE;
    req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    req.rtm.rtm_family = families[i];
    rc = ep_rtnl_dump(&nl, &req.nh, "RTM_GETROUTE", "the routing table",
                      take_default, restart_default, &d, err);
    any = any || d.found;
  }
  ep_rtnl_close(&nl);
  if (rc == EP_OK)
    *has = any;
  return rc;
}

/* ---- Through the kernel: the link. ---- */

struct link_reply {
  struct ep_link_info li;
  bool                got;
};

static enum ep_status
take_link(const struct nlmsghdr *nh, void *ctx, struct ep_err *err)
{
  struct link_reply *lr = ctx;

  if (nh->nlmsg_type != RTM_NEWLINK)
    return EP_OK;
  lr->got = true;
  return ep_link_info_parse(nh, nh->nlmsg_len, &lr->li, err);
}

static enum ep_status
ask_link(struct ep_rtnl *nl, unsigned index, struct link_reply *lr,
         struct ep_err *err)
{
  struct {
    struct nlmsghdr  nh;
    struct ifinfomsg ifi;
  } req;
  enum ep_status rc;
  int            kerr;

  memset(&req, 0, sizeof req);
  req.nh.nlmsg_len = NLMSG_LENGTH(sizeof req.ifi);
  req.nh.nlmsg_type = RTM_GETLINK;
  req.nh.nlmsg_flags = NLM_F_REQUEST;
  req.ifi.ifi_family = AF_UNSPEC;
  req.ifi.ifi_index = (int)index;
  rc = ep_rtnl_transact(nl, &req.nh, take_link, lr, &kerr, err);
  if (rc == EP_OK && kerr == ENODEV)
    return ep_err_set(err, EP_ESYS, "no interface %u", index);
  if (rc == EP_OK && kerr != 0)
    return ep_err_set(err, EP_ESYS, "%s: the kernel refused RTM_GETLINK: %s",
                      nl->who, ep_strerror(kerr).text);
  if (rc == EP_OK && !lr->got)
    return ep_err_set(err, EP_EPROTO, "%s: RTM_GETLINK answered without a "
                      "link", nl->who);
  return rc;
}

/* One SIOCETHTOOL call on ifname, the command in and out through buf. */
static bool
ethtool(int fd, const char *ifname, void *buf)
{
  struct ifreq ifr;

  memset(&ifr, 0, sizeof ifr);
  snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", ifname);
  ifr.ifr_data = buf;
  return ioctl(fd, SIOCETHTOOL, &ifr) == 0;
}

static void
take_speed(uint32_t speed, uint8_t duplex, struct ep_link_info *li)
{
  li->have_speed = speed != 0 && speed != (uint32_t)SPEED_UNKNOWN &&
                   speed != 0xFFFFu;
  li->speed_mbps = li->have_speed ? speed : 0;
  li->have_duplex = duplex == DUPLEX_HALF || duplex == DUPLEX_FULL;
  li->full_duplex = duplex == DUPLEX_FULL;
}

/* ETHTOOL_GLINKSETTINGS: the first call, with no mask words, has the
 * kernel say how many it has (negated); the second reads. */
static bool
link_settings(int fd, struct ep_link_info *li)
{
  struct ethtool_link_settings s;
  uint32_t buf[(sizeof s + 3 * LINK_MODE_WORDS_MAX * 4) / 4 + 1];
  int      words;

  memset(&s, 0, sizeof s);
  memset(buf, 0, sizeof buf);
  s.cmd = ETHTOOL_GLINKSETTINGS;
  memcpy(buf, &s, sizeof s);
  if (!ethtool(fd, li->ifname, buf))
    return false;
  memcpy(&s, buf, sizeof s);
  if (s.cmd != ETHTOOL_GLINKSETTINGS || s.link_mode_masks_nwords >= 0)
    return false;
  words = -s.link_mode_masks_nwords;
  if (words > LINK_MODE_WORDS_MAX)
    return false;
  s.link_mode_masks_nwords = (int8_t)words;
  memcpy(buf, &s, sizeof s);
  if (!ethtool(fd, li->ifname, buf))
    return false;
  memcpy(&s, buf, sizeof s);
  if (s.cmd != ETHTOOL_GLINKSETTINGS || s.link_mode_masks_nwords != words)
    return false;
  take_speed(s.speed, s.duplex, li);
  return true;
}

/* Speed and duplex, best effort, into li. */
static void
link_speed(struct ep_link_info *li)
{
  struct ethtool_cmd cmd;
  int                fd;

  li->have_speed = li->have_duplex = li->full_duplex = false;
  li->speed_mbps = 0;
  if (!li->ifname[0])
    return;
  fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return;
  if (!link_settings(fd, li)) {
    /* Drivers older than Linux 4.6's link settings. */
    memset(&cmd, 0, sizeof cmd);
    cmd.cmd = ETHTOOL_GSET;
    if (ethtool(fd, li->ifname, &cmd))
      take_speed(ethtool_cmd_speed(&cmd), cmd.duplex, li);
  }
  close(fd);
}

static bool
sysfs_has(const char *ifname, const char *leaf)
{
  char path[96];

  snprintf(path, sizeof path, "/sys/class/net/%s/%s", ifname, leaf);
  return access(path, F_OK) == 0;
}

/* Whether the device's uevent says DEVTYPE=wwan. */
static bool
sysfs_wwan(const char *ifname)
{
  struct ep_err scratch = EP_ERR_INIT;
  char          path[96], *data, *line;
  size_t        len;
  bool          wwan = false;

  snprintf(path, sizeof path, "/sys/class/net/%s/uevent", ifname);
  if (ep_file_read(path, NULL, UEVENT_MAX, &data, &len, &scratch) != EP_OK)
    return false;
  for (line = data; line && *line; line = strchr(line, '\n')) {
    if (*line == '\n')
      line++;
    if (strncmp(line, "DEVTYPE=wwan", 12) == 0 &&
        (line[12] == '\n' || line[12] == '\0'))
      wwan = true;
  }
  free(data);
  return wwan;
}

static void
link_kind_from_sysfs(struct ep_link_info *li)
{
  bool wireless = false, wwan = false;

  /* A name the kernel gave has no '/' and is not "." or "..". */
  if (li->ifname[0] && !strchr(li->ifname, '/') && li->ifname[0] != '.') {
    wireless = sysfs_has(li->ifname, "phy80211") ||
               sysfs_has(li->ifname, "wireless");
    wwan = sysfs_wwan(li->ifname);
  }
  li->kind = ep_link_kind_of(li->arphrd, li->info_kind, wireless, wwan);
}

enum ep_status
ep_link_info_get(unsigned index, struct ep_link_info *out, struct ep_err *err)
{
  struct link_reply lr;
  struct ep_rtnl    nl;
  char              who[32];
  enum ep_status    rc;

  if (index == 0 || index > INT_MAX)
    return ep_err_set(err, EP_EINVAL, "no interface has index %u", index);
  snprintf(who, sizeof who, "interface %u", index);
  memset(&lr, 0, sizeof lr);
  rc = ep_rtnl_open(&nl, who, err);
  if (rc == EP_OK)
    rc = ask_link(&nl, index, &lr, err);
  ep_rtnl_close(&nl);
  if (rc != EP_OK)
    return rc;
  link_kind_from_sysfs(&lr.li);
  link_speed(&lr.li);
  *out = lr.li;
  return EP_OK;
}
