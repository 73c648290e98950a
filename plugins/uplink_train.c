#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ep_addr.h"
#include "ep_neterr.h"
#include "ep_rxtime.h"
#include "ep_time.h"
#include "ep_txtime.h"
#include "uplink_train.h"

#define DNS_HEADER 12
#define REPLY_MAX 1500
/* Datagrams read in one pass: a peer that floods the socket cannot hold
 * the loop (a train's own replies are at most EP_UPLINK_TRAIN_MAX). */
#define READS_PER_PASS (4 * EP_UPLINK_TRAIN_MAX)

struct ep_uplink_train {
  char                   name[EP_HOST_MAX];
  size_t                 n, sent;
  uint32_t               stamped_sends; /* the kernel numbers its stamps */
  bool                   stamps_unsure; /* a send failed: numbers may skew */
  double                 spacing, wait;
  const struct ep_iface *iface;
  int                    fd;
  bool                   started;
  struct timespec        next_send;
  uint16_t               ids[EP_UPLINK_TRAIN_MAX];
  struct timespec        sent_at[EP_UPLINK_TRAIN_MAX]; /* our clock */
  /* When each query left: the kernel's transmit stamp, else sent_at. */
  struct timespec        left_at[EP_UPLINK_TRAIN_MAX];
  int64_t                stamp_id[EP_UPLINK_TRAIN_MAX]; /* -1: none due */
  double                 rtt[EP_UPLINK_TRAIN_MAX];
  bool                   got[EP_UPLINK_TRAIN_MAX];
};

size_t
ep_uplink_dns_query(unsigned char *buf, size_t size, uint16_t id,
                    const char *name)
{
  size_t      len = DNS_HEADER;
  const char *label = name;

  if (!name || !*name || strlen(name) > 253 || size < DNS_HEADER + 6)
    return 0;
  memset(buf, 0, DNS_HEADER);
  buf[0] = (unsigned char)(id >> 8);
  buf[1] = (unsigned char)id;
  buf[2] = 0x01; /* RD */
  buf[5] = 1;    /* one question */
  while (*label) {
    size_t n = strcspn(label, ".");

    if (n == 0 || n > 63 || len + 1 + n + 5 > size)
      return 0;
    buf[len++] = (unsigned char)n;
    memcpy(buf + len, label, n);
    len += n;
    label += n;
    if (*label == '.')
      label++;
  }
  buf[len++] = 0;
  buf[len++] = 0;
  buf[len++] = 1; /* A */
  buf[len++] = 0;
  buf[len++] = 1; /* IN */
  return len;
}

bool
ep_uplink_dns_reply_id(const unsigned char *buf, size_t len, uint16_t *id)
{
  if (len < DNS_HEADER || !(buf[2] & 0x80))
    return false;
  *id = (uint16_t)(buf[0] << 8 | buf[1]);
  return true;
}

void
ep_uplink_train_stats(const double *rtt, const bool *got, size_t n,
                      struct ep_uplink_train_stats *out)
{
  double sum = 0, prev = 0;
  size_t i;

  memset(out, 0, sizeof *out);
  out->sent = n;
  for (i = 0; i < n; i++) {
    if (!got[i])
      continue;
    if (out->received == 0 || rtt[i] < out->rtt_min)
      out->rtt_min = rtt[i];
    if (out->received == 0 || rtt[i] > out->rtt_max)
      out->rtt_max = rtt[i];
    if (out->received > 0) {
      out->jitter += (fabs(rtt[i] - prev) - out->jitter) / 16.0;
      out->have_jitter = true;
    }
    prev = rtt[i];
    sum += rtt[i];
    out->received++;
  }
  out->loss_pct = n ? 100.0 * (double)(n - out->received) / (double)n : 0;
  out->have_rtt = out->received > 0;
  if (out->have_rtt)
    out->rtt_avg = sum / (double)out->received;
}

struct ep_uplink_train *
ep_uplink_train_new(const char *name, size_t n, double spacing, double wait,
                    const struct ep_iface *iface, struct ep_err *err)
{
  struct ep_uplink_train *t;
  unsigned char           probe[512];

  if (n < 2 || n > EP_UPLINK_TRAIN_MAX ||
      ep_uplink_dns_query(probe, sizeof probe, 0, name) == 0) {
    ep_err_set(err, EP_EINVAL, "DNS train: cannot ask for '%s'", name);
    return NULL;
  }
  if (!(t = calloc(1, sizeof *t))) {
    ep_err_set(err, EP_ENOMEM, "out of memory");
    return NULL;
  }
  snprintf(t->name, sizeof t->name, "%s", name);
  t->n = n;
  t->spacing = spacing;
  t->wait = wait;
  t->iface = iface;
  t->fd = -1;
  return t;
}

void
ep_uplink_train_free(struct ep_uplink_train *t)
{
  if (!t)
    return;
  if (t->fd >= 0)
    close(t->fd);
  free(t);
}

/* A connected, non-blocking UDP socket to server, stamping what it
 * receives.  -1 with err set. */
static int
open_socket(const struct ep_uplink_train *t, const char *server,
            struct ep_err *err)
{
  struct ep_hostport hp;
  struct addrinfo    hints, *ai = NULL;
  char               port[8];
  int                fd, rc;

  if (ep_addrport_parse(server, 53, "resolver", &hp, err) != EP_OK)
    return -1;
  memset(&hints, 0, sizeof hints);
  hints.ai_socktype = SOCK_DGRAM;
  hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
  snprintf(port, sizeof port, "%u", hp.port);
  if ((rc = getaddrinfo(hp.host, port, &hints, &ai)) != 0) {
    ep_err_set(err, EP_EINVAL, "resolver %s: %s", server, gai_strerror(rc));
    return -1;
  }
  fd = socket(ai->ai_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  /* Without transmit stamps (an old kernel) the clock read before each
   * send stands in. */
  if (fd >= 0)
    ep_txtime_enable(fd);
  if (fd < 0 || (t->iface && ep_iface_bind(fd, t->iface, ai->ai_family)) ||
      ep_rxtime_enable(fd) != 0 ||
      connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
    ep_err_set(err, EP_EINVAL, "cannot send to %s: %s", server,
               ep_net_strerror(errno, true).text);
    if (fd >= 0)
      close(fd);
    fd = -1;
  }
  freeaddrinfo(ai);
  return fd;
}

static uint16_t
random_id(size_t i)
{
  uint16_t v;

  if (getrandom(&v, sizeof v, GRND_NONBLOCK) != (ssize_t)sizeof v)
    v = (uint16_t)(ep_time_now().tv_nsec ^ (long)(i * 7919));
  return v;
}

/* Sends query number t->sent, timed from a clock read right before its
 * send until its transmit stamp is read.  A send that fails is a lost
 * query: the link (or our route) dropped it. */
static void
send_next(struct ep_uplink_train *t)
{
  unsigned char q[512];
  size_t        i = t->sent, len;

  t->ids[i] = random_id(i);
  len = ep_uplink_dns_query(q, sizeof q, t->ids[i], t->name);
  t->sent_at[i] = t->left_at[i] = ep_time_now();
  t->stamp_id[i] = -1;
  if (send(t->fd, q, len, MSG_NOSIGNAL) < 0) {
    t->ids[i] ^= 0x8000; /* no reply can match it now */
    /* The kernel may have spent a stamp number on it (a send the
     * firewall refused, say): later stamps are then not surely whose
     * their number says, and the clock reads stand in. */
    t->stamps_unsure = true;
  } else if (!t->stamps_unsure) {
    t->stamp_id[i] = t->stamped_sends++;
  }
  t->sent++;
  t->next_send = ep_time_add(t->sent_at[0], t->spacing * (double)t->sent);
}

enum ep_status
ep_uplink_train_start(struct ep_uplink_train *t, const char *server,
                      struct timespec now, struct ep_err *err)
{
  (void)now;
  t->started = true;
  if ((t->fd = open_socket(t, server, err)) < 0) {
    t->sent = t->n; /* nothing more to send, nothing to wait for */
    return EP_EINVAL;
  }
  send_next(t);
  return EP_OK;
}

/* When the last reply is no longer worth waiting for. */
static struct timespec
last_wait(const struct ep_uplink_train *t)
{
  return ep_time_add(t->sent_at[t->sent ? t->sent - 1 : 0], t->wait);
}

enum ep_status
ep_uplink_train_pollset(const struct ep_uplink_train *t,
                        struct ep_pollset *ps)
{
  if (!t->started || t->fd < 0 || ep_uplink_train_done(t))
    return EP_OK;
  if (ep_pollset_add(ps, t->fd, POLLIN) != EP_OK)
    return EP_ENOMEM;
  ep_pollset_wake_at(ps, t->sent < t->n ? t->next_send : last_wait(t));
  return EP_OK;
}

/* The transmit stamps queued so far, each to its query: one after the
 * clock read before its send and within its wait is when it left. */
static void
take_send_stamps(struct ep_uplink_train *t)
{
  struct timespec wall, left;
  uint32_t        id;
  size_t          i;

  while (ep_txtime_read(t->fd, &id, &wall) == 1)
    for (i = 0; i < t->sent; i++) {
      double after;

      if (t->stamp_id[i] != (int64_t)id)
        continue;
      after = ep_rxtime_stamp_on(CLOCK_MONOTONIC, &wall, &left)
                ? ep_time_diff(left, t->sent_at[i])
                : -1;
      if (after >= 0 && after < t->wait)
        t->left_at[i] = left;
      break;
    }
}

static void
read_replies(struct ep_uplink_train *t)
{
  unsigned char    buf[REPLY_MAX];
  struct ep_rxtime rx;
  ssize_t          got;
  uint16_t         id;
  size_t           i, reads;

  /* A query's stamp is queued before its reply can come. */
  take_send_stamps(t);
  for (reads = 0; reads < READS_PER_PASS; reads++) {
    got = ep_rxtime_recv(t->fd, buf, sizeof buf, 0, NULL, NULL,
                         CLOCK_MONOTONIC, &rx);
    /* An ICMP error (a port unreachable for an earlier query) is handed
     * over by one read, and replies may still be queued behind it. */
    if (got < 0 && errno == ECONNREFUSED)
      continue;
    if (got < 0)
      break;
    if (!ep_uplink_dns_reply_id(buf, (size_t)got, &id))
      continue;
    for (i = 0; i < t->sent; i++) {
      double rtt = ep_time_diff(rx.at, t->left_at[i]);

      if (t->ids[i] != id || t->got[i])
        continue;
      if (rtt >= 0 && rtt <= t->wait) {
        t->got[i] = true;
        t->rtt[i] = rtt;
      }
      break;
    }
  }
}

void
ep_uplink_train_on_ready(struct ep_uplink_train *t,
                         const struct ep_pollset *ps, struct timespec now)
{
  if (!t->started || t->fd < 0)
    return;
  /* POLLERR too: transmit stamps wait in the error queue. */
  if (ep_pollset_revents(ps, t->fd))
    read_replies(t);
  if (t->sent < t->n && ep_time_reached(now, t->next_send))
    send_next(t);
}

bool
ep_uplink_train_done(const struct ep_uplink_train *t)
{
  size_t i;

  if (!t->started)
    return false;
  if (t->fd < 0)
    return true;
  if (t->sent < t->n)
    return false;
  for (i = 0; i < t->n; i++)
    if (!t->got[i])
      return ep_time_reached(ep_time_now(), last_wait(t));
  return true;
}

bool
ep_uplink_train_started(const struct ep_uplink_train *t)
{
  return t->started && t->fd >= 0;
}

void
ep_uplink_train_result(struct ep_uplink_train *t,
                       struct ep_uplink_train_stats *out)
{
  /* A reply can be queued unread when the train is judged: our loop came
   * round late, after its wait had passed.  Its kernel stamp still says
   * when it came, and only that decides whether it was lost. */
  if (t->started && t->fd >= 0)
    read_replies(t);
  ep_uplink_train_stats(t->rtt, t->got, t->sent, out);
}
