/* ep-ntp-responder: tiny UDP SNTP server for edgeprobe integration tests.
 * Answers client requests correctly, with a clock offset, or in broken ways (KoD, bad origin, floods). */

#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "ep_server_util.h"

#define RECV_BUF 2048
#define RECV_BATCH 64       /* datagrams read per poll() wakeup */

#define NTP_LEN 48
#define SHORT_LEN 40        /* "short" mode: truncated reply */
#define LONG_LEN 1000       /* "long" mode: oversized reply */
#define FLOOD_COUNT 200     /* "flood" mode: replies per request */
#define SEND_WAIT_MS 1000   /* max wait for a full socket buffer */

#define NTP_UNIX_DELTA 2208988800LL  /* seconds 1900-01-01 .. 1970-01-01 */
#define NS_PER_S 1000000000LL
#define MAX_OFFSET_S 2147483647.0    /* |offset| limit, keeps ns in int64 */

#define NTP_MODE_CLIENT 3
#define NTP_MODE_SERVER 4
#define DEFAULT_STRATUM 2
#define PRECISION (-20)
#define ROOT_DELAY 0x00000042u       /* 0.001 s in 16.16 (65.536 -> 66) */
#define ROOT_DISP 0x00000083u        /* 0.002 s in 16.16 (131.072 -> 131) */
#define WRONG_ORIGIN_XOR 0x0000000000001000ULL

/* Packet offsets (RFC 5905 figure 8). */
#define OFF_STRATUM 1
#define OFF_POLL 2
#define OFF_PRECISION 3
#define OFF_ROOT_DELAY 4
#define OFF_ROOT_DISP 8
#define OFF_REFID 12
#define OFF_REF_TS 16
#define OFF_ORG_TS 24
#define OFF_RCV_TS 32
#define OFF_XMT_TS 40

enum mode
{
  MODE_NONE,
  MODE_GOOD,
  MODE_WRONG_ORIGIN,
  MODE_KOD_RATE,
  MODE_KOD_DENY,
  MODE_LEAP3,
  MODE_STRATUM16,
  MODE_STRATUM0_NOKISS,
  MODE_SHORT,
  MODE_LONG,
  MODE_OTHER_PORT,
  MODE_FLOOD,
  MODE_ZERO_XMT,
  MODE_MODE3,
  MODE_VERSION2,
  MODE_SILENT,
  MODE_ROOT_DISTANCE,
  MODE_ZERO_REFTIME
};

struct config
{
  struct ep_common common;              /* -l, -p, -P */
  enum mode mode;
  long stratum;
  int64_t offset_ns;
  double drift_ppm;                     /* -r: the clock runs fast by this */
  int64_t start_ns;                     /* when the drift began */
};

static unsigned long long n_requests;
static uint64_t rng_state;

static void
usage(FILE *out)
{
  fprintf(out,
          "usage: ep-ntp-responder -l ADDR -p PORT -m MODE [-s STRATUM] "
          "[-o OFFSET_S] [-r DRIFT_PPM] [-P PIDFILE]\n"
          "  MODE: good | wrong-origin | kod-rate | kod-deny | leap3 | "
          "stratum16 |\n"
          "        stratum0-nokiss | short | long | other-port | flood | "
          "zero-xmt |\n"
          "        mode3 | version2 | silent | root-distance | "
          "zero-reftime\n");
}

/* Parse a decimal number of seconds (may be negative or fractional) into
 * nanoseconds. */
static int
parse_offset(const char *s, int64_t *out)
{
  char *end = NULL;
  double v;

  if (s == NULL || *s == '\0')
    return -1;
  errno = 0;
  v = strtod(s, &end);
  /* The negated range test also rejects NaN and infinities. */
  if (errno != 0 || end == s || *end != '\0'
      || !(v <= MAX_OFFSET_S && v >= -MAX_OFFSET_S))
    return -1;
  v *= (double)NS_PER_S;
  *out = (int64_t)(v < 0 ? v - 0.5 : v + 0.5);
  return 0;
}

static int
parse_mode(const char *s, enum mode *out)
{
  /* In the order of enum mode, after MODE_NONE. */
  static const char *const names[] = {
    "good",
    "wrong-origin",
    "kod-rate",
    "kod-deny",
    "leap3",
    "stratum16",
    "stratum0-nokiss",
    "short",
    "long",
    "other-port",
    "flood",
    "zero-xmt",
    "mode3",
    "version2",
    "silent",
    "root-distance",
    "zero-reftime",
  };
  int i = ep_name_index(s, names, sizeof names / sizeof names[0]);

  if (i < 0)
    return -1;
  *out = (enum mode)(i + 1);
  return 0;
}

static int
parse_args(int argc, char **argv, struct config *cfg)
{
  const char *port_arg = NULL;
  int c;

  memset(cfg, 0, sizeof *cfg);
  cfg->mode = MODE_NONE;
  cfg->stratum = DEFAULT_STRATUM;
  opterr = 0;
  while ((c = getopt(argc, argv, ":l:p:m:s:o:r:P:h")) != -1) {
    switch (c) {
    case 'p':
      if (ep_common_opt(c, optarg, &cfg->common) < 0)
        return -1;
      port_arg = optarg;
      break;
    case 'm':
      if (parse_mode(optarg, &cfg->mode) < 0)
        return ep_bad_arg("-m", optarg,
                          "mode must be good, wrong-origin, kod-rate, "
                          "kod-deny, leap3, stratum16, stratum0-nokiss, "
                          "short, long, other-port, flood, zero-xmt, mode3, "
                          "version2, silent, root-distance or zero-reftime");
      break;
    case 's':
      if (ep_parse_long(optarg, 0, 255, &cfg->stratum) < 0)
        return ep_bad_arg("-s", optarg, "stratum must be 0..255");
      break;
    case 'r': {
      char *end = NULL;

      cfg->drift_ppm = strtod(optarg, &end);
      if (end == optarg || *end != '\0' || !(cfg->drift_ppm >= -100000 &&
                                             cfg->drift_ppm <= 100000))
        return ep_bad_arg("-r", optarg,
                          "drift must be a number of ppm within +-100000");
      break;
    }
    case 'o':
      if (parse_offset(optarg, &cfg->offset_ns) < 0)
        return ep_bad_arg("-o", optarg,
                          "offset must be a decimal number of seconds "
                          "within +-2147483647");
      break;
    default:
      if (ep_common_opt(c, optarg, &cfg->common) < 0)
        return -1;
      break;
    }
  }
  if (ep_common_check(argc, argv, &cfg->common) < 0)
    return -1;
  if (cfg->mode == MODE_NONE)
    return ep_missing("-m MODE");
  if (cfg->mode == MODE_OTHER_PORT && cfg->common.port == 65535)
    return ep_bad_arg("-p", port_arg,
                      "other-port mode needs PORT+1, so port must be "
                      "1..65534");
  return 0;
}

static int
write_pidfile(const char *path)
{
  char line[32];

  snprintf(line, sizeof line, "%ld\n", (long)getpid());
  return ep_write_file_atomic(path, line);
}

/* PIDFILE.requests holds "requests N", rewritten after every request. */
static int
write_requests_file(const char *pidfile)
{
  char path[PATH_MAX];
  char line[48];
  int n;

  n = snprintf(path, sizeof path, "%s.requests", pidfile);
  if (n < 0 || (size_t)n >= sizeof path) {
    fprintf(stderr, "ep-ntp-responder: %s: path too long\n", pidfile);
    return -1;
  }
  snprintf(line, sizeof line, "requests %llu\n", n_requests);
  return ep_write_file_atomic(path, line);
}

static uint64_t
get64(const unsigned char *p)
{
  uint64_t v = 0;
  int i;

  for (i = 0; i < 8; i++)
    v = (v << 8) | p[i];
  return v;
}

static void
put64(unsigned char *p, uint64_t v)
{
  int i;

  for (i = 7; i >= 0; i--) {
    p[i] = (unsigned char)(v & 0xff);
    v >>= 8;
  }
}

/* splitmix64: cheap, good enough for garbage origin timestamps. */
static uint64_t
rng_next(void)
{
  uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/* The wall-clock time ts plus the configured offset plus adj_ns, as an
 * NTP 64-bit timestamp (era seconds modulo 2^32 . 32-bit binary fraction). */
static uint64_t
ntp_at(const struct config *cfg, struct timespec ts, int64_t adj_ns)
{
  int64_t total;
  int64_t sec;
  int64_t rem;
  uint64_t frac;

  total = (int64_t)ts.tv_sec * NS_PER_S + (int64_t)ts.tv_nsec;
  /* A clock that gains drift_ppm: its offset grows from the start. */
  total += (int64_t)((double)(total - cfg->start_ns) * cfg->drift_ppm / 1e6)
           + cfg->offset_ns + adj_ns;
  sec = total / NS_PER_S;
  rem = total % NS_PER_S;
  if (rem < 0) {                       /* floor division for negatives */
    rem += NS_PER_S;
    sec--;
  }
  sec += NTP_UNIX_DELTA;
  frac = ((uint64_t)rem << 32) / (uint64_t)NS_PER_S;
  return ((uint64_t)(uint32_t)sec << 32) | frac;
}

/* Now, as ntp_at() says it. */
static uint64_t
ntp_now(const struct config *cfg, int64_t adj_ns)
{
  struct timespec ts;

  if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
    return 0;
  return ntp_at(cfg, ts, adj_ns);
}

/* A datagram and the kernel's stamp of its arrival (SO_TIMESTAMPNS), as
 * a server that stamps the receive time in the kernel does (chronyd): a
 * receive time read after our wake-up would be late by it, and bias every
 * client's offset by half of it.  Without a stamp, now.  As
 * ep_recv_dgram(): -1 for EAGAIN or a transient error, -2 to skip. */
static ssize_t
recv_stamped(int fd, unsigned char *buf, size_t cap, struct sockaddr_in *from,
             struct timespec *at)
{
  union {
    struct cmsghdr align;
    char           space[CMSG_SPACE(sizeof(struct timespec))];
  } control;
  struct iovec    iov = {buf, cap};
  struct msghdr   msg;
  struct cmsghdr *c;
  ssize_t         r;

  memset(&msg, 0, sizeof msg);
  msg.msg_name = from;
  msg.msg_namelen = sizeof *from;
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control.space;
  msg.msg_controllen = sizeof control.space;
  r = recvmsg(fd, &msg, 0);
  if (r < 0)
    return errno == EINTR ? -2 : -1;
  if (msg.msg_namelen != sizeof *from || from->sin_family != AF_INET)
    return -2;
  clock_gettime(CLOCK_REALTIME, at);
  for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_TIMESTAMPNS && /* SCM_TIMESTAMPNS */
        c->cmsg_len >= CMSG_LEN(sizeof *at))
      memcpy(at, CMSG_DATA(c), sizeof *at);
  return r;
}

/* Fill the 48-byte reply header for request req (at least NTP_LEN bytes),
 * everything except the transmit timestamp. */
static void
build_reply(const struct config *cfg, const unsigned char *req,
            uint64_t rcv_ts, unsigned char *out)
{
  unsigned li = 0;
  unsigned vn = (req[0] >> 3) & 0x07;
  unsigned mode = NTP_MODE_SERVER;
  unsigned stratum = (unsigned)cfg->stratum;
  uint64_t org = get64(req + OFF_XMT_TS);
  static const unsigned char refid_local[4] = { 127, 0, 0, 1 };
  const unsigned char *refid = refid_local;
  static const unsigned char refid_zero[4] = { 0, 0, 0, 0 };

  switch (cfg->mode) {
  case MODE_WRONG_ORIGIN:
    org ^= WRONG_ORIGIN_XOR;
    break;
  case MODE_KOD_RATE:
    li = 3;
    stratum = 0;
    refid = (const unsigned char *)"RATE";
    break;
  case MODE_KOD_DENY:
    li = 3;
    stratum = 0;
    refid = (const unsigned char *)"DENY";
    break;
  case MODE_LEAP3:
    li = 3;
    break;
  case MODE_STRATUM16:
    stratum = 16;
    break;
  case MODE_STRATUM0_NOKISS:
    stratum = 0;
    refid = refid_zero;
    break;
  case MODE_MODE3:
    mode = NTP_MODE_CLIENT;
    break;
  case MODE_VERSION2:
    vn = 2;
    break;
  default:
    break;
  }

  memset(out, 0, NTP_LEN);
  out[0] = (unsigned char)((li << 6) | (vn << 3) | mode);
  out[OFF_STRATUM] = (unsigned char)stratum;
  out[OFF_POLL] = req[OFF_POLL];
  out[OFF_PRECISION] = (unsigned char)(PRECISION & 0xff);
  ep_put32(out + OFF_ROOT_DELAY, ROOT_DELAY);
  ep_put32(out + OFF_ROOT_DISP, ROOT_DISP);
  memcpy(out + OFF_REFID, refid, 4);
  put64(out + OFF_REF_TS, ntp_now(cfg, -NS_PER_S));
  /* A free-running server: root delay 2 s, dispersion 15.5 s, so a root
   * distance (delay / 2 + dispersion) of 16.5 s; or one that never set
   * its clock (reference time zero). */
  if (cfg->mode == MODE_ROOT_DISTANCE) {
    ep_put32(out + OFF_ROOT_DELAY, 2u << 16);
    ep_put32(out + OFF_ROOT_DISP, (15u << 16) | 0x8000u);
  }
  if (cfg->mode == MODE_ZERO_REFTIME)
    put64(out + OFF_REF_TS, 0);
  put64(out + OFF_ORG_TS, org);
  put64(out + OFF_RCV_TS, rcv_ts);
}

/* Send one datagram; waits briefly if the socket buffer is full. */
static void
send_reply(int fd, const unsigned char *buf, size_t len,
           const struct sockaddr_in *to)
{
  for (;;) {
    struct pollfd pfd;
    ssize_t r;

    r = sendto(fd, buf, len, 0, (const struct sockaddr *)to, sizeof *to);
    if (r >= 0)
      return;
    if (errno == EINTR)
      continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK && errno != ENOBUFS)
      return;                          /* UDP: losses are acceptable */
    pfd.fd = fd;
    pfd.events = POLLOUT;
    pfd.revents = 0;
    if (poll(&pfd, 1, SEND_WAIT_MS) <= 0)
      return;
  }
}

static void
answer(const struct config *cfg, int fd, int alt_fd,
       const unsigned char *req, uint64_t rcv_ts,
       const struct sockaddr_in *to)
{
  static unsigned char out[LONG_LEN];
  int i;

  if (cfg->mode == MODE_SILENT)
    return;
  build_reply(cfg, req, rcv_ts, out);
  switch (cfg->mode) {
  case MODE_SHORT:
    put64(out + OFF_XMT_TS, ntp_now(cfg, 0));
    send_reply(fd, out, SHORT_LEN, to);
    return;
  case MODE_LONG:
    memset(out + NTP_LEN, 0, LONG_LEN - NTP_LEN);
    put64(out + OFF_XMT_TS, ntp_now(cfg, 0));
    send_reply(fd, out, LONG_LEN, to);
    return;
  case MODE_OTHER_PORT:
    put64(out + OFF_XMT_TS, ntp_now(cfg, 0));
    send_reply(alt_fd, out, NTP_LEN, to);
    return;
  case MODE_FLOOD:
    for (i = 0; i < FLOOD_COUNT - 1; i++) {
      uint64_t org = get64(req + OFF_XMT_TS);
      uint64_t bad = rng_next();

      if (bad == org)
        bad ^= 1;
      put64(out + OFF_ORG_TS, bad);
      put64(out + OFF_XMT_TS, ntp_now(cfg, 0));
      send_reply(fd, out, NTP_LEN, to);
    }
    memcpy(out + OFF_ORG_TS, req + OFF_XMT_TS, 8);
    put64(out + OFF_XMT_TS, ntp_now(cfg, 0));
    send_reply(fd, out, NTP_LEN, to);
    return;
  case MODE_ZERO_XMT:
    put64(out + OFF_XMT_TS, 0);
    send_reply(fd, out, NTP_LEN, to);
    return;
  default:
    put64(out + OFF_XMT_TS, ntp_now(cfg, 0));
    send_reply(fd, out, NTP_LEN, to);
    return;
  }
}

static void
handle_readable(int fd, int alt_fd, const struct config *cfg)
{
  static unsigned char buf[RECV_BUF];
  int n;

  for (n = 0; n < RECV_BATCH; n++) {
    struct sockaddr_in from;
    struct timespec arrived;
    uint64_t rcv_ts;
    ssize_t r;

    r = recv_stamped(fd, buf, sizeof buf, &from, &arrived);
    if (r == -1)
      return;
    if (r < 0)
      continue;
    rcv_ts = ntp_at(cfg, arrived, 0);
    if ((size_t)r < NTP_LEN || (buf[0] & 0x07) != NTP_MODE_CLIENT)
      continue;
    n_requests++;
    answer(cfg, fd, alt_fd, buf, rcv_ts, &from);
    if (cfg->common.pidfile != NULL)
      (void)write_requests_file(cfg->common.pidfile);
  }
}

int
main(int argc, char **argv)
{
  struct config cfg;
  int fd;
  int alt_fd = -1;

  ep_util_init("ep-ntp-responder", usage);
  if (parse_args(argc, argv, &cfg) < 0)
    return 2;
  {
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    cfg.start_ns = (int64_t)ts.tv_sec * NS_PER_S + (int64_t)ts.tv_nsec;
  }
  rng_state = (uint64_t)ep_now_ns() ^ ((uint64_t)getpid() << 32);
  if (ep_signals_setup() < 0)
    return 1;
  fd = ep_open_udp(cfg.common.listen_addr, cfg.common.port);
  if (fd < 0)
    return 1;
  {
    int on = 1;

    (void)setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on);
  }
  if (cfg.mode == MODE_OTHER_PORT) {
    alt_fd = ep_open_udp(cfg.common.listen_addr, cfg.common.port + 1);
    if (alt_fd < 0) {
      close(fd);
      return 1;
    }
  }
  if (cfg.common.pidfile != NULL
      && (write_requests_file(cfg.common.pidfile) < 0
          || write_pidfile(cfg.common.pidfile) < 0)) {
    close(fd);
    if (alt_fd >= 0)
      close(alt_fd);
    return 1;
  }

  while (!ep_signalled()) {
    struct pollfd pfd[2];
    int r;

    ep_poll_prepare(pfd, fd);
    r = ep_poll(pfd, 2, -1);
    if (r < 0)
      break;
    if (r == 0)
      continue;
    if (pfd[1].revents != 0)
      handle_readable(fd, alt_fd, &cfg);
  }

  printf("requests %llu\n", n_requests);
  fflush(stdout);
  if (cfg.common.pidfile != NULL)
    (void)write_requests_file(cfg.common.pidfile);
  close(fd);
  if (alt_fd >= 0)
    close(alt_fd);
  return ep_finish(cfg.common.pidfile);
}
