#include "config.h"

#include <math.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/tcp.h>

#include "ep_curlmulti.h"
#include "ep_proxyauth.h"
#include "ep_time.h"
#include "uplink_upload.h"

/* The unpaced upload's body: more than a plant's uplink carries in the
 * time, less than what endpoints take in one PUT (nginx's 1g). */
#define CAPACITY_BODY ((curl_off_t)512 << 20)
#define SAMPLES_MAX 1024
#define PATTERN 16384
/* Time kept after the window for the answer, and before the deadline. */
#define ANSWER_GRACE 1.0
#define DEADLINE_MARGIN 0.25

struct tcp_sample {
  struct timespec at;
  double          rtt; /* s, smoothed */
  double          delivery_bps;
  bool            app_limited;
  double          acked; /* bytes, since the connection began */
};

struct ep_uplink_upload {
  struct ep_uplink_upload_setup setup;
  struct ep_curl_multi         *curl;
  CURL                         *easy;
  struct curl_slist            *headers, *resolve;
  char                          errbuf[CURL_ERROR_SIZE];
  unsigned char                 pattern[PATTERN];
  curl_socket_t                 fd;
  curl_off_t                    total; /* Content-Length */
  struct timespec               deadline, body_at, window_end, answer_by;
  struct timespec               ended_at;
  struct timespec               resume_at, next_sample;
  double                        window, planned, chunk;
  double                        written;
  bool                          started, in_body, paused, window_over;
  bool                          finished, stopped, refused, broke_off;
  int                           curl_code;
  long                          status;
  char                          reason[64];
  double                        acked0, acked_end, acked_last;
  unsigned                      retrans0, retrans_end, retrans_last;
  double                        idle_rtt;
  bool                          have_idle;
  struct tcp_sample             samples[SAMPLES_MAX];
  size_t                        n_samples;
};

/* The socket's TCP_INFO now; false when it cannot be read. */
static bool
tcp_info(const struct ep_uplink_upload *u, struct tcp_info *ti)
{
  socklen_t len = sizeof *ti;

  memset(ti, 0, sizeof *ti);
  return u->fd != CURL_SOCKET_BAD &&
         getsockopt(u->fd, IPPROTO_TCP, TCP_INFO, ti, &len) == 0;
}

static void
take_sample(struct ep_uplink_upload *u, struct timespec now)
{
  struct tcp_info    ti;
  struct tcp_sample *s;

  if (!tcp_info(u, &ti))
    return;
  u->acked_last = (double)ti.tcpi_bytes_acked;
  u->retrans_last = ti.tcpi_total_retrans;
  if (u->n_samples == SAMPLES_MAX)
    return;
  s = &u->samples[u->n_samples++];
  s->at = now;
  s->rtt = ti.tcpi_rtt / 1e6;
  s->delivery_bps = (double)ti.tcpi_delivery_rate * 8.0;
  s->app_limited = ti.tcpi_delivery_rate_app_limited;
  s->acked = (double)ti.tcpi_bytes_acked;
}

/* The body's first byte: the measurement's start.  The round trip so far
 * (the TCP and TLS handshakes, nothing queued) is the idle one. */
static void
start_body(struct ep_uplink_upload *u, struct timespec now)
{
  struct tcp_info ti;
  double          left = ep_time_diff(u->deadline, now) - DEADLINE_MARGIN;

  u->in_body = true;
  u->body_at = now;
  if (tcp_info(u, &ti)) {
    u->acked0 = (double)ti.tcpi_bytes_acked;
    u->retrans0 = ti.tcpi_total_retrans;
    u->idle_rtt = (ti.tcpi_min_rtt ? ti.tcpi_min_rtt : ti.tcpi_rtt) / 1e6;
    u->have_idle = true;
  }
  u->window = u->planned < left ? u->planned : left;
  if (u->window < 0)
    u->window = 0;
  u->window_end = ep_time_add(now, u->window);
  u->next_sample = ep_time_add(now, fmax(0.1, u->window / SAMPLES_MAX));
}

/* curl's read callback: the body, no faster than the pace allows. */
static size_t
on_read(char *buf, size_t size, size_t n, void *arg)
{
  struct ep_uplink_upload *u = arg;
  struct timespec          now = ep_time_now();
  double                   room = (double)size * (double)n;
  double                   left, allowed;
  size_t                   take, i;

  if (!u->in_body)
    start_body(u, now);
  left = (double)u->total - u->written;
  if (left <= 0)
    return 0;
  allowed = room < left ? room : left;
  if (u->setup.rate_bps > 0) {
    /* A chunk goes at the start of its time, so that the last one has
     * gone when the window ends and the server can answer the whole. */
    double due = u->setup.rate_bps / 8.0 * ep_time_diff(now, u->body_at) +
                 u->chunk - u->written;

    if (due < u->chunk && due < left) {
      u->paused = true;
      u->resume_at =
        ep_time_add(now, (u->chunk - due) / (u->setup.rate_bps / 8.0));
      return CURL_READFUNC_PAUSE;
    }
    if (due < allowed)
      allowed = due;
  }
  take = (size_t)allowed;
  for (i = 0; i < take; i += PATTERN)
    memcpy(buf + i, u->pattern, take - i < PATTERN ? take - i : PATTERN);
  u->written += (double)take;
  return take;
}

static curl_socket_t
on_open(void *arg, curlsocktype purpose, struct curl_sockaddr *a)
{
  struct ep_uplink_upload *u = arg;
  curl_socket_t            fd = socket(a->family, a->socktype, a->protocol);

  if (purpose == CURLSOCKTYPE_IPCXN)
    u->fd = fd;
  return fd;
}

static int
on_close(void *arg, curl_socket_t fd)
{
  struct ep_uplink_upload *u = arg;

  if (fd == u->fd) {
    take_sample(u, ep_time_now());
    /* curl is done with it, but the kernel may still hold body the link
     * has not taken (a server that answered before reading it all):
     * a reset drops it, so that nothing of ours loads the link after. */
    if (u->written > u->acked_last - u->acked0)
      setsockopt(fd, SOL_SOCKET, SO_LINGER, &(struct linger){1, 0},
                 sizeof(struct linger));
    u->fd = CURL_SOCKET_BAD;
  }
  return close(fd);
}

/* A status line ("HTTP/1.1 413 Request Entity Too Large"): an error
 * before the upload's time is over is a refusal (curl stops sending). */
/* curl's prototype has data non-const. */
/* cppcheck-suppress constParameter */
static size_t
on_header(char *data, size_t size, size_t n, void *arg)
{
  struct ep_uplink_upload *u = arg;
  size_t                   len = size * n, i = 0, k = 0;
  long                     code = 0;

  if (len < 12 || strncmp(data, "HTTP/", 5) != 0)
    return len;
  while (i < len && data[i] != ' ')
    i++;
  while (i < len && data[i] == ' ')
    i++;
  while (i < len && data[i] >= '0' && data[i] <= '9' && code < 1000)
    code = code * 10 + (data[i++] - '0');
  if (code < 200)
    return len; /* 100 Continue: the body may go */
  while (i < len && data[i] == ' ')
    i++;
  for (; i < len && data[i] != '\r' && data[i] != '\n' &&
         k + 1 < sizeof u->reason;
       i++)
    u->reason[k++] = (data[i] >= ' ' && data[i] < 127) ? data[i] : '?';
  u->reason[k] = '\0';
  u->status = code;
  if (code >= 300 && !u->window_over)
    u->refused = true;
  return len;
}

static size_t
on_body(char *data, size_t size, size_t n, void *arg)
{
  (void)data;
  (void)arg;
  return size * n; /* the answer's body says nothing we need */
}

/* The request's headers: the body's type and the credentials.  No
 * "Expect: 100-continue": an endpoint that answers at once (nginx's
 * "return 204", a try_files) would never get the body; a refusal
 * (401, 413) comes as the body starts, and curl stops there. */
static bool
set_headers(struct ep_uplink_upload *u)
{
  const struct ep_secret *a = u->setup.auth;
  char                    bearer[sizeof a->token + 32];
  bool                    ok;

  /* An empty Expect: curl adds none of its own for a large body. */
  u->headers = curl_slist_append(NULL, "Expect:");
  u->headers = u->headers ? curl_slist_append(u->headers,
                                              "Content-Type: "
                                              "application/octet-stream")
                          : NULL;
  if (u->headers && a && a->token[0]) {
    snprintf(bearer, sizeof bearer, "Authorization: Bearer %s", a->token);
    u->headers = curl_slist_append(u->headers, bearer);
    explicit_bzero(bearer, sizeof bearer);
  }
  ok = u->headers != NULL;
  return ok;
}

#define SET(opt, val)                                                        \
  if (rc == CURLE_OK)                                                        \
    rc = curl_easy_setopt(h, opt, val);

/* Where the upload goes and how it is trusted: as the https check. */
static CURLcode
set_route(struct ep_uplink_upload *u, CURL *h)
{
  const struct ep_uplink_upload_setup *s = &u->setup;
  CURLcode                             rc = CURLE_OK;

  SET(CURLOPT_SSL_VERIFYPEER, 1L);
  SET(CURLOPT_SSL_VERIFYHOST, 2L);
  SET(CURLOPT_CAINFO, NULL);
  SET(CURLOPT_CAPATH, s->ca ? NULL : "/etc/ssl/certs");
  if (s->ca)
    SET(CURLOPT_CAINFO_BLOB, s->ca);
  if (u->resolve)
    SET(CURLOPT_RESOLVE, u->resolve);
  if (s->iface)
    SET(CURLOPT_INTERFACE, s->iface->name);
  SET(CURLOPT_PROXY, s->proxy ? s->proxy : "");
  if (s->proxy) {
    SET(CURLOPT_HTTPPROXYTUNNEL, 1L);
    SET(CURLOPT_NOPROXY, "");
    SET(CURLOPT_PROXY_CAINFO, NULL);
    SET(CURLOPT_PROXY_CAPATH, s->proxy_ca ? NULL : "/etc/ssl/certs");
    if (s->proxy_ca)
      SET(CURLOPT_PROXY_CAINFO_BLOB, s->proxy_ca);
    if (s->proxy_secret) {
      SET(CURLOPT_PROXYAUTH,
          ep_proxy_auth_schemes(s->proxy_secret->token[0] != '\0'));
      SET(CURLOPT_PROXYUSERNAME, s->proxy_secret->token[0]
                                   ? s->proxy_secret->token
                                   : s->proxy_secret->user);
      SET(CURLOPT_PROXYPASSWORD, s->proxy_secret->password);
    }
  }
  if (s->auth && !s->auth->token[0]) {
    SET(CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
    SET(CURLOPT_USERNAME, s->auth->user);
    SET(CURLOPT_PASSWORD, s->auth->password);
  }
  return rc;
}

static CURLcode
set_transfer(struct ep_uplink_upload *u, CURL *h)
{
  CURLcode rc = CURLE_OK;

  SET(CURLOPT_URL, u->setup.url);
  SET(CURLOPT_PROTOCOLS_STR, "https");
  SET(CURLOPT_NOSIGNAL, 1L);
  SET(CURLOPT_ERRORBUFFER, u->errbuf);
  SET(CURLOPT_USERAGENT, "edgeprobe/" PACKAGE_VERSION);
  SET(CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
  SET(CURLOPT_UPLOAD, 1L);
  SET(CURLOPT_INFILESIZE_LARGE, u->total);
  SET(CURLOPT_UPLOAD_BUFFERSIZE, u->setup.rate_bps > 0 ? 16384L : 65536L);
  SET(CURLOPT_READFUNCTION, on_read);
  SET(CURLOPT_READDATA, u);
  SET(CURLOPT_HEADERFUNCTION, on_header);
  SET(CURLOPT_HEADERDATA, u);
  SET(CURLOPT_WRITEFUNCTION, on_body);
  SET(CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L);
  SET(CURLOPT_HTTPHEADER, u->headers);
  SET(CURLOPT_OPENSOCKETFUNCTION, on_open);
  SET(CURLOPT_OPENSOCKETDATA, u);
  SET(CURLOPT_CLOSESOCKETFUNCTION, on_close);
  SET(CURLOPT_CLOSESOCKETDATA, u);
  SET(CURLOPT_FRESH_CONNECT, 1L);
  SET(CURLOPT_FORBID_REUSE, 1L);
  SET(CURLOPT_FOLLOWLOCATION, 0L);
  return rc;
}
#undef SET

/* A body that no link compresses: xorshift noise, made once. */
static void
fill_pattern(unsigned char *p, size_t n)
{
  uint32_t x = 0x9e3779b9u;
  size_t   i;

  for (i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    p[i] = (unsigned char)x;
  }
}

struct ep_uplink_upload *
ep_uplink_upload_new(const struct ep_uplink_upload_setup *setup,
                     struct ep_err *err)
{
  struct ep_uplink_upload *u = calloc(1, sizeof *u);

  if (!u) {
    ep_err_set(err, EP_ENOMEM, "out of memory");
    return NULL;
  }
  u->setup = *setup;
  u->fd = CURL_SOCKET_BAD;
  fill_pattern(u->pattern, sizeof u->pattern);
  if (!(u->curl = ep_curl_multi_new(err))) {
    ep_uplink_upload_free(u);
    return NULL;
  }
  if (!(u->easy = curl_easy_init()) || !set_headers(u) ||
      (setup->resolve &&
       !(u->resolve = curl_slist_append(NULL, setup->resolve)))) {
    ep_uplink_upload_free(u);
    ep_err_set(err, EP_ENOMEM, "out of memory");
    return NULL;
  }
  return u;
}

/* Ends the transfer where it is: the window is over and the rest of the
 * body would only fill the link's queue. */
static void
stop(struct ep_uplink_upload *u)
{
  struct linger now = {1, 0};

  if (u->stopped || !u->started)
    return;
  /* What still sits in the socket's buffer would go on loading the link
   * after the measurement: a reset drops it. */
  if (u->fd != CURL_SOCKET_BAD)
    setsockopt(u->fd, SOL_SOCKET, SO_LINGER, &now, sizeof now);
  curl_multi_remove_handle(ep_curl_multi_handle(u->curl), u->easy);
  u->stopped = true;
}

void
ep_uplink_upload_free(struct ep_uplink_upload *u)
{
  if (!u)
    return;
  if (u->easy) {
    if (u->started && !u->finished)
      stop(u); /* a reset: nothing of it goes on after us */
    else if (u->started && !u->stopped)
      curl_multi_remove_handle(ep_curl_multi_handle(u->curl), u->easy);
    curl_easy_cleanup(u->easy);
  }
  ep_curl_multi_free(u->curl);
  curl_slist_free_all(u->headers);
  curl_slist_free_all(u->resolve);
  free(u);
}

void
ep_uplink_upload_start(struct ep_uplink_upload *u, struct timespec now,
                       struct timespec deadline)
{
  double   left = ep_time_diff(deadline, now) - DEADLINE_MARGIN;
  CURLcode rc;

  u->deadline = deadline;
  /* The handshakes come first: the body is sized for what remains. */
  u->planned = u->setup.seconds < left - 1.0 ? u->setup.seconds : left - 1.0;
  if (u->planned < 0.5)
    u->planned = 0.5;
  if (u->setup.rate_bps > 0) {
    u->total = (curl_off_t)ceil(u->setup.rate_bps / 8.0 * u->planned);
    /* Writes of 50 ms of the pace, a segment at least: smooth enough
     * for a queue to show, few enough wake-ups to cost little. */
    u->chunk = fmin(fmax(u->setup.rate_bps / 8.0 * 0.05, 1200.0), 16384.0);
  } else {
    u->total = CAPACITY_BODY;
  }
  rc = set_transfer(u, u->easy);
  if (rc == CURLE_OK)
    rc = set_route(u, u->easy);
  u->started = true;
  if (rc != CURLE_OK ||
      curl_multi_add_handle(ep_curl_multi_handle(u->curl), u->easy) !=
        CURLM_OK) {
    snprintf(u->errbuf, sizeof u->errbuf, "cannot set up curl: %s",
             curl_easy_strerror(rc));
    u->stopped = true;
    u->finished = true;
    u->curl_code = rc != CURLE_OK ? (int)rc : (int)CURLE_FAILED_INIT;
    return;
  }
  ep_curl_multi_kick(u->curl);
  (void)now;
}

enum ep_status
ep_uplink_upload_pollset(const struct ep_uplink_upload *u,
                         struct ep_pollset *ps)
{
  if (!u->started || u->finished || u->stopped)
    return EP_OK;
  if (u->paused) {
    /* curl still asks to write while its read is paused: only an answer
     * (a refusal mid-body) wakes us before the pace does. */
    if (u->fd != CURL_SOCKET_BAD && ep_pollset_add(ps, u->fd, POLLIN) != EP_OK)
      return EP_ENOMEM;
    ep_pollset_wake_at(ps, u->resume_at);
  } else if (ep_curl_multi_pollset(u->curl, ps) != EP_OK) {
    return EP_ENOMEM;
  }
  if (u->in_body && !u->window_over) {
    ep_pollset_wake_at(ps, u->next_sample);
    ep_pollset_wake_at(ps, u->window_end);
  }
  if (u->window_over)
    ep_pollset_wake_at(ps, u->answer_by);
  return EP_OK;
}

static void
collect_done(struct ep_uplink_upload *u)
{
  CURLMsg *m;
  int      left;

  while ((m = curl_multi_info_read(ep_curl_multi_handle(u->curl), &left)))
    if (m->msg == CURLMSG_DONE) {
      u->finished = true;
      u->curl_code = (int)m->data.result;
      /* Ended before its time, and not by sending the whole body: the
       * little that went is no measurement. */
      if (!u->window_over &&
          !(u->curl_code == CURLE_OK && u->written >= (double)u->total))
        u->broke_off = true;
    }
}

/* The window is over: what was acknowledged by now is the measurement. */
static void
end_window(struct ep_uplink_upload *u, struct timespec now)
{
  struct tcp_info ti;
  double          grace = ANSWER_GRACE;

  take_sample(u, now);
  if (tcp_info(u, &ti)) {
    u->acked_end = (double)ti.tcpi_bytes_acked;
    u->retrans_end = ti.tcpi_total_retrans;
    grace += 2.0 * ti.tcpi_rtt / 1e6;
  } else { /* closed already: its last reading */
    u->acked_end = u->acked_last;
    u->retrans_end = u->retrans_last;
  }
  u->window_over = true;
  u->ended_at = now;
  u->window = ep_time_diff(now, u->body_at);
  u->answer_by = ep_time_add(now, grace);
  if (ep_time_reached(u->answer_by, u->deadline))
    u->answer_by = u->deadline;
  /* The rest of the body, or what the link has not taken of it, would
   * only go on loading it: a link that kept up has next to nothing in
   * flight, and its answer is worth the wait. */
  if (u->written < (double)u->total ||
      u->written - (u->acked_end - u->acked0) > 4.0 * u->chunk + 65536)
    stop(u);
}

void
ep_uplink_upload_on_ready(struct ep_uplink_upload *u,
                          const struct ep_pollset *ps, struct timespec now)
{
  if (!u->started || u->finished || u->stopped)
    return;
  ep_curl_multi_drive(u->curl, ps, now, NULL, NULL);
  collect_done(u);
  if (u->paused && !u->finished && ep_time_reached(now, u->resume_at)) {
    u->paused = false;
    curl_easy_pause(u->easy, CURLPAUSE_CONT);
    if (u->fd != CURL_SOCKET_BAD)
      ep_curl_multi_writable(u->curl, u->fd);
    else
      ep_curl_multi_kick(u->curl);
    collect_done(u);
  }
  if (u->in_body && !u->window_over) {
    if (ep_time_reached(now, u->next_sample)) {
      take_sample(u, now);
      u->next_sample = ep_time_add(now, fmax(0.1, u->window / SAMPLES_MAX));
    }
    if (ep_time_reached(now, u->window_end) ||
        (u->finished && u->written >= (double)u->total))
      end_window(u, now);
  }
}

bool
ep_uplink_upload_done(const struct ep_uplink_upload *u)
{
  if (!u->started)
    return false;
  if (u->finished || u->stopped)
    return true;
  return u->window_over && ep_time_reached(ep_time_now(), u->answer_by);
}

static int
by_value(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;

  return (x > y) - (x < y);
}

/* The median of the samples' round trips in the window's second half
 * (the queue has had time to fill), and of their delivery rates where the
 * link, not our pace, limited them. */
static void
loaded_figures(const struct ep_uplink_upload *u,
               struct ep_uplink_upload_result *out)
{
  struct timespec half = ep_time_add(u->body_at, u->window / 2.0);
  double          rtt[SAMPLES_MAX], rate[SAMPLES_MAX];
  size_t          i, n_rtt = 0, n_rate = 0;

  for (i = 0; i < u->n_samples; i++) {
    const struct tcp_sample *s = &u->samples[i];

    if (ep_time_reached(s->at, half) && s->rtt > 0)
      rtt[n_rtt++] = s->rtt;
    if (!s->app_limited && s->delivery_bps > 0)
      rate[n_rate++] = s->delivery_bps;
  }
  if (n_rtt) {
    qsort(rtt, n_rtt, sizeof *rtt, by_value);
    out->loaded_rtt = rtt[n_rtt / 2];
    out->have_loaded = true;
  }
  if (n_rate) {
    qsort(rate, n_rate, sizeof *rate, by_value);
    out->delivery_bps = rate[n_rate / 2];
    out->have_delivery = true;
  }
}

/* Whether TCP came up (curl timed its connect). */
static bool
connected(const struct ep_uplink_upload *u)
{
  curl_off_t us = 0;

  return u->easy &&
         curl_easy_getinfo(u->easy, CURLINFO_CONNECT_TIME_T, &us) == CURLE_OK &&
         us > 0;
}

static void
failure_words(const struct ep_uplink_upload *u, long proxy_auth_avail,
              struct ep_uplink_upload_result *out)
{
  const struct ep_secret *secret = u->setup.proxy_secret;
  const char             *what = NULL;

  if (out->connect_code == 407 &&
      ep_proxy_auth_refusal(proxy_auth_avail, secret != NULL,
                            secret && secret->token[0], true, out->error,
                            sizeof out->error))
    return;
  if (u->curl_code == CURLE_UNSUPPORTED_PROTOCOL ||
      u->curl_code == CURLE_WEIRD_SERVER_REPLY)
    what = "not an HTTP answer";
  else if (u->curl_code == CURLE_GOT_NOTHING)
    what = "closed without an answer";
  if (what)
    snprintf(out->error, sizeof out->error, "%s (curl: %.200s)", what,
             u->errbuf[0] ? u->errbuf
                          : curl_easy_strerror((CURLcode)u->curl_code));
  else if (u->curl_code != CURLE_OK && u->errbuf[0])
    snprintf(out->error, sizeof out->error, "%s", u->errbuf);
  else if (u->curl_code != CURLE_OK)
    snprintf(out->error, sizeof out->error, "%s",
             curl_easy_strerror((CURLcode)u->curl_code));
  else if (!u->started)
    snprintf(out->error, sizeof out->error, "not started");
  else if (u->finished)
    snprintf(out->error, sizeof out->error, "the server answered %ld "
             "without taking the body", u->status);
  else if (!connected(u))
    snprintf(out->error, sizeof out->error,
             "timed out connecting (no answer to SYN: filtered?)");
  else
    snprintf(out->error, sizeof out->error,
             "timed out before the body (TLS, or the server's answer to "
             "the request)");
}

void
ep_uplink_upload_result(struct ep_uplink_upload *u, struct timespec now,
                        struct ep_uplink_upload_result *out)
{
  long os_errno = 0, proxy_auth_avail = 0;

  memset(out, 0, sizeof *out);
  if (u->in_body && !u->window_over)
    end_window(u, now); /* the deadline came first */
  out->status = u->status;
  snprintf(out->reason, sizeof out->reason, "%s", u->reason);
  if (u->easy) {
    curl_easy_getinfo(u->easy, CURLINFO_HTTP_CONNECTCODE, &out->connect_code);
    curl_easy_getinfo(u->easy, CURLINFO_PROXYAUTH_AVAIL, &proxy_auth_avail);
    curl_easy_getinfo(u->easy, CURLINFO_OS_ERRNO, &os_errno);
  }
  out->os_errno = (int)os_errno;
  if (u->refused) {
    out->outcome = EP_UPLOAD_REFUSED;
    return;
  }
  if (!u->in_body || u->window <= 0 || u->broke_off) {
    out->outcome = u->started ? EP_UPLOAD_FAILED : EP_UPLOAD_NOT_RUN;
    failure_words(u, proxy_auth_avail, out);
    return;
  }
  out->outcome = EP_UPLOAD_MEASURED;
  out->window = u->window;
  out->cut = u->window < u->setup.seconds - 0.05;
  out->written = u->written;
  out->acked = u->acked_end - u->acked0;
  out->rate_bps = out->acked * 8.0 / u->window;
  out->have_idle = u->have_idle;
  out->idle_rtt = u->idle_rtt;
  out->retransmits = u->retrans_end - u->retrans0;
  out->body_done = u->written >= (double)u->total;
  loaded_figures(u, out);
}
