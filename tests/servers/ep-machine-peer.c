/* ep-machine-peer: TCP server playing machine controllers for edgeprobe's
 * "machines" probe tests, written from the protocols' specifications:
 * an OPC UA server's Hello / Acknowledge / Error (OPC 10000-6, 7.1.2), an
 * EtherNet/IP device's ListIdentity (ODVA CIP Vol 2, chapter 2), an
 * MTConnect adapter's SHDR heartbeat (* PING / * PONG); or a peer that
 * sends binary garbage, or nothing at all. -d delays every answer. */

#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#include "ep_server_util.h"

#define PROG "ep-machine-peer"
#define MAX_CONNS 512
#define LISTEN_BACKLOG 128
#define ACCEPT_BATCH 64     /* connections accepted per poll() wakeup */
#define READ_BATCH 8        /* recv() calls per connection per wakeup */
#define IN_CAP 8192         /* a request that does not fit closes */
#define OUT_CAP 4096        /* answers queued and not yet sent */
#define MAX_MARKS 32        /* answers waiting for their -d delay */
#define ANSWER_MAX 512      /* the longest answer (ListIdentity: 319) */
#define LINGER_MS 2000      /* after an ERR and our FIN: wait for the client's */
#define ACCEPT_PAUSE_MS 100 /* out of descriptors: accept() again after this */
#define NAME_MAX_LEN 255    /* a SHORT_STRING's length is one byte */
#define DEFAULT_NAME "1756-L71/B LOGIX5571"

/* OPC UA Connection Protocol (OPC 10000-6, 7.1.2): every message starts
 * with MessageType (3 bytes), a chunk type ('F': final) and the UInt32
 * MessageSize, little-endian, of the whole message. */
#define UA_HDR_LEN 8
#define UA_HEL_MIN 32       /* header, five UInt32, the EndpointUrl's length */
#define UA_HEL_MAX 4096
#define UA_ACK_LEN 28       /* header, five UInt32 */
#define UA_BUFFER_SIZE 65536u
#define UA_BAD_TCP_MESSAGE_TYPE_INVALID 0x807E0000u
#define UA_BAD_TCP_ENDPOINT_URL_INVALID 0x80830000u

/* EtherNet/IP encapsulation (CIP Vol 2, 2-3): a 24-byte header, then
 * Length bytes of command data; everything little-endian except the
 * socket address, which is in network order. */
#define ENIP_HDR_LEN 24
#define ENIP_OFF_LENGTH 2
#define ENIP_OFF_SESSION 4
#define ENIP_OFF_STATUS 8
#define ENIP_OFF_CONTEXT 12
#define ENIP_CONTEXT_LEN 8
#define ENIP_LIST_IDENTITY 0x0063u
#define ENIP_STATUS_INVALID_COMMAND 0x0001u
#define ENIP_STATUS_INVALID_LENGTH 0x0065u
#define CIP_ITEM_IDENTITY 0x000Cu
#define CIP_IDENTITY_FIXED 34  /* item bytes besides the product name's */
#define ENIP_ENCAP_VERSION 1u
#define ENIP_SIN_FAMILY 2u     /* AF_INET as the specification fixes it */
#define ENIP_TCP_PORT 44818u
#define CIP_VENDOR_ROCKWELL 1u
#define CIP_DEVICE_PLC 0x0Eu
#define CIP_PRODUCT_CODE 0x36u
#define CIP_REV_MAJOR 20u
#define CIP_REV_MINOR 11u
#define CIP_SERIAL 0x00C0FFEEu
#define CIP_STATE_OPERATIONAL 3u

enum mode
{
  MODE_NONE,
  MODE_OPCUA,
  MODE_OPCUA_ERR,
  MODE_ENIP,
  MODE_SHDR,
  MODE_GARBAGE,
  MODE_SILENT
};

/* What is done with a connection's input. */
enum phase
{
  PH_PARSE,         /* requests are parsed and answered */
  PH_DISCARD,       /* input is read and dropped */
  PH_LINGER         /* our FIN is sent: input dropped until the client's */
};

enum ua_verdict
{
  UA_MORE,
  UA_HELLO,
  UA_BAD
};

struct config
{
  struct ep_common common;              /* -l, -p, -P */
  enum mode mode;
  long delay_ms;                        /* -d */
  const char *name;                     /* -n: the ListIdentity product */
  size_t name_len;
};

/* The queued bytes up to end may go out at due (monotonic ns). */
struct mark
{
  size_t end;
  int64_t due;
};

struct conn
{
  int fd;                   /* -1: a free slot */
  unsigned long long seq;   /* accept order, to drop the oldest */
  enum phase phase;
  int peer_eof;             /* the client has sent its FIN */
  int close_after;          /* close once the queued answer is sent */
  int stalled;              /* an answer did not fit: parse again later */
  int64_t linger_due;
  size_t in_len;
  size_t out_len;           /* queued, not yet sent */
  size_t out_ready;         /* of which due: their delay is over */
  size_t n_marks;
  struct mark marks[MAX_MARKS];
  unsigned char in[IN_CAP];
  unsigned char out[OUT_CAP];
};

/* 64 fixed bytes with NUL, 0xff, ESC, LF and CR among them. */
static const unsigned char garbage[] = {
  0x00, 0x84, 0x4c, 0xbb, 0xbc, 0xab, 0x08, 0x76,
  0x9b, 0xff, 0x19, 0xd0, 0xb7, 0x99, 0x2b, 0x5d,
  0x3f, 0x0f, 0x67, 0xa7, 0x01, 0x1b, 0x99, 0x9a,
  0xd4, 0xcd, 0x6b, 0xec, 0xbf, 0xd3, 0x7e, 0x1c,
  0x84, 0x0a, 0x8e, 0xc1, 0x74, 0x6f, 0x4d, 0xdb,
  0x1c, 0xc0, 0x0f, 0xa8, 0xcf, 0xb9, 0x30, 0x00,
  0xe1, 0xa9, 0x1e, 0x3b, 0x5c, 0x1f, 0x94, 0xa6,
  0x6a, 0x05, 0x0d, 0x08, 0x79, 0x7f, 0xb8, 0xbe
};

static const char shdr_ping[] = "* PING";
static const char shdr_pong[] = "* PONG 10000\n";

static struct config config;
static struct conn conns[MAX_CONNS];
static unsigned long long next_seq;

static void
usage(FILE *out)
{
  fprintf(out,
          "usage: " PROG " -l ADDR -p PORT -m MODE [-n NAME] [-d DELAY_MS] "
          "[-P PIDFILE]\n"
          "  MODE: opcua | opcua-err | enip | shdr | garbage | silent\n"
          "  -n NAME: the product name enip reports (default \""
          DEFAULT_NAME "\")\n");
}

static int
parse_mode(const char *s, enum mode *out)
{
  /* In the order of enum mode, after MODE_NONE. */
  static const char *const names[] = {
    "opcua",
    "opcua-err",
    "enip",
    "shdr",
    "garbage",
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
  cfg->name = DEFAULT_NAME;
  opterr = 0;
  while ((c = getopt(argc, argv, ":l:p:m:n:d:P:h")) != -1) {
    switch (c) {
    case 'm':
      if (parse_mode(optarg, &cfg->mode) < 0)
        return ep_bad_arg("-m", optarg,
                          "mode must be opcua, opcua-err, enip, shdr, "
                          "garbage or silent");
      break;
    case 'n':
      if (strlen(optarg) > NAME_MAX_LEN)
        return ep_bad_arg("-n", optarg, "name must be 0..255 bytes");
      cfg->name = optarg;
      break;
    case 'd':
      if (ep_parse_delay(optarg, &cfg->delay_ms) < 0)
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
  if (cfg->mode == MODE_NONE)
    return ep_missing("-m MODE");
  cfg->name_len = strlen(cfg->name);
  return 0;
}

static uint16_t
get_le16(const unsigned char *p)
{
  return (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t
get_le32(const unsigned char *p)
{
  return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16)
         | ((uint32_t)p[3] << 24);
}

static void
put_le16(unsigned char *p, unsigned v)
{
  p[0] = (unsigned char)(v & 0xff);
  p[1] = (unsigned char)((v >> 8) & 0xff);
}

static void
put_le32(unsigned char *p, uint32_t v)
{
  p[0] = (unsigned char)(v & 0xff);
  p[1] = (unsigned char)((v >> 8) & 0xff);
  p[2] = (unsigned char)((v >> 16) & 0xff);
  p[3] = (unsigned char)(v >> 24);
}

static void
put_be16(unsigned char *p, unsigned v)
{
  p[0] = (unsigned char)((v >> 8) & 0xff);
  p[1] = (unsigned char)(v & 0xff);
}

/* Queue an answer, due after the -d delay; -1 when it does not fit now. */
static int
queue_answer(struct conn *c, const void *data, size_t len)
{
  if (len > OUT_CAP - c->out_len)
    return -1;
  if (config.delay_ms > 0 && c->n_marks >= MAX_MARKS)
    return -1;
  memcpy(c->out + c->out_len, data, len);
  c->out_len += len;
  if (config.delay_ms == 0) {
    c->out_ready = c->out_len;
  } else {
    c->marks[c->n_marks].end = c->out_len;
    c->marks[c->n_marks].due = ep_deadline_ns(config.delay_ms);
    c->n_marks++;
  }
  return 0;
}

/* Drop the first n bytes of the input buffer. */
static void
consume_in(struct conn *c, size_t n)
{
  if (n == 0)
    return;
  memmove(c->in, c->in + n, c->in_len - n);
  c->in_len -= n;
}

/* Drop the first n (sent) bytes of the output buffer. */
static void
consume_out(struct conn *c, size_t n)
{
  size_t i;

  memmove(c->out, c->out + n, c->out_len - n);
  c->out_len -= n;
  c->out_ready -= n;
  for (i = 0; i < c->n_marks; i++)
    c->marks[i].end -= n;              /* each end is past out_ready >= n */
}

/* Make the answers whose delay is over ready to send. */
static void
release_due(struct conn *c, int64_t now)
{
  size_t k = 0;

  while (k < c->n_marks && c->marks[k].due <= now) {
    c->out_ready = c->marks[k].end;
    k++;
  }
  if (k == 0)
    return;
  memmove(c->marks, c->marks + k, (c->n_marks - k) * sizeof c->marks[0]);
  c->n_marks -= k;
}

/* Is the start of p (len bytes) a Hello: complete, well formed, or not? */
static enum ua_verdict
ua_check_hello(const unsigned char *p, size_t len)
{
  static const unsigned char hel[4] = { 'H', 'E', 'L', 'F' };
  uint32_t size;
  uint32_t url_len;

  if (memcmp(p, hel, len < sizeof hel ? len : sizeof hel) != 0)
    return UA_BAD;
  if (len < UA_HDR_LEN)
    return UA_MORE;
  size = get_le32(p + 4);
  if (size < UA_HEL_MIN || size > UA_HEL_MAX)
    return UA_BAD;
  if (len < size)
    return UA_MORE;
  /* EndpointUrl: Int32 length, -1 for a null String, then the bytes;
   * they must end the message exactly. */
  url_len = get_le32(p + UA_HEL_MIN - 4);
  if (url_len == 0xFFFFFFFFu)
    url_len = 0;
  if (url_len != size - UA_HEL_MIN)
    return UA_BAD;
  return UA_HELLO;
}

/* Acknowledge: ProtocolVersion 0, buffers of 64 KiB, no size or chunk
 * limits. */
static size_t
ua_ack(unsigned char *out)
{
  memcpy(out, "ACKF", 4);
  put_le32(out + 4, UA_ACK_LEN);
  put_le32(out + 8, 0);
  put_le32(out + 12, UA_BUFFER_SIZE);
  put_le32(out + 16, UA_BUFFER_SIZE);
  put_le32(out + 20, 0);
  put_le32(out + 24, 0);
  return UA_ACK_LEN;
}

/* Error: the UInt32 status code and the Reason as a UA String. */
static size_t
ua_error(unsigned char *out, uint32_t code, const char *reason)
{
  size_t len = strlen(reason);
  size_t size = UA_HDR_LEN + 8 + len;

  memcpy(out, "ERRF", 4);
  put_le32(out + 4, (uint32_t)size);
  put_le32(out + 8, code);
  put_le32(out + 12, (uint32_t)len);
  memcpy(out + 16, reason, len);
  return size;
}

/* One Hello per connection: answered, then the rest of the input is
 * dropped; after an Error the connection closes. */
static void
parse_opcua(struct conn *c)
{
  unsigned char ans[ANSWER_MAX];
  enum ua_verdict v = ua_check_hello(c->in, c->in_len);
  size_t n;

  if (v == UA_MORE)
    return;
  if (v == UA_BAD)
    n = ua_error(ans, UA_BAD_TCP_MESSAGE_TYPE_INVALID, "bad hello");
  else if (config.mode == MODE_OPCUA)
    n = ua_ack(ans);
  else
    n = ua_error(ans, UA_BAD_TCP_ENDPOINT_URL_INVALID,
                 "endpoint url rejected");
  if (queue_answer(c, ans, n) < 0) {
    c->stalled = 1;
    return;
  }
  c->in_len = 0;
  c->phase = PH_DISCARD;
  c->close_after = !(v == UA_HELLO && config.mode == MODE_OPCUA);
}

/* The ListIdentity reply's data (after the header): one CIP Identity
 * item (CIP Vol 2, table 2-4.4); returns its length. */
static size_t
enip_identity(unsigned char *p)
{
  size_t item_len = CIP_IDENTITY_FIXED + config.name_len;
  unsigned char *q = p + 6;

  put_le16(p, 1);                      /* item count */
  put_le16(p + 2, CIP_ITEM_IDENTITY);
  put_le16(p + 4, (unsigned)item_len);
  put_le16(q, ENIP_ENCAP_VERSION);
  q += 2;
  put_be16(q, ENIP_SIN_FAMILY);        /* the socket address: big-endian */
  put_be16(q + 2, ENIP_TCP_PORT);
  memcpy(q + 4, &config.common.listen_addr.s_addr, 4);
  memset(q + 8, 0, 8);
  q += 16;
  put_le16(q, CIP_VENDOR_ROCKWELL);
  put_le16(q + 2, CIP_DEVICE_PLC);
  put_le16(q + 4, CIP_PRODUCT_CODE);
  q[6] = CIP_REV_MAJOR;
  q[7] = CIP_REV_MINOR;
  put_le16(q + 8, 0);                  /* status */
  put_le32(q + 10, CIP_SERIAL);
  q[14] = (unsigned char)config.name_len;
  memcpy(q + 15, config.name, config.name_len);
  q[15 + config.name_len] = CIP_STATE_OPERATIONAL;
  return 6 + item_len;
}

/* The reply to the complete request req: same command, session handle
 * and sender context; returns its length. */
static size_t
enip_reply(const unsigned char *req, unsigned char *out)
{
  unsigned cmd = get_le16(req);
  unsigned len = get_le16(req + ENIP_OFF_LENGTH);
  size_t data = 0;

  memset(out, 0, ENIP_HDR_LEN);
  put_le16(out, cmd);
  memcpy(out + ENIP_OFF_SESSION, req + ENIP_OFF_SESSION, 4);
  memcpy(out + ENIP_OFF_CONTEXT, req + ENIP_OFF_CONTEXT, ENIP_CONTEXT_LEN);
  if (cmd != ENIP_LIST_IDENTITY)
    put_le32(out + ENIP_OFF_STATUS, ENIP_STATUS_INVALID_COMMAND);
  else if (len != 0)
    put_le32(out + ENIP_OFF_STATUS, ENIP_STATUS_INVALID_LENGTH);
  else
    data = enip_identity(out + ENIP_HDR_LEN);
  put_le16(out + ENIP_OFF_LENGTH, (unsigned)data);
  return ENIP_HDR_LEN + data;
}

/* Answer every complete request; -1 when one cannot fit the buffer. */
static int
parse_enip(struct conn *c)
{
  unsigned char ans[ANSWER_MAX];
  size_t off = 0;

  while (c->in_len - off >= ENIP_HDR_LEN) {
    const unsigned char *req = c->in + off;
    size_t total = ENIP_HDR_LEN + get_le16(req + ENIP_OFF_LENGTH);
    size_t n;

    if (total > IN_CAP)
      return -1;
    if (c->in_len - off < total)
      break;
    n = enip_reply(req, ans);
    if (queue_answer(c, ans, n) < 0) {
      c->stalled = 1;
      break;
    }
    off += total;
  }
  consume_in(c, off);
  return 0;
}

/* Answer every complete line that starts with "* PING". */
static void
parse_shdr(struct conn *c)
{
  size_t off = 0;

  for (;;) {
    const unsigned char *line = c->in + off;
    const unsigned char *nl = memchr(line, '\n', c->in_len - off);
    size_t len;

    if (nl == NULL)
      break;
    len = (size_t)(nl - line);
    if (len >= sizeof shdr_ping - 1
        && memcmp(line, shdr_ping, sizeof shdr_ping - 1) == 0
        && queue_answer(c, shdr_pong, sizeof shdr_pong - 1) < 0) {
      c->stalled = 1;
      break;
    }
    off += len + 1;
  }
  consume_in(c, off);
}

/* Parse and answer what has arrived; -1 to close (a request too big). */
static int
parse_input(struct conn *c)
{
  c->stalled = 0;
  switch (config.mode) {
  case MODE_OPCUA:
  case MODE_OPCUA_ERR:
    parse_opcua(c);
    break;
  case MODE_ENIP:
    if (parse_enip(c) < 0)
      return -1;
    break;
  case MODE_SHDR:
    parse_shdr(c);
    break;
  case MODE_GARBAGE:
  case MODE_SILENT:
  case MODE_NONE:
  default:
    c->in_len = 0;
    break;
  }
  if (c->phase == PH_PARSE && !c->stalled && c->in_len >= IN_CAP)
    return -1;
  return 0;
}

static void
drop_conn(struct conn *c)
{
  if (c->fd >= 0)
    close(c->fd);
  c->fd = -1;
}

/* Read what the client sends, into the buffer or away; -1 to close. */
static int
read_input(struct conn *c)
{
  static unsigned char scratch[IN_CAP];
  int n;

  for (n = 0; n < READ_BATCH && !c->peer_eof; n++) {
    int parsing = c->phase == PH_PARSE;
    unsigned char *dst = parsing ? c->in + c->in_len : scratch;
    size_t cap = parsing ? IN_CAP - c->in_len : sizeof scratch;
    ssize_t r;

    if (parsing && (c->stalled || cap == 0))
      return 0;
    r = recv(c->fd, dst, cap, 0);
    if (r == 0) {
      c->peer_eof = 1;
      return 0;
    }
    if (r < 0) {
      if (errno == EINTR)
        continue;
      return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
    }
    if (parsing) {
      c->in_len += (size_t)r;
      if (parse_input(c) < 0)
        return -1;
    }
  }
  return 0;
}

/* Send the answers that are due, as far as the socket takes them. */
static int
send_output(struct conn *c)
{
  while (c->out_ready > 0) {
    ssize_t r = send(c->fd, c->out, c->out_ready, MSG_NOSIGNAL);

    if (r < 0) {
      if (errno == EINTR)
        continue;
      return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
    }
    consume_out(c, (size_t)r);
  }
  return 0;
}

static void
handle_conn(struct conn *c, short revents)
{
  if (revents & (POLLNVAL | POLLERR | POLLHUP)) {
    drop_conn(c);                      /* reset, or both directions shut */
    return;
  }
  if ((revents & POLLIN) && read_input(c) < 0) {
    drop_conn(c);
    return;
  }
  if (c->out_ready > 0 && send_output(c) < 0)
    drop_conn(c);
}

static int64_t
earlier(int64_t a, int64_t b)
{
  return a < 0 || b < a ? b : a;
}

/* Timers and state changes; *next becomes the earliest timer still
 * pending (-1: none). */
static void
settle(struct conn *c, int64_t now, int64_t *next)
{
  release_due(c, now);
  if (c->stalled && c->phase == PH_PARSE && parse_input(c) < 0) {
    drop_conn(c);
    return;
  }
  if (c->out_len == 0) {
    if (c->close_after && c->phase != PH_LINGER) {
      /* Our FIN now, and the close when the client's comes: a close with
       * unread input would reset, and could destroy the Error in flight. */
      shutdown(c->fd, SHUT_WR);
      c->phase = PH_LINGER;
      c->linger_due = now + (int64_t)LINGER_MS * 1000000LL;
    } else if (c->peer_eof) {
      drop_conn(c);
      return;
    }
  }
  if (c->phase == PH_LINGER && now >= c->linger_due) {
    drop_conn(c);
    return;
  }
  if (c->n_marks > 0)
    *next = earlier(*next, c->marks[0].due);
  if (c->phase == PH_LINGER)
    *next = earlier(*next, c->linger_due);
}

static short
poll_events(const struct conn *c)
{
  short ev = 0;

  if (!c->peer_eof
      && (c->phase != PH_PARSE || (!c->stalled && c->in_len < IN_CAP)))
    ev |= POLLIN;
  if (c->out_ready > 0)
    ev |= POLLOUT;
  return ev;
}

/* A free slot; when there is none, the oldest connection's. */
static struct conn *
take_slot(void)
{
  struct conn *oldest = NULL;
  size_t i;

  for (i = 0; i < MAX_CONNS; i++) {
    if (conns[i].fd < 0)
      return &conns[i];
    if (oldest == NULL || conns[i].seq < oldest->seq)
      oldest = &conns[i];
  }
  drop_conn(oldest);
  return oldest;
}

static void
start_conn(struct conn *c, int fd)
{
  c->fd = fd;
  c->seq = next_seq++;
  c->phase = PH_PARSE;
  c->peer_eof = 0;
  c->close_after = 0;
  c->stalled = 0;
  c->linger_due = 0;
  c->in_len = 0;
  c->out_len = 0;
  c->out_ready = 0;
  c->n_marks = 0;
  if (config.mode == MODE_GARBAGE) {
    (void)queue_answer(c, garbage, sizeof garbage);
    c->phase = PH_DISCARD;
  } else if (config.mode == MODE_SILENT) {
    c->phase = PH_DISCARD;
  }
}

/* Accept what is waiting; out of descriptors, pause accepting a while
 * (*resume) rather than spin on a listener that stays readable. */
static void
accept_conns(int lfd, int64_t *resume)
{
  int n;

  for (n = 0; n < ACCEPT_BATCH; n++) {
    int fd = accept(lfd, NULL, NULL);

    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED)
        continue;
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS
          || errno == ENOMEM)
        *resume = ep_deadline_ns(ACCEPT_PAUSE_MS);
      return;
    }
    if (ep_set_nonblock_cloexec(fd) < 0) {
      close(fd);
      continue;
    }
    start_conn(take_slot(), fd);
  }
}

static void
close_all(void)
{
  size_t i;

  for (i = 0; i < MAX_CONNS; i++)
    drop_conn(&conns[i]);
}

int
main(int argc, char **argv)
{
  static struct pollfd pfd[2 + MAX_CONNS];
  static struct conn *polled_conn[MAX_CONNS];
  int64_t accept_resume = 0;
  size_t i;
  int lfd;

  ep_util_init(PROG, usage);
  if (parse_args(argc, argv, &config) < 0)
    return 2;
  for (i = 0; i < MAX_CONNS; i++)
    conns[i].fd = -1;
  if (ep_signals_setup() < 0)
    return 1;
  lfd = ep_open_tcp_listener(config.common.listen_addr, config.common.port,
                             LISTEN_BACKLOG);
  if (lfd < 0)
    return 1;
  if (config.common.pidfile != NULL
      && ep_write_pidfile(config.common.pidfile) < 0) {
    close(lfd);
    return 1;
  }

  while (!ep_signalled()) {
    int64_t now = ep_now_ns();
    int64_t next = -1;
    size_t polled = 0;
    int r;

    for (i = 0; i < MAX_CONNS; i++) {
      if (conns[i].fd >= 0)
        settle(&conns[i], now, &next);
    }
    ep_poll_prepare(pfd, lfd);
    if (accept_resume > now) {
      pfd[1].fd = -1;                  /* poll() skips it */
      next = earlier(next, accept_resume);
    }
    for (i = 0; i < MAX_CONNS; i++) {
      if (conns[i].fd < 0)
        continue;
      pfd[2 + polled].fd = conns[i].fd;
      pfd[2 + polled].events = poll_events(&conns[i]);
      pfd[2 + polled].revents = 0;
      polled_conn[polled++] = &conns[i];
    }
    r = ep_poll(pfd, (nfds_t)(2 + polled), next < 0 ? -1 : ep_ms_until(next));
    if (r < 0)
      break;
    if (r == 0)
      continue;
    for (i = 0; i < polled; i++) {
      if (pfd[2 + i].revents != 0)
        handle_conn(polled_conn[i], pfd[2 + i].revents);
    }
    if (pfd[1].revents != 0)
      accept_conns(lfd, &accept_resume);
  }

  close_all();
  close(lfd);
  return ep_finish(config.common.pidfile);
}
