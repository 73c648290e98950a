/* Unit tests for uplink_route: the parsers fed RTM_NEWROUTE and
 * RTM_NEWLINK messages laid out as the kernel sends them (well-formed,
 * truncated, with bad nested lengths, with attributes of ours unknown),
 * the kinds' table, and the real calls on loopback.  Routes through
 * namespaces of their own are tests/integration/uplink-route-kernel.sh's. */
#include "config.h"

#include <arpa/inet.h>
#include <check.h>
#include <fcntl.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <linux/if.h>
#include <linux/rtnetlink.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ep_unit.h"
#include "uplink_route.h"

/* ---- A message built as the kernel lays it out. ---- */

struct nlbuf {
  union {
    struct nlmsghdr nh; /* aligned as a receive buffer */
    unsigned char   bytes[1024];
  } u;
  size_t nest[4]; /* where each open nest's attribute starts */
  size_t depth;
};

static void *
put(struct nlbuf *b, size_t len)
{
  size_t at = NLMSG_ALIGN(b->u.nh.nlmsg_len);

  ck_assert_uint_le(at + len, sizeof b->u.bytes);
  b->u.nh.nlmsg_len = (uint32_t)(at + len);
  return b->u.bytes + at;
}

static void
start(struct nlbuf *b, uint16_t type, const void *fixed, size_t len)
{
  memset(b, 0, sizeof *b);
  b->u.nh.nlmsg_type = type;
  b->u.nh.nlmsg_len = NLMSG_HDRLEN;
  memcpy(put(b, len), fixed, len);
}

static void
route_msg(struct nlbuf *b, unsigned char family, unsigned char dst_len,
          unsigned char type)
{
  struct rtmsg rtm = {.rtm_family = family, .rtm_dst_len = dst_len,
                      .rtm_table = RT_TABLE_MAIN, .rtm_type = type};

  start(b, RTM_NEWROUTE, &rtm, sizeof rtm);
}

static void
link_msg(struct nlbuf *b, int index, unsigned short type, unsigned flags)
{
  struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC, .ifi_type = type,
                          .ifi_index = index, .ifi_flags = flags};

  start(b, RTM_NEWLINK, &ifi, sizeof ifi);
}

static void
attr(struct nlbuf *b, unsigned short type, const void *data, size_t len)
{
  struct rtattr *a = put(b, RTA_LENGTH(len));

  a->rta_type = type;
  a->rta_len = (unsigned short)RTA_LENGTH(len);
  memcpy(RTA_DATA(a), data, len);
}

static void
attr_u32(struct nlbuf *b, unsigned short type, uint32_t v)
{
  attr(b, type, &v, sizeof v);
}

static void
attr_addr(struct nlbuf *b, unsigned short type, const char *text)
{
  unsigned char a[16];

  if (inet_pton(AF_INET, text, a) == 1)
    attr(b, type, a, 4);
  else {
    ck_assert_int_eq(inet_pton(AF_INET6, text, a), 1);
    attr(b, type, a, 16);
  }
}

static void
nest_open(struct nlbuf *b, unsigned short type)
{
  struct rtattr *a = put(b, RTA_LENGTH(0));

  a->rta_type = type;
  ck_assert_uint_lt(b->depth, 4);
  b->nest[b->depth++] = (size_t)((unsigned char *)a - b->u.bytes);
}

static void
nest_close(struct nlbuf *b)
{
  size_t         at = b->nest[--b->depth];
  struct rtattr *a = (struct rtattr *)(void *)(b->u.bytes + at);

  a->rta_len = (unsigned short)(b->u.nh.nlmsg_len - at);
}

/* A next hop of RTA_MULTIPATH with a gateway (NULL: none). */
static void
hop(struct nlbuf *b, int ifindex, const char *gateway)
{
  size_t            at = NLMSG_ALIGN(b->u.nh.nlmsg_len);
  struct rtnexthop *nh = put(b, sizeof *nh);

  nh->rtnh_ifindex = ifindex;
  if (gateway)
    attr_addr(b, RTA_GATEWAY, gateway);
  nh = (struct rtnexthop *)(void *)(b->u.bytes + at);
  nh->rtnh_len = (unsigned short)(b->u.nh.nlmsg_len - at);
}

static struct ep_err err;
static struct ep_route route;
static struct ep_link_info info;

static void
setup(void)
{
  ep_err_clear(&err);
  memset(&route, 0x5a, sizeof route);
  memset(&info, 0, sizeof info);
}

static enum ep_status
parse_route(const struct nlbuf *b)
{
  return ep_route_parse(b, b->u.nh.nlmsg_len, &route, &err);
}

static enum ep_status
parse_link(const struct nlbuf *b)
{
  return ep_link_info_parse(b, b->u.nh.nlmsg_len, &info, &err);
}

/* ---- RTM_NEWROUTE answers. ---- */

START_TEST(a_route_with_a_gateway)
{
  struct nlbuf b;

  route_msg(&b, AF_INET, 32, RTN_UNICAST);
  attr_u32(&b, RTA_TABLE, RT_TABLE_MAIN);
  attr_addr(&b, RTA_DST, "198.51.100.7");
  attr_u32(&b, RTA_OIF, 3);
  attr_addr(&b, RTA_PREFSRC, "10.77.0.1");
  attr_addr(&b, RTA_GATEWAY, "10.77.0.2");
  attr_u32(&b, RTA_UID, 0);
  ck_assert_int_eq(parse_route(&b), EP_OK);
  ck_assert_uint_eq(route.index, 3);
  ck_assert_str_eq(route.ifname, "");
  ck_assert(route.has_gateway);
  ck_assert_str_eq(route.gateway, "10.77.0.2");
  ck_assert_str_eq(route.source, "10.77.0.1");
}
END_TEST

START_TEST(a_route_on_link_has_no_gateway)
{
  struct nlbuf b;

  route_msg(&b, AF_INET, 32, RTN_UNICAST);
  attr_addr(&b, RTA_DST, "198.18.1.1");
  attr_u32(&b, RTA_OIF, 9);
  ck_assert_int_eq(parse_route(&b), EP_OK);
  ck_assert_uint_eq(route.index, 9);
  ck_assert(!route.has_gateway);
  ck_assert_str_eq(route.gateway, "");
  ck_assert_str_eq(route.source, "");
}
END_TEST

START_TEST(an_ipv6_route_and_a_v4_route_via_v6)
{
  struct nlbuf  b;
  unsigned char via[18] = {AF_INET6 & 0xff, AF_INET6 >> 8};

  route_msg(&b, AF_INET6, 128, RTN_UNICAST);
  attr_addr(&b, RTA_DST, "2001:db8:5::1");
  attr_u32(&b, RTA_OIF, 4);
  attr_addr(&b, RTA_GATEWAY, "fe80::1");
  attr_addr(&b, RTA_PREFSRC, "2001:db8:77::1");
  ck_assert_int_eq(parse_route(&b), EP_OK);
  ck_assert_str_eq(route.gateway, "fe80::1");
  ck_assert_str_eq(route.source, "2001:db8:77::1");

  ck_assert_int_eq(inet_pton(AF_INET6, "fe80::2", via + 2), 1);
  route_msg(&b, AF_INET, 32, RTN_UNICAST);
  attr_u32(&b, RTA_OIF, 4);
  attr(&b, RTA_VIA, via, sizeof via);
  ck_assert_int_eq(parse_route(&b), EP_OK);
  ck_assert(route.has_gateway);
  ck_assert_str_eq(route.gateway, "fe80::2");
}
END_TEST

START_TEST(a_multipath_route_gives_its_first_hop)
{
  struct nlbuf b;

  route_msg(&b, AF_INET, 0, RTN_UNICAST);
  nest_open(&b, RTA_MULTIPATH);
  hop(&b, 5, "10.1.0.1");
  hop(&b, 6, "10.2.0.1");
  nest_close(&b);
  ck_assert_int_eq(parse_route(&b), EP_OK);
  ck_assert_uint_eq(route.index, 5);
  ck_assert_str_eq(route.gateway, "10.1.0.1");
}
END_TEST

START_TEST(routes_that_drop_are_no_route)
{
  static const unsigned char types[] = {RTN_UNREACHABLE, RTN_PROHIBIT,
                                        RTN_BLACKHOLE, RTN_THROW};
  static const char *const words[] = {"an unreachable route",
                                      "a prohibit route", "a blackhole route",
                                      "a throw route"};
  struct ep_route before;
  struct nlbuf    b;
  size_t          i;

  before = route;
  for (i = 0; i < 4; i++) {
    route_msg(&b, AF_INET6, 128, types[i]);
    attr_u32(&b, RTA_OIF, 1);
    ep_err_clear(&err);
    ck_assert_int_eq(parse_route(&b), EP_ESYS);
    ck_assert_str_eq(err.msg, words[i]);
    ck_assert_mem_eq(&route, &before, sizeof route);
  }
}
END_TEST

START_TEST(bad_routes_are_refused_and_change_nothing)
{
  struct ep_route before = route;
  struct nlbuf    b;

  route_msg(&b, AF_INET, 32, RTN_UNICAST);
  attr_addr(&b, RTA_DST, "192.0.2.1");
  ck_assert_int_eq(parse_route(&b), EP_EPROTO);
  ck_assert_str_eq(err.msg, "netlink RTM_NEWROUTE message without an output "
                            "interface");
  ep_err_clear(&err);
  route_msg(&b, AF_INET, 32, RTN_UNICAST);
  attr_u32(&b, RTA_OIF, 2);
  attr_addr(&b, RTA_GATEWAY, "2001:db8::1"); /* 16 bytes on IPv4 */
  ck_assert_int_eq(parse_route(&b), EP_EPROTO);
  ck_assert_str_eq(err.msg, "netlink RTM_NEWROUTE message: RTA_GATEWAY of 16 "
                            "bytes for address family 2");
  ep_err_clear(&err);
  route_msg(&b, AF_INET, 32, RTN_UNICAST);
  attr(&b, RTA_OIF, "\x02\x00", 2);
  ck_assert_int_eq(parse_route(&b), EP_EPROTO);
  ck_assert_str_eq(err.msg, "netlink RTM_NEWROUTE message: RTA_OIF has 2 "
                            "bytes, expected 4");
  ep_err_clear(&err);
  route_msg(&b, AF_INET, 32, RTN_UNICAST);
  attr(&b, RTA_VIA, "\x0a", 1);
  attr_u32(&b, RTA_OIF, 2);
  ck_assert_int_eq(parse_route(&b), EP_EPROTO);
  ck_assert_str_eq(err.msg, "netlink RTM_NEWROUTE message: RTA_VIA of 1 bytes");
  ep_err_clear(&err);
  route_msg(&b, 28 /* AF_MPLS */, 20, RTN_UNICAST);
  attr_u32(&b, RTA_OIF, 2);
  ck_assert_int_eq(parse_route(&b), EP_EPROTO);
  ck_assert_str_eq(err.msg, "netlink RTM_NEWROUTE message of address family "
                            "28");
  ck_assert_mem_eq(&route, &before, sizeof route);
}
END_TEST

START_TEST(a_bad_multipath_is_refused)
{
  struct nlbuf b;
  size_t       at;

  route_msg(&b, AF_INET, 0, RTN_UNICAST);
  nest_open(&b, RTA_MULTIPATH);
  at = NLMSG_ALIGN(b.u.nh.nlmsg_len);
  hop(&b, 5, "10.1.0.1");
  nest_close(&b);
  /* The hop claims 4 bytes more than RTA_MULTIPATH holds. */
  ((struct rtnexthop *)(void *)(b.u.bytes + at))->rtnh_len += 4;
  ck_assert_int_eq(parse_route(&b), EP_EPROTO);
  ck_assert_str_eq(err.msg, "netlink RTM_NEWROUTE message: RTA_MULTIPATH next "
                            "hop of 20 bytes, 16 left");
  ep_err_clear(&err);
  route_msg(&b, AF_INET, 0, RTN_UNICAST);
  nest_open(&b, RTA_MULTIPATH);
  nest_close(&b);
  ck_assert_int_eq(parse_route(&b), EP_EPROTO);
  ck_assert_str_eq(err.msg, "netlink RTM_NEWROUTE message: RTA_MULTIPATH "
                            "without an interface");
}
END_TEST

START_TEST(every_truncation_of_a_route_is_safe)
{
  struct nlbuf   b;
  size_t         full, len;
  enum ep_status rc;

  route_msg(&b, AF_INET6, 128, RTN_UNICAST);
  attr_addr(&b, RTA_DST, "2001:db8:5::1");
  attr_u32(&b, RTA_OIF, 4);
  nest_open(&b, RTA_MULTIPATH);
  hop(&b, 4, "fe80::1");
  nest_close(&b);
  attr_addr(&b, RTA_PREFSRC, "2001:db8:77::1");
  full = b.u.nh.nlmsg_len;
  for (len = 0; len <= full; len++) {
    unsigned char *copy = malloc(len ? len : 1);
    bool           on = false;

    ck_assert_ptr_nonnull(copy);
    memcpy(copy, b.u.bytes, len);
    if (len >= NLMSG_HDRLEN)
      ((struct nlmsghdr *)(void *)copy)->nlmsg_len = (uint32_t)len;
    ep_err_clear(&err);
    rc = ep_route_parse(copy, len, &route, &err);
    ck_assert(rc == EP_OK || rc == EP_EPROTO);
    ck_assert(rc == EP_OK || err.msg[0] != '\0');
    ep_err_clear(&err);
    rc = ep_route_parse_default(copy, len, 4, &on, &err);
    ck_assert(rc == EP_OK || rc == EP_EPROTO);
    free(copy);
  }
}
END_TEST

/* ---- Default routes of a dump. ---- */

static bool
default_on(const struct nlbuf *b, unsigned index)
{
  bool on = !index; /* the opposite of what is expected, mostly */

  ck_assert_int_eq(ep_route_parse_default(b, b->u.nh.nlmsg_len, index, &on,
                                          &err), EP_OK);
  return on;
}

START_TEST(default_routes_of_the_main_table)
{
  struct nlbuf b;

  route_msg(&b, AF_INET, 0, RTN_UNICAST);
  attr_u32(&b, RTA_TABLE, RT_TABLE_MAIN);
  attr_addr(&b, RTA_GATEWAY, "10.77.0.2");
  attr_u32(&b, RTA_OIF, 3);
  ck_assert(default_on(&b, 3));
  ck_assert(!default_on(&b, 4));

  route_msg(&b, AF_INET6, 0, RTN_UNICAST);
  nest_open(&b, RTA_MULTIPATH);
  hop(&b, 5, "fe80::1");
  hop(&b, 6, NULL);
  nest_close(&b);
  ck_assert(default_on(&b, 5));
  ck_assert(default_on(&b, 6));
  ck_assert(!default_on(&b, 7));
}
END_TEST

START_TEST(other_routes_are_not_default)
{
  struct nlbuf b;

  route_msg(&b, AF_INET, 24, RTN_UNICAST); /* not a default */
  attr_u32(&b, RTA_OIF, 3);
  ck_assert(!default_on(&b, 3));
  route_msg(&b, AF_INET, 0, RTN_UNICAST);
  attr_u32(&b, RTA_TABLE, 100); /* another table: RTA_TABLE wins */
  attr_u32(&b, RTA_OIF, 3);
  ck_assert(!default_on(&b, 3));
  route_msg(&b, AF_INET, 0, RTN_BLACKHOLE);
  attr_u32(&b, RTA_OIF, 3);
  ck_assert(!default_on(&b, 3));
  route_msg(&b, 128 /* RTNL_FAMILY_IPMR */, 0, RTN_UNICAST);
  attr_u32(&b, RTA_OIF, 3);
  ck_assert(!default_on(&b, 3));
  route_msg(&b, AF_INET, 0, RTN_UNICAST);
  attr_u32(&b, RTA_NH_ID, 12); /* a nexthop object: no interface said */
  ck_assert(!default_on(&b, 3));
}
END_TEST

/* ---- RTM_NEWLINK. ---- */

static void
linkinfo(struct nlbuf *b, const char *kind)
{
  nest_open(b, IFLA_LINKINFO);
  attr(b, IFLA_INFO_KIND, kind, strlen(kind) + 1);
  nest_open(b, IFLA_INFO_DATA);
  attr_u32(b, 1, 42);
  nest_close(b);
  nest_close(b);
}

START_TEST(a_veth_link)
{
  struct nlbuf b;
  uint8_t      oper = IF_OPER_UP;

  link_msg(&b, 7, ARPHRD_ETHER, IFF_UP | IFF_RUNNING | IFF_LOWER_UP);
  attr(&b, IFLA_IFNAME, "uplink0", 8);
  attr_u32(&b, IFLA_MTU, 1500);
  attr(&b, IFLA_OPERSTATE, &oper, 1);
  attr(&b, 0x3fff, "unknown to us", 13); /* past IFLA_MAX today */
  linkinfo(&b, "veth");
  attr_u32(&b, IFLA_GROUP, 0);
  info.have_speed = true;
  info.speed_mbps = 77;
  ck_assert_int_eq(parse_link(&b), EP_OK);
  ck_assert_uint_eq(info.index, 7);
  ck_assert_str_eq(info.ifname, "uplink0");
  ck_assert_uint_eq(info.arphrd, ARPHRD_ETHER);
  ck_assert_str_eq(info.info_kind, "veth");
  ck_assert(info.admin_up && info.carrier);
  ck_assert_str_eq(info.operstate, "up");
  /* What ep_link_info_get() fills is left alone. */
  ck_assert(info.have_speed);
  ck_assert_uint_eq(info.speed_mbps, 77);
  ck_assert_int_eq(ep_link_kind_of(info.arphrd, info.info_kind, false, false),
                   EP_LINK_ETHERNET);
}
END_TEST

START_TEST(wireguard_and_tun_links)
{
  struct nlbuf b;

  link_msg(&b, 8, ARPHRD_NONE, IFF_UP | IFF_POINTOPOINT | IFF_NOARP);
  attr(&b, IFLA_IFNAME, "wg0", 4);
  linkinfo(&b, "wireguard");
  ck_assert_int_eq(parse_link(&b), EP_OK);
  ck_assert_str_eq(info.info_kind, "wireguard");
  ck_assert(info.admin_up && !info.carrier);
  ck_assert_str_eq(info.operstate, "unknown");
  ck_assert_int_eq(ep_link_kind_of(info.arphrd, info.info_kind, false, false),
                   EP_LINK_TUNNEL);

  link_msg(&b, 9, ARPHRD_NONE, IFF_UP);
  attr(&b, IFLA_IFNAME, "wwan0", 6);
  nest_open(&b, IFLA_LINKINFO);
  attr(&b, IFLA_INFO_KIND, "tun", 3); /* without its NUL */
  nest_close(&b);
  ck_assert_int_eq(parse_link(&b), EP_OK);
  ck_assert_str_eq(info.ifname, "wwan0");
  ck_assert_str_eq(info.info_kind, "tun");
  ck_assert_int_eq(ep_link_kind_of(info.arphrd, info.info_kind, false, false),
                   EP_LINK_TUNNEL);

  link_msg(&b, 10, ARPHRD_ETHER, 0); /* no IFLA_LINKINFO: kind "" */
  attr(&b, IFLA_IFNAME, "eno1", 5);
  ck_assert_int_eq(parse_link(&b), EP_OK);
  ck_assert_str_eq(info.info_kind, "");
  ck_assert(!info.admin_up);
}
END_TEST

START_TEST(bad_links_are_refused_and_change_nothing)
{
  struct ep_link_info before;
  struct nlbuf        b;
  size_t              at;

  memset(&info, 0x33, sizeof info);
  before = info;
  link_msg(&b, 7, ARPHRD_ETHER, IFF_UP);
  nest_open(&b, IFLA_LINKINFO);
  at = NLMSG_ALIGN(b.u.nh.nlmsg_len);
  attr(&b, IFLA_INFO_KIND, "veth", 5);
  nest_close(&b);
  /* The kind claims 8 bytes more than IFLA_LINKINFO holds. */
  ((struct rtattr *)(void *)(b.u.bytes + at))->rta_len += 8;
  ck_assert_int_eq(parse_link(&b), EP_EPROTO);
  ck_assert_str_eq(err.msg, "netlink RTM_NEWLINK message: IFLA_LINKINFO: an "
                            "attribute runs past the end (9 bytes left)");
  ep_err_clear(&err);
  link_msg(&b, 7, ARPHRD_ETHER, IFF_UP);
  attr(&b, IFLA_IFNAME, "sixteen-chars-xx", 17);
  ck_assert_int_eq(parse_link(&b), EP_EPROTO);
  ck_assert_str_eq(err.msg, "netlink RTM_NEWLINK message: IFLA_IFNAME of 16 "
                            "bytes");
  ep_err_clear(&err);
  link_msg(&b, 7, ARPHRD_ETHER, IFF_UP);
  attr(&b, IFLA_IFNAME, "eth0", 5);
  b.u.nh.nlmsg_len -= 4; /* IFLA_IFNAME cut in two */
  ck_assert_int_eq(parse_link(&b), EP_EPROTO);
  ck_assert_str_eq(err.msg, "netlink RTM_NEWLINK message: an attribute runs "
                            "past the end (5 bytes left)");
  ep_err_clear(&err);
  link_msg(&b, -1, ARPHRD_ETHER, IFF_UP);
  ck_assert_int_eq(parse_link(&b), EP_EPROTO);
  ck_assert_str_eq(err.msg, "netlink RTM_NEWLINK message with interface index "
                            "-1");
  ep_err_clear(&err);
  route_msg(&b, AF_INET, 0, RTN_UNICAST);
  ck_assert_int_eq(parse_link(&b), EP_EPROTO);
  ck_assert_str_eq(err.msg, "netlink message of type 24 where RTM_NEWLINK was "
                            "expected");
  ck_assert_mem_eq(&info, &before, sizeof info);
}
END_TEST

/* ---- Kinds. ---- */

START_TEST(the_kinds_table)
{
  ck_assert_int_eq(ep_link_kind_of(ARPHRD_LOOPBACK, "", false, false),
                   EP_LINK_LOOPBACK);
  ck_assert_int_eq(ep_link_kind_of(ARPHRD_ETHER, "", true, false),
                   EP_LINK_WIFI);
  ck_assert_int_eq(ep_link_kind_of(ARPHRD_ETHER, "", false, true),
                   EP_LINK_CELLULAR);
  ck_assert_int_eq(ep_link_kind_of(ARPHRD_NONE, "", false, true),
                   EP_LINK_CELLULAR);
  ck_assert_int_eq(ep_link_kind_of(519 /* RAWIP */, "", false, false),
                   EP_LINK_CELLULAR);
  ck_assert_int_eq(ep_link_kind_of(ARPHRD_ETHER, "", false, false),
                   EP_LINK_ETHERNET);
  ck_assert_int_eq(ep_link_kind_of(ARPHRD_ETHER, NULL, false, false),
                   EP_LINK_ETHERNET);
  ck_assert_int_eq(ep_link_kind_of(ARPHRD_ETHER, "veth", false, false),
                   EP_LINK_ETHERNET);
  ck_assert_int_eq(ep_link_kind_of(ARPHRD_ETHER, "macvlan", false, false),
                   EP_LINK_ETHERNET);
  ck_assert_int_eq(ep_link_kind_of(ARPHRD_ETHER, "tun", false, false),
                   EP_LINK_ETHERNET); /* a tap */
  ck_assert_int_eq(ep_link_kind_of(ARPHRD_NONE, "tun", false, false),
                   EP_LINK_TUNNEL);
  ck_assert_int_eq(ep_link_kind_of(ARPHRD_ETHER, "gretap", false, false),
                   EP_LINK_TUNNEL);
  ck_assert_int_eq(ep_link_kind_of(ARPHRD_ETHER, "vxlan", false, false),
                   EP_LINK_TUNNEL);
  ck_assert_int_eq(ep_link_kind_of(ARPHRD_PPP, "", false, false),
                   EP_LINK_TUNNEL);
  ck_assert_int_eq(ep_link_kind_of(ARPHRD_IPGRE, "gre", false, false),
                   EP_LINK_TUNNEL);
  ck_assert_int_eq(ep_link_kind_of(ARPHRD_SIT, "sit", false, false),
                   EP_LINK_TUNNEL);
  ck_assert_int_eq(ep_link_kind_of(ARPHRD_TUNNEL6, "ip6tnl", false, false),
                   EP_LINK_TUNNEL);
  ck_assert_int_eq(ep_link_kind_of(ARPHRD_NONE, "xfrm", false, false),
                   EP_LINK_TUNNEL);
  ck_assert_int_eq(ep_link_kind_of(ARPHRD_ETHER, "bridge", false, false),
                   EP_LINK_OTHER);
  ck_assert_int_eq(ep_link_kind_of(ARPHRD_ETHER, "bond", false, false),
                   EP_LINK_OTHER);
  ck_assert_int_eq(ep_link_kind_of(ARPHRD_ETHER, "vlan", false, false),
                   EP_LINK_OTHER);
  ck_assert_int_eq(ep_link_kind_of(ARPHRD_ETHER, "team", false, false),
                   EP_LINK_OTHER);
  ck_assert_int_eq(ep_link_kind_of(ARPHRD_INFINIBAND, "", false, false),
                   EP_LINK_OTHER);
}
END_TEST

START_TEST(the_kinds_names)
{
  ck_assert_str_eq(ep_link_kind_name(EP_LINK_ETHERNET), "ethernet");
  ck_assert_str_eq(ep_link_kind_name(EP_LINK_WIFI), "wifi");
  ck_assert_str_eq(ep_link_kind_name(EP_LINK_CELLULAR), "cellular");
  ck_assert_str_eq(ep_link_kind_name(EP_LINK_TUNNEL), "tunnel");
  ck_assert_str_eq(ep_link_kind_name(EP_LINK_LOOPBACK), "loopback");
  ck_assert_str_eq(ep_link_kind_name(EP_LINK_OTHER), "other");
  ck_assert_str_eq(ep_link_kind_name(EP_LINK_UNKNOWN), "unknown");
  ck_assert_str_eq(ep_link_kind_name((enum ep_link_kind)99), "unknown");
}
END_TEST

/* ---- Through the kernel, on loopback. ---- */

START_TEST(loopback_routes_and_link)
{
  bool has = true;

  ck_assert_int_eq(ep_route_get("127.0.0.1", &route, &err), EP_OK);
  ck_assert_str_eq(route.ifname, "lo");
  ck_assert(!route.has_gateway);
  ck_assert_str_eq(route.source, "127.0.0.1");
  ck_assert_int_eq(ep_link_info_get(route.index, &info, &err), EP_OK);
  ck_assert_uint_eq(info.index, 1); /* lo is 1 in every namespace */
  ck_assert_str_eq(info.ifname, "lo");
  ck_assert_int_eq(info.kind, EP_LINK_LOOPBACK);
  ck_assert(info.admin_up && info.carrier);
  ck_assert_str_eq(info.operstate, "unknown");
  ck_assert(!info.have_speed && !info.have_duplex); /* lo has no ethtool */
  ck_assert_int_eq(ep_route_default_on(1, &has, &err), EP_OK);
  ck_assert(!has);
  ck_assert_str_eq(err.msg, "");
}
END_TEST

START_TEST(bad_arguments)
{
  struct ep_route before = route;
  bool            has = true;

  ck_assert_int_eq(ep_route_get("not an address", &route, &err), EP_EINVAL);
  ck_assert_str_eq(err.msg, "'not an address' is not an IPv4 or IPv6 address");
  ck_assert_mem_eq(&route, &before, sizeof route);
  ep_err_clear(&err);
  ck_assert_int_eq(ep_route_get(NULL, &route, &err), EP_EINVAL);
  ep_err_clear(&err);
  ck_assert_int_eq(ep_link_info_get(0, &info, &err), EP_EINVAL);
  ck_assert_str_eq(err.msg, "no interface has index 0");
  ep_err_clear(&err);
  ck_assert_int_eq(ep_link_info_get(0x7ffffff0u, &info, &err), EP_ESYS);
  ck_assert_str_eq(err.msg, "no interface 2147483632");
  ep_err_clear(&err);
  ck_assert_int_eq(ep_route_default_on(0, &has, &err), EP_EINVAL);
  ck_assert(has);
}
END_TEST

/* The lowest descriptor free: a call that kept one moves it up. */
static int
lowest_free_fd(void)
{
  int fd = open("/dev/null", O_RDONLY);

  ck_assert_int_ge(fd, 0);
  ck_assert_int_eq(close(fd), 0);
  return fd;
}

START_TEST(a_thousand_lookups_keep_no_fd)
{
  int  before = lowest_free_fd(), i;
  bool has;

  for (i = 0; i < 1000; i++) {
    ck_assert_int_eq(ep_route_get("127.0.0.2", &route, &err), EP_OK);
    ck_assert_int_eq(ep_link_info_get(1, &info, &err), EP_OK);
    ck_assert_int_eq(ep_route_default_on(1, &has, &err), EP_OK);
    ck_assert_int_eq(ep_link_info_get(0x7ffffff0u, &info, &err), EP_ESYS);
  }
  ck_assert_int_eq(lowest_free_fd(), before);
}
END_TEST

static Suite *
uplink_route_suite(void)
{
  Suite *s = suite_create("uplink_route");
  TCase *tc = tcase_create("core");

  tcase_add_checked_fixture(tc, setup, NULL);
  tcase_set_timeout(tc, 60); /* 4000 netlink calls, slower under valgrind */
  tcase_add_test(tc, a_route_with_a_gateway);
  tcase_add_test(tc, a_route_on_link_has_no_gateway);
  tcase_add_test(tc, an_ipv6_route_and_a_v4_route_via_v6);
  tcase_add_test(tc, a_multipath_route_gives_its_first_hop);
  tcase_add_test(tc, routes_that_drop_are_no_route);
  tcase_add_test(tc, bad_routes_are_refused_and_change_nothing);
  tcase_add_test(tc, a_bad_multipath_is_refused);
  tcase_add_test(tc, every_truncation_of_a_route_is_safe);
  tcase_add_test(tc, default_routes_of_the_main_table);
  tcase_add_test(tc, other_routes_are_not_default);
  tcase_add_test(tc, a_veth_link);
  tcase_add_test(tc, wireguard_and_tun_links);
  tcase_add_test(tc, bad_links_are_refused_and_change_nothing);
  tcase_add_test(tc, the_kinds_table);
  tcase_add_test(tc, the_kinds_names);
  tcase_add_test(tc, loopback_routes_and_link);
  tcase_add_test(tc, bad_arguments);
  tcase_add_test(tc, a_thousand_lookups_keep_no_fd);
  suite_add_tcase(s, tc);
  return s;
}

EP_UNIT_MAIN(uplink_route_suite)
