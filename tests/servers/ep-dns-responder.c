/* ep-dns-responder: tiny UDP DNS responder for edgeprobe integration tests.
 * Simulates broken or slow resolvers (SERVFAIL, REFUSED, NXDOMAIN, fixed A answers, silence).
 * In every mode but silent it gives the root zone's SOA when asked, and with
 * -s plays a validating resolver: the AD bit on replies to queries with DO. */

#define _POSIX_C_SOURCE 200809L

#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#include "ep_server_util.h"

#define MAX_ADDRS 16
#define QUEUE_CAP 256
#define RECV_BUF 4096
#define REPLY_MAX 512       /* classic DNS-over-UDP limit; we never exceed it */
#define RECV_BATCH 64       /* datagrams read per poll() wakeup */

#define DNS_HDR_LEN 12
#define DNS_NAME_MAX 255
#define TYPE_A 1
#define TYPE_SOA 6
#define TYPE_OPT 41
#define SOA_RR_LEN 34       /* ptr type class ttl rdlen, "." "." and 5 x 32 bits */
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
  struct ep_common common;              /* -l, -p, -P */
  enum mode mode;
  struct in_addr addrs[MAX_ADDRS];
  size_t n_addrs;
  long delay_ms;
  int validating;                       /* -s */
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

static void
usage(FILE *out)
{
  fprintf(out,
          "usage: ep-dns-responder -l ADDR -p PORT -m MODE [-a IPv4]... "
          "[-d DELAY_MS] [-s] [-P PIDFILE]\n"
          "  MODE: servfail | refused | nxdomain | answer | silent\n"
          "  -s: set the AD bit on answers to queries with DO\n");
}

static int
parse_mode(const char *s, enum mode *out)
{
  /* In the order of enum mode, after MODE_NONE. */
  static const char *const names[] = {
    "servfail",
    "refused",
    "nxdomain",
    "answer",
    "silent",
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
  int c;

  memset(cfg, 0, sizeof *cfg);
  cfg->mode = MODE_NONE;
  opterr = 0;
  while ((c = getopt(argc, argv, ":l:p:m:a:d:sP:h")) != -1) {
    switch (c) {
    case 'm':
      if (parse_mode(optarg, &cfg->mode) < 0)
        return ep_bad_arg("-m", optarg,
                          "mode must be servfail, refused, nxdomain, answer "
                          "or silent");
      break;
    case 'a':
      if (cfg->n_addrs >= MAX_ADDRS)
        return ep_bad_arg("-a", optarg, "at most 16 addresses");
      if (ep_parse_addr("-a", optarg, &cfg->addrs[cfg->n_addrs]) < 0)
        return -1;
      cfg->n_addrs++;
      break;
    case 'd':
      if (ep_parse_delay(optarg, &cfg->delay_ms) < 0)
        return -1;
      break;
    case 's':
      cfg->validating = 1;
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
  return 0;
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

/* Whether the query's additional section opens with an OPT record whose
 * DO bit is set (RFC 3225). */
static int
asks_dnssec(const unsigned char *pkt, size_t len, size_t qend)
{
  if (get16(pkt + 10) == 0 || len < qend + 11 || pkt[qend] != 0 ||
      get16(pkt + qend + 1) != TYPE_OPT)
    return 0;
  return (pkt[qend + 7] & 0x80) != 0;
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
  unsigned ad = 0;
  int soa = 0;

  if (parse_query(pkt, len, &qend, &qtype, &qclass) < 0)
    return 0;
  if (qend > REPLY_MAX)                /* cannot happen: 12 + 255 + 4 */
    return 0;
  /* The root zone exists whatever the mode: its SOA is what a client asks
   * to learn whether we validate. */
  if (qtype == TYPE_SOA && qclass == CLASS_IN && pkt[DNS_HDR_LEN] == 0 &&
      cfg->mode != MODE_SILENT) {
    soa = 1;
    ad = cfg->validating && asks_dnssec(pkt, len, qend);
  } else switch (cfg->mode) {
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
  out[3] = (unsigned char)(0x80 | (ad << 5) | rcode);
  put16(out + 4, 1);                   /* QDCOUNT */
  put16(out + 6, (uint16_t)(n_ans + (size_t)soa)); /* ANCOUNT */
  put16(out + 8, 0);                   /* NSCOUNT */
  put16(out + 10, 0);                  /* ARCOUNT */
  off = qend;
  for (i = 0; i < n_ans; i++) {
    unsigned char *rr = out + off;

    rr[0] = 0xc0;                      /* pointer to the question name */
    rr[1] = 0x0c;
    put16(rr + 2, TYPE_A);
    put16(rr + 4, CLASS_IN);
    ep_put32(rr + 6, ANSWER_TTL);
    put16(rr + 10, 4);
    memcpy(rr + 12, &cfg->addrs[i].s_addr, 4);
    off += A_RR_LEN;
  }
  if (soa && off + SOA_RR_LEN <= REPLY_MAX) {
    unsigned char *rr = out + off;

    memset(rr, 0, SOA_RR_LEN);
    rr[0] = 0xc0;
    rr[1] = 0x0c;
    put16(rr + 2, TYPE_SOA);
    put16(rr + 4, CLASS_IN);
    ep_put32(rr + 6, ANSWER_TTL);
    put16(rr + 10, SOA_RR_LEN - 12);   /* "." "." then five numbers */
    ep_put32(rr + 14, 2026120700);     /* serial */
    off += SOA_RR_LEN;
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
    struct pending *p;
    ssize_t r;
    size_t rlen;

    r = ep_recv_dgram(fd, buf, sizeof buf, &from);
    if (r == -1)
      return;
    if (r < 0)
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
    p->due_ns = ep_deadline_ns(cfg->delay_ms);
    q_count++;
  }
}

static void
flush_due(int fd)
{
  int64_t now = ep_now_ns();

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
  return q_count == 0 ? -1 : ep_ms_until(queue[q_head].due_ns);
}

int
main(int argc, char **argv)
{
  struct config cfg;
  int fd;

  ep_util_init("ep-dns-responder", usage);
  if (parse_args(argc, argv, &cfg) < 0)
    return 2;
  if (ep_signals_setup() < 0)
    return 1;
  fd = ep_open_udp(cfg.common.listen_addr, cfg.common.port);
  if (fd < 0)
    return 1;
  if (cfg.common.pidfile != NULL && ep_write_pidfile(cfg.common.pidfile) < 0) {
    close(fd);
    return 1;
  }

  while (!ep_signalled()) {
    struct pollfd pfd[2];
    int r;

    ep_poll_prepare(pfd, fd);
    r = ep_poll(pfd, 2, poll_timeout());
    if (r < 0)
      break;
    if (r == 0)
      continue;
    if (pfd[1].revents != 0)
      handle_readable(fd, &cfg);
    flush_due(fd);
  }

  close(fd);
  return ep_finish(cfg.common.pidfile);
}
