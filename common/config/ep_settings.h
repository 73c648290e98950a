/* The settings a front end lays over a profile: the command line fills
 * them (ep_cli_parse), collectd's <Plugin> block and the subagent's
 * options will too; ep_config_build() checks them the same way for all,
 * naming each setting as the front end's user wrote it. */
#ifndef EP_SETTINGS_H
#define EP_SETTINGS_H

#include <stdbool.h>

#include "ep_profile.h"

enum ep_format { EP_FORMAT_NAGIOS, EP_FORMAT_JSON };

/* What each setting is called where the user wrote it, for messages:
 * "-H" on a command line, "Target" in collectd's configuration. */
struct ep_setting_names {
  const char *hosts, *expect_addresses, *warning, *critical, *timeout;
  const char *dns_servers, *fallback, *interface, *proxy, *proxy_auth_file;
  const char *proxy_cacert, *cacert, *nats_auth_file, *samples;
  const char *state_dir, *drift_warning, *drift_critical;
  const char *machine_interface;
};

/* The command line's names (the default when names is NULL). */
extern const struct ep_setting_names ep_cli_names;

struct ep_settings {
  const struct ep_setting_names *names; /* NULL: the command line's */
  const char       *profile; /* strings are borrowed: they must outlive */
  struct ep_strlist dns_servers; /* ep_config_build(); lists are owned */
  const char       *fallback;
  double            timeout; /* 0: the profile's */
  const char       *warning, *critical;
  const char       *cacert, *proxy, *proxy_auth_file, *proxy_cacert;
  const char       *interface;
  const char       *machine_interface; /* the whole checklist's machines */
  enum ep_format    format;
  int               verbose;
  bool              help, version;
  struct ep_strlist hosts, expect_addresses;
  int               samples; /* 0: the profile's */
  const char       *nats_auth_file;
  struct ep_strlist expect_issuers;
  int               cert_warning_days, cert_critical_days; /* -1: unset */
  const char       *state_dir; /* ntp drift between runs; NULL: none */
  const char       *drift_warning, *drift_critical; /* ppm ranges */
  /* The subagent's own (DESIGN.md): */
  const char       *agentx_socket; /* NULL: net-snmp's default */
  double            interval;      /* s between runs; 0: the default */
  double            ntp_interval;  /* s between NTP queries; 0: default */
  bool              foreground;
  const char       *user, *pidfile;
};

void ep_settings_init(struct ep_settings *s);
void ep_settings_cleanup(struct ep_settings *s);

/* The names of s's settings. */
const struct ep_setting_names *ep_settings_names(const struct ep_settings *s);

#endif
