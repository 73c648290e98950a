#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <openssl/x509_vfy.h>

#include "ep_json.h"
#include "ep_neterr.h"
#include "ep_output.h"
#include "ep_summary.h"
#include "ep_time.h"
#include "ep_tls.h"
#include "ep_cause.h"
#include "ep_pmtu.h"
#include "ep_proxyauth.h"
#include "https_report.h"

#define TEXT_MAX 2048

/* A target's verdict: its state and why, in words that do not name the
 * target, so that one cause shared by many is said once. */
struct verdict {
  enum ep_state state;
  bool          reachable; /* an HTTP status came back */
  long          verify_code; /* OpenSSL's, as judged */
  char          cause[480];
  const char   *code;       /* the first cause's (ep_cause.h) */
  char          trust[200]; /* how the chain was trusted, for -v */
};

static void
add_cause(struct verdict *v, enum ep_state st, const char *code,
          const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
add_cause(struct verdict *v, enum ep_state st, const char *code,
          const char *fmt, ...)
{
  size_t  len = strlen(v->cause);
  va_list ap;

  if (!v->code)
    v->code = code;
  if (len && len + 3 < sizeof v->cause) {
    memcpy(v->cause + len, "; ", 3);
    len += 2;
  }
  va_start(ap, fmt);
  vsnprintf(v->cause + len, sizeof v->cause - len, fmt, ap);
  va_end(ap);
  v->state = ep_state_worse(v->state, st);
}

static const char *
timed_out_text(const struct ep_https_target *t, bool proxy)
{
  switch (t->phase) {
    case EP_HTTPS_RESOLVE:
      return "timed out resolving the name";
    case EP_HTTPS_WAIT_PROXY:
      return "timed out resolving the proxy's name";
    case EP_HTTPS_QUEUED:
      return "timed out before it could start: every handshake slot was "
             "taken by slower targets";
    case EP_HTTPS_TRANSFER:
    case EP_HTTPS_DONE:
      break;
  }
  if (!t->seen.hello_sent && !t->have_tcp)
    return proxy ? "timed out connecting to the proxy (no answer to SYN: "
                   "filtered?)"
                 : "timed out connecting (no answer to SYN: filtered?)";
  if (!t->seen.hello_sent)
    return proxy ? "timed out waiting for the proxy's tunnel"
                 : "connected, but timed out before TLS began";
  if (!t->seen.server_hello)
    return "timed out in the TLS handshake: no answer to the ClientHello";
  if (!t->seen.handshake_done)
    return "timed out in the TLS handshake";
  if (t->status == 0)
    return "timed out waiting for the HTTP response";
  return "timed out reading the response";
}

/* The code of a timeout at the phase the target had reached. */
static const char *
timed_out_code(const struct ep_https_target *t, bool proxy)
{
  if (t->phase == EP_HTTPS_RESOLVE)
    return EP_CAUSE_UNRESOLVED;
  if (t->phase == EP_HTTPS_WAIT_PROXY)
    return EP_CAUSE_PROXY_UNRESOLVED;
  if (!t->seen.hello_sent && !t->have_tcp)
    return proxy ? EP_CAUSE_PROXY_UNREACHABLE : EP_CAUSE_TCP_TIMEOUT;
  return EP_CAUSE_TIMEOUT;
}

static const char *
proxy_answer_code(long code)
{
  if (code == 407 || code == 401)
    return EP_CAUSE_PROXY_AUTH;
  if (code >= 500)
    return EP_CAUSE_PROXY_UPSTREAM;
  return EP_CAUSE_PROXY_FORBIDDEN;
}

static const char *
proxy_answer(long code)
{
  if (code == 407)
    return "proxy authentication required";
  if (code == 401)
    return "credentials refused";
  if (code == 403)
    return "CONNECT forbidden";
  if (code >= 500)
    return "the proxy could not reach the target";
  return "CONNECT refused";
}

/* curl's own words for a failure, never empty. */
static const char *
curl_text(const struct ep_https_target *t)
{
  return t->errbuf[0] ? t->errbuf : curl_easy_strerror((CURLcode)t->curl_code);
}

static bool
peer_reset(const struct ep_https_target *t)
{
  return t->os_errno == ECONNRESET || strstr(t->errbuf, "reset by peer");
}

/* A TLS verification failure, in ep_tls's words. */
static void
judge_verification(const struct ep_https_target *t, struct verdict *v)
{
  struct ep_tls_report            r;
  const struct ep_https_tls_seen *s = &t->seen;

  memset(&r, 0, sizeof r);
  /* curl leaves its "unspecified" placeholder when it failed the name
   * itself; the callbacks' record is then the one to believe. */
  r.verify_code = t->verify_result && t->verify_result != X509_V_ERR_UNSPECIFIED
                    ? t->verify_result
                    : s->verify_error;
  snprintf(r.subject, sizeof r.subject, "%s", s->subject);
  snprintf(r.issuer, sizeof r.issuer, "%s", s->issuer);
  r.leaf_days = s->leaf_days;
  if (!s->have_leaf && t->proxy_tls && t->proxy_seen.verify_error) {
    const struct ep_https_tls_seen *ps = &t->proxy_seen;

    r.verify_code = ps->verify_error;
    snprintf(r.subject, sizeof r.subject, "%s", ps->subject);
    snprintf(r.issuer, sizeof r.issuer, "%s", ps->issuer);
    r.leaf_days = ps->leaf_days;
    ep_tls_judge(&r, ps->error_issuer[0] ? ps->error_issuer : NULL, ps->host);
    v->verify_code = r.verify_code;
    add_cause(v, EP_STATE_CRITICAL, EP_CAUSE_PROXY_TLS,
              "the proxy's own certificate: %s", r.problem);
    return;
  }
  /* curl checks the name itself, after a chain OpenSSL accepted. */
  if (r.verify_code == X509_V_OK && !ep_https_tls_leaf_matches(s))
    r.verify_code = ep_addr_is_literal(s->host)
                      ? X509_V_ERR_IP_ADDRESS_MISMATCH
                      : X509_V_ERR_HOSTNAME_MISMATCH;
  v->verify_code = r.verify_code;
  if (r.verify_code == X509_V_OK) {
    add_cause(v, EP_STATE_CRITICAL, EP_CAUSE_TLS_UNTRUSTED,
              "certificate not verified: %s",
              t->errbuf[0] ? t->errbuf : "no reason given");
    return;
  }
  /* An intermediate out of its dates is not the leaf's problem. */
  if (s->error_depth > 0 && (r.verify_code == X509_V_ERR_CERT_HAS_EXPIRED ||
                             r.verify_code == X509_V_ERR_CERT_NOT_YET_VALID)) {
    if (r.verify_code == X509_V_ERR_CERT_HAS_EXPIRED)
      add_cause(v, EP_STATE_CRITICAL, EP_CAUSE_TLS_EXPIRED,
                "chain certificate %s expired %.0f days ago",
                s->error_subject, -s->error_days);
    else
      add_cause(v, EP_STATE_CRITICAL, EP_CAUSE_TLS_NOT_YET_VALID,
                "chain certificate %s not yet valid", s->error_subject);
    return;
  }
  ep_tls_judge(&r, s->error_issuer[0] ? s->error_issuer : NULL, s->host);
  add_cause(v, EP_STATE_CRITICAL, r.cause, "%s", r.problem);
}

/* Whether each trust anchor of the run is public, looked up once: most
 * targets share one or two anchors. */
#define ANCHORS_MEMO 8
struct anchors {
  X509  *x[ANCHORS_MEMO];
  bool   public[ANCHORS_MEMO];
  size_t n;
};

static bool
anchor_is_public(struct anchors *memo, X509 *x)
{
  size_t i;
  bool   pub;

  for (i = 0; i < memo->n; i++)
    if (X509_cmp(memo->x[i], x) == 0)
      return memo->public[i];
  pub = ep_tls_anchor_is_public(x, EP_TLS_SYSTEM_CA_DIR, EP_TLS_PUBLIC_CA_DIR);
  if (memo->n < ANCHORS_MEMO) {
    memo->x[memo->n] = x;
    memo->public[memo->n++] = pub;
  }
  return pub;
}

/* A chain that verified: through a CA the profile expects, the public
 * web PKI, or something else in between (an inspection CA made trusted
 * locally). */
static void
judge_trust(const struct ep_https_options *o,
            const struct ep_https_target *t, struct anchors *memo,
            struct verdict *v)
{
  const struct ep_https_tls_seen *s = &t->seen;
  const char                     *matched = NULL;
  char                            anchor[EP_HTTPS_NAME_MAX] = "";
  char                            cafile_ca[64];

  if (s->anchor)
    ep_tls_name(X509_get_subject_name(s->anchor), anchor, sizeof anchor);
  if (o->expect_issuers && o->expect_issuers->n) {
    if (ep_https_issuer_expected(s->issuers, o->expect_issuers, &matched)) {
      snprintf(v->trust, sizeof v->trust, "issuer expected ('%s')", matched);
      return;
    }
    snprintf(v->trust, sizeof v->trust, "no expected issuer in the chain");
    add_cause(v, EP_STATE_WARNING, EP_CAUSE_TLS_UNEXPECTED_ISSUER,
              "TLS interception suspected (issuer: %s): not an expected "
              "issuer", s->issuer);
    return;
  }
  if (!s->anchor) {
    snprintf(v->trust, sizeof v->trust, "trust anchor not seen");
    return;
  }
  snprintf(cafile_ca, sizeof cafile_ca, "the %s CA",
           o->cafile_what ? o->cafile_what : "--cacert");
  if (anchor_is_public(memo, s->anchor)) {
    snprintf(v->trust, sizeof v->trust, "anchor %s (public web PKI)", anchor);
    return;
  }
  snprintf(v->trust, sizeof v->trust, "anchor %s (not in the public set)",
           anchor);
  add_cause(v, EP_STATE_WARNING, EP_CAUSE_TLS_LOCAL_CA,
            "TLS interception suspected (issuer: %s): verified only through "
            "%s, a CA outside the public web PKI",
            s->issuer, o->cafile ? cafile_ca : "a locally added CA");
}

static void
judge_reachable(const struct ep_https_options *o,
                const struct ep_https_target *t, struct anchors *memo,
                struct verdict *v)
{
  const struct ep_https_tls_seen *s = &t->seen;
  char                            num[32];

  v->reachable = true;
  if (!s->have_leaf) {
    /* curl got through, but no handshake was seen: say so rather than
     * print empty figures. */
    add_cause(v, EP_STATE_WARNING, EP_CAUSE_TLS_FAILED,
              "certificate not seen");
    return;
  }
  judge_trust(o, t, memo, v);
  if (s->have_leaf && s->soonest_days < o->cert_crit_days)
    add_cause(v, EP_STATE_CRITICAL, EP_CAUSE_TLS_EXPIRING,
              "certificate expires in %.0f days (critical below %d)",
              s->soonest_days, o->cert_crit_days);
  else if (s->have_leaf && s->soonest_days < o->cert_warn_days)
    add_cause(v, EP_STATE_WARNING, EP_CAUSE_TLS_EXPIRING,
              "certificate expires in %.0f days (warning below %d)",
              s->soonest_days, o->cert_warn_days);
  if (t->have_total) {
    enum ep_state st = ep_state_from_ranges(t->total_s, &o->warn, &o->crit);

    ep_format_number(num, sizeof num, t->total_s);
    if (st != EP_STATE_OK)
      add_cause(v, st, EP_CAUSE_HTTPS_SLOW, "%ss total, over %s %s", num,
                st == EP_STATE_CRITICAL ? "critical" : "warning",
                st == EP_STATE_CRITICAL ? o->crit.text : o->warn.text);
  }
}

/* curl could not connect: to the proxy, or to the target (the socket's
 * error in our words when curl kept it). */
static void
judge_connect_failure(const struct ep_https_target *t, bool proxy,
                      struct verdict *v)
{
  struct ep_errtext e = ep_net_strerror((int)t->os_errno, false);
  const char       *why = t->os_errno ? e.text : curl_text(t);

  if (proxy)
    add_cause(v, EP_STATE_CRITICAL, EP_CAUSE_PROXY_UNREACHABLE,
              "cannot connect to the proxy: %s", why);
  else
    add_cause(v, EP_STATE_CRITICAL,
              t->os_errno ? ep_net_connect_cause((int)t->os_errno)
                          : EP_CAUSE_TCP_UNREACHABLE,
              "%s", why);
}

/* A handshake that went wrong, or any other error curl ended with. */
static void
judge_transfer_error(const struct ep_https_target *t, struct verdict *v)
{
  if (t->seen.hello_sent && !t->seen.server_hello) {
    /* Nothing but a ClientHello went out, and its SNI is what a filter
     * reads. */
    if (peer_reset(t))
      add_cause(v, EP_STATE_CRITICAL, EP_CAUSE_TLS_SNI_FILTER,
                "SNI filtering suspected (connection reset right after the "
                "ClientHello)");
    else
      add_cause(v, EP_STATE_CRITICAL, EP_CAUSE_TLS_FAILED,
                "TLS handshake failed: no ServerHello (%s)",
                t->errbuf[0] ? t->errbuf : "connection closed");
    return;
  }
  if (t->curl_code == CURLE_SSL_CONNECT_ERROR) {
    add_cause(v, EP_STATE_CRITICAL, EP_CAUSE_TLS_FAILED,
              "TLS handshake failed: %s", curl_text(t));
    return;
  }
  add_cause(v, EP_STATE_CRITICAL,
            peer_reset(t) ? EP_CAUSE_TCP_RESET : EP_CAUSE_HTTPS_ERROR,
            "%s%s%s", curl_easy_strerror((CURLcode)t->curl_code),
            t->errbuf[0] ? ": " : "", t->errbuf);
}

/* A target curl finished with an error: the proxy's refusal, by curl's
 * code where it says enough, else by how far the handshake got. */
static void
judge_failure(const struct ep_https_target *t, bool proxy, struct verdict *v)
{
  char        words[200];
  const char *code;

  if (proxy && t->connect_code == 407 &&
      (code = ep_proxy_auth_refusal(t->proxy_auth_avail, t->proxy_credentials,
                                    t->proxy_token,
                                    t->retry == EP_HTTPS_RETRY_AUTH, words,
                                    sizeof words))) {
    add_cause(v, EP_STATE_CRITICAL, code, "%s", words);
    return;
  }
  if (proxy && t->connect_code && t->connect_code / 100 != 2) {
    add_cause(v, EP_STATE_CRITICAL, proxy_answer_code(t->connect_code),
              "the proxy answered CONNECT with %ld (%s)", t->connect_code,
              proxy_answer(t->connect_code));
    return;
  }
  switch (t->curl_code) {
    case CURLE_PEER_FAILED_VERIFICATION:
      judge_verification(t, v);
      return;
    case CURLE_COULDNT_CONNECT:
      judge_connect_failure(t, proxy, v);
      return;
    case CURLE_INTERFACE_FAILED:
      add_cause(v, EP_STATE_CRITICAL, EP_CAUSE_TCP_ERROR,
                "cannot send from the interface: %s", curl_text(t));
      return;
    case CURLE_OPERATION_TIMEDOUT:
      add_cause(v, EP_STATE_CRITICAL, timed_out_code(t, proxy), "%s",
                timed_out_text(t, proxy));
      return;
    default:
      break;
  }
  judge_transfer_error(t, v);
}

/* A handshake that heard nothing, tried again with small segments, whose
 * server then answered promptly, in half the time the first attempt
 * waited in silence, and whose certificate flight (the large packets)
 * came through.  A server merely slow to answer is as slow the second
 * time, and is not called a blackhole.  (The answer's time, not the
 * handshake's end: that includes our own verification, slow under
 * valgrind.) */
static bool
blackholed(const struct ep_https_target *t)
{
  const struct ep_https_tls_seen *s = &t->seen;

  return t->retry == EP_HTTPS_RETRY_SMALL_MSS && s->have_leaf &&
         s->server_hello &&
         ep_time_diff(s->t_server_hello, s->t_hello) < t->first_silent_s / 2;
}

static void
judge(const struct ep_https_options *o, const struct ep_https_target *t,
      bool proxy, struct anchors *memo, struct verdict *v)
{
  memset(v, 0, sizeof *v);
  v->state = EP_STATE_OK;
  if (t->failure[0]) {
    add_cause(v, EP_STATE_CRITICAL,
              t->failure_code ? t->failure_code : EP_CAUSE_HTTPS_ERROR, "%s",
              t->failure);
    return;
  }
  if (blackholed(t))
    add_cause(v, EP_STATE_CRITICAL, EP_CAUSE_PATH_MTU, "%s", EP_PMTU_WORDS);
  /* Any final status counts as reachable, whatever happened after it
   * (the body is not read; a reset or the deadline may follow). */
  if (t->headers_done && t->status > 0) {
    judge_reachable(o, t, memo, v);
    return;
  }
  if (!t->finished && t->retry == EP_HTTPS_RETRY_SMALL_MSS &&
      t->seen.hello_sent && !t->seen.server_hello) {
    add_cause(v, EP_STATE_CRITICAL, timed_out_code(t, proxy),
              "%s" EP_PMTU_ALSO_SMALL, timed_out_text(t, proxy));
    return;
  }
  if (!t->finished) {
    add_cause(v, EP_STATE_CRITICAL, timed_out_code(t, proxy), "%s",
              timed_out_text(t, proxy));
    return;
  }
  if (t->curl_code == CURLE_OK)
    judge_reachable(o, t, memo, v);
  else
    judge_failure(t, proxy, v);
}


/* Failures of the path rather than of the server: what IPv6 broken on
 * the way looks like. */
static bool
path_failure(const char *code)
{
  static const char *const path[] = {
    EP_CAUSE_TCP_TIMEOUT, EP_CAUSE_TCP_UNREACHABLE, EP_CAUSE_TCP_REFUSED,
    EP_CAUSE_TCP_RESET,   EP_CAUSE_TIMEOUT,         EP_CAUSE_PATH_MTU,
    NULL};
  size_t i;

  for (i = 0; code && path[i]; i++)
    if (strcmp(code, path[i]) == 0)
      return true;
  return false;
}

/* Whether a twin that did not finish ran long enough to be judged: a
 * second, and twice what the IPv4 attempt took.  One started just before
 * the deadline, or still queued, says nothing of the path. */
static bool
twin_had_its_chance(const struct ep_https_target *t)
{
  const struct ep_https_target *w = t->twin;
  double                        fair = EP_HTTPS_V6_FAIR_S;

  if (t->have_total && 2 * t->total_s > fair)
    fair = 2 * t->total_s;
  return w->finished || w->cut_after_s >= fair;
}

/* The IPv6 attempt beside a target's IPv4 one (v6, judged like any
 * target).  Where IPv4 got an answer and IPv6 did not, that is a WARNING
 * of its own, since clients that try IPv6 first stall or retry: the
 * path's when it failed on the way, else the server's over IPv6. */
static void
judge_twin(const struct ep_https_options *o, const struct ep_https_target *t,
           struct anchors *memo, struct verdict *v, struct verdict *v6)
{
  const struct ep_https_target *w = t->twin;

  memset(v6, 0, sizeof *v6);
  if (!w || !w->v6_tried)
    return;
  judge(o, w, false, memo, v6);
  if (!v->reachable || v6->reachable || !twin_had_its_chance(t))
    return;
  if (path_failure(v6->code))
    add_cause(v, EP_STATE_WARNING, EP_CAUSE_IPV6_BROKEN,
              "IPv6 path broken (IPv4 works): [%s]:%u: %s", w->addr,
              t->hp.port, v6->cause);
  else
    add_cause(v, EP_STATE_WARNING, v6->code ? v6->code : EP_CAUSE_HTTPS_ERROR,
              "over IPv6 [%s]:%u: %s", w->addr, t->hp.port, v6->cause);
}

/* The IPv6 attempt in lines of -v: how it went, or why there was none;
 * with -vvv its own trace. */
static enum ep_status
add_twin_detail(const struct ep_https_target *t, const struct verdict *v6,
                struct ep_target_result *r)
{
  const struct ep_https_target *w = t->twin;
  enum ep_status                rc;
  char                          num[32];

  if (!w)
    return EP_OK;
  if (!w->v6_tried)
    return ep_target_add_detail(r, "IPv6 not tried: %s", w->v6_skipped);
  if (!v6->reachable && !twin_had_its_chance(t)) {
    ep_format_number(num, sizeof num, w->cut_after_s);
    rc = ep_target_add_detail(r, "IPv6 [%s]: cut short by the deadline "
                                 "after %ss, not judged (%s)",
                              w->addr, num, v6->cause);
  } else if (!v6->reachable) {
    rc = ep_target_add_detail(r, "IPv6 [%s]: %s", w->addr, v6->cause);
  } else {
    ep_format_number(num, sizeof num, w->have_total ? w->total_s : 0);
    rc = ep_target_add_detail(r, "IPv6 [%s]: HTTP %ld in %ss%s%s", w->addr,
                              w->status, num, v6->cause[0] ? "; " : "",
                              v6->cause);
  }
  if (rc == EP_OK && w->errbuf[0] && !v6->reachable)
    rc = ep_target_add_detail(r, "IPv6 curl: %s", w->errbuf);
  if (rc == EP_OK && w->trace.len)
    rc = ep_target_add_detail(r, "IPv6 attempt:\n%s", ep_buf_str(&w->trace));
  return rc;
}

/* "ipv6" for --format json: null when the host had no IPv6 to try. */
static enum ep_status
add_twin_json(const struct ep_https_target *t, const struct verdict *v6,
              json_object *d)
{
  const struct ep_https_target *w = t->twin;
  json_object                  *o;
  enum ep_status                rc;

  if (!w)
    return ep_json_put_null(d, "ipv6");
  if (!(o = json_object_new_object()))
    return EP_ENOMEM;
  rc = ep_json_put(o, "tried", json_object_new_boolean(w->v6_tried));
  if (rc == EP_OK && w->addr[0])
    rc = ep_json_put(o, "address", json_object_new_string(w->addr));
  if (rc == EP_OK && !w->v6_tried)
    rc = ep_json_put(o, "not_tried_because",
                     json_object_new_string(w->v6_skipped));
  if (rc == EP_OK && w->v6_tried)
    rc = ep_json_put(o, "reachable", json_object_new_boolean(v6->reachable));
  if (rc == EP_OK && w->v6_tried && w->status)
    rc = ep_json_put(o, "http_status", json_object_new_int((int)w->status));
#define NUM(have, key, value)                                                  \
  if (rc == EP_OK && w->v6_tried && (have))                                    \
    rc = ep_json_put(o, key, json_object_new_double(value));
  NUM(w->have_connect, "connect_seconds", w->connect_s)
  NUM(w->have_tls, "tls_seconds", w->tls_s)
  NUM(w->have_total, "total_seconds", w->total_s)
#undef NUM
  if (rc == EP_OK && v6->cause[0])
    rc = ep_json_put(o, "problem", json_object_new_string(v6->cause));
  if (rc != EP_OK) {
    json_object_put(o);
    return rc;
  }
  return ep_json_put(d, "ipv6", o);
}

static enum ep_status
add_details(const struct ep_https_options *o,
            const struct ep_https_target *t, const struct verdict *v,
            struct ep_target_result *r)
{
  const struct ep_https_tls_seen *s = &t->seen;
  struct ep_buf                   b;
  enum ep_status                  rc = EP_OK;
  char                            num[32];

  ep_buf_init(&b, TEXT_MAX);
  if (t->have_resolve) {
    ep_format_number(num, sizeof num, t->resolve_s);
    rc = ep_buf_printf(&b, "resolve %ss (%s%s)", num,
                       o->proxy ? "the proxy's name, by " : "",
                       t->resolved_by);
  }
#define PHASE(have, name, value)                                               \
  if (rc == EP_OK && (have)) {                                                 \
    ep_format_number(num, sizeof num, value);                                  \
    rc = ep_buf_printf(&b, "%s" name " %ss", b.len ? ", " : "", num);          \
  }
  PHASE(t->have_connect, "connect", t->connect_s)
  PHASE(t->have_tls, "TLS", t->tls_s)
  PHASE(t->have_first_byte, "first byte", t->first_byte_s)
  PHASE(t->have_total, "total", t->total_s)
#undef PHASE
  if (rc == EP_OK && b.len)
    rc = ep_target_add_detail(r, "%s", ep_buf_str(&b));
  ep_buf_cleanup(&b);
  if (rc == EP_OK && s->have_leaf)
    rc = ep_target_add_detail(r, "%s %s, subject %s, issuer %s, %.0f days "
                                 "left (soonest in chain %.0f)%s%s",
                              s->version[0] ? s->version : "TLS",
                              s->cipher, s->subject, s->issuer, s->leaf_days,
                              s->soonest_days, v->trust[0] ? ", " : "",
                              v->trust);
  if (rc == EP_OK && t->status_line.code)
    rc = ep_target_add_detail(r, "HTTP/%s %d%s%s%s%s", t->status_line.version,
                              t->status_line.code,
                              t->status_line.reason[0] ? " " : "",
                              t->status_line.reason,
                              t->server_header[0] ? ", server " : "",
                              t->server_header);
  if (rc == EP_OK && t->body_stopped)
    rc = ep_target_add_detail(r, "body not read (reachability ends with the "
                                 "headers)");
  if (rc == EP_OK && t->errbuf[0] && !v->reachable)
    rc = ep_target_add_detail(r, "curl: %s", t->errbuf);
  if (rc == EP_OK && t->trace.len)
    rc = ep_target_add_detail(r, "%s", ep_buf_str(&t->trace));
  return rc;
}

/* The address, proxy, HTTP answer and phase times for --format json. */
static enum ep_status
add_http_json(const struct ep_https_target *t, const struct verdict *v,
              const char *proxy, json_object *d)
{
  enum ep_status rc = EP_OK;

  if (t->addr[0])
    rc = ep_json_put(d, proxy ? "proxy_address" : "address",
                     json_object_new_string(t->addr));
  if (rc == EP_OK && proxy)
    rc = ep_json_put(d, "proxy", json_object_new_string(proxy));
  if (rc == EP_OK)
    rc = ep_json_put(d, "reachable", json_object_new_boolean(v->reachable));
  if (rc == EP_OK && t->status)
    rc = ep_json_put(d, "http_status", json_object_new_int((int)t->status));
  if (rc == EP_OK && t->status_line.code)
    rc = ep_json_put(d, "http_version",
                     json_object_new_string(t->status_line.version));
  if (rc == EP_OK && t->status_line.code)
    rc = ep_json_put(d, "http_reason",
                     json_object_new_string(t->status_line.reason));
  if (rc == EP_OK && t->server_header[0])
    rc = ep_json_put(d, "http_server",
                     json_object_new_string(t->server_header));
  /* The figures are the second attempt's when there was one. */
  if (rc == EP_OK && t->retry != EP_HTTPS_RETRY_NONE)
    rc = ep_json_put(d, "retried",
                     json_object_new_string(t->retry == EP_HTTPS_RETRY_AUTH
                                              ? "proxy_auth"
                                              : "small_mss"));
  else if (rc == EP_OK)
    rc = ep_json_put_null(d, "retried");
#define NUM(have, key, value)                                                  \
  if (rc == EP_OK && (have))                                                   \
    rc = ep_json_put(d, key, json_object_new_double(value));
  NUM(t->have_resolve, "resolve_seconds", t->resolve_s)
  NUM(t->have_connect, "connect_seconds", t->connect_s)
  NUM(t->have_tls, "tls_seconds", t->tls_s)
  NUM(t->have_first_byte, "first_byte_seconds", t->first_byte_s)
  NUM(t->have_total, "total_seconds", t->total_s)
#undef NUM
  return rc;
}

/* The certificate seen, and the verdict's words, for --format json. */
static enum ep_status
add_tls_json(const struct ep_https_target *t, const struct verdict *v,
             json_object *d)
{
  const struct ep_https_tls_seen *s = &t->seen;
  enum ep_status                  rc = EP_OK;

  if (s->have_leaf) {
    rc = ep_json_put(d, "tls_version", json_object_new_string(s->version));
    if (rc == EP_OK)
      rc = ep_json_put(d, "cipher", json_object_new_string(s->cipher));
    if (rc == EP_OK)
      rc = ep_json_put(d, "subject", json_object_new_string(s->subject));
    if (rc == EP_OK)
      rc = ep_json_put(d, "issuer", json_object_new_string(s->issuer));
    if (rc == EP_OK)
      rc = ep_json_put(d, "certificate_days",
                       json_object_new_double(s->leaf_days));
    if (rc == EP_OK)
      rc = ep_json_put(d, "chain_soonest_days",
                       json_object_new_double(s->soonest_days));
    if (rc == EP_OK)
      rc = ep_json_put(
        d, "verified",
        json_object_new_boolean(s->chain_verified &&
                                t->curl_code != CURLE_PEER_FAILED_VERIFICATION));
    if (rc == EP_OK)
      rc = ep_json_put(d, "verify_code",
                       json_object_new_int((int)v->verify_code));
  }
  if (rc == EP_OK && v->cause[0])
    rc = ep_json_put(d, "problem", json_object_new_string(v->cause));
  return rc;
}

static enum ep_status
add_perf(const struct ep_https_options *o, const struct ep_https_target *t,
         struct ep_target_result *r)
{
  static const double zero = 0;
  struct ep_range     dwarn, dcrit;
  char                label[EP_HOST_MAX + 32], text[32];
  enum ep_status      rc;

  snprintf(label, sizeof label, "%s_total", t->spec);
  rc = ep_target_add_perf(r,
                          &(struct ep_figure){.figure = "total",
                                              .unit = EP_UNIT_SECONDS,
                                              .label = label,
                                              .warn = &o->warn,
                                              .crit = &o->crit,
                                              .min = &zero},
                          t->have_total, t->total_s);
  snprintf(label, sizeof label, "%s_tls", t->spec);
  if (rc == EP_OK)
    rc = ep_target_add_perf(r,
                            &(struct ep_figure){.figure = "tls",
                                                .unit = EP_UNIT_SECONDS,
                                                .label = label,
                                                .min = &zero},
                            t->have_tls, t->tls_s);
  /* Below N days alerts: the range "N:". */
  snprintf(text, sizeof text, "%d:", o->cert_warn_days);
  ep_range_parse(&dwarn, text, "cert days", NULL);
  snprintf(text, sizeof text, "%d:", o->cert_crit_days);
  ep_range_parse(&dcrit, text, "cert days", NULL);
  snprintf(label, sizeof label, "%s_cert_days", t->spec);
  if (rc == EP_OK)
    rc = ep_target_add_perf(r,
                            &(struct ep_figure){.figure = "cert_days",
                                                .unit = EP_UNIT_DAYS,
                                                .label = label,
                                                .warn = &dwarn,
                                                .crit = &dcrit},
                            t->seen.have_leaf, t->seen.soonest_days);
  return rc;
}

static enum ep_status
target_result(const struct ep_https_options *o,
              const struct ep_https_target *t, const char *proxy,
              struct anchors *memo, struct verdict *v,
              struct ep_check_result *out, struct ep_err *err)
{
  struct ep_target_result *r;
  struct ep_buf            b;
  struct verdict           v6;
  enum ep_status           rc;
  char                     num[32];

  judge(o, t, proxy != NULL, memo, v);
  judge_twin(o, t, memo, v, &v6);
  if (!(r = ep_check_result_add(out, t->spec, err)))
    return EP_ENOMEM;
  r->state = v->state;
  if (v->state != EP_STATE_OK)
    ep_target_set_cause(r, v->code ? v->code : EP_CAUSE_HTTPS_ERROR);
  /* Behind a proxy the proxy resolves the name: no DNS failure of ours
   * explains this target's. */
  rc = !proxy && !t->hp.is_address ? ep_target_set_host(r, t->hp.host)
                                   : EP_OK;
  if (rc == EP_OK && v->state != EP_STATE_OK)
    rc = ep_target_set_why(r, v->cause);
  ep_buf_init(&b, TEXT_MAX);
  if (rc == EP_OK)
    rc = ep_buf_printf(&b, "%s", t->spec);
  if (rc == EP_OK && proxy)
    rc = ep_buf_printf(&b, " via proxy");
  else if (rc == EP_OK && t->addr[0] && !t->hp.is_address)
    rc = ep_buf_printf(&b, " (%s)", t->addr);
  if (rc == EP_OK && v->reachable) {
    ep_format_number(num, sizeof num, t->have_total ? t->total_s : 0);
    rc = ep_buf_printf(&b, ": HTTP %ld in %ss", t->status, num);
    if (rc == EP_OK && t->seen.have_leaf)
      rc = ep_buf_printf(&b, ", %s, certificate %.0f days left",
                         t->seen.version, t->seen.soonest_days);
    if (rc == EP_OK && v->cause[0])
      rc = ep_buf_printf(&b, "; %s", v->cause);
  } else if (rc == EP_OK) {
    rc = ep_buf_printf(&b, ": %s", v->cause);
  }
  if (rc == EP_OK)
    rc = ep_target_set_text(r, "%s", ep_buf_str(&b));
  ep_buf_cleanup(&b);
  if (rc == EP_OK)
    rc = add_details(o, t, v, r);
  if (rc == EP_OK)
    rc = add_twin_detail(t, &v6, r);
  if (rc == EP_OK)
    rc = add_perf(o, t, r);
  if (rc == EP_OK)
    rc = add_http_json(t, v, proxy, r->data);
  if (rc == EP_OK)
    rc = add_tls_json(t, v, r->data);
  if (rc == EP_OK)
    rc = add_twin_json(t, &v6, r->data);
  if (rc != EP_OK)
    return ep_err_set(err, rc, "cannot build the HTTPS result");
  return EP_OK;
}

/* The first line: every target fine, or what is wrong, a cause shared
 * by several said once. */
static enum ep_status
summarize(const struct ep_https_target *targets, const struct verdict *v,
          size_t n, const char *proxy, bool env_credentials,
          struct ep_check_result *out)
{
  struct ep_buf      b;
  struct ep_problem *problems = calloc(n + 1, sizeof *problems);
  enum ep_status     rc = EP_OK;
  size_t             i, bad = 0, slowest = n, soonest = n;
  char               num[32];

  if (!problems)
    return EP_ENOMEM;
  for (i = 0; i < n; i++) {
    if (v[i].reachable && (slowest == n ||
                           targets[i].total_s > targets[slowest].total_s))
      slowest = i;
    if (targets[i].seen.have_leaf && v[i].reachable &&
        (soonest == n ||
         targets[i].seen.soonest_days < targets[soonest].seen.soonest_days))
      soonest = i;
    if (v[i].state == EP_STATE_OK)
      continue;
    problems[bad].name = out->targets[i].name;
    problems[bad].text = out->targets[i].text;
    problems[bad++].why = out->targets[i].why;
  }
  ep_buf_init(&b, TEXT_MAX);
  if (bad) {
    rc = ep_summary_problems(&b, problems, bad, n, n - bad, "HTTPS targets",
                             EP_SUMMARY_BUDGET);
  } else if (n == 1) {
    rc = ep_buf_printf(&b, "%s", out->targets[0].text);
  } else {
    rc = ep_buf_printf(&b, "%zu HTTPS targets reachable", n);
    if (rc == EP_OK && slowest < n) {
      ep_format_number(num, sizeof num, targets[slowest].total_s);
      rc = ep_buf_printf(&b, ", slowest %ss (%s)", num, targets[slowest].spec);
    }
    if (rc == EP_OK && soonest < n)
      rc = ep_buf_printf(&b, ", certificates at least %.0f days left",
                         targets[soonest].seen.soonest_days);
  }
  free(problems);
  if (rc == EP_OK && proxy)
    rc = ep_buf_printf(&b, " [through proxy %s%s, which resolves the names]",
                       proxy, env_credentials
                                ? " (from https_proxy, its credentials ignored)"
                                : "");
  if (rc == EP_OK)
    rc = ep_check_result_take_summary(out, &b);
  ep_buf_cleanup(&b);
  return rc;
}

enum ep_status
ep_https_report(const struct ep_https_target *targets, size_t n,
                const struct ep_https_options *opts,
                struct ep_check_result *out, struct ep_err *err)
{
  const char     *proxy = opts->proxy;
  struct anchors  memo = {{NULL}, {false}, 0};
  struct verdict *v = calloc(n + 1, sizeof *v);
  enum ep_status  rc = EP_OK;
  size_t          i;

  if (!v || !(out->check = strdup("https"))) {
    free(v);
    return ep_err_set(err, EP_ENOMEM, "out of memory");
  }
  for (i = 0; i < n && rc == EP_OK; i++)
    rc = target_result(opts, &targets[i], proxy, &memo, &v[i], out, err);
  if (rc == EP_OK) {
    ep_check_result_settle(out);
    if ((rc = summarize(targets, v, n, proxy, opts->proxy_env_credentials,
                        out)) != EP_OK)
      ep_err_set(err, rc, "cannot build the HTTPS summary");
  }
  free(v);
  return rc;
}
