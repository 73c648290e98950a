#include "config.h"

#include <arpa/inet.h>
#include <ares.h>
#include <errno.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "ep_addr.h"
#include "ep_neterr.h"
#include "ep_resolver.h"
#include "ep_rxtime.h"
#include "ep_time.h"

#define SOCKS_PER_CHANNEL 16
/* Queries outstanding per server.  A burst of a thousand replies
 * overflows a UDP socket's receive buffer (about 200 KiB by default: 160
 * small datagrams), ours or the server's, and what is dropped waits for
 * c-ares's retry; the rest of a burst waits its turn here, and each query
 * is timed from its own send. */
#define IN_FLIGHT_MAX 64
#define SERVERS_MAX EP_DNS_MAX_SERVERS
#define QCLASS_IN 1
#define QTYPE_A 1
#define QTYPE_AAAA 28
#define EDNS_PAYLOAD 1232 /* the DNS flag day 2020's size */
#define EDNS_OPT_LEN 11   /* an OPT record without options */

struct sock_slot {
  ares_socket_t fd;
  bool          readable, writable;
};

struct channel {
  ares_channel     ch;
  struct sock_slot socks[SOCKS_PER_CHANNEL];
  size_t           n_socks;
  /* When c-ares last read a reply from this server: an answer is timed
   * to its own read, not to the loop pass that handled it. */
  struct timespec  last_read;
  const struct ep_iface *iface; /* queries leave from it; NULL: any */
  /* The last socket error with this server, which c-ares reports only as
   * ECONNREFUSED: "network unreachable" is not "nothing listening". */
  int              last_errno;
  size_t           in_flight;
  struct query    *waiting, *waiting_tail; /* not sent yet, in order */
  /* The query ares_query() is sending: timed from its sendmsg(), not
   * from before c-ares encoded it and opened the socket. */
  struct query    *sending;
  bool             pumping;  /* in pump(): c-ares may call back at once */
  bool             stopping; /* cancelled or freed: send nothing more */
};

/* Told when a query that waited is really sent. */
typedef void (*sent_cb)(void *arg, size_t server, struct timespec sent);

struct query {
  struct ep_resolver *r;
  ep_resolve_cb       cb;
  sent_cb             on_sent; /* or NULL */
  void               *arg;
  size_t              server;
  int                 qtype;       /* ns_t_a = 1 for the names */
  bool                dnssec_ok;   /* asked with EDNS0's DO bit */
  struct timespec     sent;
  struct query       *next; /* while waiting */
  char                name[]; /* while waiting */
};

struct lookup;
static void try_decide(struct lookup *l, struct timespec now);

struct ep_resolver {
  struct channel       chans[SERVERS_MAX];
  struct ep_dns_server servers[SERVERS_MAX];
  size_t               n;
  size_t               pending;
  struct timespec      now;     /* the pass being processed */
  double               try_s;   /* c-ares's first try, s */
  struct lookup       *lookups; /* undecided and in flight */
};

/* One name looked up on every server; lives until its last answer. */
struct lookup {
  ep_lookup_cb         cb;
  void                *arg;
  bool                 decided;
  size_t               pending;
  struct ep_resolver  *r;
  struct timespec      grace; /* when the fallback may decide alone */
  struct lookup       *next;
  struct ep_dns_question how; /* A or AAAA */
  struct ep_dns_answer answers[SERVERS_MAX];
  bool                 done[SERVERS_MAX];
};

const char *
ep_dns_outcome_str(enum ep_dns_outcome o)
{
  switch (o) {
    case EP_DNS_PENDING:
      return "pending";
    case EP_DNS_ANSWER:
      return "answered";
    case EP_DNS_NODATA:
      return "no address (NODATA)";
    case EP_DNS_NXDOMAIN:
      return "NXDOMAIN";
    case EP_DNS_SERVFAIL:
      return "SERVFAIL";
    case EP_DNS_REFUSED:
      return "REFUSED";
    case EP_DNS_BADREPLY:
      return "bad reply";
    case EP_DNS_TIMEOUT:
      return "timed out";
    case EP_DNS_UNREACHABLE:
      return "unreachable";
    case EP_DNS_CANCELLED:
      return "timed out";
  }
  return "unknown";
}

static void
sock_state(void *data, ares_socket_t fd, int readable, int writable)
{
  struct channel *c = data;
  size_t          i;

  for (i = 0; i < c->n_socks; i++)
    if (c->socks[i].fd == fd)
      break;
  if (!readable && !writable) {
    if (i < c->n_socks)
      c->socks[i] = c->socks[--c->n_socks];
    return;
  }
  if (i == c->n_socks) {
    /* c-ares opens one UDP socket per server and one TCP on truncation:
     * a channel with one server never needs more slots than this. */
    if (c->n_socks == SOCKS_PER_CHANNEL)
      return;
    c->n_socks++;
  }
  c->socks[i].fd = fd;
  c->socks[i].readable = readable != 0;
  c->socks[i].writable = writable != 0;
}

/* c-ares's socket I/O, through functions of ours: replies are timed as
 * they are read, and a TCP fallback writing to a server that has gone
 * gets EPIPE rather than SIGPIPE (c-ares 1.18 writes TCP queries with
 * writev(), which has no MSG_NOSIGNAL).  With functions of its user's,
 * c-ares configures nothing itself: non-blocking, TCP_NODELAY and the
 * interface to send from are set here. */
static ares_socket_t
sock_open(int domain, int type, int protocol, void *data)
{
  const struct channel  *c = data;
  const struct ep_iface *ifc = c ? c->iface : NULL;
  int                    fd, on = 1;

  fd = socket(domain, type | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol);
  if (fd < 0)
    return ARES_SOCKET_BAD;
  /* The kernel's receive time: a reply waiting while we were busy
   * sending other queries is not slower for it. */
  ep_rxtime_enable(fd);
  if (type == SOCK_STREAM)
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
  if (ifc && ep_iface_bind(fd, ifc, domain) != 0) {
    close(fd);
    return ARES_SOCKET_BAD;
  }
  return fd;
}

static int
sock_close(ares_socket_t fd, void *data)
{
  (void)data;
  return close(fd);
}

static int
sock_connect(ares_socket_t fd, const struct sockaddr *sa, ares_socklen_t len,
             void *data)
{
  struct channel *c = data;
  int             rc = connect(fd, sa, len);

  if (c && rc != 0 && errno != EINPROGRESS)
    c->last_errno = errno;
  return rc;
}

static ares_ssize_t
sock_recvfrom(ares_socket_t fd, void *buf, size_t len, int flags,
              struct sockaddr *from, ares_socklen_t *from_len, void *data)
{
  struct channel  *c = data;
  struct ep_rxtime rx;
  ssize_t          n;

  n = ep_rxtime_recv(fd, buf, len, flags, from, from_len, CLOCK_MONOTONIC,
                     &rx);
  if (n > 0)
    c->last_read = rx.at;
  else if (c && n < 0 && errno != EAGAIN && errno != EWOULDBLOCK &&
           errno != EINTR)
    c->last_errno = errno;
  return n;
}

static ares_ssize_t
sock_sendv(ares_socket_t fd, const struct iovec *iov, int n_iov, void *data)
{
  struct channel *c = data;
  struct msghdr   msg;
  struct timespec before;
  ssize_t         n;

  memset(&msg, 0, sizeof msg);
  msg.msg_iov = (struct iovec *)(uintptr_t)iov;
  msg.msg_iovlen = (size_t)n_iov;
  /* Timed from just before the send: read after it, a process
   * descheduled once the query had left read the clock late, and the
   * answer came sooner than the network can bring it (0.187 s through a
   * 200 ms relay).  Before it, the figure holds the send call's own
   * microseconds at most, unless we stall in between; the kernel's
   * transmit stamp would hold neither. */
  before = ep_time_now();
  n = sendmsg(fd, &msg, MSG_NOSIGNAL);
  if (c && n >= 0 && c->sending)
    c->sending->sent = before;
  if (c && n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
    c->last_errno = errno;
  return n;
}

static const struct ares_socket_functions sock_functions = {
  sock_open, sock_close, sock_connect, sock_recvfrom, sock_sendv,
};

const struct ares_socket_functions *
ep_resolver_socket_functions(void)
{
  return &sock_functions;
}

static enum ep_status
channel_open(struct ep_resolver *r, const char *csv, const struct ep_iface *iface,
             double timeout, struct ep_err *err)
{
  struct channel     *c = &r->chans[r->n];
  struct ares_options opts;
  int                 optmask, rc;

  memset(c, 0, sizeof *c);
  c->iface = iface;
  memset(&opts, 0, sizeof opts);
  /* NOCHECKRESP: hand REFUSED and SERVFAIL back instead of skipping the
   * server; NOSEARCH and no "f" lookups: only the name as given, on the
   * wire, never /etc/hosts. */
  opts.flags = ARES_FLAG_NOCHECKRESP | ARES_FLAG_NOSEARCH | ARES_FLAG_NOALIASES;
  opts.timeout = (int)(timeout * 1000.0 / 3.0);
  if (opts.timeout < 100)
    opts.timeout = 100;
  r->try_s = opts.timeout / 1000.0;
  opts.tries = 2;
  opts.lookups = (char *)"b";
  opts.sock_state_cb = sock_state;
  opts.sock_state_cb_data = c;
  optmask = ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES |
            ARES_OPT_LOOKUPS | ARES_OPT_SOCK_STATE_CB;
  rc = ares_init_options(&c->ch, &opts, optmask);
  if (rc != ARES_SUCCESS)
    return ep_err_set(err, rc == ARES_ENOMEM ? EP_ENOMEM : EP_ELIB,
                      "cannot create a DNS channel: %s", ares_strerror(rc));
  ares_set_socket_functions(c->ch, &sock_functions, c);
  rc = ares_set_servers_ports_csv(c->ch, csv);
  if (rc != ARES_SUCCESS) {
    ares_destroy(c->ch);
    return ep_err_set(err, EP_EINVAL, "DNS server %s: %s", csv,
                      ares_strerror(rc));
  }
  return EP_OK;
}

static enum ep_status
add_server(struct ep_resolver *r, const struct ep_hostport *hp, bool fallback,
           const struct ep_iface *iface, double timeout, struct ep_err *err)
{
  char   csv[80], label[80];
  size_t i;

  ep_hostport_format(hp, csv, sizeof csv);
  if (hp->port == 53)
    snprintf(label, sizeof label, "%.46s", hp->host);
  else
    snprintf(label, sizeof label, "%.79s", csv);
  for (i = 0; i < r->n; i++)
    if (strcmp(r->servers[i].label, label) == 0)
      return EP_OK;
  if (r->n == SERVERS_MAX)
    return ep_err_set(err, EP_EINVAL, "more than %d DNS servers", SERVERS_MAX);
  if (channel_open(r, csv, iface, timeout, err) != EP_OK)
    return err ? err->code : EP_ELIB;
  memcpy(r->servers[r->n].label, label, sizeof label);
  r->servers[r->n].fallback = fallback;
  r->n++;
  return EP_OK;
}

/* The resolvers of /etc/resolv.conf, as c-ares reads them. */
static enum ep_status
add_system_servers(struct ep_resolver *r, bool fallback,
                   const struct ep_iface *iface, double timeout,
                   struct ep_err *err)
{
  ares_channel                ch;
  struct ares_options         opts;
  struct ares_addr_port_node *list = NULL, *node;
  struct ep_hostport          hp;
  enum ep_status              rc = EP_OK;
  int                         arc;

  memset(&opts, 0, sizeof opts);
  opts.flags = ARES_FLAG_NOSEARCH;
  arc = ares_init_options(&ch, &opts, ARES_OPT_FLAGS);
  if (arc != ARES_SUCCESS)
    return ep_err_set(err, EP_ELIB, "cannot read the system resolvers: %s",
                      ares_strerror(arc));
  arc = ares_get_servers_ports(ch, &list);
  if (arc != ARES_SUCCESS)
    rc = ep_err_set(err, EP_ELIB, "cannot read the system resolvers: %s",
                    ares_strerror(arc));
  for (node = list; node && rc == EP_OK; node = node->next) {
    memset(&hp, 0, sizeof hp);
    if (!inet_ntop(node->family, &node->addr, hp.host, sizeof hp.host))
      continue;
    hp.port = node->udp_port ? (unsigned)node->udp_port : 53;
    hp.is_address = true;
    rc = add_server(r, &hp, fallback, iface, timeout, err);
  }
  ares_free_data(list);
  ares_destroy(ch);
  return rc;
}

struct ep_resolver *
ep_resolver_new(const struct ep_strlist *servers, const char *fallback,
                const struct ep_iface *iface, double timeout,
                struct ep_err *err)
{
  struct ep_resolver *r = calloc(1, sizeof *r);
  struct ep_hostport  hp;
  size_t              i;

  if (!r) {
    ep_err_set(err, EP_ENOMEM, "out of memory creating the resolver");
    return NULL;
  }
  for (i = 0; servers && i < servers->n; i++) {
    if (ep_addrport_parse(servers->v[i], 53, "DNS server", &hp, err) != EP_OK ||
        add_server(r, &hp, false, iface, timeout, err) != EP_OK)
      goto fail;
  }
  if (!fallback || strcmp(fallback, "none") == 0) {
    /* nothing more */
  } else if (strcmp(fallback, "system") == 0) {
    if (add_system_servers(r, r->n > 0, iface, timeout, err) != EP_OK)
      goto fail;
  } else if (ep_addrport_parse(fallback, 53, "fallback DNS", &hp, err) !=
               EP_OK ||
             add_server(r, &hp, r->n > 0, iface, timeout, err) != EP_OK) {
    goto fail;
  }
  if (r->n == 0) {
    ep_err_set(err, EP_EINVAL, "no DNS server to ask (servers empty and "
                               "fallback none)");
    goto fail;
  }
  return r;
fail:
  ep_resolver_free(r);
  return NULL;
}

static void answer_waiting(struct ep_resolver *r, struct channel *c);

void
ep_resolver_free(struct ep_resolver *r)
{
  size_t i;

  if (!r)
    return;
  /* ares_destroy() runs pending callbacks with ARES_EDESTRUCTION; the
   * queries still waiting get the same.  Every channel stops first, so
   * that no callback can start a query on one still open. */
  for (i = 0; i < r->n; i++)
    r->chans[i].stopping = true;
  for (i = 0; i < r->n; i++)
    ares_destroy(r->chans[i].ch);
  for (i = 0; i < r->n; i++)
    answer_waiting(r, &r->chans[i]);
  free(r);
}

size_t
ep_resolver_server_count(const struct ep_resolver *r)
{
  return r->n;
}

const struct ep_dns_server *
ep_resolver_server(const struct ep_resolver *r, size_t i)
{
  return i < r->n ? &r->servers[i] : NULL;
}

size_t
ep_resolver_pending(const struct ep_resolver *r)
{
  return r->pending;
}

static enum ep_dns_outcome
outcome_of(int status)
{
  switch (status) {
    case ARES_SUCCESS:
      return EP_DNS_ANSWER;
    case ARES_ENODATA:
      return EP_DNS_NODATA;
    case ARES_ENOTFOUND:
      return EP_DNS_NXDOMAIN;
    case ARES_ESERVFAIL:
      return EP_DNS_SERVFAIL;
    case ARES_EREFUSED:
      return EP_DNS_REFUSED;
    case ARES_ETIMEOUT:
      return EP_DNS_TIMEOUT;
    case ARES_ECONNREFUSED:
      return EP_DNS_UNREACHABLE;
    case ARES_ECANCELLED:
    case ARES_EDESTRUCTION:
      return EP_DNS_CANCELLED;
    default:
      return EP_DNS_BADREPLY;
  }
}

static void pump(struct ep_resolver *r, size_t server);

/* A reply's outcome from its header: its RCODE, then whether it has
 * records. */
static enum ep_dns_outcome
outcome_of_rcode(const unsigned char *abuf, int alen)
{
  if (!abuf || alen < 12)
    return EP_DNS_BADREPLY;
  switch (abuf[3] & 0x0f) {
    case 0:
      return (abuf[6] | abuf[7]) ? EP_DNS_ANSWER : EP_DNS_NODATA;
    case 2:
      return EP_DNS_SERVFAIL;
    case 3:
      return EP_DNS_NXDOMAIN;
    case 5:
      return EP_DNS_REFUSED;
    default:
      return EP_DNS_BADREPLY;
  }
}

/* The addresses of an A or AAAA reply into a; its outcome NODATA when
 * there are none, BADREPLY when the reply cannot be read. */
static void
read_addresses(int qtype, const unsigned char *abuf, int alen,
               struct ep_dns_answer *a)
{
  /* One more than we keep is asked for, to know when we cut. */
  struct ares_addrttl  ttls[EP_DNS_MAX_ADDRS + 1];
  struct ares_addr6ttl ttls6[EP_DNS_MAX_ADDRS + 1];
  int                  n = EP_DNS_MAX_ADDRS + 1, i, status;

  status = qtype == QTYPE_AAAA
             ? ares_parse_aaaa_reply(abuf, alen, NULL, ttls6, &n)
             : ares_parse_a_reply(abuf, alen, NULL, ttls, &n);
  if (status != ARES_SUCCESS || n <= 0) {
    a->outcome = status == ARES_SUCCESS || status == ARES_ENODATA
                   ? EP_DNS_NODATA
                   : EP_DNS_BADREPLY;
    return;
  }
  if (n > EP_DNS_MAX_ADDRS) {
    a->truncated = true;
    n = EP_DNS_MAX_ADDRS;
  }
  for (i = 0; i < n; i++) {
    if (qtype == QTYPE_AAAA)
      inet_ntop(AF_INET6, &ttls6[i].ip6addr, a->addrs[a->n_addrs++],
                EP_DNS_ADDR_TEXT);
    else
      inet_ntop(AF_INET, &ttls[i].ipaddr, a->addrs[a->n_addrs++],
                EP_DNS_ADDR_TEXT);
  }
}

static void
on_reply(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
  struct query        *q = arg;
  struct ep_resolver  *r = q->r;
  struct ep_dns_answer a;

  (void)timeouts;
  if (r->chans[q->server].sending == q)
    r->chans[q->server].sending = NULL;
  memset(&a, 0, sizeof a);
  a.outcome = outcome_of(status);
  if (a.outcome == EP_DNS_UNREACHABLE)
    a.os_errno = r->chans[q->server].last_errno;
  /* A reply is timed to the moment it was read; silence and errors to
   * the moment they were noticed. */
  if (abuf && ep_time_reached(r->chans[q->server].last_read, q->sent))
    a.seconds = ep_time_diff(r->chans[q->server].last_read, q->sent);
  else
    a.seconds = ep_time_diff(ep_time_now(), q->sent);
  /* The AD bit (RFC 4035 3.2.3): the resolver validated the answer. */
  if (abuf && alen >= 12)
    a.authentic = (abuf[3] & 0x20) != 0;
  if (status == ARES_SUCCESS &&
      (q->qtype == QTYPE_A || q->qtype == QTYPE_AAAA))
    read_addresses(q->qtype, abuf, alen, &a);
  else if (status == ARES_SUCCESS)
    /* Another type is asked for its header only: its code (ares_send()
     * hands back any), answered or not. */
    a.outcome = outcome_of_rcode(abuf, alen);
  r->pending--;
  r->chans[q->server].in_flight--;
  q->cb(q->arg, q->server, &a);
  pump(r, q->server);
  free(q);
}

/* Sends q on c's channel; with dnssec_ok, encoded here with an EDNS0
 * record whose DO bit asks the resolver to validate (RFC 3225), since
 * ares_query() cannot set it. */
static void
send_query(struct channel *c, struct query *q)
{
  unsigned char *buf = NULL;
  int            len = 0, rc;

  if (!q->dnssec_ok) {
    ares_query(c->ch, q->name, QCLASS_IN, q->qtype, on_reply, q);
    return;
  }
  rc = ares_create_query(q->name, QCLASS_IN, q->qtype, 0, 1, &buf, &len,
                         EDNS_PAYLOAD);
  if (rc != ARES_SUCCESS || len < 12 + EDNS_OPT_LEN) {
    if (buf)
      ares_free_string(buf);
    on_reply(q, rc == ARES_SUCCESS ? ARES_EBADQUERY : rc, 0, NULL, 0);
    return;
  }
  /* The OPT record ends the query: its TTL's third octet holds DO. */
  buf[len - EDNS_OPT_LEN + 7] |= 0x80;
  ares_send(c->ch, buf, len, on_reply, q);
  ares_free_string(buf);
}

/* Sends waiting queries of one server while it has room.  c-ares may
 * answer a query inside ares_query() (a send error): that on_reply()
 * finds pumping set and leaves the sending to this loop. */
static void
pump(struct ep_resolver *r, size_t server)
{
  struct channel *c = &r->chans[server];
  struct query   *q;

  if (c->pumping || c->stopping)
    return;
  c->pumping = true;
  while (c->waiting && c->in_flight < IN_FLIGHT_MAX && !c->stopping) {
    q = c->waiting;
    c->waiting = q->next;
    if (!c->waiting)
      c->waiting_tail = NULL;
    c->in_flight++;
    /* Each query is timed from its own send, not from the pass that
     * asked for many: from now until sock_sendv() times its sendmsg()
     * (ares_query() sends at once). */
    q->sent = ep_time_now();
    if (q->on_sent)
      q->on_sent(q->arg, server, q->sent);
    c->sending = q;
    send_query(c, q);
    c->sending = NULL;
  }
  c->pumping = false;
}

/* Queries that never went out, answered as cancelled. */
static void
answer_waiting(struct ep_resolver *r, struct channel *c)
{
  struct ep_dns_answer a;
  struct query        *q;

  while ((q = c->waiting)) {
    c->waiting = q->next;
    if (!c->waiting)
      c->waiting_tail = NULL;
    memset(&a, 0, sizeof a);
    a.outcome = EP_DNS_CANCELLED;
    r->pending--;
    q->cb(q->arg, q->server, &a);
    free(q);
  }
}

static enum ep_status
query_start(struct ep_resolver *r, size_t server, const char *name,
            const struct ep_dns_question *how, ep_resolve_cb cb,
            sent_cb on_sent, void *arg, struct timespec now,
            struct ep_err *err)
{
  struct query   *q;
  struct channel *c;

  if (server >= r->n)
    return ep_err_set(err, EP_EINVAL, "no DNS server %zu", server);
  if (r->chans[server].stopping)
    return ep_err_set(err, EP_EINVAL, "the resolver was cancelled");
  q = malloc(sizeof *q + strlen(name) + 1);
  if (!q)
    return ep_err_set(err, EP_ENOMEM, "out of memory querying %s", name);
  q->r = r;
  q->cb = cb;
  q->on_sent = on_sent;
  q->arg = arg;
  q->server = server;
  q->qtype = how && how->qtype ? how->qtype : QTYPE_A;
  q->dnssec_ok = how && how->dnssec_ok;
  q->next = NULL;
  strcpy(q->name, name);
  r->now = now;
  /* Counted before it is sent: c-ares may answer at once. */
  r->pending++;
  c = &r->chans[server];
  if (c->waiting_tail)
    c->waiting_tail->next = q;
  else
    c->waiting = q;
  c->waiting_tail = q;
  pump(r, server);
  return EP_OK;
}

enum ep_status
ep_resolver_query(struct ep_resolver *r, size_t server, const char *name,
                  ep_resolve_cb cb, void *arg, struct timespec now,
                  struct ep_err *err)
{
  return query_start(r, server, name, NULL, cb, NULL, arg, now, err);
}

enum ep_status
ep_resolver_ask(struct ep_resolver *r, size_t server, const char *name,
                const struct ep_dns_question *how, ep_resolve_cb cb,
                void *arg, struct timespec now, struct ep_err *err)
{
  return query_start(r, server, name, how, cb, NULL, arg, now, err);
}

enum ep_status
ep_resolver_pollset(struct ep_resolver *r, struct ep_pollset *ps,
                    struct timespec now)
{
  struct timeval  tv, *tvp;
  struct channel *c;
  struct lookup  *l;
  size_t          i, j;
  short           ev;

  for (i = 0; i < r->n; i++) {
    c = &r->chans[i];
    for (j = 0; j < c->n_socks; j++) {
      ev = (short)((c->socks[j].readable ? POLLIN : 0) |
                   (c->socks[j].writable ? POLLOUT : 0));
      if (ep_pollset_add(ps, c->socks[j].fd, ev) != EP_OK)
        return EP_ENOMEM;
    }
    tvp = ares_timeout(c->ch, NULL, &tv);
    if (tvp)
      ep_pollset_wake_at(ps, ep_time_add(now, (double)tvp->tv_sec +
                                                (double)tvp->tv_usec / 1e6));
  }
  /* Only a grace still to come is a reason to wake: once it is over, an
   * answer (or c-ares's own timeout) is what can decide, and waking for
   * a time already past would spin the loop at 100% CPU. */
  for (l = r->lookups; l; l = l->next)
    if (!l->decided && !ep_time_reached(now, l->grace))
      ep_pollset_wake_at(ps, l->grace);
  return EP_OK;
}

void
ep_resolver_process(struct ep_resolver *r, const struct ep_pollset *ps,
                    struct timespec now)
{
  struct channel  *c;
  struct lookup   *l;
  struct sock_slot ready[SOCKS_PER_CHANNEL];
  size_t           i, j, n;
  short            rev;

  r->now = now;
  for (i = 0; i < r->n; i++) {
    c = &r->chans[i];
    /* Copy first: processing may open and close sockets of this channel. */
    for (n = 0, j = 0; j < c->n_socks; j++) {
      rev = ep_pollset_revents(ps, c->socks[j].fd);
      if (rev) {
        ready[n].fd = c->socks[j].fd;
        ready[n].readable = (rev & (POLLIN | POLLERR | POLLHUP)) != 0;
        ready[n].writable = (rev & POLLOUT) != 0;
        n++;
      }
    }
    for (j = 0; j < n; j++)
      ares_process_fd(c->ch, ready[j].readable ? ready[j].fd : ARES_SOCKET_BAD,
                      ready[j].writable ? ready[j].fd : ARES_SOCKET_BAD);
    /* Runs c-ares's own timeouts and retries. */
    ares_process_fd(c->ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
  }
  /* A lookup whose fallback answered may decide once its grace is over. */
  for (l = r->lookups; l; l = l->next)
    try_decide(l, now);
}

void
ep_resolver_cancel(struct ep_resolver *r)
{
  size_t i;

  for (i = 0; i < r->n; i++)
    r->chans[i].stopping = true;
  for (i = 0; i < r->n; i++)
    ares_cancel(r->chans[i].ch);
  for (i = 0; i < r->n; i++)
    answer_waiting(r, &r->chans[i]);
}

struct ep_errtext
ep_dns_silence_words(const struct ep_dns_answer *const *answers, size_t n)
{
  struct ep_errtext t;
  size_t            i;
  int               e = -1;

  for (i = 0; i < n; i++) {
    if (answers[i]->outcome != EP_DNS_UNREACHABLE) {
      snprintf(t.text, sizeof t.text, "timed out");
      return t;
    }
    if (e == -1)
      e = answers[i]->os_errno;
    else if (e != answers[i]->os_errno)
      e = 0;
  }
  if (e > 0)
    return ep_net_strerror(e, true);
  snprintf(t.text, sizeof t.text, "unreachable");
  return t;
}

static void
describe_failure(const struct ep_resolver *r, struct ep_lookup_result *res,
                 const struct ep_dns_answer *answers)
{
  const struct ep_dns_answer *row[SERVERS_MAX];
  char  *out = res->failure;
  size_t size = sizeof res->failure, i, len = 0;
  int    n;

  if (!res->nobody_answered) {
    snprintf(out, size, "%s from %s%s", ep_dns_outcome_str(res->outcome),
             res->via_fallback ? "fallback " : "", res->server);
    return;
  }
  for (i = 0; i < r->n; i++)
    row[i] = &answers[i];
  n = snprintf(out, size, "no answer from ");
  len = n > 0 && (size_t)n < size ? (size_t)n : 0;
  for (i = 0; i < r->n && len < size; i++) {
    const char *sep = i == 0                   ? ""
                      : r->servers[i].fallback ? " nor "
                                               : ", ";
    n = snprintf(out + len, size - len, "%s%s%s", sep,
                 r->servers[i].fallback ? "fallback " : "",
                 r->servers[i].label);
    if (n < 0 || (size_t)n >= size - len)
      return;
    len += (size_t)n;
  }
  if (len < size)
    snprintf(out + len, size - len, " (%s)",
             ep_dns_silence_words(row, r->n).text);
}

static void
decide(struct lookup *l, size_t server, enum ep_dns_outcome outcome)
{
  struct ep_lookup_result     res;
  const struct ep_dns_answer *a = &l->answers[server];

  memset(&res, 0, sizeof res);
  res.outcome = outcome;
  if (server < l->r->n) {
    memcpy(res.server, l->r->servers[server].label, sizeof res.server);
    res.via_fallback = l->r->servers[server].fallback;
  }
  res.seconds = a->seconds;
  if (outcome == EP_DNS_ANSWER) {
    res.n_addrs = a->n_addrs;
    memcpy(res.addrs, a->addrs, sizeof res.addrs);
  } else {
    describe_failure(l->r, &res, l->answers);
  }
  l->decided = true;
  l->cb(l->arg, &res);
}

static bool
silent_outcome(enum ep_dns_outcome o)
{
  return o == EP_DNS_TIMEOUT || o == EP_DNS_CANCELLED ||
         o == EP_DNS_UNREACHABLE || o == EP_DNS_PENDING;
}

/* Every resolver has spoken, none with an answer or a failure of its own:
 * the verdict is the silence of all of them. */
static void
decide_silent(struct lookup *l, size_t server, enum ep_dns_outcome outcome)
{
  struct ep_lookup_result res;
  size_t                  i;

  for (i = 0; i < l->r->n; i++)
    if (!silent_outcome(l->answers[i].outcome)) {
      decide(l, server, outcome);
      return;
    }
  memset(&res, 0, sizeof res);
  res.outcome = outcome;
  res.nobody_answered = true;
  if (server < l->r->n)
    memcpy(res.server, l->r->servers[server].label, sizeof res.server);
  describe_failure(l->r, &res, l->answers);
  l->decided = true;
  l->cb(l->arg, &res);
}

/* Decides when the answers so far allow it, as the dns check judges: the
 * first configured resolver with addresses wins; a configured resolver's
 * own failure (NXDOMAIN, REFUSED, ...) wins once the others have spoken;
 * the fallback decides when the configured ones stay silent, at the
 * latest once their first try is over (a blocked resolver must not cost
 * the probe its whole deadline). */
static void
try_decide(struct lookup *l, struct timespec now)
{
  struct ep_resolver *r = l->r;
  size_t              i, failure = SERVERS_MAX, fb_answer = SERVERS_MAX;
  size_t              first = SERVERS_MAX;
  bool                primaries_done = true, all_done = true;

  if (l->decided)
    return;
  for (i = 0; i < r->n; i++) {
    enum ep_dns_outcome o = l->answers[i].outcome;

    if (!l->done[i]) {
      all_done = false;
      if (!r->servers[i].fallback)
        primaries_done = false;
      continue;
    }
    if (r->servers[i].fallback) {
      if (o == EP_DNS_ANSWER && fb_answer == SERVERS_MAX)
        fb_answer = i;
      continue;
    }
    if (o == EP_DNS_ANSWER) {
      decide(l, i, o);
      return;
    }
    if (first == SERVERS_MAX)
      first = i;
    if (!silent_outcome(o) && failure == SERVERS_MAX)
      failure = i;
  }
  if (failure != SERVERS_MAX &&
      (primaries_done || ep_time_reached(now, l->grace)))
    decide(l, failure, l->answers[failure].outcome);
  else if (failure == SERVERS_MAX && fb_answer != SERVERS_MAX &&
           (primaries_done || ep_time_reached(now, l->grace)))
    decide(l, fb_answer, EP_DNS_ANSWER);
  else if (all_done)
    decide_silent(l, first != SERVERS_MAX ? first : 0,
                  first != SERVERS_MAX ? l->answers[first].outcome
                                       : EP_DNS_CANCELLED);
}


static void
lookup_release(struct lookup *l)
{
  struct lookup **p;

  if (--l->pending > 0)
    return;
  try_decide(l, l->r->now);
  if (!l->decided) /* nothing was asked */
    decide(l, 0, EP_DNS_CANCELLED);
  for (p = &l->r->lookups; *p; p = &(*p)->next) {
    if (*p == l) {
      *p = l->next;
      break;
    }
  }
  free(l);
}

/* The fallback waits for a primary's first try from when it really went
 * out, not from when it was asked for (it may have waited its turn). */
static void
on_lookup_sent(void *arg, size_t server, struct timespec sent)
{
  struct lookup  *l = arg;
  struct timespec grace = ep_time_add(sent, l->r->try_s);

  if (!l->r->servers[server].fallback && !ep_time_reached(l->grace, grace))
    l->grace = grace;
}

static void
on_lookup_answer(void *arg, size_t server, const struct ep_dns_answer *answer)
{
  struct lookup *l = arg;

  l->answers[server] = *answer;
  l->done[server] = true;
  try_decide(l, l->r->now);
  lookup_release(l);
}

enum ep_status
ep_resolver_lookup_family(struct ep_resolver *r, const char *name, int family,
                          ep_lookup_cb cb, void *arg, struct timespec now,
                          struct ep_err *err)
{
  struct lookup *l = calloc(1, sizeof *l);
  size_t         i;

  if (!l)
    return ep_err_set(err, EP_ENOMEM, "out of memory resolving %s", name);
  l->cb = cb;
  l->arg = arg;
  l->r = r;
  l->how.qtype = family == AF_INET6 ? QTYPE_AAAA : QTYPE_A;
  l->grace = ep_time_add(now, r->try_s);
  l->next = r->lookups;
  r->lookups = l;
  /* Counted in full first: an answer may arrive during the loop below. */
  l->pending = r->n + 1;
  for (i = 0; i < r->n; i++) {
    if (query_start(r, i, name, &l->how, on_lookup_answer, on_lookup_sent, l, now,
                    NULL) != EP_OK) {
      l->answers[i].outcome = EP_DNS_BADREPLY;
      l->done[i] = true;
      l->pending--;
    }
  }
  lookup_release(l);
  return EP_OK;
}

enum ep_status
ep_resolver_lookup(struct ep_resolver *r, const char *name, ep_lookup_cb cb,
                   void *arg, struct timespec now, struct ep_err *err)
{
  return ep_resolver_lookup_family(r, name, AF_INET, cb, arg, now, err);
}
