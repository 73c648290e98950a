/* ep-dns-responder: tiny UDP DNS responder for edgeprobe integration tests.
 * Simulates broken or slow resolvers (SERVFAIL, REFUSED, NXDOMAIN, fixed A answers, silence). */

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
#include <time.h>
#include <unistd.h>

#define MAX_ADDRS 16
#define QUEUE_CAP 256
#define RECV_BUF 4096
#define REPLY_MAX 512       /* classic DNS-over-UDP limit; we never exceed it */
#define RECV_BATCH 64       /* datagrams read per poll() wakeup */
#define MAX_DELAY_MS 3600000L
#define RCVBUF_SIZE (1 << 20)

#define DNS_HDR_LEN 12
#define DNS_NAME_MAX 255
#define TYPE_A 1
#define CLASS_IN 1
#define A_RR_LEN 16         /* ptr(2) type(2) class(2) ttl(4) rdlen(2) rdata(4) */
#define ANSWER_TTL 60

enum mode
{
  MODE_NONE,
  MODE_SERVFAIL,
  MODE_REFUSED,
  MODE_NXDOMAIN,
  MODE_ANSWER,
  MODE_SILENT
};

struct config
{
  struct in_addr listen_addr;
  int have_listen;
  long port;
  enum mode mode;
  struct in_addr addrs[MAX_ADDRS];
  size_t n_addrs;
  long delay_ms;
  const char *pidfile;
};

struct pending
{
  int64_t due_ns;
  struct sockaddr_in to;
  size_t len;
  unsigned char data[REPLY_MAX];
};

/* FIFO ring: the delay is constant, so due times are non-decreasing. */
static struct pending queue[QUEUE_CAP];
static size_t q_head;
static size_t q_count;

static volatile sig_atomic_t got_signal;
static int sig_pipe[2] = { -1, -1 };

static void
usage(FILE *out)
{
  fprintf(out,
          "usage: ep-dns-responder -l ADDR -p PORT -m MODE [-a IPv4]... "
          "[-d DELAY_MS] [-P PIDFILE]\n"
          "  MODE: servfail | refused | nxdomain | answer | silent\n");
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
parse_mode(const char *s, enum mode *out)
{
  static const struct
  {
    const char *name;
    enum mode mode;
  } modes[] = {
    { "servfail", MODE_SERVFAIL },
    { "refused", MODE_REFUSED },
    { "nxdomain", MODE_NXDOMAIN },
    { "answer", MODE_ANSWER },
    { "silent", MODE_SILENT },
  };
  size_t i;

  for (i = 0; i < sizeof modes / sizeof modes[0]; i++) {
    if (strcmp(s, modes[i].name) == 0) {
      *out = modes[i].mode;
      return 0;
    }
  }
  return -1;
}

static int
bad_arg(const char *opt, const char *val, const char *why)
{
  fprintf(stderr, "ep-dns-responder: bad argument %s '%s': %s\n",
          opt, val, why);
  usage(stderr);
  return -1;
}

static int
parse_args(int argc, char **argv, struct config *cfg)
{
  int c;

  memset(cfg, 0, sizeof *cfg);
  cfg->mode = MODE_NONE;
  opterr = 0;
  while ((c = getopt(argc, argv, ":l:p:m:a:d:P:h")) != -1) {
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
    case 'm':
      if (parse_mode(optarg, &cfg->mode) < 0)
        return bad_arg("-m", optarg,
                       "mode must be servfail, refused, nxdomain, answer "
                       "or silent");
      break;
    case 'a':
      if (cfg->n_addrs >= MAX_ADDRS)
        return bad_arg("-a", optarg, "at most 16 addresses");
      if (inet_pton(AF_INET, optarg, &cfg->addrs[cfg->n_addrs]) != 1)
        return bad_arg("-a", optarg, "not an IPv4 address");
      cfg->n_addrs++;
      break;
    case 'd':
      if (parse_long(optarg, 0, MAX_DELAY_MS, &cfg->delay_ms) < 0)
        return bad_arg("-d", optarg, "delay must be 0..3600000 ms");
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
      fprintf(stderr, "ep-dns-responder: option -%c needs a value\n", optopt);
      usage(stderr);
      return -1;
    default:
      fprintf(stderr, "ep-dns-responder: unknown option -%c\n", optopt);
      usage(stderr);
      return -1;
    }
  }
  if (optind < argc)
    return bad_arg("operand", argv[optind], "unexpected argument");
  if (!cfg->have_listen) {
    fprintf(stderr, "ep-dns-responder: missing -l ADDR\n");
    usage(stderr);
    return -1;
  }
  if (cfg->port == 0) {
    fprintf(stderr, "ep-dns-responder: missing -p PORT\n");
    usage(stderr);
    return -1;
  }
  if (cfg->mode == MODE_NONE) {
    fprintf(stderr, "ep-dns-responder: missing -m MODE\n");
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
    fprintf(stderr, "ep-dns-responder: pid file path too long\n");
    return -1;
  }
  f = fopen(tmp, "w");
  if (f == NULL) {
    fprintf(stderr, "ep-dns-responder: %s: %s\n", tmp, strerror(errno));
    return -1;
  }
  if (fprintf(f, "%ld\n", (long)getpid()) < 0) {
    fprintf(stderr, "ep-dns-responder: %s: write failed\n", tmp);
    fclose(f);
    unlink(tmp);
    return -1;
  }
  if (fclose(f) != 0) {
    fprintf(stderr, "ep-dns-responder: %s: %s\n", tmp, strerror(errno));
    unlink(tmp);
    return -1;
  }
  if (rename(tmp, path) != 0) {
    fprintf(stderr, "ep-dns-responder: %s: %s\n", path, strerror(errno));
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
    fprintf(stderr, "ep-dns-responder: socket: %s\n", strerror(errno));
    return -1;
  }
  if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0) {
    fprintf(stderr, "ep-dns-responder: SO_REUSEADDR: %s\n", strerror(errno));
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
    fprintf(stderr, "ep-dns-responder: bind %s:%ld: %s\n", buf, cfg->port,
            strerror(errno));
    close(fd);
    return -1;
  }
  bump_rcvbuf(fd);
  if (set_nonblock_cloexec(fd) < 0) {
    fprintf(stderr, "ep-dns-responder: fcntl: %s\n", strerror(errno));
    close(fd);
    return -1;
  }
  return fd;
}

static uint16_t
get16(const unsigned char *p)
{
  return (uint16_t)(((unsigned)p[0] << 8) | (unsigned)p[1]);
}

static void
put16(unsigned char *p, uint16_t v)
{
  p[0] = (unsigned char)(v >> 8);
  p[1] = (unsigned char)(v & 0xff);
}

static void
put32(unsigned char *p, uint32_t v)
{
  p[0] = (unsigned char)(v >> 24);
  p[1] = (unsigned char)((v >> 16) & 0xff);
  p[2] = (unsigned char)((v >> 8) & 0xff);
  p[3] = (unsigned char)(v & 0xff);
}

/* Validate the header and first question of a query.  On success store the
 * length of header + question (QNAME, QTYPE, QCLASS) in *qend and the
 * question type/class, and return 0.  Return -1 for anything malformed. */
static int
parse_query(const unsigned char *pkt, size_t len, size_t *qend,
            uint16_t *qtype, uint16_t *qclass)
{
  size_t off = DNS_HDR_LEN;
  size_t name_len = 0;

  if (len < DNS_HDR_LEN)
    return -1;
  if (pkt[2] & 0x80)                   /* QR set: a response, not a query */
    return -1;
  if (((pkt[2] >> 3) & 0x0f) != 0)     /* only standard QUERY opcode */
    return -1;
  if (get16(pkt + 4) < 1)              /* QDCOUNT */
    return -1;
  for (;;) {
    unsigned lab;

    if (off >= len)
      return -1;
    lab = pkt[off];
    if (lab & 0xc0)                    /* compression pointer / ext label */
      return -1;
    name_len += lab + 1;
    if (name_len > DNS_NAME_MAX)
      return -1;
    if (lab == 0) {
      off++;
      break;
    }
    if (lab > len - off - 1)
      return -1;
    off += lab + 1;
  }
  if (len - off < 4)
    return -1;
  *qtype = get16(pkt + off);
  *qclass = get16(pkt + off + 2);
  *qend = off + 4;
  return 0;
}

/* Build the reply for a valid query into out (REPLY_MAX bytes).  Returns the
 * reply length, or 0 when nothing should be sent. */
static size_t
build_reply(const struct config *cfg, const unsigned char *pkt, size_t len,
            unsigned char *out)
{
  size_t qend;
  size_t off;
  size_t i;
  size_t n_ans = 0;
  uint16_t qtype;
  uint16_t qclass;
  unsigned rcode = 0;
  unsigned aa = 0;
  unsigned tc = 0;

  if (parse_query(pkt, len, &qend, &qtype, &qclass) < 0)
    return 0;
  if (qend > REPLY_MAX)                /* cannot happen: 12 + 255 + 4 */
    return 0;
  switch (cfg->mode) {
  case MODE_SERVFAIL:
    rcode = 2;
    break;
  case MODE_REFUSED:
    rcode = 5;
    break;
  case MODE_NXDOMAIN:
    rcode = 3;
    aa = 1;
    break;
  case MODE_ANSWER:
    rcode = 0;
    if (qtype == TYPE_A && qclass == CLASS_IN)
      n_ans = cfg->n_addrs;
    break;
  case MODE_SILENT:
  case MODE_NONE:
  default:
    return 0;
  }
  /* Keep within the classic 512-byte UDP limit; set TC if we had to drop. */
  if (n_ans > (REPLY_MAX - qend) / A_RR_LEN) {
    n_ans = (REPLY_MAX - qend) / A_RR_LEN;
    tc = 1;
  }

  memcpy(out, pkt, qend);              /* ID + question echoed verbatim */
  out[2] = (unsigned char)(0x80 | (aa << 2) | (tc << 1) | (pkt[2] & 0x01));
  out[3] = (unsigned char)(0x80 | rcode);
  put16(out + 4, 1);                   /* QDCOUNT */
  put16(out + 6, (uint16_t)n_ans);     /* ANCOUNT */
  put16(out + 8, 0);                   /* NSCOUNT */
  put16(out + 10, 0);                  /* ARCOUNT */
  off = qend;
  for (i = 0; i < n_ans; i++) {
    unsigned char *rr = out + off;

    rr[0] = 0xc0;                      /* pointer to the question name */
    rr[1] = 0x0c;
    put16(rr + 2, TYPE_A);
    put16(rr + 4, CLASS_IN);
    put32(rr + 6, ANSWER_TTL);
    put16(rr + 10, 4);
    memcpy(rr + 12, &cfg->addrs[i].s_addr, 4);
    off += A_RR_LEN;
  }
  return off;
}

static void
send_reply(int fd, const unsigned char *buf, size_t len,
           const struct sockaddr_in *to)
{
  ssize_t r;

  r = sendto(fd, buf, len, 0, (const struct sockaddr *)to, sizeof *to);
  (void)r;                             /* UDP: losses are acceptable */
}

static void
handle_readable(int fd, const struct config *cfg)
{
  static unsigned char buf[RECV_BUF];
  int n;

  for (n = 0; n < RECV_BATCH; n++) {
    struct sockaddr_in from;
    socklen_t fromlen = sizeof from;
    struct pending *p;
    ssize_t r;
    size_t rlen;

    r = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &fromlen);
    if (r < 0) {
      if (errno == EINTR)
        continue;
      return;                          /* EAGAIN or a transient error */
    }
    if (fromlen != sizeof from || from.sin_family != AF_INET)
      continue;
    if (cfg->mode == MODE_SILENT)
      continue;
    if (cfg->delay_ms == 0) {
      unsigned char out[REPLY_MAX];

      rlen = build_reply(cfg, buf, (size_t)r, out);
      if (rlen > 0)
        send_reply(fd, out, rlen, &from);
      continue;
    }
    if (q_count >= QUEUE_CAP)
      continue;                        /* queue full: drop */
    p = &queue[(q_head + q_count) % QUEUE_CAP];
    rlen = build_reply(cfg, buf, (size_t)r, p->data);
    if (rlen == 0)
      continue;
    p->len = rlen;
    p->to = from;
    p->due_ns = now_ns() + (int64_t)cfg->delay_ms * 1000000LL;
    q_count++;
  }
}

static void
flush_due(int fd)
{
  int64_t now = now_ns();

  while (q_count > 0 && queue[q_head].due_ns <= now) {
    const struct pending *p = &queue[q_head];

    send_reply(fd, p->data, p->len, &p->to);
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
  int fd;

  if (parse_args(argc, argv, &cfg) < 0)
    return 2;
  if (setup_signals() < 0) {
    fprintf(stderr, "ep-dns-responder: signal setup: %s\n", strerror(errno));
    return 1;
  }
  fd = open_listener(&cfg);
  if (fd < 0)
    return 1;
  if (cfg.pidfile != NULL && write_pidfile(cfg.pidfile) < 0) {
    close(fd);
    return 1;
  }

  while (!got_signal) {
    struct pollfd pfd[2];
    int r;

    pfd[0].fd = sig_pipe[0];
    pfd[0].events = POLLIN;
    pfd[0].revents = 0;
    pfd[1].fd = fd;
    pfd[1].events = POLLIN;
    pfd[1].revents = 0;
    r = poll(pfd, 2, poll_timeout());
    if (r < 0) {
      if (errno == EINTR)
        continue;
      fprintf(stderr, "ep-dns-responder: poll: %s\n", strerror(errno));
      break;
    }
    if (pfd[0].revents != 0)
      break;
    if (pfd[1].revents != 0)
      handle_readable(fd, &cfg);
    flush_due(fd);
  }

  close(fd);
  if (cfg.pidfile != NULL)
    unlink(cfg.pidfile);
  close(sig_pipe[0]);
  close(sig_pipe[1]);
  return got_signal ? 0 : 1;
}
