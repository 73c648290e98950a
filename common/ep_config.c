#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "ep_addr.h"
#include "ep_config.h"

void
ep_config_init(struct ep_config *cfg)
{
  memset(cfg, 0, sizeof *cfg);
}

void
ep_config_cleanup(struct ep_config *cfg)
{
  ep_profile_free(cfg->profile);
  free(cfg->cafile);
  free(cfg->nats_auth_file);
  free(cfg->proxy_url);
  free(cfg->proxy_auth_file);
  free(cfg->proxy_cacert);
  ep_config_init(cfg);
}

static enum ep_status
replace_string(char **field, const char *value, struct ep_err *err)
{
  char *s = strdup(value);

  if (!s)
    return ep_err_set(err, EP_ENOMEM, "out of memory");
  free(*field);
  *field = s;
  return EP_OK;
}

static enum ep_status
copy_list(struct ep_strlist *to, const struct ep_strlist *from,
          struct ep_err *err)
{
  size_t i;

  ep_strlist_free(to);
  for (i = 0; i < from->n; i++)
    if (ep_strlist_add(to, from->v[i]) != EP_OK)
      return ep_err_set(err, EP_ENOMEM, "out of memory");
  return EP_OK;
}

/* -H for dns: names, each expecting the -a addresses. */
static enum ep_status
dns_hosts(struct ep_profile *p, const struct ep_cli *cli, struct ep_err *err)
{
  struct ep_dns_name *names;
  size_t              i;

  for (i = 0; i < cli->hosts.n; i++)
    if (ep_hostname_check(cli->hosts.v[i], "-H", err) != EP_OK)
      return EP_EINVAL;
  names = calloc(cli->hosts.n, sizeof *names);
  if (!names)
    return ep_err_set(err, EP_ENOMEM, "out of memory");
  for (i = 0; i < p->dns.n_names; i++) {
    free(p->dns.names[i].name);
    ep_strlist_free(&p->dns.names[i].expect);
  }
  free(p->dns.names);
  p->dns.names = names;
  p->dns.n_names = cli->hosts.n;
  for (i = 0; i < cli->hosts.n; i++) {
    if (!(names[i].name = strdup(cli->hosts.v[i])) ||
        copy_list(&names[i].expect, &cli->expect_addresses, err) != EP_OK)
      return ep_err_set(err, EP_ENOMEM, "out of memory");
  }
  /* The names given are the whole target list. */
  ep_strlist_free(&p->ntp.servers);
  ep_strlist_free(&p->https.targets);
  ep_strlist_free(&p->nats.targets);
  free(p->proxy.url);
  p->proxy.url = NULL;
  return EP_OK;
}


/* -H for a HOST[:PORT] check: the targets given replace the profile's. */
static enum ep_status
hostport_targets(struct ep_strlist *targets, const struct ep_strlist *hosts,
                 unsigned default_port, struct ep_err *err)
{
  struct ep_hostport hp;
  size_t             i;

  for (i = 0; i < hosts->n; i++)
    if (ep_hostport_parse(hosts->v[i], default_port, "-H", &hp, err) != EP_OK)
      return EP_EINVAL;
  return copy_list(targets, hosts, err);
}

static enum ep_status
thresholds(struct ep_config *cfg, const struct ep_cli *cli,
           const char *profile_warn, const char *profile_crit,
           struct ep_err *err)
{
  if (ep_range_parse(&cfg->warn, cli->warning ? cli->warning : profile_warn,
                     cli->warning ? "-w" : "profile warning", err) != EP_OK)
    return EP_EINVAL;
  if (ep_range_parse(&cfg->crit, cli->critical ? cli->critical : profile_crit,
                     cli->critical ? "-c" : "profile critical", err) != EP_OK)
    return EP_EINVAL;
  return EP_OK;
}

/* what names where the URL came from: "--proxy", "https_proxy
 * (environment)". */
static enum ep_status
check_proxy_url(const char *url, const char *what, struct ep_err *err)
{
  const char *why = ep_proxy_url_problem(url);

  if (!why)
    return EP_OK;
  if (strncmp(why, "credentials", 11) == 0)
    return ep_err_set(err, EP_EINVAL, "%s: %s; use --proxy-auth-file", what,
                      why);
  return ep_err_set(err, EP_EINVAL, "%s: %s", what, why);
}

char *
ep_config_env_proxy(bool *had_credentials)
{
  const char *v = getenv("https_proxy");
  const char *scheme_end, *at, *host;
  char       *url;
  size_t      slen;

  *had_credentials = false;
  if (!v || !*v)
    v = getenv("HTTPS_PROXY");
  if (!v || !*v)
    return NULL;
  scheme_end = strstr(v, "://");
  host = scheme_end ? scheme_end + 3 : v;
  at = strchr(host, '@');
  if (at && (!strchr(host, '/') || at < strchr(host, '/'))) {
    *had_credentials = true;
    host = at + 1;
  }
  slen = scheme_end ? (size_t)(scheme_end - v) + 3 : 0;
  /* curl's rule: a proxy without a scheme is an http:// one. */
  if (!(url = malloc((slen ? slen : 7) + strlen(host) + 1)))
    return NULL;
  if (slen)
    memcpy(url, v, slen);
  else
    memcpy(url, "http://", slen = 7);
  strcpy(url + slen, host);
  return url;
}

/* --cacert, or the profile's https.cacert (NATS TLS trusts it too). */
static enum ep_status
cacert(struct ep_config *cfg, const struct ep_cli *cli, struct ep_err *err)
{
  const char *path = cli->cacert ? cli->cacert : cfg->profile->https.cacert;

  if (!path)
    return EP_OK;
  cfg->cafile_what = cli->cacert ? "--cacert" : "profile https.cacert";
  return replace_string(&cfg->cafile, path, err);
}

static enum ep_status
https_settings(struct ep_config *cfg, const struct ep_cli *cli,
               struct ep_err *err)
{
  struct ep_profile *p = cfg->profile;
  bool               creds;

  if (cli->hosts.n &&
      hostport_targets(&p->https.targets, &cli->hosts, 443, err) != EP_OK)
    return EP_EINVAL;
  if (p->https.targets.n == 0)
    return ep_err_set(err, EP_EINVAL, "%s: no HTTPS targets (https.targets "
                                      "or -H)", p->name);
  if (cli->expect_issuers.n &&
      copy_list(&p->https.expect_issuers, &cli->expect_issuers, err) != EP_OK)
    return EP_ENOMEM;
  cfg->cert_warn_days = cli->cert_warning_days >= 0
                          ? cli->cert_warning_days
                          : p->https.cert_warning_days;
  cfg->cert_crit_days = cli->cert_critical_days >= 0
                          ? cli->cert_critical_days
                          : p->https.cert_critical_days;
  if (cfg->cert_crit_days > cfg->cert_warn_days)
    return ep_err_set(err, EP_EINVAL,
                      "certificate days: critical (%d) must not be more than "
                      "warning (%d)", cfg->cert_crit_days, cfg->cert_warn_days);
  if (cacert(cfg, cli, err) != EP_OK)
    return EP_ENOMEM;
  if (p->proxy.url) {
    if (replace_string(&cfg->proxy_url, p->proxy.url, err) != EP_OK)
      return EP_ENOMEM;
  } else if ((cfg->proxy_url = ep_config_env_proxy(&creds)) != NULL) {
    cfg->proxy_from_env = true;
    cfg->proxy_env_credentials = creds;
    if (check_proxy_url(cfg->proxy_url,
                        getenv("https_proxy") && *getenv("https_proxy")
                          ? "https_proxy (environment)"
                          : "HTTPS_PROXY (environment)",
                        err) != EP_OK)
      return EP_EINVAL;
  }
  if ((cli->proxy_auth_file || p->proxy.auth_file) &&
      replace_string(&cfg->proxy_auth_file,
                     cli->proxy_auth_file ? cli->proxy_auth_file
                                          : p->proxy.auth_file,
                     err) != EP_OK)
    return EP_ENOMEM;
  if ((cli->proxy_cacert || p->proxy.cacert) &&
      replace_string(&cfg->proxy_cacert,
                     cli->proxy_cacert ? cli->proxy_cacert : p->proxy.cacert,
                     err) != EP_OK)
    return EP_ENOMEM;
  cfg->proxy_cacert_what =
    cli->proxy_cacert ? "--proxy-cacert" : "profile proxy.cacert";
  if ((cfg->proxy_auth_file || cfg->proxy_cacert) && !cfg->proxy_url)
    return ep_err_set(err, EP_EINVAL, "%s given, but no proxy (--proxy, "
                                      "proxy.url or https_proxy)",
                      cfg->proxy_auth_file ? "proxy credentials"
                                           : "a proxy CA");
  return thresholds(cfg, cli, p->https.warning, p->https.critical, err);
}

enum ep_status
ep_config_from_cli(struct ep_config *cfg, const struct ep_cli *cli,
                   enum ep_check_kind check, struct ep_err *err)
{
  struct ep_profile *p;
  const char        *iface;

  p = cfg->profile = ep_profile_load(cli->profile ? cli->profile : "standard",
                                     err);
  if (!p)
    return err ? err->code : EP_EINVAL;
  cfg->format = cli->format;
  cfg->verbose = cli->verbose;
  cfg->timeout = cli->timeout > 0 ? cli->timeout : p->timeout;
  if (cli->dns_servers.n &&
      copy_list(&p->dns.servers, &cli->dns_servers, err) != EP_OK)
    return EP_ENOMEM;
  if (cli->fallback && replace_string(&p->dns.fallback, cli->fallback, err))
    return EP_ENOMEM;
  if (cli->proxy) {
    if (check_proxy_url(cli->proxy, "--proxy", err) != EP_OK)
      return EP_EINVAL;
    if (replace_string(&p->proxy.url, cli->proxy, err) != EP_OK)
      return EP_ENOMEM;
  }
  iface = cli->interface ? cli->interface : p->interface;
  if (iface) {
    if (ep_iface_resolve(iface, &cfg->iface, err) != EP_OK)
      return EP_EINVAL;
    cfg->has_iface = true;
  }
  switch (check) {
    case EP_CHECK_DNS:
      if (cli->hosts.n && dns_hosts(p, cli, err) != EP_OK)
        return EP_EINVAL;
      return thresholds(cfg, cli, p->dns.warning, p->dns.critical, err);
    case EP_CHECK_NTP:
      if (cli->hosts.n &&
          hostport_targets(&p->ntp.servers, &cli->hosts, 123, err) != EP_OK)
        return EP_EINVAL;
      if (p->ntp.servers.n == 0)
        return ep_err_set(err, EP_EINVAL, "%s: no NTP servers (ntp.servers "
                                          "or -H)", p->name);
      cfg->samples = cli->samples ? cli->samples : p->ntp.samples;
      return thresholds(cfg, cli, p->ntp.warning, p->ntp.critical, err);
    case EP_CHECK_HTTPS:
      return https_settings(cfg, cli, err);
    case EP_CHECK_NATS:
      if (cli->hosts.n &&
          hostport_targets(&p->nats.targets, &cli->hosts, 7422, err) != EP_OK)
        return EP_EINVAL;
      if (p->nats.targets.n == 0)
        return ep_err_set(err, EP_EINVAL, "%s: no NATS targets (nats.targets "
                                          "or -H)", p->name);
      if (cacert(cfg, cli, err) != EP_OK)
        return EP_ENOMEM;
      if ((cli->nats_auth_file || p->nats.auth_file) &&
          replace_string(&cfg->nats_auth_file,
                         cli->nats_auth_file ? cli->nats_auth_file
                                             : p->nats.auth_file,
                         err) != EP_OK)
        return EP_ENOMEM;
      return thresholds(cfg, cli, p->nats.warning, p->nats.critical, err);
  }
  return EP_OK;
}
