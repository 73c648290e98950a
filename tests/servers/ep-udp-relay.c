/* ep-udp-relay: delaying UDP relay for edgeprobe integration tests.
 * Adds a fixed latency to client->upstream datagrams (no netem needed), or
 * with -D a pattern of delays taken in turn, one per datagram, for jitter;
 * replies pass back undelayed. */

#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

#include "ep_server_util.h"

#define DGRAM_MAX 4096
#define QUEUE_CAP 1024
#define MAX_SESSIONS 64
#define RECV_BATCH 64       /* datagrams read per socket per poll() wakeup */
#define PATTERN_MAX 16      /* delays in a -D pattern */

struct config
{
  struct ep_common common;              /* -l, -p, -P */
  struct in_addr up_addr;
  int have_up;
  long up_port;
  long delay_ms;
  int have_delay;
  long pattern[PATTERN_MAX];  /* -D: delays taken in turn, one a datagram */
  size_t pattern_len;
};

struct pending
{
  int64_t due_ns;
  struct sockaddr_in from;
  size_t len;
  unsigned char data[DGRAM_MAX];
};

struct session
{
  int fd;                   /* -1 when the slot is free */
  struct sockaddr_in client;
  uint64_t last_used;       /* logical clock for LRU eviction */
};

/* Ring kept in order of due time: with one delay that is the order of
 * arrival; a -D pattern may make a datagram due before one that came
 * earlier, and it is moved ahead of it. */
static struct pending queue[QUEUE_CAP];
static size_t q_head;
static size_t q_count;
static size_t pattern_next;     /* the -D delay of the next datagram */

static struct session sessions[MAX_SESSIONS];
static uint64_t use_clock;

static void
usage(FILE *out)
{
  fprintf(out,
          "usage: ep-udp-relay -l ADDR -p PORT -u UPSTREAM_ADDR "
          "-q UPSTREAM_PORT -d DELAY_MS|-D MS,MS,... [-P PIDFILE]\n"
          "  -D  a delay per datagram, taken in turn (\"0,40\": every "
          "other one 40 ms late)\n");
}

/* -D MS,MS,...: 1 to PATTERN_MAX delays; -1 after a usage error. */
static int
parse_pattern(const char *s, struct config *cfg)
{
  char buf[256];
  char *item;
  char *save = NULL;

  if (strlen(s) >= sizeof buf)
    return ep_bad_arg("-D", s, "too long");
  strcpy(buf, s);
  cfg->pattern_len = 0;
  for (item = strtok_r(buf, ",", &save); item != NULL;
       item = strtok_r(NULL, ",", &save)) {
    if (cfg->pattern_len == PATTERN_MAX)
      return ep_bad_arg("-D", s, "at most 16 delays");
    if (ep_parse_long(item, 0, EP_MAX_DELAY_MS,
                      &cfg->pattern[cfg->pattern_len]) < 0)
      return ep_bad_arg("-D", s, "delays must be 0..3600000 ms, comma-separated");
    cfg->pattern_len++;
  }
  if (cfg->pattern_len == 0)
    return ep_bad_arg("-D", s, "no delay");
  return 0;
}

static int
parse_args(int argc, char **argv, struct config *cfg)
{
  int c;

  memset(cfg, 0, sizeof *cfg);
  opterr = 0;
  while ((c = getopt(argc, argv, ":l:p:u:q:d:D:P:h")) != -1) {
    switch (c) {
    case 'u':
      if (ep_parse_addr("-u", optarg, &cfg->up_addr) < 0)
        return -1;
      cfg->have_up = 1;
      break;
    case 'q':
      if (ep_parse_port("-q", optarg, &cfg->up_port) < 0)
        return -1;
      break;
    case 'd':
      if (ep_parse_delay(optarg, &cfg->delay_ms) < 0)
        return -1;
      cfg->have_delay = 1;
      break;
    case 'D':
      if (parse_pattern(optarg, cfg) < 0)
        return -1;
      break;
    default:
      if (ep_common_opt(c, optarg, &cfg->common) < 0)
        return -1;
      break;
    }
  }
  if (ep_common_check(argc, argv, &cfg->common) < 0)
    return -1;
  if (!cfg->have_up)
    return ep_missing("-u UPSTREAM_ADDR");
  if (cfg->up_port == 0)
    return ep_missing("-q UPSTREAM_PORT");
  if (cfg->have_delay && cfg->pattern_len > 0)
    return ep_usage_error("-d and -D exclude each other");
  if (!cfg->have_delay && cfg->pattern_len == 0)
    return ep_missing("-d DELAY_MS or -D MS,MS,...");
  if (cfg->common.listen_addr.s_addr == cfg->up_addr.s_addr
      && cfg->common.port == cfg->up_port)
    return ep_usage_error("upstream must differ from listen address");
  return 0;
}

/* Receive one datagram; returns its length, or -1 when nothing (more) is
 * available / on error, or -2 for a datagram that had to be discarded
 * (oversized). */
static ssize_t
recv_dgram(int fd, unsigned char *buf, size_t cap, struct sockaddr_in *from)
{
  struct msghdr msg;
  struct iovec iov;
  ssize_t r;

  memset(&msg, 0, sizeof msg);
  iov.iov_base = buf;
  iov.iov_len = cap;
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  if (from != NULL) {
    memset(from, 0, sizeof *from);
    msg.msg_name = from;
    msg.msg_namelen = sizeof *from;
  }
  do {
    r = recvmsg(fd, &msg, 0);
  } while (r < 0 && errno == EINTR);
  if (r < 0) {
    /* ECONNREFUSED etc. from ICMP on a connected socket: just skip it. */
    if (errno == EAGAIN || errno == EWOULDBLOCK)
      return -1;
    return -2;
  }
  if (msg.msg_flags & MSG_TRUNC)
    return -2;
  if (from != NULL
      && (msg.msg_namelen != sizeof *from || from->sin_family != AF_INET))
    return -2;
  return r;
}

static int
same_peer(const struct sockaddr_in *a, const struct sockaddr_in *b)
{
  return a->sin_addr.s_addr == b->sin_addr.s_addr
         && a->sin_port == b->sin_port;
}

static void
close_session(struct session *s)
{
  if (s->fd >= 0)
    close(s->fd);
  s->fd = -1;
}

/* Find the session for a client, creating one (evicting the least recently
 * used if all slots are taken).  Returns NULL if no socket could be made. */
static struct session *
get_session(const struct config *cfg, const struct sockaddr_in *client)
{
  struct sockaddr_in up;
  struct session *victim = NULL;
  size_t i;
  int fd;

  for (i = 0; i < MAX_SESSIONS; i++) {
    if (sessions[i].fd >= 0 && same_peer(&sessions[i].client, client)) {
      sessions[i].last_used = ++use_clock;
      return &sessions[i];
    }
  }
  for (i = 0; i < MAX_SESSIONS; i++) {
    if (sessions[i].fd < 0) {
      victim = &sessions[i];
      break;
    }
    if (victim == NULL || sessions[i].last_used < victim->last_used)
      victim = &sessions[i];
  }
  if (victim == NULL)
    return NULL;
  close_session(victim);

  fd = socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0)
    return NULL;
  ep_bump_rcvbuf(fd);
  memset(&up, 0, sizeof up);
  up.sin_family = AF_INET;
  up.sin_port = htons((uint16_t)cfg->up_port);
  up.sin_addr = cfg->up_addr;
  /* connect() so only the upstream's replies are accepted on this socket */
  if (ep_set_nonblock_cloexec(fd) < 0
      || connect(fd, (struct sockaddr *)&up, sizeof up) < 0) {
    close(fd);
    return NULL;
  }
  victim->fd = fd;
  victim->client = *client;
  victim->last_used = ++use_clock;
  return victim;
}

/* Move the datagram just queued at the tail ahead of those due later. */
static void
keep_order(void)
{
  static struct pending tmp;
  size_t i = q_count - 1;

  while (i > 0) {
    struct pending *cur = &queue[(q_head + i) % QUEUE_CAP];
    struct pending *prev = &queue[(q_head + i - 1) % QUEUE_CAP];

    if (prev->due_ns <= cur->due_ns)
      break;
    tmp = *prev;
    *prev = *cur;
    *cur = tmp;
    i--;
  }
}

static void
read_clients(int lfd, const struct config *cfg)
{
  int n;

  for (n = 0; n < RECV_BATCH; n++) {
    struct pending *p;
    ssize_t r;

    if (q_count >= QUEUE_CAP) {
      /* queue full: read and drop */
      static unsigned char sink[DGRAM_MAX];

      if (recv_dgram(lfd, sink, sizeof sink, NULL) == -1)
        return;
      continue;
    }
    p = &queue[(q_head + q_count) % QUEUE_CAP];
    r = recv_dgram(lfd, p->data, sizeof p->data, &p->from);
    if (r == -1)
      return;
    if (r < 0)
      continue;
    p->len = (size_t)r;
    if (cfg->pattern_len > 0) {
      p->due_ns = ep_deadline_ns(cfg->pattern[pattern_next]);
      pattern_next = (pattern_next + 1) % cfg->pattern_len;
    } else {
      p->due_ns = ep_deadline_ns(cfg->delay_ms);
    }
    q_count++;
    keep_order();
  }
}

static void
read_upstream(int lfd, struct session *s)
{
  static unsigned char buf[DGRAM_MAX];
  int n;

  for (n = 0; n < RECV_BATCH; n++) {
    ssize_t r = recv_dgram(s->fd, buf, sizeof buf, NULL);

    if (r == -1)
      return;
    if (r < 0)
      continue;
    r = sendto(lfd, buf, (size_t)r, 0, (const struct sockaddr *)&s->client,
               sizeof s->client);
    (void)r;                           /* UDP: losses are acceptable */
  }
}

static void
flush_due(const struct config *cfg)
{
  int64_t now = ep_now_ns();

  while (q_count > 0 && queue[q_head].due_ns <= now) {
    const struct pending *p = &queue[q_head];
    const struct session *s = get_session(cfg, &p->from);

    if (s != NULL) {
      ssize_t r = send(s->fd, p->data, p->len, 0);

      (void)r;
    }
    q_head = (q_head + 1) % QUEUE_CAP;
    q_count--;
  }
}

static int
poll_timeout(void)
{
  return q_count == 0 ? -1 : ep_ms_until(queue[q_head].due_ns);
}

int
main(int argc, char **argv)
{
  struct config cfg;
  int lfd;
  size_t i;

  ep_util_init("ep-udp-relay", usage);
  if (parse_args(argc, argv, &cfg) < 0)
    return 2;
  for (i = 0; i < MAX_SESSIONS; i++)
    sessions[i].fd = -1;
  /* The relay stands for the network: the delay it adds must not grow
   * with the machine's load (the tests run two at a time).  A real-time
   * priority where the kernel allows it; without one, the relay still
   * works. */
  {
    struct sched_param rt = {.sched_priority = 10};

    (void)sched_setscheduler(0, SCHED_FIFO, &rt);
  }
  if (ep_signals_setup() < 0)
    return 1;
  lfd = ep_open_udp(cfg.common.listen_addr, cfg.common.port);
  if (lfd < 0)
    return 1;
  if (cfg.common.pidfile != NULL && ep_write_pidfile(cfg.common.pidfile) < 0) {
    close(lfd);
    return 1;
  }

  while (!ep_signalled()) {
    struct pollfd pfd[2 + MAX_SESSIONS];
    size_t sess_idx[MAX_SESSIONS];
    size_t nfds = 2;
    size_t k;
    int r;

    ep_poll_prepare(pfd, lfd);
    for (i = 0; i < MAX_SESSIONS; i++) {
      if (sessions[i].fd < 0)
        continue;
      pfd[nfds].fd = sessions[i].fd;
      pfd[nfds].events = POLLIN;
      pfd[nfds].revents = 0;
      sess_idx[nfds - 2] = i;
      nfds++;
    }
    r = ep_poll(pfd, (nfds_t)nfds, poll_timeout());
    if (r < 0)
      break;
    if (r == 0)
      continue;
    /* Replies first: they are never delayed.  Sessions only change in
     * flush_due(), so sess_idx stays valid here. */
    for (k = 2; k < nfds; k++) {
      if (pfd[k].revents != 0)
        read_upstream(lfd, &sessions[sess_idx[k - 2]]);
    }
    if (pfd[1].revents != 0)
      read_clients(lfd, &cfg);
    flush_due(&cfg);
  }

  for (i = 0; i < MAX_SESSIONS; i++)
    close_session(&sessions[i]);
  close(lfd);
  return ep_finish(cfg.common.pidfile);
}
