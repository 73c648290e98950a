/* What the kernel's nl80211 sends the uplink's WiFi query, and the
 * information elements of an access point's beacon.
 *
 * The input is the replies, as datagrams each prefixed by its length (two
 * bytes, big-endian); a length of 0 ends the replies to one request.  The
 * family lookup is answered here (nl80211 is family 28); the input's
 * first datagrams answer the interface request, the next the station
 * dump, then the scan dump.  Each message a datagram holds is numbered
 * for the request it answers, so that libnl's sequence check lets the
 * bytes reach the decoder.  The whole input is also handed to
 * ep_wifi_security_of as elements.
 *
 * The corpus (tests/fuzz/corpus/fuzz_nl80211/) is what the unit suite's
 * fake kernel answers in its cases, written by
 *   EP_WIFI_CORPUS=$srcdir/tests/fuzz/corpus/fuzz_nl80211 CK_FORK=no \
 *     tests/unit/check_uplink_wifi */
#include "config.h"

#include <linux/genetlink.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "ep_fuzz.h"
#include "ep_pollset.h"
#include "uplink_wifi.h"

#define FAMILY  28
#define IFINDEX 7 /* the unit suite's, which wrote the corpus */
#define QUEUED  256

struct dgram {
  unsigned char *b;
  size_t         len;
};

static const uint8_t *in;
static size_t         in_left;
static unsigned       requests;
static struct dgram   queue[QUEUED];
static size_t         q_head, q_tail;

static void push(const unsigned char *b, size_t len, uint32_t seq,
                 uint32_t port)
{
  struct dgram *d;
  size_t        at;

  /* An empty datagram would be a recv() of 0 bytes, after which libnl
   * does not free the buffer. */
  if (q_tail == QUEUED || len == 0)
    return;
  d = &queue[q_tail];
  if (!(d->b = malloc(len)))
    return;
  memcpy(d->b, b, len);
  d->len = len;
  q_tail++;
  /* Numbers every header that fits, however wrong its length. */
  for (at = 0; len - at >= NLMSG_HDRLEN;) {
    struct nlmsghdr nh;
    size_t          step;

    memcpy(&nh, d->b + at, sizeof nh);
    nh.nlmsg_seq = seq;
    nh.nlmsg_pid = port;
    memcpy(d->b + at, &nh, sizeof nh);
    /* In size_t: NLMSG_ALIGN() of a length near 2^32 wraps to 0. */
    step = ((size_t)nh.nlmsg_len + NLMSG_ALIGNTO - 1) & ~(size_t)3;
    if (nh.nlmsg_len < NLMSG_HDRLEN || step > len - at)
      break;
    at += step;
  }
}

/* The controller's answer: nl80211 is FAMILY, then the acknowledgement. */
static void push_family(uint32_t seq, uint32_t port)
{
  struct nl_msg  *m = nlmsg_alloc();
  struct nlmsgerr e;

  if (!m)
    return;
  if (genlmsg_put(m, port, seq, GENL_ID_CTRL, 0, 0, CTRL_CMD_NEWFAMILY, 2) &&
      nla_put_string(m, CTRL_ATTR_FAMILY_NAME, "nl80211") == 0 &&
      nla_put_u16(m, CTRL_ATTR_FAMILY_ID, FAMILY) == 0)
    push((unsigned char *)nlmsg_hdr(m), nlmsg_hdr(m)->nlmsg_len, seq, port);
  nlmsg_free(m);
  if (!(m = nlmsg_alloc_simple(NLMSG_ERROR, 0)))
    return;
  memset(&e, 0, sizeof e);
  if (nlmsg_append(m, &e, sizeof e, NLMSG_ALIGNTO) == 0)
    push((unsigned char *)nlmsg_hdr(m), nlmsg_hdr(m)->nlmsg_len, seq, port);
  nlmsg_free(m);
}

static int fuzz_send(struct nl_sock *sk, struct nl_msg *msg)
{
  struct nlmsghdr *req = nlmsg_hdr(msg);

  (void)sk;
  if (requests++ == 0) {
    push_family(req->nlmsg_seq, req->nlmsg_pid);
    return (int)req->nlmsg_len;
  }
  while (in_left >= 2) {
    size_t n = (size_t)in[0] << 8 | in[1];

    in += 2;
    in_left -= 2;
    if (n == 0)
      break;
    if (n > in_left)
      n = in_left;
    push(in, n, req->nlmsg_seq, req->nlmsg_pid);
    in += n;
    in_left -= n;
  }
  return (int)req->nlmsg_len;
}

static int fuzz_recv(struct nl_sock *sk, struct sockaddr_nl *from,
                     unsigned char **buf, struct ucred **creds)
{
  struct dgram *d;

  (void)sk;
  (void)creds;
  if (q_head == q_tail)
    return 0;
  d = &queue[q_head++];
  memset(from, 0, sizeof *from);
  from->nl_family = AF_NETLINK;
  *buf = d->b;
  d->b = NULL;
  return (int)d->len;
}

static void run_query(void)
{
  struct ep_wifi_seam   seam = {fuzz_send, fuzz_recv, -1};
  struct ep_wifi_info   info;
  struct ep_err         err = EP_ERR_INIT;
  struct ep_pollset     ps;
  struct timespec       now = {0, 0};
  struct ep_wifi_query *q = ep_wifi_query_new(IFINDEX, "wlan0", &seam, &err);
  size_t                i;
  int                   pass;

  if (!q)
    return;
  ep_pollset_init(&ps);
  (void)ep_wifi_query_start(q, now);
  /* Without poll(): the seam's replies are ready at once. */
  for (pass = 0; pass < 64 && !ep_wifi_query_done(q) && q_head < q_tail;
       pass++) {
    ep_pollset_reset(&ps);
    if (ep_wifi_query_pollset(q, &ps) != EP_OK)
      break;
    for (i = 0; i < ps.n; i++)
      ps.fds[i].revents = POLLIN;
    ep_wifi_query_on_ready(q, &ps, now);
  }
  (void)ep_wifi_query_result(q, &info, &err);
  ep_pollset_cleanup(&ps);
  ep_wifi_query_free(q);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct ep_wifi_info info;

  in = data;
  in_left = size;
  requests = 0;
  q_head = q_tail = 0;
  run_query();
  while (q_head < q_tail)
    free(queue[q_head++].b);
  memset(&info, 0, sizeof info);
  ep_wifi_security_of(data, size, size % 2 == 1, &info);
  return 0;
}
