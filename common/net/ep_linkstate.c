#include "config.h"

#include <errno.h>
#include <net/if.h>
/* After <net/if.h>: linux/libc-compat.h then skips what glibc defined and
 * adds only IFF_LOWER_UP and the IF_OPER_* values. */
#include <linux/if.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>

#include "ep_linkstate.h"
#include "ep_rtnl.h"

/* ---- Parsers: no I/O, every length checked before it is used. ---- */

enum ep_status
ep_link_parse_link(const void *msg, size_t len, struct ep_link_state *out,
                   struct ep_err *err)
{
  const struct rtattr *attrs, *tb[IFLA_OPERSTATE + 1];
  struct ifinfomsg     ifi;
  enum ep_status       rc;
  uint8_t              oper = IF_OPER_UNKNOWN;
  int                  rem;

  rc = ep_rtnl_check_msg(msg, len, RTM_NEWLINK, sizeof ifi, "RTM_NEWLINK",
                         &attrs, &rem, err);
  if (rc != EP_OK)
    return rc;
  memcpy(&ifi, NLMSG_DATA((const struct nlmsghdr *)msg), sizeof ifi);
  if (ifi.ifi_index <= 0)
    return ep_err_set(err, EP_EPROTO,
                      "netlink RTM_NEWLINK message with interface index %d",
                      ifi.ifi_index);
  rc = ep_rtnl_index_attrs(attrs, rem, tb, IFLA_OPERSTATE, "RTM_NEWLINK", err);
  if (rc == EP_OK && tb[IFLA_OPERSTATE])
    rc = ep_rtnl_attr_get(tb[IFLA_OPERSTATE], &oper, sizeof oper,
                          "RTM_NEWLINK", "IFLA_OPERSTATE", err);
  if (rc != EP_OK)
    return rc;

  out->exists = true;
  out->index = (unsigned)ifi.ifi_index;
  out->admin_up = (ifi.ifi_flags & IFF_UP) != 0;
  out->carrier = (ifi.ifi_flags & (IFF_LOWER_UP | IFF_RUNNING)) != 0;
  ep_rtnl_operstate(oper, out->operstate, sizeof out->operstate);
  return EP_OK;
}

enum ep_status
ep_link_parse_addr(const void *msg, size_t len, struct ep_link_state *out,
                   struct ep_err *err)
{
  const struct rtattr *attrs, *tb[IFA_FLAGS + 1], *where;
  struct ifaddrmsg     ifa;
  struct ifa_cacheinfo ci;
  struct ep_link_addr  a;
  enum ep_status       rc;
  int                  rem;

  rc = ep_rtnl_check_msg(msg, len, RTM_NEWADDR, sizeof ifa, "RTM_NEWADDR",
                         &attrs, &rem, err);
  if (rc != EP_OK)
    return rc;
  memcpy(&ifa, NLMSG_DATA((const struct nlmsghdr *)msg), sizeof ifa);
  if (ifa.ifa_family != AF_INET || ifa.ifa_index != out->index)
    return EP_OK;
  if (ifa.ifa_prefixlen > 32)
    return ep_err_set(err, EP_EPROTO,
                      "netlink RTM_NEWADDR message with IPv4 prefix /%u",
                      (unsigned)ifa.ifa_prefixlen);
  rc = ep_rtnl_index_attrs(attrs, rem, tb, IFA_FLAGS, "RTM_NEWADDR", err);
  if (rc != EP_OK)
    return rc;

  memset(&a, 0, sizeof a);
  a.prefix = ifa.ifa_prefixlen;
  a.flags = ifa.ifa_flags;
  /* On a point-to-point link IFA_ADDRESS is the peer's; IFA_LOCAL is
   * always ours when sent (iproute2 reads them the same way). */
  where = tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
  if (!where)
    return ep_err_set(err, EP_EPROTO,
                      "netlink RTM_NEWADDR message without an address");
  if (RTA_PAYLOAD(where) != sizeof a.addr)
    return ep_err_set(err, EP_EPROTO,
                      "netlink RTM_NEWADDR message: IPv4 address of %zu bytes",
                      (size_t)RTA_PAYLOAD(where));
  memcpy(&a.addr, RTA_DATA(where), sizeof a.addr);
  if (tb[IFA_FLAGS])
    rc = ep_rtnl_attr_get(tb[IFA_FLAGS], &a.flags, sizeof a.flags,
                          "RTM_NEWADDR", "IFA_FLAGS", err);
  if (rc == EP_OK && tb[IFA_CACHEINFO])
    rc = ep_rtnl_attr_get(tb[IFA_CACHEINFO], &ci, sizeof ci, "RTM_NEWADDR",
                          "IFA_CACHEINFO", err);
  if (rc != EP_OK)
    return rc;

  if (tb[IFA_CACHEINFO])
    a.permanent = ci.ifa_valid == UINT32_MAX; /* INFINITY_LIFE_TIME */
  else
    a.permanent = (a.flags & IFA_F_PERMANENT) != 0;
  a.valid_lft = a.permanent ? UINT32_MAX : tb[IFA_CACHEINFO] ? ci.ifa_valid : 0;
  a.dynamic = !(a.flags & IFA_F_PERMANENT) || !a.permanent;

  if (out->n_addrs < EP_LINK_ADDRS_MAX)
    out->addrs[out->n_addrs++] = a;
  else
    out->addrs_dropped = true;
  return EP_OK;
}

/* ---- Through the kernel. ---- */

/* What a reply's messages are handed to. */
struct reply {
  struct ep_link_state *out;
  bool                  got_link;
};

/* The answer to RTM_GETLINK: the one link. */
static enum ep_status
take_link(const struct nlmsghdr *nh, void *ctx, struct ep_err *err)
{
  struct reply *r = ctx;

  if (nh->nlmsg_type != RTM_NEWLINK)
    return EP_OK; /* not ours to read */
  r->got_link = true;
  return ep_link_parse_link(nh, nh->nlmsg_len, r->out, err);
}

/* A part of the RTM_GETADDR dump. */
static enum ep_status
take_addr(const struct nlmsghdr *nh, void *ctx, struct ep_err *err)
{
  if (nh->nlmsg_type != RTM_NEWADDR)
    return EP_OK;
  return ep_link_parse_addr(nh, nh->nlmsg_len, ctx, err);
}

/* Before each try of the dump: no address kept yet. */
static void
restart_addrs(void *ctx)
{
  struct ep_link_state *out = ctx;

  out->n_addrs = 0;
  out->addrs_dropped = false;
}

/* RTM_GETLINK by name: the kernel looks the name up itself, so there is
 * no window between if_nametoindex() and the request. */
static enum ep_status
read_link(struct ep_rtnl *nl, struct ep_link_state *out, struct ep_err *err)
{
  struct {
    struct nlmsghdr  nh;
    struct ifinfomsg ifi;
    unsigned char    attrs[RTA_SPACE(IFNAMSIZ)];
  } req;
  struct rtattr *rta;
  struct reply   r = {out, false};
  size_t         name_len = strlen(nl->who) + 1;
  enum ep_status rc;
  int            kerr;

  memset(&req, 0, sizeof req);
  req.nh.nlmsg_type = RTM_GETLINK;
  req.nh.nlmsg_flags = NLM_F_REQUEST;
  req.ifi.ifi_family = AF_UNSPEC;
  rta = (struct rtattr *)(void *)req.attrs;
  rta->rta_type = IFLA_IFNAME;
  rta->rta_len = (unsigned short)RTA_LENGTH(name_len);
  memcpy(RTA_DATA(rta), nl->who, name_len);
  req.nh.nlmsg_len = (uint32_t)(NLMSG_SPACE(sizeof req.ifi) +
                                RTA_SPACE(name_len));

  rc = ep_rtnl_transact(nl, &req.nh, take_link, &r, &kerr, err);
  if (rc != EP_OK)
    return rc;
  if (kerr == ENODEV)
    return EP_OK; /* no such interface: exists stays false */
  if (kerr != 0)
    return ep_err_set(err, EP_ESYS, "%s: the kernel refused RTM_GETLINK: %s",
                      nl->who, ep_strerror(kerr).text);
  if (!r.got_link)
    return ep_err_set(err, EP_EPROTO, "%s: RTM_GETLINK answered without a link",
                      nl->who);
  return EP_OK;
}

/* RTM_GETADDR for out->index's IPv4 addresses.  Without strict checking
 * the kernel dumps the namespace's; the parser keeps out->index's. */
static enum ep_status
read_addrs(struct ep_rtnl *nl, struct ep_link_state *out, struct ep_err *err)
{
  struct {
    struct nlmsghdr  nh;
    struct ifaddrmsg ifa;
  } req;

  memset(&req, 0, sizeof req);
  req.nh.nlmsg_len = NLMSG_LENGTH(sizeof req.ifa);
  req.nh.nlmsg_type = RTM_GETADDR;
  req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  req.ifa.ifa_family = AF_INET;
  req.ifa.ifa_index = out->index;
  return ep_rtnl_dump(nl, &req.nh, "RTM_GETADDR", "the address list",
                      take_addr, restart_addrs, out, err);
}

enum ep_status
ep_link_state_read(const char *ifname, struct ep_link_state *out,
                   struct ep_err *err)
{
  struct ep_rtnl nl;
  enum ep_status rc;

  memset(out, 0, sizeof *out);
  if (!ifname || !*ifname || strlen(ifname) >= IFNAMSIZ)
    return ep_err_set(err, EP_EINVAL, "'%.64s' cannot be an interface name",
                      ifname ? ifname : "(null)");
  rc = ep_rtnl_open(&nl, ifname, err);
  if (rc == EP_OK)
    rc = read_link(&nl, out, err);
  if (rc == EP_OK && out->exists)
    rc = read_addrs(&nl, out, err);
  ep_rtnl_close(&nl);
  if (rc != EP_OK)
    memset(out, 0, sizeof *out); /* no half-read state */
  return rc;
}
