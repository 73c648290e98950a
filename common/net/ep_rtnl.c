#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "ep_rtnl.h"

/* The kernel sizes a dump part by the largest buffer recvmsg() was given,
 * capped at 32 KiB (netlink_recvmsg(), max_recvmsg_len), so a dump part
 * always fits.  A single RTM_NEWLINK can be larger only with per-VF data,
 * which we do not ask for; a truncated datagram is an error, not a
 * partial answer. */
#define RECV_BUF_SIZE 32768

/* RFC 2863 operational states, in linux/if.h's order (IF_OPER_*). */
static const char *const operstates[] = {
  "unknown", "notpresent", "down", "lowerlayerdown", "testing", "dormant", "up",
};

/* ---- Parsers. ---- */

enum ep_status
ep_rtnl_check_msg(const void *msg, size_t len, uint16_t type, size_t fixed,
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

/* Indexes the attributes; returns the bytes left that are not one. */
static int
index_rem(const struct rtattr *rta, int rem, const struct rtattr **tb,
          unsigned max)
{
  memset(tb, 0, (max + 1) * sizeof *tb);
  for (; RTA_OK(rta, rem); rta = RTA_NEXT(rta, rem)) {
    unsigned type = rta->rta_type & (unsigned)NLA_TYPE_MASK;

    if (type <= max)
      tb[type] = rta;
  }
  return rem;
}

enum ep_status
ep_rtnl_index_attrs(const struct rtattr *rta, int rem,
                    const struct rtattr **tb, unsigned max, const char *what,
                    struct ep_err *err)
{
  rem = index_rem(rta, rem, tb, max);
  if (rem > 0)
    return ep_err_set(err, EP_EPROTO,
                      "netlink %s message: an attribute runs past the end "
                      "(%d bytes left)", what, rem);
  return EP_OK;
}

enum ep_status
ep_rtnl_index_nested(const struct rtattr *nest, const struct rtattr **tb,
                     unsigned max, const char *what, const char *name,
                     struct ep_err *err)
{
  int rem = index_rem(RTA_DATA(nest), (int)RTA_PAYLOAD(nest), tb, max);

  if (rem > 0)
    return ep_err_set(err, EP_EPROTO,
                      "netlink %s message: %s: an attribute runs past the "
                      "end (%d bytes left)", what, name, rem);
  return EP_OK;
}

enum ep_status
ep_rtnl_attr_get(const struct rtattr *a, void *dst, size_t n,
                 const char *what, const char *name, struct ep_err *err)
{
  size_t have = RTA_PAYLOAD(a);

  if (have < n)
    return ep_err_set(err, EP_EPROTO,
                      "netlink %s message: %s has %zu bytes, expected %zu",
                      what, name, have, n);
  memcpy(dst, RTA_DATA(a), n);
  return EP_OK;
}

void
ep_rtnl_operstate(unsigned oper, char *buf, size_t size)
{
  if (oper < sizeof operstates / sizeof operstates[0])
    snprintf(buf, size, "%s", operstates[oper]);
  else
    snprintf(buf, size, "%u", oper);
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

enum ep_status
ep_rtnl_open(struct ep_rtnl *nl, const char *who, struct ep_err *err)
{
  struct sockaddr_nl sa;
  socklen_t          sa_len = sizeof sa;
  struct timeval     tv = {EP_RTNL_TIMEOUT_S, 0};
  int                one = 1;

  memset(nl, 0, sizeof *nl);
  nl->fd = -1;
  nl->who = who;
  clock_gettime(CLOCK_MONOTONIC, &nl->deadline);
  nl->deadline.tv_sec += EP_RTNL_TIMEOUT_S;
  nl->buf = malloc(RECV_BUF_SIZE);
  if (!nl->buf)
    return ep_err_set(err, EP_ENOMEM, "%s: no memory for a netlink buffer",
                      who);
  nl->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (nl->fd < 0)
    return ep_err_set(err, EP_ESYS, "%s: cannot open a netlink socket: %s",
                      who, ep_strerror(errno).text);
  memset(&sa, 0, sizeof sa);
  sa.nl_family = AF_NETLINK; /* nl_pid 0: the kernel picks our port id */
  if (setsockopt(nl->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) != 0 ||
      bind(nl->fd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
      getsockname(nl->fd, (struct sockaddr *)&sa, &sa_len) != 0)
    return ep_err_set(err, EP_ESYS, "%s: cannot set up a netlink socket: %s",
                      who, ep_strerror(errno).text);
  if (sa_len < sizeof sa || sa.nl_family != AF_NETLINK)
    return ep_err_set(err, EP_ESYS, "%s: netlink socket has no port id", who);
  nl->portid = sa.nl_pid;
  /* Linux 4.20 and later then check requests strictly and filter dumps
   * by the header's fields themselves; older kernels refuse the option
   * and dump everything, which the parsers filter anyway. */
  (void)setsockopt(nl->fd, SOL_NETLINK, NETLINK_GET_STRICT_CHK, &one,
                   sizeof one);
  return EP_OK;
}

void
ep_rtnl_close(struct ep_rtnl *nl)
{
  if (nl->fd >= 0)
    close(nl->fd);
  nl->fd = -1;
  free(nl->buf);
  nl->buf = NULL;
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

/* Sends req to the kernel, numbered as the next request of nl. */
static enum ep_status
nl_send(struct ep_rtnl *nl, struct nlmsghdr *req, struct ep_err *err)
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
                      nl->who,
                      n < 0 ? ep_strerror(errno).text : "short write");
  return EP_OK;
}

/* Reads one datagram into nl->buf: *len is its length, 0 when there is
 * nothing to take (interrupted, or not from the kernel). */
static enum ep_status
nl_recv(struct ep_rtnl *nl, size_t *len, struct ep_err *err)
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
                      "within %d s", nl->who, EP_RTNL_TIMEOUT_S);
  if (n < 0)
    return ep_err_set(err, EP_ESYS, "%s: cannot read netlink: %s", nl->who,
                      ep_strerror(errno).text);
  if ((mh.msg_flags & MSG_TRUNC) || n > RECV_BUF_SIZE)
    return ep_err_set(err, EP_EPROTO,
                      "%s: netlink reply of %zd bytes truncated to %d",
                      nl->who, n, RECV_BUF_SIZE);
  if (mh.msg_namelen < sizeof from || from.nl_family != AF_NETLINK ||
      from.nl_pid != 0)
    return EP_OK; /* not from the kernel */
  *len = (size_t)n;
  return EP_OK;
}

/* NLMSG_ERROR ends a request: *kerr is the kernel's errno, 0 an
 * acknowledgement. */
static enum ep_status
take_error(const struct ep_rtnl *nl, const struct nlmsghdr *nh, int *kerr,
           struct ep_err *err)
{
  const struct nlmsgerr *e = NLMSG_DATA(nh);

  if (nh->nlmsg_len < NLMSG_LENGTH(sizeof e->error))
    return ep_err_set(err, EP_EPROTO, "%s: netlink error message of %u bytes",
                      nl->who, (unsigned)nh->nlmsg_len);
  *kerr = e->error < 0 ? -e->error : e->error;
  return EP_OK;
}

/* NLMSG_DONE ends a dump; one that failed part-way says so in it. */
static void
take_done(struct ep_rtnl *nl, const struct nlmsghdr *nh, int *kerr)
{
  int derr = 0;

  if (nh->nlmsg_len >= NLMSG_LENGTH(sizeof derr))
    memcpy(&derr, NLMSG_DATA(nh), sizeof derr);
  if (derr < 0)
    *kerr = -derr;
  if (nh->nlmsg_flags & NLM_F_DUMP_INTR)
    nl->interrupted = true;
}

/* What a reply's messages are handed to. */
struct taker {
  ep_rtnl_take_fn take;
  void           *ctx;
};

/* Hands the messages of one datagram of len bytes in nl->buf that answer
 * our request to t; *done once the reply has ended. */
static enum ep_status
take_datagram(struct ep_rtnl *nl, size_t len, const struct taker *t,
              int *kerr, bool *done, struct ep_err *err)
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
      take_done(nl, nh, kerr);
      return EP_OK;
    }
    if (nh->nlmsg_type == NLMSG_OVERRUN)
      return ep_err_set(err, EP_EPROTO, "%s: netlink overrun", nl->who);
    if (nh->nlmsg_flags & NLM_F_DUMP_INTR)
      nl->interrupted = true;
    rc = t->take(nh, t->ctx, &perr);
    if (rc != EP_OK)
      return ep_err_set(err, rc, "%s: %s", nl->who, perr.msg);
    if (!(nh->nlmsg_flags & NLM_F_MULTI))
      return EP_OK; /* a single answer */
  }
  *done = false;
  if (rem != 0)
    return ep_err_set(err, EP_EPROTO,
                      "%s: netlink datagram ends in %zu bytes that are not "
                      "a message", nl->who, rem);
  return EP_OK;
}

enum ep_status
ep_rtnl_transact(struct ep_rtnl *nl, struct nlmsghdr *req,
                 ep_rtnl_take_fn take, void *ctx, int *kerr,
                 struct ep_err *err)
{
  const struct taker t = {take, ctx};
  enum ep_status     rc;
  bool               done = false;
  size_t             len;

  *kerr = 0;
  nl->interrupted = false;
  rc = nl_send(nl, req, err);
  while (rc == EP_OK && !done) {
    if (past(&nl->deadline))
      return ep_err_set(err, EP_ETIMEOUT,
                        "%s: no complete netlink reply within %d s", nl->who,
                        EP_RTNL_TIMEOUT_S);
    rc = nl_recv(nl, &len, err);
    if (rc == EP_OK && len)
      rc = take_datagram(nl, len, &t, kerr, &done, err);
  }
  return rc;
}

enum ep_status
ep_rtnl_dump(struct ep_rtnl *nl, struct nlmsghdr *req, const char *request,
             const char *list, ep_rtnl_take_fn take,
             void (*restart)(void *ctx), void *ctx, struct ep_err *err)
{
  int tries, kerr;

  for (tries = 1;; tries++) {
    enum ep_status rc;

    if (restart)
      restart(ctx);
    rc = ep_rtnl_transact(nl, req, take, ctx, &kerr, err);
    if (rc != EP_OK)
      return rc;
    if (kerr != 0)
      return ep_err_set(err, EP_ESYS, "%s: the kernel refused %s: %s",
                        nl->who, request, ep_strerror(kerr).text);
    if (!nl->interrupted)
      return EP_OK;
    if (tries == EP_RTNL_DUMP_TRIES)
      return ep_err_set(err, EP_ESYS, "%s: %s kept changing during %d reads",
                        nl->who, list, EP_RTNL_DUMP_TRIES);
  }
}
