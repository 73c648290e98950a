/* ep-tcp-hostile: misbehaving TCP server for edgeprobe's NATS probe tests.
 * Per connection: endless or huge INFO, bad JSON, silence, instant close, foreign banner or binary,
 * or a reset as soon as the client has spoken (an SNI filter answering a ClientHello); a NATS
 * server that answers before it is asked (early PONG or -ERR), or whose auth timer runs out;
 * one that records what the client sends (-o FILE) and refuses it. */

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

#define PROG "ep-tcp-hostile"
#define MAX_CONNS 256
#define LISTEN_BACKLOG 64
#define ACCEPT_BATCH 64     /* connections accepted per poll() wakeup */
#define CHUNK 16384         /* bytes per send() */
#define WRITE_BATCH 8       /* send() calls per connection per wakeup */
#define READ_BATCH 8        /* recv() calls per connection per wakeup */
#define HUGE_FILL (1u << 20)

enum mode
{
  MODE_NONE,
  MODE_ENDLESS,
  MODE_HUGE_INFO,
  MODE_BAD_JSON,
  MODE_INFO_SILENCE,
  MODE_ACCEPT_CLOSE,
  MODE_BANNER,
  MODE_BINARY,
  MODE_SILENT,
  MODE_RESET_AFTER_READ,
  MODE_EARLY_PONG,
  MODE_EARLY_ERR,
  MODE_AUTH_TIMEOUT,
  MODE_AUTH_RECORD
};

/* What a connection is sent: head, then fill_len (or endless) copies of
 * fill, then tail; generated on the fly, so nothing is ever buffered. */
struct script
{
  const unsigned char *head;
  size_t head_len;
  unsigned char fill;
  size_t fill_len;
  int endless;
  const unsigned char *tail;
  size_t tail_len;
  const char *on_input;         /* sent once, when the client has spoken */
};

struct config
{
  struct ep_common common;              /* -l, -p, -P */
  enum mode mode;
  const char *record;                   /* -o FILE: what clients sent */
};

struct conn
{
  int fd;
  size_t pos;               /* bytes of the script sent so far */
  int answered;             /* on_input sent */
};

static FILE *record_file;

static const char info_valid[] =
  "INFO {\"server_id\":\"NTESTSERVERID\",\"server_name\":\"hostile\","
  "\"version\":\"2.9.10\",\"proto\":1,\"host\":\"0.0.0.0\",\"port\":4222,"
  "\"headers\":true,\"max_payload\":1048576,\"client_id\":5,"
  "\"client_ip\":\"127.0.0.1\"}\r\n";
static const char info_early_pong[] =
  "INFO {\"server_id\":\"NTESTSERVERID\",\"version\":\"2.9.10\",\"proto\":1,"
  "\"client_id\":5}\r\nPONG\r\n";
static const char info_early_err[] =
  "INFO {\"server_id\":\"NTESTSERVERID\",\"version\":\"2.9.10\",\"proto\":1,"
  "\"client_id\":5,\"auth_required\":true}\r\n"
  "-ERR 'Authorization Violation'\r\n";
static const char info_auth[] =
  "INFO {\"server_id\":\"NTESTSERVERID\",\"version\":\"2.9.10\",\"proto\":1,"
  "\"client_id\":5,\"auth_required\":true}\r\n";
static const char err_auth_timeout[] = "-ERR 'Authentication Timeout'\r\n";
static const char err_auth_violation[] = "-ERR 'Authorization Violation'\r\n";
static const char info_bad_json[] =
  "INFO {\"server_id\": \"abc\", \"version\": }\r\n";
static const char ssh_banner[] = "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n";
static const char endless_head[] = "INFO ";
static const char huge_head[] = "INFO {\"server_id\":\"";
static const char huge_tail[] = "\"}\r\n";

/* 64 bytes from 0x00..0x1f and 0x80..0xff (no CR or LF), then CRLF. */
static const unsigned char binary_line[] = {
  0x00, 0x9f, 0x01, 0xff, 0x1b, 0x80, 0x02, 0xc3,
  0x1f, 0xa5, 0x07, 0xfe, 0x03, 0x8d, 0x10, 0xe2,
  0x04, 0xb7, 0x1e, 0x81, 0x05, 0xd0, 0x06, 0xf4,
  0x08, 0x9a, 0x11, 0xc0, 0x09, 0xee, 0x0b, 0x85,
  0x0c, 0xab, 0x0e, 0xfb, 0x0f, 0x90, 0x12, 0xc8,
  0x13, 0xdd, 0x14, 0x8a, 0x15, 0xb2, 0x16, 0xe9,
  0x17, 0xa0, 0x18, 0xf0, 0x19, 0x88, 0x1a, 0xbe,
  0x1c, 0xd7, 0x1d, 0x99, 0x00, 0xef, 0x1f, 0xfd,
  '\r', '\n'
};

/* Open connections, oldest first (appended on accept, compacted in order). */
static struct conn conns[MAX_CONNS];
static size_t n_conns;

static void
usage(FILE *out)
{
  fprintf(out,
          "usage: " PROG " -l ADDR -p PORT -m MODE [-P PIDFILE]\n"
          "  MODE: endless | huge-info | bad-json | info-silence | "
          "accept-close | banner | binary | silent |\n"
          "        reset-after-read | early-pong | early-err | auth-timeout |\n"
          "        auth-record -o FILE\n");
}

static int
parse_mode(const char *s, enum mode *out)
{
  /* In the order of enum mode, after MODE_NONE. */
  static const char *const names[] = {
    "endless",
    "huge-info",
    "bad-json",
    "info-silence",
    "accept-close",
    "banner",
    "binary",
    "silent",
    "reset-after-read",
    "early-pong",
    "early-err",
    "auth-timeout",
    "auth-record",
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
  while ((c = getopt(argc, argv, ":l:p:m:P:o:h")) != -1) {
    switch (c) {
    case 'o':
      cfg->record = optarg;
      break;
    case 'm':
      if (parse_mode(optarg, &cfg->mode) < 0)
        return ep_bad_arg("-m", optarg,
                          "mode must be endless, huge-info, bad-json, "
                          "info-silence, accept-close, banner, binary, "
                          "silent, reset-after-read, early-pong, early-err, "
                          "auth-timeout or auth-record");
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
  if (cfg->mode == MODE_AUTH_RECORD && cfg->record == NULL)
    return ep_missing("-o FILE (auth-record)");
  return 0;
}

static void
set_head(struct script *s, const void *head, size_t len)
{
  s->head = head;
  s->head_len = len;
}

/* The bytes every connection is sent in mode m (none for the silent ones). */
static void
make_script(enum mode m, struct script *s)
{
  memset(s, 0, sizeof *s);
  switch (m) {
  case MODE_ENDLESS:
    set_head(s, endless_head, sizeof endless_head - 1);
    s->fill = 'A';
    s->endless = 1;
    break;
  case MODE_HUGE_INFO:
    set_head(s, huge_head, sizeof huge_head - 1);
    s->fill = 'x';
    s->fill_len = HUGE_FILL;
    s->tail = (const unsigned char *)huge_tail;
    s->tail_len = sizeof huge_tail - 1;
    break;
  case MODE_BAD_JSON:
    set_head(s, info_bad_json, sizeof info_bad_json - 1);
    break;
  case MODE_INFO_SILENCE:
    set_head(s, info_valid, sizeof info_valid - 1);
    break;
  case MODE_BANNER:
    set_head(s, ssh_banner, sizeof ssh_banner - 1);
    break;
  case MODE_BINARY:
    set_head(s, binary_line, sizeof binary_line);
    break;
  case MODE_EARLY_PONG:
    set_head(s, info_early_pong, sizeof info_early_pong - 1);
    break;
  case MODE_EARLY_ERR:
    set_head(s, info_early_err, sizeof info_early_err - 1);
    break;
  case MODE_AUTH_TIMEOUT:
    set_head(s, info_auth, sizeof info_auth - 1);
    s->on_input = err_auth_timeout;
    break;
  case MODE_AUTH_RECORD:
    set_head(s, info_auth, sizeof info_auth - 1);
    s->on_input = err_auth_violation;
    break;
  case MODE_ACCEPT_CLOSE:
  case MODE_SILENT:
  case MODE_NONE:
  default:
    break;
  }
}

static size_t
min_size(size_t a, size_t b)
{
  return a < b ? a : b;
}

/* Copy up to cap script bytes starting at pos into buf; returns the count. */
static size_t
fill_chunk(const struct script *s, size_t pos, unsigned char *buf, size_t cap)
{
  size_t n = 0;

  while (n < cap) {
    size_t k;

    if (pos < s->head_len) {
      k = min_size(s->head_len - pos, cap - n);
      memcpy(buf + n, s->head + pos, k);
    } else if (s->endless) {
      k = cap - n;
      memset(buf + n, s->fill, k);
    } else if (pos - s->head_len < s->fill_len) {
      k = min_size(s->fill_len - (pos - s->head_len), cap - n);
      memset(buf + n, s->fill, k);
    } else if (pos - s->head_len - s->fill_len < s->tail_len) {
      size_t off = pos - s->head_len - s->fill_len;

      k = min_size(s->tail_len - off, cap - n);
      memcpy(buf + n, s->tail + off, k);
    } else {
      break;
    }
    n += k;
    pos += k;
  }
  return n;
}

static int
has_output(const struct script *s, const struct conn *c)
{
  return s->endless || c->pos < s->head_len + s->fill_len + s->tail_len;
}

static void
drop_conn(struct conn *c)
{
  if (c->fd >= 0)
    close(c->fd);
  c->fd = -1;
}

/* Remove closed slots, keeping the rest in accept order. */
static void
compact_conns(void)
{
  size_t i;
  size_t j = 0;

  for (i = 0; i < n_conns; i++) {
    if (conns[i].fd >= 0)
      conns[j++] = conns[i];
  }
  n_conns = j;
}

static void
drop_oldest(void)
{
  drop_conn(&conns[0]);
  compact_conns();
}

static void
accept_conns(int lfd, enum mode m)
{
  int n;

  for (n = 0; n < ACCEPT_BATCH; n++) {
    struct conn *c;
    int fd = accept(lfd, NULL, NULL);

    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED)
        continue;
      return;                          /* EAGAIN, or out of descriptors */
    }
    if (m == MODE_ACCEPT_CLOSE || ep_set_nonblock_cloexec(fd) < 0) {
      close(fd);
      continue;
    }
    if (n_conns >= MAX_CONNS)
      drop_oldest();
    c = &conns[n_conns++];
    c->fd = fd;
    c->pos = 0;
    c->answered = 0;
  }
}

/* Closes with a RST instead of a FIN: SO_LINGER with a zero timeout. */
static void
reset_conn(struct conn *c)
{
  struct linger lg = {1, 0};

  setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  drop_conn(c);
}

/* Read and discard what the client sends (recorded with -o); answers it
 * once where the mode says so; closes on EOF or error. */
static void
discard_input(const struct script *s, struct conn *c, enum mode m)
{
  static unsigned char buf[CHUNK];
  int n;

  for (n = 0; n < READ_BATCH; n++) {
    ssize_t r = recv(c->fd, buf, sizeof buf, 0);

    if (r > 0 && m == MODE_RESET_AFTER_READ) {
      reset_conn(c);
      return;
    }
    if (r > 0 && record_file != NULL) {
      fwrite(buf, 1, (size_t)r, record_file);
      fflush(record_file);
    }
    if (r > 0 && s->on_input != NULL && !c->answered) {
      c->answered = 1;
      if (send(c->fd, s->on_input, strlen(s->on_input), MSG_NOSIGNAL) < 0) {
        drop_conn(c);
        return;
      }
    }
    if (r > 0)
      continue;
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
      return;
    drop_conn(c);                      /* EOF or a hard error */
    return;
  }
}

/* Send as much of the script as the socket takes right now. */
static void
send_output(const struct script *s, struct conn *c)
{
  static unsigned char buf[CHUNK];
  int n;

  for (n = 0; n < WRITE_BATCH && has_output(s, c); n++) {
    size_t len = fill_chunk(s, c->pos, buf, sizeof buf);
    ssize_t r = send(c->fd, buf, len, 0);

    if (r < 0) {
      if (errno == EINTR)
        continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK)
        drop_conn(c);
      return;
    }
    c->pos += (size_t)r;
    if (s->endless && c->pos > s->head_len)
      c->pos = s->head_len;            /* the fill repeats: no need to count */
  }
}

static void
handle_conn(const struct script *s, enum mode m, struct conn *c,
            short revents)
{
  if (revents & POLLNVAL) {
    drop_conn(c);
    return;
  }
  if (revents & (POLLIN | POLLHUP | POLLERR))
    discard_input(s, c, m);
  if (c->fd >= 0 && (revents & POLLOUT))
    send_output(s, c);
}

static void
close_all(void)
{
  size_t i;

  for (i = 0; i < n_conns; i++)
    drop_conn(&conns[i]);
  n_conns = 0;
}

int
main(int argc, char **argv)
{
  static struct pollfd pfd[2 + MAX_CONNS];
  struct config cfg;
  struct script script;
  int lfd;

  ep_util_init(PROG, usage);
  if (parse_args(argc, argv, &cfg) < 0)
    return 2;
  make_script(cfg.mode, &script);
  if (cfg.record != NULL && (record_file = fopen(cfg.record, "a")) == NULL) {
    fprintf(stderr, PROG ": %s: %s\n", cfg.record, strerror(errno));
    return 1;
  }
  if (ep_signals_setup() < 0)
    return 1;
  lfd = ep_open_tcp_listener(cfg.common.listen_addr, cfg.common.port,
                             LISTEN_BACKLOG);
  if (lfd < 0)
    return 1;
  if (cfg.common.pidfile != NULL && ep_write_pidfile(cfg.common.pidfile) < 0) {
    close(lfd);
    return 1;
  }

  while (!ep_signalled()) {
    size_t i;
    size_t polled;
    int r;

    ep_poll_prepare(pfd, lfd);
    for (i = 0; i < n_conns; i++) {
      pfd[2 + i].fd = conns[i].fd;
      pfd[2 + i].events = POLLIN;
      if (has_output(&script, &conns[i]))
        pfd[2 + i].events |= POLLOUT;
      pfd[2 + i].revents = 0;
    }
    polled = n_conns;
    r = ep_poll(pfd, (nfds_t)(2 + polled), -1);
    if (r < 0)
      break;
    if (r == 0)
      continue;
    for (i = 0; i < polled; i++) {
      if (pfd[2 + i].revents != 0)
        handle_conn(&script, cfg.mode, &conns[i], pfd[2 + i].revents);
    }
    compact_conns();
    if (pfd[1].revents != 0)
      accept_conns(lfd, cfg.mode);
  }

  close_all();
  close(lfd);
  return ep_finish(cfg.common.pidfile);
}
