#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "ep_addr.h"
#include "ep_config.h"
#include "ep_probe.h"

void
ep_config_init(struct ep_config *cfg)
{
  memset(cfg, 0, sizeof *cfg);
}

void
ep_config_cleanup(struct ep_config *cfg)
{
  size_t i;

  for (i = 0; i < cfg->n_checks; i++)
    if (cfg->checks[i].own && cfg->checks[i].kind->release)
      cfg->checks[i].kind->release(cfg->checks[i].own);
  free(cfg->checks);
  ep_profile_free(cfg->profile);
  free(cfg->cafile);
  free(cfg->proxy_url);
  free(cfg->proxy_auth_file);
  free(cfg->proxy_cacert);
  if (cfg->proxy_secret)
    ep_secret_wipe(cfg->proxy_secret);
  free(cfg->proxy_secret);
  ep_config_init(cfg);
}

void *
ep_config_part(const struct ep_config *cfg, const struct ep_probe_kind *kind)
{
  return ep_profile_part(cfg->profile, kind->section);
}

struct ep_check_config *
ep_config_check(const struct ep_config *cfg, const struct ep_probe_kind *kind)
{
  size_t i;

  for (i = 0; i < cfg->n_checks; i++)
    if (cfg->checks[i].kind == kind)
      return &cfg->checks[i];
  return NULL;
}

/* Whether a check the run includes goes through the proxy. */
static bool
proxy_used(const struct ep_config *cfg)
{
  size_t i;

  for (i = 0; i < cfg->n_checks; i++)
    if (cfg->checks[i].wanted && cfg->checks[i].kind->uses_proxy)
      return true;
  return false;
}

enum ep_status
ep_config_keep_secrets(struct ep_config *cfg, struct ep_err *err)
{
  const char       *env = getenv("EDGEPROBE_PROXY_AUTH");
  struct ep_secret *s;
  enum ep_status    rc;
  size_t            i;

  for (i = 0; i < cfg->n_checks; i++)
    if (cfg->checks[i].wanted && cfg->checks[i].kind->keep_secrets &&
        cfg->checks[i].kind->keep_secrets(&cfg->checks[i], err) != EP_OK)
      return err ? err->code : EP_EINVAL;
  if (!proxy_used(cfg) || !cfg->proxy_url || cfg->proxy_secret ||
      !(cfg->proxy_auth_file || (env && *env)))
    return EP_OK;
  if (!(s = calloc(1, sizeof *s)))
    return ep_err_set(err, EP_ENOMEM, "out of memory");
  if (cfg->proxy_auth_file)
    rc = ep_secret_load(cfg->proxy_auth_file, "proxy credentials", s, err);
  else
    rc = ep_secret_parse(env, "proxy credentials", "EDGEPROBE_PROXY_AUTH", s,
                         err);
  if (rc != EP_OK) {
    ep_secret_wipe(s);
    free(s);
    return rc;
  }
  cfg->proxy_secret = s;
  return EP_OK;
}

enum ep_status
ep_config_set_string(char **field, const char *value, struct ep_err *err)
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
  /* -H x -H x is one target, as the same entry twice in a profile is. */
  for (i = 0; i < from->n; i++)
    if (ep_strlist_find(to, from->v[i]) < 0 &&
        ep_strlist_add(to, from->v[i]) != EP_OK)
      return ep_err_set(err, EP_ENOMEM, "out of memory");
  return EP_OK;
}

enum ep_status
ep_config_thresholds(struct ep_check_config *c, const struct ep_settings *s,
                     bool only, const char *profile_warn,
                     const char *profile_crit, struct ep_err *err)
{
  const struct ep_setting_names *n = ep_settings_names(s);
  bool                           own_w = only && s->warning;
  bool                           own_c = only && s->critical;

  if (ep_range_parse(&c->warn, own_w ? s->warning : profile_warn,
                     own_w ? n->warning : "profile warning", err) != EP_OK)
    return EP_EINVAL;
  if (ep_range_parse(&c->crit, own_c ? s->critical : profile_crit,
                     own_c ? n->critical : "profile critical", err) != EP_OK)
    return EP_EINVAL;
  return EP_OK;
}

enum ep_status
ep_config_hosts(struct ep_strlist *targets, const struct ep_settings *s,
                bool only, unsigned default_port, struct ep_err *err)
{
  const char        *what = ep_settings_names(s)->hosts;
  struct ep_hostport hp;
  size_t             i;

  if (!only || s->hosts.n == 0)
    return EP_OK;
  for (i = 0; i < s->hosts.n; i++)
    if (ep_hostport_parse(s->hosts.v[i], default_port, what, &hp, err) !=
        EP_OK)
      return EP_EINVAL;
  return copy_list(targets, &s->hosts, err);
}

enum ep_status
ep_config_cacert(struct ep_config *cfg, const struct ep_settings *s,
                 struct ep_err *err)
{
  const char *path = s->cacert ? s->cacert : cfg->profile->cacert;

  if (!path)
    return EP_OK;
  cfg->cafile_what = s->cacert ? ep_settings_names(s)->cacert
                               : "profile https.cacert";
  return ep_config_set_string(&cfg->cafile, path, err);
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

enum ep_status
ep_config_proxy(struct ep_config *cfg, const struct ep_settings *s,
                struct ep_err *err)
{
  const struct ep_setting_names *n = ep_settings_names(s);
  struct ep_profile             *p = cfg->profile;
  bool                           creds;

  if (p->proxy.url) {
    if (ep_config_set_string(&cfg->proxy_url, p->proxy.url, err) != EP_OK)
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
  if ((s->proxy_auth_file || p->proxy.auth_file) &&
      ep_config_set_string(&cfg->proxy_auth_file,
                           s->proxy_auth_file ? s->proxy_auth_file
                                              : p->proxy.auth_file,
                           err) != EP_OK)
    return EP_ENOMEM;
  if ((s->proxy_cacert || p->proxy.cacert) &&
      ep_config_set_string(&cfg->proxy_cacert,
                           s->proxy_cacert ? s->proxy_cacert
                                           : p->proxy.cacert,
                           err) != EP_OK)
    return EP_ENOMEM;
  cfg->proxy_cacert_what =
    s->proxy_cacert ? n->proxy_cacert : "profile proxy.cacert";
  if ((cfg->proxy_auth_file || cfg->proxy_cacert) && !cfg->proxy_url)
    return ep_err_set(err, EP_EINVAL, "%s given, but no proxy (%s, "
                                      "proxy.url or https_proxy)",
                      cfg->proxy_auth_file ? "proxy credentials"
                                           : "a proxy CA",
                      n->proxy);
  return EP_OK;
}

/* What every check shares: the run's timeout, resolvers, interface and
 * proxy URL, each checked as its front end named it. */
static enum ep_status
shared_settings(struct ep_config *cfg, const struct ep_settings *s,
                struct ep_err *err)
{
  const struct ep_setting_names *n = ep_settings_names(s);
  struct ep_profile             *p = cfg->profile;
  struct ep_hostport             hp;
  const char                    *iface;
  size_t                         i;

  cfg->format = s->format;
  cfg->verbose = s->verbose;
  cfg->timeout = s->timeout > 0 ? s->timeout : p->timeout;
  if (s->timeout < 0 || cfg->timeout <= 0 || cfg->timeout > 3600)
    return ep_err_set(err, EP_EINVAL,
                      "%s: %g: the timeout must be more than 0 and at most "
                      "3600 seconds",
                      n->timeout, s->timeout);
  for (i = 0; i < s->dns_servers.n; i++)
    if (ep_addrport_parse(s->dns_servers.v[i], 53, n->dns_servers, &hp,
                          err) != EP_OK)
      return EP_EINVAL;
  if (s->dns_servers.n && copy_list(&p->resolvers, &s->dns_servers, err))
    return EP_ENOMEM;
  if (s->fallback) {
    if (strcmp(s->fallback, "system") != 0 &&
        strcmp(s->fallback, "none") != 0 &&
        ep_addrport_parse(s->fallback, 53, n->fallback, &hp, err) != EP_OK)
      return EP_EINVAL;
    if (ep_config_set_string(&p->fallback, s->fallback, err) != EP_OK)
      return EP_ENOMEM;
  }
  if (s->proxy) {
    if (check_proxy_url(s->proxy, n->proxy, err) != EP_OK)
      return EP_EINVAL;
    if (ep_config_set_string(&p->proxy.url, s->proxy, err) != EP_OK)
      return EP_ENOMEM;
  }
  iface = s->interface ? s->interface : p->interface;
  if (iface) {
    if (ep_iface_resolve(iface, &cfg->iface, err) != EP_OK)
      return EP_EINVAL;
    cfg->has_iface = true;
  }
  return EP_OK;
}

enum ep_status
ep_config_build(struct ep_config *cfg, const struct ep_settings *s,
                const struct ep_section *const *sections,
                const struct ep_probe_kind *const *kinds, size_t n,
                struct ep_err *err)
{
  const struct ep_setting_names *names = ep_settings_names(s);
  size_t                         i, wanted = 0;

  cfg->profile = ep_profile_load(s->profile ? s->profile : "standard",
                                 sections, err);
  if (!cfg->profile)
    return err ? err->code : EP_EINVAL;
  if (n > 1 && (s->hosts.n || s->warning || s->critical))
    return ep_err_set(err, EP_EINVAL,
                      "%s: targets and thresholds of one check are given to "
                      "that check alone; the whole checklist takes them "
                      "from the profile",
                      s->hosts.n     ? names->hosts
                      : s->warning ? names->warning
                                   : names->critical);
  if (shared_settings(cfg, s, err) != EP_OK)
    return err ? err->code : EP_EINVAL;
  if (!(cfg->checks = calloc(n ? n : 1, sizeof *cfg->checks)))
    return ep_err_set(err, EP_ENOMEM, "out of memory");
  cfg->n_checks = n;
  for (i = 0; i < n; i++) {
    cfg->checks[i].kind = kinds[i];
    if (kinds[i]->configure(cfg, &cfg->checks[i], s, n == 1, err) != EP_OK)
      return err ? err->code : EP_EINVAL;
    if (cfg->checks[i].wanted)
      wanted++;
  }
  if (wanted == 0)
    return ep_err_set(err, EP_EINVAL, "%s: nothing to check",
                      cfg->profile->name);
  return EP_OK;
}

enum ep_status
ep_config_proxy_secret(const struct ep_config *cfg, struct ep_secret *secret,
                       const struct ep_secret **use, struct ep_err *err)
{
  const char *env = getenv("EDGEPROBE_PROXY_AUTH");

  *use = NULL;
  if (!cfg->proxy_url)
    return EP_OK;
  if (cfg->proxy_secret) {
    *use = cfg->proxy_secret;
  } else if (cfg->proxy_auth_file) {
    if (ep_secret_load(cfg->proxy_auth_file, "proxy credentials", secret,
                       err) != EP_OK)
      return EP_EINVAL;
    *use = secret;
  } else if (env && *env) {
    if (ep_secret_parse(env, "proxy credentials", "EDGEPROBE_PROXY_AUTH",
                        secret, err) != EP_OK)
      return EP_EINVAL;
    *use = secret;
  }
  return EP_OK;
}
