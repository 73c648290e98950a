/* The settings of one run: a profile with a front end's settings laid
 * over it (the command line's, collectd's block, the subagent's), checked
 * before anything is sent.  Each probe kind takes its own part
 * (ep_probe_kind.configure); what every check shares is here. */
#ifndef EP_CONFIG_H
#define EP_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "ep_iface.h"
#include "ep_profile.h"
#include "ep_range.h"
#include "ep_secret.h"
#include "ep_settings.h"

struct ep_probe_kind;
struct ep_memory;

/* One check of the run: its kind, whether the run includes it, the
 * thresholds on its main figure, and the kind's own configuration. */
struct ep_check_config {
  const struct ep_probe_kind *kind;
  bool                        wanted;
  struct ep_range             warn, crit;
  void                       *own; /* the kind's; its release() frees it */
};

struct ep_config {
  struct ep_profile     *profile; /* owned; settings already applied */
  double                 timeout;
  /* Where the timeout counts from (CLOCK_MONOTONIC): a check plugin's
   * start, so that -t bounds the whole process as Nagios sees it, the
   * profile's loading included.  Zero: each run's own start (collectd,
   * the subagent). */
  struct timespec        counted_from;
  bool                   has_iface;
  struct ep_iface        iface;
  /* One per kind of the build, in the kinds' order. */
  struct ep_check_config *checks;
  size_t                  n_checks;
  /* A long-lived front end's memory between its runs (borrowed), or
   * NULL: each run stands alone. */
  struct ep_memory       *memory;
  char                  *cafile; /* every TLS check's; NULL: the system's */
  /* Where each file came from, to name it in messages: "--cacert" or
   * "profile https.cacert", ... */
  const char            *cafile_what, *proxy_cacert_what;
  /* The proxy (profile.proxy.url after --proxy, or https_proxy from the
   * environment with any credentials stripped), NULL for none. */
  char                  *proxy_url;
  bool                   proxy_from_env;
  bool                   proxy_env_credentials; /* stripped from https_proxy */
  char                  *proxy_auth_file, *proxy_cacert;
  /* The proxy's credentials read once by ep_config_keep_secrets() (a
   * front end that drops its privileges after start), used instead of
   * reading the file on every run; NULL: read when the probe is made. */
  struct ep_secret      *proxy_secret;
  enum ep_format         format;
  int                    verbose;
};

void ep_config_init(struct ep_config *cfg);
void ep_config_cleanup(struct ep_config *cfg);

/* Loads the profile s names (standard by default; sections,
 * NULL-terminated, are every kind's part of it), lays s over it, and
 * lets each of the n kinds take its part: with one kind, the targets
 * (-H), -w and -c are that check's; with several (check_edge, collectd,
 * the subagent), each check takes its targets and thresholds from the
 * profile and a check with nothing to do is left out.  EP_EINVAL with one
 * line on any bad value, before anything is sent. */
enum ep_status ep_config_build(struct ep_config *cfg,
                               const struct ep_settings *s,
                               const struct ep_section *const *sections,
                               const struct ep_probe_kind *const *kinds,
                               size_t n, struct ep_err *err);

/* The part of cfg's profile that kind declares. */
void *ep_config_part(const struct ep_config *cfg,
                     const struct ep_probe_kind *kind);

/* kind's check in cfg, or NULL when the build has no such kind. */
struct ep_check_config *ep_config_check(const struct ep_config *cfg,
                                        const struct ep_probe_kind *kind);

/* Reads the credentials cfg names (each kind's files, the proxy's file
 * or EDGEPROBE_PROXY_AUTH) into memory now, to be used by every later run:
 * what the subagent does as root before it drops to an unprivileged
 * user.  The secrets are wiped by ep_config_cleanup().  EP_EINVAL naming
 * the file when one cannot be read. */
enum ep_status ep_config_keep_secrets(struct ep_config *cfg,
                                      struct ep_err *err);

/* For the kinds' configure(): */

/* cc's thresholds: s's -w/-c when only, else the profile's (either may
 * be NULL: no threshold). */
enum ep_status ep_config_thresholds(struct ep_check_config *cc,
                                    const struct ep_settings *s, bool only,
                                    const char *profile_warn,
                                    const char *profile_crit,
                                    struct ep_err *err);

/* Replaces targets with s's hosts (each a HOST[:PORT], default_port)
 * when only and any were given. */
enum ep_status ep_config_hosts(struct ep_strlist *targets,
                               const struct ep_settings *s, bool only,
                               unsigned default_port, struct ep_err *err);

/* --cacert, or the profile's https.cacert (NATS TLS trusts it too). */
enum ep_status ep_config_cacert(struct ep_config *cfg,
                                const struct ep_settings *s,
                                struct ep_err *err);

/* Copies value into *field (freeing what was there). */
enum ep_status ep_config_set_string(char **field, const char *value,
                                    struct ep_err *err);

/* The proxy URL of https_proxy (or HTTPS_PROXY) with any "user:pass@"
 * removed, in a new string; NULL when neither is set or on no memory.
 * *had_credentials tells whether some were removed. */
char *ep_config_env_proxy(bool *had_credentials);

/* The proxy: --proxy, else the profile's, else https_proxy; its
 * credentials file and CA; refused when they are given without one. */
enum ep_status ep_config_proxy(struct ep_config *cfg,
                               const struct ep_settings *s,
                               struct ep_err *err);

/* The proxy's credentials for a probe being made: those kept by
 * ep_config_keep_secrets(), else read from the proxy's credentials file,
 * else from EDGEPROBE_PROXY_AUTH; *use points at them (NULL: none, or no
 * proxy).  What was read goes into secret (ep_secret_wipe() it).
 * EP_EINVAL naming the file or the variable when unusable. */
enum ep_status ep_config_proxy_secret(const struct ep_config *cfg,
                                      struct ep_secret *secret,
                                      const struct ep_secret **use,
                                      struct ep_err *err);

#endif
