#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ep_addr.h"
#include "ep_buf.h"
#include "ep_cause.h"
#include "ep_linkstate.h"
#include "ep_json.h"
#include "ep_neterr.h"
#include "ep_output.h"
#include "ep_protocols.h"
#include "ep_run.h"
#include "ep_rxtime.h"
#include "ep_summary.h"
#include "ep_time.h"
#include "machine_hello.h"
#include "tcp.h"

#define TEXT_MAX 2048

enum phase {
  P_CONNECT, /* the SYN is out */
  P_HELLO,   /* connected: the hello is being sent and its answer read */
  P_DONE
};

struct tcp_target {
  const struct ep_machine  *m;
  const struct ep_protocol *proto; /* NULL: a port without a protocol */
  enum ep_hello             hello;
  char                      where[EP_HOST_MAX + 16]; /* "10.0.0.5:502" */
  struct sockaddr_in6       sa; /* or sockaddr_in */
  socklen_t                 salen;
  int                       family;
  int                       fd;
  enum phase                phase;
  struct timespec           t_start, t_sent, t_read;
  double                    connect_s, hello_s;
  bool                      have_connect, have_hello;
  bool                      connect_timed; /* connect_s is a measure */
  bool                      hello_timed;   /* hello_s is one */
  bool                      reset;         /* the peer reset it */
  size_t                    judged_len;    /* reply_len at the last judge */
  unsigned char             request[EP_HELLO_REQUEST_MAX];
  size_t                    req_len, req_sent;
  unsigned char            *reply; /* ep_hello_reply_max(hello) bytes */
  size_t                    reply_len;
  enum ep_hello_verdict     verdict;
  char                      what[EP_HELLO_WHAT_MAX];
  const char               *code;         /* why it failed (ep_cause.h) */
  char                      problem[160]; /* in words, without the name */
};

struct tcp_ctx {
  struct ep_tcp_options opts;
  struct tcp_target    *targets;
  size_t                n_targets;
  bool                  have_link;
  struct ep_link_state  link;
  struct ep_err         link_err;
};

static void
close_target(struct tcp_target *t)
{
  if (t->fd >= 0)
    close(t->fd);
  t->fd = -1;
}

static void
fail(struct tcp_target *t, const char *code, const char *fmt, ...)
  __attribute__((format(printf, 3, 4)));

/* Ends t as failed, code (ep_cause.h) and words, unless it has ended. */
static void
fail(struct tcp_target *t, const char *code, const char *fmt, ...)
{
  va_list ap;

  if (t->phase != P_DONE && !t->code) {
    t->code = code;
    va_start(ap, fmt);
    vsnprintf(t->problem, sizeof t->problem, fmt, ap);
    va_end(ap);
  }
  t->phase = P_DONE;
  close_target(t);
}

static void
start_connect(struct tcp_ctx *c, struct tcp_target *t)
{
  int one = 1, e;

  t->fd = socket(t->family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (t->fd < 0) {
    e = errno;
    fail(t, EP_CAUSE_TCP_ERROR, "cannot open a socket: %s",
         ep_net_strerror(e, false).text);
    return;
  }
  if (c->opts.iface && ep_iface_bind(t->fd, c->opts.iface, t->family) != 0) {
    e = errno;
    fail(t, EP_CAUSE_TCP_ERROR, "cannot send from %s: %s",
         c->opts.iface->name, ep_net_strerror(e, false).text);
    return;
  }
  /* The hello goes right after the handshake's ACK, and its reply is
   * timed: no wait for a delayed ACK of ours; the reply by the kernel's
   * receive time, not by when the loop came to read it. */
  setsockopt(t->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  ep_rxtime_enable(t->fd);
  t->t_start = ep_time_now();
  t->phase = P_CONNECT;
  if (connect(t->fd, (struct sockaddr *)&t->sa, t->salen) != 0 &&
      errno != EINPROGRESS) {
    e = errno;
    fail(t, ep_net_connect_cause(e), "%s", ep_net_strerror(e, false).text);
  }
}

static enum ep_status
tcp_start(struct ep_probe *p, struct ep_run *run, struct ep_err *err)
{
  struct tcp_ctx *c = p->ctx;
  size_t          i;

  (void)run;
  (void)err;
  for (i = 0; i < c->n_targets; i++)
    start_connect(c, &c->targets[i]);
  return EP_OK;
}

static enum ep_status
tcp_pollset(struct ep_probe *p, struct ep_pollset *ps, struct timespec now)
{
  struct tcp_ctx *c = p->ctx;
  size_t          i;

  (void)now;
  for (i = 0; i < c->n_targets; i++) {
    const struct tcp_target *t = &c->targets[i];
    short                    ev = POLLIN;

    if (t->fd < 0 || t->phase == P_DONE)
      continue;
    if (t->phase == P_CONNECT || t->req_sent < t->req_len)
      ev = (short)(ev | POLLOUT);
    if (ep_pollset_add(ps, t->fd, ev) != EP_OK)
      return EP_ENOMEM;
  }
  return EP_OK;
}

/* Judges what came so far; ends t when the verdict is in.  The hello is
 * timed from its last byte's send to the kernel's receive time of the
 * answer's last bytes; not at all when the answer came before the whole
 * hello went out (a peer that speaks first). */
static void
judge(struct tcp_target *t, bool closed)
{
  t->judged_len = t->reply_len;
  t->verdict = ep_hello_judge(t->hello, t->reply, t->reply_len, closed,
                              t->what, sizeof t->what);
  if (t->verdict == EP_HELLO_MORE)
    return;
  t->have_hello = t->verdict == EP_HELLO_ANSWERED;
  t->hello_timed = t->have_hello && t->req_sent == t->req_len &&
                   ep_time_reached(t->t_read, t->t_sent);
  if (t->hello_timed)
    t->hello_s = ep_time_diff(t->t_read, t->t_sent);
  t->phase = P_DONE;
  close_target(t);
}

/* Whether new bytes are worth judging now.  The MTConnect judge reads the
 * whole reply again each time: a peer trickling 64 KiB a byte at a time
 * would cost quadratic time on the loop every probe shares, so it is
 * judged at the start, when a tag may have closed after enough new
 * bytes, and every KiB; the others' replies are small. */
static bool
worth_judging(const struct tcp_target *t, const unsigned char *chunk,
              size_t n)
{
  size_t grown = t->reply_len - t->judged_len;

  if (t->hello != EP_HELLO_MTCONNECT_HTTP || t->reply_len <= 256)
    return true;
  return grown >= 1024 || (grown >= 64 && memchr(chunk, '>', n));
}

static void
send_hello(struct tcp_target *t)
{
  struct timespec before;
  ssize_t         n;

  while (t->req_sent < t->req_len) {
    /* Timed from before the send: on loopback or a veth the answer can be
     * in, kernel-stamped, before send() returns. */
    before = ep_time_now();
    n = send(t->fd, t->request + t->req_sent, t->req_len - t->req_sent,
             MSG_NOSIGNAL);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
      return;
    if (n < 0) {
      t->code = EP_CAUSE_MACHINE_BAD_HELLO;
      snprintf(t->what, sizeof t->what, "the connection failed while the "
                                        "hello was sent: %s",
               ep_net_strerror(errno, false).text);
      t->verdict = EP_HELLO_WRONG;
      t->phase = P_DONE;
      close_target(t);
      return;
    }
    t->req_sent += (size_t)n;
    if (t->req_sent == t->req_len)
      t->t_sent = before;
  }
}

/* One read, stamped with the kernel's receive time. */
static ssize_t
read_stamped(struct tcp_target *t, size_t room)
{
  struct ep_rxtime rx;
  ssize_t          n;

  n = ep_rxtime_recv(t->fd, t->reply + t->reply_len, room, 0, NULL, NULL,
                     CLOCK_MONOTONIC, &rx);
  if (n > 0)
    t->t_read = rx.at;
  return n;
}

static void
read_reply(struct tcp_target *t)
{
  size_t  max = ep_hello_reply_max(t->hello);
  ssize_t n;

  while (t->phase == P_HELLO) {
    if (t->reply_len >= max) {
      judge(t, false);
      return;
    }
    n = read_stamped(t, max - t->reply_len);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
      /* All there is for now: what was not judged yet is judged. */
      if (t->judged_len < t->reply_len && t->hello != EP_HELLO_MTCONNECT_HTTP)
        judge(t, false);
      return;
    }
    /* A reset is the peer's last word, as a close is. */
    if (n <= 0) {
      t->reset = n < 0 && errno == ECONNRESET;
      judge(t, true);
      return;
    }
    t->reply_len += (size_t)n;
    if (worth_judging(t, t->reply + t->reply_len - n, (size_t)n))
      judge(t, false);
  }
}

static void
on_connected(struct tcp_target *t)
{
  int       e = 0;
  socklen_t len = sizeof e;

  if (getsockopt(t->fd, SOL_SOCKET, SO_ERROR, &e, &len) != 0)
    e = errno;
  /* A SYN refused is ECONNREFUSED: a reset or a broken pipe means the
   * handshake was done and the peer let go at once. */
  if (e == ECONNRESET || e == EPIPE) {
    t->have_connect = true;
    t->reset = true;
    t->verdict = EP_HELLO_WRONG;
    snprintf(t->what, sizeof t->what, "reset the connection right after "
                                      "it opened");
    t->phase = P_DONE;
    close_target(t);
    return;
  }
  if (e) {
    fail(t, ep_net_connect_cause(e), "%s", ep_net_strerror(e, false).text);
    return;
  }
  t->connect_s = ep_net_connect_seconds(t->fd, t->t_start);
  t->connect_timed = true;
  t->have_connect = true;
  if (t->hello == EP_HELLO_NONE) {
    t->phase = P_DONE;
    close_target(t);
    return;
  }
  t->phase = P_HELLO;
  send_hello(t);
}

static void
tcp_on_ready(struct ep_probe *p, const struct ep_pollset *ps,
             struct timespec now)
{
  struct tcp_ctx *c = p->ctx;
  size_t          i;

  (void)now;
  for (i = 0; i < c->n_targets; i++) {
    struct tcp_target *t = &c->targets[i];
    short              rev;

    if (t->fd < 0 || t->phase == P_DONE)
      continue;
    if (!(rev = ep_pollset_revents(ps, t->fd)))
      continue;
    if (t->phase == P_CONNECT) {
      on_connected(t);
      if (t->phase != P_HELLO)
        continue;
    } else if (t->req_sent < t->req_len && (rev & POLLOUT)) {
      send_hello(t);
    }
    if (t->phase == P_HELLO && (rev & (POLLIN | POLLERR | POLLHUP)))
      read_reply(t);
  }
}

static bool
tcp_done(const struct ep_probe *p)
{
  const struct tcp_ctx *c = p->ctx;
  size_t                i;

  for (i = 0; i < c->n_targets; i++)
    if (c->targets[i].phase != P_DONE)
      return false;
  return true;
}

/* "siemens-opcua", or "port 8193" for a machine without a protocol. */
static void
protocol_label(const struct tcp_target *t, char *out, size_t size)
{
  if (t->proto)
    snprintf(out, size, "%s", t->proto->name);
  else
    snprintf(out, size, "port %u", t->m->port);
}

/* The verdict on one machine: state, cause and words (why: without the
 * machine's name, shared with others that failed the same way). */
static enum ep_status
judge_machine(const struct tcp_ctx *c, struct tcp_target *t,
              struct ep_target_result *r, struct ep_buf *why)
{
  char        num[32];
  const char *title = t->proto ? t->proto->title : NULL;

  if (t->phase == P_CONNECT || (!t->have_connect && !t->code)) {
    r->state = EP_STATE_CRITICAL;
    ep_target_set_cause(r, EP_CAUSE_TCP_TIMEOUT);
    return ep_buf_printf(why, "timed out connecting (no answer to SYN: "
                              "filtered?)");
  }
  if (!t->have_connect) {
    r->state = EP_STATE_CRITICAL;
    ep_target_set_cause(r, t->code);
    return ep_buf_printf(why, "%s", t->problem);
  }
  /* Bytes the loop left unjudged when the deadline came: their verdict. */
  if (t->phase == P_HELLO && t->judged_len < t->reply_len)
    judge(t, false);
  ep_format_number(num, sizeof num, t->connect_s);
  r->state = t->connect_timed ? ep_state_from_ranges(t->connect_s,
                                                     &c->opts.warn,
                                                     &c->opts.crit)
                              : EP_STATE_OK;
  if (r->state != EP_STATE_OK)
    ep_target_set_cause(r, EP_CAUSE_MACHINE_SLOW);
  if (t->hello == EP_HELLO_NONE && !t->connect_timed)
    return ep_buf_printf(why, "port open, reset right after (connect only: "
                              "%s has no public hello)",
                         title ? title : "this port");
  if (t->hello == EP_HELLO_NONE)
    return ep_buf_printf(why, "port open in %ss (connect only: %s has no "
                              "public hello)",
                         num, title ? title : "this port");
  if (t->have_hello && t->hello_timed) {
    char hello[32];

    ep_format_number(hello, sizeof hello, t->hello_s);
    return ep_buf_printf(why, "answered: %s (connect %ss, hello %ss)",
                         t->what, num, hello);
  }
  if (t->have_hello)
    return ep_buf_printf(why, "answered: %s (connect %ss)", t->what, num);
  /* Open, but the controller did not answer as its protocol does. */
  r->state = ep_state_worse(r->state, EP_STATE_WARNING);
  if (t->phase != P_DONE) {
    ep_target_set_cause(r, EP_CAUSE_MACHINE_SILENT);
    if (t->reply_len) {
      char said[EP_HELLO_WHAT_MAX];

      ep_hello_said(t->reply, t->reply_len, said, sizeof said);
      return ep_buf_printf(why, "port open, no complete %s answer by the "
                                "deadline (said %s)",
                           title, said);
    }
    return ep_buf_printf(why, "port open, no answer to the %s hello by the "
                              "deadline",
                         title);
  }
  ep_target_set_cause(r, EP_CAUSE_MACHINE_BAD_HELLO);
  /* The judge says "closed" for a peer that has gone; a reset is said. */
  if (t->reset && strncmp(t->what, "closed", 6) == 0)
    return ep_buf_printf(why, "port open, but no %s answer: reset%s", title,
                         t->what + 6);
  return ep_buf_printf(why, "port open, but no %s answer: %s", title,
                       t->what);
}

/* The machine, its protocol and its answer, for --format json. */
static enum ep_status
add_machine_json(const struct tcp_ctx *c, const struct tcp_target *t,
                 json_object *d)
{
  enum ep_status rc;

  rc = ep_json_put(d, "kind", json_object_new_string("machine"));
  if (rc == EP_OK)
    rc = ep_json_put(d, "address", json_object_new_string(t->m->address));
  if (rc == EP_OK)
    rc = ep_json_put(d, "port", json_object_new_int((int)t->m->port));
  if (rc == EP_OK)
    rc = t->proto ? ep_json_put(d, "protocol",
                                json_object_new_string(t->proto->name))
                  : ep_json_put_null(d, "protocol");
  if (rc == EP_OK)
    rc = ep_json_put(d, "hello",
                     json_object_new_string(ep_hello_name(t->hello)));
  if (rc == EP_OK)
    rc = t->have_hello ? ep_json_put(d, "answer",
                                     json_object_new_string(t->what))
                       : ep_json_put_null(d, "answer");
  if (rc == EP_OK)
    rc = c->opts.iface ? ep_json_put(d, "interface", json_object_new_string(
                                                       c->opts.iface->name))
                       : ep_json_put_null(d, "interface");
  return rc;
}

static enum ep_status
machine_result(const struct tcp_ctx *c, struct tcp_target *t,
               struct ep_check_result *out, struct ep_err *err)
{
  struct ep_target_result *r = ep_check_result_add(out, t->m->name, err);
  struct ep_buf            why;
  char                     proto[48], label[EP_PERF_LABEL_MAX];
  static const double      zero = 0;
  enum ep_status           rc;
  size_t                   slow_at = 0;

  if (!r)
    return EP_ENOMEM;
  protocol_label(t, proto, sizeof proto);
  ep_buf_init(&why, TEXT_MAX);
  rc = judge_machine(c, t, r, &why);
  if (rc == EP_OK && r->cause && strcmp(r->cause, EP_CAUSE_MACHINE_SLOW) == 0) {
    /* It answered, slowly: the slowness is the news. */
    char num[32];

    ep_format_number(num, sizeof num, t->connect_s);
    slow_at = why.len;
    rc = ep_buf_printf(&why, "; connect %ss, over the %s threshold %s", num,
                       r->state == EP_STATE_CRITICAL ? "critical" : "warning",
                       r->state == EP_STATE_CRITICAL ? c->opts.crit.text
                                                     : c->opts.warn.text);
  }
  if (rc == EP_OK)
    rc = ep_target_set_text(r, "%s (%s, %s) %s", t->m->name, t->where, proto,
                            ep_buf_str(&why));
  if (rc == EP_OK && r->state != EP_STATE_OK)
    rc = ep_target_set_why(r, ep_buf_str(&why) + (slow_at ? slow_at + 2 : 0));
  ep_buf_cleanup(&why);
  snprintf(label, sizeof label, "%s_connect", t->m->name);
  if (rc == EP_OK)
    rc = ep_target_add_perf(r,
                            &(struct ep_figure){.figure = "connect",
                                                .unit = EP_UNIT_SECONDS,
                                                .label = label,
                                                .warn = &c->opts.warn,
                                                .crit = &c->opts.crit,
                                                .min = &zero},
                            t->connect_timed, t->connect_s);
  snprintf(label, sizeof label, "%s_hello", t->m->name);
  if (rc == EP_OK && t->hello != EP_HELLO_NONE)
    rc = ep_target_add_perf(r,
                            &(struct ep_figure){.figure = "hello",
                                                .unit = EP_UNIT_SECONDS,
                                                .label = label,
                                                .min = &zero},
                            t->hello_timed, t->hello_s);
  if (rc == EP_OK)
    rc = add_machine_json(c, t, r->data);
  if (rc != EP_OK)
    return ep_err_set(err, rc, "cannot build the machines result");
  return EP_OK;
}

/* What the machine network's interface was found to be. */
enum iface_finding {
  IFACE_UNKNOWN, /* its state could not be read */
  IFACE_GONE,
  IFACE_DOWN,
  IFACE_NO_ADDRESS,
  IFACE_LEASED, /* an IPv4 address from a DHCP lease */
  IFACE_STATIC
};

/* The first address with a finite valid lifetime (a DHCP lease), or
 * l->n_addrs. */
static size_t
first_leased(const struct ep_link_state *l)
{
  size_t i;

  for (i = 0; i < l->n_addrs && l->addrs[i].permanent; i++)
    ;
  return i;
}

/* The vendor wants it up, with a static IPv4 address. */
static enum iface_finding
judge_iface(const struct tcp_ctx *c)
{
  const struct ep_link_state *l = &c->link;

  if (!c->have_link)
    return IFACE_UNKNOWN;
  if (!l->exists)
    return IFACE_GONE;
  if (!l->admin_up || !l->carrier)
    return IFACE_DOWN;
  if (l->n_addrs == 0)
    return IFACE_NO_ADDRESS;
  return first_leased(l) < l->n_addrs ? IFACE_LEASED : IFACE_STATIC;
}

static void
set_iface_state(struct ep_target_result *r, enum iface_finding f)
{
  static const struct {
    enum ep_state state;
    const char   *code;
  } verdicts[] = {
    [IFACE_UNKNOWN] = {EP_STATE_UNKNOWN, EP_CAUSE_IFACE_UNKNOWN},
    [IFACE_GONE] = {EP_STATE_CRITICAL, EP_CAUSE_IFACE_DOWN},
    [IFACE_DOWN] = {EP_STATE_CRITICAL, EP_CAUSE_IFACE_DOWN},
    [IFACE_NO_ADDRESS] = {EP_STATE_CRITICAL, EP_CAUSE_IFACE_NO_ADDRESS},
    [IFACE_LEASED] = {EP_STATE_WARNING, EP_CAUSE_IFACE_DHCP},
    [IFACE_STATIC] = {EP_STATE_OK, NULL},
  };

  r->state = verdicts[f].state;
  if (verdicts[f].code)
    ep_target_set_cause(r, verdicts[f].code);
}

/* "is down (no carrier, operstate down)", "up, static address ...". */
static enum ep_status
word_iface(struct ep_buf *why, const struct tcp_ctx *c, enum iface_finding f)
{
  const struct ep_link_state *l = &c->link;
  char                        addr[INET_ADDRSTRLEN];
  size_t                      i;

  switch (f) {
    case IFACE_UNKNOWN:
      return ep_buf_printf(why, "state unknown: %s", c->link_err.msg);
    case IFACE_GONE:
      return ep_buf_printf(why, "is gone");
    case IFACE_DOWN:
      return ep_buf_printf(why, "is down (%s, operstate %s)",
                           l->admin_up ? "no carrier"
                                       : "administratively down",
                           l->operstate);
    case IFACE_NO_ADDRESS:
      return ep_buf_printf(why, "has no IPv4 address");
    case IFACE_LEASED:
      i = first_leased(l);
      inet_ntop(AF_INET, &l->addrs[i].addr, addr, sizeof addr);
      return ep_buf_printf(why, "has %s/%u from a DHCP lease (valid %lu s "
                                "more): the machine network needs a static "
                                "address",
                           addr, l->addrs[i].prefix,
                           (unsigned long)l->addrs[i].valid_lft);
    case IFACE_STATIC:
      break;
  }
  inet_ntop(AF_INET, &l->addrs[0].addr, addr, sizeof addr);
  return ep_buf_printf(why, "up, static address %s/%u", addr,
                       l->addrs[0].prefix);
}

/* One address of the interface for --format json; NULL when out of
 * memory. */
static json_object *
link_addr_json(const struct ep_link_addr *la)
{
  json_object   *a = json_object_new_object();
  enum ep_status rc;
  char           addr[INET_ADDRSTRLEN];

  inet_ntop(AF_INET, &la->addr, addr, sizeof addr);
  rc = ep_json_put(a, "address", json_object_new_string(addr));
  if (rc == EP_OK)
    rc = ep_json_put(a, "prefix", json_object_new_int((int)la->prefix));
  if (rc == EP_OK)
    rc = ep_json_put(a, "static", json_object_new_boolean(la->permanent));
  if (rc == EP_OK)
    rc = la->permanent ? ep_json_put_null(a, "valid_lifetime")
                       : ep_json_put(a, "valid_lifetime",
                                     json_object_new_int64(la->valid_lft));
  return ep_json_built(a, rc);
}

/* The interface's state and addresses for --format json. */
static enum ep_status
add_iface_json(const struct tcp_ctx *c, json_object *d)
{
  const struct ep_link_state *l = &c->link;
  json_object                *addrs;
  enum ep_status              rc;
  size_t                      i;

  rc = ep_json_put(d, "kind", json_object_new_string("interface"));
  if (rc == EP_OK)
    rc = c->have_link && l->exists
           ? ep_json_put(d, "up",
                         json_object_new_boolean(l->admin_up && l->carrier))
           : ep_json_put_null(d, "up");
  addrs = rc == EP_OK ? json_object_new_array() : NULL;
  for (i = 0; c->have_link && i < l->n_addrs && rc == EP_OK; i++)
    rc = ep_json_append(addrs, link_addr_json(&l->addrs[i]));
  rc = ep_json_put_built(d, "addresses", addrs, rc);
  return rc;
}

/* The machine network's interface, as the vendor wants it: up, with a
 * static IPv4 address (a finite valid lifetime is a DHCP lease). */
static enum ep_status
iface_result(const struct tcp_ctx *c, struct ep_check_result *out,
             struct ep_err *err)
{
  const char              *name = c->opts.iface->name;
  struct ep_target_result *r = ep_check_result_add(out, name, err);
  enum iface_finding       f = judge_iface(c);
  struct ep_buf            why;
  enum ep_status           rc;

  if (!r)
    return EP_ENOMEM;
  set_iface_state(r, f);
  ep_buf_init(&why, TEXT_MAX);
  rc = word_iface(&why, c, f);
  if (rc == EP_OK)
    rc = ep_target_set_text(r, "interface %s %s", name, ep_buf_str(&why));
  if (rc == EP_OK && r->state != EP_STATE_OK)
    rc = ep_target_set_why(r, r->text);
  ep_buf_cleanup(&why);
  if (rc == EP_OK)
    rc = add_iface_json(c, r->data);
  if (rc != EP_OK)
    return ep_err_set(err, rc, "cannot build the interface result");
  return EP_OK;
}

static enum ep_status
summarize(const struct tcp_ctx *c, struct ep_check_result *out)
{
  struct ep_problem *problems = calloc(out->n_targets + 1, sizeof *problems);
  struct ep_buf      b;
  enum ep_status     rc = EP_OK;
  static const enum ep_state order[] = {EP_STATE_CRITICAL, EP_STATE_UNKNOWN,
                                        EP_STATE_WARNING};
  size_t             i, k, bad = 0, bad_machines = 0, answered = 0, open = 0;
  size_t             first_machine = out->n_targets - c->n_targets;

  if (!problems)
    return EP_ENOMEM;
  for (i = 0; i < c->n_targets; i++) {
    answered += c->targets[i].have_hello;
    open += c->targets[i].have_connect &&
            c->targets[i].hello == EP_HELLO_NONE;
  }
  /* The machines that cannot be reached first, then those that do not
   * answer as their protocol does. */
  for (k = 0; k < sizeof order / sizeof order[0]; k++)
    for (i = 0; i < out->n_targets; i++) {
      const struct ep_target_result *r = &out->targets[i];

      if (r->state != order[k])
        continue;
      bad_machines += i >= first_machine;
      problems[bad].name = r->name;
      problems[bad].text = r->text;
      problems[bad++].why = i >= first_machine ? r->why : NULL;
    }
  ep_buf_init(&b, TEXT_MAX);
  if (bad)
    rc = ep_summary_problems_named(&b, problems, bad, c->n_targets,
                                   c->n_targets - bad_machines, "machines",
                                   EP_SUMMARY_BUDGET);
  else if (c->n_targets == 1)
    rc = ep_buf_printf(&b, "%s", out->targets[out->n_targets - 1].text);
  else
    rc = ep_buf_printf(&b, "%zu machines reachable: %zu answered their "
                           "protocol's hello, %zu connect only",
                       c->n_targets, answered, open);
  if (rc == EP_OK && !bad && first_machine)
    rc = ep_buf_printf(&b, "; %s", out->targets[0].text);
  free(problems);
  if (rc == EP_OK)
    rc = ep_check_result_take_summary(out, &b);
  ep_buf_cleanup(&b);
  return rc;
}

static enum ep_status
tcp_finish(struct ep_probe *p, struct ep_check_result *out, struct ep_err *err)
{
  struct tcp_ctx *c = p->ctx;
  enum ep_status  rc = EP_OK;
  size_t          i;

  if (!(out->check = strdup("machines")))
    return ep_err_set(err, EP_ENOMEM, "out of memory");
  if (c->opts.check_iface && c->opts.iface)
    rc = iface_result(c, out, err);
  for (i = 0; i < c->n_targets && rc == EP_OK; i++)
    rc = machine_result(c, &c->targets[i], out, err);
  if (rc != EP_OK)
    return rc;
  ep_check_result_settle(out);
  if ((rc = summarize(c, out)) != EP_OK)
    return ep_err_set(err, rc, "cannot build the machines summary");
  return EP_OK;
}

static void
tcp_destroy(struct ep_probe *p)
{
  struct tcp_ctx *c;
  size_t          i;

  if (!p)
    return;
  c = p->ctx;
  if (c) {
    for (i = 0; i < c->n_targets; i++) {
      close_target(&c->targets[i]);
      free(c->targets[i].reply);
    }
    free(c->targets);
    free(c);
  }
  free(p);
}

static const struct ep_probe_ops tcp_ops = {
  "machines", tcp_start, tcp_pollset, tcp_on_ready, tcp_done, tcp_finish,
  tcp_destroy,
};

static enum ep_status
target_init(struct tcp_target *t, const struct ep_machine *m,
            struct ep_err *err)
{
  struct sockaddr_in *s4 = (struct sockaddr_in *)(void *)&t->sa;
  struct ep_hostport  hp;
  size_t              max;

  t->fd = -1;
  t->m = m;
  t->proto = m->protocol ? ep_protocol_named(m->protocol) : NULL;
  t->hello = t->proto ? t->proto->hello : EP_HELLO_NONE;
  memset(&hp, 0, sizeof hp);
  snprintf(hp.host, sizeof hp.host, "%s", m->address);
  hp.port = m->port;
  ep_hostport_format(&hp, t->where, sizeof t->where);
  if (inet_pton(AF_INET, m->address, &s4->sin_addr) == 1) {
    t->family = AF_INET;
    s4->sin_family = AF_INET;
    s4->sin_port = htons((uint16_t)m->port);
    t->salen = sizeof *s4;
  } else if (inet_pton(AF_INET6, m->address, &t->sa.sin6_addr) == 1) {
    t->family = AF_INET6;
    t->sa.sin6_family = AF_INET6;
    t->sa.sin6_port = htons((uint16_t)m->port);
    t->salen = sizeof t->sa;
  } else {
    return ep_err_set(err, EP_EINVAL, "machine %s: '%s' is not an IP address",
                      m->name, m->address);
  }
  if (t->hello == EP_HELLO_NONE)
    return EP_OK;
  t->req_len = ep_hello_request(t->hello, m->address, m->port, t->request,
                                sizeof t->request);
  max = ep_hello_reply_max(t->hello);
  if (!t->req_len)
    return ep_err_set(err, EP_EINVAL, "machine %s: cannot build its %s hello",
                      m->name, ep_hello_name(t->hello));
  if (!(t->reply = malloc(max)))
    return ep_err_set(err, EP_ENOMEM, "out of memory");
  return EP_OK;
}

struct ep_probe *
ep_tcp_probe_new(const struct ep_machine *machines, size_t n,
                 const struct ep_tcp_options *opts, struct ep_err *err)
{
  struct ep_probe *p;
  struct tcp_ctx  *c;
  void            *array;
  size_t           i;

  p = ep_probe_alloc(&tcp_ops, sizeof *c, n, sizeof(struct tcp_target), &array,
                     err);
  if (!p)
    return NULL;
  c = p->ctx;
  c->targets = array;
  c->opts = *opts;
  c->n_targets = n;
  for (i = 0; i < n; i++)
    c->targets[i].fd = -1;
  for (i = 0; i < n; i++) {
    if (target_init(&c->targets[i], &machines[i], err) != EP_OK) {
      tcp_destroy(p);
      return NULL;
    }
  }
  /* The interface's own state, read now, before the run's loop: a netlink
   * exchange with the kernel, nothing on the wire, and nothing of it in
   * any probe's figures. */
  if (c->opts.check_iface && c->opts.iface)
    c->have_link = ep_link_state_read(c->opts.iface->name, &c->link,
                                      &c->link_err) == EP_OK;
  return p;
}

/* --- configuration --- */

static enum ep_status
set_field(char **field, const char *text, size_t len, struct ep_err *err)
{
  free(*field);
  if (!(*field = strndup(text, len)))
    return ep_err_set(err, EP_ENOMEM, "out of memory");
  return EP_OK;
}

enum ep_status
ep_machine_parse(const char *text, const char *what, struct ep_machine *m,
                 struct ep_err *err)
{
  const char *eq = strchr(text, '='), *rest = eq ? eq + 1 : text, *colon;
  const char *addr = rest;
  size_t      addr_len;
  char        tail[64], *end;
  long        port;

  memset(m, 0, sizeof *m);
  if (eq && (eq == text || eq - text > 63 ||
             strcspn(text, " '|\"\\") < (size_t)(eq - text)))
    return ep_err_set(err, EP_EINVAL, "%s '%s': expected NAME=ADDR:PROTOCOL "
                                      "or ADDR:PORT, a NAME of 1 to 63 "
                                      "characters without spaces or quotes",
                      what, text);
  if (*rest == '[') {
    addr = rest + 1;
    if (!(colon = strchr(addr, ']')) || colon[1] != ':')
      return ep_err_set(err, EP_EINVAL, "%s '%s': expected [IPV6]:PORT",
                        what, text);
    addr_len = (size_t)(colon - addr);
    colon++;
  } else {
    if (!(colon = strrchr(rest, ':')))
      return ep_err_set(err, EP_EINVAL, "%s '%s': expected ADDR:PROTOCOL or "
                                        "ADDR:PORT",
                        what, text);
    addr_len = (size_t)(colon - addr);
  }
  if (set_field(&m->address, addr, addr_len, err) != EP_OK)
    return EP_ENOMEM;
  if (!ep_addr_is_literal(m->address))
    return ep_err_set(err, EP_EINVAL, "%s '%s': '%s' is not an IP address "
                                      "(machines are given by address)",
                      what, text, m->address);
  snprintf(tail, sizeof tail, "%s", colon + 1);
  errno = 0;
  port = strtol(tail, &end, 10);
  if (tail[0] >= '0' && tail[0] <= '9') {
    if (*end || errno || port < 1 || port > 65535)
      return ep_err_set(err, EP_EINVAL, "%s '%s': '%s' is not a port (1 to "
                                        "65535)",
                        what, text, tail);
    m->port = (unsigned)port;
  } else if (ep_machine_protocol_name(tail)) {
    if (set_field(&m->protocol, ep_machine_protocol_name(tail),
                  strlen(ep_machine_protocol_name(tail)), err) != EP_OK)
      return EP_ENOMEM;
    m->port = ep_machine_protocol_port(m->protocol);
  } else {
    char known[512];

    ep_protocol_list(known, sizeof known);
    return ep_err_set(err, EP_EINVAL, "%s '%s': unknown protocol '%.40s' "
                                      "(known: %s)",
                      what, text, tail, known);
  }
  if (eq)
    return set_field(&m->name, text, (size_t)(eq - text), err);
  return set_field(&m->name, m->address, strlen(m->address), err);
}

/* -H replaces the profile's machines. */
static enum ep_status
machines_from_hosts(struct ep_tcp_profile *p, const struct ep_settings *s,
                    struct ep_err *err)
{
  const char        *what = ep_settings_names(s)->hosts;
  struct ep_machine *ms = calloc(s->hosts.n + 1, sizeof *ms);
  size_t             i, j;

  if (!ms)
    return ep_err_set(err, EP_ENOMEM, "out of memory");
  ep_machines_free(p->machines, p->n_machines);
  p->n_machines = 0;
  p->machines = ms;
  for (i = 0; i < s->hosts.n; i++) {
    p->n_machines = i + 1;
    if (ep_machine_parse(s->hosts.v[i], what, &ms[i], err) != EP_OK)
      return err ? err->code : EP_EINVAL;
    for (j = 0; j < i; j++)
      if (strcmp(ms[j].name, ms[i].name) == 0)
        return ep_err_set(err, EP_EINVAL, "%s '%s': a second machine named "
                                          "%s",
                          what, s->hosts.v[i], ms[i].name);
  }
  return EP_OK;
}

/* The machine network's interface, when one was named: its state is
 * judged too. */
struct tcp_own {
  bool            has_iface;
  struct ep_iface iface;
};

/* --machine-interface (collectd's MachineInterface); check_edge_machines
 * runs on that network alone, so its -I is that interface, where the
 * whole checklist's -I (and collectd's Interface) is the cloud side's.
 * Checked even without machines: a wrong name is a usage error either
 * way. */
static enum ep_status
machine_interface(struct ep_config *cfg, struct tcp_own *own,
                  const struct ep_settings *s, bool only, struct ep_err *err)
{
  const char   *iface, *iface_what;
  struct ep_err why = EP_ERR_INIT;

  iface = ep_settings_value(s, &ep_tcp_option_machine_interface,
                            &iface_what);
  if (!iface && only && s->interface_is_own) {
    iface = s->interface;
    iface_what = ep_settings_names(s)->interface;
  }
  if (!iface) {
    iface = cfg->profile->machine_interface;
    iface_what = "profile machine_interface";
  }
  if (!iface)
    return EP_OK;
  /* Named as the user wrote it: ep_iface_resolve() says "-I". */
  if (ep_iface_resolve(iface, &own->iface, &why) != EP_OK)
    return ep_err_set(err, why.code, "%s: %s", iface_what,
                      strncmp(why.msg, "-I: ", 4) == 0 ? why.msg + 4
                                                       : why.msg);
  own->has_iface = true;
  return EP_OK;
}

static enum ep_status
tcp_configure(struct ep_config *cfg, struct ep_check_config *cc,
              const struct ep_settings *s, bool only, struct ep_err *err)
{
  struct ep_tcp_profile *p = ep_config_part(cfg, &ep_tcp_kind);
  struct tcp_own        *own;

  if (only && s->hosts.n && machines_from_hosts(p, s, err) != EP_OK)
    return err ? err->code : EP_EINVAL;
  if (!(own = cc->own = calloc(1, sizeof *own)))
    return ep_err_set(err, EP_ENOMEM, "out of memory");
  if (machine_interface(cfg, own, s, only, err) != EP_OK)
    return err ? err->code : EP_EINVAL;
  if (p->n_machines == 0) {
    if (only)
      return ep_err_set(err, EP_EINVAL, "%s: no machines (machines, or %s "
                                        "NAME=ADDR:PROTOCOL)",
                        cfg->profile->name, ep_settings_names(s)->hosts);
    return EP_OK;
  }
  if (ep_config_thresholds(cc, s, only, NULL, NULL, err) != EP_OK)
    return EP_EINVAL;
  cc->wanted = true;
  return EP_OK;
}

static struct ep_probe *
tcp_create(const struct ep_config *cfg, const struct ep_check_config *cc,
           struct ep_err *err)
{
  const struct ep_tcp_profile *part = ep_config_part(cfg, &ep_tcp_kind);
  const struct tcp_own        *own = cc->own;
  struct ep_tcp_options        o;

  memset(&o, 0, sizeof o);
  o.iface = own->has_iface ? &own->iface : NULL;
  o.check_iface = own->has_iface;
  o.warn = cc->warn;
  o.crit = cc->crit;
  return ep_tcp_probe_new(part->machines, part->n_machines, &o, err);
}

const struct ep_probe_kind ep_tcp_kind = {
  .name = "machines",
  .title = "MACHINES",
  .noun = "machines",
  .section = &ep_tcp_section,
  .doc = &ep_tcp_doc,
  .report = &ep_tcp_reporting,
  .figures = ep_tcp_figures,
  .mib = &ep_tcp_mib,
  .configure = tcp_configure,
  .release = free,
  .create = tcp_create,
};
