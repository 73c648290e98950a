#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ep_addr.h"
#include "ep_buf.h"
#include "ep_cause.h"
#include "ep_drift.h"
#include "ep_memory.h"
#include "ep_neterr.h"
#include "ep_json.h"
#include "ep_offsets.h"
#include "ep_output.h"
#include "ep_run.h"
#include "ep_rxtime.h"
#include "ep_txtime.h"
#include "ep_summary.h"
#include "ep_time.h"
#include "ntp.h"
#include "ntp_settings.h"
#include "ntp_packet.h"

#define TEXT_MAX 2048
#define READS_PER_PASS 64 /* a flood cannot starve the other sockets */
#define REASONS_MAX 8
#define RECV_MAX 2048

struct ntp_addr {
  size_t              target;
  size_t              alias_of;  /* another target's entry: asked once */
  bool                is_alias;
  char                label[64]; /* "192.0.2.1" or "192.0.2.1:12300" */
  struct sockaddr_in6 sa;        /* or a sockaddr_in, by sa_family */
  socklen_t           salen;
  int                 fd;
  int                 sent, wanted;
  struct timespec     next_send; /* monotonic */
  bool                awaiting;
  uint64_t            xmt_wire;  /* transmit timestamp of the last request */
  struct ep_ntp_time  t1;        /* when it really left, wall clock */
  struct timespec     t1_read;   /* the clock read just before its send */
  uint32_t            t1_id;     /* its number among the socket's sends */
  uint64_t            prev_xmt;  /* the request before, still answerable */
  struct ep_ntp_time  prev_t1;
  struct timespec     prev_t1_read;
  uint32_t            prev_t1_id;
  uint32_t            sends;     /* on this socket */
  bool                prev_open; /* sent, not answered */
  bool                have_best;
  struct ep_ntp_sample best;
  double              best_at;   /* Unix time the best reply was read */
  int                 trusted;   /* trusted samples */
  char                kiss[5];
  bool                unsync;
  struct ep_ntp_sample unsync_sample;
  const char         *reasons[REASONS_MAX];
  unsigned            reason_counts[REASONS_MAX];
  size_t              n_reasons;
  unsigned            discarded;
  char                error[200];
  bool                finished;
};

struct ntp_target {
  char                    spec[EP_HOST_MAX + 8];
  struct ep_hostport      hp;
  bool                    resolving;
  bool                    lookup_failed;
  struct ep_lookup_result lookup;
};

struct ntp_ctx {
  struct ep_ntp_options opts;
  struct ntp_target    *targets;
  size_t                n_targets;
  struct ntp_addr      *addrs;
  size_t                n_addrs, cap_addrs;
  size_t                resolving;
  struct ep_run        *run;
  struct ep_err         late_err; /* errors from callbacks */
  /* The offsets kept from the last run: opts.state_dir's file (owned,
   * saved at the end), or the caller's store in memory (a daemon's). */
  bool                   have_store, own_store;
  struct ep_offset_store own;
  struct ep_offset_store *store;
};

struct lookup_slot {
  struct ntp_ctx *ctx;
  size_t          target;
};

/* ip (an IPv4 or IPv6 literal) and port as a socket address; -1 when ip
 * is neither. */
static int
parse_addr(const char *ip, unsigned port, struct sockaddr_in6 *sa,
           socklen_t *len)
{
  struct sockaddr_in *s4 = (struct sockaddr_in *)(void *)sa;

  memset(sa, 0, sizeof *sa);
  if (inet_pton(AF_INET, ip, &s4->sin_addr) == 1) {
    s4->sin_family = AF_INET;
    s4->sin_port = htons((uint16_t)port);
    *len = sizeof *s4;
    return 0;
  }
  if (inet_pton(AF_INET6, ip, &sa->sin6_addr) == 1) {
    sa->sin6_family = AF_INET6;
    sa->sin6_port = htons((uint16_t)port);
    *len = sizeof *sa;
    return 0;
  }
  return -1;
}

static enum ep_status
add_addr(struct ntp_ctx *c, size_t target, const char *ip, unsigned port)
{
  struct ntp_addr *a;
  size_t           i;

  struct sockaddr_in6 sa;
  socklen_t           salen;
  bool                alias = false;
  size_t              alias_of = 0;

  if (parse_addr(ip, port, &sa, &salen) != 0)
    salen = 0;
  /* One address is asked once per run, however many targets lead to it:
   * packets to one address stay 2 s apart. */
  for (i = 0; salen && i < c->n_addrs; i++) {
    if (c->addrs[i].is_alias || c->addrs[i].salen != salen ||
        memcmp(&c->addrs[i].sa, &sa, salen) != 0)
      continue;
    if (c->addrs[i].target == target)
      return EP_OK;
    alias = true;
    alias_of = i;
  }
  if (c->n_addrs == c->cap_addrs) {
    size_t cap = c->cap_addrs ? c->cap_addrs * 2 : 8;

    a = realloc(c->addrs, cap * sizeof *a);
    if (!a)
      return EP_ENOMEM;
    c->addrs = a;
    c->cap_addrs = cap;
  }
  a = &c->addrs[c->n_addrs];
  memset(a, 0, sizeof *a);
  a->target = target;
  a->fd = -1;
  a->t1_id = a->prev_t1_id = UINT32_MAX; /* no send yet */
  a->wanted = c->opts.samples;
  a->sa = sa;
  a->salen = salen;
  if (!salen) {
    snprintf(a->label, sizeof a->label, "%.46s", ip);
    snprintf(a->error, sizeof a->error, "not an address");
    a->finished = true;
  } else if (port == 123) {
    snprintf(a->label, sizeof a->label, "%.46s", ip);
  } else if (sa.sin6_family == AF_INET6) {
    snprintf(a->label, sizeof a->label, "[%.46s]:%u", ip, port);
  } else {
    snprintf(a->label, sizeof a->label, "%.46s:%u", ip, port);
  }
  if (alias) {
    a->is_alias = true;
    a->alias_of = alias_of;
    a->finished = true;
  }
  c->n_addrs++;
  return EP_OK;
}

static void
close_addr(struct ntp_addr *a)
{
  if (a->fd >= 0)
    close(a->fd);
  a->fd = -1;
}

static void
fail_addr(struct ntp_addr *a, const char *what, int errnum)
{
  if (!a->error[0] && what)
    snprintf(a->error, sizeof a->error, "%.60s: %s", what,
             ep_net_strerror(errnum, true).text);
  else if (!a->error[0])
    snprintf(a->error, sizeof a->error, "%s",
             ep_net_strerror(errnum, true).text);
  a->awaiting = false;
  a->finished = true;
  close_addr(a);
}

static int
open_socket(struct ntp_ctx *c, struct ntp_addr *a)
{
  const struct ep_iface *ifc = c->opts.iface;
  int                    family = a->sa.sin6_family;
  int                    fd;

  fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return -1;
  /* Kernel receive timestamps: T4 is when the reply arrived, not when we
   * got round to reading it; transmit ones: T1 is when the request left,
   * not when we read the clock before sending it. */
  ep_rxtime_enable(fd);
  ep_txtime_enable(fd);
  if (ifc && ep_iface_bind(fd, ifc, family) != 0)
    goto fail;
  /* Connected: the kernel drops replies from any other address or port. */
  if (connect(fd, (struct sockaddr *)&a->sa, a->salen) != 0)
    goto fail;
  return fd;
fail:
  {
    int e = errno;

    close(fd);
    errno = e;
  }
  return -1;
}

static uint32_t
random32(void)
{
  uint32_t v = 0;

  if (getrandom(&v, sizeof v, GRND_NONBLOCK) != (ssize_t)sizeof v) {
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    v = (uint32_t)ts.tv_nsec * 2654435761u;
  }
  return v;
}

static void
send_request(struct ntp_ctx *c, struct ntp_addr *a, struct timespec now)
{
  uint8_t         pkt[EP_NTP_PACKET_LEN];
  struct timespec wall;
  uint32_t        fraction;

  if (a->fd < 0 && (a->fd = open_socket(c, a)) < 0) {
    /* A connect() without a route fails here: say it as a send would. */
    fail_addr(a, errno == ENETUNREACH || errno == EHOSTUNREACH ||
                   errno == ENETDOWN
                 ? NULL
                 : "cannot open a socket",
              errno);
    return;
  }
  a->prev_xmt = a->xmt_wire;
  a->prev_t1 = a->t1;
  a->prev_t1_read = a->t1_read;
  a->prev_t1_id = a->t1_id;
  a->prev_open = a->awaiting;
  /* The fraction is random: the origin check cannot be passed by
   * guessing, and the real send time stays with us (T1 is kept apart).
   * It is drawn before T1 is read: its system call between the clock and
   * the send would count as the path's, and bias the offset by half. */
  fraction = random32();
  clock_gettime(CLOCK_REALTIME, &wall);
  a->t1 = ep_ntp_time_from_timespec(wall);
  a->t1_read = wall;
  a->xmt_wire = (ep_ntp_time_to_wire(a->t1) & ~(uint64_t)0xffffffff) |
                fraction;
  ep_ntp_build_request(pkt, a->xmt_wire);
  if (send(a->fd, pkt, sizeof pkt, MSG_NOSIGNAL) != (ssize_t)sizeof pkt) {
    fail_addr(a, errno == ENETUNREACH || errno == EHOSTUNREACH ||
                   errno == ECONNREFUSED || errno == ENETDOWN
                 ? NULL
                 : "cannot send",
              errno);
    return;
  }
  a->t1_id = a->sends++;
  a->sent++;
  a->awaiting = true;
  a->next_send = ep_time_add(now, EP_NTP_SPACING);
}

static void
count_reason(struct ntp_addr *a, const char *reason)
{
  size_t i;

  a->discarded++;
  for (i = 0; i < a->n_reasons; i++) {
    if (a->reasons[i] == reason) {
      a->reason_counts[i]++;
      return;
    }
  }
  if (a->n_reasons < REASONS_MAX) {
    a->reasons[a->n_reasons] = reason;
    a->reason_counts[a->n_reasons++] = 1;
  }
}

static void
judge(struct ntp_addr *a, const uint8_t *buf, size_t len, struct ep_ntp_time t4)
{
  struct ep_ntp_sample s;
  const char          *reason;
  enum ep_ntp_verdict  v;
  bool                *open = &a->awaiting;

  v = ep_ntp_check_reply(buf, len, a->xmt_wire, a->t1, t4, &s, &reason);
  /* A server slower than the spacing answers the request before. */
  if (v == EP_NTP_DISCARDED && reason == ep_ntp_origin_mismatch &&
      a->prev_xmt) {
    struct ep_ntp_sample ps;
    const char          *preason;
    enum ep_ntp_verdict  pv;

    pv = ep_ntp_check_reply(buf, len, a->prev_xmt, a->prev_t1, t4, &ps,
                            &preason);
    if (pv != EP_NTP_DISCARDED || preason != ep_ntp_origin_mismatch) {
      v = pv;
      s = ps;
      reason = preason;
      open = &a->prev_open;
    }
  }
  if (!*open && v != EP_NTP_DISCARDED) {
    count_reason(a, "duplicate reply");
    return;
  }
  switch (v) {
    case EP_NTP_TRUSTED:
      a->trusted++;
      if (!a->have_best || s.delay < a->best.delay) {
        a->best = s;
        a->best_at = (double)t4.sec + (double)t4.frac / 4294967296.0;
      }
      a->have_best = true;
      *open = false;
      break;
    case EP_NTP_KOD:
      memcpy(a->kiss, s.kiss, sizeof a->kiss);
      *open = false;
      /* RFC 5905 7.4: RATE asks us to slow down, DENY and RSTR to stop;
       * a one-shot check can only stop. */
      if (!strcmp(s.kiss, "RATE") || !strcmp(s.kiss, "DENY") ||
          !strcmp(s.kiss, "RSTR")) {
        a->wanted = a->sent;
        a->awaiting = false;
      }
      break;
    case EP_NTP_UNSYNC:
      a->unsync = true;
      a->unsync_sample = s;
      *open = false;
      break;
    case EP_NTP_DISCARDED:
      count_reason(a, reason);
      break;
  }
}

/* T1 from the kernel's stamp of the send: no earlier than the clock read
 * before it, and within a second of it (a clock stepped, or faked by
 * LD_PRELOAD, since would be neither). */
static void
stamp_t1(struct ep_ntp_time *t1, struct timespec read_at,
         struct timespec sent_at)
{
  double after = ep_time_diff(sent_at, read_at);

  if (after >= 0 && after < 1.0)
    *t1 = ep_ntp_time_from_timespec(sent_at);
}

/* The transmit stamps the kernel queued, each to its request; before the
 * replies, which cannot have come before their requests left. */
static void
take_send_stamps(struct ntp_addr *a)
{
  struct timespec at;
  uint32_t        id;

  while (a->fd >= 0 && ep_txtime_read(a->fd, &id, &at) == 1) {
    if (id == a->t1_id)
      stamp_t1(&a->t1, a->t1_read, at);
    else if (id == a->prev_t1_id)
      stamp_t1(&a->prev_t1, a->prev_t1_read, at);
  }
}

static void
read_replies(struct ntp_addr *a)
{
  uint8_t          buf[RECV_MAX];
  struct ep_rxtime rx;
  ssize_t          n;
  int              i;

  take_send_stamps(a);
  for (i = 0; i < READS_PER_PASS && a->fd >= 0; i++) {
    /* T4 on the wall clock T1 was read from: the kernel's stamp, unless
     * that clock has moved since (stepped, or faked by LD_PRELOAD). */
    n = ep_rxtime_recv(a->fd, buf, sizeof buf, MSG_DONTWAIT, NULL, NULL,
                       CLOCK_REALTIME, &rx);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
        return;
      /* ICMP port unreachable comes back as ECONNREFUSED here. */
      fail_addr(a, NULL, errno);
      return;
    }
    /* A datagram larger than the buffer is cut: judge its real length. */
    judge(a, buf, (rx.flags & MSG_TRUNC) ? RECV_MAX + 1 : (size_t)n,
          ep_ntp_time_from_timespec(rx.at));
  }
}

/* Sends what is due and marks addresses with nothing left to do. */
static void
service(struct ntp_ctx *c, struct timespec now)
{
  size_t i;

  for (i = 0; i < c->n_addrs; i++) {
    struct ntp_addr *a = &c->addrs[i];

    if (a->finished)
      continue;
    if (a->sent < a->wanted &&
        (a->sent == 0 || ep_time_reached(now, a->next_send)))
      send_request(c, a, now);
    if (!a->finished && a->sent >= a->wanted && !a->awaiting) {
      a->finished = true;
      close_addr(a);
    }
  }
}

static void
on_lookup(void *arg, const struct ep_lookup_result *res)
{
  struct lookup_slot *sl = arg;
  struct ntp_ctx     *c = sl->ctx;
  struct ntp_target  *t = &c->targets[sl->target];
  size_t              i;

  t->resolving = false;
  c->resolving--;
  t->lookup = *res;
  if (res->outcome != EP_DNS_ANSWER) {
    t->lookup_failed = true;
  } else {
    for (i = 0; i < res->n_addrs && i < (size_t)c->opts.max_addrs; i++)
      if (add_addr(c, sl->target, res->addrs[i], t->hp.port) != EP_OK)
        ep_err_set(&c->late_err, EP_ENOMEM, "out of memory");
    service(c, ep_time_now());
  }
  free(sl);
}

static enum ep_status
ntp_start(struct ep_probe *p, struct ep_run *run, struct ep_err *err)
{
  struct ntp_ctx     *c = p->ctx;
  struct lookup_slot *sl;
  struct timespec     now = ep_time_now();
  size_t              i;

  c->run = run;
  for (i = 0; i < c->n_targets; i++) {
    struct ntp_target *t = &c->targets[i];

    if (t->hp.is_address) {
      if (add_addr(c, i, t->hp.host, t->hp.port) != EP_OK)
        return ep_err_set(err, EP_ENOMEM, "out of memory");
      continue;
    }
    if (!run->resolver)
      return ep_err_set(err, EP_EINVAL, "ntp probe: the run has no resolver");
    if (!(sl = malloc(sizeof *sl)))
      return ep_err_set(err, EP_ENOMEM, "out of memory");
    sl->ctx = c;
    sl->target = i;
    t->resolving = true;
    c->resolving++;
    if (ep_resolver_lookup(run->resolver, t->hp.host, on_lookup, sl, now,
                           err) != EP_OK) {
      free(sl);
      return err ? err->code : EP_ENOMEM;
    }
  }
  service(c, now);
  return EP_OK;
}

static enum ep_status
ntp_pollset(struct ep_probe *p, struct ep_pollset *ps, struct timespec now)
{
  struct ntp_ctx *c = p->ctx;
  size_t          i;

  (void)now;
  for (i = 0; i < c->n_addrs; i++) {
    struct ntp_addr *a = &c->addrs[i];

    if (a->finished)
      continue;
    if (a->fd >= 0 && ep_pollset_add(ps, a->fd, POLLIN) != EP_OK)
      return EP_ENOMEM;
    if (a->sent < a->wanted)
      ep_pollset_wake_at(ps, a->next_send);
  }
  return EP_OK;
}

static void
ntp_on_ready(struct ep_probe *p, const struct ep_pollset *ps,
             struct timespec now)
{
  struct ntp_ctx *c = p->ctx;
  size_t          i;

  for (i = 0; i < c->n_addrs; i++) {
    struct ntp_addr *a = &c->addrs[i];

    if (!a->finished && a->fd >= 0 && ep_pollset_revents(ps, a->fd))
      read_replies(a);
  }
  service(c, now);
}

static bool
ntp_done(const struct ep_probe *p)
{
  const struct ntp_ctx *c = p->ctx;
  size_t                i;

  if (c->resolving)
    return false;
  for (i = 0; i < c->n_addrs; i++)
    if (!c->addrs[i].finished)
      return false;
  return true;
}

/* "NAME ADDR" for a pool member, "ADDR" for an address target. */
static void
line_name(const struct ntp_ctx *c, const struct ntp_addr *a, char *out,
          size_t size)
{
  const struct ntp_target *t = &c->targets[a->target];

  if (t->hp.is_address)
    snprintf(out, size, "%s", a->label);
  else
    snprintf(out, size, "%s %s", t->hp.host, a->label);
}

/* The drift since this address's offset was last kept (--state-dir), in
 * ppm; false on a first run or when too little or too much time passed. */
static bool
drift_of(const struct ntp_ctx *c, const char *key, const struct ntp_addr *a,
         double *ppm)
{
  const struct ep_offset_record *prev;

  if (!c->have_store || !(prev = ep_offsets_get(c->store, key)))
    return false;
  return ep_drift_ppm(prev->offset, prev->time, a->best.offset, a->best_at,
                      ppm);
}

/* The drift's state against its own thresholds, on its absolute value. */
static enum ep_state
drift_state(const struct ntp_ctx *c, double ppm)
{
  return ep_state_from_ranges(ppm < 0 ? -ppm : ppm, &c->opts.drift_warn,
                              &c->opts.drift_crit);
}

/* " drift 1.5ppm", and the threshold it is over. */
static enum ep_status
word_drift(struct ep_buf *b, const struct ntp_ctx *c, double ppm,
           enum ep_state st)
{
  char num[32];

  ep_format_number(num, sizeof num, ppm);
  if (st == EP_STATE_OK)
    return ep_buf_printf(b, " drift %sppm", num);
  return ep_buf_printf(b, " drift %sppm (over %s %s)", num,
                       st == EP_STATE_CRITICAL ? "critical" : "warning",
                       st == EP_STATE_CRITICAL ? c->opts.drift_crit.text
                                               : c->opts.drift_warn.text);
}

/* Keeps the offset for the next run, unless the one kept is too recent
 * to tell drift from noise. */
static enum ep_status
keep_offset(struct ntp_ctx *c, const char *key, const struct ntp_addr *a)
{
  const struct ep_offset_record *prev = ep_offsets_get(c->store, key);

  if (prev && a->best_at - prev->time < EP_DRIFT_MIN_INTERVAL &&
      a->best_at >= prev->time)
    return EP_OK;
  return ep_offsets_put(c->store, key, a->best.offset, a->best_at);
}

/* Writes the offsets kept for the next run; what could not be read or
 * written is said in a note, not a failed run. */
static enum ep_status
save_offsets(struct ntp_ctx *c, struct ep_check_result *out)
{
  struct ep_err  e = EP_ERR_INIT;
  enum ep_status rc = EP_OK;

  if (!c->own_store)
    return EP_OK; /* the caller keeps it in memory */
  if (c->store->note[0])
    rc = ep_check_result_add_note(out, c->store->note);
  if (rc == EP_OK && ep_offsets_save(c->store, &e) != EP_OK)
    rc = e.code == EP_ENOMEM
           ? EP_ENOMEM
           : ep_check_result_add_note(out, e.msg[0] ? e.msg
                                                    : "state not saved");
  return rc;
}

/* What one address showed: its drift since the last run, and the states
 * its offset and its drift earn. */
struct address_verdict {
  bool          have_drift;
  double        drift; /* ppm */
  enum ep_state offset_state, drift_state;
};

/* The address's state and cause: the best sample's absolute offset, then
 * its drift, against their thresholds; without a trusted sample, what
 * went wrong, the most telling first. */
static void
judge_address(const struct ntp_ctx *c, const struct ntp_addr *a,
              const char *name, struct ep_target_result *t,
              struct address_verdict *v)
{
  const struct ep_ntp_sample *s = &a->best;

  memset(v, 0, sizeof *v);
  v->have_drift = a->have_best && drift_of(c, name, a, &v->drift);
  if (!a->have_best) {
    t->state = EP_STATE_CRITICAL;
    ep_target_set_cause(t, a->error[0]    ? EP_CAUSE_NTP_UNREACHABLE
                           : a->kiss[0]   ? EP_CAUSE_NTP_KOD
                           : a->unsync    ? EP_CAUSE_NTP_UNSYNC
                           : a->discarded ? EP_CAUSE_NTP_UNTRUSTED
                                          : EP_CAUSE_NTP_TIMEOUT);
    return;
  }
  v->offset_state = ep_state_from_ranges(s->offset < 0 ? -s->offset
                                                       : s->offset,
                                         &c->opts.warn, &c->opts.crit);
  t->state = v->offset_state;
  if (t->state != EP_STATE_OK)
    ep_target_set_cause(t, EP_CAUSE_NTP_OFFSET);
  if (!v->have_drift)
    return;
  v->drift_state = drift_state(c, v->drift);
  if (v->drift_state != EP_STATE_OK)
    ep_target_set_cause(t, EP_CAUSE_NTP_DRIFT);
  t->state = ep_state_worse(t->state, v->drift_state);
}

/* " (3 discarded: 2 origin mismatch, 1 duplicate reply)". */
static enum ep_status
word_discarded(struct ep_buf *b, const struct ntp_addr *a)
{
  enum ep_status rc;
  size_t         i;

  rc = ep_buf_printf(b, " (%u discarded: ", a->discarded);
  for (i = 0; i < a->n_reasons && rc == EP_OK; i++) {
    if (a->n_reasons == 1)
      rc = ep_buf_printf(b, "%s", a->reasons[i]);
    else
      rc = ep_buf_printf(b, "%s%u %s", i ? ", " : "", a->reason_counts[i],
                         a->reasons[i]);
  }
  return rc == EP_OK ? ep_buf_printf(b, ")") : rc;
}

/* "NAME offset 0.002s delay 0.0009s stratum 2 refid GPS", or what kept
 * the address from a trusted sample; then the replies discarded. */
static enum ep_status
word_address(struct ep_buf *b, const struct ntp_ctx *c,
             const struct ntp_addr *a, const char *name,
             const struct address_verdict *v)
{
  const struct ep_ntp_sample *s = &a->best;
  enum ep_status              rc;
  char                        off[32], del[32];

  if (a->have_best) {
    ep_format_number(off, sizeof off, s->offset);
    ep_format_number(del, sizeof del, s->delay);
    rc = ep_buf_printf(b, "%s offset %ss delay %ss stratum %d refid %s", name,
                       off, del, s->stratum, s->refid);
    if (rc == EP_OK && v->offset_state != EP_STATE_OK)
      rc = ep_buf_printf(b, " (absolute offset over %s %s)",
                         v->offset_state == EP_STATE_CRITICAL ? "critical"
                                                              : "warning",
                         v->offset_state == EP_STATE_CRITICAL
                           ? c->opts.crit.text
                           : c->opts.warn.text);
    if (rc == EP_OK && v->have_drift)
      rc = word_drift(b, c, v->drift, v->drift_state);
  } else if (a->error[0]) {
    rc = ep_buf_printf(b, "%s %s", name, a->error);
  } else if (a->kiss[0]) {
    rc = ep_buf_printf(b, "%s Kiss-o'-Death %s", name, a->kiss);
  } else if (a->unsync) {
    rc = ep_buf_printf(b, "%s unsynchronised (leap %d, stratum %d)", name,
                       a->unsync_sample.leap, a->unsync_sample.stratum);
  } else if (a->discarded) {
    rc = ep_buf_printf(b, "%s no trusted reply", name);
  } else {
    rc = ep_buf_printf(b, "%s timed out (%d %s, no reply)", name, a->sent,
                       a->sent == 1 ? "request" : "requests");
  }
  if (rc == EP_OK && a->discarded)
    rc = word_discarded(b, a);
  return rc;
}

/* The address's line, and its words without its name (why) for a cause
 * that several share. */
static enum ep_status
set_address_text(struct ep_target_result *t, const struct ntp_ctx *c,
                 const struct ntp_addr *a, const char *name,
                 const struct address_verdict *v)
{
  struct ep_buf  b;
  enum ep_status rc;
  size_t         why_end;

  ep_buf_init(&b, TEXT_MAX);
  rc = word_address(&b, c, a, name, v);
  why_end = b.len;
  if (rc == EP_OK && a->is_alias)
    rc = ep_buf_printf(&b, " (the same address as another server's, asked "
                           "once)");
  if (rc == EP_OK)
    rc = ep_target_set_text(t, "%s", ep_buf_str(&b));
  if (rc == EP_OK && t->state != EP_STATE_OK && why_end > strlen(name) + 1) {
    b.data[why_end] = '\0';
    rc = ep_target_set_why(t, b.data + strlen(name) + 1);
  }
  ep_buf_cleanup(&b);
  return rc;
}

/* The server's figures, labelled by the server as configured (series)
 * so that a pool's rotating addresses keep one series. */
static enum ep_status
add_address_perf(struct ep_target_result *t, const struct ntp_ctx *c,
                 const struct ntp_addr *a, const char *series,
                 const struct address_verdict *v)
{
  static const double zero = 0, sixteen = 16;
  char                label[EP_HOST_MAX + 16];
  enum ep_status      rc;

  snprintf(label, sizeof label, "%s_offset", series);
  rc = ep_target_add_perf(t,
                          &(struct ep_figure){.figure = "offset",
                                              .instance = a->label,
                                              .unit = EP_UNIT_SECONDS,
                                              .label = label,
                                              .warn = &c->opts.warn,
                                              .crit = &c->opts.crit},
                          a->have_best, a->best.offset);
  snprintf(label, sizeof label, "%s_delay", series);
  if (rc == EP_OK)
    rc = ep_target_add_perf(t,
                            &(struct ep_figure){.figure = "delay",
                                                .instance = a->label,
                                                .unit = EP_UNIT_SECONDS,
                                                .label = label,
                                                .min = &zero},
                            a->have_best, a->best.delay);
  snprintf(label, sizeof label, "%s_stratum", series);
  if (rc == EP_OK)
    rc = ep_target_add_perf(t,
                            &(struct ep_figure){.figure = "stratum",
                                                .instance = a->label,
                                                .unit = EP_UNIT_COUNT,
                                                .label = label,
                                                .min = &zero,
                                                .max = &sixteen},
                            a->have_best, a->best.stratum);
  snprintf(label, sizeof label, "%s_drift", series);
  if (rc == EP_OK && c->have_store)
    rc = ep_target_add_perf(t,
                            &(struct ep_figure){.figure = "drift",
                                                .instance = a->label,
                                                .unit = EP_UNIT_PPM,
                                                .label = label,
                                                .warn = &c->opts.drift_warn,
                                                .crit = &c->opts.drift_crit},
                            v->have_drift, v->drift);
  return rc;
}

/* The best sample's figures for --format json. */
static enum ep_status
add_sample_json(json_object *d, const struct ep_ntp_sample *s)
{
  enum ep_status rc;

  rc = ep_json_put(d, "offset", json_object_new_double(s->offset));
  if (rc == EP_OK)
    rc = ep_json_put(d, "delay", json_object_new_double(s->delay));
  if (rc == EP_OK)
    rc = ep_json_put(d, "stratum", json_object_new_int(s->stratum));
  if (rc == EP_OK)
    rc = ep_json_put(d, "refid", json_object_new_string(s->refid));
  if (rc == EP_OK)
    rc = ep_json_put(d, "leap", json_object_new_int(s->leap));
  if (rc == EP_OK)
    rc = ep_json_put(d, "root_dispersion",
                     json_object_new_double(s->root_dispersion));
  return rc;
}

/* The address's requests and sample for --format json. */
static enum ep_status
add_address_json(json_object *d, const struct ntp_ctx *c,
                 const struct ntp_addr *a, const struct address_verdict *v)
{
  enum ep_status rc = EP_OK;

  if (c->have_store)
    rc = v->have_drift
           ? ep_json_put(d, "drift_ppm", json_object_new_double(v->drift))
           : ep_json_put_null(d, "drift_ppm");
  if (rc == EP_OK)
    rc = ep_json_put(d, "address", json_object_new_string(a->label));
  if (rc == EP_OK)
    rc = ep_json_put(d, "requests", json_object_new_int(a->sent));
  if (rc == EP_OK)
    rc = ep_json_put(d, "trusted", json_object_new_int(a->trusted));
  if (rc == EP_OK)
    rc = ep_json_put(d, "discarded", json_object_new_int((int)a->discarded));
  if (rc == EP_OK && a->have_best)
    rc = add_sample_json(d, &a->best);
  if (rc == EP_OK && a->kiss[0])
    rc = ep_json_put(d, "kiss", json_object_new_string(a->kiss));
  return rc;
}

/* The address's state and line; and, for the address that stands for
 * its server (with_perf), the server's perfdata, labelled by the server
 * as configured so that a pool's rotating addresses keep one series. */
static enum ep_status
address_result(struct ntp_ctx *c, const struct ntp_addr *a, bool with_perf,
               struct ep_check_result *out, struct ep_err *err)
{
  const struct ntp_target *server = &c->targets[a->target];
  const char *series = server->hp.is_address ? a->label : server->hp.host;
  struct ep_target_result *t;
  struct address_verdict   v;
  char                     name[EP_HOST_MAX + 80];
  enum ep_status           rc;

  line_name(c, a, name, sizeof name);
  if (!(t = ep_check_result_add(out, name, err)))
    return EP_ENOMEM;
  if (!server->hp.is_address && ep_target_set_host(t, server->hp.host) != EP_OK)
    return ep_err_set(err, EP_ENOMEM, "out of memory");
  judge_address(c, a, name, t, &v);
  rc = set_address_text(t, c, a, name, &v);
  if (rc == EP_OK && a->have_best)
    rc = ep_target_add_detail(
      t, "leap %d, version %d, root delay %gs, root dispersion %gs, %d of %d "
         "samples trusted",
      a->best.leap, a->best.version, a->best.root_delay,
      a->best.root_dispersion, a->trusted, a->sent);
  if (rc == EP_OK && with_perf)
    rc = add_address_perf(t, c, a, series, &v);
  if (rc == EP_OK)
    rc = add_address_json(t->data, c, a, &v);
  if (rc == EP_OK && a->have_best && c->have_store)
    rc = keep_offset(c, name, a);
  if (rc != EP_OK)
    return ep_err_set(err, rc, "cannot build the NTP result");
  return EP_OK;
}

/* An address reached through two targets was asked once: both show it. */
static void
share_alias_results(struct ntp_ctx *c)
{
  size_t i;

  for (i = 0; i < c->n_addrs; i++) {
    struct ntp_addr *a = &c->addrs[i], keep = *a;

    if (!a->is_alias)
      continue;
    *a = c->addrs[keep.alias_of];
    a->target = keep.target;
    a->is_alias = true;
    a->alias_of = keep.alias_of;
    a->fd = -1;
  }
}

/* What one configured server came to: the state of its best address,
 * or, without one, its first problem. */
struct server_outcome {
  enum ep_state state;
  const char   *problem, *why; /* the line that speaks for it */
};

/* The line of a server whose name did not resolve (or not in time). */
static enum ep_status
unresolved_result(const struct ntp_ctx *c, const struct ntp_target *t,
                  struct ep_check_result *out, struct ep_err *err,
                  struct server_outcome *so)
{
  struct ep_target_result *r = ep_check_result_add(out, t->spec, err);
  char                     label[EP_HOST_MAX + 16];
  enum ep_status           rc;

  if (!r)
    return EP_ENOMEM;
  r->state = EP_STATE_CRITICAL;
  ep_target_set_cause(r, EP_CAUSE_UNRESOLVED);
  rc = ep_target_set_host(r, t->hp.host);
  if (rc == EP_OK)
    rc = t->resolving
         ? ep_target_set_text(r, "%s timed out resolving the name",
                              t->hp.host)
         : ep_target_set_text(r, "%s not resolved: %s", t->hp.host,
                              t->lookup.failure);
  if (rc == EP_OK)
    rc = ep_target_set_why(r, r->text + strlen(t->hp.host) + 1);
  so->problem = r->text;
  so->why = r->why;
  snprintf(label, sizeof label, "%s_offset", t->hp.host);
  if (rc == EP_OK)
    rc = ep_target_add_perf(r,
                            &(struct ep_figure){.figure = "offset",
                                                .unit = EP_UNIT_SECONDS,
                                                .label = label,
                                                .warn = &c->opts.warn,
                                                .crit = &c->opts.crit},
                            false, 0);
  return rc;
}

/* Server i's address with a trusted sample of the lowest delay, or NULL. */
static const struct ntp_addr *
best_address(const struct ntp_ctx *c, size_t i)
{
  const struct ntp_addr *best = NULL;
  size_t                 j;

  for (j = 0; j < c->n_addrs; j++) {
    const struct ntp_addr *a = &c->addrs[j];

    if (a->target == i && a->have_best &&
        (!best || a->best.delay < best->best.delay))
      best = a;
  }
  return best;
}

/* Server i's lines, one per address.  A server is as good as the best of
 * its addresses (lowest delay); without one, its first problem speaks
 * for it. */
static enum ep_status
server_results(struct ntp_ctx *c, size_t i, struct ep_check_result *out,
               struct ep_err *err, struct server_outcome *so)
{
  const struct ntp_target *t = &c->targets[i];
  const struct ntp_addr   *best = best_address(c, i);
  enum ep_status           rc = EP_OK;
  size_t                   j, line;

  so->state = EP_STATE_CRITICAL;
  so->problem = so->why = NULL;
  if (t->resolving || t->lookup_failed)
    rc = unresolved_result(c, t, out, err, so);
  for (j = 0; j < c->n_addrs && rc == EP_OK; j++) {
    const struct ntp_addr *a = &c->addrs[j];

    if (a->target != i)
      continue;
    /* The best address carries the server's perfdata; without one, the
     * first (its figures unmeasured), unless the name failed above. */
    rc = address_result(c, a,
                        a == best || (!best && !so->problem &&
                                      !t->resolving && !t->lookup_failed),
                        out, err);
    if (rc != EP_OK)
      break;
    line = out->n_targets - 1;
    if (a == best) {
      so->state = out->targets[line].state;
      so->problem = so->state != EP_STATE_OK ? out->targets[line].text : NULL;
      so->why = so->problem ? out->targets[line].why : NULL;
    } else if (!best && !so->problem) {
      so->problem = out->targets[line].text;
      so->why = out->targets[line].why;
    }
  }
  if (rc == EP_OK && !best && !so->problem)
    so->problem = t->spec;
  return rc;
}

/* "offset 0.002s from NAME ADDR, 3 servers answered": the best address
 * of all, when every server is fine. */
static enum ep_status
word_all_fine(struct ep_buf *b, const struct ntp_ctx *c)
{
  const struct ntp_addr *best = NULL;
  char                   off[32], name[EP_HOST_MAX + 80];
  size_t                 j;

  for (j = 0; j < c->n_addrs; j++)
    if (c->addrs[j].have_best &&
        (!best || c->addrs[j].best.delay < best->best.delay))
      best = &c->addrs[j];
  if (!best)
    return EP_OK;
  ep_format_number(off, sizeof off, best->best.offset);
  line_name(c, best, name, sizeof name);
  return ep_buf_printf(b, "offset %ss from %s, %zu %s answered", off, name,
                       c->n_targets, c->n_targets == 1 ? "server" : "servers");
}

/* This host's clock, once the servers have answered (or not). */
static enum ep_status
judge_clock(const struct ntp_ctx *c, struct ep_check_result *out,
            struct ep_err *err)
{
  struct ep_host_clock h;
  bool                 answered = false;
  size_t               j;

  if (c->opts.ignore_local_clock)
    return EP_OK;
  for (j = 0; j < c->n_addrs; j++)
    answered = answered || c->addrs[j].have_best;
  ep_host_clock_read(c->opts.read_clock, &h);
  return ep_host_clock_judge(&h, answered, out, err);
}

static enum ep_status
ntp_finish(struct ep_probe *p, struct ep_check_result *out, struct ep_err *err)
{
  struct ntp_ctx        *c = p->ctx;
  struct ep_buf          b;
  enum ep_status         rc = EP_OK;
  struct ep_problem     *problems = NULL;
  struct server_outcome  so;
  size_t                 i, bad = 0;

  if (c->late_err.code != EP_OK)
    return ep_err_set(err, c->late_err.code, "%s", c->late_err.msg);
  share_alias_results(c);
  if (!(out->check = strdup("ntp")) ||
      !(problems = calloc(c->n_targets + 1, sizeof *problems)))
    return ep_err_set(err, EP_ENOMEM, "out of memory");
  ep_buf_init(&b, TEXT_MAX);
  for (i = 0; i < c->n_targets && rc == EP_OK; i++) {
    rc = server_results(c, i, out, err, &so);
    if (rc != EP_OK)
      break;
    out->state = ep_state_worse(out->state, so.state);
    if (so.state != EP_STATE_OK) {
      problems[bad].name = c->targets[i].spec;
      problems[bad].text = so.problem;
      problems[bad++].why = so.why;
    }
  }
  if (rc == EP_OK && (rc = judge_clock(c, out, err)) == EP_OK &&
      out->n_targets && out->targets[out->n_targets - 1].cause &&
      strcmp(out->targets[out->n_targets - 1].cause, EP_CAUSE_CLOCK_UNSYNC) ==
        0)
    rc = ep_buf_printf(&b, "%s; ", out->targets[out->n_targets - 1].text);
  if (rc == EP_OK && bad)
    rc = ep_summary_problems(&b, problems, bad, c->n_targets,
                             c->n_targets - bad, "NTP servers",
                             EP_SUMMARY_BUDGET);
  if (rc == EP_OK && !bad)
    rc = word_all_fine(&b, c);
  if (rc == EP_OK)
    rc = ep_check_result_take_summary(out, &b);
  ep_buf_cleanup(&b);
  free(problems);
  if (rc == EP_OK && c->have_store)
    rc = save_offsets(c, out);
  if (rc != EP_OK)
    return ep_err_set(err, rc, "cannot build the NTP result");
  return EP_OK;
}

static void
ntp_destroy(struct ep_probe *p)
{
  struct ntp_ctx *dc = p ? p->ctx : NULL;

  if (dc && dc->own_store)
    ep_offsets_close(&dc->own);
  struct ntp_ctx *c;
  size_t          i;

  if (!p)
    return;
  c = p->ctx;
  if (c) {
    for (i = 0; i < c->n_addrs; i++)
      close_addr(&c->addrs[i]);
    free(c->addrs);
    free(c->targets);
    free(c);
  }
  free(p);
}

static const struct ep_probe_ops ntp_ops = {
  "ntp", ntp_start, ntp_pollset, ntp_on_ready, ntp_done, ntp_finish,
  ntp_destroy,
};

struct ep_probe *
ep_ntp_probe_new(const struct ep_strlist *servers,
                 const struct ep_ntp_options *opts, struct ep_err *err)
{
  struct ep_probe *p;
  struct ntp_ctx  *c;
  void            *array;
  size_t           i;

  p = ep_probe_alloc(&ntp_ops, sizeof *c, servers->n, sizeof *c->targets,
                     &array, err);
  if (!p)
    return NULL;
  c = p->ctx;
  c->targets = array;
  c->opts = *opts;
  if (c->opts.samples < 1)
    c->opts.samples = 1;
  if (c->opts.max_addrs < 1)
    c->opts.max_addrs = EP_NTP_ADDRS_PER_NAME;
  ep_err_clear(&c->late_err);
  if (opts->offsets) {
    c->store = opts->offsets;
    c->have_store = true;
  } else if (opts->state_dir) {
    if (ep_offsets_open(&c->own, opts->state_dir, err) != EP_OK) {
      ntp_destroy(p);
      return NULL;
    }
    c->store = &c->own;
    c->have_store = c->own_store = true;
  }
  c->n_targets = servers->n;
  for (i = 0; i < servers->n; i++) {
    snprintf(c->targets[i].spec, sizeof c->targets[i].spec, "%s",
             servers->v[i]);
    if (ep_hostport_parse(servers->v[i], 123, "NTP server", &c->targets[i].hp,
                          err) != EP_OK) {
      ntp_destroy(p);
      return NULL;
    }
  }
  return p;
}

/* What ntp_configure() takes from the settings and the profile. */
struct ntp_own {
  int             samples;
  bool            ignore_local_clock;
  char           *state_dir; /* NULL: the drift only in a daemon's memory */
  struct ep_range drift_warn, drift_crit;
};

static void
ntp_release(void *own)
{
  struct ntp_own *o = own;

  if (o)
    free(o->state_dir);
  free(o);
}

static void
offsets_release(void *store)
{
  ep_offsets_close(store);
  free(store);
}

/* A daemon's memory of the last offsets, for the drift between its runs
 * (NULL: none). */
static struct ep_offset_store *
kept_offsets(const struct ep_config *cfg)
{
  struct ep_offset_store *store;

  if (!cfg->memory)
    return NULL;
  if ((store = ep_memory_get(cfg->memory, &ep_ntp_kind)))
    return store;
  if (!(store = calloc(1, sizeof *store)) ||
      ep_memory_keep(cfg->memory, &ep_ntp_kind, store, offsets_release) !=
        EP_OK)
    return NULL;
  return store;
}

static struct ep_probe *
ntp_create(const struct ep_config *cfg, const struct ep_check_config *cc,
           struct ep_err *err)
{
  const struct ntp_own *own = cc->own;
  struct ep_ntp_options o;

  o.samples = own->samples;
  o.max_addrs = EP_NTP_ADDRS_PER_NAME;
  o.iface = cfg->has_iface ? &cfg->iface : NULL;
  o.warn = cc->warn;
  o.crit = cc->crit;
  o.state_dir = own->state_dir;
  /* A state directory outlives the process; memory is the daemon's. */
  o.offsets = own->state_dir ? NULL : kept_offsets(cfg);
  o.drift_warn = own->drift_warn;
  o.drift_crit = own->drift_crit;
  o.ignore_local_clock = own->ignore_local_clock;
  o.read_clock = NULL;
  return ep_ntp_probe_new(
    &((const struct ep_ntp_profile *)ep_config_part(cfg, &ep_ntp_kind))
       ->servers,
    &o, err);
}

/* --state-dir (a directory we can write) and the drift's thresholds,
 * from the settings or the profile. */
static enum ep_status
drift_settings(struct ep_config *cfg, struct ntp_own *own,
               const struct ep_settings *s, struct ep_err *err)
{
  const struct ep_ntp_profile *p = ep_config_part(cfg, &ep_ntp_kind);
  const char *warn_what = "profile ntp.drift_warning";
  const char *crit_what = "profile ntp.drift_critical";
  const char *dir_what = NULL;
  const char *warn = ep_settings_value(s, &ep_ntp_option_drift_warning,
                                       &warn_what);
  const char *crit = ep_settings_value(s, &ep_ntp_option_drift_critical,
                                       &crit_what);
  const char *dir = ep_settings_value(s, &ep_ntp_option_state_dir, &dir_what);
  struct stat st;

  if (ep_range_parse(&own->drift_warn, warn ? warn : p->drift_warning,
                     warn_what, err) != EP_OK ||
      ep_range_parse(&own->drift_crit, crit ? crit : p->drift_critical,
                     crit_what, err) != EP_OK)
    return EP_EINVAL;
  if (!dir)
    return EP_OK;
  if (stat(dir, &st) != 0)
    return ep_err_set(err, EP_EINVAL, "%s %s: %s", dir_what, dir,
                      ep_strerror(errno).text);
  if (!S_ISDIR(st.st_mode))
    return ep_err_set(err, EP_EINVAL, "%s %s: not a directory", dir_what,
                      dir);
  if (access(dir, W_OK | X_OK) != 0)
    return ep_err_set(err, EP_EINVAL, "%s %s: cannot write there: %s",
                      dir_what, dir, ep_strerror(errno).text);
  return ep_config_set_string(&own->state_dir, dir, err);
}

static enum ep_status
ntp_configure(struct ep_config *cfg, struct ep_check_config *cc,
              const struct ep_settings *s, bool only, struct ep_err *err)
{
  struct ep_ntp_profile *p = ep_config_part(cfg, &ep_ntp_kind);
  struct ntp_own        *own;
  const char            *samples;

  if (ep_config_hosts(&p->servers, s, only, 123, err) != EP_OK)
    return err ? err->code : EP_EINVAL;
  if (p->servers.n == 0) {
    if (only)
      return ep_err_set(err, EP_EINVAL, "%s: no NTP servers (ntp.servers or "
                                        "%s)",
                        cfg->profile->name, ep_settings_names(s)->hosts);
    return EP_OK;
  }
  if (!(own = cc->own = calloc(1, sizeof *own)))
    return ep_err_set(err, EP_ENOMEM, "out of memory");
  samples = ep_settings_value(s, &ep_ntp_option_samples, NULL);
  own->samples = samples ? atoi(samples) : p->samples;
  own->ignore_local_clock =
    p->ignore_local_clock ||
    ep_settings_value(s, &ep_ntp_option_ignore_local_clock, NULL) != NULL;
  if (ep_config_thresholds(cc, s, only, p->warning, p->critical, err) !=
        EP_OK ||
      drift_settings(cfg, own, s, err) != EP_OK)
    return EP_EINVAL;
  cc->wanted = true;
  return EP_OK;
}

const struct ep_probe_kind ep_ntp_kind = {
  .name = "ntp",
  .title = "NTP",
  .noun = "servers",
  .section = &ep_ntp_section,
  .doc = &ep_ntp_doc,
  .report = &ep_ntp_reporting,
  .figures = ep_ntp_figures,
  .mib = &ep_ntp_mib,
  /* The NTP pool's shortest poll. */
  .min_interval = 64,
  .configure = ntp_configure,
  .release = ntp_release,
  .create = ntp_create,
};
