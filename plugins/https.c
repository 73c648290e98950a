#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <openssl/ssl.h>

#include "ep_curlmulti.h"
#include "ep_ipv6.h"
#include "ep_pmtu.h"
#include "ep_proxyauth.h"
#include "ep_run.h"
#include "ep_time.h"
#include "ep_tls.h"
#include "ep_cause.h"
#include "https.h"
#include "https_settings.h"
#include "https_report.h"

#define TRACE_LINE_MAX 300

struct https_ctx {
  struct ep_https_options opts;
  struct ep_secret        proxy_secret; /* opts.proxy_secret points here */
  char                   *proxy_host;   /* from the proxy URL; no brackets */
  unsigned                proxy_port;
  struct ep_curl_multi   *curl;
  CURLM                  *multi; /* curl's, for its easy handles */
  /* The targets as given, then (with IPv6 to try) their twins: twin i is
   * targets[n_given + i]. */
  struct ep_https_target *targets;
  size_t                  n_targets, n_given;
  struct ep_run          *run;
  /* --cacert and --proxy-cacert, read and checked once before anything
   * is sent.  The targets' CAs become one trust store that every handle
   * shares (their bytes freed then); the proxy's bytes go to curl. */
  struct curl_blob        ca, proxy_ca;
  X509_STORE             *trust;
  /* Handshakes in flight are capped (EP_HTTPS_SLOTS): targets ready to
   * start wait in queue[], in order; started[] lists them as they
   * started, oldest_started being the first that may still hold a slot. */
  size_t                  in_flight;
  size_t                 *queue, queue_head, queue_tail;
  size_t                 *started, n_started, oldest_started;
  bool                    secret_wiped;
};

struct lookup_slot {
  struct https_ctx *ctx;
  size_t            target; /* unused for the proxy's lookup */
};

bool
ep_https_issuer_expected(const char *issuers, const struct ep_strlist *expect,
                         const char **matched)
{
  size_t i;

  for (i = 0; expect && i < expect->n; i++) {
    const char *line = issuers;
    size_t      want = strlen(expect->v[i]);

    while (line && *line) {
      const char *end = strchr(line, '\n');
      size_t      len = end ? (size_t)(end - line) : strlen(line);
      size_t      k;

      for (k = 0; want && k + want <= len; k++) {
        if (strncasecmp(line + k, expect->v[i], want) == 0) {
          if (matched)
            *matched = expect->v[i];
          return true;
        }
      }
      line = end ? end + 1 : NULL;
    }
  }
  return false;
}

void
ep_https_trace_line(const char *in, size_t len, char *out, size_t size)
{
  static const char *const hidden[] = {"proxy-authorization:",
                                       "authorization:", "cookie:",
                                       "set-cookie:", NULL};
  size_t i, n = 0;

  if (size == 0)
    return;
  while (len && (in[len - 1] == '\n' || in[len - 1] == '\r'))
    len--;
  /* curl names the proxy user in its trace; a name is half a secret. */
  if (len >= 16 && strncmp(in, "Proxy auth using", 16) == 0) {
    snprintf(out, size, "Proxy auth using (hidden)");
    return;
  }
  for (i = 0; hidden[i]; i++) {
    size_t hl = strlen(hidden[i]);

    /* curl's trace prefixes nothing to header lines; a credential may
     * also follow "> " in other tools' traces. */
    if (len >= hl && strncasecmp(in, hidden[i], hl) == 0) {
      snprintf(out, size, "%.*s (hidden)", (int)(hl > size ? 0 : hl), in);
      return;
    }
  }
  for (i = 0; i < len && n + 1 < size; i++) {
    unsigned char c = (unsigned char)in[i];

    out[n++] = (c >= 0x20 && c < 0x7f) ? (char)c : '.';
  }
  out[n] = '\0';
}

/* Printable ASCII of in (len bytes) into out, at most size - 1 of them. */
static void
printable(const char *in, size_t len, char *out, size_t size)
{
  size_t i, n = 0;

  for (i = 0; i < len && n + 1 < size; i++) {
    unsigned char c = (unsigned char)in[i];

    out[n++] = c >= 0x20 && c < 0x7f ? (char)c : '.';
  }
  out[n] = '\0';
}

static size_t
trim_line_end(const char *line, size_t len)
{
  while (len && (line[len - 1] == '\n' || line[len - 1] == '\r' ||
                 line[len - 1] == ' ' || line[len - 1] == '\t'))
    len--;
  return len;
}

bool
ep_https_parse_status_line(const char *line, size_t len,
                           struct ep_http_status *st)
{
  struct ep_http_status got;
  size_t                i = 5, v;

  memset(st, 0, sizeof *st);
  memset(&got, 0, sizeof got);
  len = trim_line_end(line, len);
  /* RFC 9112 4: HTTP-version SP status-code SP [ reason-phrase ] */
  if (len < 5 || memcmp(line, "HTTP/", 5) != 0)
    return false;
  for (v = i; i < len && i - v < sizeof got.version - 1 &&
              ((line[i] >= '0' && line[i] <= '9') || line[i] == '.');
       i++)
    ;
  if (i == v || i >= len || line[i] != ' ')
    return false;
  memcpy(got.version, line + v, i - v);
  i++;
  if (i + 3 > len || line[i] < '1' || line[i] > '9' || line[i + 1] < '0' ||
      line[i + 1] > '9' || line[i + 2] < '0' || line[i + 2] > '9')
    return false;
  got.code = (line[i] - '0') * 100 + (line[i + 1] - '0') * 10 +
             (line[i + 2] - '0');
  i += 3;
  if (i < len && line[i] != ' ')
    return false;
  if (i < len)
    printable(line + i + 1, len - i - 1, got.reason, sizeof got.reason);
  *st = got;
  return true;
}

bool
ep_https_header_value(const char *line, size_t len, const char *name,
                      char *out, size_t size)
{
  size_t n = strlen(name), start;

  len = trim_line_end(line, len);
  if (len <= n || line[n] != ':' || strncasecmp(line, name, n) != 0)
    return false;
  for (start = n + 1; start < len && (line[start] == ' ' || line[start] == '\t');
       start++)
    ;
  if (size)
    printable(line + start, len - start, out, size);
  return true;
}

/* The final response's headers end with an empty line; the proxy's
 * CONNECT answer is kept from us (CURLOPT_SUPPRESS_CONNECT_HEADERS). */
/* curl's prototype has data non-const. */
/* cppcheck-suppress constParameter */
static size_t on_header(char *data, size_t size, size_t n, void *arg)
{
  struct ep_https_target *t = arg;
  size_t                  len = size * n;
  long                    status = 0;

  if ((len == 2 && data[0] == '\r' && data[1] == '\n') ||
      (len == 1 && data[0] == '\n')) {
    curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &status);
    if (status >= 200)
      t->headers_done = true;
  } else if (len > 5 && memcmp(data, "HTTP/", 5) == 0) {
    /* Each response's own (a 100 Continue's, then the final one's). */
    ep_https_parse_status_line(data, len, &t->status_line);
    t->server_header[0] = '\0';
  } else {
    ep_https_header_value(data, len, "server", t->server_header,
                          sizeof t->server_header);
  }
  return len;
}

/* Reachability is proven by the status and its headers: the body is not
 * read (curl then ends the transfer with a write error), so a slow,
 * endless or huge body costs nothing. */
static size_t
on_body(char *data, size_t size, size_t n, void *arg)
{
  struct ep_https_target *t = arg;

  (void)data;
  if (size * n == 0)
    return 0;
  t->body_stopped = true;
  return 0;
}

static int
on_sockopt(void *arg, curl_socket_t fd, curlsocktype purpose)
{
  struct ep_https_target *t = arg;

  if (purpose == CURLSOCKTYPE_IPCXN && !t->have_tcp) {
    t->conn_fd = fd;
    t->t_socket = ep_time_now();
  }
  /* Set before connect(): our SYN then tells the server to send small
   * segments. */
  if (purpose == CURLSOCKTYPE_IPCXN &&
      t->retry == EP_HTTPS_RETRY_SMALL_MSS && ep_pmtu_small_segments(fd) != 0)
    return CURL_SOCKOPT_ERROR;
  return CURL_SOCKOPT_OK;
}

static int
on_debug(CURL *easy, curl_infotype type, char *data, size_t size, void *arg)
{
  struct ep_https_target *t = arg;
  const char             *prefix;
  char                    line[TRACE_LINE_MAX];

  (void)easy;
  if (type == CURLINFO_TEXT)
    prefix = "* ";
  else if (type == CURLINFO_HEADER_IN)
    prefix = "< ";
  else if (type == CURLINFO_HEADER_OUT)
    prefix = "> ";
  else
    return 0;
  while (size > 0) {
    const char *nl = memchr(data, '\n', size);
    size_t      len = nl ? (size_t)(nl - data) + 1 : size;

    ep_https_trace_line(data, len, line, sizeof line);
    if (line[0])
      (void)ep_buf_printf(&t->trace, "%s%s\n", prefix, line);
    data += len;
    size -= len;
  }
  return 0;
}

/* curl makes a TLS context per connection: over an https proxy, first
 * one for the proxy's own handshake, the target's once that is done.
 * The target's trusts the run's store, which curl was not given: loading
 * the CAs again for each handle cost more than the handshake. */
static CURLcode
on_ssl_ctx(CURL *easy, void *ssl_ctx, void *arg)
{
  struct ep_https_target   *t = arg;
  struct ep_https_tls_seen *s = &t->seen;

  (void)easy;
  if (t->proxy_tls && !t->proxy_seen.handshake_done)
    s = &t->proxy_seen;
  else
    SSL_CTX_set1_cert_store(ssl_ctx, t->trust);
  /* A connection waiting on a slow server keeps no idle TLS buffers. */
  SSL_CTX_set_mode(ssl_ctx, SSL_MODE_RELEASE_BUFFERS);
  return ep_https_tls_install(ssl_ctx, s) ? CURLE_OK : CURLE_OUT_OF_MEMORY;
}

static void
fail_target(struct ep_https_target *t, const char *fmt, ...)
  __attribute__((format(printf, 2, 3)));

static void
fail_target(struct ep_https_target *t, const char *fmt, ...)
{
  va_list ap;

  if (!t->failure[0]) {
    va_start(ap, fmt);
    vsnprintf(t->failure, sizeof t->failure, fmt, ap);
    va_end(ap);
  }
  t->phase = EP_HTTPS_DONE;
}

static long
ms_left(const struct https_ctx *c)
{
  double left = ep_time_diff(c->run->deadline, ep_time_now());

  /* The run's deadline ends the transfer; curl's own limit is a
   * backstop just past it. */
  return left > 0 ? (long)(left * 1000) + 500 : 500;
}

/* "host:port:addr,addr" for CURLOPT_RESOLVE. */
static struct curl_slist *
resolve_entry(struct curl_slist *list, const char *host, unsigned port,
              const struct ep_lookup_result *res)
{
  char   entry[EP_HOST_MAX + 16 + EP_DNS_MAX_ADDRS * (EP_DNS_ADDR_TEXT + 3)];
  size_t len, i;

  len = (size_t)snprintf(entry, sizeof entry, "%s:%u:", host, port);
  for (i = 0; i < res->n_addrs && len < sizeof entry; i++)
    len += (size_t)snprintf(entry + len, sizeof entry - len,
                            strchr(res->addrs[i], ':') ? "%s[%s]" : "%s%s",
                            i ? "," : "", res->addrs[i]);
  return curl_slist_append(list, entry);
}

/* Where t connects: the addresses its lookup found, and with a twin,
 * each attempt held to its family.  A twin goes by CONNECT_TO, since
 * CURLOPT_RESOLVE entries share one cache per multi handle, keyed by
 * host and port, where the IPv4 attempt's would meet it.  (A target
 * given as an address keeps its own family.) */
static CURLcode
set_addresses(const struct ep_https_target *t, CURL *h)
{
  CURLcode rc = CURLE_OK;

  if (t->resolve_list)
    rc = curl_easy_setopt(h, t->is_twin ? CURLOPT_CONNECT_TO : CURLOPT_RESOLVE,
                          (struct curl_slist *)t->resolve_list);
  if (rc == CURLE_OK && (t->is_twin || (t->twin && !t->hp.is_address)))
    rc = curl_easy_setopt(h, CURLOPT_IPRESOLVE,
                          (long)(t->is_twin ? CURL_IPRESOLVE_V6
                                            : CURL_IPRESOLVE_V4));
  return rc;
}

static bool
setup_easy(struct https_ctx *c, struct ep_https_target *t, CURL *h)
{
  const struct ep_https_options *o = &c->opts;
  char                           url[EP_HOST_MAX + 32];
  char                           iface[64];
  long                           left = ms_left(c);
  CURLcode                       rc = CURLE_OK;

  snprintf(url, sizeof url, strchr(t->hp.host, ':') ? "https://[%s]:%u/"
                                                    : "https://%s:%u/",
           t->hp.host, t->hp.port);
#define SET(opt, val)                                                          \
  if (rc == CURLE_OK)                                                          \
    rc = curl_easy_setopt(h, opt, val);
  SET(CURLOPT_URL, url);
  SET(CURLOPT_PROTOCOLS_STR, "https");
  SET(CURLOPT_NOSIGNAL, 1L);
  SET(CURLOPT_PRIVATE, t);
  SET(CURLOPT_ERRORBUFFER, t->errbuf);
  SET(CURLOPT_USERAGENT, "edgeprobe/" PACKAGE_VERSION);
  SET(CURLOPT_FRESH_CONNECT, 1L);
  SET(CURLOPT_FORBID_REUSE, 1L);
  SET(CURLOPT_FOLLOWLOCATION, 0L);
  SET(CURLOPT_TIMEOUT_MS, left);
  SET(CURLOPT_CONNECTTIMEOUT_MS, left);
  SET(CURLOPT_WRITEFUNCTION, on_body);
  SET(CURLOPT_WRITEDATA, t);
  SET(CURLOPT_HEADERFUNCTION, on_header);
  SET(CURLOPT_HEADERDATA, t);
  SET(CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L);
  SET(CURLOPT_SOCKOPTFUNCTION, on_sockopt);
  SET(CURLOPT_SOCKOPTDATA, t);
  SET(CURLOPT_SSL_VERIFYPEER, 1L);
  SET(CURLOPT_SSL_VERIFYHOST, 2L);
  /* The target's CAs are the run's store, set in on_ssl_ctx. */
  SET(CURLOPT_CAINFO, NULL);
  SET(CURLOPT_CAPATH, NULL);
  SET(CURLOPT_SSL_CTX_FUNCTION, on_ssl_ctx);
  SET(CURLOPT_SSL_CTX_DATA, t);
  if (rc == CURLE_OK)
    rc = set_addresses(t, h);
  if (o->iface) {
    /* "if!": the interface or an error, never a silent other route. */
    snprintf(iface, sizeof iface, "if!%s", o->iface->name);
    SET(CURLOPT_INTERFACE, iface);
  }
  /* An explicit proxy, or none: curl must not pick one up from the
   * environment on its own. */
  SET(CURLOPT_PROXY, o->proxy ? o->proxy : "");
  if (o->proxy) {
    SET(CURLOPT_HTTPPROXYTUNNEL, 1L);
    SET(CURLOPT_NOPROXY, "");
    SET(CURLOPT_PROXY_CAINFO, NULL);
    SET(CURLOPT_PROXY_CAPATH, c->proxy_ca.data ? NULL : EP_TLS_SYSTEM_CA_DIR);
    if (c->proxy_ca.data)
      SET(CURLOPT_PROXY_CAINFO_BLOB, &c->proxy_ca);
    if (o->proxy_secret) {
      t->proxy_credentials = true;
      t->proxy_token = o->proxy_secret->token[0] != '\0';
      /* Basic first, sent with the CONNECT: negotiating costs every
       * target a round trip to the proxy, so it is done only on a retry,
       * for a proxy whose 407 asks for another scheme. */
      SET(CURLOPT_PROXYAUTH, (long)CURLAUTH_BASIC);
      SET(CURLOPT_PROXYUSERNAME, o->proxy_secret->token[0]
                                   ? o->proxy_secret->token
                                   : o->proxy_secret->user);
      SET(CURLOPT_PROXYPASSWORD, o->proxy_secret->password);
    }
  }
  if (o->verbose >= 3) {
    SET(CURLOPT_VERBOSE, 1L);
    SET(CURLOPT_DEBUGFUNCTION, on_debug);
    SET(CURLOPT_DEBUGDATA, t);
  }
#undef SET
  if (rc != CURLE_OK)
    fail_target(t, "cannot set up curl: %s", curl_easy_strerror(rc));
  return rc == CURLE_OK;
}

/* curl holds its own copy of the proxy credentials once every handle is
 * set up: ours is wiped then. */
static void
wipe_secret_when_started(struct https_ctx *c)
{
  size_t i;

  if (c->secret_wiped)
    return;
  for (i = 0; i < c->n_targets; i++)
    if (c->targets[i].phase == EP_HTTPS_RESOLVE ||
        c->targets[i].phase == EP_HTTPS_WAIT_PROXY ||
        c->targets[i].phase == EP_HTTPS_QUEUED)
      return;
  ep_secret_wipe(&c->proxy_secret);
  c->secret_wiped = true;
}

/* Starts t's handle, set up already, in a handshake slot. */
static void
add_prepared(struct https_ctx *c, struct ep_https_target *t)
{
  CURLMcode mrc;

  t->t_added = ep_time_now();
  if ((mrc = curl_multi_add_handle(c->multi, t->easy)) != CURLM_OK) {
    curl_easy_cleanup(t->easy);
    t->easy = NULL;
    fail_target(t, "cannot start: %s", curl_multi_strerror(mrc));
    return;
  }
  t->phase = EP_HTTPS_TRANSFER;
  t->holds_slot = true;
  c->in_flight++;
  c->started[c->n_started++] = (size_t)(t - c->targets);
}

/* Starts t: a new handle, or the second attempt's, prepared. */
static void
begin_transfer(struct https_ctx *c, struct ep_https_target *t)
{
  CURL *h;

  if (t->easy) {
    add_prepared(c, t);
    return;
  }
  if (!(h = curl_easy_init())) {
    fail_target(t, "cannot create a curl handle");
    return;
  }
  if (!setup_easy(c, t, h)) {
    curl_easy_cleanup(h);
    return;
  }
  t->easy = h;
  add_prepared(c, t);
}

static void
release_slot(struct https_ctx *c, struct ep_https_target *t)
{
  if (t->holds_slot) {
    t->holds_slot = false;
    c->in_flight--;
  }
}

/* Starts t now, or when a handshake slot frees. */
static void
start_transfer(struct https_ctx *c, struct ep_https_target *t)
{
  if (c->in_flight < EP_HTTPS_SLOTS) {
    begin_transfer(c, t);
    return;
  }
  t->phase = EP_HTTPS_QUEUED;
  c->queue[c->queue_tail++] = (size_t)(t - c->targets);
}

/* A target slower than EP_HTTPS_SLOT_HOLD_S gives its slot up: it waits
 * on the network then, not on our CPU, and a blackholed one must not
 * keep the rest from starting before the deadline. */
static void
start_queued(struct https_ctx *c, struct timespec now)
{
  while (c->oldest_started < c->n_started) {
    struct ep_https_target *t = &c->targets[c->started[c->oldest_started]];

    if (t->holds_slot &&
        ep_time_diff(now, t->t_added) < EP_HTTPS_SLOT_HOLD_S)
      break;
    release_slot(c, t);
    c->oldest_started++;
  }
  if (c->queue_head == c->queue_tail)
    return;
  while (c->in_flight < EP_HTTPS_SLOTS && c->queue_head < c->queue_tail)
    begin_transfer(c, &c->targets[c->queue[c->queue_head++]]);
  if (c->proxy_host && c->queue_head == c->queue_tail)
    wipe_secret_when_started(c);
}

static void
note_lookup(struct ep_https_target *t, const struct ep_lookup_result *res)
{
  /* A resolver's own answer (addresses, NXDOMAIN, ...) has a time;
   * silence has none. */
  t->have_resolve = res->outcome != EP_DNS_CANCELLED && !res->nobody_answered;
  t->resolve_s = res->seconds;
  snprintf(t->resolved_by, sizeof t->resolved_by, "%s%s",
           res->via_fallback ? "fallback " : "", res->server);
}

static void
on_target_lookup(void *arg, const struct ep_lookup_result *res)
{
  struct lookup_slot     *sl = arg;
  struct https_ctx       *c = sl->ctx;
  struct ep_https_target *t = &c->targets[sl->target];

  free(sl);
  note_lookup(t, res);
  if (res->outcome != EP_DNS_ANSWER) {
    fail_target(t, "not resolved: %s", res->failure);
    t->failure_code = EP_CAUSE_UNRESOLVED;
    return;
  }
  if (!(t->resolve_list = resolve_entry(NULL, t->hp.host, t->hp.port, res))) {
    fail_target(t, "out of memory");
    return;
  }
  start_transfer(c, t);
}

/* The name's AAAA records: the twin starts over IPv6 when there are some
 * and the kernel has a route to the first; else it says why not. */
static void
on_twin_lookup(void *arg, const struct ep_lookup_result *res)
{
  struct lookup_slot     *sl = arg;
  struct https_ctx       *c = sl->ctx;
  struct ep_https_target *t = &c->targets[sl->target];
  char                    entry[EP_HOST_MAX + EP_DNS_ADDR_TEXT + 24];

  free(sl);
  note_lookup(t, res);
  t->phase = EP_HTTPS_DONE;
  if (res->outcome != EP_DNS_ANSWER) {
    snprintf(t->v6_skipped, sizeof t->v6_skipped, "%s: %s",
             res->outcome == EP_DNS_NODATA || res->outcome == EP_DNS_NXDOMAIN
               ? "no AAAA record"
               : "AAAA lookup failed",
             res->failure);
    return;
  }
  snprintf(t->addr, sizeof t->addr, "%s", res->addrs[0]);
  if (!ep_ipv6_route(c->opts.iface, res->addrs[0], t->v6_skipped,
                     sizeof t->v6_skipped))
    return;
  /* An answer at the deadline (the loop's end cancels the lookups, and a
   * fallback's answer may decide then) leaves no time to judge a path. */
  if (ep_time_diff(c->run->deadline, ep_time_now()) * 1000 <
      EP_HTTPS_RETRY_MIN_MS) {
    snprintf(t->v6_skipped, sizeof t->v6_skipped,
             "the AAAA answer came too late");
    return;
  }
  snprintf(entry, sizeof entry, "%s:%u:[%s]:%u", t->hp.host, t->hp.port,
           res->addrs[0], t->hp.port);
  if (!(t->resolve_list = curl_slist_append(NULL, entry))) {
    snprintf(t->v6_skipped, sizeof t->v6_skipped, "out of memory");
    return;
  }
  t->v6_tried = true;
  start_transfer(c, t);
}

static void
on_proxy_lookup(void *arg, const struct ep_lookup_result *res)
{
  struct lookup_slot *sl = arg;
  struct https_ctx   *c = sl->ctx;
  size_t              i;

  free(sl);
  for (i = 0; i < c->n_targets; i++) {
    struct ep_https_target *t = &c->targets[i];

    note_lookup(t, res);
    if (res->outcome != EP_DNS_ANSWER) {
      fail_target(t, "the proxy's name %s not resolved: %s", c->proxy_host,
                  res->failure);
      t->failure_code = EP_CAUSE_PROXY_UNRESOLVED;
    }
    else if (!(t->resolve_list = resolve_entry(NULL, c->proxy_host,
                                               c->proxy_port, res)))
      fail_target(t, "out of memory");
    else
      start_transfer(c, t);
  }
  wipe_secret_when_started(c);
}

static enum ep_status
lookup(struct https_ctx *c, const char *name, int family, ep_lookup_cb cb,
       size_t target, struct timespec now, struct ep_err *err)
{
  struct lookup_slot *sl;

  if (!c->run->resolver)
    return ep_err_set(err, EP_EINVAL, "https probe: the run has no resolver");
  if (!(sl = malloc(sizeof *sl)))
    return ep_err_set(err, EP_ENOMEM, "out of memory");
  sl->ctx = c;
  sl->target = target;
  if (ep_resolver_lookup_family(c->run->resolver, name, family, cb, sl, now,
                                err) != EP_OK) {
    free(sl);
    return err ? err->code : EP_ENOMEM;
  }
  return EP_OK;
}

static enum ep_status
https_start(struct ep_probe *p, struct ep_run *run, struct ep_err *err)
{
  struct https_ctx *c = p->ctx;
  struct timespec   now = ep_time_now();
  size_t            i;

  c->run = run;
  if (c->proxy_host) {
    /* The proxy resolves the targets' names (CONNECT host:443); only its
     * own name is ours to resolve. */
    for (i = 0; i < c->n_targets; i++)
      c->targets[i].phase = EP_HTTPS_WAIT_PROXY;
    if (!ep_addr_is_literal(c->proxy_host))
      return lookup(c, c->proxy_host, AF_INET, on_proxy_lookup, 0, now, err);
    for (i = 0; i < c->n_targets; i++)
      start_transfer(c, &c->targets[i]);
    wipe_secret_when_started(c);
    return EP_OK;
  }
  for (i = 0; i < c->n_given; i++) {
    struct ep_https_target *t = &c->targets[i];

    if (t->hp.is_address)
      start_transfer(c, t);
    else if (lookup(c, t->hp.host, AF_INET, on_target_lookup, i, now, err) !=
             EP_OK)
      return err ? err->code : EP_ENOMEM;
    if (!t->twin)
      continue;
    if (t->hp.is_address) {
      t->twin->phase = EP_HTTPS_DONE;
      snprintf(t->twin->v6_skipped, sizeof t->twin->v6_skipped,
               "an address was given");
    } else if (lookup(c, t->hp.host, AF_INET6, on_twin_lookup,
                      (size_t)(t->twin - c->targets), now, err) != EP_OK) {
      return err ? err->code : EP_ENOMEM;
    }
  }
  return EP_OK;
}

static struct timespec stall_due(const struct https_ctx *c,
                                 const struct ep_https_target *t);
static bool            stall_set(struct timespec when);

static enum ep_status
https_pollset(struct ep_probe *p, struct ep_pollset *ps, struct timespec now)
{
  const struct https_ctx *c = p->ctx;
  size_t                  i;

  (void)now;
  for (i = 0; i < c->n_targets; i++) {
    struct timespec due = stall_due(c, &c->targets[i]);

    if (stall_set(due))
      ep_pollset_wake_at(ps, due);
  }
  if (c->queue_head < c->queue_tail && c->oldest_started < c->n_started) {
    const struct ep_https_target *t =
      &c->targets[c->started[c->oldest_started]];

    ep_pollset_wake_at(ps, ep_time_add(t->t_added, EP_HTTPS_SLOT_HOLD_S));
  }
  return ep_curl_multi_pollset(c->curl, ps);
}

static void
read_figures(struct ep_https_target *t)
{
  CURL      *h = t->easy;
  curl_off_t us = 0;
  char      *ip = NULL;

  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &t->status);
  curl_easy_getinfo(h, CURLINFO_HTTP_CONNECTCODE, &t->connect_code);
  curl_easy_getinfo(h, CURLINFO_PROXYAUTH_AVAIL, &t->proxy_auth_avail);
  curl_easy_getinfo(h, CURLINFO_OS_ERRNO, &t->os_errno);
  curl_easy_getinfo(h, CURLINFO_SSL_VERIFYRESULT, &t->verify_result);
  curl_easy_getinfo(h, CURLINFO_PROXY_SSL_VERIFYRESULT,
                    &t->proxy_verify_result);
  /* Empty before a connection: a twin keeps the address it was given. */
  if (curl_easy_getinfo(h, CURLINFO_PRIMARY_IP, &ip) == CURLE_OK && ip &&
      ip[0])
    snprintf(t->addr, sizeof t->addr, "%s", ip);
  /* curl's phase times are zero once verification failed: then the
   * moments the TLS callbacks saw stand in. */
  if (curl_easy_getinfo(h, CURLINFO_CONNECT_TIME_T, &us) == CURLE_OK && us) {
    t->connect_s = (double)us / 1e6;
    t->have_connect = true;
  } else if (t->have_tcp) {
    t->connect_s = ep_time_diff(t->t_tcp, t->t_socket);
    t->have_connect = true;
  }
  /* The handshake's time, to its end or to the certificate refused. */
  if (t->seen.handshake_done) {
    t->tls_s = ep_time_diff(t->seen.t_done, t->seen.t_hello);
    t->have_tls = true;
  } else if (t->seen.verify_error) {
    t->tls_s = ep_time_diff(t->seen.t_failed, t->seen.t_hello);
    t->have_tls = true;
  }
  if (t->status > 0 &&
      curl_easy_getinfo(h, CURLINFO_STARTTRANSFER_TIME_T, &us) == CURLE_OK &&
      us) {
    t->first_byte_s = (double)us / 1e6;
    t->have_first_byte = true;
  }
  if (t->status > 0 &&
      curl_easy_getinfo(h, CURLINFO_TOTAL_TIME_T, &us) == CURLE_OK && us) {
    t->total_s = (double)us / 1e6;
    t->have_total = true;
  }
}

/* Forgets what an attempt saw, for the next one; the target's own
 * setup (lookup, trust, proxy flags) stays. */
static void
reset_attempt(struct ep_https_target *t)
{
  struct ep_https_target keep = *t;

  ep_https_tls_seen_cleanup(&t->seen);
  ep_https_tls_seen_cleanup(&t->proxy_seen);
  memset(&t->easy, 0,
         offsetof(struct ep_https_target, trace) -
           offsetof(struct ep_https_target, easy));
  t->resolve_list = keep.resolve_list;
  t->trust = keep.trust;
  t->proxy_tls = keep.proxy_tls;
  t->proxy_credentials = keep.proxy_credentials;
  t->proxy_token = keep.proxy_token;
  t->retry_denied = keep.retry_denied;
  t->conn_fd = -1;
  ep_https_tls_seen_init(&t->seen, keep.seen.host);
  ep_https_tls_seen_init(&t->proxy_seen, keep.proxy_seen.host);
}

/* Why the attempt just finished should be made again, changed, or
 * EP_HTTPS_RETRY_NONE. */
static enum ep_https_retry
retry_wanted(const struct https_ctx *c, const struct ep_https_target *t)
{
  if (t->retry != EP_HTTPS_RETRY_NONE)
    return EP_HTTPS_RETRY_NONE;
  if (c->proxy_host && t->connect_code == 407 && t->proxy_credentials &&
      !t->proxy_token && ep_proxy_auth_wants_other(t->proxy_auth_avail))
    return EP_HTTPS_RETRY_AUTH;
  return EP_HTTPS_RETRY_NONE;
}

/* Starts t again on a copy of its handle (which holds the proxy's
 * credentials, ours being wiped by now), changed as why says; false when
 * there is no time left for it, or no memory. */
static bool
retry_target(struct https_ctx *c, struct ep_https_target *t,
             enum ep_https_retry why)
{
  long     left = ms_left(c);
  double   really = ep_time_diff(c->run->deadline, ep_time_now());
  double   stalled_for;
  CURL    *h;
  CURLcode rc = CURLE_OK;

  if (really * 1000 < EP_HTTPS_RETRY_MIN_MS || !t->easy ||
      !(h = curl_easy_duphandle(t->easy)))
    return false;
  rc = curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, left);
  if (rc == CURLE_OK)
    rc = curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, left);
  if (rc == CURLE_OK && why == EP_HTTPS_RETRY_AUTH)
    rc = curl_easy_setopt(h, CURLOPT_PROXYAUTH, ep_proxy_auth_schemes(false));
  if (rc != CURLE_OK) {
    curl_easy_cleanup(h);
    return false;
  }
  stalled_for = t->seen.hello_sent
                  ? ep_time_diff(ep_time_now(), t->seen.t_hello)
                  : 0;
  curl_multi_remove_handle(c->multi, t->easy);
  curl_easy_cleanup(t->easy);
  release_slot(c, t);
  reset_attempt(t);
  t->retry = why;
  t->first_silent_s = stalled_for;
  t->easy = h;
  /* The second attempt waits for a handshake slot as the first did: a
   * blackhole stalls every target at once. */
  if (c->in_flight < EP_HTTPS_SLOTS) {
    add_prepared(c, t);
  } else {
    t->phase = EP_HTTPS_QUEUED;
    c->queue[c->queue_tail++] = (size_t)(t - c->targets);
  }
  return true;
}

/* When t's handshake counts as stalled, nothing heard since its
 * ClientHello (ep_pmtu.h); a zero time when t is not waiting so, or was
 * already tried again. */
static struct timespec
stall_due(const struct https_ctx *c, const struct ep_https_target *t)
{
  static const struct timespec never = {0, 0};

  /* Through a proxy, the path to the server is the proxy's. */
  if (c->proxy_host || t->phase != EP_HTTPS_TRANSFER ||
      t->retry != EP_HTTPS_RETRY_NONE || t->retry_denied ||
      !t->seen.hello_sent ||
      t->seen.server_hello)
    return never;
  return ep_pmtu_stall_due(t->seen.t_hello,
                           t->have_tcp ? ep_time_diff(t->t_tcp, t->t_socket)
                                       : 0);
}

static bool
stall_set(struct timespec when)
{
  return when.tv_sec != 0 || when.tv_nsec != 0;
}

static bool retry_target(struct https_ctx *c, struct ep_https_target *t,
                         enum ep_https_retry why);

/* Handshakes that heard nothing after the ClientHello go again with
 * small segments. */
static void
retry_stalled(struct https_ctx *c, struct timespec now)
{
  size_t i;

  for (i = 0; i < c->n_targets; i++) {
    struct ep_https_target *t = &c->targets[i];
    struct timespec         due = stall_due(c, t);

    /* Once: a retry refused (the deadline near) is not asked again on
     * every pass. */
    if (stall_set(due) && ep_time_reached(now, due) &&
        !retry_target(c, t, EP_HTTPS_RETRY_SMALL_MSS))
      t->retry_denied = true;
  }
}

static bool
retry_target_if_wanted(struct https_ctx *c, struct ep_https_target *t)
{
  enum ep_https_retry why = retry_wanted(c, t);

  return why != EP_HTTPS_RETRY_NONE && retry_target(c, t, why);
}

static void
collect_done(struct https_ctx *c)
{
  CURLMsg *m;
  int      left;

  while ((m = curl_multi_info_read(c->multi, &left)) != NULL) {
    struct ep_https_target *t = NULL;

    if (m->msg != CURLMSG_DONE)
      continue;
    curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&t);
    if (!t)
      continue;
    t->finished = true;
    t->curl_code = (int)m->data.result;
    read_figures(t);
    if (retry_target_if_wanted(c, t))
      continue;
    t->phase = EP_HTTPS_DONE;
    /* Judged from what was read: its connection and buffers go now. */
    curl_multi_remove_handle(c->multi, t->easy);
    curl_easy_cleanup(t->easy);
    t->easy = NULL;
    release_slot(c, t);
  }
}

/* The first time a connecting socket is writable without an error, TCP
 * is up. */
static void
note_connected(void *arg, curl_socket_t fd, short revents,
               struct timespec now)
{
  const struct https_ctx *c = arg;
  size_t                  i;
  int       e = 0;
  socklen_t len = sizeof e;

  if (revents & (POLLERR | POLLHUP | POLLNVAL))
    return;
  for (i = 0; i < c->n_targets; i++) {
    struct ep_https_target *t = &c->targets[i];

    if (t->conn_fd == fd && !t->have_tcp && t->phase == EP_HTTPS_TRANSFER) {
      if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len) != 0 || e != 0)
        return;
      t->have_tcp = true;
      t->t_tcp = now;
    }
  }
}

static void
https_on_ready(struct ep_probe *p, const struct ep_pollset *ps,
               struct timespec now)
{
  struct https_ctx *c = p->ctx;

  ep_curl_multi_drive(c->curl, ps, now, note_connected, c);
  collect_done(c);
  retry_stalled(c, now);
  start_queued(c, now);
}

static bool
https_done(const struct ep_probe *p)
{
  const struct https_ctx *c = p->ctx;
  size_t                  i;

  for (i = 0; i < c->n_targets; i++)
    if (c->targets[i].phase != EP_HTTPS_DONE)
      return false;
  return true;
}

static enum ep_status
https_finish(struct ep_probe *p, struct ep_check_result *out,
             struct ep_err *err)
{
  struct https_ctx *c = p->ctx;
  size_t            i;

  /* What the deadline cut short still says how far it got. */
  for (i = 0; i < c->n_targets; i++)
    if (c->targets[i].easy && !c->targets[i].finished) {
      read_figures(&c->targets[i]);
      c->targets[i].cut_after_s =
        ep_time_diff(ep_time_now(), c->targets[i].t_added);
    }
  return ep_https_report(c->targets, c->n_given, &c->opts, out, err);
}

static void
https_destroy(struct ep_probe *p)
{
  struct https_ctx *c;
  size_t            i;

  if (!p)
    return;
  c = p->ctx;
  if (c) {
    for (i = 0; i < c->n_targets; i++) {
      struct ep_https_target *t = &c->targets[i];

      if (t->easy) {
        if (c->multi)
          curl_multi_remove_handle(c->multi, t->easy);
        curl_easy_cleanup(t->easy);
      }
      curl_slist_free_all(t->resolve_list);
      ep_https_tls_seen_cleanup(&t->seen);
      ep_https_tls_seen_cleanup(&t->proxy_seen);
      ep_buf_cleanup(&t->trace);
    }
    ep_curl_multi_free(c->curl);
    X509_STORE_free(c->trust);
    free(c->queue);
    free(c->started);
    ep_secret_wipe(&c->proxy_secret);
    free(c->ca.data);
    free(c->proxy_ca.data);
    free(c->proxy_host);
    free(c->targets);
    free(c);
  }
  free(p);
}

static const struct ep_probe_ops https_ops = {
  "https", https_start, https_pollset, https_on_ready, https_done,
  https_finish, https_destroy,
};

/* The proxy URL's host and port (curl's defaults: 1080 for http://, 443
 * for https://). */
static enum ep_status
parse_proxy(struct https_ctx *c, const char *url, struct ep_err *err)
{
  CURLU   *u = curl_url();
  char    *host = NULL, *port = NULL;
  CURLUcode rc;
  size_t   len;

  if (!u)
    return ep_err_set(err, EP_ENOMEM, "out of memory");
  rc = curl_url_set(u, CURLUPART_URL, url, 0);
  if (rc == CURLUE_OK)
    rc = curl_url_get(u, CURLUPART_HOST, &host, 0);
  if (rc != CURLUE_OK) {
    curl_url_cleanup(u);
    return ep_err_set(err, EP_EINVAL, "proxy %s: %s", url,
                      curl_url_strerror(rc));
  }
  c->proxy_port = strncmp(url, "https://", 8) == 0 ? 443 : 1080;
  if (curl_url_get(u, CURLUPART_PORT, &port, 0) == CURLUE_OK && port)
    c->proxy_port = (unsigned)strtoul(port, NULL, 10);
  len = strlen(host);
  if (len >= 2 && host[0] == '[' && host[len - 1] == ']') {
    memmove(host, host + 1, len - 2);
    host[len - 2] = '\0';
  }
  c->proxy_host = strdup(host);
  curl_free(host);
  curl_free(port);
  curl_url_cleanup(u);
  if (!c->proxy_host)
    return ep_err_set(err, EP_ENOMEM, "out of memory");
  return EP_OK;
}

static enum ep_status
load_ca(struct curl_blob *blob, const char *path, const char *what,
        struct ep_err *err)
{
  char  *pem;
  size_t len;

  if (ep_tls_ca_load(path, what, &pem, &len, err) != EP_OK)
    return EP_EINVAL;
  blob->data = pem;
  blob->len = len;
  blob->flags = CURL_BLOB_NOCOPY; /* ours outlives every handle */
  return EP_OK;
}

/* The targets as given ("HOST[:PORT]"), each counted once set up, so
 * that https_destroy() frees what a bad one leaves. */
static enum ep_status
parse_targets(struct https_ctx *c, const struct ep_strlist *targets,
              struct ep_err *err)
{
  size_t i;

  for (i = 0; i < targets->n; i++) {
    struct ep_https_target *t = &c->targets[i];

    ep_buf_init(&t->trace, EP_HTTPS_TRACE_MAX);
    t->conn_fd = -1;
    c->n_targets++;
    snprintf(t->spec, sizeof t->spec, "%s", targets->v[i]);
    if (ep_hostport_parse(targets->v[i], 443, "HTTPS target", &t->hp, err) !=
        EP_OK)
      return EP_EINVAL;
    ep_https_tls_seen_init(&t->seen, t->hp.host);
  }
  return EP_OK;
}

/* The IPv6 twin of each target given, after them (https_report.h). */
static void
add_twins(struct https_ctx *c)
{
  size_t i;

  for (i = 0; i < c->n_given; i++) {
    struct ep_https_target *t = &c->targets[c->n_given + i];

    *t = c->targets[i]; /* spec, hp, conn_fd; its own buffers below */
    ep_buf_init(&t->trace, EP_HTTPS_TRACE_MAX);
    ep_https_tls_seen_init(&t->seen, t->hp.host);
    t->is_twin = true;
    c->targets[i].twin = t;
    c->n_targets++;
  }
}

struct ep_probe *
ep_https_probe_new(const struct ep_strlist *targets,
                   const struct ep_https_options *opts, struct ep_err *err)
{
  struct ep_probe  *p;
  struct https_ctx *c;
  void             *array;
  size_t            i;
  /* Behind a proxy, the proxy picks the family. */
  bool              twins = !opts->proxy && ep_ipv6_host_has_global(opts->iface);

  p = ep_probe_alloc(&https_ops, sizeof *c, targets->n * (twins ? 2 : 1),
                     sizeof(struct ep_https_target), &array, err);
  if (!p)
    return NULL;
  c = p->ctx;
  c->targets = array;
  c->n_given = targets->n;
  c->opts = *opts;
  if (opts->proxy_secret) {
    c->proxy_secret = *opts->proxy_secret;
    c->opts.proxy_secret = &c->proxy_secret;
  }
  if (parse_targets(c, targets, err) != EP_OK) {
    https_destroy(p);
    return NULL;
  }
  if (twins)
    add_twins(c);
  if (opts->proxy && parse_proxy(c, opts->proxy, err) != EP_OK) {
    https_destroy(p);
    return NULL;
  }
  /* A CA file that cannot be used is a configuration error, named before
   * any packet is sent, not a TLS failure of every target. */
  if ((opts->cafile &&
       load_ca(&c->ca, opts->cafile,
               opts->cafile_what ? opts->cafile_what : "--cacert",
               err) != EP_OK) ||
      (opts->proxy && opts->proxy_cafile &&
       load_ca(&c->proxy_ca, opts->proxy_cafile,
               opts->proxy_cafile_what ? opts->proxy_cafile_what
                                       : "--proxy-cacert",
               err) != EP_OK)) {
    https_destroy(p);
    return NULL;
  }
  for (i = 0; opts->proxy && i < targets->n; i++) {
    c->targets[i].proxy_tls = strncmp(opts->proxy, "https://", 8) == 0;
    ep_https_tls_seen_init(&c->targets[i].proxy_seen, c->proxy_host);
  }
  if (!(c->trust = ep_tls_store_new(c->ca.data, c->ca.len, err)) ||
      !(c->queue = calloc(2 * c->n_targets + 1, sizeof *c->queue)) ||
      /* Each target may start twice (a retry). */
      !(c->started = calloc(2 * c->n_targets + 1, sizeof *c->started)) ||
      !(c->curl = ep_curl_multi_new(err))) {
    if (c->trust && (!c->queue || !c->started))
      ep_err_set(err, EP_ENOMEM, "out of memory");
    https_destroy(p);
    return NULL;
  }
  /* What curl 7.88 sets on the store it would have made: a CA given may
   * be an intermediate, and the trusted certificates are tried first. */
  X509_STORE_set_flags(c->trust,
                       X509_V_FLAG_PARTIAL_CHAIN | X509_V_FLAG_TRUSTED_FIRST);
  for (i = 0; i < c->n_targets; i++)
    c->targets[i].trust = c->trust;
  /* The store holds the targets' CAs now: the bytes are not kept. */
  free(c->ca.data);
  c->ca.data = NULL;
  c->ca.len = 0;
  c->multi = ep_curl_multi_handle(c->curl);
  return p;
}

static struct ep_probe *
https_create(const struct ep_config *cfg, const struct ep_check_config *cc,
             struct ep_err *err)
{
  const struct ep_https_profile *part = ep_config_part(cfg, &ep_https_kind);
  const struct ep_https_own        *own = cc->own;
  struct ep_https_options        o;
  struct ep_secret               secret;
  struct ep_probe               *p;

  memset(&o, 0, sizeof o);
  memset(&secret, 0, sizeof secret);
  o.iface = cfg->has_iface ? &cfg->iface : NULL;
  o.cafile = cfg->cafile;
  o.cafile_what = cfg->cafile_what;
  o.proxy_cafile_what = cfg->proxy_cacert_what;
  o.expect_issuers = &part->expect_issuers;
  o.warn = cc->warn;
  o.crit = cc->crit;
  o.cert_warn_days = own->cert_warn_days;
  o.cert_crit_days = own->cert_crit_days;
  o.proxy = cfg->proxy_url;
  o.proxy_from_env = cfg->proxy_from_env;
  o.proxy_env_credentials = cfg->proxy_env_credentials;
  o.proxy_cafile = cfg->proxy_cacert;
  o.verbose = cfg->verbose;
  if (ep_config_proxy_secret(cfg, &secret, &o.proxy_secret, err) != EP_OK)
    return NULL;
  p = ep_https_probe_new(&part->targets, &o, err);
  ep_secret_wipe(&secret);
  return p;
}

static enum ep_status
https_configure(struct ep_config *cfg, struct ep_check_config *cc,
                const struct ep_settings *s, bool only, struct ep_err *err)
{
  struct ep_https_profile *p = ep_config_part(cfg, &ep_https_kind);
  struct ep_https_own        *own;
  const char              *days;

  if (ep_config_hosts(&p->targets, s, only, 443, err) != EP_OK)
    return err ? err->code : EP_EINVAL;
  if (p->targets.n == 0) {
    if (only)
      return ep_err_set(err, EP_EINVAL, "%s: no HTTPS targets (https.targets "
                                        "or %s)",
                        cfg->profile->name, ep_settings_names(s)->hosts);
    return EP_OK;
  }
  if (ep_settings_value(s, &ep_https_option_expect_issuer, NULL)) {
    ep_strlist_free(&p->expect_issuers);
    if (ep_settings_values(s, &ep_https_option_expect_issuer,
                           &p->expect_issuers) < 0)
      return ep_err_set(err, EP_ENOMEM, "out of memory");
  }
  if (!(own = cc->own = calloc(1, sizeof *own)))
    return ep_err_set(err, EP_ENOMEM, "out of memory");
  days = ep_settings_value(s, &ep_https_option_cert_warning_days, NULL);
  own->cert_warn_days = days ? atoi(days) : p->cert_warning_days;
  days = ep_settings_value(s, &ep_https_option_cert_critical_days, NULL);
  own->cert_crit_days = days ? atoi(days) : p->cert_critical_days;
  if (own->cert_crit_days > own->cert_warn_days)
    return ep_err_set(err, EP_EINVAL,
                      "certificate days: critical (%d) must not be more than "
                      "warning (%d)", own->cert_crit_days, own->cert_warn_days);
  if (ep_config_cacert(cfg, s, err) != EP_OK ||
      ep_config_proxy(cfg, s, err) != EP_OK ||
      ep_config_thresholds(cc, s, only, p->warning, p->critical, err) != EP_OK)
    return err ? err->code : EP_EINVAL;
  cc->wanted = true;
  return EP_OK;
}

static enum ep_status
https_global_init(struct ep_err *err)
{
  CURLcode rc = curl_global_init(CURL_GLOBAL_DEFAULT);

  if (rc != CURLE_OK)
    return ep_err_set(err, EP_ELIB, "cannot initialise libcurl: %s",
                      curl_easy_strerror(rc));
  return EP_OK;
}

const struct ep_probe_kind ep_https_kind = {
  .name = "https",
  .title = "HTTPS",
  .noun = "targets",
  .uses_proxy = true,
  .section = &ep_https_section,
  .doc = &ep_https_doc,
  .report = &ep_https_reporting,
  .figures = ep_https_figures,
  .mib = &ep_https_mib,
  .configure = https_configure,
  .release = free,
  .create = https_create,
  .global_init = https_global_init,
  .global_cleanup = curl_global_cleanup,
};
