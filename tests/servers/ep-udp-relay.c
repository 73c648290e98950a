/* ep-udp-relay: delaying UDP relay for edgeprobe integration tests.
 * Adds a fixed latency to client->upstream datagrams (no netem needed); replies pass back undelayed. */

#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define DGRAM_MAX 4096
#define QUEUE_CAP 1024
#define MAX_SESSIONS 64
#define RECV_BATCH 64       /* datagrams read per socket per poll() wakeup */
#define MAX_DELAY_MS 3600000L
#define RCVBUF_SIZE (1 << 20)

struct config
{
  struct in_addr listen_addr;
  int have_listen;
  long port;
  struct in_addr up_addr;
  int have_up;
  long up_port;
  long delay_ms;
  int have_delay;
  const char *pidfile;
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

/* FIFO ring: the delay is constant, so due times are non-decreasing. */
static struct pending queue[QUEUE_CAP];
static size_t q_head;
static size_t q_count;

static struct session sessions[MAX_SESSIONS];
static uint64_t use_clock;

static volatile sig_atomic_t got_signal;
static int sig_pipe[2] = { -1, -1 };

static void
usage(FILE *out)
{
  fprintf(out,
          "usage: ep-udp-relay -l ADDR -p PORT -u UPSTREAM_ADDR "
          "-q UPSTREAM_PORT -d DELAY_MS [-P PIDFILE]\n");
}

static void
on_signal(int sig)
{
  int saved = errno;
  unsigned char b = 1;
  ssize_t r;

  (void)sig;
  got_signal = 1;
  r = write(sig_pipe[1], &b, 1);
  (void)r;
  errno = saved;
}

static int
set_nonblock_cloexec(int fd)
{
  int fl = fcntl(fd, F_GETFL);

  if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
    return -1;
  fl = fcntl(fd, F_GETFD);
  if (fl < 0 || fcntl(fd, F_SETFD, fl | FD_CLOEXEC) < 0)
    return -1;
  return 0;
}

static int
setup_signals(void)
{
  struct sigaction sa;

  if (pipe(sig_pipe) < 0)
    return -1;
  if (set_nonblock_cloexec(sig_pipe[0]) < 0
      || set_nonblock_cloexec(sig_pipe[1]) < 0)
    return -1;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;
  if (sigaction(SIGTERM, &sa, NULL) < 0 || sigaction(SIGINT, &sa, NULL) < 0)
    return -1;
  sa.sa_handler = SIG_IGN;
  if (sigaction(SIGPIPE, &sa, NULL) < 0)
    return -1;
  return 0;
}

static int64_t
now_ns(void)
{
  struct timespec ts;

  if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
    return 0;
  return (int64_t)ts.tv_sec * 1000000000LL + (int64_t)ts.tv_nsec;
}

static int
parse_long(const char *s, long min, long max, long *out)
{
  char *end = NULL;
  long v;

  if (s == NULL || *s == '\0')
    return -1;
  errno = 0;
  v = strtol(s, &end, 10);
  if (errno != 0 || end == s || *end != '\0' || v < min || v > max)
    return -1;
  *out = v;
  return 0;
}

static int
bad_arg(const char *opt, const char *val, const char *why)
{
  fprintf(stderr, "ep-udp-relay: bad argument %s '%s': %s\n", opt, val, why);
  usage(stderr);
  return -1;
}

static int
missing(const char *what)
{
  fprintf(stderr, "ep-udp-relay: missing %s\n", what);
  usage(stderr);
  return -1;
}

static int
parse_args(int argc, char **argv, struct config *cfg)
{
  int c;

  memset(cfg, 0, sizeof *cfg);
  opterr = 0;
  while ((c = getopt(argc, argv, ":l:p:u:q:d:P:h")) != -1) {
    switch (c) {
    case 'l':
      if (inet_pton(AF_INET, optarg, &cfg->listen_addr) != 1)
        return bad_arg("-l", optarg, "not an IPv4 address");
      cfg->have_listen = 1;
      break;
    case 'p':
      if (parse_long(optarg, 1, 65535, &cfg->port) < 0)
        return bad_arg("-p", optarg, "port must be 1..65535");
      break;
    case 'u':
      if (inet_pton(AF_INET, optarg, &cfg->up_addr) != 1)
        return bad_arg("-u", optarg, "not an IPv4 address");
      cfg->have_up = 1;
      break;
    case 'q':
      if (parse_long(optarg, 1, 65535, &cfg->up_port) < 0)
        return bad_arg("-q", optarg, "port must be 1..65535");
      break;
    case 'd':
      if (parse_long(optarg, 0, MAX_DELAY_MS, &cfg->delay_ms) < 0)
        return bad_arg("-d", optarg, "delay must be 0..3600000 ms");
      cfg->have_delay = 1;
      break;
    case 'P':
      if (*optarg == '\0')
        return bad_arg("-P", optarg, "empty pid file name");
      cfg->pidfile = optarg;
      break;
    case 'h':
      usage(stdout);
      exit(0);
    case ':':
      fprintf(stderr, "ep-udp-relay: option -%c needs a value\n", optopt);
      usage(stderr);
      return -1;
    default:
      fprintf(stderr, "ep-udp-relay: unknown option -%c\n", optopt);
      usage(stderr);
      return -1;
    }
  }
  if (optind < argc)
    return bad_arg("operand", argv[optind], "unexpected argument");
  if (!cfg->have_listen)
    return missing("-l ADDR");
  if (cfg->port == 0)
    return missing("-p PORT");
  if (!cfg->have_up)
    return missing("-u UPSTREAM_ADDR");
  if (cfg->up_port == 0)
    return missing("-q UPSTREAM_PORT");
  if (!cfg->have_delay)
    return missing("-d DELAY_MS");
  if (cfg->listen_addr.s_addr == cfg->up_addr.s_addr
      && cfg->port == cfg->up_port) {
    fprintf(stderr, "ep-udp-relay: upstream must differ from listen address\n");
    usage(stderr);
    return -1;
  }
  return 0;
}

/* Write the pid atomically (temp file + rename) so readers never see a
 * partial file. */
static int
write_pidfile(const char *path)
{
  char tmp[PATH_MAX];
  FILE *f;
  int n;

  n = snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
  if (n < 0 || (size_t)n >= sizeof tmp) {
    fprintf(stderr, "ep-udp-relay: pid file path too long\n");
    return -1;
  }
  f = fopen(tmp, "w");
  if (f == NULL) {
    fprintf(stderr, "ep-udp-relay: %s: %s\n", tmp, strerror(errno));
    return -1;
  }
  if (fprintf(f, "%ld\n", (long)getpid()) < 0) {
    fprintf(stderr, "ep-udp-relay: %s: write failed\n", tmp);
    fclose(f);
    unlink(tmp);
    return -1;
  }
  if (fclose(f) != 0) {
    fprintf(stderr, "ep-udp-relay: %s: %s\n", tmp, strerror(errno));
    unlink(tmp);
    return -1;
  }
  if (rename(tmp, path) != 0) {
    fprintf(stderr, "ep-udp-relay: %s: %s\n", path, strerror(errno));
    unlink(tmp);
    return -1;
  }
  return 0;
}

/* Best effort: a larger receive buffer so bursts are queued by us rather
 * than dropped by the kernel (capped by net.core.rmem_max). */
static void
bump_rcvbuf(int fd)
{
  int size = RCVBUF_SIZE;

  (void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
}

static int
open_listener(const struct config *cfg)
{
  struct sockaddr_in sin;
  int fd;
  int one = 1;

  fd = socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0) {
    fprintf(stderr, "ep-udp-relay: socket: %s\n", strerror(errno));
    return -1;
  }
  if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0) {
    fprintf(stderr, "ep-udp-relay: SO_REUSEADDR: %s\n", strerror(errno));
    close(fd);
    return -1;
  }
  memset(&sin, 0, sizeof sin);
  sin.sin_family = AF_INET;
  sin.sin_port = htons((uint16_t)cfg->port);
  sin.sin_addr = cfg->listen_addr;
  if (bind(fd, (struct sockaddr *)&sin, sizeof sin) < 0) {
    char buf[INET_ADDRSTRLEN];

    if (inet_ntop(AF_INET, &cfg->listen_addr, buf, sizeof buf) == NULL)
      strcpy(buf, "?");
    fprintf(stderr, "ep-udp-relay: bind %s:%ld: %s\n", buf, cfg->port,
            strerror(errno));
    close(fd);
    return -1;
  }
  bump_rcvbuf(fd);
  if (set_nonblock_cloexec(fd) < 0) {
    fprintf(stderr, "ep-udp-relay: fcntl: %s\n", strerror(errno));
    close(fd);
    return -1;
  }
  return fd;
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
  bump_rcvbuf(fd);
  memset(&up, 0, sizeof up);
  up.sin_family = AF_INET;
  up.sin_port = htons((uint16_t)cfg->up_port);
  up.sin_addr = cfg->up_addr;
  /* connect() so only the upstream's replies are accepted on this socket */
  if (set_nonblock_cloexec(fd) < 0
      || connect(fd, (struct sockaddr *)&up, sizeof up) < 0) {
    close(fd);
    return NULL;
  }
  victim->fd = fd;
  victim->client = *client;
  victim->last_used = ++use_clock;
  return victim;
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
    p->due_ns = now_ns() + (int64_t)cfg->delay_ms * 1000000LL;
    q_count++;
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
  int64_t now = now_ns();

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
  int64_t diff;
  int64_t ms;

  if (q_count == 0)
    return -1;
  diff = queue[q_head].due_ns - now_ns();
  if (diff <= 0)
    return 0;
  ms = (diff + 999999) / 1000000;      /* round up: never wake early */
  if (ms > INT_MAX)
    ms = INT_MAX;
  return (int)ms;
}

int
main(int argc, char **argv)
{
  struct config cfg;
  int lfd;
  size_t i;

  if (parse_args(argc, argv, &cfg) < 0)
    return 2;
  for (i = 0; i < MAX_SESSIONS; i++)
    sessions[i].fd = -1;
  if (setup_signals() < 0) {
    fprintf(stderr, "ep-udp-relay: signal setup: %s\n", strerror(errno));
    return 1;
  }
  lfd = open_listener(&cfg);
  if (lfd < 0)
    return 1;
  if (cfg.pidfile != NULL && write_pidfile(cfg.pidfile) < 0) {
    close(lfd);
    return 1;
  }

  while (!got_signal) {
    struct pollfd pfd[2 + MAX_SESSIONS];
    size_t sess_idx[MAX_SESSIONS];
    size_t nfds = 2;
    size_t k;
    int r;

    pfd[0].fd = sig_pipe[0];
    pfd[0].events = POLLIN;
    pfd[0].revents = 0;
    pfd[1].fd = lfd;
    pfd[1].events = POLLIN;
    pfd[1].revents = 0;
    for (i = 0; i < MAX_SESSIONS; i++) {
      if (sessions[i].fd < 0)
        continue;
      pfd[nfds].fd = sessions[i].fd;
      pfd[nfds].events = POLLIN;
      pfd[nfds].revents = 0;
      sess_idx[nfds - 2] = i;
      nfds++;
    }
    r = poll(pfd, (nfds_t)nfds, poll_timeout());
    if (r < 0) {
      if (errno == EINTR)
        continue;
      fprintf(stderr, "ep-udp-relay: poll: %s\n", strerror(errno));
      break;
    }
    if (pfd[0].revents != 0)
      break;
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
  if (cfg.pidfile != NULL)
    unlink(cfg.pidfile);
  close(sig_pipe[0]);
  close(sig_pipe[1]);
  return got_signal ? 0 : 1;
}
