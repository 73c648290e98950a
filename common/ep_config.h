/* The settings of one run: a profile with the command line (or a front
 * end's own configuration) laid over it, checked before anything is sent. */
#ifndef EP_CONFIG_H
#define EP_CONFIG_H

#include <stdbool.h>

#include "ep_cli.h"
#include "ep_iface.h"
#include "ep_profile.h"
#include "ep_range.h"

/* The checks of this release. */
enum ep_check_kind { EP_CHECK_DNS, EP_CHECK_NTP, EP_CHECK_HTTPS,
                     EP_CHECK_NATS };

struct ep_config {
  struct ep_profile *profile; /* owned; overrides already applied */
  double             timeout;
  bool               has_iface;
  struct ep_iface    iface;
  struct ep_range    warn, crit; /* on the check's main figure */
  int                samples;    /* ntp: per address */
  char              *cafile;     /* https, nats: NULL for the system store */
  /* Where each file came from, to name it in messages: "--cacert" or
   * "profile https.cacert", ... */
  const char        *cafile_what, *proxy_cacert_what;
  char              *nats_auth_file;
  int                cert_warn_days, cert_crit_days; /* https */
  /* https: the proxy (profile.proxy.url after --proxy, or https_proxy
   * from the environment with any credentials stripped), NULL for none. */
  char              *proxy_url;
  bool               proxy_from_env;
  bool               proxy_env_credentials; /* stripped from https_proxy */
  char              *proxy_auth_file, *proxy_cacert;
  enum ep_format     format;
  int                verbose;
};

void ep_config_init(struct ep_config *cfg);
void ep_config_cleanup(struct ep_config *cfg);

/* The proxy URL of https_proxy (or HTTPS_PROXY) with any "user:pass@"
 * removed, in a new string; NULL when neither is set or on no memory.
 * *had_credentials tells whether some were removed. */
char *ep_config_env_proxy(bool *had_credentials);

/* Loads the profile the command line names (standard by default) and lays
 * the options over it for the given check: -D replaces dns.servers, -H the
 * check's targets (with -a, dns.names' expected addresses), -w/-c the
 * check's thresholds.  EP_EINVAL with one line on any bad value. */
enum ep_status ep_config_from_cli(struct ep_config *cfg, const struct ep_cli *cli,
                                  enum ep_check_kind check, struct ep_err *err);

#endif
