/* The settings of one run: a profile with the command line (or a front
 * end's own configuration) laid over it, checked before anything is sent. */
#ifndef EP_CONFIG_H
#define EP_CONFIG_H

#include <stdbool.h>

#include "ep_cli.h"
#include "ep_iface.h"
#include "ep_profile.h"
#include "ep_range.h"

/* The checks of this release; https joins when its probe lands. */
enum ep_check_kind { EP_CHECK_DNS, EP_CHECK_NTP, EP_CHECK_NATS };

struct ep_config {
  struct ep_profile *profile; /* owned; overrides already applied */
  double             timeout;
  bool               has_iface;
  struct ep_iface    iface;
  struct ep_range    warn, crit; /* on the check's main figure */
  int                samples;    /* ntp: per address */
  char              *cafile;     /* https, nats: NULL for the system store */
  char              *nats_auth_file;
  enum ep_format     format;
  int                verbose;
};

void ep_config_init(struct ep_config *cfg);
void ep_config_cleanup(struct ep_config *cfg);

/* Loads the profile the command line names (standard by default) and lays
 * the options over it for the given check: -D replaces dns.servers, -H the
 * check's targets (with -a, dns.names' expected addresses), -w/-c the
 * check's thresholds.  EP_EINVAL with one line on any bad value. */
enum ep_status ep_config_from_cli(struct ep_config *cfg, const struct ep_cli *cli,
                                  enum ep_check_kind check, struct ep_err *err);

#endif
