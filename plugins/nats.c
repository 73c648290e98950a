#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ep_addr.h"
#include "ep_buf.h"
#include "ep_cause.h"
#include "ep_json.h"
#include "ep_neterr.h"
#include "ep_output.h"
#include "ep_pmtu.h"
#include "ep_run.h"
#include "ep_rxtime.h"
#include "ep_summary.h"
#include "ep_time.h"
#include "ep_tls.h"
#include "nats.h"
#include "nats_settings.h"

#define SAID_MAX 60 /* characters of a stranger's words we repeat */
#define TEXT_MAX 2048

enum phase {
  P_RESOLVE, /* waiting for the resolver */
  P_CONNECT, /* TCP connect in progress */
  P_INFO,    /* waiting for the first line */
  P_TLS,     /* handshake */
  P_SEND,    /* CONNECT and PING going out */
  P_PONG,    /* waiting for PONG or -ERR */
  P_DONE
};

enum outcome { R_NONE, R_PONG, R_AUTH, R_FAIL };

struct nats_target {
  char                 spec[EP_HOST_MAX + 8];
  struct ep_hostport   hp;
  enum phase           phase;
  enum outcome         outcome;
  char                 problem[400]; /* why it failed */
  char                 server_err[128];
  int                  fd;
  struct ep_tls       *tls;
  bool                 tls_want_write;
  struct sockaddr_in6  sa; /* or sockaddr_in */
  socklen_t            salen;
  char                 addr[EP_DNS_ADDR_TEXT];
  struct timespec      t_start, t_connected, t_ping, t_sent;
  double               connect_s, info_s, rtt_s;
  bool                 have_connect, have_info, have_rtt;
  char                 line[EP_NATS_LINE_MAX + 1];
  size_t               line_len;
  size_t               read_total;
  struct ep_buf        out; /* bytes still to send */
  struct ep_nats_info  info;
  bool                 have_tls;
  bool                 withheld; /* credentials kept from a plaintext server */
  const char          *code; /* why it failed (ep_cause.h) */
  struct ep_tls_report tlsr;
  /* The TLS handshake's start; a second attempt with small segments
   * after it heard nothing (ep_pmtu.h), or none possible. */
  struct timespec      t_tls, t_tls_answer; /* the server's first flight */
  bool                 tls_answered;
  double               first_silent_s; /* the first attempt's, in TLS */
  bool                 small_mss, retry_denied;
};

struct nats_ctx {
  struct ep_nats_options opts;
  struct ep_secret       secret; /* opts.secret points here when set */
  struct ep_tls_ctx     *tls_ctx;
  struct nats_target    *targets;
  size_t                 n_targets;
  struct ep_run         *run;
};

struct lookup_slot {
  struct nats_ctx *ctx;
  size_t           target;
};

void
ep_nats_safe_text(const char *in, size_t len, size_t max, char *out,
                  size_t size)
{
  size_t i, n = 0;

  if (size == 0)
    return;
  for (i = 0; i < len && i < max && n + 1 < size; i++) {
    unsigned char c = (unsigned char)in[i];

    out[n++] = (c >= 0x20 && c < 0x7f) ? (char)c : '.';
  }
  if (len > max && n + 4 <= size) {
    memcpy(out + n, "...", 3);
    n += 3;
  }
  out[n] = '\0';
}

static void
copy_string(json_object *o, const char *key, char *out, size_t size)
{
  json_object *v;

  if (json_object_object_get_ex(o, key, &v) &&
      json_object_is_type(v, json_type_string))
    ep_nats_safe_text(json_object_get_string(v),
                      (size_t)json_object_get_string_len(v), size - 4, out,
                      size);
}

static bool
get_bool(json_object *o, const char *key)
{
  json_object *v;

  return json_object_object_get_ex(o, key, &v) &&
         json_object_is_type(v, json_type_boolean) &&
         json_object_get_boolean(v);
}

enum ep_status
ep_nats_parse_info(const char *line, size_t len, struct ep_nats_info *info,
                   char *why, size_t size)
{
  struct json_tokener    *tok;
  enum json_tokener_error jerr;
  json_object            *o, *v;
  char                    said[SAID_MAX + 8];

  memset(info, 0, sizeof *info);
  if (len < 5 || memcmp(line, "INFO ", 5) != 0) {
    ep_nats_safe_text(line, len, SAID_MAX, said, sizeof said);
    snprintf(why, size, "not NATS: said '%s'", said);
    return EP_EPROTO;
  }
  tok = json_tokener_new_ex(8);
  if (!tok) {
    snprintf(why, size, "out of memory");
    return EP_ENOMEM;
  }
  o = json_tokener_parse_ex(tok, line + 5, (int)(len - 5));
  jerr = json_tokener_get_error(tok);
  json_tokener_free(tok);
  if (!o || jerr != json_tokener_success ||
      !json_object_is_type(o, json_type_object)) {
    json_object_put(o);
    snprintf(why, size, "INFO is not a JSON object (%s)",
             jerr == json_tokener_continue ? "unexpected end of data"
             : jerr != json_tokener_success ? json_tokener_error_desc(jerr)
                                            : "another JSON value");
    return EP_EPROTO;
  }
  copy_string(o, "server_id", info->server_id, sizeof info->server_id);
  copy_string(o, "server_name", info->server_name, sizeof info->server_name);
  copy_string(o, "version", info->version, sizeof info->version);
  if (json_object_object_get_ex(o, "proto", &v) &&
      json_object_is_type(v, json_type_int))
    info->proto = json_object_get_int(v);
  if (json_object_object_get_ex(o, "max_payload", &v) &&
      json_object_is_type(v, json_type_int))
    info->max_payload = json_object_get_int64(v);
  info->tls_required = get_bool(o, "tls_required");
  info->tls_available = get_bool(o, "tls_available");
  info->auth_required = get_bool(o, "auth_required");
  /* A leafnode listener (nats-server 2.9) lists leafnode_urls and says
   * info_on_connect; it may still hand out a client_id. */
  info->leafnode = json_object_object_get_ex(o, "leafnode_urls", NULL) ||
                   get_bool(o, "info_on_connect") ||
                   !json_object_object_get_ex(o, "client_id", NULL);
  json_object_put(o);
  if (!info->server_id[0]) {
    snprintf(why, size, "INFO without a server_id");
    return EP_EPROTO;
  }
  return EP_OK;
}

static void
close_target(struct nats_target *t)
{
  ep_tls_free(t->tls);
  t->tls = NULL;
  if (t->fd >= 0)
    close(t->fd);
  t->fd = -1;
}

static void
fail(struct nats_target *t, const char *code, const char *fmt, ...)
  __attribute__((format(printf, 3, 4)));

/* Ends t as failed: code (ep_cause.h) and words, unless it already ended. */
static void
fail(struct nats_target *t, const char *code, const char *fmt, ...)
{
  va_list ap;

  if (t->outcome == R_NONE) {
    t->code = code;
    va_start(ap, fmt);
    vsnprintf(t->problem, sizeof t->problem, fmt, ap);
    va_end(ap);
    t->outcome = R_FAIL;
  }
  t->phase = P_DONE;
  close_target(t);
}

static void
done(struct nats_target *t, enum outcome o)
{
  if (t->outcome == R_NONE)
    t->outcome = o;
  t->phase = P_DONE;
  close_target(t);
}

static void
start_connect(struct nats_ctx *c, struct nats_target *t, const char *ip)
{
  const struct ep_iface *ifc = c->opts.iface;
  struct sockaddr_in    *s4 = (struct sockaddr_in *)(void *)&t->sa;
  int                    family, one = 1;

  memset(&t->sa, 0, sizeof t->sa);
  snprintf(t->addr, sizeof t->addr, "%s", ip);
  if (inet_pton(AF_INET, ip, &s4->sin_addr) == 1) {
    family = AF_INET;
    s4->sin_family = AF_INET;
    s4->sin_port = htons((uint16_t)t->hp.port);
    t->salen = sizeof *s4;
  } else if (inet_pton(AF_INET6, ip, &t->sa.sin6_addr) == 1) {
    family = AF_INET6;
    t->sa.sin6_family = AF_INET6;
    t->sa.sin6_port = htons((uint16_t)t->hp.port);
    t->salen = sizeof t->sa;
  } else {
    fail(t, EP_CAUSE_TCP_ERROR, "cannot use the address %s", ip);
    return;
  }
  t->fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (t->fd < 0) {
    fail(t, EP_CAUSE_TCP_ERROR, "cannot open a socket: %s", ep_strerror(errno).text);
    return;
  }
  /* Kernel receive stamps: each line is timed to its arrival. */
  ep_rxtime_enable(t->fd);
  if (ifc && ep_iface_bind(t->fd, ifc, family) != 0) {
    fail(t, EP_CAUSE_TCP_ERROR, "cannot send from %s: %s", ifc->name,
         ep_strerror(errno).text);
    return;
  }
  /* CONNECT and PING go right after the TLS handshake's last flight:
   * with Nagle's algorithm they would wait for the server's delayed ACK
   * (40 ms on Linux) and the round trip would time our own stall.  Every
   * NATS client sets it. */
  if (setsockopt(t->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0) {
    fail(t, EP_CAUSE_TCP_ERROR, "cannot set TCP_NODELAY: %s", ep_strerror(errno).text);
    return;
  }
  if (t->small_mss && ep_pmtu_small_segments(t->fd) != 0) {
    fail(t, EP_CAUSE_TCP_ERROR, "cannot set TCP_MAXSEG: %s",
         ep_strerror(errno).text);
    return;
  }
  /* The clock of this connect(), not the loop pass's: with many targets,
   * the others' set-up would count as this one's time. */
  t->t_start = ep_time_now();
  t->phase = P_CONNECT;
  if (connect(t->fd, (struct sockaddr *)&t->sa, t->salen) != 0 &&
      errno != EINPROGRESS) {
    int e = errno;

    fail(t, ep_net_connect_cause(e), "%s", ep_net_strerror(e, false).text);
  }
}

static void
on_lookup(void *arg, const struct ep_lookup_result *res)
{
  struct lookup_slot *sl = arg;
  struct nats_target *t = &sl->ctx->targets[sl->target];

  if (res->outcome == EP_DNS_ANSWER)
    start_connect(sl->ctx, t, res->addrs[0]);
  else
    fail(t, EP_CAUSE_UNRESOLVED, "not resolved: %s", res->failure);
  free(sl);
}

/* The credentials to send: only over TLS that verified, unless the
 * profile allows a plaintext server to have them; NULL otherwise. */
static const struct ep_secret *
credentials_for(const struct nats_ctx *c, struct nats_target *t)
{
  if (!c->opts.secret)
    return NULL;
  if (t->tls || c->opts.allow_plaintext_credentials)
    return c->opts.secret;
  t->withheld = true;
  return NULL;
}

/* CONNECT (with credentials when they may go) and PING, queued for
 * sending.  Written by hand into t->out, a buffer that is wiped: a
 * json-c object would leave copies of the password in freed memory. */
static void
queue_connect(struct nats_ctx *c, struct nats_target *t)
{
  const struct ep_secret *s = credentials_for(c, t);
  struct ep_buf          *b = &t->out;
  enum ep_status          rc;

  ep_buf_reset(b);
  rc = ep_buf_printf(b, "CONNECT {\"verbose\":false,\"pedantic\":false,"
                        "\"tls_required\":%s,\"name\":\"edgeprobe\"",
                     t->tls ? "true" : "false");
  /* nats-server tells a client from a leafnode by "lang": a leafnode
   * listener refuses a client's CONNECT ("attempted to connect to leaf
   * node port"), so on one we speak as a leafnode and get its INFO and
   * LS+ lines before PONG. */
  if (rc == EP_OK && !t->info.leafnode)
    rc = ep_buf_printf(b, ",\"lang\":\"C\",\"version\":\"%s\",\"protocol\":1,"
                          "\"echo\":false",
                       PACKAGE_VERSION);
  if (rc == EP_OK && s && s->token[0]) {
    rc = ep_buf_printf(b, ",\"auth_token\":");
    if (rc == EP_OK)
      rc = ep_json_add_string(b, s->token);
  } else if (rc == EP_OK && s && s->user[0]) {
    rc = ep_buf_printf(b, ",\"user\":");
    if (rc == EP_OK)
      rc = ep_json_add_string(b, s->user);
    if (rc == EP_OK)
      rc = ep_buf_printf(b, ",\"pass\":");
    if (rc == EP_OK)
      rc = ep_json_add_string(b, s->password);
  }
  if (rc == EP_OK)
    rc = ep_buf_printf(b, "}\r\nPING\r\n");
  if (rc != EP_OK) {
    ep_buf_reset(b);
    fail(t, EP_CAUSE_TCP_ERROR, "cannot build CONNECT: %s", ep_status_str(rc));
    return;
  }
  t->phase = P_SEND;
}

static void
after_info(struct nats_ctx *c, struct nats_target *t, struct timespec now)
{
  t->info_s = ep_time_diff(now, t->t_connected);
  if (t->info_s < 0) /* the stamp's conversion to our clock, a few ns */
    t->info_s = 0;
  t->have_info = true;
  if (!t->info.tls_required) {
    queue_connect(c, t);
    return;
  }
  if (!c->tls_ctx) {
    struct ep_err e = EP_ERR_INIT;

    if (!(c->tls_ctx = ep_tls_ctx_new(NULL, NULL, &e))) {
      fail(t, EP_CAUSE_TLS_FAILED, "TLS required, but %s", e.msg);
      return;
    }
  }
  t->tls = ep_tls_new(c->tls_ctx, t->fd, t->hp.host, NULL);
  if (!t->tls) {
    fail(t, EP_CAUSE_TLS_FAILED, "cannot start TLS");
    return;
  }
  t->t_tls = now;
  t->phase = P_TLS;
}

static void
step_tls(struct nats_ctx *c, struct nats_target *t)
{
  char             why[256];
  enum ep_tls_step st = ep_tls_handshake(t->tls, why, sizeof why);

  /* When the server's first flight arrived (the kernel's stamp). */
  if (!t->tls_answered && ep_tls_rx_stamp(t->tls, &t->t_tls_answer))
    t->tls_answered = true;
  if (st == EP_TLS_WANT_READ || st == EP_TLS_WANT_WRITE) {
    t->tls_want_write = st == EP_TLS_WANT_WRITE;
    return;
  }
  if (st == EP_TLS_FAILED) {
    fail(t, EP_CAUSE_TLS_FAILED, "%s", why);
    return;
  }
  ep_tls_describe(t->tls, &t->tlsr);
  t->have_tls = true;
  /* Credentials never go over a connection that did not verify. */
  if (!t->tlsr.verified) {
    fail(t, t->tlsr.cause ? t->tlsr.cause : EP_CAUSE_TLS_UNTRUSTED, "%s",
         t->tlsr.problem);
    return;
  }
  queue_connect(c, t);
}

static void
send_pending(struct nats_target *t)
{
  char            why[256];
  ssize_t         n;
  struct timespec sent_at = ep_time_now();

  while (t->out.len > 0) {
    if (t->tls) {
      n = ep_tls_write(t->tls, t->out.data, t->out.len, why, sizeof why);
      sent_at = ep_tls_tx_stamp(t->tls);
    } else {
      sent_at = ep_time_now();
      n = send(t->fd, t->out.data, t->out.len, MSG_NOSIGNAL);
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        n = -2;
      else if (n < 0)
        snprintf(why, sizeof why, "cannot send: %s", ep_net_strerror(errno, false).text);
    }
    if (n == -2)
      return;
    if (n <= 0) {
      fail(t, EP_CAUSE_TCP_ERROR, "%s", why);
      return;
    }
    memmove(t->out.data, t->out.data + n, t->out.len - (size_t)n);
    t->out.len -= (size_t)n;
  }
  ep_buf_reset(&t->out);
  /* When the last bytes went to the socket, not the loop pass's time nor
   * the call's return: the handshake and the writes of this pass took
   * time of ours (much of it under valgrind), and a PONG on a LAN can be
   * back before SSL_write() returns. */
  t->t_sent = sent_at;
  if (t->phase == P_SEND) {
    t->t_ping = t->t_sent;
    t->phase = P_PONG;
  }
}

enum ep_nats_err_kind
ep_nats_classify_err(const char *text)
{
  /* nats-server's words (server/errors.go, client.go): a refusal of the
   * credentials proves the path open; its own timer running out before
   * our CONNECT arrived proves nothing about them. */
  if (strstr(text, "Authentication Timeout"))
    return EP_NATS_ERR_AUTH_TIMEOUT;
  if (strstr(text, "Authorization Violation") ||
      strstr(text, "Authentication Expired") ||
      strstr(text, "Authentication Revoked"))
    return EP_NATS_ERR_AUTH;
  return EP_NATS_ERR_OTHER;
}

/* One complete line after INFO: before our CONNECT and PING have gone
 * out (phase P_SEND), nothing but INFO or PING can be an answer to us. */
static void
after_connect_line(struct nats_target *t, const char *line, size_t len,
                   struct timespec now)
{
  bool early = t->phase == P_SEND;

  if (len == 4 && memcmp(line, "PONG", 4) == 0) {
    if (early) {
      fail(t, EP_CAUSE_NATS_NOT_NATS, "not NATS: said PONG before our PING");
      return;
    }
    t->rtt_s = ep_time_diff(now, t->t_ping);
    t->have_rtt = true;
    done(t, R_PONG);
  } else if (len == 4 && memcmp(line, "PING", 4) == 0) {
    if (ep_buf_add(&t->out, "PONG\r\n", 6) == EP_OK)
      send_pending(t);
  } else if (len >= 4 && memcmp(line, "-ERR", 4) == 0) {
    ep_nats_safe_text(line + 4 + (len > 4), len - 4 - (len > 4), 100,
                      t->server_err, sizeof t->server_err);
    if (early)
      fail(t, EP_CAUSE_NATS_SERVER_ERROR,
           "server error before our CONNECT: %s", t->server_err);
    else if (ep_nats_classify_err(t->server_err) == EP_NATS_ERR_AUTH)
      done(t, R_AUTH);
    else if (ep_nats_classify_err(t->server_err) ==
             EP_NATS_ERR_AUTH_TIMEOUT)
      fail(t, EP_CAUSE_NATS_SERVER_ERROR,
           "the server gave up waiting for our CONNECT (server: %s)",
           t->server_err);
    else
      fail(t, EP_CAUSE_NATS_SERVER_ERROR, "server error after CONNECT: %s", t->server_err);
  }
  /* +OK, INFO updates and a leafnode's LS+ lines are expected noise. */
}

/* Consumes complete lines from t->line. */
static void
process_lines(struct nats_ctx *c, struct nats_target *t, struct timespec now)
{
  char   why[256];
  char  *nl;
  size_t len, used;

  while (t->phase != P_DONE &&
         (nl = memchr(t->line, '\n', t->line_len)) != NULL) {
    used = (size_t)(nl - t->line) + 1;
    len = used - 1;
    if (len > 0 && t->line[len - 1] == '\r')
      len--;
    if (t->phase == P_INFO) {
      if (ep_nats_parse_info(t->line, len, &t->info, why, sizeof why) !=
          EP_OK) {
        fail(t, EP_CAUSE_NATS_NOT_NATS, "%s", why);
        return;
      }
      memmove(t->line, t->line + used, t->line_len - used);
      t->line_len -= used;
      after_info(c, t, now);
      if (t->phase == P_TLS && t->line_len) {
        fail(t, EP_CAUSE_NATS_NOT_NATS,
             "spoke after INFO before the TLS handshake");
        return;
      }
      continue;
    }
    after_connect_line(t, t->line, len, now);
    memmove(t->line, t->line + used, t->line_len - used);
    t->line_len -= used;
  }
  if (t->phase != P_DONE && t->line_len >= EP_NATS_LINE_MAX) {
    if (t->phase == P_INFO && memcmp(t->line, "INFO ", 5) == 0)
      fail(t, EP_CAUSE_NATS_NOT_NATS, "INFO line exceeds %u KiB", EP_NATS_LINE_MAX >> 10);
    else if (t->phase == P_INFO) {
      char said[SAID_MAX + 8];

      ep_nats_safe_text(t->line, t->line_len, SAID_MAX, said, sizeof said);
      fail(t, EP_CAUSE_NATS_NOT_NATS, "not NATS: said '%s'", said);
    } else {
      fail(t, EP_CAUSE_NATS_NOT_NATS, "a line after CONNECT exceeds %u KiB", EP_NATS_LINE_MAX >> 10);
    }
  }
}

static void
read_some(struct nats_ctx *c, struct nats_target *t, struct timespec now)
{
  char             why[256];
  ssize_t          n;
  struct ep_rxtime rx;
  bool             arrived = false;
  size_t  room = EP_NATS_LINE_MAX - t->line_len;

  if (t->tls) {
    n = ep_tls_read(t->tls, t->line + t->line_len, room, why, sizeof why);
    if (n > 0 && ep_tls_rx_stamp(t->tls, &rx.at))
      arrived = true;
  } else {
    n = ep_rxtime_recv(t->fd, t->line + t->line_len, room, 0, NULL, NULL,
                       CLOCK_MONOTONIC, &rx);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
      n = -2;
    else if (n < 0)
      snprintf(why, sizeof why, "%s",
               ep_net_strerror(errno, false).text);
    arrived = n > 0 && rx.kernel;
  }
  if (n == -2)
    return;
  if (n < 0) {
    fail(t, strstr(why, "reset") ? EP_CAUSE_TCP_RESET : EP_CAUSE_TCP_ERROR,
         "%s", why);
    return;
  }
  if (n == 0) {
    if (t->phase == P_INFO && t->line_len == 0)
      fail(t, EP_CAUSE_NATS_NOT_NATS,
           "not NATS: closed the connection without a word");
    else if (t->phase == P_INFO) {
      char said[SAID_MAX + 8];

      ep_nats_safe_text(t->line, t->line_len, SAID_MAX, said, sizeof said);
      fail(t, EP_CAUSE_NATS_NOT_NATS, "not NATS: said '%s' and closed",
           said);
    } else {
      fail(t, EP_CAUSE_NATS_SERVER_ERROR,
           "closed the connection after CONNECT");
    }
    return;
  }
  /* The lines read are timed to their arrival (the kernel's stamp): the
   * pass may have woken for something else, read with them (a TLS 1.3
   * session ticket before PONG).  Without a stamp, what this pass reads
   * after our own send of this pass arrived after the poll woke us: its
   * time is the clock's now, not the pass's. */
  if (arrived && ep_time_diff(rx.at, t->t_sent) >= 0)
    now = rx.at;
  else if (ep_time_diff(now, t->t_sent) < 0)
    now = ep_time_now();
  t->line_len += (size_t)n;
  t->read_total += (size_t)n;
  if (t->read_total > EP_NATS_READ_MAX) {
    fail(t, EP_CAUSE_NATS_NOT_NATS, "more than %u KiB before PONG", EP_NATS_READ_MAX >> 10);
    return;
  }
  process_lines(c, t, now);
}

static void
on_connected(struct nats_target *t, struct timespec now)
{
  int       e = 0;
  socklen_t len = sizeof e;

  if (getsockopt(t->fd, SOL_SOCKET, SO_ERROR, &e, &len) != 0)
    e = errno;
  if (e) {
    fail(t, ep_net_connect_cause(e), "%s",
         ep_net_strerror(e, false).text);
    return;
  }
  t->connect_s = ep_net_connect_seconds(t->fd, t->t_start);
  /* When TCP was up, not when this pass saw it: INFO is timed by its
   * arrival, and the server sends it at once. */
  t->t_connected = ep_time_add(t->t_start, t->connect_s);
  if (ep_time_diff(now, t->t_connected) < 0)
    t->t_connected = now;
  t->have_connect = true;
  t->phase = P_INFO;
}

static enum ep_status
nats_start(struct ep_probe *p, struct ep_run *run, struct ep_err *err)
{
  struct nats_ctx    *c = p->ctx;
  struct timespec     now = ep_time_now();
  struct lookup_slot *sl;
  size_t              i;

  c->run = run;
  for (i = 0; i < c->n_targets; i++) {
    struct nats_target *t = &c->targets[i];

    if (t->hp.is_address) {
      start_connect(c, t, t->hp.host);
      continue;
    }
    if (!run->resolver)
      return ep_err_set(err, EP_EINVAL, "nats probe: the run has no resolver");
    if (!(sl = malloc(sizeof *sl)))
      return ep_err_set(err, EP_ENOMEM, "out of memory");
    sl->ctx = c;
    sl->target = i;
    t->phase = P_RESOLVE;
    t->t_start = now;
    if (ep_resolver_lookup(run->resolver, t->hp.host, on_lookup, sl, now,
                           err) != EP_OK) {
      free(sl);
      return err ? err->code : EP_ENOMEM;
    }
  }
  return EP_OK;
}

/* Whether t's handshake may be stalled on a path MTU blackhole, and
 * tried again with small segments (once). */
static bool
may_stall(const struct nats_target *t)
{
  return t->phase == P_TLS && !t->small_mss && !t->retry_denied &&
         t->fd >= 0;
}

static struct timespec
stall_due(const struct nats_target *t)
{
  return ep_pmtu_stall_due(t->t_tls, t->have_connect ? t->connect_s : 0);
}

/* The same endpoint again from a new connection with small segments:
 * what the first attempt saw is forgotten but its address. */
static void
retry_small_segments(struct nats_ctx *c, struct nats_target *t,
                     struct timespec now)
{
  char addr[EP_DNS_ADDR_TEXT];

  if (ep_time_diff(c->run->deadline, now) < EP_NATS_RETRY_MIN_S) {
    t->retry_denied = true;
    return;
  }
  t->first_silent_s = ep_time_diff(now, t->t_tls);
  close_target(t);
  snprintf(addr, sizeof addr, "%s", t->addr);
  t->line_len = t->read_total = 0;
  t->tls_answered = false;
  memset(&t->info, 0, sizeof t->info);
  t->have_connect = t->have_info = t->tls_want_write = false;
  ep_buf_reset(&t->out);
  t->small_mss = true;
  start_connect(c, t, addr);
}

static enum ep_status
nats_pollset(struct ep_probe *p, struct ep_pollset *ps, struct timespec now)
{
  struct nats_ctx *c = p->ctx;
  size_t           i;
  short            ev;

  (void)now;
  for (i = 0; i < c->n_targets; i++) {
    struct nats_target *t = &c->targets[i];

    if (t->fd < 0 || t->phase == P_DONE || t->phase == P_RESOLVE)
      continue;
    if (may_stall(t))
      ep_pollset_wake_at(ps, stall_due(t));
    ev = POLLIN;
    if (t->phase == P_CONNECT || t->out.len > 0 ||
        (t->phase == P_TLS && t->tls_want_write))
      ev = (short)(ev | POLLOUT);
    if (ep_pollset_add(ps, t->fd, ev) != EP_OK)
      return EP_ENOMEM;
  }
  return EP_OK;
}

static void
nats_on_ready(struct ep_probe *p, const struct ep_pollset *ps,
              struct timespec now)
{
  struct nats_ctx *c = p->ctx;
  size_t           i;

  for (i = 0; i < c->n_targets; i++) {
    struct nats_target *t = &c->targets[i];
    short               rev;

    if (t->fd < 0 || t->phase == P_DONE)
      continue;
    rev = ep_pollset_revents(ps, t->fd);
    if (!rev && may_stall(t) && ep_time_reached(now, stall_due(t)))
      retry_small_segments(c, t, now);
    if (!rev)
      continue;
    if (t->phase == P_CONNECT) {
      on_connected(t, now);
      continue;
    }
    if (t->phase == P_TLS) {
      step_tls(c, t);
      if (t->phase == P_SEND)
        send_pending(t);
      continue;
    }
    if (t->phase == P_SEND || t->out.len > 0)
      send_pending(t);
    if (t->phase != P_DONE && (rev & (POLLIN | POLLERR | POLLHUP)))
      read_some(c, t, now);
    /* Sending right after INFO needs no wait for writability. */
    if (t->phase == P_SEND)
      send_pending(t);
    if (t->phase == P_TLS)
      step_tls(c, t);
  }
}

static bool
nats_done(const struct ep_probe *p)
{
  const struct nats_ctx *c = p->ctx;
  size_t                 i;

  for (i = 0; i < c->n_targets; i++)
    if (c->targets[i].phase != P_DONE)
      return false;
  return true;
}

static const char *
timed_out_text(enum phase ph)
{
  switch (ph) {
    case P_RESOLVE:
      return "timed out resolving the name";
    case P_CONNECT:
      return "timed out connecting (no answer to SYN: filtered?)";
    case P_INFO:
      return "connected, but said nothing (timed out waiting for INFO)";
    case P_TLS:
      return "timed out in the TLS handshake";
    case P_SEND:
      return "timed out sending CONNECT";
    case P_PONG:
      return "timed out waiting for PONG";
    case P_DONE:
      break;
  }
  return "timed out";
}

static const char *
timed_out_code(enum phase ph)
{
  switch (ph) {
    case P_RESOLVE:
      return EP_CAUSE_UNRESOLVED;
    case P_CONNECT:
      return EP_CAUSE_TCP_TIMEOUT;
    case P_INFO:
      return EP_CAUSE_NATS_SILENT;
    default:
      break;
  }
  return EP_CAUSE_TIMEOUT;
}

/* "NATS 2.9.10 leafnode listener NABC.. (name), TLS required" */
static enum ep_status
describe_server(struct ep_buf *b, const struct nats_target *t)
{
  const struct ep_nats_info *i = &t->info;
  enum ep_status             rc;

  rc = ep_buf_printf(b, " NATS %s %s listener %s", i->version[0] ? i->version : "?",
                     i->leafnode ? "leafnode" : "client", i->server_id);
  if (rc == EP_OK && i->server_name[0] && strcmp(i->server_name, i->server_id))
    rc = ep_buf_printf(b, " (%s)", i->server_name);
  if (rc == EP_OK && t->have_tls && t->tlsr.verified)
    rc = ep_buf_printf(b, ", %s, certificate %.0f days left", t->tlsr.version,
                       t->tlsr.leaf_days);
  return rc;
}

/* The words of a failure or a timeout, without the target's name. */
static const char *
failure_words(const struct nats_target *t)
{
  if (t->outcome == R_FAIL)
    return t->problem;
  if (t->small_mss && t->phase == P_TLS)
    return "timed out in the TLS handshake" EP_PMTU_ALSO_SMALL;
  return timed_out_text(t->phase);
}

/* The second attempt, with small segments, finished its handshake where
 * the first heard nothing, the server answering it in half the time the
 * first waited (a server merely slow is as slow the second time). */
static bool
blackholed(const struct nats_target *t)
{
  return t->small_mss && t->have_tls && t->tls_answered &&
         ep_time_diff(t->t_tls_answer, t->t_tls) < t->first_silent_s / 2;
}

/* Whether credentials went to the server: those it refused are the
 * site's to fix; those kept from a server without TLS were never tried. */
static bool
sent_secret(const struct nats_ctx *c, const struct nats_target *t)
{
  return c->opts.secret && !t->withheld;
}

static enum ep_state
rtt_state(const struct nats_ctx *c, const struct nats_target *t)
{
  return ep_state_from_ranges(t->rtt_s, &c->opts.warn, &c->opts.crit);
}

/* The endpoint's state and cause: the round trip against the thresholds,
 * credentials refused, or what failed and where it timed out. */
static void
judge_endpoint(const struct nats_ctx *c, const struct nats_target *t,
               struct ep_target_result *r)
{
  if (blackholed(t)) {
    r->state = EP_STATE_CRITICAL;
    ep_target_set_cause(r, EP_CAUSE_PATH_MTU);
  }
  switch (t->outcome) {
    case R_PONG:
      if (rtt_state(c, t) != EP_STATE_OK)
        ep_target_set_cause(r, EP_CAUSE_NATS_SLOW);
      r->state = ep_state_worse(r->state, rtt_state(c, t));
      break;
    case R_AUTH:
      /* The server answered our CONNECT: the path is open. */
      r->state = ep_state_worse(r->state, sent_secret(c, t)
                                            ? EP_STATE_WARNING
                                            : EP_STATE_OK);
      if (sent_secret(c, t))
        ep_target_set_cause(r, EP_CAUSE_NATS_AUTH_REFUSED);
      break;
    case R_FAIL:
    case R_NONE:
      r->state = EP_STATE_CRITICAL;
      ep_target_set_cause(r, t->outcome == R_FAIL ? t->code
                                                  : timed_out_code(t->phase));
      break;
  }
}

/* ": PONG in 0.002s" and what qualifies it. */
static enum ep_status
word_pong(struct ep_buf *b, const struct nats_ctx *c,
          const struct nats_target *t, enum ep_state st)
{
  enum ep_status rc;
  char           num[32];

  ep_format_number(num, sizeof num, t->rtt_s);
  rc = describe_server(b, t);
  if (rc == EP_OK)
    rc = ep_buf_printf(b, ": PONG in %ss", num);
  if (rc == EP_OK && t->withheld)
    rc = ep_buf_printf(b, " (credentials withheld: the server offers no TLS)");
  if (rc == EP_OK && st != EP_STATE_OK)
    rc = ep_buf_printf(b, " (over %s %s)",
                       st == EP_STATE_CRITICAL ? "critical" : "warning",
                       st == EP_STATE_CRITICAL ? c->opts.crit.text
                                               : c->opts.warn.text);
  return rc;
}

/* ": authorization required (server: ...), path open". */
static enum ep_status
word_auth(struct ep_buf *b, const struct nats_ctx *c,
          const struct nats_target *t)
{
  enum ep_status rc;

  rc = describe_server(b, t);
  if (rc == EP_OK && t->withheld)
    rc = ep_buf_printf(b, ": credentials withheld (the server offers no "
                          "TLS),");
  if (rc == EP_OK)
    rc = ep_buf_printf(b, "%s %s (server: %s), path open",
                       t->withheld ? "" : ":",
                       sent_secret(c, t) ? "credentials refused"
                                         : "authorization required",
                       t->server_err);
  return rc;
}

/* The endpoint's line: who it is and what it said. */
static enum ep_status
word_endpoint(struct ep_buf *b, const struct nats_ctx *c,
              const struct nats_target *t, enum ep_state st)
{
  enum ep_status rc;

  rc = ep_buf_printf(b, "%s", t->spec);
  if (rc == EP_OK && !t->hp.is_address && t->addr[0])
    rc = ep_buf_printf(b, " (%s)", t->addr);
  if (rc != EP_OK)
    return rc;
  if (blackholed(t))
    rc = ep_buf_printf(b, " %s;", EP_PMTU_WORDS);
  if (rc != EP_OK)
    return rc;
  /* The round trip's words are its own state's, not the blackhole's. */
  if (t->outcome == R_PONG)
    return word_pong(b, c, t, blackholed(t) ? rtt_state(c, t) : st);
  if (t->outcome == R_AUTH)
    return word_auth(b, c, t);
  /* Who it was, when it got as far as saying so. */
  if (t->have_info) {
    rc = describe_server(b, t);
    if (rc == EP_OK)
      rc = ep_buf_printf(b, ":");
  }
  return rc == EP_OK ? ep_buf_printf(b, " %s", failure_words(t)) : rc;
}

/* The -v lines: the TLS session, withheld credentials, the INFO. */
static enum ep_status
add_endpoint_details(struct ep_target_result *r, const struct nats_target *t)
{
  enum ep_status rc = EP_OK;

  if (t->have_tls)
    rc = ep_target_add_detail(r, "%s %s, subject %s, issuer %s, %.0f days "
                                 "left (soonest in chain %.0f)",
                              t->tlsr.version, t->tlsr.cipher,
                              t->tlsr.subject, t->tlsr.issuer,
                              t->tlsr.leaf_days, t->tlsr.soonest_days);
  if (rc == EP_OK && t->withheld)
    rc = ep_target_add_detail(r, "credentials withheld: they go only over "
                                 "TLS that verified, unless the profile sets "
                                 "nats.allow_plaintext_credentials");
  if (rc == EP_OK && t->have_info)
    rc = ep_target_add_detail(
      r, "INFO: proto %d, max_payload %lld, tls_required %s, tls_available "
         "%s, auth_required %s",
      t->info.proto, t->info.max_payload, t->info.tls_required ? "yes" : "no",
      t->info.tls_available ? "yes" : "no",
      t->info.auth_required ? "yes" : "no");
  return rc;
}

/* connect, info and rtt, each labelled SPEC_figure. */
static enum ep_status
add_endpoint_perf(const struct nats_ctx *c, const struct nats_target *t,
                  struct ep_target_result *r)
{
  static const double zero = 0;
  char                label[EP_HOST_MAX + 32];
  enum ep_status      rc;

  snprintf(label, sizeof label, "%s_connect", t->spec);
  rc = ep_target_add_perf(r,
                          &(struct ep_figure){.figure = "connect",
                                              .unit = EP_UNIT_SECONDS,
                                              .label = label,
                                              .min = &zero},
                          t->have_connect, t->connect_s);
  snprintf(label, sizeof label, "%s_info", t->spec);
  if (rc == EP_OK)
    rc = ep_target_add_perf(r,
                            &(struct ep_figure){.figure = "info",
                                                .unit = EP_UNIT_SECONDS,
                                                .label = label,
                                                .min = &zero},
                            t->have_info, t->info_s);
  snprintf(label, sizeof label, "%s_rtt", t->spec);
  if (rc == EP_OK)
    rc = ep_target_add_perf(r,
                            &(struct ep_figure){.figure = "rtt",
                                                .unit = EP_UNIT_SECONDS,
                                                .label = label,
                                                .warn = &c->opts.warn,
                                                .crit = &c->opts.crit,
                                                .min = &zero},
                            t->have_rtt, t->rtt_s);
  return rc;
}

/* What the server's INFO said, for --format json. */
static enum ep_status
add_info_json(const struct ep_nats_info *i, json_object *d)
{
  enum ep_status rc;

  rc = ep_json_put(d, "server_id", json_object_new_string(i->server_id));
  if (rc == EP_OK)
    rc = ep_json_put(d, "server_name", json_object_new_string(i->server_name));
  if (rc == EP_OK)
    rc = ep_json_put(d, "version", json_object_new_string(i->version));
  if (rc == EP_OK)
    rc = ep_json_put(d, "proto", json_object_new_int(i->proto));
  if (rc == EP_OK)
    rc = ep_json_put(d, "listener", json_object_new_string(
                                      i->leafnode ? "leafnode" : "client"));
  if (rc == EP_OK)
    rc = ep_json_put(d, "tls_required",
                     json_object_new_boolean(i->tls_required));
  if (rc == EP_OK)
    rc = ep_json_put(d, "tls_available",
                     json_object_new_boolean(i->tls_available));
  if (rc == EP_OK)
    rc = ep_json_put(d, "auth_required",
                     json_object_new_boolean(i->auth_required));
  if (rc == EP_OK)
    rc = ep_json_put(d, "max_payload", json_object_new_int64(i->max_payload));
  return rc;
}

/* The TLS session, for --format json. */
static enum ep_status
add_tls_json(const struct ep_tls_report *r, json_object *d)
{
  enum ep_status rc;

  rc = ep_json_put(d, "tls_version", json_object_new_string(r->version));
  if (rc == EP_OK)
    rc = ep_json_put(d, "certificate_days",
                     json_object_new_double(r->leaf_days));
  if (rc == EP_OK)
    rc = ep_json_put(d, "issuer", json_object_new_string(r->issuer));
  if (rc == EP_OK)
    rc = ep_json_put(d, "verified", json_object_new_boolean(r->verified));
  return rc;
}

/* The server's INFO and TLS for --format json. */
static enum ep_status
add_endpoint_json(const struct nats_target *t, json_object *d)
{
  enum ep_status rc = EP_OK;

  if (t->addr[0])
    rc = ep_json_put(d, "address", json_object_new_string(t->addr));
  if (rc == EP_OK && t->have_info)
    rc = add_info_json(&t->info, d);
  if (rc == EP_OK && t->have_tls)
    rc = add_tls_json(&t->tlsr, d);
  if (rc == EP_OK && t->outcome == R_AUTH)
    rc = ep_json_put(d, "authorization_required", json_object_new_boolean(1));
  if (rc == EP_OK)
    rc = ep_json_put(d, "credentials_withheld",
                     json_object_new_boolean(t->withheld));
  return rc;
}

/* The cause in words for a summary: the blackhole, what failed after
 * it, or what failed. */
static enum ep_status
set_why(struct ep_target_result *r, const struct nats_target *t)
{
  bool failed = t->outcome == R_FAIL || t->outcome == R_NONE;
  char why[sizeof t->problem + sizeof EP_PMTU_WORDS + 4];

  if (blackholed(t) && failed) {
    snprintf(why, sizeof why, "%s; %s", EP_PMTU_WORDS, failure_words(t));
    return ep_target_set_why(r, why);
  }
  if (blackholed(t))
    return ep_target_set_why(r, EP_PMTU_WORDS);
  return failed ? ep_target_set_why(r, failure_words(t)) : EP_OK;
}

static enum ep_status
target_result(const struct nats_ctx *c, struct nats_target *t,
              struct ep_check_result *out, struct ep_err *err)
{
  struct ep_target_result *r;
  struct ep_buf            b;
  enum ep_status           rc;

  if (!(r = ep_check_result_add(out, t->spec, err)))
    return EP_ENOMEM;
  if (!t->hp.is_address && ep_target_set_host(r, t->hp.host) != EP_OK)
    return ep_err_set(err, EP_ENOMEM, "out of memory");
  judge_endpoint(c, t, r);
  ep_buf_init(&b, TEXT_MAX);
  rc = word_endpoint(&b, c, t, r->state);
  if (rc == EP_OK)
    rc = set_why(r, t);
  if (rc == EP_OK)
    rc = ep_target_set_text(r, "%s", ep_buf_str(&b));
  ep_buf_cleanup(&b);
  if (rc == EP_OK)
    rc = add_endpoint_details(r, t);
  if (rc == EP_OK)
    rc = add_endpoint_perf(c, t, r);
  if (rc == EP_OK)
    rc = add_endpoint_json(t, r->data);
  if (rc != EP_OK)
    return ep_err_set(err, rc, "cannot build the NATS result");
  return EP_OK;
}

static enum ep_status
nats_finish(struct ep_probe *p, struct ep_check_result *out, struct ep_err *err)
{
  struct nats_ctx *c = p->ctx;
  struct ep_buf    b;
  enum ep_status   rc = EP_OK;
  struct ep_problem *problems;
  size_t           i, bad = 0, pongs = 0;
  double           slowest = -1;

  if (!(out->check = strdup("nats")))
    return ep_err_set(err, EP_ENOMEM, "out of memory");
  for (i = 0; i < c->n_targets && rc == EP_OK; i++)
    rc = target_result(c, &c->targets[i], out, err);
  if (rc != EP_OK)
    return rc;
  ep_check_result_settle(out);
  ep_buf_init(&b, TEXT_MAX);
  if (!(problems = calloc(out->n_targets + 1, sizeof *problems))) {
    ep_buf_cleanup(&b);
    return ep_err_set(err, EP_ENOMEM, "out of memory");
  }
  for (i = 0; i < out->n_targets; i++) {
    if (c->targets[i].have_rtt) {
      pongs++;
      if (c->targets[i].rtt_s > slowest)
        slowest = c->targets[i].rtt_s;
    }
    if (out->targets[i].state == EP_STATE_OK)
      continue;
    problems[bad].name = out->targets[i].name;
    problems[bad].text = out->targets[i].text;
    problems[bad++].why = out->targets[i].why;
  }
  if (bad)
    rc = ep_summary_problems(&b, problems, bad, out->n_targets,
                             out->n_targets - bad, "NATS endpoints",
                             EP_SUMMARY_BUDGET);
  free(problems);
  if (rc == EP_OK && !bad) {
    if (out->n_targets == 1) {
      rc = ep_buf_printf(&b, "%s", out->targets[0].text);
    } else {
      rc = ep_buf_printf(&b, "%zu NATS endpoints answered", out->n_targets);
      if (rc == EP_OK && pongs) {
        char num[32];

        ep_format_number(num, sizeof num, slowest);
        rc = ep_buf_printf(&b, ", slowest PONG %ss", num);
      }
    }
  }
  if (rc == EP_OK)
    rc = ep_check_result_take_summary(out, &b);
  ep_buf_cleanup(&b);
  if (rc != EP_OK)
    return ep_err_set(err, rc, "cannot build the NATS summary");
  return EP_OK;
}

static void
nats_destroy(struct ep_probe *p)
{
  struct nats_ctx *c;
  size_t           i;

  if (!p)
    return;
  c = p->ctx;
  if (c) {
    for (i = 0; i < c->n_targets; i++) {
      close_target(&c->targets[i]);
      ep_buf_cleanup(&c->targets[i].out);
    }
    ep_tls_ctx_free(c->tls_ctx);
    ep_secret_wipe(&c->secret);
    free(c->targets);
    free(c);
  }
  free(p);
}

static const struct ep_probe_ops nats_ops = {
  "nats", nats_start, nats_pollset, nats_on_ready, nats_done, nats_finish,
  nats_destroy,
};

struct ep_probe *
ep_nats_probe_new(const struct ep_strlist *targets,
                  const struct ep_nats_options *opts, struct ep_err *err)
{
  struct ep_probe *p;
  struct nats_ctx *c;
  void            *array;
  size_t           i;

  p = ep_probe_alloc(&nats_ops, sizeof *c, targets->n,
                     sizeof(struct nats_target), &array, err);
  if (!p)
    return NULL;
  c = p->ctx;
  c->targets = array;
  c->opts = *opts;
  if (opts->secret) {
    c->secret = *opts->secret;
    c->opts.secret = &c->secret;
  }
  c->n_targets = targets->n;
  for (i = 0; i < targets->n; i++) {
    struct nats_target *t = &c->targets[i];

    t->fd = -1;
    /* Big enough for CONNECT with the longest escaped credentials. */
    ep_buf_init_secret(&t->out, 16u << 10);
    snprintf(t->spec, sizeof t->spec, "%s", targets->v[i]);
    if (ep_hostport_parse(targets->v[i], 7422, "NATS target", &t->hp, err) !=
        EP_OK) {
      nats_destroy(p);
      return NULL;
    }
  }
  /* A bad --cacert is a configuration error, found before anything is
   * sent.  Without one, OpenSSL is set up only when a server asks for
   * TLS: most runs never pay for it. */
  if (opts->cafile &&
      !(c->tls_ctx = ep_tls_ctx_new(opts->cafile,
                                    opts->cafile_what ? opts->cafile_what
                                                      : "--cacert",
                                    err))) {
    nats_destroy(p);
    return NULL;
  }
  return p;
}

/* What nats_configure() takes from the settings and the profile. */
struct nats_own {
  char             *auth_file; /* NULL: no credentials */
  /* Read once by nats_keep_secrets() (a daemon before it drops its
   * privileges); NULL: the file is read when the probe is made. */
  struct ep_secret *secret;
};

static void
nats_release(void *own)
{
  struct nats_own *o = own;

  if (!o)
    return;
  free(o->auth_file);
  if (o->secret)
    ep_secret_wipe(o->secret);
  free(o->secret);
  free(o);
}

static enum ep_status
nats_keep_secrets(struct ep_check_config *cc, struct ep_err *err)
{
  struct nats_own  *own = cc->own;
  struct ep_secret *s;

  if (!own->auth_file || own->secret)
    return EP_OK;
  if (!(s = calloc(1, sizeof *s)))
    return ep_err_set(err, EP_ENOMEM, "out of memory");
  if (ep_secret_load(own->auth_file, "NATS credentials", s, err) != EP_OK) {
    ep_secret_wipe(s);
    free(s);
    return err ? err->code : EP_EINVAL;
  }
  own->secret = s;
  return EP_OK;
}

static struct ep_probe *
nats_create(const struct ep_config *cfg, const struct ep_check_config *cc,
            struct ep_err *err)
{
  const struct ep_nats_profile *part = ep_config_part(cfg, &ep_nats_kind);
  const struct nats_own        *own = cc->own;
  struct ep_nats_options        o;
  struct ep_secret              secret;
  struct ep_probe              *p;

  o.iface = cfg->has_iface ? &cfg->iface : NULL;
  o.cafile = cfg->cafile;
  o.cafile_what = cfg->cafile_what;
  o.secret = NULL;
  o.allow_plaintext_credentials = part->allow_plaintext_credentials;
  o.warn = cc->warn;
  o.crit = cc->crit;
  memset(&secret, 0, sizeof secret);
  if (own->secret) {
    o.secret = own->secret;
  } else if (own->auth_file) {
    if (ep_secret_load(own->auth_file, "NATS credentials", &secret, err) !=
        EP_OK)
      return NULL;
    o.secret = &secret;
  }
  p = ep_nats_probe_new(&part->targets, &o, err);
  ep_secret_wipe(&secret);
  return p;
}

static enum ep_status
nats_configure(struct ep_config *cfg, struct ep_check_config *cc,
               const struct ep_settings *s, bool only, struct ep_err *err)
{
  struct ep_nats_profile *p = ep_config_part(cfg, &ep_nats_kind);
  struct nats_own        *own;
  const char             *auth_file;

  if (ep_config_hosts(&p->targets, s, only, 7422, err) != EP_OK)
    return err ? err->code : EP_EINVAL;
  if (p->targets.n == 0) {
    if (only)
      return ep_err_set(err, EP_EINVAL, "%s: no NATS targets (nats.targets "
                                        "or %s)",
                        cfg->profile->name, ep_settings_names(s)->hosts);
    return EP_OK;
  }
  if (ep_config_cacert(cfg, s, err) != EP_OK)
    return EP_ENOMEM;
  if (!(own = cc->own = calloc(1, sizeof *own)))
    return ep_err_set(err, EP_ENOMEM, "out of memory");
  auth_file = ep_settings_value(s, &ep_nats_option_auth_file, NULL);
  if (!auth_file)
    auth_file = p->auth_file;
  if (auth_file &&
      ep_config_set_string(&own->auth_file, auth_file, err) != EP_OK)
    return EP_ENOMEM;
  if (ep_config_thresholds(cc, s, only, p->warning, p->critical, err) !=
      EP_OK)
    return EP_EINVAL;
  cc->wanted = true;
  return EP_OK;
}

const struct ep_probe_kind ep_nats_kind = {
  .name = "nats",
  .title = "NATS",
  .noun = "endpoints",
  .section = &ep_nats_section,
  .doc = &ep_nats_doc,
  .report = &ep_nats_reporting,
  .figures = ep_nats_figures,
  .mib = &ep_nats_mib,
  .configure = nats_configure,
  .release = nats_release,
  .keep_secrets = nats_keep_secrets,
  .create = nats_create,
};
