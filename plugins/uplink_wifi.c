#include "config.h"

#include <errno.h>
#include <linux/genetlink.h>
#include <linux/nl80211.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "uplink_wifi.h"
#include "uplink_wifi_decode.h"

/* A wake reads at most this many datagrams, so that a flood cannot hold
 * the loop; the fd stays readable and the next pass reads on. */
#define READS_PER_WAKE 64
/* A scan dump holds one entry per access point in range: a few dozen on a
 * factory floor.  Past these, the rest is read to its end but not
 * decoded, and a reply as long as a runaway one is refused. */
#define BSS_MAX   512
#define REPLY_MAX (8u << 20)
/* A dump that another change interrupted (NLM_F_DUMP_INTR: the scan
 * results changed under it) is asked again, up to this many times. */
#define DUMP_TRIES 3

enum step { STEP_FAMILY, STEP_INTERFACE, STEP_STATION, STEP_SCAN };

static const char *const step_words[] = {
  "family",
  "interface",
  "station",
  "scan results",
};

struct ep_wifi_query {
  char                  ifname[64];
  unsigned              ifindex;
  struct nl_sock       *sk;
  struct nl_cb         *cb;
  int                   fd; /* polled */
  enum step             step;
  unsigned              tries; /* of the step's request */
  uint32_t              seq;   /* of the request in flight */
  bool                  started, step_done, interrupted, got_interface;
  bool                  done;
  enum ep_status        rc;
  struct ep_err         err;
  uint16_t              family;
  size_t                bytes;
  unsigned              bss_seen;
  struct ep_wifi_choice chosen;
  struct ep_wifi_info   info;
};

static void fail(struct ep_wifi_query *q, enum ep_status code, const char *fmt,
                 ...) __attribute__((format(printf, 3, 4)));

/* Ends the query with code; the first reason stays. */
static void fail(struct ep_wifi_query *q, enum ep_status code, const char *fmt,
                 ...)
{
  char    msg[EP_ERR_MSG_MAX];
  va_list ap;

  if (q->done)
    return;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  ep_err_set(&q->err, code, "%s", msg);
  q->rc = code;
  q->done = true;
}

static void fail_parse(struct ep_wifi_query *q, const struct ep_err *why)
{
  fail(q, EP_EPROTO, "nl80211 reply did not parse: %s: %s", q->ifname,
       why->msg);
}

/* What the kernel refused, from an NLMSG_ERROR or a dump's NLMSG_DONE
 * (which carries the dump's error since Linux 4.x).  error is as the
 * kernel sends it: a negative errno. */
static void fail_kernel(struct ep_wifi_query *q, int error)
{
  int code = error < 0 && error != INT32_MIN ? -error : error;

  if (q->step == STEP_FAMILY && code == ENOENT)
    fail(q, EP_ELIB, "this kernel has no nl80211");
  else if (code == ENODEV)
    fail(q, EP_ESYS, "%s is gone (%s)", q->ifname, ep_strerror(code).text);
  else
    fail(q, EP_ESYS, "nl80211 refused %s's %s: %s", q->ifname,
         step_words[q->step], ep_strerror(code).text);
}

/* ---- Requests. ---- */

static int put_request(const struct ep_wifi_query *q, struct nl_msg *msg)
{
  int     family = q->family, flags = 0;
  bool    ok;
  uint8_t cmd;

  switch (q->step) {
    case STEP_FAMILY:
      /* By hand: genl_ctrl_resolve() would block on its reply. */
      if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, GENL_ID_CTRL, 0, 0,
                       CTRL_CMD_GETFAMILY, 1))
        return -NLE_NOMEM;
      return nla_put_string(msg, CTRL_ATTR_FAMILY_NAME, "nl80211");
    case STEP_INTERFACE:
      cmd = NL80211_CMD_GET_INTERFACE;
      break;
    case STEP_STATION:
      cmd = NL80211_CMD_GET_STATION;
      flags = NLM_F_DUMP;
      break;
    default:
      cmd = NL80211_CMD_GET_SCAN;
      flags = NLM_F_DUMP;
      break;
  }
  ok = genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, flags, cmd, 0);
  if (!ok)
    return -NLE_NOMEM;
  return nla_put_u32(msg, NL80211_ATTR_IFINDEX, q->ifindex);
}

/* Sends the request of q's step.  nl_send_auto() numbers it and asks for
 * an acknowledgement, which ends a request that is not a dump; libnl
 * then drops replies numbered otherwise (see on_invalid). */
static void send_request(struct ep_wifi_query *q)
{
  struct nl_msg *msg = nlmsg_alloc();
  int            rc;

  q->step_done = false;
  q->interrupted = false;
  q->tries++;
  if (!msg) {
    fail(q, EP_ENOMEM, "out of memory");
    return;
  }
  rc = put_request(q, msg);
  if (rc >= 0)
    rc = nl_send_auto(q->sk, msg);
  if (rc < 0)
    fail(q, EP_ESYS, "cannot ask nl80211 about %s: %s", q->ifname,
         nl_geterror(rc));
  else
    q->seq = nlmsg_hdr(msg)->nlmsg_seq;
  nlmsg_free(msg);
}

static void next_step(struct ep_wifi_query *q, enum step step)
{
  q->step = step;
  q->tries = 0;
  send_request(q);
}

/* A step's last reply is in: the next request, or the end. */
static void advance(struct ep_wifi_query *q)
{
  bool again = q->interrupted && q->tries < DUMP_TRIES;

  q->step_done = false;
  switch (q->step) {
    case STEP_FAMILY:
      if (q->family == 0)
        fail(q, EP_EPROTO,
             "nl80211 reply did not parse: no family id for "
             "nl80211");
      else
        next_step(q, STEP_INTERFACE);
      break;
    case STEP_INTERFACE:
      if (!q->got_interface)
        fail(q, EP_EPROTO,
             "nl80211 reply did not parse: %s: no interface "
             "in the reply",
             q->ifname);
      /* Only a client has an access point; an AP or monitor is
       * reported as not associated. */
      else if (q->info.iftype != 0 &&
               q->info.iftype != NL80211_IFTYPE_STATION &&
               q->info.iftype != NL80211_IFTYPE_P2P_CLIENT)
        q->done = true;
      else
        next_step(q, STEP_STATION);
      break;
    case STEP_STATION:
      if (again) {
        q->info.associated = false;
        send_request(q);
      } else if (!q->info.associated)
        q->done = true;
      else
        next_step(q, STEP_SCAN);
      break;
    default:
      if (again) {
        memset(&q->chosen, 0, sizeof q->chosen);
        q->bss_seen = 0;
        send_request(q);
      } else {
        ep_wifi_choice_apply(&q->chosen, &q->info);
        q->done = true;
      }
      break;
  }
}

/* ---- Replies, as libnl's callbacks. ---- */

/* One message of the step's reply, its attributes checked. */
static enum ep_status take_reply(struct ep_wifi_query *q, uint8_t cmd,
                                 struct nlattr *attrs, int len,
                                 struct ep_err *why)
{
  struct ep_wifi_bss bss;
  enum ep_status     rc = EP_OK;
  bool               other = false;

  if (q->step == STEP_FAMILY && cmd == CTRL_CMD_NEWFAMILY) {
    uint16_t id;

    rc = ep_wifi_decode_family(attrs, len, &id, why);
    if (rc == EP_OK && id != 0)
      q->family = id;
  } else if (q->step == STEP_INTERFACE && cmd == NL80211_CMD_NEW_INTERFACE) {
    rc = ep_wifi_decode_interface(attrs, len, &q->info, &other, why);
    q->got_interface = q->got_interface || (rc == EP_OK && !other);
  } else if (q->step == STEP_STATION && cmd == NL80211_CMD_NEW_STATION &&
             !q->info.associated) {
    /* A client has one station, its access point: the first is it. */
    rc = ep_wifi_decode_station(attrs, len, &q->info, &other, why);
  } else if (q->step == STEP_SCAN && cmd == NL80211_CMD_NEW_SCAN_RESULTS &&
             q->bss_seen < BSS_MAX) {
    q->bss_seen++;
    rc = ep_wifi_decode_bss(attrs, len, q->ifindex, &bss, &other, why);
    if (rc == EP_OK && !other)
      ep_wifi_choice_consider(&q->chosen, q->info.bssid, &bss);
  }
  return rc;
}

static int on_valid(struct nl_msg *msg, void *arg)
{
  struct ep_wifi_query *q = arg;
  struct nlmsghdr      *nh = nlmsg_hdr(msg);
  struct genlmsghdr    *gh;
  struct ep_err         why = EP_ERR_INIT;
  int want = q->step == STEP_FAMILY ? GENL_ID_CTRL : q->family;

  if (q->done)
    return NL_STOP;
  if (nh->nlmsg_type != want)
    return NL_SKIP; /* not an answer of this family */
  if (!genlmsg_valid_hdr(nh, 0)) {
    ep_err_set(&why, EP_EPROTO, "a message of %u bytes",
               (unsigned)nh->nlmsg_len);
    fail_parse(q, &why);
    return NL_STOP;
  }
  gh = nlmsg_data(nh);
  if (take_reply(q, gh->cmd, genlmsg_attrdata(gh, 0), genlmsg_attrlen(gh, 0),
                 &why) != EP_OK) {
    fail_parse(q, &why);
    return NL_STOP;
  }
  return NL_OK;
}

/* The end of a dump.  Its payload is the dump's error, 0 when whole. */
static int on_finish(struct nl_msg *msg, void *arg)
{
  struct ep_wifi_query *q = arg;
  struct nlmsghdr      *nh = nlmsg_hdr(msg);
  int32_t               error = 0;

  if (q->done)
    return NL_STOP;
  if (nh->nlmsg_len >= NLMSG_HDRLEN + sizeof error)
    memcpy(&error, nlmsg_data(nh), sizeof error);
  if (error < 0)
    fail_kernel(q, error);
  else
    q->step_done = true;
  return NL_STOP;
}

static int on_ack(struct nl_msg *msg, void *arg)
{
  struct ep_wifi_query *q = arg;

  (void)msg;
  if (!q->done)
    q->step_done = true;
  return NL_STOP;
}

/* NL_SKIP, not NL_STOP: libnl would then take abs() of the error, which a
 * hostile INT_MIN would make undefined. */
static int on_error(struct sockaddr_nl *from, struct nlmsgerr *e, void *arg)
{
  struct ep_wifi_query *q = arg;

  (void)from;
  fail_kernel(q, e->error);
  return NL_SKIP;
}

/* libnl calls this for a reply numbered for another request (a late
 * answer to an earlier query on a reused port: ignored) and for an
 * NLMSG_ERROR too short for its header (ours: the query ends). */
static int on_invalid(struct nl_msg *msg, void *arg)
{
  struct ep_wifi_query *q = arg;
  struct nlmsghdr      *nh = nlmsg_hdr(msg);

  if (q->done || nh->nlmsg_seq != q->seq)
    return NL_SKIP;
  fail(q, EP_EPROTO,
       "nl80211 reply did not parse: %s: an error message of "
       "%u bytes",
       q->ifname, (unsigned)nh->nlmsg_len);
  return NL_STOP;
}

static int on_dump_intr(struct nl_msg *msg, void *arg)
{
  struct ep_wifi_query *q = arg;

  (void)msg;
  q->interrupted = true;
  return NL_OK;
}

static int on_msg_in(struct nl_msg *msg, void *arg)
{
  struct ep_wifi_query *q = arg;

  q->bytes += nlmsg_hdr(msg)->nlmsg_len;
  if (q->bytes > REPLY_MAX)
    fail(q, EP_EPROTO,
         "nl80211 reply did not parse: %s: replies past %u "
         "bytes",
         q->ifname, REPLY_MAX);
  return q->done ? NL_STOP : NL_OK;
}

/* ---- The query. ---- */

static enum ep_status set_callbacks(struct ep_wifi_query      *q,
                                    const struct ep_wifi_seam *seam)
{
  int rc = 0;

  rc |= nl_cb_set(q->cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, q);
  rc |= nl_cb_set(q->cb, NL_CB_FINISH, NL_CB_CUSTOM, on_finish, q);
  rc |= nl_cb_set(q->cb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, q);
  rc |= nl_cb_set(q->cb, NL_CB_INVALID, NL_CB_CUSTOM, on_invalid, q);
  rc |= nl_cb_set(q->cb, NL_CB_DUMP_INTR, NL_CB_CUSTOM, on_dump_intr, q);
  rc |= nl_cb_set(q->cb, NL_CB_MSG_IN, NL_CB_CUSTOM, on_msg_in, q);
  rc |= nl_cb_err(q->cb, NL_CB_CUSTOM, on_error, q);
  if (seam && seam->send)
    nl_cb_overwrite_send(q->cb, seam->send);
  if (seam && seam->recv)
    nl_cb_overwrite_recv(q->cb, seam->recv);
  return rc == 0 ? EP_OK : EP_ELIB;
}

static enum ep_status open_socket(struct ep_wifi_query      *q,
                                  const struct ep_wifi_seam *seam,
                                  struct ep_err             *err)
{
  int rc;

  q->sk = nl_socket_alloc();
  q->cb = nl_cb_alloc(NL_CB_DEFAULT);
  if (!q->sk || !q->cb)
    return ep_err_set(err, EP_ENOMEM, "out of memory");
  if (set_callbacks(q, seam) != EP_OK)
    return ep_err_set(err, EP_ELIB, "libnl refused our callbacks");
  /* The socket sends through the same callbacks, so the seam's send
   * replaces its own. */
  nl_socket_set_cb(q->sk, q->cb);
  rc = nl_connect(q->sk, NETLINK_GENERIC);
  if (rc == 0)
    rc = nl_socket_set_nonblocking(q->sk);
  if (rc < 0)
    return ep_err_set(err, EP_ESYS, "cannot open a netlink socket for %s: %s",
                      q->ifname, nl_geterror(rc));
  /* A datagram larger than libnl's buffer is then read whole, not cut. */
  nl_socket_enable_msg_peek(q->sk);
  q->fd = seam && seam->fd >= 0 ? seam->fd : nl_socket_get_fd(q->sk);
  return EP_OK;
}

struct ep_wifi_query *ep_wifi_query_new(unsigned ifindex, const char *ifname,
                                        const struct ep_wifi_seam *seam,
                                        struct ep_err             *err)
{
  struct ep_wifi_query *q = calloc(1, sizeof *q);

  if (!q) {
    ep_err_set(err, EP_ENOMEM, "out of memory");
    return NULL;
  }
  if (ifname)
    snprintf(q->ifname, sizeof q->ifname, "%s", ifname);
  else
    snprintf(q->ifname, sizeof q->ifname, "interface %u", ifindex);
  q->ifindex = ifindex;
  q->fd = -1;
  q->info.ifindex = ifindex;
  q->info.security = EP_WIFI_SECURITY_UNKNOWN;
  snprintf(q->info.security_words, sizeof q->info.security_words, "unknown");
  if (open_socket(q, seam, err) != EP_OK) {
    ep_wifi_query_free(q);
    return NULL;
  }
  return q;
}

void ep_wifi_query_free(struct ep_wifi_query *q)
{
  if (!q)
    return;
  if (q->sk)
    nl_socket_free(q->sk); /* closes its fd, drops its hold on cb */
  if (q->cb)
    nl_cb_put(q->cb);
  free(q);
}

enum ep_status ep_wifi_query_start(struct ep_wifi_query *q, struct timespec now)
{
  (void)now; /* the kernel answers at once; the run's deadline cuts it */
  if (!q->started) {
    q->started = true;
    next_step(q, STEP_FAMILY);
  }
  return q->done ? q->rc : EP_OK;
}

enum ep_status ep_wifi_query_pollset(const struct ep_wifi_query *q,
                                     struct ep_pollset          *ps)
{
  if (!q->started || q->done)
    return EP_OK;
  return ep_pollset_add(ps, q->fd, POLLIN);
}

void ep_wifi_query_on_ready(struct ep_wifi_query    *q,
                            const struct ep_pollset *ps, struct timespec now)
{
  int i, n;

  (void)now;
  if (!q->started || q->done ||
      !(ep_pollset_revents(ps, q->fd) & (POLLIN | POLLERR | POLLHUP)))
    return;
  for (i = 0; i < READS_PER_WAKE && !q->done; i++) {
    /* 0 or -NLE_AGAIN: nothing more to read for now. */
    n = nl_recvmsgs_report(q->sk, q->cb);
    if (q->step_done && !q->done)
      advance(q);
    else if (n < 0 && n != -NLE_AGAIN)
      fail(q, EP_ESYS, "cannot read nl80211's replies about %s: %s", q->ifname,
           nl_geterror(n));
    else if (n <= 0)
      break;
  }
}

bool ep_wifi_query_done(const struct ep_wifi_query *q)
{
  return q->done;
}

enum ep_status ep_wifi_query_result(const struct ep_wifi_query *q,
                                    struct ep_wifi_info        *out,
                                    struct ep_err              *err)
{
  *out = q->info;
  if (!q->done)
    return ep_err_set(err, EP_ETIMEOUT, "nl80211 did not answer about %s",
                      q->ifname);
  if (q->rc != EP_OK)
    return ep_err_set(err, q->rc, "%s", q->err.msg);
  return EP_OK;
}
