#include "config.h"

#include <errno.h>
#include <net/if.h>
/* After <net/if.h>: linux/libc-compat.h then skips what glibc defined and
 * adds only IFF_LOWER_UP and the IF_OPER_* values. */
#include <linux/if.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "ep_linkstate.h"

/* The kernel sizes a dump part by the largest buffer recvmsg() was given,
 * capped at 32 KiB (netlink_recvmsg(), max_recvmsg_len), so a dump part
 * always fits.  A single RTM_NEWLINK can be larger only with per-VF data,
 * which we do not ask for; a truncated datagram is an error, not a
 * partial answer. */
#define RECV_BUF_SIZE 32768
/* A wedged or flooded netlink must not hold a daemon's read thread: each
 * recvmsg() waits at most this long (SO_RCVTIMEO), and none starts once
 * the call is this old, so a call returns within twice this. */
#define TIMEOUT_S 1
/* A dump that another change interrupted (NLM_F_DUMP_INTR) is re-read. */
#define DUMP_TRIES 3

/* RFC 2863 operational states, in linux/if.h's order (IF_OPER_*). */
static const char *const operstates[] = {
  "unknown", "notpresent", "down", "lowerlayerdown", "testing", "dormant", "up",
};

/* One request's socket and receive buffer. */
struct nl {
  int             fd;
  uint32_t        portid;   /* ours: the kernel answers to it */
  uint32_t        seq;      /* of the request in flight */
  unsigned char  *buf;      /* RECV_BUF_SIZE bytes */
  const char     *ifname;
  struct timespec deadline; /* CLOCK_MONOTONIC, for the whole call */
};

/* ---- Parsers: no I/O, every length checked before it is used. ---- */

/* Checks msg's netlink header: the type expected and room for its fixed
 * header of `fixed` bytes.  Sets *attrs and *rem to the attributes. */
static enum ep_status
check_msg(const void *msg, size_t len, uint16_t type, size_t fixed,
          const char *what, const struct rtattr **attrs, int *rem,
          struct ep_err *err)
{
  const struct nlmsghdr *nh = msg;

  if (((uintptr_t)msg & (NLMSG_ALIGNTO - 1)) != 0)
    return ep_err_set(err, EP_EINVAL,
                      "netlink %s message is not 4-byte aligned", what);
  if (len < sizeof *nh)
    return ep_err_set(err, EP_EPROTO,
                      "netlink %s message of %zu bytes is shorter than its "
                      "header", what, len);
  if (nh->nlmsg_len > len || nh->nlmsg_len > INT_MAX)
    return ep_err_set(err, EP_EPROTO,
                      "netlink %s message says %u bytes, %zu received", what,
                      (unsigned)nh->nlmsg_len, len);
  if (nh->nlmsg_type != type)
    return ep_err_set(err, EP_EPROTO,
                      "netlink message of type %u where %s was expected",
                      (unsigned)nh->nlmsg_type, what);
  if (nh->nlmsg_len < NLMSG_SPACE(fixed))
    return ep_err_set(err, EP_EPROTO,
                      "netlink %s message of %u bytes is too short for its "
                      "%zu-byte header", what, (unsigned)nh->nlmsg_len, fixed);
  *attrs = (const struct rtattr *)(const void *)((const char *)msg +
                                                 NLMSG_SPACE(fixed));
  *rem = (int)(nh->nlmsg_len - NLMSG_SPACE(fixed));
  return EP_OK;
}

/* Indexes attributes by type into tb[0..max] (the last of a type wins).
 * EP_EPROTO when one runs past the end of the message. */
static enum ep_status
index_attrs(const struct rtattr *rta, int rem, const struct rtattr **tb,
            unsigned max, const char *what, struct ep_err *err)
{
  memset(tb, 0, (max + 1) * sizeof *tb);
  for (; RTA_OK(rta, rem); rta = RTA_NEXT(rta, rem)) {
    unsigned type = rta->rta_type & (unsigned)NLA_TYPE_MASK;

    if (type <= max)
      tb[type] = rta;
  }
  if (rem > 0)
    return ep_err_set(err, EP_EPROTO,
                      "netlink %s message: an attribute runs past the end "
                      "(%d bytes left)", what, rem);
  return EP_OK;
}

/* Copies attribute a's payload into dst when it holds at least n bytes. */
static enum ep_status
attr_get(const struct rtattr *a, void *dst, size_t n, const char *what,
         const char *name, struct ep_err *err)
{
  size_t have = RTA_PAYLOAD(a);

  if (have < n)
    return ep_err_set(err, EP_EPROTO,
                      "netlink %s message: %s has %zu bytes, expected %zu",
                      what, name, have, n);
  memcpy(dst, RTA_DATA(a), n);
  return EP_OK;
}

enum ep_status
ep_link_parse_link(const void *msg, size_t len, struct ep_link_state *out,
                   struct ep_err *err)
{
  const struct rtattr *attrs, *tb[IFLA_OPERSTATE + 1];
  struct ifinfomsg     ifi;
  enum ep_status       rc;
  uint8_t              oper = IF_OPER_UNKNOWN;
  int                  rem;

  rc = check_msg(msg, len, RTM_NEWLINK, sizeof ifi, "RTM_NEWLINK", &attrs,
                 &rem, err);
  if (rc != EP_OK)
    return rc;
  memcpy(&ifi, NLMSG_DATA((const struct nlmsghdr *)msg), sizeof ifi);
  if (ifi.ifi_index <= 0)
    return ep_err_set(err, EP_EPROTO,
                      "netlink RTM_NEWLINK message with interface index %d",
                      ifi.ifi_index);
  rc = index_attrs(attrs, rem, tb, IFLA_OPERSTATE, "RTM_NEWLINK", err);
  if (rc == EP_OK && tb[IFLA_OPERSTATE])
    rc = attr_get(tb[IFLA_OPERSTATE], &oper, sizeof oper, "RTM_NEWLINK",
                  "IFLA_OPERSTATE", err);
  if (rc != EP_OK)
    return rc;

  out->exists = true;
  out->index = (unsigned)ifi.ifi_index;
  out->admin_up = (ifi.ifi_flags & IFF_UP) != 0;
  out->carrier = (ifi.ifi_flags & (IFF_LOWER_UP | IFF_RUNNING)) != 0;
  if (oper < sizeof operstates / sizeof operstates[0])
    snprintf(out->operstate, sizeof out->operstate, "%s", operstates[oper]);
  else
    snprintf(out->operstate, sizeof out->operstate, "%u", (unsigned)oper);
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

  rc = check_msg(msg, len, RTM_NEWADDR, sizeof ifa, "RTM_NEWADDR", &attrs,
                 &rem, err);
  if (rc != EP_OK)
    return rc;
  memcpy(&ifa, NLMSG_DATA((const struct nlmsghdr *)msg), sizeof ifa);
  if (ifa.ifa_family != AF_INET || ifa.ifa_index != out->index)
    return EP_OK;
  if (ifa.ifa_prefixlen > 32)
    return ep_err_set(err, EP_EPROTO,
                      "netlink RTM_NEWADDR message with IPv4 prefix /%u",
                      (unsigned)ifa.ifa_prefixlen);
  rc = index_attrs(attrs, rem, tb, IFA_FLAGS, "RTM_NEWADDR", err);
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
    rc = attr_get(tb[IFA_FLAGS], &a.flags, sizeof a.flags, "RTM_NEWADDR",
                  "IFA_FLAGS", err);
  if (rc == EP_OK && tb[IFA_CACHEINFO])
    rc = attr_get(tb[IFA_CACHEINFO], &ci, sizeof ci, "RTM_NEWADDR",
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

/* ---- The socket side. ---- */

static bool
past(const struct timespec *deadline)
{
  struct timespec now;

  clock_gettime(CLOCK_MONOTONIC, &now);
  return now.tv_sec > deadline->tv_sec ||
         (now.tv_sec == deadline->tv_sec && now.tv_nsec >= deadline->tv_nsec);
}

static enum ep_status
nl_open(struct nl *nl, struct ep_err *err)
{
  struct sockaddr_nl sa;
  socklen_t          sa_len = sizeof sa;
  struct timeval     tv = {TIMEOUT_S, 0};
  int                one = 1;

  clock_gettime(CLOCK_MONOTONIC, &nl->deadline);
  nl->deadline.tv_sec += TIMEOUT_S;
  nl->buf = malloc(RECV_BUF_SIZE);
  if (!nl->buf)
    return ep_err_set(err, EP_ENOMEM, "%s: no memory for a netlink buffer",
                      nl->ifname);
  nl->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (nl->fd < 0)
    return ep_err_set(err, EP_ESYS, "%s: cannot open a netlink socket: %s",
                      nl->ifname, ep_strerror(errno).text);
  memset(&sa, 0, sizeof sa);
  sa.nl_family = AF_NETLINK; /* nl_pid 0: the kernel picks our port id */
  if (setsockopt(nl->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) != 0 ||
      bind(nl->fd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
      getsockname(nl->fd, (struct sockaddr *)&sa, &sa_len) != 0)
    return ep_err_set(err, EP_ESYS, "%s: cannot set up a netlink socket: %s",
                      nl->ifname, ep_strerror(errno).text);
  if (sa_len < sizeof sa || sa.nl_family != AF_NETLINK)
    return ep_err_set(err, EP_ESYS, "%s: netlink socket has no port id",
                      nl->ifname);
  nl->portid = sa.nl_pid;
  /* Linux 4.20 and later then filter the address dump by ifa_index
   * themselves; older kernels refuse the option and dump every address,
   * which the parser filters anyway. */
  (void)setsockopt(nl->fd, SOL_NETLINK, NETLINK_GET_STRICT_CHK, &one,
                   sizeof one);
  return EP_OK;
}

/* NLMSG_OK(), in sizes of one type: the macro compares a __u32 with an
 * int, which clang's -Wsign-compare refuses. */
static bool
msg_fits(const struct nlmsghdr *nh, size_t rem)
{
  return rem >= sizeof *nh && nh->nlmsg_len >= sizeof *nh &&
         nh->nlmsg_len <= rem;
}

/* NLMSG_NEXT(): the message after nh; the last may lack its padding. */
static const struct nlmsghdr *
next_msg(const struct nlmsghdr *nh, size_t *rem)
{
  size_t step = NLMSG_ALIGN(nh->nlmsg_len);

  if (step > *rem)
    step = *rem;
  *rem -= step;
  return (const struct nlmsghdr *)(const void *)((const char *)nh + step);
}

/* What a reply's messages are handed to. */
struct reply {
  struct ep_link_state *out;
  bool                  is_dump;
  bool                  interrupted; /* NLM_F_DUMP_INTR seen */
  bool                  got_link;
};

/* Hands one message of our request to the parser for its kind. */
static enum ep_status
take_message(const struct nlmsghdr *nh, struct reply *r, struct ep_err *err)
{
  if (nh->nlmsg_flags & NLM_F_DUMP_INTR)
    r->interrupted = true;
  if (!r->is_dump && nh->nlmsg_type == RTM_NEWLINK) {
    r->got_link = true;
    return ep_link_parse_link(nh, nh->nlmsg_len, r->out, err);
  }
  if (r->is_dump && nh->nlmsg_type == RTM_NEWADDR)
    return ep_link_parse_addr(nh, nh->nlmsg_len, r->out, err);
  return EP_OK; /* not ours to read */
}

/* Sends req to the kernel, numbered as the next request of nl. */
static enum ep_status
nl_send(struct nl *nl, struct nlmsghdr *req, struct ep_err *err)
{
  struct sockaddr_nl kernel;
  ssize_t            n;

  req->nlmsg_seq = ++nl->seq;
  req->nlmsg_pid = nl->portid;
  memset(&kernel, 0, sizeof kernel);
  kernel.nl_family = AF_NETLINK;
  do
    n = sendto(nl->fd, req, req->nlmsg_len, 0, (struct sockaddr *)&kernel,
               sizeof kernel);
  while (n < 0 && errno == EINTR);
  if (n < 0 || (size_t)n != req->nlmsg_len)
    return ep_err_set(err, EP_ESYS, "%s: cannot send a netlink request: %s",
                      nl->ifname,
                      n < 0 ? ep_strerror(errno).text : "short write");
  return EP_OK;
}

/* Reads one datagram into nl->buf: *len is its length, 0 when there is
 * nothing to take (interrupted, or not from the kernel). */
static enum ep_status
nl_recv(struct nl *nl, size_t *len, struct ep_err *err)
{
  struct sockaddr_nl from;
  struct iovec       iov = {nl->buf, RECV_BUF_SIZE};
  struct msghdr      mh;
  ssize_t            n;

  *len = 0;
  memset(&mh, 0, sizeof mh);
  mh.msg_name = &from;
  mh.msg_namelen = sizeof from;
  mh.msg_iov = &iov;
  mh.msg_iovlen = 1;
  /* MSG_TRUNC: the return value is the datagram's full length. */
  n = recvmsg(nl->fd, &mh, MSG_TRUNC);
  if (n < 0 && errno == EINTR)
    return EP_OK;
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
    return ep_err_set(err, EP_ETIMEOUT,
                      "%s: the kernel did not answer a netlink request "
                      "within %d s", nl->ifname, TIMEOUT_S);
  if (n < 0)
    return ep_err_set(err, EP_ESYS, "%s: cannot read netlink: %s",
                      nl->ifname, ep_strerror(errno).text);
  if ((mh.msg_flags & MSG_TRUNC) || n > RECV_BUF_SIZE)
    return ep_err_set(err, EP_EPROTO,
                      "%s: netlink reply of %zd bytes truncated to %d",
                      nl->ifname, n, RECV_BUF_SIZE);
  if (mh.msg_namelen < sizeof from || from.nl_family != AF_NETLINK ||
      from.nl_pid != 0)
    return EP_OK; /* not from the kernel */
  *len = (size_t)n;
  return EP_OK;
}

/* NLMSG_ERROR ends a request: *kerr is the kernel's errno, 0 an
 * acknowledgement. */
static enum ep_status
take_error(const struct nl *nl, const struct nlmsghdr *nh, int *kerr,
           struct ep_err *err)
{
  const struct nlmsgerr *e = NLMSG_DATA(nh);

  if (nh->nlmsg_len < NLMSG_LENGTH(sizeof e->error))
    return ep_err_set(err, EP_EPROTO, "%s: netlink error message of %u bytes",
                      nl->ifname, (unsigned)nh->nlmsg_len);
  *kerr = e->error < 0 ? -e->error : e->error;
  return EP_OK;
}

/* NLMSG_DONE ends a dump; one that failed part-way says so in it. */
static void
take_done(const struct nlmsghdr *nh, struct reply *r, int *kerr)
{
  int derr = 0;

  if (nh->nlmsg_len >= NLMSG_LENGTH(sizeof derr))
    memcpy(&derr, NLMSG_DATA(nh), sizeof derr);
  if (derr < 0)
    *kerr = -derr;
  if (nh->nlmsg_flags & NLM_F_DUMP_INTR)
    r->interrupted = true;
}

/* Hands the messages of one datagram of len bytes in nl->buf that answer
 * our request to r; *done once the reply has ended. */
static enum ep_status
take_datagram(struct nl *nl, size_t len, struct reply *r, int *kerr,
              bool *done, struct ep_err *err)
{
  const struct nlmsghdr *nh;
  struct ep_err          perr = EP_ERR_INIT;
  enum ep_status         rc;
  size_t                 rem = len;

  *done = true;
  for (nh = (const struct nlmsghdr *)(const void *)nl->buf;
       msg_fits(nh, rem); nh = next_msg(nh, &rem)) {
    if (nh->nlmsg_pid != nl->portid || nh->nlmsg_seq != nl->seq ||
        nh->nlmsg_type == NLMSG_NOOP)
      continue;
    if (nh->nlmsg_type == NLMSG_ERROR)
      return take_error(nl, nh, kerr, err);
    if (nh->nlmsg_type == NLMSG_DONE) {
      take_done(nh, r, kerr);
      return EP_OK;
    }
    if (nh->nlmsg_type == NLMSG_OVERRUN)
      return ep_err_set(err, EP_EPROTO, "%s: netlink overrun", nl->ifname);
    rc = take_message(nh, r, &perr);
    if (rc != EP_OK)
      return ep_err_set(err, rc, "%s: %s", nl->ifname, perr.msg);
    if (!(nh->nlmsg_flags & NLM_F_MULTI))
      return EP_OK; /* a single answer */
  }
  *done = false;
  if (rem != 0)
    return ep_err_set(err, EP_EPROTO,
                      "%s: netlink datagram ends in %zu bytes that are not "
                      "a message", nl->ifname, rem);
  return EP_OK;
}

/* Sends req and reads its reply to the end: the one answer of a request,
 * or NLMSG_DONE of a dump.  The kernel's refusal is *kerr (an errno), with
 * EP_OK.  Messages from anyone but the kernel, or for another port or
 * sequence, are dropped. */
static enum ep_status
nl_transact(struct nl *nl, struct nlmsghdr *req, struct reply *r, int *kerr,
            struct ep_err *err)
{
  enum ep_status rc;
  bool           done = false;
  size_t         len;

  *kerr = 0;
  rc = nl_send(nl, req, err);
  while (rc == EP_OK && !done) {
    if (past(&nl->deadline))
      return ep_err_set(err, EP_ETIMEOUT,
                        "%s: no complete netlink reply within %d s",
                        nl->ifname, TIMEOUT_S);
    rc = nl_recv(nl, &len, err);
    if (rc == EP_OK && len)
      rc = take_datagram(nl, len, r, kerr, &done, err);
  }
  return rc;
}

/* RTM_GETLINK by name: the kernel looks the name up itself, so there is
 * no window between if_nametoindex() and the request. */
static enum ep_status
read_link(struct nl *nl, struct ep_link_state *out, struct ep_err *err)
{
  struct {
    struct nlmsghdr  nh;
    struct ifinfomsg ifi;
    unsigned char    attrs[RTA_SPACE(IFNAMSIZ)];
  } req;
  struct rtattr *rta;
  struct reply   r = {out, false, false, false};
  size_t         name_len = strlen(nl->ifname) + 1;
  enum ep_status rc;
  int            kerr;

  memset(&req, 0, sizeof req);
  req.nh.nlmsg_type = RTM_GETLINK;
  req.nh.nlmsg_flags = NLM_F_REQUEST;
  req.ifi.ifi_family = AF_UNSPEC;
  rta = (struct rtattr *)(void *)req.attrs;
  rta->rta_type = IFLA_IFNAME;
  rta->rta_len = (unsigned short)RTA_LENGTH(name_len);
  memcpy(RTA_DATA(rta), nl->ifname, name_len);
  req.nh.nlmsg_len = (uint32_t)(NLMSG_SPACE(sizeof req.ifi) +
                                RTA_SPACE(name_len));

  rc = nl_transact(nl, &req.nh, &r, &kerr, err);
  if (rc != EP_OK)
    return rc;
  if (kerr == ENODEV)
    return EP_OK; /* no such interface: exists stays false */
  if (kerr != 0)
    return ep_err_set(err, EP_ESYS, "%s: the kernel refused RTM_GETLINK: %s",
                      nl->ifname, ep_strerror(kerr).text);
  if (!r.got_link)
    return ep_err_set(err, EP_EPROTO, "%s: RTM_GETLINK answered without a link",
                      nl->ifname);
  return EP_OK;
}

/* RTM_GETADDR for out->index's IPv4 addresses.  Without strict checking
 * the kernel dumps the namespace's; the parser keeps out->index's. */
static enum ep_status
read_addrs(struct nl *nl, struct ep_link_state *out, struct ep_err *err)
{
  struct {
    struct nlmsghdr  nh;
    struct ifaddrmsg ifa;
  } req;
  struct reply r = {out, true, false, false};
  int          kerr, tries;

  for (tries = 1;; tries++) {
    enum ep_status rc;

    memset(&req, 0, sizeof req);
    req.nh.nlmsg_len = NLMSG_LENGTH(sizeof req.ifa);
    req.nh.nlmsg_type = RTM_GETADDR;
    req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    req.ifa.ifa_family = AF_INET;
    req.ifa.ifa_index = out->index;
    out->n_addrs = 0;
    out->addrs_dropped = false;
    r.interrupted = false;
    rc = nl_transact(nl, &req.nh, &r, &kerr, err);
    if (rc != EP_OK)
      return rc;
    if (kerr != 0)
      return ep_err_set(err, EP_ESYS, "%s: the kernel refused RTM_GETADDR: %s",
                        nl->ifname, ep_strerror(kerr).text);
    if (!r.interrupted)
      return EP_OK;
    if (tries == DUMP_TRIES)
      return ep_err_set(err, EP_ESYS,
                        "%s: the address list kept changing during %d reads",
                        nl->ifname, DUMP_TRIES);
  }
}

enum ep_status
ep_link_state_read(const char *ifname, struct ep_link_state *out,
                   struct ep_err *err)
{
  struct nl      nl = {-1, 0, 0, NULL, ifname, {0, 0}};
  enum ep_status rc;

  memset(out, 0, sizeof *out);
  if (!ifname || !*ifname || strlen(ifname) >= IFNAMSIZ)
    return ep_err_set(err, EP_EINVAL, "'%.64s' cannot be an interface name",
                      ifname ? ifname : "(null)");
  rc = nl_open(&nl, err);
  if (rc == EP_OK)
    rc = read_link(&nl, out, err);
  if (rc == EP_OK && out->exists)
    rc = read_addrs(&nl, out, err);
  if (nl.fd >= 0)
    close(nl.fd);
  free(nl.buf);
  if (rc != EP_OK)
    memset(out, 0, sizeof *out); /* no half-read state */
  return rc;
}
