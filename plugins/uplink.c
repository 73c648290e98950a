#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "ep_addr.h"
#include "ep_memory.h"
#include "ep_run.h"
#include "ep_time.h"
#include "ep_tls.h"
#include "dns_settings.h"
#include "https_settings.h"
#include "nats_settings.h"
#include "tcp_settings.h"
#include "uplink.h"
#include "uplink_link.h"
#include "uplink_report.h"
#include "uplink_train.h"
#include "uplink_upload.h"

/* How long a train's query is waited for; how long the upload waits for
 * the train before it goes anyway (a resolver that never answers must not
 * cost the measurement). */
#define TRAIN_WAIT 1.0
#define UPLOAD_WAITS_AT_MOST 3.0

/* What the uplink check takes from the profile and the settings. */
struct uplink_own {
  struct ep_uplink_need   need;
  struct ep_uplink_limits limits;
  char                   *url;      /* NULL: capacity not measured */
  struct ep_hostport      endpoint; /* the URL's host and port */
  char                   *auth_file;
  struct ep_secret        auth;     /* read by keep_secrets() */
  bool                    auth_kept;
  bool                    capacity_mode;
  int                     upload_seconds, upload_interval;
  int                     train_queries, train_interval_ms;
  char                   *train_name;
  const char             *not_measured; /* static words, or NULL */
  /* The cloud's endpoints whose routes tell the link, and the machine
   * network's NIC (NULL: none named). */
  struct ep_strlist       endpoints;
  char                   *machine_ifname;
};

/* A daemon's last upload, kept between its runs. */
struct uplink_memo {
  bool                           have;
  struct timespec                at;
  struct ep_uplink_upload_result result;
};

struct uplink_ctx {
  const struct uplink_own *own;
  struct ep_run           *run;
  struct uplink_memo      *memo;    /* a daemon's, or NULL */
  bool                     upload_now; /* this run uploads */
  struct ep_uplink_train  *train;
  char                     train_server[80];
  char                     train_failure[400];
  bool                     train_socket_failed;
  struct ep_uplink_upload_setup setup;
  struct ep_uplink_upload *upload;
  struct ep_uplink_upload_result result;
  struct ep_uplink_link   *link;
  bool                     upload_resolved, upload_failed;
  char                     resolve[EP_HOST_MAX + 80];
  char                     endpoint[EP_HOST_MAX + 8];
  struct timespec          upload_latest; /* goes by then, train or not */
  struct curl_blob         ca, proxy_ca;
  struct ep_secret         proxy_secret, auth;
  const struct ep_config  *cfg;
};

static void
on_train_lookup(void *arg, const struct ep_lookup_result *res)
{
  struct uplink_ctx *c = arg;
  struct ep_err      err;

  ep_err_clear(&err);
  if (res->nobody_answered || !res->server[0]) {
    snprintf(c->train_failure, sizeof c->train_failure,
             "no resolver answered (%.300s)", res->failure);
    return;
  }
  snprintf(c->train_server, sizeof c->train_server, "%s", res->server);
  if (ep_uplink_train_start(c->train, res->server, ep_time_now(), &err) !=
      EP_OK) {
    snprintf(c->train_failure, sizeof c->train_failure, "%.390s", err.msg);
    c->train_socket_failed = true;
  }
}

/* The upload's host, resolved by the configured resolvers as every other
 * check's is, handed to curl. */
static void
on_upload_lookup(void *arg, const struct ep_lookup_result *res)
{
  struct uplink_ctx *c = arg;
  int                len;
  size_t             i;

  if (res->n_addrs == 0) {
    snprintf(c->result.error, sizeof c->result.error, "cannot resolve %.80s: %.150s",
             c->own->endpoint.host, res->failure);
    c->upload_failed = true;
    return;
  }
  len = snprintf(c->resolve, sizeof c->resolve, "%s:%u:",
                 c->own->endpoint.host, c->own->endpoint.port);
  for (i = 0; i < res->n_addrs && len > 0 && (size_t)len < sizeof c->resolve;
       i++)
    len += snprintf(c->resolve + len, sizeof c->resolve - (size_t)len,
                    "%s%s%s%s", i ? "," : "",
                    strchr(res->addrs[i], ':') ? "[" : "", res->addrs[i],
                    strchr(res->addrs[i], ':') ? "]" : "");
  c->upload_resolved = true;
}

static enum ep_status
uplink_start(struct ep_probe *p, struct ep_run *run, struct ep_err *err)
{
  struct uplink_ctx *c = p->ctx;
  struct timespec    now = ep_time_now();

  c->run = run;
  c->upload_latest = ep_time_add(now, UPLOAD_WAITS_AT_MOST);
  if (ep_uplink_link_start(c->link, run->resolver, now, run->deadline, err) !=
      EP_OK)
    return err ? err->code : EP_ENOMEM;
  if (c->train && ep_resolver_lookup(run->resolver, c->own->train_name,
                                     on_train_lookup, c, now, err) != EP_OK)
    return err ? err->code : EP_ENOMEM;
  if (!c->upload_now)
    return EP_OK;
  /* Behind a proxy, the proxy resolves the name (CONNECT host:443). */
  if (c->setup.proxy || c->own->endpoint.is_address) {
    c->upload_resolved = true;
    return EP_OK;
  }
  return ep_resolver_lookup(run->resolver, c->own->endpoint.host,
                            on_upload_lookup, c, now, err);
}

/* The train goes first, so that its round trips are the idle link's. */
static bool
upload_may_go(const struct uplink_ctx *c, struct timespec now)
{
  if (!c->upload_now || c->upload || c->upload_failed || !c->upload_resolved)
    return false;
  return !c->train || ep_uplink_train_done(c->train) ||
         c->train_failure[0] || ep_time_reached(now, c->upload_latest);
}

static void
start_upload(struct uplink_ctx *c, struct timespec now)
{
  struct ep_err err;

  ep_err_clear(&err);
  c->setup.resolve = c->resolve[0] ? c->resolve : NULL;
  if (!(c->upload = ep_uplink_upload_new(&c->setup, &err))) {
    snprintf(c->result.error, sizeof c->result.error, "%s", err.msg);
    c->upload_failed = true;
    return;
  }
  ep_uplink_upload_start(c->upload, now, c->run->deadline);
}

static enum ep_status
uplink_pollset(struct ep_probe *p, struct ep_pollset *ps, struct timespec now)
{
  struct uplink_ctx *c = p->ctx;

  if ((c->train && ep_uplink_train_pollset(c->train, ps) != EP_OK) ||
      ep_uplink_link_pollset(c->link, ps) != EP_OK)
    return EP_ENOMEM;
  if (c->upload)
    return ep_uplink_upload_pollset(c->upload, ps);
  if (c->upload_now && !c->upload_failed && c->upload_resolved)
    ep_pollset_wake_at(ps, upload_may_go(c, now) ? now : c->upload_latest);
  return EP_OK;
}

static void
uplink_on_ready(struct ep_probe *p, const struct ep_pollset *ps,
                struct timespec now)
{
  struct uplink_ctx *c = p->ctx;

  if (c->train)
    ep_uplink_train_on_ready(c->train, ps, now);
  ep_uplink_link_on_ready(c->link, ps, now);
  if (upload_may_go(c, now))
    start_upload(c, now);
  else if (c->upload)
    ep_uplink_upload_on_ready(c->upload, ps, now);
}

static bool
uplink_done(const struct ep_probe *p)
{
  const struct uplink_ctx *c = p->ctx;
  bool train = !c->train || c->train_failure[0] ||
               (ep_uplink_train_started(c->train) &&
                ep_uplink_train_done(c->train));
  bool upload = !c->upload_now || c->upload_failed ||
                (c->upload && ep_uplink_upload_done(c->upload));

  return train && upload && ep_uplink_link_done(c->link);
}

/* This run's upload, or a daemon's last one, into f. */
static void
upload_findings(struct uplink_ctx *c, struct timespec now,
                struct ep_uplink_findings *f)
{
  const struct uplink_own *own = c->own;

  f->not_measured = own->not_measured;
  f->endpoint = own->url ? c->endpoint : NULL;
  f->proxy = c->setup.proxy;
  if (!c->upload_now) {
    if (c->memo && c->memo->have) {
      f->upload = &c->memo->result;
      f->age = ep_time_diff(now, c->memo->at);
    }
    return;
  }
  if (c->upload)
    ep_uplink_upload_result(c->upload, now, &c->result);
  else
    c->result.outcome = EP_UPLOAD_FAILED;
  if (c->result.outcome == EP_UPLOAD_FAILED && !c->result.error[0])
    snprintf(c->result.error, sizeof c->result.error,
             "the run's timeout came before it could start (-t)");
  f->upload = &c->result;
  /* A daemon keeps what it measured (a failure is tried again next run). */
  if (c->memo && c->result.outcome != EP_UPLOAD_FAILED) {
    c->memo->have = true;
    c->memo->at = now;
    c->memo->result = c->result;
  }
}

static enum ep_status
uplink_finish(struct ep_probe *p, struct ep_check_result *out,
              struct ep_err *err)
{
  struct uplink_ctx        *c = p->ctx;
  struct ep_uplink_findings f;
  struct timespec           now = ep_time_now();

  memset(&f, 0, sizeof f);
  ep_uplink_link_findings(c->link, &f.link);
  f.need = c->own->need;
  f.capacity_mode = c->own->capacity_mode;
  upload_findings(c, now, &f);
  if (c->train && ep_uplink_train_started(c->train)) {
    f.train_server = c->train_server;
    ep_uplink_train_result(c->train, &f.train);
  } else {
    f.train_name = c->own->train_name;
    f.train_unresolved = c->train && !c->train_socket_failed;
    f.train_failure = c->train_failure[0] ? c->train_failure
                      : c->train ? "the run's timeout came before any "
                                   "resolver answered"
                                 : "no name to ask (the profile has no "
                                   "HTTPS targets or DNS names)";
  }
  return ep_uplink_report(&f, &c->own->limits, out, err);
}

static void
uplink_destroy(struct ep_probe *p)
{
  struct uplink_ctx *c;

  if (!p)
    return;
  if ((c = p->ctx)) {
    ep_uplink_upload_free(c->upload);
    ep_uplink_train_free(c->train);
    ep_uplink_link_free(c->link);
    free(c->ca.data);
    free(c->proxy_ca.data);
    ep_secret_wipe(&c->proxy_secret);
    ep_secret_wipe(&c->auth);
    free(c);
  }
  free(p);
}

static const struct ep_probe_ops uplink_ops = {
  "uplink", uplink_start, uplink_pollset, uplink_on_ready, uplink_done,
  uplink_finish, uplink_destroy,
};

static void
memo_release(void *memo)
{
  free(memo);
}

/* A daemon's memory of its last upload (NULL: none, or a check plugin,
 * which uploads every run). */
static struct uplink_memo *
kept_memo(const struct ep_config *cfg)
{
  struct uplink_memo *m;

  if (!cfg->memory)
    return NULL;
  if ((m = ep_memory_get(cfg->memory, &ep_uplink_kind)))
    return m;
  if (!(m = calloc(1, sizeof *m)) ||
      ep_memory_keep(cfg->memory, &ep_uplink_kind, m, memo_release) != EP_OK)
    return NULL;
  return m;
}

static bool
upload_due(const struct uplink_own *own, const struct uplink_memo *m)
{
  if (!own->url || own->not_measured)
    return false;
  return !m || !m->have ||
         ep_time_diff(ep_time_now(), m->at) >= own->upload_interval;
}

static enum ep_status
load_blob(struct curl_blob *blob, const char *path, const char *what,
          struct ep_err *err)
{
  char  *pem;
  size_t len;

  if (!path)
    return EP_OK;
  if (ep_tls_ca_load(path, what, &pem, &len, err) != EP_OK)
    return EP_EINVAL;
  blob->data = pem;
  blob->len = len;
  blob->flags = CURL_BLOB_NOCOPY; /* ours outlives the handle */
  return EP_OK;
}

/* Everything the upload reads from files, read now: a bad one is a
 * configuration error before anything is sent. */
static enum ep_status
upload_setup(struct uplink_ctx *c, const struct ep_config *cfg,
             struct ep_err *err)
{
  const struct uplink_own       *own = c->own;
  struct ep_uplink_upload_setup *s = &c->setup;
  const struct ep_secret        *proxy_secret;

  if (load_blob(&c->ca, cfg->cafile,
                cfg->cafile_what ? cfg->cafile_what : "--cacert",
                err) != EP_OK ||
      (cfg->proxy_url &&
       load_blob(&c->proxy_ca, cfg->proxy_cacert,
                 cfg->proxy_cacert_what ? cfg->proxy_cacert_what
                                        : "--proxy-cacert",
                 err) != EP_OK) ||
      ep_config_proxy_secret(cfg, &c->proxy_secret, &proxy_secret, err) !=
        EP_OK)
    return EP_EINVAL;
  if (own->auth_kept)
    c->auth = own->auth;
  else if (own->auth_file &&
           ep_secret_load(own->auth_file, "upload credentials", &c->auth,
                          err) != EP_OK)
    return EP_EINVAL;
  s->url = own->url;
  s->iface = cfg->has_iface ? &cfg->iface : NULL;
  s->ca = c->ca.data ? &c->ca : NULL;
  s->proxy = cfg->proxy_url;
  s->proxy_ca = c->proxy_ca.data ? &c->proxy_ca : NULL;
  s->proxy_secret = proxy_secret == &c->proxy_secret ? &c->proxy_secret
                                                     : proxy_secret;
  s->auth = own->auth_file ? &c->auth : NULL;
  s->rate_bps = own->capacity_mode ? 0
                                   : own->need.bps * own->limits.headroom;
  s->seconds = own->upload_seconds;
  ep_hostport_format(&own->endpoint, c->endpoint, sizeof c->endpoint);
  return EP_OK;
}

static struct ep_probe *
uplink_create(const struct ep_config *cfg, const struct ep_check_config *cc,
              struct ep_err *err)
{
  const struct uplink_own *own = cc->own;
  struct ep_probe         *p;
  struct uplink_ctx       *c;
  void                    *targets;

  if (!(p = ep_probe_alloc(&uplink_ops, sizeof *c, 0, 1, &targets, err)))
    return NULL;
  free(targets); /* its one target is made from the findings at the end */
  c = p->ctx;
  c->own = own;
  c->cfg = cfg;
  c->memo = kept_memo(cfg);
  c->upload_now = upload_due(own, c->memo);
  if (own->url)
    ep_hostport_format(&own->endpoint, c->endpoint, sizeof c->endpoint);
  if (!(c->link = ep_uplink_link_new(
          &(struct ep_uplink_link_setup){
            .endpoints = (const char *const *)own->endpoints.v,
            .n_endpoints = own->endpoints.n,
            .company_ifname = cfg->has_iface ? cfg->iface.name : NULL,
            .machine_ifname = own->machine_ifname},
          err)) ||
      (own->train_name &&
       !(c->train = ep_uplink_train_new(
           own->train_name, (size_t)own->train_queries,
           own->train_interval_ms / 1000.0, TRAIN_WAIT,
           cfg->has_iface ? &cfg->iface : NULL, err))) ||
      /* Its files are read (checked) whether it uploads this run or not. */
      (own->url && upload_setup(c, cfg, err) != EP_OK)) {
    uplink_destroy(p);
    return NULL;
  }
  return p;
}

/* A whole number: the setting when given, else the profile's. */
static int
number_setting(const struct ep_settings *s, const struct ep_option *o,
               int profile_value)
{
  const char *v = ep_settings_value(s, o, NULL);

  return v ? atoi(v) : profile_value;
}

/* The need: --machines (and --high-data-machines), else the profile's
 * uplink.machines, else its machines counted by protocol. */
static enum ep_status
need_settings(struct ep_config *cfg, struct uplink_own *own,
              const struct ep_uplink_profile *p, const struct ep_settings *s,
              struct ep_err *err)
{
  const struct ep_tcp_profile *listed =
    ep_profile_part(cfg->profile, &ep_tcp_section);
  int    machines = number_setting(s, &ep_uplink_option_machines, p->machines);
  int    high = number_setting(s, &ep_uplink_option_high_data,
                               p->high_data_machines);
  size_t i;

  if (machines < 0) {
    unsigned n = 0, n_high = 0;

    for (i = 0; listed && i < listed->n_machines; i++) {
      n++;
      n_high += ep_uplink_high_data_protocol(listed->machines[i].protocol);
    }
    ep_uplink_need_of(n, n_high, true, &own->need);
    return EP_OK;
  }
  if (high > machines)
    return ep_err_set(err, EP_EINVAL,
                      "%s: %d high-data machines of %d machines (uplink."
                      "high_data_machines is more than uplink.machines)",
                      cfg->profile->name, high, machines);
  ep_uplink_need_of((unsigned)machines, (unsigned)high, false, &own->need);
  return EP_OK;
}

static enum ep_status
limit_settings(struct uplink_own *own, const struct ep_uplink_profile *p,
               const struct ep_settings *s, struct ep_err *err)
{
  struct ep_uplink_limits *l = &own->limits;
  const char *headroom = ep_settings_value(s, &ep_uplink_option_headroom,
                                           NULL);

  l->headroom = headroom ? strtod(headroom, NULL)
                : p->headroom >= 1 ? p->headroom
                                   : 4;
  if (ep_range_parse(&l->jitter_warn, p->jitter_warning,
                     "profile uplink.jitter_warning", err) != EP_OK ||
      ep_range_parse(&l->jitter_crit, p->jitter_critical,
                     "profile uplink.jitter_critical", err) != EP_OK ||
      ep_range_parse(&l->rtt_warn, p->rtt_warning,
                     "profile uplink.rtt_warning", err) != EP_OK ||
      ep_range_parse(&l->rtt_crit, p->rtt_critical,
                     "profile uplink.rtt_critical", err) != EP_OK ||
      ep_range_parse(&l->queue_warn, p->queue_warning,
                     "profile uplink.queue_warning", err) != EP_OK ||
      ep_range_parse(&l->queue_crit, p->queue_critical,
                     "profile uplink.queue_critical", err) != EP_OK ||
      ep_uplink_dbm_range(p->signal_warning, "profile uplink.signal_warning",
                          &l->link.signal_warn, err) != EP_OK ||
      ep_uplink_dbm_range(p->signal_critical,
                          "profile uplink.signal_critical",
                          &l->link.signal_crit, err) != EP_OK ||
      ep_uplink_dbm_range(p->cellular_signal_warning,
                          "profile uplink.cellular_signal_warning",
                          &l->link.cell_signal_warn, err) != EP_OK ||
      ep_uplink_dbm_range(p->cellular_signal_critical,
                          "profile uplink.cellular_signal_critical",
                          &l->link.cell_signal_crit, err) != EP_OK)
    return EP_EINVAL;
  l->link.allow_cellular = p->allow_cellular;
  return EP_OK;
}

/* The URL's host and port (443 unless it says), for the resolver and
 * for words: never its path or query, which may hold a signature. */
static enum ep_status
url_endpoint(const char *url, struct ep_hostport *hp, struct ep_err *err)
{
  CURLU    *u = curl_url();
  char     *host = NULL, *port = NULL, text[EP_HOST_MAX + 16];
  CURLUcode rc;

  if (!u)
    return ep_err_set(err, EP_ENOMEM, "out of memory");
  rc = curl_url_set(u, CURLUPART_URL, url, 0);
  if (rc == CURLUE_OK)
    rc = curl_url_get(u, CURLUPART_HOST, &host, 0);
  if (rc == CURLUE_OK)
    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT);
  if (rc == CURLUE_OK)
    snprintf(text, sizeof text, "%s:%s", host, port ? port : "443");
  curl_free(host);
  curl_free(port);
  curl_url_cleanup(u);
  if (rc != CURLUE_OK)
    return ep_err_set(err, EP_EINVAL, "upload URL: %s",
                      curl_url_strerror(rc));
  return ep_hostport_parse(text, 443, "upload URL", hp, err);
}

/* The upload: its URL (checked), credentials, length and interval. */
static enum ep_status
upload_settings(struct uplink_own *own, const struct ep_uplink_profile *p,
                const struct ep_settings *s, bool only, struct ep_err *err)
{
  const char *what = "profile uplink.upload_url";
  const char *url = ep_settings_value(s, &ep_uplink_option_upload_url, &what);
  const char *auth = ep_settings_value(s, &ep_uplink_option_auth_file, NULL);
  const char *why;

  url = url ? url : p->upload_url;
  own->upload_seconds = number_setting(s, &ep_uplink_option_seconds,
                                       p->upload_seconds);
  own->upload_interval = number_setting(s, &ep_uplink_option_interval,
                                        p->upload_interval);
  own->capacity_mode = only && ep_settings_value(s, &ep_uplink_option_capacity,
                                                 NULL);
  if (!url) {
    own->not_measured = "no upload URL";
    return EP_OK;
  }
  if ((why = ep_uplink_url_problem(url)))
    return ep_err_set(err, EP_EINVAL, "%s '%.*s': %s", what,
                      strchr(url, '@') ? 0 : (int)strcspn(url, "?#"), url,
                      why);
  auth = auth ? auth : p->auth_file;
  if (ep_config_set_string(&own->url, url, err) != EP_OK ||
      (auth && ep_config_set_string(&own->auth_file, auth, err) != EP_OK))
    return EP_ENOMEM;
  if (url_endpoint(url, &own->endpoint, err) != EP_OK)
    return EP_EINVAL;
  if (own->need.bps <= 0 && !own->capacity_mode)
    own->not_measured = "nothing to pace the upload at";
  return EP_OK;
}

/* The name the DNS train asks for: one the plant needs (the first HTTPS
 * target's, else the upload's host, else the first of dns.names), which
 * the resolver has cached. */
static enum ep_status
train_name(struct ep_config *cfg, struct uplink_own *own, struct ep_err *err)
{
  const struct ep_https_profile *https =
    ep_profile_part(cfg->profile, &ep_https_section);
  const struct ep_dns_profile *dns =
    ep_profile_part(cfg->profile, &ep_dns_section);
  struct ep_hostport hp;
  size_t             i;

  for (i = 0; https && i < https->targets.n; i++)
    if (ep_hostport_parse(https->targets.v[i], 443, "target", &hp, NULL) ==
          EP_OK &&
        !hp.is_address)
      return ep_config_set_string(&own->train_name, hp.host, err);
  if (own->url && !own->endpoint.is_address)
    return ep_config_set_string(&own->train_name, own->endpoint.host, err);
  for (i = 0; dns && i < dns->names.n; i++)
    if (!ep_addr_is_literal(dns->names.v[i].name))
      return ep_config_set_string(&own->train_name, dns->names.v[i].name,
                                  err);
  return EP_OK;
}

/* An endpoint's host into l, once. */
static enum ep_status
add_endpoint(struct ep_strlist *l, const char *text, unsigned port,
             struct ep_err *err)
{
  struct ep_hostport hp;

  if (ep_hostport_parse(text, port, "endpoint", &hp, NULL) != EP_OK ||
      ep_strlist_find(l, hp.host) >= 0 || l->n >= EP_UPLINK_ENDPOINTS_MAX)
    return EP_OK;
  if (ep_strlist_add(l, hp.host) != EP_OK)
    return ep_err_set(err, EP_ENOMEM, "out of memory");
  return EP_OK;
}

/* Where the cloud traffic goes: to the proxy when there is one (it
 * carries HTTPS and the upload), else to the HTTPS targets and the
 * upload's host; to the NATS endpoints either way. */
static enum ep_status
cloud_endpoints(struct ep_config *cfg, struct uplink_own *own,
                struct ep_err *err)
{
  const struct ep_https_profile *https =
    ep_profile_part(cfg->profile, &ep_https_section);
  const struct ep_nats_profile *nats =
    ep_profile_part(cfg->profile, &ep_nats_section);
  struct ep_hostport proxy;
  enum ep_status     rc = EP_OK;
  size_t             i;

  if (cfg->proxy_url && url_endpoint(cfg->proxy_url, &proxy, NULL) == EP_OK) {
    rc = add_endpoint(&own->endpoints, proxy.host, proxy.port, err);
  } else {
    for (i = 0; rc == EP_OK && https && i < https->targets.n; i++)
      rc = add_endpoint(&own->endpoints, https->targets.v[i], 443, err);
    if (rc == EP_OK && own->url)
      rc = add_endpoint(&own->endpoints, own->endpoint.host, 443, err);
  }
  for (i = 0; rc == EP_OK && nats && i < nats->targets.n; i++)
    rc = add_endpoint(&own->endpoints, nats->targets.v[i], 7422, err);
  return rc;
}

/* The machine network's NIC (--machine-interface, else the profile's):
 * the cloud must not leave by it.  One that does not exist is a usage
 * error of this check alone; in the whole checklist the machines check
 * says so, once. */
static enum ep_status
machine_nic(struct ep_config *cfg, struct uplink_own *own,
            const struct ep_settings *s, bool only, struct ep_err *err)
{
  const char     *what = "profile machine_interface";
  const char     *name = ep_settings_value(s, &ep_tcp_option_machine_interface,
                                           &what);
  struct ep_iface iface;
  struct ep_err   why = EP_ERR_INIT;

  if (!name)
    name = cfg->profile->machine_interface;
  if (!name)
    return EP_OK;
  if (ep_iface_resolve(name, &iface, &why) != EP_OK && !only)
    return EP_OK;
  if (why.code != EP_OK)
    return ep_err_set(err, EP_EINVAL, "%s: %s", what,
                      strncmp(why.msg, "-I: ", 4) == 0 ? why.msg + 4
                                                       : why.msg);
  return ep_config_set_string(&own->machine_ifname, iface.name, err);
}

static void
uplink_release(void *p)
{
  struct uplink_own *own = p;

  if (!own)
    return;
  free(own->url);
  free(own->auth_file);
  free(own->train_name);
  ep_strlist_free(&own->endpoints);
  free(own->machine_ifname);
  ep_secret_wipe(&own->auth);
  free(own);
}

static enum ep_status
uplink_configure(struct ep_config *cfg, struct ep_check_config *cc,
                 const struct ep_settings *s, bool only, struct ep_err *err)
{
  const struct ep_uplink_profile *p = ep_config_part(cfg, &ep_uplink_kind);
  struct uplink_own              *own;

  if (only && s->hosts.n)
    return ep_err_set(err, EP_EINVAL,
                      "%s: the uplink check has no targets (its upload goes "
                      "to --upload-url, its DNS train to the resolver that "
                      "answers)", ep_settings_names(s)->hosts);
  if (!(own = cc->own = calloc(1, sizeof *own)))
    return ep_err_set(err, EP_ENOMEM, "out of memory");
  own->train_queries = p->train_queries;
  own->train_interval_ms = p->train_interval_ms;
  if (need_settings(cfg, own, p, s, err) != EP_OK ||
      limit_settings(own, p, s, err) != EP_OK ||
      upload_settings(own, p, s, only, err) != EP_OK ||
      train_name(cfg, own, err) != EP_OK ||
      ep_config_cacert(cfg, s, err) != EP_OK ||
      ep_config_proxy(cfg, s, err) != EP_OK ||
      cloud_endpoints(cfg, own, err) != EP_OK ||
      machine_nic(cfg, own, s, only, err) != EP_OK ||
      ep_config_thresholds(cc, s, only, p->warning, p->critical, err) !=
        EP_OK)
    return err ? err->code : EP_EINVAL;
  own->limits.loss_warn = cc->warn;
  own->limits.loss_crit = cc->crit;
  cc->wanted = true;
  return EP_OK;
}

static enum ep_status
uplink_keep_secrets(struct ep_check_config *cc, struct ep_err *err)
{
  struct uplink_own *own = cc->own;

  if (!own || !own->auth_file || !own->url)
    return EP_OK;
  if (ep_secret_load(own->auth_file, "upload credentials", &own->auth, err) !=
      EP_OK)
    return EP_EINVAL;
  own->auth_kept = true;
  return EP_OK;
}

static enum ep_status
uplink_global_init(struct ep_err *err)
{
  CURLcode rc = curl_global_init(CURL_GLOBAL_DEFAULT);

  if (rc != CURLE_OK)
    return ep_err_set(err, EP_ELIB, "cannot initialise libcurl: %s",
                      curl_easy_strerror(rc));
  return EP_OK;
}

const struct ep_probe_kind ep_uplink_kind = {
  .name = "uplink",
  .title = "UPLINK",
  .noun = "uplinks",
  .uses_proxy = true,
  .section = &ep_uplink_section,
  .doc = &ep_uplink_doc,
  .report = &ep_uplink_reporting,
  .figures = ep_uplink_figures,
  .mib = &ep_uplink_mib,
  /* A train of queries to the resolver at most every 10 s; the
   * upload keeps its own, longer interval. */
  .min_interval = 10,
  .configure = uplink_configure,
  .release = uplink_release,
  .keep_secrets = uplink_keep_secrets,
  .create = uplink_create,
  .global_init = uplink_global_init,
  .global_cleanup = curl_global_cleanup,
};
